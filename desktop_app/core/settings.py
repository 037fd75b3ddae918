"""Non-secret settings in a JSON file in the platform's config folder.

Holds the default engine, per-engine settings (endpoint or InvokeURL, host choice, polling
interval, model folder, default options), the output folder and the interface language.
Secrets never go here (see :mod:`desktop_app.core.secrets`). Writes are atomic, and a damaged
file is set aside (``settings.json.broken``) instead of stopping the app.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from desktop_app.core.paths import config_dir

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"


class Settings:
    """A small JSON document with dotted access per engine. Thread-safe."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (config_dir() / FILE_NAME)
        self._lock = threading.Lock()
        self._data: dict[str, Any] = self._read()

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

    def save(self) -> None:
        with self._lock:
            text = json.dumps(self._data, ensure_ascii=False, indent=2, sort_keys=True)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            if value is None:
                self._data.pop(key, None)
            else:
                self._data[key] = value

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
