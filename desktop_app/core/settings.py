"""Non-secret settings in a JSON file in the platform's config folder.

Two layers. :class:`GeneralSettings` is the typed, validated view of the choices every part of
Sori reads the same way: the default engine, the output folder and the interface language (the
window, the command line and :mod:`desktop_app.providers.factory` all go through it, so a key
written by one is the key read by the others). :class:`Settings` is the file: it holds those
choices plus one section per engine (endpoint or InvokeURL, host, polling interval, model
folder, remembered options).

Older files used ``default_provider`` and ``output_dir``; they are read once, when the file is
loaded, and written back under the current names on the next save. Secrets never go here (see
:mod:`desktop_app.core.secrets`). Writes are atomic and private (0600 in a 0700 folder), and a
damaged file is set aside (``settings.json.broken``) instead of stopping the app.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.paths import config_dir, private_dir, write_private_file

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"
DEFAULT_ENGINE = "default_engine"
OUTPUT_FOLDER = "output_folder"
UI_LANGUAGE = "ui_language"
THEME = "theme"
THEMES = ("system", "light", "dark")
LEGACY_KEYS = {"default_provider": DEFAULT_ENGINE, "output_dir": OUTPUT_FOLDER}
UI_LANGUAGES = ("ko", "en")  # absent: follow the system's language


@dataclass(frozen=True, slots=True)
class GeneralSettings:
    """The choices shared by the window and the command line; ``None`` means "the default".

    ``default_engine``: an engine name (``None``: the registry's default; an engine that no
    longer exists is treated the same by :func:`desktop_app.providers.factory.default_engine`).
    ``output_folder``: where results are written (``None``: next to each source file).
    ``ui_language``: ``"ko"`` or ``"en"`` (``None``: the system's language).
    ``theme``: ``"system"`` (follow the desktop's light or dark scheme), ``"light"`` or ``"dark"``.
    Constructing one with a bad value raises :class:`ConfigurationError`.
    """

    default_engine: str | None = None
    output_folder: Path | None = None
    ui_language: str | None = None
    theme: str = "system"

    def __post_init__(self) -> None:
        engine = self.default_engine
        if engine is not None and (not isinstance(engine, str) or not engine.strip()):
            raise ConfigurationError(
                f"'{engine}' is not an engine name",
                fix="Choose an engine from the list (sori providers shows them).",
                message_ko=f"'{engine}'은(는) 엔진 이름이 아닙니다",
                fix_ko="목록에서 엔진을 고르세요(sori providers로 볼 수 있습니다).",
            )
        folder = self.output_folder
        if folder is not None:
            folder = Path(folder).expanduser()
            if str(folder) in ("", ".") or not folder.is_absolute():
                raise ConfigurationError(
                    f"The output folder '{self.output_folder}' is not a full path",
                    fix="Choose the folder with Browse…, or write its full path.",
                    message_ko=f"출력 폴더 '{self.output_folder}'이(가) 전체 경로가 아닙니다",
                    fix_ko="찾아보기로 폴더를 고르거나 전체 경로를 쓰세요.",
                )
            if folder.exists() and not folder.is_dir():
                raise ConfigurationError(
                    f"The output folder {folder} is a file, not a folder",
                    fix="Choose a folder.",
                    message_ko=f"출력 폴더 {folder}은(는) 폴더가 아니라 파일입니다",
                    fix_ko="폴더를 고르세요.",
                )
            object.__setattr__(self, "output_folder", folder)
        if self.ui_language is not None and self.ui_language not in UI_LANGUAGES:
            raise ConfigurationError(
                f"'{self.ui_language}' is not an interface language Sori has",
                fix="Choose Korean (ko), English (en) or the system language.",
                message_ko=f"'{self.ui_language}'은(는) Sori가 지원하는 화면 언어가 아닙니다",
                fix_ko="한국어(ko), 영어(en) 또는 시스템 언어를 고르세요.",
            )
        if self.theme not in THEMES:
            raise ConfigurationError(
                f"'{self.theme}' is not a theme Sori has",
                fix="Choose system, light or dark.",
                message_ko=f"'{self.theme}'은(는) Sori가 지원하는 테마가 아닙니다",
                fix_ko="system(시스템), light(밝게), dark(어둡게) 중에서 고르세요.",
            )

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> GeneralSettings:
        """Read from the file's keys; a value that does not validate is dropped (logged), so
        a hand-edited file never stops the app."""
        values: dict[str, Any] = {}
        raw = {
            "default_engine": data.get(DEFAULT_ENGINE),
            "output_folder": data.get(OUTPUT_FOLDER),
            "ui_language": data.get(UI_LANGUAGE),
            "theme": data.get(THEME),
        }
        if raw["ui_language"] == "system":
            raw["ui_language"] = None
        for name, value in raw.items():
            if value is None or value == "":
                continue
            candidate: dict[str, Any] = {name: Path(value) if name == "output_folder" else value}
            try:
                cls(**candidate)
            except (ConfigurationError, TypeError) as exc:
                log.warning("ignoring the setting %s=%r: %s", name, value, exc)
                continue
            values[name] = candidate[name]
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The file's keys (``None`` for a value that is not set)."""
        return {
            DEFAULT_ENGINE: self.default_engine,
            OUTPUT_FOLDER: str(self.output_folder) if self.output_folder is not None else None,
            UI_LANGUAGE: self.ui_language,
            THEME: None if self.theme == "system" else self.theme,
        }


class Settings:
    """The settings file: the general choices (:attr:`general`) and a section per engine.

    Thread-safe; changes stay in memory until :meth:`save`.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (config_dir() / FILE_NAME)
        self._lock = threading.Lock()
        self._data: dict[str, Any] = self._migrated(self._read())

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("cannot read %s: %s", self.path, exc)
            return {}
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError:
            broken = self.path.with_name(self.path.name + ".broken")
            log.warning("settings file %s is damaged; moved to %s", self.path, broken)
            os.replace(self.path, broken)
            return {}
        return data

    @staticmethod
    def _migrated(data: dict[str, Any]) -> dict[str, Any]:
        """Move values from older key names to the current ones (the current name wins)."""
        for old, new in LEGACY_KEYS.items():
            if old in data:
                value = data.pop(old)
                data.setdefault(new, value)
        return data

    def save(self) -> None:
        with self._lock:
            text = json.dumps(self._data, ensure_ascii=False, indent=2, sort_keys=True)
            private_dir(self.path.parent)
            write_private_file(self.path, (text + "\n").encode("utf-8"))

    # ----------------------------------------------------------------- general choices
    @property
    def general(self) -> GeneralSettings:
        with self._lock:
            return GeneralSettings.from_mapping(self._data)

    @general.setter
    def general(self, value: GeneralSettings) -> None:
        with self._lock:
            for key, item in value.to_mapping().items():
                if item is None:
                    self._data.pop(key, None)
                else:
                    self._data[key] = item

    def update_general(self, **changes: Any) -> GeneralSettings:
        """Change some general choices (validated; ConfigurationError leaves all unchanged)."""
        updated = dataclasses.replace(self.general, **changes)
        self.general = updated
        return updated

    # ----------------------------------------------------------------- raw keys
    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            key = LEGACY_KEYS.get(key, key)
            if value is None:
                self._data.pop(key, None)
            else:
                self._data[key] = value

    # ----------------------------------------------------------------- engines
    def engine(self, name: str) -> dict[str, Any]:
        """A copy of one engine's settings."""
        with self._lock:
            engines = self._data.get("engines", {})
            return dict(engines.get(name, {})) if isinstance(engines, dict) else {}

    def set_engine(self, name: str, key: str, value: Any) -> None:
        with self._lock:
            engines = self._data.setdefault("engines", {})
            section = engines.setdefault(name, {})
            if value is None:
                section.pop(key, None)
            else:
                section[key] = value
