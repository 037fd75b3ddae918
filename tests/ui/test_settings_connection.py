"""Test connection and the keyring, seen from the GUI thread: a service answer quoting a key is
shown masked, and opening Settings asks the keyring nothing on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.errors import AuthError
from desktop_app.core.secrets import CREDENTIAL_GROUPS, CredentialStore, mask
from desktop_app.core.settings import Settings
from desktop_app.providers.base import ProviderConfig
from desktop_app.providers.rtzr.batch import RtzrProvider
from desktop_app.ui.app import create_application
from desktop_app.ui.connection_test import ConnectionTester
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.gui
SECRET = "rtzr-secret-that-the-service-echoes-42"


class EchoingRtzr(RtzrProvider):
    """An RTZR engine whose service answers a rejected key by quoting it back."""

    async def check_connection(self) -> None:
        key = self.config.credentials["client_secret"]
        raise AuthError(f"client_secret '{key}' is not valid", message_ko=f"'{key}' 키가 틀림")


class ThreadRecordingKeyring(MemoryKeyring):
    """Remembers which threads asked it something."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def get_password(self, service: str, username: str) -> str | None:
        self.threads.add(threading.current_thread().name)
        return super().get_password(service, username)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for fields in CREDENTIAL_GROUPS.values():
        for field in fields:
            monkeypatch.delenv(field.env, raising=False)
    yield


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_quoted_key_is_masked_in_the_result(qtbot: QtBot, language: str) -> None:
    create_application()
    tester = ConnectionTester(language=language)
    provider = EchoingRtzr(
        ProviderConfig(
            endpoint="https://openapi.example.invalid",
            credentials={"client_id": "id-1234", "client_secret": SECRET},
        )
    )
    try:
        with qtbot.waitSignal(tester.finished, timeout=10_000) as done:
            tester.start("rtzr", provider)
    finally:
        tester.shutdown()
    engine, ok, message = done.args
    assert engine == "rtzr" and not ok
    assert SECRET not in message and mask(SECRET) in message


def test_opening_settings_reads_the_keyring_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, clean_environment: None
) -> None:
    create_application()
    backend = ThreadRecordingKeyring()
    store = CredentialStore(backend)
    store.set("rtzr", "client_id", "stored-client-id")
    store.set("rtzr", "client_secret", SECRET)
    backend.threads.clear()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        dialog = SettingsDialog(settings=Settings(tmp_path / "settings.json"), store=store)
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitSignal(dialog.credentials_loaded, timeout=10_000):
            pass
        assert backend.threads and threading.main_thread().name not in backend.threads
        page = dialog.engine_page("rtzr")
        secret_edit = page.credential_edits["client_secret"]
        assert secret_edit.isEnabled() and secret_edit.placeholderText() == mask(SECRET)
        general = dialog.general
        index = general.engine_box.findData("rtzr")
        assert general.engine_box.itemText(index).endswith("keys set")
        # Test connection uses what was read, without asking the keyring again.
        backend.threads.clear()
        config = page.test_config()
        assert config.credentials["client_secret"] == SECRET
        assert backend.threads == set()
        dialog.reject()
    finally:
        keyring.set_keyring(previous)
