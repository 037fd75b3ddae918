"""After a restart a history entry opens with one click and brings its media back: the player
has the file, "Run again with…" works, and a moved file is found again with "Locate file…"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.providers.base import MediaSource
from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.queue_table import QueueEntry
from tests.ui.samples import meeting

pytestmark = pytest.mark.gui


def click_first_entry(window: MainWindow, qtbot: QtBot) -> None:
    panel = window.history_panel
    item = panel.list.item(0)
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def new_window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    window = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    qtbot.addWidget(window)
    window.show()
    return window


def test_finished_job_keeps_its_media_across_a_restart(
    qtbot: QtBot, tmp_path: Path, korean_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_application()
    media = tmp_path / "주간 회의.wav"
    shutil.copy(korean_clip, media)
    first = new_window(qtbot, tmp_path)
    try:
        entry = QueueEntry(media.name, "vosk", "Offline (Vosk)", source=MediaSource(path=media))
        transcript = meeting()
        transcript.source = media.name  # engines keep only the name
        first.history_controller.store(entry, transcript)
        first.wait_for_history()
        assert first.history.entries()[0].media == str(media)
    finally:
        first.live.shutdown()
        first.runner.shutdown()
        first.close()

    second = new_window(qtbot, tmp_path)  # "after a restart"
    try:
        assert not second.queue.entries
        click_first_entry(second, qtbot)  # one click, no double click
        assert len(second.queue.entries) == 1
        reopened = second.queue.entries[0]
        assert reopened.audio == media and reopened.source == MediaSource(path=media)
        assert second.queue.selected() is reopened
        assert second.rerun_button.isEnabled()
        assert not second.history_panel.locate_button.isVisible()
    finally:
        second.live.shutdown()
        second.runner.shutdown()
        second.close()

    moved = tmp_path / "archive" / media.name
    moved.parent.mkdir()
    media.rename(moved)
    third = new_window(qtbot, tmp_path)
    try:
        click_first_entry(third, qtbot)
        reopened = third.queue.entries[0]
        panel = third.history_panel
        assert reopened.audio is None and not third.rerun_button.isEnabled()
        assert panel.locate_button.isVisible() and str(media) in panel.missing.message()
        # The file dialog is the seam: answer it as the user would.
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(moved), ""))
        )
        with qtbot.waitSignal(panel.media_located):
            qtbot.mouseClick(panel.locate_button, Qt.MouseButton.LeftButton)
        assert not panel.locate_button.isVisible()
        assert reopened.audio == moved and reopened.source == MediaSource(path=moved)
        assert third.rerun_button.isEnabled()
        assert third.history.entries()[0].media_path == moved
    finally:
        third.live.shutdown()
        third.runner.shutdown()
