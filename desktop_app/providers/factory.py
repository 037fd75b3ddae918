"""Build a ready engine from the user's settings file, environment and command-line overrides.

Shared by the command line and the window so both configure engines the same way: settings
from :class:`~desktop_app.core.settings.Settings` (per engine), the endpoint from the
environment variable the engine's description names when set, ``--endpoint`` over both, and the job journal for
engines that run remote jobs. Credentials are read by the engine itself when it needs them.
:func:`default_engine` is the engine a job uses when none is named (the window's engine list
starts on it, ``sori transcribe`` and ``sori live`` use it without ``--provider``).
"""

from __future__ import annotations

import os
from typing import Any

from desktop_app.core.journal import JobJournal
from desktop_app.core.settings import Settings
from desktop_app.providers import registry
from desktop_app.providers.base import Provider, ProviderConfig


def endpoint_from_environment(name: str) -> str | None:
    """The endpoint set by the engine's environment variable, if it has one and it is set."""
    endpoint = registry.provider_class(name).description.settings.endpoint
    if endpoint is None or not endpoint.env:
        return None
    return os.environ.get(endpoint.env) or None


def default_engine(settings: Settings | None = None) -> str:
    """The default engine chosen in Settings, or the registry's default when none is chosen or
    the chosen one is not installed (an engine dropped from this version)."""
    chosen = (settings or Settings()).general.default_engine
    chosen = registry.canonical_name(chosen) if chosen else chosen
    if chosen and chosen in registry.provider_names():
        return chosen
    return registry.DEFAULT_PROVIDER


def provider_config(
    name: str,
    *,
    endpoint: str | None = None,
    overrides: dict[str, Any] | None = None,
    settings: Settings | None = None,
    journal: JobJournal | None = None,
) -> ProviderConfig:
    name = registry.canonical_name(name)
    cls = registry.provider_class(name)
    store = settings or Settings()
    stored = store.engine(name)
    for former in cls.former_names:
        stored = stored or store.engine(former)
    chosen_endpoint = endpoint or endpoint_from_environment(name)
    if chosen_endpoint is None:
        value = stored.pop("endpoint", None)
        chosen_endpoint = str(value) if value else None
    else:
        stored.pop("endpoint", None)
    stored.update(overrides or {})
    if not cls.capabilities.offline and journal is None:
        journal = JobJournal()
    return ProviderConfig(endpoint=chosen_endpoint, settings=stored, journal=journal)


def create_provider(name: str, **kwargs: Any) -> Provider:
    return registry.provider_class(name)(provider_config(name, **kwargs))
