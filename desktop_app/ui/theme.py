"""The window's colours: follow the system, or light, or dark (the ``theme`` setting).

Dark and light use the Fusion style with a full palette of their own, so every widget (and the
palette-aware drawing in the transcript, timeline and messages) follows. "system" keeps the
platform's style and asks Qt (6.5+: ``QStyleHints.colorScheme()``) whether the desktop is
dark, and follows it when the desktop changes. Every style is wrapped so that dialog buttons
carry no icons: some styles draw them on Save/Cancel but not on Export, and their dark glyphs
vanish on a dark palette. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)

_state: dict[str, object] = {}

_DARK = {
    QPalette.ColorRole.Window: "#2b2d30",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1f2023",
    QPalette.ColorRole.AlternateBase: "#26282b",
    QPalette.ColorRole.ToolTipBase: "#3a3d41",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#8c8f94",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#35373b",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#4a4d52",
    QPalette.ColorRole.Midlight: "#3d4045",
    QPalette.ColorRole.Mid: "#5a5d63",
    QPalette.ColorRole.Dark: "#1a1b1d",
    QPalette.ColorRole.Shadow: "#101112",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7fb2ff",
    QPalette.ColorRole.LinkVisited: "#c69cff",
}
_DISABLED_DARK = {
    QPalette.ColorRole.WindowText: "#7a7d82",
    QPalette.ColorRole.Text: "#7a7d82",
    QPalette.ColorRole.ButtonText: "#7a7d82",
    QPalette.ColorRole.Highlight: "#4a4d52",
    QPalette.ColorRole.HighlightedText: "#a0a0a0",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DISABLED_DARK.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


class _SoriStyle(QProxyStyle):
    """The chosen base style without icons on dialog buttons."""

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)


def _style(name: str) -> QStyle:
    base = QStyleFactory.create(name) or QStyleFactory.create("Fusion")
    style = _SoriStyle(base)
    _state["style_object"] = style  # Python must keep it while Qt uses it
    return style


def resolved_theme(theme: str) -> str:
    """ "light" or "dark" for a setting of system/light/dark ("system" when it cannot tell)."""
    if theme in ("light", "dark"):
        return theme
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return "dark"
    return "light" if scheme == Qt.ColorScheme.Light else "system"


def apply_theme(app: QApplication, theme: str) -> str:
    """Use ``theme`` (system/light/dark) for the whole application; returns what is shown."""
    if "style" not in _state:
        _state["style"] = app.style().name()
        app.styleHints().colorSchemeChanged.connect(lambda _: _follow_system(app))
    _state["theme"] = theme
    shown = resolved_theme(theme)
    own_look = theme == "system" and shown != "dark"  # the desktop's style and colours
    style = _style(str(_state["style"]) if own_look else "Fusion")
    app.setStyle(style)
    app.setPalette(dark_palette() if shown == "dark" else style.standardPalette())
    return shown


def _follow_system(app: QApplication) -> None:
    if _state.get("theme") == "system":
        apply_theme(app, "system")
