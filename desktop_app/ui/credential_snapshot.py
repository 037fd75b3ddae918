"""Read what the Settings dialog shows about keys on a worker thread: whether a secure keyring
exists, and where each key comes from. Each look-up is a D-Bus call (Secret Service) or a
keychain query that can take long, or block while the keyring asks to be unlocked, so the
dialog opens at once and fills these in when :class:`CredentialLoader` reports them.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
from dataclasses import dataclass, field
from typing import Literal

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from desktop_app.core.errors import EngineUnavailableError
from desktop_app.core.secrets import CREDENTIAL_GROUPS, CredentialStore

log = logging.getLogger(__name__)

_reader = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sori-keys")
Source = Literal["environment", "keyring"]


@dataclass(frozen=True, slots=True)
class CredentialSnapshot:
    """Keys as they were when read: ``found[(group, name)] = (source, value)``."""

    keyring_ok: bool
    keyring_problem: str = ""
    found: dict[tuple[str, str], tuple[Source, str]] = field(default_factory=dict)

    def source(self, group: str, name: str) -> Source | None:
        hit = self.found.get((group, name))
        return hit[0] if hit else None

    def get(self, group: str, name: str) -> str | None:
        hit = self.found.get((group, name))
        return hit[1] if hit else None

    def has_all(self, group: str | None) -> bool:
        if group is None:
            return True
        return all((group, f.name) in self.found for f in CREDENTIAL_GROUPS[group])


def read_snapshot(store: CredentialStore, language: str) -> CredentialSnapshot:
    """Every key's source and value (worker thread; never raises)."""
    try:
        _ = store.backend
    except EngineUnavailableError as exc:
        keyring_ok, problem = False, exc.describe(language)
    else:
        keyring_ok, problem = True, ""
    found: dict[tuple[str, str], tuple[Source, str]] = {}
    for group, fields in CREDENTIAL_GROUPS.items():
        for item in fields:
            try:
                source = store.source(group, item.name)
                value = store.get(group, item.name) if source else None
            except Exception as exc:  # one unreadable entry must not hide the others
                log.warning("cannot read %s/%s: %s", group, item.name, type(exc).__name__)
                continue
            if source and value:
                found[(group, item.name)] = (source, value)
    return CredentialSnapshot(keyring_ok, problem, found)


class _Relay(QObject):
    """One object for the whole app that the worker emits on: it outlives every dialog, so a
    reading that finishes after its dialog closed is dropped by Qt instead of reaching a
    deleted object (emitting on a destroyed QObject from another thread can crash)."""

    done = Signal(int, object)  # the reading's token, its CredentialSnapshot


_relay: _Relay | None = None
_tokens = itertools.count(1)


def _shared_relay() -> _Relay:
    """Created on the GUI thread, owned by the application."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _Relay(QCoreApplication.instance())
    return _relay


class CredentialLoader(QObject):
    """Lives on the GUI thread; the reading runs on a worker thread.

    Signals (delivered on the GUI thread):
      loaded(CredentialSnapshot)
    """

    loaded = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._token = 0
        # A connection to a slot of this object ends when this object is destroyed.
        _shared_relay().done.connect(self._on_done)

    def start(self, store: CredentialStore, language: str) -> concurrent.futures.Future[None]:
        self._token = token = next(_tokens)
        relay = _shared_relay()

        def work() -> None:
            relay.done.emit(token, read_snapshot(store, language))

        return _reader.submit(work)

    @Slot(int, object)
    def _on_done(self, token: int, snapshot: object) -> None:
        if token == self._token:
            self.loaded.emit(snapshot)
