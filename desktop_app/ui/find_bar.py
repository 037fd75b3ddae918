"""The find-and-replace bar above the transcript: case-insensitive, wraps around, undoable.

Typing highlights every hit and jumps to the first one from the current row; Enter / F3 goes to
the next hit, Shift+Enter / Shift+F3 to the previous one, Escape closes the bar. Replace changes
the hit shown and moves on; Replace all changes every hit in one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QWidget,
)

from desktop_app.ui.transcript_model import Column, FindMatch, TranscriptModel


class FindBar(QWidget):
    """Find and replace in a :class:`TranscriptModel` shown by ``table``. GUI thread only.

    Signals:
      closed()   the bar was hidden (focus should go back to the table)
    """

    closed = Signal()

    def __init__(
        self, model: TranscriptModel, table: QAbstractItemView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._table = table
        self._match: FindMatch | None = None
        self.setAccessibleName(self.tr("Find and replace"))

        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText(self.tr("Find"))
        self.find_edit.setAccessibleName(self.tr("Text to find"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(self._term_changed)
        self.find_edit.installEventFilter(self)

        self.previous_button = self._tool_button(
            QStyle.StandardPixmap.SP_ArrowUp, self.tr("Previous match (Shift+F3)")
        )
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button = self._tool_button(
            QStyle.StandardPixmap.SP_ArrowDown, self.tr("Next match (F3)")
        )
        self.next_button.clicked.connect(self.find_next)
        self.status_label = QLabel(self)
        self.status_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000 of 0000"))

        self.replace_edit = QLineEdit(self)
        self.replace_edit.setPlaceholderText(self.tr("Replace with"))
        self.replace_edit.setAccessibleName(self.tr("Replacement text"))
        self.replace_edit.returnPressed.connect(self.replace)
        self.replace_edit.installEventFilter(self)
        self.replace_button = QPushButton(self.tr("Replace"), self)
        self.replace_button.clicked.connect(self.replace)
        self.replace_all_button = QPushButton(self.tr("Replace all"), self)
        self.replace_all_button.clicked.connect(self.replace_all)
        self.close_button = self._tool_button(
            QStyle.StandardPixmap.SP_TitleBarCloseButton, self.tr("Close (Escape)")
        )
        self.close_button.clicked.connect(self.close_bar)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.find_edit, 3)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.status_label)
        layout.addSpacing(8)
        layout.addWidget(self.replace_edit, 2)
        layout.addWidget(self.replace_button)
        layout.addWidget(self.replace_all_button)
        layout.addWidget(self.close_button)
        self._update_buttons()
        self.hide()

    def _tool_button(self, icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        return button

    # ----------------------------------------------------------------- public
    @property
    def term(self) -> str:
        return self.find_edit.text()

    @property
    def current_match(self) -> FindMatch | None:
        return self._match

    def open_bar(self) -> None:
        """Show the bar with the find field focused and its text selected."""
        self.show()
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()
        self._model.set_search(self.term)
        self._match = None

    def close_bar(self) -> None:
        self.hide()
        self._match = None
        self._model.set_search("")
        self.closed.emit()

    def find_next(self) -> FindMatch | None:
        return self._find(backwards=False)

    def find_previous(self) -> FindMatch | None:
        return self._find(backwards=True)

    def replace(self) -> None:
        """Replace the hit shown (finding one first if none is shown), then show the next."""
        if self._match is None:
            self.find_next()
            return
        match = self._match
        replacement = self.replace_edit.text()
        if self._model.replace_match(self.term, match, replacement):
            self._match = FindMatch(match.row, match.start, match.start + len(replacement))
        self.find_next()

    def replace_all(self) -> int:
        count = self._model.replace_all(self.term, self.replace_edit.text())
        self._match = None
        self._model.set_current_match(None)
        self._show_count(replaced=count)
        return count

    # --------------------------------------------------------------- private
    def _find(self, backwards: bool) -> FindMatch | None:
        term = self.term
        if not term:
            return None
        if self._match is not None:
            row = self._match.row
            position = self._match.start if backwards else self._match.end
        else:
            current = self._table.currentIndex()
            row = current.row() if current.isValid() else 0
            position = len(self._model.segment(row).text) if backwards and current.isValid() else 0
        match = self._model.find(term, row, position, backwards)
        self._show_match(match)
        return match

    def _show_match(self, match: FindMatch | None) -> None:
        self._match = match
        self._model.set_current_match(match)
        if match is not None:
            index = self._model.index(match.row, Column.TEXT)
            self._table.setCurrentIndex(index)
            self._table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        self._show_count()

    def _term_changed(self, term: str) -> None:
        self._model.set_search(term)
        self._match = None
        self._update_buttons()
        if term:
            self._find(backwards=False)
        else:
            self._show_count()

    def _show_count(self, replaced: int | None = None) -> None:
        if replaced is not None:
            self.status_label.setText(self.tr("Replaced {0}").format(replaced))
            return
        if not self.term:
            self.status_label.clear()
            return
        total = self._model.count_matches(self.term)
        if total == 0:
            self.status_label.setText(self.tr("No matches"))
        elif self._match is not None:
            ordinal = self._model.match_ordinal(self.term, self._match)
            self.status_label.setText(self.tr("{0} of {1}").format(ordinal, total))
        elif total == 1:
            self.status_label.setText(self.tr("1 match"))
        else:
            self.status_label.setText(self.tr("{0} matches").format(total))

    def _update_buttons(self) -> None:
        has_term = bool(self.term)
        for widget in (
            self.previous_button,
            self.next_button,
            self.replace_button,
            self.replace_all_button,
        ):
            widget.setEnabled(has_term)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if watched is self.find_edit and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)
