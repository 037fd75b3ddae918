"""The registry of speech engines: names to provider classes, with no if/elif dispatch.

Engine modules register their class with :func:`register` when imported; the registry imports
the built-in modules lazily, the first time anyone asks, so heavy libraries load only on use.
Registering an engine also declares its credential group to the key store and its aliases;
:func:`descriptions` gives every engine's :class:`EngineDescription` to the front ends.

``local`` is an alias of the default offline engine: scripts and settings written when the
offline default was Vosk keep working.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

from desktop_app.core import secrets
from desktop_app.core.errors import ConfigurationError
from desktop_app.providers.base import Provider, ProviderConfig
from desktop_app.providers.description import EngineDescription

DEFAULT_PROVIDER = "whisper"

_classes: dict[str, type[Provider]] = {}
_aliases: dict[str, str] = {}
_loaded = False

P = TypeVar("P", bound=type[Provider])


def register(cls: P) -> P:
    """Class decorator: make an engine available under its description's id and aliases."""
    described = cls.__dict__.get("description")
    if not isinstance(described, EngineDescription):
        raise TypeError(f"{cls.__name__} has no EngineDescription in 'description'")
    existing = _classes.get(cls.name)
    if existing is not None and existing is not cls:
        raise RuntimeError(f"two engines registered as {cls.name!r}")
    _classes[cls.name] = cls
    for alias in described.aliases:
        _aliases[alias] = cls.name
    if described.credentials is not None:
        keys = described.credentials
        secrets.register_group(keys.name, keys.fields, cls.name)
    return cls


def unregister(name: str) -> None:
    """Forget an engine (an engine defined by a test, say)."""
    _classes.pop(name, None)
    secrets.forget_engine(name)
    for alias in [alias for alias, target in _aliases.items() if target == name]:
        del _aliases[alias]


def builtin_modules() -> list[str]:
    """The modules that define the built-in engines: every engine family is a package under
    ``providers/`` whose ``__init__`` names its engine modules in ``ENGINES`` (packages are
    taken alphabetically, so adding a family touches no file outside it)."""
    import desktop_app.providers as package

    modules: list[str] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        if info.ispkg:
            family = importlib.import_module(f"{package.__name__}.{info.name}")
            engines: tuple[str, ...] = getattr(family, "ENGINES", ())
            modules += [f"{family.__name__}.{name}" for name in engines]
    return modules


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        for module in builtin_modules():
            importlib.import_module(module)
        _loaded = True


def provider_classes() -> list[type[Provider]]:
    """Every engine, in the order they are listed to users: the default first, then the other
    offline engines, then the cloud ones (alphabetically by family)."""
    _load_builtins()
    return sorted(
        _classes.values(),
        key=lambda cls: (cls.name != DEFAULT_PROVIDER, not cls.capabilities.offline),
    )


def provider_names() -> list[str]:
    return [cls.name for cls in provider_classes()]


def descriptions() -> list[EngineDescription]:
    """Every registered engine's description, in listing order."""
    return [cls.description for cls in provider_classes()]


def canonical_name(name: str) -> str:
    """An engine's id from its id or one of its aliases (unknown names unchanged)."""
    _load_builtins()
    return name if name in _classes else _aliases.get(name, name)


def made_by(name: str) -> type[Provider] | None:
    """The engine that made a transcript stored under ``name``: its id, a name it had in an
    earlier version (a transcript from then was made by it), or an alias; None if unknown."""
    _load_builtins()
    if name in _classes:
        return _classes[name]
    for cls in _classes.values():
        if name in cls.former_names:
            return cls
    return _classes.get(_aliases.get(name, ""))


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


secrets.set_group_loader(_load_builtins)
