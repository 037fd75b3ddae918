"""The history: saving finished transcripts and their edits, and opening past ones again.

:class:`HistoryController` owns the signals of the history panel and the transcript view's
``edited`` signal. Writes to the history database run on one worker thread, in order (an
entry's first save comes before its edits), and the panel reloads when one is done.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.history import HistoryStore
from desktop_app.core.transcript import Transcript
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource
from desktop_app.ui.history_panel import HistoryPanel
from desktop_app.ui.history_saver import detached_copy
from desktop_app.ui.queue_table import QueueEntry, QueueTable
from desktop_app.ui.transcript_view import TranscriptView

log = logging.getLogger(__name__)

_background = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sori-ui")
SAVE_DELAY_MS = 1000


class _Relay(QObject):
    """Carries the end of a history write to the GUI thread."""

    history_changed = Signal()


class HistoryController(QObject):
    """Keeps the history in step with the queue and the edits. GUI thread only (writes run on
    a worker thread).

    ``shown`` is the entry whose transcript the view shows (its edits are the ones saved).
    """

    def __init__(
        self,
        history: HistoryStore,
        panel: HistoryPanel,
        view: TranscriptView,
        queue: QueueTable,
        parent: QObject | None = None,
        *,
        saved: Callable[[QueueEntry], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.history = history
        # Called on the history thread once an entry's first save is done: a remote job
        # leaves the journal only when its result is safely kept.
        self._saved = saved
        self.panel = panel
        self.view = view
        self.queue = queue
        self.shown: QueueEntry | None = None
        self._edits_pending = False
        self._relay = _Relay(self)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_edits)
        view.edited.connect(self._on_edited)
        panel.open_requested.connect(self.open_history)
        panel.media_located.connect(self._media_located)
        self._relay.history_changed.connect(panel.reload)

    def _on_edited(self) -> None:
        self._edits_pending = True
        self._save_timer.start()

    def save_edits(self) -> None:
        """Keep the shown transcript's edits (in the queue entry and the history)."""
        self._save_timer.stop()
        entry = self.shown
        if not self._edits_pending or entry is None or entry.transcript is None:
            return
        self._edits_pending = False
        entry.transcript = self.view.transcript()
        edited = detached_copy(entry.transcript)
        history, relay = self.history, self._relay

        def work() -> None:
            # Runs after the entry's first save (one worker thread, in order).
            if entry.history_id is None:
                return
            try:
                history.update(entry.history_id, edited)
            except Exception:
                log.exception("could not save the edits")
            relay.history_changed.emit()

        _background.submit(work)

    def store(self, entry: QueueEntry, transcript: Transcript) -> None:
        """Save a finished transcript off the GUI thread (a long one takes ~0.1 s)."""
        history, relay, options, saved = self.history, self._relay, entry.options, self._saved
        transcript = detached_copy(transcript)
        media = entry.source.path if entry.source is not None else entry.audio

        def work() -> None:
            try:
                entry.history_id = history.save(transcript, options=options, media=media)
                if saved is not None:
                    saved(entry)
            except Exception:
                log.exception("could not save the transcript to the history")
                return
            relay.history_changed.emit()

        _background.submit(work)

    def wait(self, timeout: float = 5.0) -> None:
        """Block until earlier history writes are done (closing, tests)."""
        concurrent.futures.wait([_background.submit(lambda: None)], timeout=timeout)

    def open_history(self, entry_id: int) -> None:
        for entry in self.queue.entries:
            if entry.history_id == entry_id:
                self.queue.select(entry)
                return
        record = self.history.load(entry_id)
        if record is None:
            self.panel.reload()
            return
        transcript = record.transcript
        engine = transcript.engine if transcript.engine in registry.provider_names() else ""
        display = registry.provider_class(engine).display_name if engine else transcript.engine
        entry = QueueEntry(record.entry.title, engine, display)
        entry.state, entry.fraction, entry.transcript = "done", 1.0, transcript
        entry.duration, entry.history_id = transcript.duration, entry_id
        media = record.entry.media_path
        entry.audio = media
        entry.source = MediaSource(path=media) if media is not None else None
        entry.ended = entry.started
        self.queue.add(entry)
        self.queue.select(entry)
        if media is None and record.entry.media:
            self.panel.show_missing_media(entry_id, Path(record.entry.media))

    def _media_located(self, entry_id: int, path: Path) -> None:
        """The user found a moved file: play, re-run and export from there again."""
        for entry in self.queue.entries:
            if entry.history_id == entry_id:
                entry.audio, entry.source = path, MediaSource(path=path)
                self.queue.clearSelection()  # selecting again loads the player and the buttons
                self.queue.select(entry)
