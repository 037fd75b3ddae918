"""The transcript page of the main window: notices, the transcript, the timeline and the player.

:class:`TranscriptPage` lays them out and wires them together: the player's position moves the
timeline's playhead and highlights the segment and word playing in the transcript; a click on
the timeline seeks; selecting a segment in one selects it in the other; dragging a segment's edge
on the timeline retimes it through the transcript model (one undoable edit, saved like any other
edit); a running job's provisional segments are shown greyed and read-only; the waveform's peaks are read in the background by a
:class:`~desktop_app.ui.waveform.PeaksLoader` for whatever media is shown.

Dragging an edge *seeks* the player (scrub): while playing, playback continues from the edge, so
it is heard at once; while paused, the playhead waits there and Space plays from the new edge.
Short bursts of playback per mouse move were tried in thought and rejected: QMediaPlayer needs
tens to hundreds of milliseconds to start a compressed file after a seek, so bursts would stutter
and lag behind the pointer.

The page's :attr:`TranscriptPage.actions` are the playback and editing keys (play/pause, ±2 s,
next/previous segment, split, merge); the window puts them in its menus so they are discoverable.
GUI thread only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from desktop_app.audio.peaks import Peaks
from desktop_app.core.transcript import Transcript
from desktop_app.ui.notices import NoticeBar
from desktop_app.ui.player import Player
from desktop_app.ui.timeline import Timeline
from desktop_app.ui.transcript_model import CURRENT_ROLE, RICH_TEXT_ROLE, muted_color
from desktop_app.ui.transcript_view import TranscriptView
from desktop_app.ui.waveform import PeaksLoader

SEEK_STEP_SECONDS = 2.0
_DISPLAY_ONLY_ROLES = {CURRENT_ROLE, RICH_TEXT_ROLE}
_MAX_ROWS_UPDATED = 50
TIMELINE_VISIBLE_KEY = "editor/timeline_visible"


class TranscriptPage(QWidget):
    """Transcript, timeline and player of the shown entry. GUI thread only.

    Owns no signals of its own: the transcript view's ``edited`` is what the history saves.
    """

    def __init__(self, parent: QWidget | None = None, cache_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.notice_bar = NoticeBar()
        self.view = TranscriptView()
        self.timeline = Timeline()
        self.player = Player()
        self.player.attach(self.view)
        self.peaks_loader = PeaksLoader(self, cache_folder=cache_folder)
        self._media: Path | None = None
        self._fit_pending = False  # fit the whole file once its peaks are in, unless zoomed
        # Rows edited since the timeline was last told (None: rebuild it all). Rebuilding costs
        # ~30 ms on 10 000 segments, so a text or timing edit only updates its own rows.
        self._dirty: set[int] | None = set()
        self._speakers: list[str | None] = []  # each row's speaker as the timeline shows it

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.timeline)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([480, self.timeline.minimumHeight() + 40])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.notice_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.player)

        self._timeline_refresh = QTimer(self)
        self._timeline_refresh.setSingleShot(True)
        self._timeline_refresh.setInterval(0)
        self._timeline_refresh.timeout.connect(self._refresh_timeline)
        self._build_actions()
        self._connect()

    # ----------------------------------------------------------------- set-up
    def _build_actions(self) -> None:
        def action(text: str, keys: list[str], slot: object) -> QAction:
            made = QAction(text, self)
            made.setShortcuts([QKeySequence(k) for k in keys])
            made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            made.triggered.connect(slot)
            self.addAction(made)
            return made

        # Space alone plays/pauses in the table (SegmentTable) where it cannot mean typing;
        # Ctrl+Space works everywhere, also while editing text.
        self.play_action = action(self.tr("Play/pause"), ["Ctrl+Space"], self.player.toggle)
        # Alt+arrows: Ctrl+Left/Right move by words while editing text.
        self.back_action = action(
            self.tr("Back 2 seconds"), ["Alt+Left"], lambda: self.step(-SEEK_STEP_SECONDS)
        )
        self.forward_action = action(
            self.tr("Forward 2 seconds"), ["Alt+Right"], lambda: self.step(SEEK_STEP_SECONDS)
        )
        self.previous_action = action(
            self.tr("Previous segment"), ["Alt+Up"], lambda: self.go_to_segment(-1)
        )
        self.next_action = action(
            self.tr("Next segment"), ["Alt+Down"], lambda: self.go_to_segment(1)
        )
        self.split_action = action(
            self.tr("Split at the cursor (or the playhead)"), ["Ctrl+Shift+S"], self.split
        )
        self.merge_next_action = action(
            self.tr("Merge with next segment"), ["Ctrl+Shift+M"], self.view.merge_next
        )
        self.merge_previous_action = action(
            self.tr("Merge with previous segment"),
            ["Ctrl+Shift+Backspace"],
            self.view.merge_previous,
        )
        self.timeline_action = QAction(self.tr("Show timeline"), self)
        self.timeline_action.setCheckable(True)
        visible = QSettings().value(TIMELINE_VISIBLE_KEY, True, type=bool)
        self.timeline_action.setChecked(bool(visible))
        self.timeline.setVisible(bool(visible))
        self.timeline_action.toggled.connect(self.set_timeline_visible)

    @property
    def playback_actions(self) -> list[QAction]:
        return [
            self.play_action,
            self.back_action,
            self.forward_action,
            self.previous_action,
            self.next_action,
        ]

    @property
    def edit_actions(self) -> list[QAction]:
        return [self.split_action, self.merge_next_action, self.merge_previous_action]

    def _connect(self) -> None:
        timeline, view, player = self.timeline, self.view, self.player
        player.position_changed.connect(timeline.set_position)
        timeline.seek_requested.connect(self.seek)
        timeline.scrub_requested.connect(self.player.seek)
        timeline.segment_clicked.connect(view.show_row)
        timeline.segment_retimed.connect(self._retime)
        view.current_row_changed.connect(
            lambda row: timeline.select_segment(row if row >= 0 else None)
        )
        model = view.model
        model.edited.connect(self._timeline_refresh.start)
        model.dataChanged.connect(self._rows_changed)
        for whole in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            whole.connect(self._all_rows_changed)
        view.follow_action.toggled.connect(lambda on: timeline.setProperty("follow_playhead", on))
        self.peaks_loader.progress.connect(lambda peaks, _done: self._show_peaks(peaks))
        self.peaks_loader.loaded.connect(self._peaks_loaded)
        timeline.zoom_changed.connect(self._zoomed)
        self.peaks_loader.failed.connect(self._peaks_failed)

    # ----------------------------------------------------------------- public
    def show_transcript(self, transcript: Transcript, media: Path | None) -> None:
        """Show ``transcript`` with its media (``None``: no playback, no waveform)."""
        self._set_read_only(False)
        self.view.set_transcript(transcript)
        self._show_media(transcript, media)

    def show_partial(self, partial: Transcript, media: Path | None) -> None:
        """Show the segments a running job has decoded so far: greyed, read-only, following
        the newest (``partial`` keeps growing elsewhere, so the view gets a copy)."""
        bar = self.view.table.verticalScrollBar()
        kept = bar.value()
        follow = not self.view.model.read_only or kept >= bar.maximum()
        self._set_read_only(True)
        self.view.set_transcript(
            Transcript(segments=list(partial.segments), engine=partial.engine, language="ko")
        )
        if follow:  # like the live view: stay put while the user reads further up
            self.view.table.scrollToBottom()
        else:
            bar.setValue(kept)
        self._show_media(self.view.transcript(), media)

    def _set_read_only(self, read_only: bool) -> None:
        self.view.model.read_only = read_only
        # Only the roles set here are the table's own; the rest follows the window's theme.
        palette = QPalette()
        if read_only:
            palette.setColor(QPalette.ColorRole.Text, muted_color(self.palette()))
            palette.setColor(QPalette.ColorRole.WindowText, muted_color(self.palette()))
        self.view.table.setPalette(palette)
        self.view.table.setToolTip(
            self.tr("Provisional text while the job runs; it can be edited once it is done.")
            if read_only
            else ""
        )
        for item in self.edit_actions:
            item.setVisible(not read_only)

    def _show_media(self, transcript: Transcript, media: Path | None) -> None:
        self.notice_bar.show_notices(transcript)
        self.timeline.set_transcript(transcript)
        self._speakers = [s.speaker for s in transcript.segments]
        self._dirty = set()
        self.timeline.select_segment(None)
        if media != self._media:  # a new partial or the finished text keeps playback going
            self._media = media
            self.player.set_source(media)
            self.timeline.set_peaks(None)
            self.timeline.set_duration(transcript.duration or 0.0)
            self.timeline.set_position(0.0)
            self.timeline.fit()
            self._fit_pending = True
            if media is not None and media.exists():
                self.peaks_loader.load(media, transcript.duration)
            else:
                self.peaks_loader.cancel()

    def set_timeline_visible(self, visible: bool) -> None:
        self.timeline.setVisible(visible)
        if self.timeline_action.isChecked() != visible:
            self.timeline_action.setChecked(visible)
        QSettings().setValue(TIMELINE_VISIBLE_KEY, visible)

    def seek(self, seconds: float) -> None:
        """Move the player (and the playhead, also without media) to ``seconds``."""
        seconds = max(0.0, seconds)
        self.player.seek(seconds)
        self.timeline.set_position(seconds)
        self.view.set_current_time(seconds)

    def step(self, seconds: float) -> None:
        self.seek(self.timeline.position() + seconds)

    def go_to_segment(self, offset: int) -> None:
        """Select the segment ``offset`` rows from the current one and seek to its start."""
        count = self.view.model.rowCount()
        if count == 0:
            return
        rows = self.view.selected_rows()
        row = min(max(0, (rows[0] if rows else -1) + offset), count - 1)
        self.view.finish_editing()
        self.view.show_row(row)
        self.seek(self.view.model.segment(row).start)

    def split(self) -> bool:
        return self.view.split_here(self.timeline.position())

    def jump_to_segment(self, row: int) -> None:
        """Select segment ``row`` in the transcript and on the timeline (from the rule checker)."""
        self.view.show_row(row)
        self.timeline.select_segment(row)

    def shutdown(self) -> None:
        self.peaks_loader.cancel()
        self.player.stop()

    # --------------------------------------------------------------- private
    def _retime(self, row: int, start: float, end: float) -> None:
        if not self.view.model.retime_row(row, start, end) and row < self.view.model.rowCount():
            segment = self.view.model.segment(row)  # refused (read-only): put the edge back
            self.timeline.set_segment_times(row, segment.start, segment.end)

    def _rows_changed(self, top: QModelIndex, bottom: QModelIndex, roles: list[int]) -> None:
        if self._dirty is None or (roles and set(roles) <= _DISPLAY_ONLY_ROLES):
            return
        if bottom.row() - top.row() >= _MAX_ROWS_UPDATED:
            self._dirty = None
        else:
            self._dirty.update(range(top.row(), bottom.row() + 1))

    def _all_rows_changed(self) -> None:
        self._dirty = None

    def _refresh_timeline(self) -> None:
        dirty, self._dirty = self._dirty, set()
        segments = self.view.transcript().segments
        if (
            dirty is None
            or self.timeline.segment_count() != len(segments)
            or any(segments[row].speaker != self._speakers[row] for row in dirty)
        ):
            self.timeline.set_transcript(self.view.transcript())
            self._speakers = [s.speaker for s in segments]
        else:
            for row in sorted(dirty):
                segment = segments[row]
                self.timeline.set_segment_text(row, segment.text)
                if self.timeline.segment_times(row) != (segment.start, segment.end):
                    self.timeline.set_segment_times(row, segment.start, segment.end)
        rows = self.view.selected_rows()
        self.timeline.select_segment(rows[0] if rows else None)

    def _show_peaks(self, peaks: Peaks) -> None:
        self.timeline.set_peaks(peaks)

    def _peaks_loaded(self, peaks: Peaks) -> None:
        self.timeline.set_peaks(peaks)
        if self._fit_pending:
            self.timeline.fit()
            self._fit_pending = False

    def _zoomed(self, _pixels_per_second: float) -> None:
        self._fit_pending = False

    def _peaks_failed(self, message: str) -> None:
        self.timeline.set_peaks(None)
        self.timeline.setToolTip(message)
