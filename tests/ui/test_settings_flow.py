"""Each choice in the real Settings dialog reaches the part that uses it: the next job's engine
and its connection settings, the export folder, the interface language at the next start, and
the offline engine's model folder. Older settings files keep working."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.secrets import CredentialStore
from desktop_app.core.settings import Settings
from desktop_app.providers.factory import provider_config
from desktop_app.ui import i18n
from desktop_app.ui.app import create_application
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_dialog import SettingsDialog
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET, start_emulator
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("SORI_RTZR_CLIENT_ID", RTZR_CLIENT_ID)
    monkeypatch.setenv("SORI_RTZR_CLIENT_SECRET", RTZR_CLIENT_SECRET)
    # The real settings file (config folder) must not be what the window reads.
    monkeypatch.setenv("SORI_CONFIG_DIR", str(tmp_path / "elsewhere"))
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
    win.live.shutdown()
    win.runner.shutdown()


def open_settings(window: MainWindow, qtbot: QtBot) -> SettingsDialog:
    window.open_settings()
    dialog = window.findChildren(SettingsDialog)[-1]
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def press_save(dialog: SettingsDialog, qtbot: QtBot) -> None:
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_every_setting_reaches_the_next_job(
    window: MainWindow, qtbot: QtBot, korean_clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "transcripts"
    out.mkdir()
    model = tmp_path / "my-model"
    model.mkdir()
    with start_emulator("rtzr") as server:
        dialog = open_settings(window, qtbot)
        general = dialog.general
        general.engine_box.setCurrentIndex(general.engine_box.findData("rtzr"))
        general.output_edit.setText(str(out))
        general.language_box.setCurrentIndex(general.language_box.findData("ko"))
        rtzr = dialog.engine_page("rtzr")
        assert rtzr.endpoint_edit is not None and rtzr.poll_spin is not None
        rtzr.endpoint_edit.setText(server.base_url)
        rtzr.poll_spin.setValue(0.5)
        nhn = dialog.engine_page("nhn")
        assert nhn.host_box is not None and nhn.endpoint_edit is not None
        nhn.host_box.setCurrentIndex(nhn.host_box.findData("former"))
        csr = dialog.engine_page("clova-csr")
        assert csr.host_box is not None
        csr.host_box.setCurrentIndex(csr.host_box.findData("gov"))
        local = dialog.engine_page("local")
        assert local.model_edit is not None
        local.model_edit.setText(str(model))
        press_save(dialog, qtbot)

        # Default engine: the window now starts jobs on it.
        assert window.engine() == "rtzr"
        with qtbot.waitSignal(window.runner.finished, timeout=60_000):
            window.add_paths([korean_clip])
        entry = window.queue.entries[0]
        assert entry.engine == "rtzr" and entry.state == "done"
        assert server.requests.count(r"^POST /v1/transcribe") == 1  # the endpoint was used

    # Connection settings: what the engines are built from for the next job.
    assert provider_config("rtzr", settings=window.settings).settings["poll_interval"] == 0.5
    assert provider_config("nhn", settings=window.settings).settings["host"] == "former"
    assert provider_config("clova-csr", settings=window.settings).settings["host"] == "gov"
    assert provider_config("local", settings=window.settings).settings["model_path"] == str(model)

    # Output folder: where Export starts.
    window.queue.select(entry)
    window.export_selected()
    export = window.findChildren(ExportDialog)[-1]
    assert export.folder_edit.text() == str(out)
    export.reject()

    # Interface language: applied from the same file at the next start.
    app = create_application()
    try:
        assert i18n.install_translator(app, None, Settings(window.settings.path)) == "ko"
    finally:
        i18n.install_translator(app, "en")

    stored = json.loads(window.settings.path.read_text(encoding="utf-8"))
    assert "default_provider" not in stored and "output_dir" not in stored


def test_engine_picked_in_the_window_stays_unless_the_default_changes(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window.engine_box.setCurrentIndex(window.engine_box.findData("nhn"))
    dialog = open_settings(window, qtbot)
    dialog.general.output_edit.setText(str(tmp_path))
    press_save(dialog, qtbot)
    assert window.engine() == "nhn"  # only the output folder changed
    dialog = open_settings(window, qtbot)
    dialog.general.engine_box.setCurrentIndex(dialog.general.engine_box.findData("clova-csr"))
    press_save(dialog, qtbot)
    assert window.engine() == "clova-csr"


def test_an_older_settings_file_is_shown_and_used(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"default_provider": "rtzr", "output_dir": str(tmp_path)}), encoding="utf-8"
    )
    create_application()
    win = MainWindow(
        settings=Settings(path),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        store=CredentialStore(MemoryKeyring()),
        resume_jobs=False,
    )
    qtbot.addWidget(win)
    try:
        assert win.engine() == "rtzr"
        dialog = open_settings(win, qtbot)
        assert dialog.general.engine_box.currentData() == "rtzr"
        assert dialog.general.output_edit.text() == str(tmp_path)
        dialog.reject()
    finally:
        win.runner.shutdown()


def test_a_relative_output_folder_keeps_the_dialog_open(window: MainWindow, qtbot: QtBot) -> None:
    dialog = open_settings(window, qtbot)
    edit = dialog.general.output_edit
    assert isinstance(edit, QLineEdit)
    edit.setText("transcripts")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible()
    assert "full path" in dialog.general.output_message.text()
    assert window.settings.general.output_folder is None
    dialog.reject()
