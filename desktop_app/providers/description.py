"""What an engine tells the rest of the app about itself: one :class:`EngineDescription`.

Each engine class sets ``description``; the registry, the settings dialog, the options panel,
the command line (``sori providers --verbose``, ``sori credentials``) and the credential store
are built from it, so adding an engine touches nothing outside its package. The options are
the engine's :class:`~desktop_app.providers.base.OptionSpec` list (in its capabilities), each
of which carries its own coercion (:meth:`OptionSpec.coerce`), the one path every front end uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import SoriError
from desktop_app.core.secrets import CredentialField
from desktop_app.providers.base import Capabilities, OptionSpec, Text

__all__ = [
    "CredentialGroup",
    "Endpoint",
    "EngineDescription",
    "ErrorCode",
    "ErrorTable",
    "ModelFolder",
    "SettingsFields",
    "Text",
]


@dataclass(frozen=True, slots=True)
class CredentialGroup:
    """Keys stored together in the keyring; engines naming the same group share them."""

    name: str
    fields: tuple[CredentialField, ...]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a cloud engine is reached: the address used when none is set, the environment
    variable that overrides the settings file, and the check a typed address must pass."""

    default: str
    env: str | None = None
    label: Text | None = None  # None: the generic "Endpoint (optional)"
    required: bool = False  # no usable default: the user must give one
    validate: Callable[[str], str] | None = None  # None: an http(s) URL (check_endpoint)

    def check(self, text: str) -> str:
        """``text`` as stored, or the ConfigurationError saying what is wrong with it."""
        if self.validate is not None:
            return self.validate(text)
        from desktop_app.providers.http import check_endpoint  # httpx only when needed

        return check_endpoint(text)


@dataclass(frozen=True, slots=True)
class ModelFolder:
    """An offline engine's model folder setting (``model_path``)."""

    placeholder: Text
    dialog_title: Text


@dataclass(frozen=True, slots=True)
class SettingsFields:
    """The engine's page in Settings besides its keys. ``hosts`` maps the choices of the
    engine's ``host`` option to their addresses; ``poll_interval`` is the default number of
    seconds between status checks, for engines that poll a remote job."""

    endpoint: Endpoint | None = None
    hosts: Mapping[str, str] = field(default_factory=dict)
    poll_interval: float | None = None
    model_folder: ModelFolder | None = None


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: str
    kind: type[SoriError]
    message: str
    message_ko: str


@dataclass(frozen=True, slots=True)
class ErrorTable:
    """A reference to one of the vendor's code tables: code → (exception type, English,
    Korean, …), the shape every table in ``providers/`` uses."""

    title: str
    codes: Mapping[Any, tuple[Any, ...]]

    def entries(self) -> list[ErrorCode]:
        return [
            ErrorCode(str(code), row[0], str(row[1]), str(row[2]))
            for code, row in self.codes.items()
        ]


@dataclass(frozen=True, slots=True)
class EngineDescription:
    """Everything the rest of the app needs to know about one engine."""

    id: str
    name: Text
    summary: Text
    capabilities: Capabilities
    aliases: tuple[str, ...] = ()
    credentials: CredentialGroup | None = None
    settings: SettingsFields = field(default_factory=SettingsFields)
    errors: tuple[ErrorTable, ...] = ()
    # What keyword boosting does with this engine, when it is not plain boosting (shown above
    # the word lists in the options panel).
    keyword_help: Text | None = None

    @property
    def options(self) -> tuple[OptionSpec, ...]:
        return self.capabilities.extra_options

    def option(self, name: str) -> OptionSpec | None:
        return next((spec for spec in self.options if spec.name == name), None)

    def environment_variables(self) -> list[str]:
        names = [f.env for f in self.credentials.fields] if self.credentials else []
        endpoint = self.settings.endpoint
        if endpoint is not None and endpoint.env:
            names.append(endpoint.env)
        return names
