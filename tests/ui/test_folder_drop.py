"""Dropping folders: they are searched for media files on a worker thread, so a folder of
thousands of files does not freeze the window, and what is found is queued in the order given."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.audio.devices import load_sounddevice
from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.ui import queue_controller
from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow
from tests.helpers.held_jobs import HeldJobs
from tests.ui.test_main_window import drop

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    create_application()
    # PortAudio first, here: its start-up on the device-listing thread while the player starts
    # QtMultimedia on this one can deadlock when a window is the first to load both.
    with contextlib.suppress(Exception):
        load_sounddevice()
    win = MainWindow(
        HeldJobs(),
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    win.show()
    yield win
    # Held jobs never end: without their rows, closing has nothing to ask about.
    for entry in list(win.queue.entries):
        win.queue.remove(entry)
    win.close()
    win.deleteLater()


def big_folder(root: Path, media: int, other: int) -> list[Path]:
    """A tree of ``media`` media files among ``other`` files that are not; the media files in
    the order the queue should list them."""
    found = []
    for n in range(media + other):
        folder = root / f"part{n % 7}" / f"day{n % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"clip{n:05d}" + ((".wav", ".MP3", ".m4a")[n % 3] if n < media else ".txt")
        (folder / name).write_bytes(b"")
        if n < media:
            found.append(folder / name)
    return sorted(found)


def test_a_dropped_folder_is_searched_off_the_gui_thread(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = big_folder(tmp_path / "recordings", media=500, other=1500)
    first, last = tmp_path / "first.wav", tmp_path / "last.ogg"
    first.write_bytes(b"")
    last.write_bytes(b"")
    searched_on: list[threading.Thread] = []

    def search(paths: Sequence[Path]) -> list[Path]:
        searched_on.append(threading.current_thread())
        return real_search(paths)

    real_search = queue_controller.media_files
    monkeypatch.setattr(queue_controller, "media_files", search)
    drop(window, first, tmp_path / "recordings", last)
    assert window.queue.entries == []  # the drop returned before the search was done
    qtbot.waitUntil(lambda: len(window.queue.entries) == len(expected) + 2, timeout=60_000)
    assert searched_on and searched_on[0] is not threading.main_thread()
    queued = [first, *expected, last]
    assert [e.label for e in window.queue.entries] == [p.name for p in queued]
    runner = window.runner
    assert isinstance(runner, HeldJobs) and runner.started == queued


def test_files_alone_are_queued_at_once(window: MainWindow, tmp_path: Path) -> None:
    files = [tmp_path / "하나.wav", tmp_path / "둘.mp3"]
    for file in files:
        file.write_bytes(b"")
    window.add_paths(files)
    assert [e.label for e in window.queue.entries] == ["하나.wav", "둘.mp3"]


def test_a_folder_without_media_adds_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "empty" / "notes").mkdir(parents=True)
    (tmp_path / "empty" / "notes" / "readme.txt").write_text("not audio")
    clip = tmp_path / "clip.flac"
    clip.write_bytes(b"")
    window.add_paths([tmp_path / "empty", clip])
    qtbot.waitUntil(lambda: len(window.queue.entries) > 0, timeout=10_000)
    assert [e.label for e in window.queue.entries] == ["clip.flac"]
