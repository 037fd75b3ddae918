"""The mouse wheel over a combo box or spin box the user has not clicked leaves its value alone
(scrolling the options panel past a field must not change, say, long form into short form);
with the focus in the field, the wheel works as usual. The guard is application-wide."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.settings import Settings
from desktop_app.ui.app import create_application
from desktop_app.ui.options_panel import EngineOptionsPanel

pytestmark = pytest.mark.gui


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One wheel turn over the middle of ``widget`` (negative: towards the user)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(QPoint(int(centre.x()), int(centre.y())))),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def value(field: QWidget) -> object:
    if isinstance(field, QComboBox):
        return field.currentIndex()
    return field.text() if isinstance(field, QAbstractSpinBox) else None


def test_wheel_changes_options_only_in_the_focused_field(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    panel = EngineOptionsPanel("clova-speech", Settings(tmp_path / "settings.json"))
    qtbot.addWidget(panel)
    panel.resize(420, 500)
    panel.show()
    qtbot.waitExposed(panel)
    combos = [c for c in panel.findChildren(QComboBox) if c.isVisibleTo(panel) and c.count() > 1]
    spins = [s for s in panel.findChildren(QAbstractSpinBox) if s.isVisibleTo(panel)]
    assert combos and spins
    for field in [*combos, *spins]:
        assert field.focusPolicy() != Qt.FocusPolicy.WheelFocus
        field.clearFocus()
        before = value(field)
        wheel(field)
        wheel(field, +1)
        assert value(field) == before, field.accessibleName()
        if isinstance(field, QComboBox) and field.currentIndex() < field.count() - 1:
            field.setFocus()
            qtbot.waitUntil(field.hasFocus)
            wheel(field)
            assert value(field) != before, field.accessibleName()
