"""A cloud engine without keys: dropped files are not queued into a certain failure; the drop
zone says why, with an "Open Settings" button that opens that engine's page, and no
command-line advice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.helpers.keyrings import MemoryKeyring
from tests.ui.test_main_window import drop

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    for var in ("SORI_RTZR_CLIENT_ID", "SORI_RTZR_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
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
    keyring.set_keyring(previous)


def test_drop_without_keys_offers_settings_instead_of_a_failed_job(
    window: MainWindow, qtbot: QtBot, korean_clip: Path
) -> None:
    controller = window.queue_controller
    qtbot.waitUntil(lambda: controller.credentials.get("rtzr") is False, timeout=20_000)
    window.engine_box.setCurrentIndex(window.engine_box.findData("rtzr"))
    drop(window, korean_clip)
    zone = window.drop_zone
    assert not window.queue.entries
    assert zone.settings_button.isVisible()
    message = zone.keys_message.message()
    assert "RTZR" in message or "Return Zero" in message
    assert "sori " not in message and "SORI_" not in message

    zone.settings_button.click()
    qtbot.waitUntil(lambda: bool(window.findChildren(SettingsDialog)), timeout=5_000)
    dialog = window.findChildren(SettingsDialog)[-1]
    assert dialog.isVisible()
    assert dialog.stack.currentIndex() == list(dialog.pages).index("rtzr")
    dialog.reject()

    window.engine_box.setCurrentIndex(window.engine_box.findData("whisper"))
    assert not zone.settings_button.isVisible()
