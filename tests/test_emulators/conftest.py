"""Fixtures for the emulator self-tests: one started emulator per provider (checked for internal
errors on teardown), an httpx client, and a local file/callback server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.emulators import (
    ClovaCsrEmulator,
    ClovaSpeechEmulator,
    EmulatorServer,
    NhnEmulator,
    RtzrEmulator,
)
from tests.emulators.server import E
from tests.test_emulators.servers import ClovaServer, CsrServer, FileServer, NhnServer, RtzrServer


def _started(emulator: E) -> Iterator[EmulatorServer[E]]:
    server = EmulatorServer(emulator).start()
    try:
        yield server
    finally:
        server.stop()
    assert server.emulator.internal_errors == []


@pytest.fixture
def csr() -> Iterator[CsrServer]:
    yield from _started(ClovaCsrEmulator())


@pytest.fixture
def clova() -> Iterator[ClovaServer]:
    yield from _started(ClovaSpeechEmulator())


@pytest.fixture
def nhn() -> Iterator[NhnServer]:
    yield from _started(NhnEmulator())


@pytest.fixture
def rtzr() -> Iterator[RtzrServer]:
    yield from _started(RtzrEmulator())


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20) as client:
        yield client


@pytest.fixture
def files() -> Iterator[FileServer]:
    server = FileServer()
    try:
        yield server
    finally:
        server.close()
