"""The main window driven as a user would: drop files, watch the queue, read, edit, export,
re-open from the history, record from a file-backed source, and see errors where they happen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.export import ExportOptions, export_transcript
from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow

HANGUL = re.compile(r"[\uac00-\ud7a3]")
pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    create_application()
    win = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    win.live.shutdown()
    win.runner.shutdown()


def drop(window: MainWindow, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.drop_zone.dropEvent(event)


@pytest.mark.vosk
def test_drop_transcribe_edit_export_and_reopen(
    window: MainWindow, qtbot: QtBot, korean_clip: Path, tmp_path: Path
) -> None:
    assert window.engine() == "whisper"
    with qtbot.waitSignal(window.runner.finished, timeout=120_000):
        drop(window, korean_clip)
    entry = window.queue.entries[0]
    assert entry.state == "done" and entry.transcript is not None
    window.queue.select(entry)
    assert window.views.currentIndex() == 1
    model = window.transcript_view.model
    assert model.rowCount() >= 1
    text_index = model.index(0, 2)
    assert HANGUL.search(str(model.data(text_index)))
    # Correct the first segment; the history keeps the edit.
    assert model.setData(text_index, "고친 문장입니다", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: entry.history_id is not None, timeout=10_000)
    window._save_edits()
    window.wait_for_history()
    assert entry.transcript.segments[0].text == "고친 문장입니다"
    assert entry.history_id is not None
    record = window.history.load(entry.history_id)
    assert record is not None and record.transcript.segments[0].text == "고친 문장입니다"
    target = tmp_path / "내보내기.srt"
    export_transcript(entry.transcript, "srt", target, ExportOptions())
    assert "문장입니다" in target.read_text(encoding="utf-8")
    # Reopening from the history after removing the row shows the edited text.
    window.queue.remove(entry)
    window.open_history(entry.history_id)
    reopened = window.queue.entries[-1]
    assert reopened.transcript is not None
    assert reopened.transcript.segments[0].text == "고친 문장입니다"


def test_bad_file_shows_failure_on_its_row(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.mp3"
    bad.write_bytes(b"this is not audio at all" * 10)
    with qtbot.waitSignal(window.runner.failed, timeout=60_000) as blocker:
        drop(window, bad)
    message = blocker.args[1]
    assert "broken.mp3" in message and "Traceback" not in message
    entry = window.queue.entries[0]
    assert entry.state == "failed" and entry.message == message
    window.queue.select(entry)
    assert window.retry_button.isEnabled()
    assert window.queue.bar(entry).toolTip() == message


def test_missing_credentials_fail_on_the_row_until_the_keys_are_known(
    window: MainWindow, qtbot: QtBot, korean_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the keyring has been read (a drop right at start) the job runs and fails on its
    row; once known, nothing is queued (tests/ui/test_keys_needed.py)."""
    import keyring

    from tests.helpers.keyrings import MemoryKeyring

    for var in ("SORI_RTZR_CLIENT_ID", "SORI_RTZR_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        window.engine_box.setCurrentIndex(window.engine_box.findData("rtzr"))
        window.queue_controller.credentials = {}
        with qtbot.waitSignal(window.runner.failed, timeout=60_000) as blocker:
            drop(window, korean_clip)
    finally:
        keyring.set_keyring(previous)
    assert "sori credentials set rtzr" in blocker.args[1]


@pytest.mark.vosk
def test_record_from_a_file_backed_source_shows_live_text(
    window: MainWindow, qtbot: QtBot, korean_clip: Path
) -> None:
    events: list[object] = []
    window.live.result.connect(events.append)
    window.live.start("vosk", window.options_panel.options(), input_file=korean_clip)
    window.record_panel.set_recording(True, window.live.source)
    with qtbot.waitSignal(window.live.finished, timeout=120_000) as blocker:
        pass
    result = blocker.args[0]
    assert events
    assert HANGUL.search(result.transcript.text)
    assert result.recording is not None and result.recording.exists()


def test_wrong_credentials_against_the_emulator_fail_on_the_row(
    qtbot: QtBot, tmp_path: Path, korean_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.emulators import RTZR_CLIENT_ID, start_emulator

    monkeypatch.setenv("SORI_RTZR_CLIENT_ID", RTZR_CLIENT_ID)
    monkeypatch.setenv("SORI_RTZR_CLIENT_SECRET", "not-the-right-secret")
    create_application()
    with start_emulator("rtzr") as server:
        settings = Settings(tmp_path / "settings.json")
        settings.set_engine("rtzr", "endpoint", server.base_url)
        settings.save()
        monkeypatch.setenv("SORI_CONFIG_DIR", str(tmp_path))
        win = MainWindow(
            settings=settings, history=HistoryStore(tmp_path / "h.sqlite3"), resume_jobs=False
        )
        qtbot.addWidget(win)
        try:
            win.engine_box.setCurrentIndex(win.engine_box.findData("rtzr"))
            with qtbot.waitSignal(win.runner.failed, timeout=60_000) as blocker:
                drop(win, korean_clip)
        finally:
            win.runner.shutdown()
    message = blocker.args[1]
    assert "not-the-right-secret" not in message
    assert "H0002" in message or "credential" in message.lower()
    assert win.queue.entries[0].state == "failed"
    assert server.requests.count(r"^POST /v1/transcribe") == 0
