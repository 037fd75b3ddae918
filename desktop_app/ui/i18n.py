"""The interface language: pick it (setting or system locale) and install Qt translators.

Sori's own strings are translated with Qt Linguist: ``resources/i18n/sori_<lang>.ts`` in the
repository is compiled by ``scripts/build-translations`` into
``desktop_app/resources/i18n/sori_<lang>.qm``, which ships as package data. Qt's catalogue for
its own dialogs and buttons (``qt_<lang>.qm``, part of PySide6) is installed alongside.

English is the source language, so it needs no catalogue. Errors raised by the engine layer
carry their own Korean text; :func:`current_language` tells the UI which one to show.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop_app.core.settings import Settings

log = logging.getLogger(__name__)

SETTING = "ui_language"  # "ko", "en", or absent / "system" for the system locale
SYSTEM = "system"
SOURCE_LANGUAGE = "en"
TRANSLATED = ("ko",)
SUPPORTED = (SOURCE_LANGUAGE, *TRANSLATED)

_current = SOURCE_LANGUAGE
_installed: list[QTranslator] = []


def translations_dir() -> Path:
    """Where the compiled ``sori_*.qm`` catalogues are (package data)."""
    return Path(str(resources.files("desktop_app") / "resources" / "i18n"))


def system_language() -> str:
    """The first supported language among the user's preferred UI languages, else English."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in SUPPORTED:
            return code
    return SOURCE_LANGUAGE


def resolve_language(choice: str | None) -> str:
    """``"ko"``/``"en"`` as given; ``None``, ``""`` or ``"system"`` follow the system locale;
    anything unknown falls back to the system locale too."""
    if choice:
        code = choice.strip().replace("_", "-").split("-")[0].lower()
        if code in SUPPORTED:
            return code
    return system_language()


def current_language() -> str:
    """The language installed by the last :func:`install_translator` call (``"en"`` before)."""
    return _current


def install_translator(
    app: QCoreApplication, language: str | None = None, settings: Settings | None = None
) -> str:
    """Install the catalogues for ``language`` (or the ``ui_language`` setting, or the system
    locale) on ``app``, replacing earlier ones; returns the language code now in use."""
    global _current
    choice = language if language is not None else (settings or Settings()).general.ui_language
    code = resolve_language(choice)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code in TRANSLATED:
        catalogues = (
            (f"sori_{code}", translations_dir()),
            (f"qt_{code}", Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))),
        )
        for name, folder in catalogues:
            translator = QTranslator(app)
            if translator.load(name, str(folder)):
                app.installTranslator(translator)
                _installed.append(translator)
            else:
                log.warning("translation catalogue %s not found in %s", name, folder)
    _current = code
    return code
