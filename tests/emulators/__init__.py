"""Local emulators of the four file-based Korean cloud STT APIs, for client tests.

Built from the provider documents only (../shared/providers/API-NOTES.md and seeds/), never from
our clients. Each provider module's docstring states its exact rules, error shapes and the
choices made where the documents are silent; :mod:`tests.emulators.recognition` states the
deterministic transcript rule. Typical use::

    with start_emulator("rtzr") as server:
        server.faults.rate_limit(times=2, retry_after=0.01)
        ... httpx calls to server.base_url ...
        assert server.requests.count(r"^POST /v1/transcribe$") == 1

From a shell: ``python -m tests.emulators rtzr --port 8080``.
"""

from __future__ import annotations

from typing import Any, Literal, overload

from tests.emulators.clova_csr import ClovaCsrEmulator
from tests.emulators.clova_speech import ClovaSpeechEmulator
from tests.emulators.credentials import (
    CLOVA_DOMAIN_ID,
    CLOVA_INVOKE_KEY,
    CLOVA_INVOKE_PATH,
    CLOVA_SPEECH_SECRET,
    CSR_CLIENT_ID,
    CSR_CLIENT_SECRET,
    NHN_APP_KEY,
    NHN_SECRET_KEY,
    RTZR_CLIENT_ID,
    RTZR_CLIENT_SECRET,
)
from tests.emulators.faults import Faults, RecordedRequest, RequestLog
from tests.emulators.nhn import NhnEmulator
from tests.emulators.recognition import RecognizedSegment, expected_segments
from tests.emulators.rtzr import RtzrEmulator
from tests.emulators.server import BaseEmulator, EmulatorServer

EMULATORS: dict[str, type[BaseEmulator]] = {
    "clova_csr": ClovaCsrEmulator,
    "clova_speech": ClovaSpeechEmulator,
    "nhn": NhnEmulator,
    "rtzr": RtzrEmulator,
}


@overload
def start_emulator(
    name: Literal["clova_csr"], *, port: int = 0
) -> EmulatorServer[ClovaCsrEmulator]: ...
@overload
def start_emulator(
    name: Literal["clova_speech"], *, port: int = 0
) -> EmulatorServer[ClovaSpeechEmulator]: ...
@overload
def start_emulator(name: Literal["nhn"], *, port: int = 0) -> EmulatorServer[NhnEmulator]: ...
@overload
def start_emulator(name: Literal["rtzr"], *, port: int = 0) -> EmulatorServer[RtzrEmulator]: ...
@overload
def start_emulator(name: str, *, port: int = 0) -> EmulatorServer[BaseEmulator]: ...
def start_emulator(name: str, *, port: int = 0) -> EmulatorServer[Any]:
    """A started :class:`EmulatorServer` for the provider called ``name`` (see EMULATORS)."""
    return EmulatorServer(EMULATORS[name](), port=port).start()


__all__ = [
    "CLOVA_DOMAIN_ID",
    "CLOVA_INVOKE_KEY",
    "CLOVA_INVOKE_PATH",
    "CLOVA_SPEECH_SECRET",
    "CSR_CLIENT_ID",
    "CSR_CLIENT_SECRET",
    "EMULATORS",
    "NHN_APP_KEY",
    "NHN_SECRET_KEY",
    "RTZR_CLIENT_ID",
    "RTZR_CLIENT_SECRET",
    "BaseEmulator",
    "ClovaCsrEmulator",
    "ClovaSpeechEmulator",
    "EmulatorServer",
    "Faults",
    "NhnEmulator",
    "RecognizedSegment",
    "RecordedRequest",
    "RequestLog",
    "RtzrEmulator",
    "expected_segments",
    "start_emulator",
]
