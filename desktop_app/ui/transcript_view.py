"""The transcript view: segments with time, coloured speaker and text; edit, find, copy, play.

:class:`TranscriptView` combines a :class:`SegmentTable` (a QTableView over a
:class:`~desktop_app.ui.transcript_model.TranscriptModel`, painted by a delegate) with a
:class:`~desktop_app.ui.find_bar.FindBar`. Rows are given their wrapped-text height only when
they come into view, so a 10 000-segment transcript shows at once and scrolls smoothly.

Keys: double-click or F2 edits the text (F2 on the speaker column renames the speaker), Enter or
a click plays from the segment, Space plays/pauses, Ctrl+F finds, F3/Shift+F3 next/previous,
Ctrl+J merges with the next segment, Ctrl+Enter while editing splits at the cursor and
Ctrl+Backspace at its start merges with the previous one, Ctrl+C copies the selected segments,
Ctrl+Z/Ctrl+Shift+Z undo and redo, the menu key opens the context menu. The playback keys of the
transcript page are in :mod:`desktop_app.ui.transcript_page`.

During playback the segment and the word playing are highlighted and the table follows them
while :attr:`TranscriptView.follow_action` is checked; scrolling by hand unchecks it.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QInputDialog,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.transcript import Transcript
from desktop_app.ui import segment_ops, transcript_menu
from desktop_app.ui.find_bar import FindBar
from desktop_app.ui.transcript_delegate import PAD_X, PAD_Y, SegmentDelegate, SegmentEditor
from desktop_app.ui.transcript_model import Column, TranscriptModel, is_dark


class SegmentTable(QTableView):
    """The table of segments. GUI thread only.

    Signals:
      seek_requested(float)              a click or Enter on a segment: play from its start
      play_pause_requested()             Space while not editing
      context_menu_requested(QModelIndex, QPoint, int)   index, global position and the character
                                                          of the text under the pointer (-1: none)
      rename_speaker_requested(int)      F2 on the speaker column of this row
    """

    seek_requested = Signal(float)
    play_pause_requested = Signal()
    context_menu_requested = Signal(QModelIndex, QPoint, int)
    rename_speaker_requested = Signal(int)

    def __init__(self, model: TranscriptModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_visible_rows)
        self.segment_delegate = SegmentDelegate(self)
        self.setItemDelegate(self.segment_delegate)
        self.setModel(model)
        self._model = model
        self.setAccessibleName(self.tr("Transcript segments"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setCornerButtonEnabled(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStyleSheet(f"QHeaderView::section {{ padding-left: {PAD_X - 2}px; }}")
        header.setSectionResizeMode(Column.TIME, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.SPEAKER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self.schedule_fit)
        self._apply_font_metrics()

        self.verticalScrollBar().valueChanged.connect(self.schedule_fit)
        model.modelReset.connect(self._model_reset)
        model.rowsInserted.connect(self.schedule_fit)
        model.rowsRemoved.connect(self.schedule_fit)
        model.dataChanged.connect(self.schedule_fit)

    def _apply_font_metrics(self) -> None:
        metrics = self.fontMetrics()
        line = metrics.height() + 2 * PAD_Y
        self.verticalHeader().setMinimumSectionSize(line)
        self.verticalHeader().setDefaultSectionSize(line)
        self.setColumnWidth(Column.TIME, metrics.horizontalAdvance("00:00:00") + 2 * PAD_X + 6)
        self._fit_speaker_column()

    def _fit_speaker_column(self) -> None:
        metrics = self.fontMetrics()
        names = [s.name for s in self._model.speakers()] or [self.tr("Speaker")]
        widest = max(metrics.horizontalAdvance(n) for n in names) + 2 * PAD_X + 16
        self.setColumnWidth(Column.SPEAKER, max(90, min(widest, 220)))

    def _model_reset(self) -> None:
        self._fit_speaker_column()
        self.schedule_fit()

    # ------------------------------------------------------------- row heights
    def schedule_fit(self) -> None:
        self._fit_timer.start()

    def fit_visible_rows(self) -> None:
        """Give the rows in view the height their wrapped text needs (others keep one line)."""
        count = self._model.rowCount()
        if count == 0:
            return
        header = self.verticalHeader()
        width = self.columnWidth(Column.TEXT)
        font = self.font()
        dark = is_dark(self.palette())
        minimum = header.defaultSectionSize()
        available = self.viewport().height()
        row = max(0, self.rowAt(0))
        used = 0
        while row < count and used < available:
            needed = max(
                minimum,
                self.segment_delegate.text_height(
                    self._model.index(row, Column.TEXT), width, font, dark
                ),
            )
            if header.sectionSize(row) != needed:
                header.resizeSection(row, needed)
            used += needed
            row += 1

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.schedule_fit()

    # ------------------------------------------------------------------ input
    def editing(self) -> bool:
        return self.state() == QAbstractItemView.State.EditingState

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if not self.editing() and plain:
            current = self.currentIndex()
            if key == Qt.Key.Key_Space:
                self.play_pause_requested.emit()
                event.accept()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
                self.seek_requested.emit(self._model.segment(current.row()).start)
                event.accept()
                return
            if key == Qt.Key.Key_F2 and current.isValid() and current.column() != Column.TEXT:
                text_index = self._model.index(current.row(), Column.TEXT)
                if current.column() == Column.SPEAKER:
                    self.rename_speaker_requested.emit(current.row())
                else:
                    self.setCurrentIndex(text_index)
                    self.edit(text_index)
                event.accept()
                return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and plain and index.isValid():
            self.seek_requested.emit(self._model.segment(index.row()).start)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            index = self.currentIndex()
            if not index.isValid():
                return
            point = self.visualRect(index).center()
        else:
            point = event.pos()
            index = self.indexAt(point)
            if not index.isValid():
                return
            if not self.selectionModel().isRowSelected(index.row(), QModelIndex()):
                self.setCurrentIndex(index)
        self.context_menu_requested.emit(
            index, self.viewport().mapToGlobal(point), self.char_position_at(index, point)
        )

    def char_position_at(self, index: QModelIndex, point: QPoint) -> int:
        """The character of the segment's text under ``point`` (viewport coordinates), or -1."""
        if index.column() != Column.TEXT:
            return -1
        rect = self.visualRect(index)
        return self.segment_delegate.char_position(
            index, rect, point, self.font(), is_dark(self.palette())
        )


