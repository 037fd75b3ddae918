"""Credentials: kept only in the OS keyring, with environment variables as a headless override.

Secrets are stored under the service name ``sori`` with the user name ``<group>:<field>``
(for example ``engine:client_secret``); the groups and their fields come from the engines'
descriptions. When no secure keyring exists, saving and reading fail
with :class:`EngineUnavailableError` naming the reason; a secret is never written anywhere else,
and keyring back ends that store plaintext files are refused.

Values travel in :class:`Credentials`, a mapping whose ``repr``/``str`` mask the secrets, so a
config printed in a log or a traceback shows ``'cl••••••••et'`` rather than the key.
:func:`public_source` takes the signature out of presigned URLs before a source is stored or
exported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import keyring
import keyring.backend
import keyring.errors

from desktop_app.core.errors import AuthError, EngineUnavailableError

SERVICE = "sori"


@dataclass(frozen=True, slots=True)
class CredentialField:
    """One value an engine needs; ``secret`` values are masked wherever they are shown."""

    name: str
    label: str
    label_ko: str
    env: str
    secret: bool = True


class _Groups(Mapping[str, tuple[CredentialField, ...]]):
    """The credential groups the engines declared, by group name. Engines live above ``core``,
    so they register their groups here (:func:`register_group`); reading the table first asks
    the engine registry to load every engine (:func:`set_group_loader`), so that :func:`redact`
    and the store know every key even when no engine has been used yet."""

    def __init__(self) -> None:
        self._groups: dict[str, tuple[CredentialField, ...]] = {}
        self._engines: dict[str, str] = {}
        self._loader: Callable[[], None] | None = None

    def _load(self) -> None:
        if self._loader is not None:
            loader, self._loader = self._loader, None
            loader()

    def __getitem__(self, group: str) -> tuple[CredentialField, ...]:
        self._load()
        return self._groups[group]

    def __iter__(self) -> Iterator[str]:
        self._load()
        return iter(list(self._groups))

    def __len__(self) -> int:
        self._load()
        return len(self._groups)


CREDENTIAL_GROUPS = _Groups()


def register_group(group: str, fields: tuple[CredentialField, ...], engine: str) -> None:
    """Declare the keys of ``group``, used by ``engine`` (several engines may share a group)."""
    known = CREDENTIAL_GROUPS._groups.get(group)
    if known is not None and known != fields:
        raise RuntimeError(f"credential group {group!r} declared twice with different fields")
    CREDENTIAL_GROUPS._groups[group] = fields
    CREDENTIAL_GROUPS._engines[engine] = group


def forget_engine(engine: str) -> None:
    """Undo :func:`register_group` for ``engine``; its group goes when no engine uses it."""
    group = CREDENTIAL_GROUPS._engines.pop(engine, None)
    if group is not None and group not in CREDENTIAL_GROUPS._engines.values():
        CREDENTIAL_GROUPS._groups.pop(group, None)


def set_group_loader(loader: Callable[[], None]) -> None:
    """Have ``loader`` (which registers every engine) run before the groups are first read."""
    CREDENTIAL_GROUPS._loader = loader


def group_for(engine: str) -> str:
    """The credential group an engine uses (engines sharing keys name another's group)."""
    CREDENTIAL_GROUPS._load()
    return CREDENTIAL_GROUPS._engines.get(engine, engine)


# Backends that keep secrets in plain files; we would rather say "no keyring" than use them.
_INSECURE_BACKENDS = {"PlaintextKeyring", "EncryptedKeyring", "Keyring"}


def mask(value: str) -> str:
    """Show enough of a secret to recognise it, never enough to use it."""
    if len(value) <= 8:
        return "•" * len(value)
    return f"{value[:2]}{'•' * min(12, len(value) - 4)}{value[-2:]}"


class Credentials(dict[str, str]):
    """An engine's credential values by field name; ``repr`` and ``str`` mask every value
    (non-secret ones such as a client id included: masking too much costs nothing here)."""

    def __repr__(self) -> str:
        shown = ", ".join(f"{key!r}: {mask(value)!r}" for key, value in self.items())
        return f"Credentials({{{shown}}})"

    __str__ = __repr__


def public_source(source: str) -> str:
    """A source as it may be stored and shown: URLs lose their query string and fragment
    (presigned URLs carry their signature there) and any ``user:password@``; paths and
    ``obs://`` keys are kept as they are."""
    if "://" not in source or source.startswith("obs://"):
        return source
    try:
        parts = urlsplit(source)
    except ValueError:
        return source.split("?", 1)[0].split("#", 1)[0]
    if not parts.scheme or not parts.netloc:
        return source.split("?", 1)[0].split("#", 1)[0]
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _unavailable(reason: str) -> EngineUnavailableError:
    return EngineUnavailableError(
        f"No secure keyring is available ({reason})",
        fix="Start your desktop's keyring (GNOME Keyring, KWallet, macOS Keychain, Windows "
        "Credential Manager), or set the SORI_* environment variables for headless use.",
        message_ko=f"안전한 키링을 쓸 수 없습니다({reason})",
        fix_ko="데스크톱 키링(GNOME 키링, KWallet, macOS 키체인, Windows 자격 증명 관리자)을 "
        "켜거나, 헤드리스 환경에서는 SORI_* 환경 변수를 설정하세요.",
    )


class CredentialStore:
    """Reads and writes engine credentials. Thread-safe as far as the keyring backend is."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        backend = self._backend or keyring.get_keyring()
        self.check_backend(backend)
        return backend

    @staticmethod
    def check_backend(backend: keyring.backend.KeyringBackend) -> None:
        """Raise unless ``backend`` is a real, secure store."""
        name = type(backend).__name__
        module = type(backend).__module__
        if module.startswith("keyring.backends.fail") or name == "NullKeyring":
            raise _unavailable("no keyring service found")
        if module.startswith("keyrings.alt") and name in _INSECURE_BACKENDS:
            raise _unavailable(f"{name} stores secrets in a file")
        if module.startswith("keyring.backends.chainer"):
            chained = list(getattr(backend, "backends", []))
            if not chained:
                raise _unavailable("no keyring service found")
            for inner in chained:
                CredentialStore.check_backend(inner)

    def available(self) -> tuple[bool, str]:
        """Whether secrets can be stored, and a sentence saying why not."""
        try:
            _ = self.backend
        except EngineUnavailableError as exc:
            return False, exc.describe()
        return True, ""

    @staticmethod
    def fields(group: str) -> tuple[CredentialField, ...]:
        try:
            return CREDENTIAL_GROUPS[group]
        except KeyError:
            raise KeyError(f"no credentials for {group!r}") from None

    def _field(self, group: str, name: str) -> CredentialField:
        for field in self.fields(group):
            if field.name == name:
                return field
        raise KeyError(f"{group} has no credential {name!r}")

    def source(self, group: str, name: str) -> Literal["environment", "keyring"] | None:
        field = self._field(group, name)
        if os.environ.get(field.env):
            return "environment"
        return "keyring" if self._read_keyring(group, name) else None

    def get(self, group: str, name: str) -> str | None:
        """The value from the environment if set there, else from the keyring."""
        field = self._field(group, name)
        from_env = os.environ.get(field.env)
        if from_env:
            return from_env.strip()
        return self._read_keyring(group, name)

    def _read_keyring(self, group: str, name: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, f"{group}:{name}")
        except EngineUnavailableError:
            return None
        except keyring.errors.KeyringError:
            return None

    def set(self, group: str, name: str, value: str) -> None:
        self._field(group, name)
        value = value.strip()
        if not value:
            raise AuthError(
                "An empty value cannot be saved",
                fix="Paste the key from the provider's console.",
                message_ko="빈 값은 저장할 수 없습니다",
                fix_ko="서비스 콘솔에서 키를 복사해 붙여 넣으세요.",
            )
        try:
            self.backend.set_password(SERVICE, f"{group}:{name}", value)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(type(exc).__name__) from None

    def delete(self, group: str, name: str) -> bool:
        """Remove one value; returns False when there was nothing to remove."""
        self._field(group, name)
        try:
            self.backend.delete_password(SERVICE, f"{group}:{name}")
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as exc:
            raise _unavailable(type(exc).__name__) from None
        return True

    def load(self, group: str) -> Credentials:
        """Every value of a group that is set (environment first)."""
        values = Credentials()
        for field in self.fields(group):
            value = self.get(group, field.name)
            if value:
                values[field.name] = value
        return values

    def require(self, group: str, engine: str) -> Credentials:
        """All values of a group, or an :class:`AuthError` naming what is missing."""
        values = self.load(group)
        missing = [f for f in self.fields(group) if f.name not in values]
        if missing:
            names = ", ".join(f.label for f in missing)
            envs = ", ".join(f.env for f in missing)
            raise AuthError(
                f"The engine '{engine}' needs credentials that are not set: {names}",
                fix=f"Run 'sori credentials set {group}' or set {envs}.",
                message_ko=f"'{engine}' 엔진에 필요한 인증 정보가 없습니다: "
                + ", ".join(f.label_ko for f in missing),
                fix_ko=f"'sori credentials set {group}'을 실행하거나 {envs}를 설정하세요.",
            )
        return values


def redact(text: str, store: CredentialStore | None = None) -> str:
    """``text`` with every credential value known to Sori (keyring or environment) masked, for
    error details a user may copy into a bug report (an unexpected error can quote a URL that
    holds an app key, for example)."""
    store = store or CredentialStore()
    values: set[str] = set()
    for group in CREDENTIAL_GROUPS:
        try:
            values.update(v for v in store.load(group).values() if len(v) >= 4)
        except Exception:  # a broken keyring must not hide the error being reported
            continue
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, mask(value))
    return text
