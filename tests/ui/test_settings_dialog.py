"""The Settings dialog: keys go to the keyring and are never shown again, Test connection talks
to a real (emulated) service without freezing the window, a missing keyring is said plainly,
and general settings reach the settings file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.core.secrets import CREDENTIAL_GROUPS, SERVICE, CredentialStore, mask
from desktop_app.core.settings import Settings
from desktop_app.providers import registry
from desktop_app.ui.app import create_application
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.settings_engine_page import EnginePage
from tests.emulators import NHN_APP_KEY, NHN_SECRET_KEY, start_emulator
from tests.emulators.nhn import NhnEmulator
from tests.emulators.server import EmulatorServer
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.gui
RTZR_SECRET = "rtzr-secret-value-0123456789"
OpenDialog = Callable[..., SettingsDialog]


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for fields in CREDENTIAL_GROUPS.values():
        for field in fields:
            monkeypatch.delenv(field.env, raising=False)
    for described in registry.descriptions():
        for variable in described.environment_variables():
            monkeypatch.delenv(variable, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.json")


@pytest.fixture
def open_dialog(qtbot: QtBot, settings: Settings) -> Iterator[OpenDialog]:
    create_application()
    opened: list[SettingsDialog] = []

    def make(page: str = "general") -> SettingsDialog:
        dialog = SettingsDialog(settings=settings, page=page)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.snapshot is not None)  # the keyring is read off-thread
        opened.append(dialog)
        return dialog

    yield make
    for dialog in opened:
        if dialog.isVisible():
            dialog.reject()


def line(page: QWidget, name: str) -> QLineEdit:
    edit = page.findChild(QLineEdit, name)
    assert isinstance(edit, QLineEdit)
    return edit


def all_visible_text(dialog: QWidget) -> str:
    texts: list[str] = []
    for widget in dialog.findChildren(QWidget):
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText(), widget.displayText()]
        elif isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
    return "\n".join(texts)


def test_keys_are_saved_to_the_keyring_and_never_shown_again(
    open_dialog: OpenDialog, qtbot: QtBot, memory_keyring: MemoryKeyring, settings: Settings
) -> None:
    dialog = open_dialog("rtzr")
    page = dialog.engine_page("rtzr")
    secret = line(page, "credential:client_secret")
    assert secret.echoMode() == QLineEdit.EchoMode.Password
    assert line(page, "credential:client_id").echoMode() == QLineEdit.EchoMode.Normal
    qtbot.keyClicks(line(page, "credential:client_id"), "my-client")
    qtbot.keyClicks(secret, RTZR_SECRET)
    pending = page.findChild(QLabel, "status:client_secret")
    assert isinstance(pending, QLabel) and pending.text().startswith("New value")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert memory_keyring.items == {
        (SERVICE, "rtzr:client_id"): "my-client",
        (SERVICE, "rtzr:client_secret"): RTZR_SECRET,
    }
    assert RTZR_SECRET not in settings.path.read_text(encoding="utf-8")

    again = open_dialog("rtzr")
    page = again.engine_page("rtzr")
    secret = line(page, "credential:client_secret")
    assert secret.text() == ""
    assert secret.placeholderText() == mask(RTZR_SECRET)
    status = page.findChild(QLabel, "status:client_secret")
    assert isinstance(status, QLabel) and status.text() == "Stored in the keyring"
    assert RTZR_SECRET not in all_visible_text(again)
    # The client id is not secret: it may be shown to recognise the account.
    assert line(page, "credential:client_id").placeholderText() == "my-client"


def test_values_from_the_environment_are_named_and_masked(
    open_dialog: OpenDialog, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORI_NHN_SECRET", "environment-secret-42")
    dialog = open_dialog("nhn")
    page = dialog.engine_page("nhn")
    status = page.findChild(QLabel, "status:secret")
    assert isinstance(status, QLabel) and "SORI_NHN_SECRET" in status.text()
    assert line(page, "credential:secret").placeholderText() == mask("environment-secret-42")
    assert "environment-secret-42" not in all_visible_text(dialog)


def test_delete_removes_the_saved_keys_after_asking(
    open_dialog: OpenDialog, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    store = CredentialStore()
    store.set("nhn", "appkey", "app-key-1")
    store.set("nhn", "secret", "secret-key-1")
    dialog = open_dialog("nhn")
    page = dialog.engine_page("nhn")
    assert page.delete_button is not None and page.delete_button.isEnabled()

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        button = box.button(QMessageBox.StandardButton.Yes)
        assert button is not None
        button.click()

    QTimer.singleShot(0, answer_yes)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.items == {}
    assert not page.delete_button.isEnabled()
    status = page.findChild(QLabel, "status:appkey")
    assert isinstance(status, QLabel) and status.text() == "Not set"


def wait_for_result(qtbot: QtBot, page: EnginePage) -> None:
    assert page.test_button is not None
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert not page.test_button.isEnabled()  # the click returned at once; the check runs
    qtbot.waitUntil(lambda: page.test_result.kind in ("success", "error"), timeout=20000)
    assert page.test_button.isEnabled()


def test_connection_test_against_the_emulator(
    open_dialog: OpenDialog, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    with start_emulator("nhn") as server:
        dialog = open_dialog("nhn")
        page = dialog.engine_page("nhn")
        qtbot.keyClicks(line(page, "endpoint"), server.base_url)
        qtbot.keyClicks(line(page, "credential:appkey"), NHN_APP_KEY)
        qtbot.keyClicks(line(page, "credential:secret"), NHN_SECRET_KEY)
        wait_for_result(qtbot, page)
        assert page.test_result.kind == "success", page.test_result.message()
        assert requests_made(server) == 1

        secret = line(page, "credential:secret")
        secret.clear()
        qtbot.keyClicks(secret, "wrong-secret-key-777")
        wait_for_result(qtbot, page)
        assert page.test_result.kind == "error"
        message = page.test_result.message()
        assert "secret key is wrong" in message and "wrong-secret-key-777" not in message
    assert memory_keyring.items == {}  # testing does not save anything


def requests_made(server: EmulatorServer[NhnEmulator]) -> int:
    return len(server.requests.all())


def test_connection_test_reports_a_bad_address_next_to_it(
    open_dialog: OpenDialog, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog("clova-speech")
    page = dialog.engine_page("clova-speech")
    qtbot.keyClicks(line(page, "endpoint"), "http://speech.example.com/external/v1/1/x")
    assert page.test_button is not None
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert page.endpoint_message.kind == "error"
    assert "https" in page.endpoint_message.message()
    assert page.test_button.isEnabled()


def test_offline_engine_test_checks_the_model(
    open_dialog: OpenDialog, qtbot: QtBot, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = open_dialog("vosk")
    page = dialog.engine_page("vosk")
    wait_for_result(qtbot, page)
    assert page.test_result.kind == "success"
    qtbot.keyClicks(line(page, "model_path"), str(tmp_path / "no-model"))
    wait_for_result(qtbot, page)
    assert page.test_result.kind == "error" and "no-model" in page.test_result.message()


def test_missing_keyring_is_said_plainly(
    open_dialog: OpenDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    previous: keyring.backend.KeyringBackend = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = open_dialog("rtzr")
        assert dialog.banner is not None and dialog.banner.isVisible()
        banner_text = all_visible_text(dialog.banner)
        assert "No secure keyring" in banner_text and "never stores" in banner_text
        page = dialog.engine_page("rtzr")
        for name in ("credential:client_id", "credential:client_secret"):
            assert not line(page, name).isEnabled()
        assert page.delete_button is not None and not page.delete_button.isEnabled()
        qtbot.mouseClick(
            dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
        )
        assert dialog.result() == SettingsDialog.DialogCode.Accepted
        assert "secret" not in settings.path.read_text(encoding="utf-8")
    finally:
        keyring.set_keyring(previous)


def test_no_banner_with_a_working_keyring(
    open_dialog: OpenDialog, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog()
    assert dialog.banner is None


def test_general_and_connection_settings_are_saved(
    open_dialog: OpenDialog,
    qtbot: QtBot,
    memory_keyring: MemoryKeyring,
    settings: Settings,
    tmp_path: Path,
) -> None:
    dialog = open_dialog()
    general = dialog.general
    general.engine_box.setCurrentIndex(general.engine_box.findData("rtzr"))
    qtbot.keyClicks(general.output_edit, str(tmp_path))
    general.language_box.setCurrentIndex(general.language_box.findData("ko"))
    assert general.language_note.isVisible()
    assert dialog.language_changed
    nhn = dialog.engine_page("nhn")
    assert nhn.host_box is not None and nhn.poll_spin is not None
    nhn.host_box.setCurrentIndex(nhn.host_box.findData("former"))
    nhn.poll_spin.setValue(7.5)
    speech = dialog.engine_page("clova-speech")
    invoke = "https://clovaspeech-gw.ncloud.com/external/v1/42/abc"
    qtbot.keyClicks(line(speech, "endpoint"), invoke)
    assert dialog.save()

    stored = json.loads(settings.path.read_text(encoding="utf-8"))
    assert stored["default_engine"] == "rtzr"
    assert stored["output_folder"] == str(tmp_path)
    assert stored["ui_language"] == "ko"
    assert stored["engines"]["nhn"] == {"host": "former", "poll_interval": 7.5}
    assert stored["engines"]["clova-speech"]["endpoint"] == invoke


def test_problems_keep_the_dialog_open_on_their_page(
    open_dialog: OpenDialog, qtbot: QtBot, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    dialog = open_dialog()
    qtbot.keyClicks(line(dialog.engine_page("rtzr"), "endpoint"), "ftp://openapi.vito.ai")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert dialog.current_page_name() == "rtzr"
    assert dialog.engine_page("rtzr").endpoint_message.kind == "error"

    dialog.general.output_edit.setText(str(not_a_folder))
    line(dialog.engine_page("rtzr"), "endpoint").clear()
    assert not dialog.save()
    assert dialog.current_page_name() == "general"
    assert dialog.general.output_message.isVisible()


def test_shared_keys_lead_to_their_page(
    open_dialog: OpenDialog, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog("clova-stream")
    page = dialog.engine_page("clova-stream")
    assert page.credential_edits == {}
    button = page.findChild(QAbstractButton, "edit_shared_keys")
    assert isinstance(button, QAbstractButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.current_page_name() == "clova-speech"


def test_every_control_has_a_name(open_dialog: OpenDialog, memory_keyring: MemoryKeyring) -> None:
    dialog = open_dialog()
    for name in dialog.pages:
        dialog.select_page(name)
        page = dialog.pages[name]
        for widget in page.findChildren(QWidget):
            if not isinstance(widget, QLineEdit | QComboBox | QAbstractButton | QAbstractSpinBox):
                continue
            if not widget.isVisibleTo(page) or isinstance(
                widget.parent(), QComboBox | QAbstractSpinBox
            ):
                continue  # the parts inside a combo or spin box carry no name of their own
            label = widget.accessibleName() or (
                widget.text() if isinstance(widget, QAbstractButton) else ""
            )
            assert label.strip(), f"{name}: {widget.objectName() or type(widget).__name__}"


def test_pages_follow_the_engine_list(
    open_dialog: OpenDialog, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog()
    assert list(dialog.pages) == ["general", *registry.provider_names()]


def test_host_choice_shows_its_address(
    open_dialog: OpenDialog, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog("clova-csr")
    page = dialog.engine_page("clova-csr")
    assert page.host_box is not None
    page.host_box.setCurrentIndex(page.host_box.findData("gov"))
    assert line(page, "endpoint").placeholderText() == "https://naveropenapi.apigw.gov-ntruss.com"
