"""A finished recording is copied before a background thread saves it: edits made in the
window while the save waits for its turn reach the history as an update, never inside the
first save of the recording."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.secrets import CredentialStore
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.live.session import LiveResult
from desktop_app.ui import main_window as main_window_module
from desktop_app.ui.app import create_application
from desktop_app.ui.history_saver import detached_copy
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.queue_table import QueueEntry
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.gui


def test_recording_saved_as_it_ended_while_the_user_edits(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    history = HistoryStore(tmp_path / "history.sqlite3")
    win = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=history,
        store=CredentialStore(MemoryKeyring()),
        resume_jobs=False,
    )
    qtbot.addWidget(win)
    said = Transcript(
        segments=[Segment(0.0, 1.5, "안녕하세요"), Segment(1.5, 3.0, "회의를 시작합니다")],
        engine="local",
        source="recording.wav",
    )
    gate = threading.Event()
    try:
        recording = QueueEntry("Recording", "local", "Offline")
        win.queue.add(recording)
        win.recording_controller.entry = (
            recording  # what start_recording leaves while the session runs
        )
        # The background saver is busy: the recording's save waits behind this.
        main_window_module._background.submit(gate.wait, 10)
        win.live.finished.emit(LiveResult(said, None))
        assert recording.transcript is not None
        win.queue.select(recording)
        win.transcript_view.model.set_text(0, "고친 문장")
        win.transcript_view.model.merge_rows(0, 1)
        gate.set()
        win.wait_for_history()
        saved = history.load(history.entries()[0].id)
        assert saved is not None
        assert [s.text for s in saved.transcript.segments] == ["안녕하세요", "회의를 시작합니다"]
    finally:
        gate.set()
        win.live.shutdown()
        win.runner.shutdown()


def test_detached_copy_is_unaffected_by_edits() -> None:
    original = Transcript(segments=[Segment(0, 1, "a"), Segment(1, 2, "b")])
    copy = detached_copy(original)
    original.segments[0] = Segment(0, 1, "changed")
    del original.segments[1]
    original.rename_speaker("S1", "Kim")
    assert [s.text for s in copy.segments] == ["a", "b"]
    assert copy.speakers == []
