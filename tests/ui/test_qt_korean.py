"""Qt's own dialogs and buttons (file dialogs, message boxes, OK/Cancel) speak Korean too:
Qt's Korean catalogue is loaded next to Sori's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import create_application
from desktop_app.ui.i18n import install_translator

pytestmark = pytest.mark.gui


@pytest.fixture
def korean() -> Iterator[QApplication]:
    app = create_application()
    install_translator(app, "ko")
    yield app
    install_translator(app, "en")


def test_standard_buttons_are_korean(korean: QApplication, qtbot: QtBot) -> None:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Open
    )
    qtbot.addWidget(buttons)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    opened = buttons.button(QDialogButtonBox.StandardButton.Open)
    assert cancel is not None and "취소" in cancel.text()
    assert opened is not None and "열기" in opened.text()
