"""Translations: the committed .qm is what the .ts compiles to, every interface string has a
Korean translation with its placeholders intact, and the chosen language reaches the widgets."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from desktop_app.core.secrets import CredentialStore
from desktop_app.core.settings import Settings
from desktop_app.ui import i18n
from desktop_app.ui.app import create_application
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.gui
REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "resources" / "i18n").glob("sori_*.ts"))
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"%n|%\d|%s|\{\d+\}")


def tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed")
        path = Path(found)
    return path


def messages(ts: Path) -> Iterator[tuple[str, ET.Element]]:
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message


@pytest.fixture
def english() -> Iterator[None]:
    """Whatever a test installs, the rest of the session runs in English again."""
    yield
    app = create_application()
    i18n.install_translator(app, "en")


def test_there_is_a_korean_catalogue() -> None:
    assert [ts.name for ts in SOURCES] == ["sori_ko.ts"]


def test_committed_catalogues_are_built_from_the_sources(tmp_path: Path) -> None:
    tool("pyside6-lrelease")
    subprocess.run(
        [str(REPO / "scripts" / "build-translations"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        env={"PYSIDE_BIN": str(tool("pyside6-lrelease").parent), "PATH": "/usr/bin:/bin"},
    )
    for ts in SOURCES:
        name = ts.with_suffix(".qm").name
        fresh = (tmp_path / name).read_bytes()
        committed = (i18n.translations_dir() / name).read_bytes()
        assert fresh == committed, f"{name} is stale: run scripts/build-translations"


def test_every_message_is_translated_with_its_placeholders() -> None:
    for ts in SOURCES:
        for context, message in messages(ts):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None
            where = f"{ts.name} {context}: {source!r}"
            assert translation.get("type") not in ("unfinished", "obsolete", "vanished"), where
            forms = [f.text or "" for f in translation.iter("numerusform")] or [
                translation.text or ""
            ]
            for form in forms:
                assert form.strip(), where
                assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(source)), (
                    where
                )


def test_every_interface_string_is_in_the_catalogues(tmp_path: Path) -> None:
    """Strings added to desktop_app/ui without a translation fail here: run
    ``scripts/build-translations --update``, translate in Qt Linguist, build again."""
    lupdate = tool("pyside6-lupdate")
    sources = sorted(str(p) for p in (REPO / "desktop_app" / "ui").glob("*.py"))
    for ts in SOURCES:
        copy = tmp_path / ts.name
        shutil.copy(ts, copy)
        subprocess.run(
            [str(lupdate), *sources, "-locations", "none", "-no-obsolete", "-ts", str(copy)],
            check=True,
            capture_output=True,
        )
        untranslated = []
        for context, message in messages(copy):
            translation = message.find("translation")
            if translation is None or translation.get("type") == "unfinished":
                untranslated.append(f"{context}: {message.findtext('source')!r}")
        assert not untranslated, "\n".join(untranslated)


def test_language_choice(english: None) -> None:
    app = create_application()
    assert i18n.resolve_language("ko-KR") == "ko"
    assert i18n.resolve_language("en_GB") == "en"
    assert i18n.resolve_language("fr") in i18n.SUPPORTED  # unknown: the system's, else English
    assert i18n.install_translator(app, "ko") == "ko"
    assert i18n.current_language() == "ko"
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "설정"
    # Qt's own catalogue comes along for standard buttons and dialogs.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"
    assert i18n.install_translator(app, "en") == "en"
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Settings"


def test_language_from_the_settings_file(english: None, tmp_path: Path) -> None:
    app = create_application()
    settings = Settings(tmp_path / "settings.json")
    settings.set(i18n.SETTING, "ko")
    assert i18n.install_translator(app, None, settings) == "ko"
    settings.set(i18n.SETTING, "en")
    assert i18n.install_translator(app, None, settings) == "en"


def test_widgets_speak_korean(english: None, qtbot: QtBot, tmp_path: Path) -> None:
    app = create_application()
    i18n.install_translator(app, "ko")
    from desktop_app.ui.options_panel import EngineOptionsPanel
    from desktop_app.ui.settings_dialog import SettingsDialog

    panel = EngineOptionsPanel("rtzr", Settings(tmp_path / "settings.json"))
    qtbot.addWidget(panel)
    assert panel.language_box is not None and panel.language_box.currentText() == "한국어"
    # Engine options carry their own Korean labels.
    assert panel.extra_widgets["use_profanity_filter"].accessibleName() == "비속어 필터"
    store = CredentialStore(MemoryKeyring())
    dialog = SettingsDialog(settings=Settings(tmp_path / "settings.json"), store=store)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "설정"
    dialog.reject()
