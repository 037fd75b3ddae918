"""The theme setting: stored in the settings file, chosen on the Settings dialog's general
page and applied at once (dark: Fusion with a dark palette; light; or the system's look)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle
from pytestqt.qtbot import QtBot

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.settings import GeneralSettings, Settings
from desktop_app.ui.app import create_application
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.theme import apply_theme
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.gui


@pytest.fixture
def app() -> Iterator[QApplication]:
    application = create_application()
    yield application
    apply_theme(application, "system")


def window_lightness(app: QApplication) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


def test_theme_setting_is_kept_and_checked(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert settings.general.theme == "system"
    settings.update_general(theme="dark")
    settings.save()
    assert Settings(settings.path).general.theme == "dark"
    with pytest.raises(ConfigurationError, match="system, light or dark"):
        GeneralSettings(theme="purple")
    settings.path.write_text('{"theme": "purple"}', encoding="utf-8")
    assert Settings(settings.path).general.theme == "system"  # a bad hand edit is ignored


def test_dark_and_light_are_applied_at_once(app: QApplication) -> None:
    assert apply_theme(app, "dark") == "dark"
    style = app.style()
    assert isinstance(style, QProxyStyle) and style.baseStyle().name().lower() == "fusion"
    # Dialog buttons carry no icons (dark glyphs would vanish on the dark palette).
    assert not style.styleHint(QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons)
    assert window_lightness(app) < 80
    text = app.palette().color(QPalette.ColorRole.Text).lightness()
    assert text - app.palette().color(QPalette.ColorRole.Base).lightness() > 150
    assert apply_theme(app, "light") == "light"
    assert window_lightness(app) > 180


@pytest.fixture
def memory_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def test_settings_dialog_row_switches_the_theme(
    app: QApplication, qtbot: QtBot, tmp_path: Path, memory_keyring: None
) -> None:
    settings = Settings(tmp_path / "settings.json")
    dialog = SettingsDialog(settings=settings)
    qtbot.addWidget(dialog)
    box = dialog.general.theme_box
    box.setCurrentIndex(box.findData("dark"))
    assert dialog.general.save()
    assert settings.general.theme == "dark"
    assert window_lightness(app) < 80
    box.setCurrentIndex(box.findData("light"))
    assert dialog.general.save()
    assert window_lightness(app) > 180
