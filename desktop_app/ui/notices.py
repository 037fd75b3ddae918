"""Things a person should know about a transcript, shown where they look: a warning icon and
tooltip on the job's queue row, and a bar above the transcript when it is opened.

The notices come from :attr:`desktop_app.core.transcript.Transcript.notices` (no speech
recognised, the file ends early, times repaired, a job that may have run twice); nothing here
decides what is worth a notice except :func:`silent_recording`, which the live runner adds to a
recording in which no speech was recognised. :class:`Banner` is the framed message with buttons
used for the notice bar and for the offer to resume unfinished cloud jobs.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QTableWidgetItem,
    QWidget,
)

from desktop_app.core.transcript import Notice, Transcript
from desktop_app.providers import finish
from desktop_app.ui.i18n import current_language

SILENT_RECORDING = finish.SILENT_RECORDING.code
# (background, border, text) on light and on dark themes
_LIGHT = ("#fff4ce", "#e0b400", "#4d3a00")
_DARK = ("#4a3b00", "#b38f00", "#ffe8a3")


def silent_recording() -> Notice:
    return finish.SILENT_RECORDING


def notice_lines(notices: Sequence[Notice], language: str) -> list[str]:
    return [notice.describe(language) for notice in notices]


def warning_icon(widget: QWidget) -> QIcon:
    return widget.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def mark_row(item: QTableWidgetItem, transcript: Transcript | None, table: QWidget) -> bool:
    """Give a finished row a warning icon and the notices as its tooltip when its transcript
    has any; returns whether it did (the caller keeps its own icon otherwise)."""
    if transcript is None or not transcript.notices:
        return False
    lines = notice_lines(transcript.notices, current_language())
    item.setIcon(warning_icon(table))
    item.setToolTip("\n".join([item.text(), *("⚠ " + line for line in lines)]))
    return True


class Banner(QFrame):
    """A framed message with a warning icon and optional buttons, hidden while empty. GUI
    thread only; buttons are added by the owner with :meth:`add_button`."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        background, border, text = _DARK if dark else _LIGHT
        self.setStyleSheet(
            f"#{name} {{ background: {background}; border: 1px solid {border}; "
            f"border-radius: 6px; }} #{name} QLabel {{ color: {text}; }}"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        icon = QLabel()
        icon.setPixmap(warning_icon(self).pixmap(20, 20))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(icon)
        self.label = QLabel()
        self.label.setObjectName(f"{name}_text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.label, 1)
        self._buttons = QHBoxLayout()
        row.addLayout(self._buttons)
        self.hide()

    def add_button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        self._buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return button

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()

    def clear(self) -> None:
        self.label.clear()
        self.hide()


class NoticeBar(Banner):
    """Above the transcript: what the shown transcript's notices say (hidden when none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("notice_bar", parent)

    def show_notices(self, transcript: Transcript | None) -> None:
        if transcript is None or not transcript.notices:
            self.clear()
            return
        lines = notice_lines(transcript.notices, current_language())
        self.show_text("\n".join(lines))