class TranscriptView(QWidget):
    """A finished transcript to read, correct and play from. GUI thread only.

    Signals:
      seek(float)               play from this time (a segment was clicked or Enter pressed)
      play_pause_requested()    Space in the table while not editing
      edited()                  the transcript changed (forwarded from the model), to save it
      current_row_changed(int)  the current (selected) segment changed (-1: none)
    """

    seek = Signal(float)
    play_pause_requested = Signal()
    edited = Signal()
    current_row_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Transcript"))
        self.model = TranscriptModel(parent=self)
        self.table = SegmentTable(self.model, self)
        self.find_bar = FindBar(self.model, self.table, self)
        self.find_bar.closed.connect(self.table.setFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)

        self.table.seek_requested.connect(self.seek)
        self.table.play_pause_requested.connect(self.play_pause_requested)
        self.table.context_menu_requested.connect(self._context_menu)
        self.table.rename_speaker_requested.connect(self._rename_speaker_of)
        self.table.segment_delegate.split_requested.connect(self._split_from_editor)
        self.table.segment_delegate.merge_previous_requested.connect(self._merge_from_editor)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.current_row_changed.emit(current.row())
        )
        self.table.verticalScrollBar().actionTriggered.connect(self._scrolled_by_hand)
        self.model.edited.connect(self.edited)
        self._build_actions()

    def _build_actions(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut

        def action(text: str, shortcut: QKeySequence | None, slot: object) -> QAction:
            made = QAction(text, self)
            if shortcut is not None:
                made.setShortcut(shortcut)
                made.setShortcutContext(context)
            made.triggered.connect(slot)
            self.addAction(made)
            return made

        self.find_action = action(
            self.tr("Find and replace…"),
            QKeySequence(QKeySequence.StandardKey.Find),
            self.open_find,
        )
        # The window's Edit menu shows this very action: one action, so Ctrl+F is never
        # ambiguous, and it works wherever the focus is in the window.
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.find_next_action = action(
            self.tr("Find next"),
            QKeySequence(QKeySequence.StandardKey.FindNext),
            self._find_next,
        )
        self.find_previous_action = action(
            self.tr("Find previous"),
            QKeySequence(QKeySequence.StandardKey.FindPrevious),
            self._find_previous,
        )
        self.copy_action = action(
            self.tr("Copy"), QKeySequence(QKeySequence.StandardKey.Copy), self.copy_selection
        )
        self.merge_action = action(
            self.tr("Merge with next segment"), QKeySequence("Ctrl+J"), self.merge_selection
        )
        self.undo_action = self.model.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.setShortcutContext(context)
        self.addAction(self.undo_action)
        self.redo_action = self.model.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.redo_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")]
        )
        self.redo_action.setShortcutContext(context)
        self.addAction(self.redo_action)
        self.follow_action = QAction(self.tr("Follow playback"), self)
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(True)
        self.follow_action.setToolTip(
            self.tr("Keep the segment playing in view (scrolling by hand turns this off)")
        )
        self.low_confidence_action = QAction(self.tr("Highlight uncertain words"), self)
        self.low_confidence_action.setCheckable(True)
        self.low_confidence_action.setChecked(self.model.low_confidence_visible)
        self.low_confidence_action.toggled.connect(self.set_low_confidence_visible)

    # ----------------------------------------------------------------- public
    def set_transcript(self, transcript: Transcript) -> None:
        """Show ``transcript``; edits change this object (see ``edited``)."""
        self.model.set_transcript(transcript)
        if self.find_bar.isVisible():
            self.model.set_search(self.find_bar.term)
        self.table.scrollToTop()

    def transcript(self) -> Transcript:
        """The transcript with every edit applied."""
        return self.model.transcript()

    @property
    def undo_stack(self) -> QUndoStack:
        return self.model.undo_stack

    def set_current_time(self, seconds: float) -> None:
        """Highlight the segment and word playing at ``seconds``; keep them in view while
        following."""
        previous = self.model.current_row
        row = self.model.set_playing_time(seconds)
        if row is None or row == previous or self.table.editing():
            return
        if self.follow_action.isChecked():
            self.table.scrollTo(
                self.model.index(row, Column.TEXT), QAbstractItemView.ScrollHint.EnsureVisible
            )

    def _scrolled_by_hand(self, _action: int) -> None:
        self.follow_action.setChecked(False)

    def finish_editing(self) -> None:
        """Commit and close the text editor, if one is open."""
        editor = self.open_editor()
        if editor is not None:
            self.table.commitData(editor)
            self.table.closeEditor(editor, SegmentDelegate.EndEditHint.NoHint)

    def open_editor(self) -> SegmentEditor | None:
        """The segment text editor that is open, or ``None``."""
        if not self.table.editing():
            return None
        editors = self.table.viewport().findChildren(SegmentEditor)
        return next((e for e in editors if e.isVisible()), None)

    def split_here(self, seconds: float) -> bool:
        """Split at the editor's cursor while editing; else split the current segment between
        the two words nearest ``seconds`` (the playhead), using the word timestamps."""
        editor = self.open_editor()
        if editor is not None:
            editor.split_requested.emit(editor.textCursor().position())
            return True
        rows = self.selected_rows()
        if not rows:
            return False
        position = segment_ops.boundary_near(self.model.segment(rows[0]), seconds)
        return position is not None and self.split_row(rows[0], position)

    def merge_next(self) -> bool:
        """Merge the selected segments, or the current one with the next (ends editing)."""
        self.finish_editing()
        return self.merge_selection()

    def merge_previous(self) -> bool:
        """Merge the current segment into the one before it (ends editing)."""
        editor = self.open_editor()
        if editor is not None:
            editor.merge_previous_requested.emit()
            return True
        rows = self.selected_rows()
        if not rows or rows[0] == 0:
            return False
        merged = self.model.merge_rows(rows[0] - 1, rows[0])
        if merged:
            self.select_row(rows[0] - 1)
        return merged

    def show_row(self, row: int) -> None:
        """Select segment ``row`` and scroll it into view (from the timeline or a checker)."""
        if not 0 <= row < self.model.rowCount():
            return
        self.select_row(row)
        self.table.scrollTo(
            self.model.index(row, Column.TEXT), QAbstractItemView.ScrollHint.PositionAtCenter
        )

    def set_low_confidence_visible(self, visible: bool, threshold: float | None = None) -> None:
        self.model.set_low_confidence(visible, threshold)
        if self.low_confidence_action.isChecked() != visible:
            self.low_confidence_action.setChecked(visible)

    def selected_rows(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return rows

    def select_row(self, row: int) -> None:
        index = self.model.index(row, Column.TEXT)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def open_find(self) -> None:
        self.find_bar.open_bar()

    def copy_selection(self) -> str:
        """Put the selected segments on the clipboard as ``[time] Speaker: text`` lines."""
        text = self.model.copy_text(self.selected_rows())
        if text:
            QApplication.clipboard().setText(text)
        return text

    def merge_selection(self) -> bool:
        """Merge the selected run of segments, or the current one with the next."""
        rows = self.selected_rows()
        if not rows:
            return False
        first, last = rows[0], rows[-1]
        if len(rows) == 1 or rows != list(range(first, last + 1)):
            last = first + 1
        merged = self.model.merge_rows(first, last)
        if merged:
            self.select_row(first)
        return merged

    def split_row(self, row: int, position: int) -> bool:
        done = self.model.split_row(row, position)
        if done:
            self.select_row(row + 1)
        return done

    def rename_speaker_interactively(self, speaker_id: str) -> bool:
        name, accepted = QInputDialog.getText(
            self,
            self.tr("Rename speaker"),
            self.tr("New name for “{0}” (changes every segment):").format(
                self.model.speaker_name(speaker_id)
            ),
            text=self.model.speaker_name(speaker_id),
        )
        return accepted and self.model.rename_speaker(speaker_id, name)

    def assign_new_speaker(self, rows: list[int]) -> bool:
        taken = {s.id for s in self.model.speakers()}
        new_id = next(f"S{n}" for n in itertools.count(len(taken) + 1) if f"S{n}" not in taken)
        name, accepted = QInputDialog.getText(
            self,
            self.tr("New speaker"),
            self.tr("Name of the new speaker:"),
            text=self.tr("Speaker {0}").format(len(taken) + 1),
        )
        if not accepted or not name.strip():
            return False
        stack = self.model.undo_stack
        stack.beginMacro(self.tr("New speaker"))
        self.model.rename_speaker(new_id, name)
        self.model.set_speaker(rows, new_id)
        stack.endMacro()
        return True

    # ------------------------------------------------------------ internals
    def _find_next(self) -> None:
        if not self.find_bar.isVisible() or not self.find_bar.term:
            self.open_find()
        else:
            self.find_bar.find_next()

    def _find_previous(self) -> None:
        if not self.find_bar.isVisible() or not self.find_bar.term:
            self.open_find()
        else:
            self.find_bar.find_previous()

    def _split_from_editor(self, index: QPersistentModelIndex, position: int, text: str) -> None:
        row = index.row() if index.isValid() else -1
        if row < 0:
            return
        left = segment_ops.normalize_text(text[:position])
        stack = self.model.undo_stack
        stack.beginMacro(self.tr("Split segment"))
        self.model.set_text(row, text)
        self.split_row(row, len(left))
        stack.endMacro()
        self.table.setFocus()

    def _merge_from_editor(self, index: QPersistentModelIndex, text: str) -> None:
        row = index.row() if index.isValid() else -1
        if row <= 0:
            return
        stack = self.model.undo_stack
        stack.beginMacro(self.tr("Merge segments"))
        self.model.set_text(row, text)
        self.model.merge_rows(row - 1, row)
        stack.endMacro()
        self.select_row(row - 1)
        self.table.setFocus()

    def context_menu(self, index: QModelIndex, char_position: int = -1) -> QMenu:
        """The menu for a segment (built fresh; ``char_position`` enables "Split here")."""
        return transcript_menu.build(self, index, char_position)

    def _rename_speaker_of(self, row: int) -> None:
        speaker = self.model.segment(row).speaker
        if speaker is not None:
            self.rename_speaker_interactively(speaker)

    def _context_menu(self, index: QModelIndex, global_pos: QPoint, char_position: int) -> None:
        menu = self.context_menu(index, char_position)
        menu.exec(global_pos)
        menu.deleteLater()
