"""At start the window offers the cloud jobs an earlier session left unfinished (a real job on
the RTZR emulator whose polling failed): Resume collects them without a second upload and shows
them in the queue; Discard drops them from the journal; a damaged journal shows nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.errors import ServerError
from desktop_app.core.history import HistoryStore
from desktop_app.core.journal import JobJournal
from desktop_app.core.secrets import CredentialStore
from desktop_app.core.settings import Settings
from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.helpers.keyrings import MemoryKeyring
from tests.providers.rtzr.support import (
    POLL,
    UPLOAD,
    RtzrServer,
    rtzr_provider,
    rtzr_server,
    transcribe,
)

__all__ = ["rtzr_server"]  # the fixture, imported for pytest
pytestmark = pytest.mark.gui


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SORI_DATA_DIR", str(folder))
    monkeypatch.setenv("SORI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SORI_RTZR_CLIENT_ID", RTZR_CLIENT_ID)
    monkeypatch.setenv("SORI_RTZR_CLIENT_SECRET", RTZR_CLIENT_SECRET)
    return folder


def leave_unfinished(server: RtzrServer, clip: Path) -> None:
    """An earlier session: the service accepted the job, then polling failed for good."""
    server.faults.http_error(503, times=4, match=POLL)
    with pytest.raises(ServerError):
        transcribe(rtzr_provider(server, journal=JobJournal()), clip)
    assert len(JobJournal().pending()) == 1


@pytest.fixture
def start_window(qtbot: QtBot, tmp_path: Path) -> Iterator[type[MainWindow]]:
    create_application()
    opened: list[MainWindow] = []

    def make() -> MainWindow:
        win = MainWindow(
            settings=Settings(tmp_path / "settings.json"),
            history=HistoryStore(tmp_path / "history.sqlite3"),
            store=CredentialStore(MemoryKeyring()),
        )
        qtbot.addWidget(win)
        win.show()
        opened.append(win)
        return win

    yield make  # type: ignore[misc]
    for win in opened:
        win.wait_for_history()
        win.live.shutdown()
        win.runner.shutdown()


def test_resume_collects_the_job_without_a_new_upload(
    data: Path,
    rtzr_server: RtzrServer,
    korean_clip: Path,
    start_window: type[MainWindow],
    qtbot: QtBot,
) -> None:
    leave_unfinished(rtzr_server, korean_clip)
    window = start_window()
    offer = window.unfinished
    qtbot.waitUntil(offer.isVisible, timeout=10_000)
    text = offer.label.text()
    assert text.startswith("1 unfinished cloud job")
    assert korean_clip.name in text and "RTZR" in text
    assert window.queue.entries == []  # nothing starts until the user says so
    with qtbot.waitSignal(window.runner.finished, timeout=60_000):
        offer.resume_button.click()
    assert not offer.isVisible()
    (entry,) = window.queue.entries
    assert entry.label == korean_clip.name and entry.state == "done"
    assert entry.transcript is not None and entry.transcript.text
    assert rtzr_server.requests.count(UPLOAD) == 1
    window.wait_for_history()  # the journal keeps the job until its transcript is saved
    assert JobJournal().pending() == []


def test_discard_drops_the_jobs(
    data: Path,
    rtzr_server: RtzrServer,
    korean_clip: Path,
    start_window: type[MainWindow],
    qtbot: QtBot,
) -> None:
    leave_unfinished(rtzr_server, korean_clip)
    window = start_window()
    qtbot.waitUntil(window.unfinished.isVisible, timeout=10_000)
    with qtbot.waitSignal(window.unfinished.discarded) as dropped:
        window.unfinished.discard_button.click()
    assert dropped.args == [1]
    assert not window.unfinished.isVisible()
    assert window.queue.entries == []
    assert JobJournal().pending() == []
    again = start_window()  # nothing is offered next time
    again.unfinished.check().result(timeout=10)
    qtbot.wait(50)
    assert not again.unfinished.isVisible()


def test_a_damaged_journal_offers_nothing_and_the_window_starts(
    data: Path, start_window: type[MainWindow], qtbot: QtBot
) -> None:
    data.mkdir(parents=True, exist_ok=True)
    (data / "jobs.sqlite3").write_bytes(b"this is not a database" * 100)
    window = start_window()
    window.unfinished.check().result(timeout=10)
    qtbot.wait(50)
    assert not window.unfinished.isVisible()
    assert window.isVisible()
