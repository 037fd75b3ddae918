"""The first window driven as a user would: drop files, watch them finish, read, export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QProgressBar
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow

HANGUL = re.compile(r"[\uac00-\ud7a3]")
pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    create_application()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
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


def state_text(window: MainWindow, row: int) -> str:
    bar = window.queue.cellWidget(row, 2)
    assert isinstance(bar, QProgressBar)
    return bar.format()


@pytest.mark.vosk
def test_drop_transcribe_read_and_export(
    window: MainWindow, qtbot: QtBot, korean_clip: Path, tmp_path: Path
) -> None:
    assert window.engine_box.currentData() == "local"
    with qtbot.waitSignal(window.runner.finished, timeout=120_000):
        drop(window, korean_clip)
    assert window.queue.rowCount() == 1
    assert state_text(window, 0).startswith("Done")
    window.queue.selectRow(0)
    assert window.transcript_view.rowCount() >= 1
    items = [window.transcript_view.item(r, 2) for r in range(window.transcript_view.rowCount())]
    texts = [item.text() for item in items if item is not None]
    assert HANGUL.search(" ".join(texts))
    assert window.export_button.isEnabled()
    entry = window.selected_entry()
    assert entry is not None and entry.transcript is not None
    target = tmp_path / "내보내기.srt"
    assert window.export_to(entry.transcript, "srt", target)
    assert "-->" in target.read_text(encoding="utf-8")


def test_bad_file_shows_failure_on_its_row(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.mp3"
    bad.write_bytes(b"this is not audio at all" * 10)
    with qtbot.waitSignal(window.runner.failed, timeout=60_000) as blocker:
        drop(window, bad)
    message = blocker.args[1]
    assert "broken.mp3" in message
    assert "Traceback" not in message
    assert state_text(window, 0) == "Failed"
