"""The Settings dialog: general choices, and one page per engine with its keys and address.

Pages are listed on the left: General (default engine, output folder, interface language), then
every engine (:mod:`desktop_app.ui.settings_engine_page`). Save writes keys to the OS keyring
and everything else to the settings file, or keeps the dialog open with the problem shown on
its page. When no secure keyring exists, a banner says so, key fields are disabled, and nothing
secret is written anywhere.

The General page edits :class:`~desktop_app.core.settings.GeneralSettings`, the same typed
object the window, the command line and the engine factory read (the interface language is
applied when Sori starts).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.loop import EngineLoop
from desktop_app.core.secrets import CredentialStore
from desktop_app.core.settings import THEMES, GeneralSettings, Settings
from desktop_app.providers import factory, registry
from desktop_app.ui import i18n
from desktop_app.ui.connection_test import ConnectionTester
from desktop_app.ui.credential_snapshot import CredentialLoader, CredentialSnapshot
from desktop_app.ui.i18n import current_language
from desktop_app.ui.inline_message import InlineMessage
from desktop_app.ui.settings_engine_page import EnginePage
from desktop_app.ui.settings_layout import align_form_labels, page_title
from desktop_app.ui.theme import apply_theme

GENERAL_PAGE = "general"
LANGUAGE_CHOICES = (("system", ""), ("ko", "한국어"), ("en", "English"))


class GeneralPage(QWidget):
    """Default engine, output folder and interface language. GUI thread only."""

    def __init__(
        self, settings: Settings, store: CredentialStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName(f"page:{GENERAL_PAGE}")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(page_title(self.tr("General")))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        column.addLayout(form)

        self.engine_box = QComboBox()
        self.engine_box.setObjectName("default_engine")
        self.engine_box.setAccessibleName(self.tr("Default engine"))
        for cls in registry.provider_classes():
            self.engine_box.addItem(cls.description.name.pick(current_language()), cls.name)
        general = settings.general
        self.engine_box.setCurrentIndex(
            max(0, self.engine_box.findData(factory.default_engine(settings)))
        )
        label = QLabel(self.tr("Default &engine:"))
        label.setBuddy(self.engine_box)
        form.addRow(label, self.engine_box)

        self.output_edit = QLineEdit(str(general.output_folder or ""))
        self.output_edit.setObjectName("output_folder")
        self.output_edit.setPlaceholderText(self.tr("Next to each source file"))
        self.output_edit.setAccessibleName(self.tr("Output folder"))
        self.output_edit.setClearButtonEnabled(True)
        browse = QPushButton(self.tr("Browse…"))
        browse.setObjectName("browse_output")
        browse.setAutoDefault(False)
        browse.setAccessibleName(self.tr("Choose the output folder"))
        browse.clicked.connect(self._choose_output)
        row = QHBoxLayout()
        row.addWidget(self.output_edit, 1)
        row.addWidget(browse)
        label = QLabel(self.tr("&Output folder:"))
        label.setBuddy(self.output_edit)
        form.addRow(label, row)
        self.output_message = InlineMessage()
        self.output_message.setObjectName("output_message")
        form.addRow(self.output_message)

        self.language_box = QComboBox()
        self.language_box.setObjectName("ui_language")
        self.language_box.setAccessibleName(self.tr("Interface language"))
        for code, name in LANGUAGE_CHOICES:
            self.language_box.addItem(name or self.tr("System language"), code)
        self.initial_language = general.ui_language or i18n.SYSTEM
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(self.initial_language)))
        label = QLabel(self.tr("Interface &language:"))
        label.setBuddy(self.language_box)
        form.addRow(label, self.language_box)
        self.language_note = InlineMessage()
        self.language_note.setObjectName("language_note")
        form.addRow(self.language_note)
        self.language_box.currentIndexChanged.connect(self._language_picked)
        self.theme_box = QComboBox()
        self.theme_box.setObjectName("theme")
        self.theme_box.setAccessibleName(self.tr("Theme"))
        for code, name in (
            (THEMES[0], self.tr("Follow the system")),
            (THEMES[1], self.tr("Light")),
            (THEMES[2], self.tr("Dark")),
        ):
            self.theme_box.addItem(name, code)
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(general.theme)))
        label = QLabel(self.tr("&Theme:"))
        label.setBuddy(self.theme_box)
        form.addRow(label, self.theme_box)
        column.addStretch()
        align_form_labels(self)

    def apply_snapshot(self, snapshot: CredentialSnapshot) -> None:
        """Say for each engine whether its keys are set, now that the keyring has answered."""
        for index in range(self.engine_box.count()):
            cls = registry.provider_class(str(self.engine_box.itemData(index)))
            if cls.capabilities.offline:
                state = self.tr("offline, no account")
            elif snapshot.has_all(cls.credential_group):
                state = self.tr("keys set")
            else:
                state = self.tr("keys missing")
            self.engine_box.setItemText(
                index, f"{cls.description.name.pick(current_language())} — {state}"
            )

    def _choose_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the output folder"), self.output_edit.text() or str(Path.home())
        )
        if folder:
            self.output_edit.setText(folder)

    def _language_picked(self) -> None:
        if self.language_box.currentData() == self.initial_language:
            self.language_note.clear_message()
        else:
            self.language_note.show_info(
                self.tr("The new language is used the next time Sori starts.")
            )

    @property
    def language_changed(self) -> bool:
        return self.language_box.currentData() != self.initial_language

    def save(self) -> bool:
        self.output_message.clear_message()
        folder = self.output_edit.text().strip()
        language = self.language_box.currentData()
        try:
            self.settings.general = GeneralSettings(
                default_engine=self.engine_box.currentData(),
                output_folder=Path(folder) if folder else None,
                ui_language=None if language == i18n.SYSTEM else language,
                theme=str(self.theme_box.currentData()),
            )
        except ConfigurationError as exc:
            self.output_message.show_error(exc.describe(current_language()))
            return False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.settings.general.theme)
        return True


class SettingsDialog(QDialog):
    """Application settings. GUI thread only; connection tests run on the engine loop (the
    one given, so the window's loop can be shared, or a private one), and the keyring is read
    on a worker thread when the dialog opens.

    Signals:
      credentials_loaded()  the keyring has answered; key fields and the banner are up to date
    """

    credentials_loaded = Signal()

    def __init__(
        self,
        settings: Settings | None = None,
        store: CredentialStore | None = None,
        loop: EngineLoop | None = None,
        parent: QWidget | None = None,
        page: str = GENERAL_PAGE,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        self.store = store if store is not None else CredentialStore()
        self.keyring_ok, self.keyring_problem = True, ""
        self.snapshot: CredentialSnapshot | None = None
        self.tester = ConnectionTester(loop, current_language(), self)
        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("settings_dialog")
        self.pages: dict[str, QWidget] = {}
        self._build()
        self.resize(880, 620)
        self.select_page(page)
        self._loader = CredentialLoader(self)
        self._loader.loaded.connect(self._credentials_read)
        self._loader.start(self.store, current_language())

    def _build(self) -> None:
        column = QVBoxLayout(self)
        self.banner: QFrame | None = None
        row = QHBoxLayout()
        self.page_list = QListWidget()
        self.page_list.setObjectName("page_list")
        self.page_list.setAccessibleName(self.tr("Settings pages"))
        self.page_list.setMaximumWidth(240)
        self.page_list.setMinimumWidth(190)
        self.page_list.setSpacing(1)
        self.page_list.setStyleSheet("QListWidget::item { padding: 5px 6px; }")
        self.stack = QStackedWidget()
        row.addWidget(self.page_list)
        row.addWidget(self.stack, 1)
        column.addLayout(row, 1)

        self.general = GeneralPage(self.settings, self.store)
        self._add_page(GENERAL_PAGE, self.tr("General"), self.general)
        for cls in registry.provider_classes():
            page = EnginePage(
                cls, self.settings, self.store, self.tester, keyring_ok=self.keyring_ok
            )
            page.show_engine.connect(self.select_page)
            self._add_page(cls.name, cls.description.name.pick(current_language()), page)
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column.addWidget(self.buttons)

    def _add_page(self, name: str, title: str, page: QWidget) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        page.setContentsMargins(8, 0, 4, 0)
        scroll.setWidget(page)
        self.stack.addWidget(scroll)
        self.page_list.addItem(title)
        self.pages[name] = page

    def _keyring_banner(self) -> QFrame:
        banner = QFrame()
        banner.setObjectName("keyring_banner")
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        background, border, text = (
            ("#4a3b00", "#b38f00", "#ffe8a3") if dark else ("#fff4ce", "#e0b400", "#4d3a00")
        )
        banner.setStyleSheet(
            f"#keyring_banner {{ background: {background}; border: 1px solid {border}; "
            f"border-radius: 6px; }} #keyring_banner QLabel {{ color: {text}; }}"
        )
        layout = QVBoxLayout(banner)
        headline = QLabel(
            self.tr(
                "⚠ No secure keyring is available, so keys cannot be saved. Sori never stores "
                "keys anywhere else."
            )
        )
        headline.setObjectName("keyring_banner_text")
        headline.setWordWrap(True)
        font = headline.font()
        font.setBold(True)
        headline.setFont(font)
        detail = QLabel(self.keyring_problem)
        detail.setWordWrap(True)
        detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(headline)
        layout.addWidget(detail)
        banner.setAccessibleName(headline.text())
        return banner

    def _credentials_read(self, snapshot: CredentialSnapshot) -> None:
        self.snapshot = snapshot
        self.keyring_ok, self.keyring_problem = snapshot.keyring_ok, snapshot.keyring_problem
        if not self.keyring_ok and self.banner is None:
            self.banner = self._keyring_banner()
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(0, self.banner)
            self.banner.show()
        self.general.apply_snapshot(snapshot)
        for page in self.pages.values():
            if isinstance(page, EnginePage):
                page.apply_snapshot(snapshot)
        self.credentials_loaded.emit()

    # ----------------------------------------------------------------- pages
    def select_page(self, name: str) -> None:
        names = list(self.pages)
        name = name if name in names else registry.canonical_name(name)
        if name in names:
            self.page_list.setCurrentRow(names.index(name))

    def current_page_name(self) -> str:
        return list(self.pages)[self.stack.currentIndex()]

    def engine_page(self, name: str) -> EnginePage:
        page = self.pages.get(name) or self.pages[registry.canonical_name(name)]
        assert isinstance(page, EnginePage)
        return page

    # ----------------------------------------------------------------- saving
    @property
    def language_changed(self) -> bool:
        return self.general.language_changed

    def save(self) -> bool:
        """Save every page; on a problem, show that page and return False."""
        first_problem: str | None = None
        if not self.general.save():
            first_problem = GENERAL_PAGE
        for name, page in self.pages.items():
            if isinstance(page, EnginePage) and not page.save() and first_problem is None:
                first_problem = name
        try:
            self.settings.save()
        except OSError as exc:
            self.general.output_message.show_error(
                self.tr("The settings file could not be written: %s") % (exc.strerror or exc)
            )
            first_problem = first_problem or GENERAL_PAGE
        if first_problem is not None:
            self.select_page(first_problem)
            return False
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()

    def done(self, result: int) -> None:
        self.tester.shutdown()
        super().done(result)
