"""The registry of speech engines: names to provider classes, with no if/elif dispatch.

Engine modules register their class with :func:`register` when imported; the registry imports
the built-in modules lazily, the first time anyone asks, so heavy libraries load only on use.

``local`` is an alias: scripts and settings written when the offline default was Vosk keep
working and now get the current offline default (see :data:`ALIASES`).
"""

from __future__ import annotations

import importlib
from typing import TypeVar

from desktop_app.core.errors import ConfigurationError
from desktop_app.providers.base import Provider, ProviderConfig

DEFAULT_PROVIDER = "whisper"

# Other names accepted for an engine; they are not listed to users.
ALIASES: dict[str, str] = {"local": DEFAULT_PROVIDER}

# Modules that define the built-in engines, in the order they are listed to users.
BUILTIN_MODULES: tuple[str, ...] = (
    "desktop_app.providers.whisper.provider",
    "desktop_app.providers.vosk.provider",
    "desktop_app.providers.clova.csr",
    "desktop_app.providers.clova.speech",
    "desktop_app.providers.clova.stream",
    "desktop_app.providers.nhn.provider",
    "desktop_app.providers.rtzr.batch",
    "desktop_app.providers.rtzr.stream",
)

_classes: dict[str, type[Provider]] = {}
_loaded = False

P = TypeVar("P", bound=type[Provider])


def register(cls: P) -> P:
    """Class decorator: make an engine available under ``cls.name``."""
    existing = _classes.get(cls.name)
    if existing is not None and existing is not cls:
        raise RuntimeError(f"two engines registered as {cls.name!r}")
    _classes[cls.name] = cls
    return cls


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        for module in BUILTIN_MODULES:
            importlib.import_module(module)
        _loaded = True


def provider_names() -> list[str]:
    _load_builtins()
    return list(_classes)


def provider_classes() -> list[type[Provider]]:
    _load_builtins()
    return list(_classes.values())


def canonical_name(name: str) -> str:
    """The registered name for ``name`` (itself, or the engine an alias stands for)."""
    return ALIASES.get(name, name)


def provider_class(name: str) -> type[Provider]:
    """The engine class called ``name`` (or an alias), or a clear error listing the known ones."""
    _load_builtins()
    try:
        return _classes[canonical_name(name)]
    except KeyError:
        known = ", ".join(_classes)
        raise ConfigurationError(
            f"Unknown engine '{name}'",
            fix=f"Choose one of: {known}.",
            message_ko=f"알 수 없는 엔진 '{name}'",
            fix_ko=f"다음 중 하나를 고르세요: {known}",
        ) from None


def create(name: str, config: ProviderConfig | None = None) -> Provider:
    """A new engine instance."""
    return provider_class(name)(config)
