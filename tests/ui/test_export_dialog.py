"""The export dialog writes the chosen formats from the edited transcript, off the GUI thread."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import srt
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop_app.core.transcript import Transcript
from desktop_app.export import FORMATS
from desktop_app.ui.app import create_application
from desktop_app.ui.export_dialog import ExportDialog, proposed_name
from desktop_app.ui.transcript_view import TranscriptView
from tests.ui.samples import long_transcript, meeting

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    create_application()
    QSettings().remove("export")
    yield
    QSettings().remove("export")


def make_dialog(qtbot: QtBot, transcript: Transcript, folder: Path) -> ExportDialog:
    dialog = ExportDialog(transcript, folder=folder, language="en")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def export(dialog: ExportDialog, qtbot: QtBot) -> None:
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        dialog.export_button.click()


def test_offers_every_format_and_proposes_a_name(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, meeting(), tmp_path)
    assert (
        list(dialog.format_boxes)
        == list(FORMATS)
        == [
            "txt",
            "srt",
            "vtt",
            "json",
            "md",
            "csv",
            "docx",
        ]
    )
    assert dialog.selected_formats() == ("txt", "srt")
    assert dialog.name_edit.text() == "weekly-meeting"
    assert dialog.folder_edit.text() == str(tmp_path)
    assert "weekly-meeting.txt" in dialog.preview_label.text()
    assert dialog.export_button.isEnabled()


def test_exports_reflect_edits_made_in_the_view(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    view = TranscriptView()
    qtbot.addWidget(view)
    view.set_transcript(meeting())
    view.model.setData(view.model.index(2, 2), "배포는 다음 주 수요일로 잡혀 있습니다")
    view.model.rename_speaker("S2", "민준")
    view.model.merge_rows(4, 5)

    dialog = make_dialog(qtbot, view.transcript(), tmp_path)
    dialog.set_formats(["srt", "json", "docx", "csv"])
    dialog.name_edit.setText("회의록")
    export(dialog, qtbot)

    subtitles = list(srt.parse((tmp_path / "회의록.srt").read_text(encoding="utf-8")))
    text = "\n".join(s.content for s in subtitles)
    assert "수요일로" in text and "화요일" not in text
    assert "민준:" in text
    first = subtitles[0]
    assert first.start.total_seconds() == pytest.approx(0.0)
    data = json.loads((tmp_path / "회의록.json").read_text(encoding="utf-8"))
    assert len(data["segments"]) == 6
    assert {"id": "S2", "name": "민준"} in data["speakers"]
    assert (tmp_path / "회의록.docx").stat().st_size > 0
    assert "수요일로" in (tmp_path / "회의록.csv").read_text(encoding="utf-8")
    assert dialog.message.kind == "success"
    assert "회의록.srt" in dialog.message.message()
    assert dialog.open_folder_button.isVisible()


def test_options_shape_the_text_export(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, meeting(), tmp_path)
    dialog.set_formats(["txt"])
    dialog.timestamps_box.setChecked(True)
    dialog.speakers_box.setChecked(False)
    export(dialog, qtbot)
    text = (tmp_path / "weekly-meeting.txt").read_text(encoding="utf-8")
    assert "[00:00:00]" in text
    assert "김지수" not in text
    reopened = make_dialog(qtbot, meeting(), tmp_path)  # choices are remembered
    assert reopened.selected_formats() == ("txt",)
    assert reopened.timestamps_box.isChecked() and not reopened.speakers_box.isChecked()


def test_validation_and_replacement_warning(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, meeting(), tmp_path)
    dialog.set_formats([])
    assert not dialog.export_button.isEnabled()
    assert "at least one format" in dialog.preview_label.text()
    dialog.set_formats(["vtt"])
    dialog.name_edit.setText(" / ")
    assert not dialog.export_button.isEnabled()
    dialog.name_edit.setText("a:b")
    assert dialog.request().targets()[0][1].name == "a_b.vtt"
    (tmp_path / "a_b.vtt").write_text("old", encoding="utf-8")
    dialog.name_edit.setText("a:b ")
    assert "Will replace: a_b.vtt" in dialog.preview_label.text()


def test_failure_is_reported_inline(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    dialog = make_dialog(qtbot, meeting(), blocker)
    dialog.set_formats(["txt", "srt"])
    dialog.export_button.click()
    qtbot.waitUntil(
        lambda: not dialog.is_busy() and dialog.message.kind is not None, timeout=30_000
    )
    assert dialog.message.kind == "error"
    assert ".txt:" in dialog.message.message() and "Cannot write" in dialog.message.message()
    assert dialog.export_button.isEnabled()


def test_big_export_runs_off_the_gui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    transcript = long_transcript(3000)
    dialog = make_dialog(qtbot, transcript, tmp_path)
    dialog.set_formats(["docx", "json"])
    assert dialog.start_export()
    assert dialog.is_busy()  # control came back before the files were written
    assert not dialog.export_button.isEnabled()
    assert not dialog.start_export()  # one export at a time
    dialog.reject()  # closing waits for the files instead of dropping them
    assert dialog.isVisible()
    assert dialog.message.kind == "info"
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=60_000)
    assert not dialog.isVisible()  # then it closes as asked
    data = json.loads((tmp_path / "long.json").read_text(encoding="utf-8"))
    assert len(data["segments"]) == 3000


def test_proposed_names() -> None:
    create_application()
    transcript = meeting()
    transcript.source = "https://example.com/media/talk%201.mp3?token=x"
    assert proposed_name(transcript) == "talk 1"
    transcript.source = "https://example.com/..%5C..%5Cevil.mp3"
    assert proposed_name(transcript) == "evil"
    transcript.source = ""
    assert proposed_name(transcript).startswith("transcript-")
