"""Notices reach the window: a warning icon and tooltip on the job's row, a bar above the
transcript when it is opened (gone for a transcript without notices), and a silent recording
says that no speech was recognised."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.secrets import CredentialStore
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Notice, Segment, Transcript
from desktop_app.live.session import LiveResult
from desktop_app.providers.base import MediaSource
from desktop_app.ui import i18n
from desktop_app.ui.app import create_application
from desktop_app.ui.live_runner import LiveRunner
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.notices import SILENT_RECORDING
from desktop_app.ui.queue_table import FILE, QueueEntry
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.gui
TRUNCATED = Notice("truncated", "The file ends early at 03:12.", "파일이 03:12에서 끝납니다.")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    create_application()
    win = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        store=CredentialStore(MemoryKeyring()),
        resume_jobs=False,
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    win.wait_for_history()
    win.live.shutdown()
    win.runner.shutdown()


def finish_job(window: MainWindow, label: str, transcript: Transcript, job_id: int) -> QueueEntry:
    """A queued job whose engine reports ``transcript`` (through the runner's real signal)."""
    entry = QueueEntry(label, "rtzr", "RTZR", source=MediaSource(url=f"https://x.invalid/{label}"))
    entry.job_id = job_id
    window.queue.add(entry)
    window.runner.finished.emit(job_id, transcript)
    return entry


def test_notice_on_the_row_and_above_the_transcript(window: MainWindow, qtbot: QtBot) -> None:
    noted = Transcript(segments=[Segment(0, 2, "앞부분만 있습니다")], notices=[TRUNCATED])
    plain = Transcript(segments=[Segment(0, 2, "모두 있습니다")])
    with_notice = finish_job(window, "cut.mp3", noted, 9001)
    without = finish_job(window, "whole.mp3", plain, 9002)

    row = window.queue.item(window.queue.row_of(with_notice), FILE)
    assert row is not None and not row.icon().isNull()
    assert "The file ends early at 03:12." in row.toolTip()
    other = window.queue.item(window.queue.row_of(without), FILE)
    assert other is not None and other.icon().isNull()

    window.queue.select(with_notice)
    qtbot.waitUntil(window.notice_bar.isVisible)
    assert window.notice_bar.label.text() == "The file ends early at 03:12."
    window.queue.select(without)
    qtbot.waitUntil(lambda: not window.notice_bar.isVisible())


def test_notices_in_korean(window: MainWindow, qtbot: QtBot) -> None:
    app = create_application()
    i18n.install_translator(app, "ko")
    try:
        entry = finish_job(window, "cut.mp3", Transcript(notices=[TRUNCATED]), 9003)
        window.queue.select(entry)
        qtbot.waitUntil(window.notice_bar.isVisible)
        assert window.notice_bar.label.text() == "파일이 03:12에서 끝납니다."
    finally:
        i18n.install_translator(app, "en")


def test_silent_recording_result_gets_a_notice_and_shows_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    recording = QueueEntry("Recording", "local", "Offline")
    window.queue.add(recording)
    window.recording_controller.entry = (
        recording  # what start_recording leaves while the session runs
    )
    with qtbot.waitSignal(window.live.finished):
        # The runner's own completion path, as the engine thread reaches it.
        from concurrent.futures import Future

        done: Future[LiveResult] = Future()
        done.set_result(LiveResult(Transcript(), None))
        window.live._done(done)
    assert recording.transcript is not None
    assert [n.code for n in recording.transcript.notices] == [SILENT_RECORDING]
    qtbot.waitUntil(window.notice_bar.isVisible)
    assert "No speech was recognised" in window.notice_bar.label.text()


@pytest.mark.vosk
def test_a_real_silent_recording_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    silent = tmp_path / "silence.wav"
    with wave.open(str(silent), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * 16000 * 2)
    create_application()
    runner = LiveRunner()
    try:
        with qtbot.waitSignal(runner.finished, timeout=120_000) as ended:
            runner.start(
                "local",
                TranscriptionOptions(),
                input_file=silent,
                recording=tmp_path / "rec.wav",
            )
        result = ended.args[0]
        assert isinstance(result, LiveResult)
        assert [n.code for n in result.transcript.notices] == [SILENT_RECORDING]
    finally:
        runner.shutdown()
