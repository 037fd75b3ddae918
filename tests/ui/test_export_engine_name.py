"""The export dialog hands writers the engine's display name (DOCX and Markdown show it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.providers import registry
from desktop_app.ui.app import create_application
from desktop_app.ui.export_dialog import ExportDialog
from tests.ui.samples import meeting

pytestmark = pytest.mark.gui


def test_export_options_carry_the_display_name(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    transcript = meeting()
    dialog = ExportDialog(transcript, folder=tmp_path, language="en")
    qtbot.addWidget(dialog)
    made_by = registry.made_by(transcript.engine)
    assert made_by is not None
    expected = made_by.display_name
    assert expected != transcript.engine
    assert dialog.export_options().engine_name == expected
