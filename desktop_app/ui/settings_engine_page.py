"""One engine's page in Settings: its keys, where it is reached, and a connection test.

Keys are read from and written to the OS keyring only (:class:`CredentialStore`). A stored key
is never shown again: its field stays empty, the placeholder shows it masked, and a line under
it says where it comes from (the keyring, or a ``SORI_…`` environment variable, which wins).
Typing a new value and saving replaces it; Delete removes the engine's keys from the keyring.

Connection settings go to the engine's section of the settings file: ``endpoint``, ``host``
where the engine offers one, ``poll_interval`` for engines that poll, ``model_path`` for
offline engines. What the page shows is generated from the engine's
:class:`~desktop_app.providers.description.EngineDescription`: nothing here names an engine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ConfigurationError, SoriError
from desktop_app.core.secrets import CredentialField, CredentialStore, mask
from desktop_app.core.settings import Settings
from desktop_app.providers import registry
from desktop_app.providers.base import OptionSpec, Provider, ProviderConfig
from desktop_app.ui.connection_test import ConnectionTester
from desktop_app.ui.credential_snapshot import CredentialSnapshot
from desktop_app.ui.i18n import current_language
from desktop_app.ui.inline_message import InlineMessage
from desktop_app.ui.settings_layout import align_form_labels, page_title

# A connection test should answer in moments, not after an upload's patience.
TEST_SETTINGS = {"timeout": 30.0, "retry_attempts": 2}


def key_owner(cls: type[Provider]) -> type[Provider]:
    """The engine whose page edits ``cls``'s keys: the first engine listed with the same
    credential group (itself, unless it shares another engine's keys)."""
    return next(
        (
            other
            for other in registry.provider_classes()
            if other.credential_group == cls.credential_group
        ),
        cls,
    )


def host_option(cls: type[Provider]) -> OptionSpec | None:
    """The option set in Settings that chooses the engine's host, if it has one."""
    return next((spec for spec in cls.capabilities.extra_options if spec.in_settings), None)


class EnginePage(QWidget):
    """Settings of one engine. GUI thread only.

    Signals:
      show_engine(name)  the user asked to go to another engine's page (shared keys)
    """

    show_engine = Signal(str)

    def __init__(
        self,
        cls: type[Provider],
        settings: Settings,
        store: CredentialStore,
        tester: ConnectionTester,
        *,
        keyring_ok: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.cls = cls
        self.described = cls.description
        self.engine = cls.name
        self.settings = settings
        self.store = store
        self.tester = tester
        self.keyring_ok = keyring_ok
        self.group = cls.credential_group
        self.credential_edits: dict[str, QLineEdit] = {}
        self.credential_status: dict[str, QLabel] = {}
        self._stored_status: dict[str, str] = {}
        self.endpoint_edit: QLineEdit | None = None
        self.host_box: QComboBox | None = None
        self.poll_spin: QDoubleSpinBox | None = None
        self.model_edit: QLineEdit | None = None
        self.test_button: QPushButton | None = None
        self.delete_button: QPushButton | None = None
        self.snapshot: CredentialSnapshot | None = None
        self.setObjectName(f"page:{self.engine}")
        self._build()
        self._show_reading()
        tester.finished.connect(self._test_finished)

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        language = current_language()
        column.addWidget(page_title(self.described.name.pick(language)))
        blurb = QLabel(self.described.summary.pick(language))
        blurb.setWordWrap(True)
        column.addWidget(blurb)
        if self.group is not None:
            column.addWidget(self._build_credentials())
        column.addWidget(self._build_connection())
        if self.cls.can_check_connection():
            row = QHBoxLayout()
            self.test_button = QPushButton(self.tr("&Test connection"))
            self.test_button.setObjectName("test_connection")
            self.test_button.setAutoDefault(False)
            self.test_button.setAccessibleName(self.tr("Test connection"))
            self.test_button.setToolTip(
                self.tr("Makes one small request with the keys and address above.")
                if not self.cls.capabilities.offline
                else self.tr("Checks that the speech model is installed.")
            )
            self.test_button.clicked.connect(self.start_test)
            row.addWidget(self.test_button)
            row.addStretch()
            column.addLayout(row)
        self.test_result = InlineMessage()
        self.test_result.setObjectName("test_result")
        column.addWidget(self.test_result)
        column.addStretch()
        align_form_labels(self)

    def _build_credentials(self) -> QWidget:
        assert self.group is not None
        box = QGroupBox(self.tr("Keys"))
        box.setObjectName("credentials")
        form = QFormLayout(box)
        owner_cls = key_owner(self.cls)
        if owner_cls is not self.cls:
            owner = owner_cls.name
            owner_name = owner_cls.description.name.pick(current_language())
            note = QLabel(self.tr("This engine uses the keys of %s.") % owner_name)
            note.setWordWrap(True)
            go = QPushButton(self.tr("Edit those keys"))
            go.setObjectName("edit_shared_keys")
            go.setAutoDefault(False)
            go.clicked.connect(lambda: self.show_engine.emit(owner))
            row = QHBoxLayout()
            row.addWidget(go)
            row.addStretch()
            form.addRow(note)
            form.addRow(row)
            return box
        for field in self._fields():
            edit = QLineEdit()
            edit.setObjectName(f"credential:{field.name}")
            edit.setEchoMode(
                QLineEdit.EchoMode.Password if field.secret else QLineEdit.EchoMode.Normal
            )
            edit.setClearButtonEnabled(True)
            edit.setAccessibleName(self._field_label(field))
            edit.setEnabled(self.keyring_ok)
            status = QLabel()
            status.setObjectName(f"status:{field.name}")
            status.setEnabled(False)  # drawn as secondary text
            label = QLabel(self._field_label(field) + ":")
            label.setBuddy(edit)
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(edit)
            cell_layout.addWidget(status)
            form.addRow(label, cell)
            self.credential_edits[field.name] = edit
            self.credential_status[field.name] = status
            edit.textChanged.connect(lambda _text, name=field.name: self._show_status(name))
        self.delete_button = QPushButton(self.tr("&Delete saved keys"))
        self.delete_button.setObjectName("delete_credentials")
        self.delete_button.setAutoDefault(False)
        self.delete_button.setAccessibleName(self.tr("Delete the keys saved in the keyring"))
        self.delete_button.clicked.connect(self.confirm_delete)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.delete_button)
        form.addRow(row)
        self.credential_message = InlineMessage()
        self.credential_message.setObjectName("credential_message")
        form.addRow(self.credential_message)
        return box

    def _fields(self) -> tuple[CredentialField, ...]:
        keys = self.described.credentials
        return keys.fields if keys is not None else ()

    def _field_label(self, field: CredentialField) -> str:
        return field.label_ko if current_language() == "ko" else field.label

    def _build_connection(self) -> QWidget:
        stored = self.settings.engine(self.engine)
        fields = self.described.settings
        language = current_language()
        offline = self.cls.capabilities.offline
        box = QGroupBox(self.tr("Speech model") if offline else self.tr("Connection"))
        box.setObjectName("connection")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        if fields.model_folder is not None:
            self.model_edit = QLineEdit(str(stored.get("model_path") or ""))
            self.model_edit.setObjectName("model_path")
            self.model_edit.setPlaceholderText(fields.model_folder.placeholder.pick(language))
            self.model_edit.setAccessibleName(self.tr("Model folder"))
            browse = QPushButton(self.tr("Browse…"))
            browse.setAutoDefault(False)
            browse.setAccessibleName(self.tr("Choose the model folder"))
            browse.clicked.connect(self._choose_model)
            row = QHBoxLayout()
            row.addWidget(self.model_edit, 1)
            row.addWidget(browse)
            label = QLabel(self.tr("&Model folder:"))
            label.setBuddy(self.model_edit)
            form.addRow(label, row)
        if fields.endpoint is not None:
            endpoint = fields.endpoint
            self.endpoint_edit = QLineEdit(str(stored.get("endpoint") or ""))
            self.endpoint_edit.setObjectName("endpoint")
            self.endpoint_edit.setPlaceholderText(endpoint.default)
            self.endpoint_edit.setClearButtonEnabled(True)
            if endpoint.label is not None:
                name = endpoint.label.pick(language)
                text = f"&{name}:"
                self.endpoint_edit.setAccessibleName(name)
            else:
                text = self.tr("&Endpoint (optional):")
                self.endpoint_edit.setAccessibleName(self.tr("Endpoint"))
                self.endpoint_edit.setToolTip(self.tr("Leave empty to use the service's address."))
            label = QLabel(text)
            label.setBuddy(self.endpoint_edit)
            form.addRow(label, self.endpoint_edit)
            if endpoint.env and os.environ.get(endpoint.env):
                note = QLabel(
                    self.tr("Set by the environment variable %s, which wins.") % endpoint.env
                )
                note.setObjectName("endpoint_environment")
                note.setWordWrap(True)
                note.setEnabled(False)
                form.addRow("", note)
        self.endpoint_message = InlineMessage()
        self.endpoint_message.setObjectName("endpoint_message")
        form.addRow(self.endpoint_message)
        host_spec = host_option(self.cls)
        if host_spec is not None:
            self.host_box = QComboBox()
            self.host_box.setObjectName("host")
            self.host_box.setAccessibleName(self.tr("Host"))
            for choice in host_spec.choices:
                self.host_box.addItem(host_spec.choice_label(choice, language), choice)
            current = str(stored.get("host") or host_spec.default)
            self.host_box.setCurrentIndex(max(0, self.host_box.findData(current)))
            label = QLabel(self.tr("&Host:"))
            label.setBuddy(self.host_box)
            form.addRow(label, self.host_box)
            self.host_box.currentIndexChanged.connect(self._host_picked)
            self._host_picked()
        if fields.poll_interval is not None:
            self.poll_spin = QDoubleSpinBox()
            self.poll_spin.setObjectName("poll_interval")
            self.poll_spin.setRange(0.5, 120.0)
            self.poll_spin.setDecimals(1)
            self.poll_spin.setSingleStep(0.5)
            self.poll_spin.setSuffix(self.tr(" s"))
            self.poll_spin.setAccessibleName(self.tr("Seconds between status checks"))
            value = stored.get("poll_interval", fields.poll_interval)
            try:
                self.poll_spin.setValue(float(value))
            except (TypeError, ValueError):
                self.poll_spin.setValue(fields.poll_interval)
            label = QLabel(self.tr("Check &progress every:"))
            label.setBuddy(self.poll_spin)
            form.addRow(label, self.poll_spin)
        return box

    def _host_picked(self) -> None:
        """The endpoint's placeholder shows the chosen host's address (used when it is empty)."""
        addresses = self.described.settings.hosts
        if self.host_box is not None and self.endpoint_edit is not None:
            address = addresses.get(str(self.host_box.currentData()))
            if address:
                self.endpoint_edit.setPlaceholderText(address)

    def _choose_model(self) -> None:
        assert self.model_edit is not None
        model_folder = self.described.settings.model_folder
        assert model_folder is not None
        folder = QFileDialog.getExistingDirectory(
            self,
            model_folder.dialog_title.pick(current_language()),
            self.model_edit.text() or str(Path.home()),
        )
        if folder:
            self.model_edit.setText(folder)

    # ----------------------------------------------------------------- credentials
    def _show_reading(self) -> None:
        """Until the keyring has answered (read on a worker thread), the key fields wait."""
        for edit in self.credential_edits.values():
            edit.setEnabled(False)
            edit.setPlaceholderText(self.tr("Reading the keyring…"))
        if self.delete_button is not None:
            self.delete_button.setEnabled(False)

    def apply_snapshot(self, snapshot: CredentialSnapshot) -> None:
        """Show the keys as read by :class:`~desktop_app.ui.credential_snapshot.CredentialLoader`."""
        self.snapshot = snapshot
        self.keyring_ok = snapshot.keyring_ok
        for edit in self.credential_edits.values():
            edit.setEnabled(self.keyring_ok)
        self.refresh_credentials()

    def _remember(self, name: str, value: str | None) -> None:
        """Keep the shown state in step with a key just saved or deleted (a key from the
        environment still wins, as it does for the engines)."""
        if self.snapshot is None or self.group is None:
            return
        key = (self.group, name)
        if self.snapshot.source(self.group, name) == "environment":
            return
        if value:
            self.snapshot.found[key] = ("keyring", value)
        else:
            self.snapshot.found.pop(key, None)

    def refresh_credentials(self) -> None:
        """Show where each key comes from, masked; the fields themselves stay empty."""
        if self.group is None or not self.credential_edits or self.snapshot is None:
            return
        anything_stored = False
        for field in self._fields():
            edit = self.credential_edits[field.name]
            source = self.snapshot.source(self.group, field.name)
            value = self.snapshot.get(self.group, field.name)
            if value:
                edit.setPlaceholderText(mask(value) if field.secret else value)
            elif not self.keyring_ok:
                edit.setPlaceholderText(self.tr("The keyring is not available"))
            else:
                edit.setPlaceholderText(self.tr("Paste it from the provider's console"))
            if source == "environment":
                self._stored_status[field.name] = (
                    self.tr("From the environment variable %s") % field.env
                )
            elif source == "keyring":
                self._stored_status[field.name] = self.tr("Stored in the keyring")
                anything_stored = True
            else:
                self._stored_status[field.name] = self.tr("Not set")
            self._show_status(field.name)
        if self.delete_button is not None:
            self.delete_button.setEnabled(self.keyring_ok and anything_stored)

    def _show_status(self, name: str) -> None:
        """Where the key comes from, or that the typed value is not saved yet."""
        status = self.credential_status[name]
        if self.credential_edits[name].text().strip():
            status.setText(self.tr("New value: saved to the keyring when you press Save"))
        else:
            status.setText(self._stored_status.get(name, ""))

    def typed_credentials(self) -> dict[str, str]:
        return {
            name: edit.text().strip()
            for name, edit in self.credential_edits.items()
            if edit.text().strip()
        }

    def confirm_delete(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Delete saved keys"),
            self.tr("Delete the keys of %s from the keyring?")
            % self.described.name.pick(current_language()),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_credentials()

    def delete_credentials(self) -> None:
        assert self.group is not None
        try:
            for name in self.credential_edits:
                self.store.delete(self.group, name)
                self._remember(name, None)
        except SoriError as exc:
            self.credential_message.show_error(exc.describe(current_language()))
        else:
            self.credential_message.show_success(self.tr("The saved keys were deleted."))
        for edit in self.credential_edits.values():
            edit.clear()
        self.refresh_credentials()

    # ----------------------------------------------------------------- saving
    def endpoint_text(self) -> str | None:
        """The typed endpoint, checked (ConfigurationError when malformed), or None."""
        if self.endpoint_edit is None or not self.endpoint_edit.text().strip():
            return None
        endpoint = self.described.settings.endpoint
        assert endpoint is not None
        return endpoint.check(self.endpoint_edit.text())

    def connection_settings(self) -> dict[str, Any]:
        """The non-secret settings of this page (None where the default applies)."""
        values: dict[str, Any] = {}
        if self.endpoint_edit is not None:
            values["endpoint"] = self.endpoint_text()
        if self.host_box is not None:
            values["host"] = self.host_box.currentData()
        if self.poll_spin is not None:
            default = self.described.settings.poll_interval
            value = round(self.poll_spin.value(), 1)
            values["poll_interval"] = None if value == default else value
        if self.model_edit is not None:
            values["model_path"] = self.model_edit.text().strip() or None
        return values

    def save(self) -> bool:
        """Write keys to the keyring and settings to ``self.settings`` (not yet to disk).
        Returns False, with the problem shown on the page, when something cannot be saved."""
        ok = True
        self.endpoint_message.clear_message()
        try:
            values = self.connection_settings()
        except ConfigurationError as exc:
            self.endpoint_message.show_error(exc.describe(current_language()))
            ok = False
        else:
            for key, value in values.items():
                self.settings.set_engine(self.engine, key, value)
        typed = self.typed_credentials()
        if typed and self.group is not None:
            try:
                for name, value in typed.items():
                    self.store.set(self.group, name, value)
                    self._remember(name, value)
            except SoriError as exc:
                self.credential_message.show_error(exc.describe(current_language()))
                ok = False
            else:
                for name in typed:
                    self.credential_edits[name].clear()
                self.credential_message.clear_message()
            self.refresh_credentials()
        return ok

    # ----------------------------------------------------------------- connection test
    def test_config(self) -> ProviderConfig:
        """A config from what is on the page, with stored values where fields are empty."""
        credentials: dict[str, str] = {}
        if self.group is not None:
            for field in self._fields():
                edit = self.credential_edits.get(field.name)
                typed = edit.text().strip() if edit is not None else ""
                stored = self.snapshot.get(self.group, field.name) if self.snapshot else None
                value = typed or stored
                if value:
                    credentials[field.name] = value
        settings = self.settings.engine(self.engine)
        settings.pop("endpoint", None)
        page = self.connection_settings()
        endpoint = page.pop("endpoint", None)
        settings.update({key: value for key, value in page.items() if value is not None})
        settings.update(TEST_SETTINGS)
        if endpoint is None:
            described = self.described.settings.endpoint
            environment = described.env if described is not None else None
            endpoint = os.environ.get(environment) if environment else None
            endpoint = endpoint or self.settings.engine(self.engine).get("endpoint") or None
        return ProviderConfig(endpoint=endpoint, credentials=credentials, settings=settings)

    def start_test(self) -> None:
        if self.test_button is None:
            return
        self.test_result.clear_message()
        try:
            provider = self.cls(self.test_config())
        except ConfigurationError as exc:
            self.endpoint_message.show_error(exc.describe(current_language()))
            return
        self.endpoint_message.clear_message()
        self.test_button.setEnabled(False)
        self.test_result.show_info(self.tr("Testing…"))
        self.tester.language = current_language()
        self.tester.start(self.engine, provider)

    def _test_finished(self, engine: str, ok: bool, message: str) -> None:
        if engine != self.engine:
            return
        if self.test_button is not None:
            self.test_button.setEnabled(True)
        if ok and self.cls.capabilities.offline:
            self.test_result.show_success(self.tr("The speech model is ready."))
        elif ok:
            self.test_result.show_success(self.tr("Connected: the address and keys work."))
        else:
            self.test_result.show_error(message)
