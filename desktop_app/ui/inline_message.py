"""A one-line (wrapping) message shown next to the field it is about: error, success or note.

Colours follow the palette: darker on light themes, lighter on dark ones, so the text stays
readable either way. Screen readers get the text through the accessible description too.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

Kind = Literal["error", "success", "info"]

# (on light backgrounds, on dark backgrounds)
_COLOURS: dict[Kind, tuple[str, str]] = {
    "error": ("#b3261e", "#ff8a80"),
    "success": ("#1e7b34", "#81c995"),
    "info": ("", ""),
}
_MARKS: dict[Kind, str] = {"error": "⚠ ", "success": "✓ ", "info": ""}


class InlineMessage(QLabel):
    """A label that is hidden while empty. GUI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: Kind | None = None
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def _show(self, kind: Kind, text: str) -> None:
        self.kind = kind
        light, dark = _COLOURS[kind]
        window = self.palette().color(QPalette.ColorRole.Window)
        colour = dark if window.lightness() < 128 else light
        self.setStyleSheet(f"color: {colour};" if colour else "")
        self.setText(_MARKS[kind] + text)
        self.setAccessibleDescription(text)
        self.show()

    def show_error(self, text: str) -> None:
        self._show("error", text)

    def show_success(self, text: str) -> None:
        self._show("success", text)

    def show_info(self, text: str) -> None:
        self._show("info", text)

    def clear_message(self) -> None:
        self.kind = None
        self.clear()
        self.setAccessibleDescription("")
        self.hide()

    def message(self) -> str:
        """The text without its leading mark (for tests and copying)."""
        text = self.text()
        mark = _MARKS[self.kind] if self.kind else ""
        return text[len(mark) :] if mark and text.startswith(mark) else text
