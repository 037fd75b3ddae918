"""The queue rows and the history list show what a user needs at a glance: each state in words,
time spent and left (not counting the wait in the queue), failures marked, lengths known before
a job ends, engine names as people know them, and the interface language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.ui import i18n
from desktop_app.ui.app import create_application
from desktop_app.ui.history_panel import DETAIL_ROLE, ID_ROLE, HistoryPanel
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.queue_table import FAILED_COLOR, TIME, QueueEntry, QueueTable
from tests.helpers.keyrings import MemoryKeyring
from tests.ui.samples import meeting

pytestmark = pytest.mark.gui


@pytest.fixture
def table(qtbot: QtBot) -> QueueTable:
    create_application()
    queue = QueueTable()
    qtbot.addWidget(queue)
    return queue


def time_text(table: QueueTable, entry: QueueEntry) -> str:
    item = table.item(table.row_of(entry), TIME)
    assert item is not None
    return item.text()


def test_waiting_rows_say_so_and_count_no_time(table: QueueTable) -> None:
    entry = QueueEntry("회의.wav", "local", "Offline (Vosk)", state="queued")
    table.add(entry)
    bar = table.bar(entry)
    assert bar.maximum() > 0 and bar.text() == "Queued"
    assert time_text(table, entry) == ""
    assert entry.remaining() is None


def test_working_rows_show_progress_and_time_left(table: QueueTable) -> None:
    entry = QueueEntry("회의.wav", "local", "Offline (Vosk)", state="queued")
    entry.started -= 100.0  # a long wait in the queue must not inflate the estimate
    table.add(entry)
    entry.state, entry.fraction = "processing", 0.5
    table.refresh(entry)
    assert entry.working_since is not None
    entry.working_since -= 10.0
    table.refresh(entry)
    assert table.bar(entry).text() == "Transcribing 50%"
    remaining = entry.remaining()
    assert remaining is not None and 9.0 <= remaining <= 12.0
    assert time_text(table, entry).endswith(" left")


def test_failed_rows_are_marked(table: QueueTable) -> None:
    entry = QueueEntry("broken.mp3", "local", "Offline (Vosk)")
    table.add(entry)
    entry.state, entry.message = "failed", "'broken.mp3' is not an audio or video file."
    table.refresh(entry)
    bar = table.bar(entry)
    assert bar.text() == "Failed" and bar.toolTip() == entry.message
    assert bar.palette().color(QPalette.ColorRole.Text) == FAILED_COLOR
    name = table.item(0, 0)
    assert name is not None and not name.icon().isNull()
    assert entry.message in name.toolTip()
    entry.state, entry.message = "queued", ""
    table.refresh(entry)
    assert name.icon().isNull()


@pytest.fixture
def korean() -> Iterator[None]:
    i18n.install_translator(create_application(), "ko")
    yield
    i18n.install_translator(create_application(), "en")


def test_queue_speaks_korean(korean: None, qtbot: QtBot) -> None:
    queue = QueueTable()
    qtbot.addWidget(queue)
    headers = [queue.horizontalHeaderItem(c) for c in range(queue.columnCount())]
    titles = [header.text() for header in headers if header is not None]
    assert titles == ["파일", "길이", "엔진", "상태", "소요 시간"]
    entry = QueueEntry("회의.wav", "local", "Offline (Vosk)", state="processing", fraction=0.25)
    queue.add(entry)
    assert queue.bar(entry).text() == "변환 중 25%"


def test_history_lists_titles_with_details(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    store = HistoryStore(tmp_path / "history.sqlite3")
    panel = HistoryPanel(store)
    qtbot.addWidget(panel)
    assert panel.list.count() == 1 and panel.list.item(0).data(ID_ROLE) is None
    entry_id = store.save(meeting(), title="주간 회의")
    panel.reload()
    item = panel.list.item(0)
    assert item.text() == "주간 회의" and item.data(ID_ROLE) == entry_id
    detail = item.data(DETAIL_ROLE)
    assert "Offline (Vosk" in detail and detail.endswith("0:31")  # stored as "local" then
    assert panel.list.visualItemRect(item).height() > panel.fontMetrics().height() * 2
    with qtbot.waitSignal(panel.open_requested) as blocker:
        panel.list.itemActivated.emit(item)
    assert blocker.args == [entry_id]


@pytest.fixture
def no_rtzr_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """RTZR has no keys anywhere, so its jobs fail at once."""
    for var in ("SORI_RTZR_CLIENT_ID", "SORI_RTZR_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def test_window_shows_length_before_the_job_ends_and_says_why_it_failed(
    qtbot: QtBot, tmp_path: Path, korean_clip: Path, no_rtzr_keys: None
) -> None:
    create_application()
    window = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    qtbot.addWidget(window)
    window.show()
    try:
        window.engine_box.setCurrentIndex(window.engine_box.findData("rtzr"))
        window.queue_controller.credentials = {}  # keys not read yet: the job runs and fails
        with qtbot.waitSignal(window.runner.failed, timeout=60_000):
            window.add_paths([korean_clip])
        clip = window.queue.entries[0]
        # The length is read from the file, though the job never got that far.
        qtbot.waitUntil(lambda: clip.duration is not None, timeout=10_000)
        length = window.queue.item(0, 1)
        assert length is not None and length.text() == "0:08"
        window.queue.select(clip)
        assert window.views.currentWidget() is window.empty_label
        assert window.empty_label.text().startswith("ko_short.wav could not be transcribed.")
        assert clip.message and clip.message in window.empty_label.text()
        assert not window.cancel_button.isEnabled() and window.retry_button.isEnabled()
        window.remove_selected()
        assert not window.queue.entries
        assert window.empty_label.text().startswith("Drop files above")
    finally:
        window.live.shutdown()
        window.runner.shutdown()


def test_sidebar_gives_engine_options_the_room_they_need(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    window = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    try:
        sidebar = window.sidebar

        def fitted() -> bool:
            top, bottom = sidebar.sizes()
            wanted = min(sidebar.engine_page.sizeHint().height(), (top + bottom) * 2 // 3)
            return top > 0 and abs(top - wanted) <= 1

        window.engine_box.setCurrentIndex(window.engine_box.findData("vosk"))  # few options
        qtbot.waitUntil(fitted)
        offline = window.sidebar.sizes()[0]
        window.engine_box.setCurrentIndex(window.engine_box.findData("rtzr"))
        qtbot.waitUntil(lambda: window.sidebar.sizes()[0] > offline)
        top, bottom = window.sidebar.sizes()
        assert top <= (top + bottom) * 2 // 3 + 1 and bottom > 0
    finally:
        window.live.shutdown()
        window.runner.shutdown()
