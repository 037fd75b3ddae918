"""Every HTTP engine against a server that trickles, floods or refuses: each request has an
overall deadline, answers are size-capped, and a refused connection fails at once; job-creating
requests whose answer was lost are sent at most twice, with a notice saying so.

No test asserts wall-clock time: each is bounded by ``asyncio.wait_for`` (generous) and checks
the error's type and message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.errors import NetworkError, SoriError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource, Provider, ProviderConfig
from desktop_app.providers.clova.csr import ClovaCsrProvider
from desktop_app.providers.clova.speech import ClovaSpeechProvider
from desktop_app.providers.http import (
    CannotConnectError,
    OversizedAnswerError,
    RepeatedLossError,
)
from desktop_app.providers.nhn.provider import NhnProvider
from desktop_app.providers.rtzr.auth import clear_token_cache
from desktop_app.providers.rtzr.batch import RtzrProvider
from tests.emulators import (
    CLOVA_INVOKE_PATH,
    CLOVA_SPEECH_SECRET,
    CSR_CLIENT_ID,
    CSR_CLIENT_SECRET,
    NHN_APP_KEY,
    NHN_SECRET_KEY,
    RTZR_CLIENT_ID,
    RTZR_CLIENT_SECRET,
    start_emulator,
)
from tests.emulators.server import EmulatorServer, refused_url
from tests.test_emulators.servers import FileServer

FAST = {"retry_attempts": 3, "retry_base_delay": 0.01, "poll_interval": 0.01, "timeout": 0.5}


@dataclass(frozen=True)
class Engine:
    emulator: str
    make: Callable[[str], Provider]
    suffix: str  # added to the emulator's base URL to form the endpoint
    request: str  # the request that returns the answer a fault is put on
    creates: str  # the job-creating request
    settings: dict[str, Any]


def _csr(endpoint: str, settings: dict[str, Any]) -> Provider:
    creds = {"client_id": CSR_CLIENT_ID, "client_secret": CSR_CLIENT_SECRET}
    return ClovaCsrProvider(ProviderConfig(endpoint, creds, settings))


def _nhn(endpoint: str, settings: dict[str, Any]) -> Provider:
    creds = {"appkey": NHN_APP_KEY, "secret": NHN_SECRET_KEY}
    return NhnProvider(ProviderConfig(endpoint, creds, settings))


def _rtzr(endpoint: str, settings: dict[str, Any]) -> Provider:
    creds = {"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET}
    return RtzrProvider(ProviderConfig(endpoint, creds, settings))


def _speech(endpoint: str, settings: dict[str, Any]) -> Provider:
    return ClovaSpeechProvider(ProviderConfig(endpoint, {"secret": CLOVA_SPEECH_SECRET}, settings))


ENGINES = {
    "clova-csr": Engine(
        "clova_csr", lambda e: _csr(e, FAST), "", r"^POST /recog", r"^POST /recog", FAST
    ),
    "nhn": Engine("nhn", lambda e: _nhn(e, FAST), "", r"/stt$", r"/stt/async$", FAST),
    "rtzr": Engine(
        "rtzr",
        lambda e: _rtzr(e, {**FAST, "busy_attempts": 2}),
        "",
        r"^GET /v1/transcribe/",
        r"^POST /v1/transcribe$",
        FAST,
    ),
    "clova-speech": Engine(
        "clova_speech",
        lambda e: _speech(e, {**FAST, "sync_timeout": 0.5}),
        CLOVA_INVOKE_PATH,
        r"^GET .*/recognizer/\w+$",
        r"^POST .*/recognizer/upload$",
        FAST,
    ),
}


@pytest.fixture(params=sorted(ENGINES), scope="module")
def engine(request: pytest.FixtureRequest) -> Iterator[tuple[Engine, EmulatorServer[Any]]]:
    chosen = ENGINES[request.param]
    clear_token_cache()
    with start_emulator(chosen.emulator) as running:
        yield chosen, running
    clear_token_cache()


@pytest.fixture(autouse=True)
def clean(engine: tuple[Engine, EmulatorServer[Any]]) -> Iterator[None]:
    yield
    engine[1].faults.clear()
    engine[1].requests.clear()


def run(p: Provider, path: Path | MediaSource, **options: Any) -> Transcript:
    source = path if isinstance(path, MediaSource) else MediaSource(path=path)

    async def go() -> Transcript:
        try:
            job = p.transcribe(source, TranscriptionOptions(**options))
            return await asyncio.wait_for(job, 60)
        finally:
            await p.aclose()

    return asyncio.run(go())


def test_a_trickling_answer_ends_at_the_deadline(
    engine: tuple[Engine, EmulatorServer[Any]], korean_clip: Path
) -> None:
    chosen, server = engine
    server.faults.trickle(0.05, times=20, match=chosen.request)
    p = chosen.make(server.base_url + chosen.suffix)
    with pytest.raises(NetworkError) as caught:
        run(p, korean_clip, **_async_options(chosen))
    assert "in time" in str(caught.value)


def test_a_huge_answer_is_refused_unread(
    engine: tuple[Engine, EmulatorServer[Any]], korean_clip: Path
) -> None:
    chosen, server = engine
    server.faults.huge_body(times=5, match=chosen.request)
    p = chosen.make(server.base_url + chosen.suffix)
    with pytest.raises(OversizedAnswerError) as caught:
        run(p, korean_clip, **_async_options(chosen))
    assert "too large" in str(caught.value)
    assert server.requests.count(chosen.request) == 1  # permanent: not fetched again


def test_an_undeclared_huge_answer_is_cut_at_the_cap(
    engine: tuple[Engine, EmulatorServer[Any]], korean_clip: Path
) -> None:
    chosen, server = engine
    server.faults.huge_body(times=5, declared=False, match=chosen.request)
    p = chosen.make(server.base_url + chosen.suffix)
    with pytest.raises(OversizedAnswerError):
        run(p, korean_clip, **_async_options(chosen))


def test_connection_refused_fails_at_once(
    engine: tuple[Engine, EmulatorServer[Any]], korean_clip: Path
) -> None:
    chosen, _server = engine
    slow_retries = {**chosen.settings, "retry_attempts": 5, "retry_base_delay": 2.0}
    p = chosen.make(refused_url() + chosen.suffix)
    p.config.settings.update(slow_retries)
    with pytest.raises(CannotConnectError) as caught:
        run(p, korean_clip, **_async_options(chosen))
    assert "cannot connect" in str(caught.value)


def test_a_lost_job_answer_is_sent_once_more_with_a_notice(
    engine: tuple[Engine, EmulatorServer[Any]], korean_clip: Path, files: FileServer
) -> None:
    chosen, server = engine
    if chosen.emulator == "clova_csr":
        pytest.skip("CSR creates no remote job; its requests are plain recognitions")
    source = _job_source(chosen, korean_clip, files)
    server.faults.drop_connection(times=1, stage="no_response", match=chosen.creates)
    p = chosen.make(server.base_url + chosen.suffix)
    transcript = run(p, source, **_async_options(chosen))
    assert server.requests.count(chosen.creates) == 2
    codes = [n.code for n in transcript.notices]
    assert codes == ["duplicate-job"]
    assert "twice" in transcript.notices[0].message
    assert "두 번" in transcript.notices[0].message_ko


def test_a_job_answer_lost_twice_is_not_sent_a_third_time(
    engine: tuple[Engine, EmulatorServer[Any]], korean_clip: Path, files: FileServer
) -> None:
    chosen, server = engine
    if chosen.emulator == "clova_csr":
        pytest.skip("CSR creates no remote job")
    source = _job_source(chosen, korean_clip, files)
    server.faults.drop_connection(times=5, stage="no_response", match=chosen.creates)
    p = chosen.make(server.base_url + chosen.suffix)
    with pytest.raises(RepeatedLossError) as caught:
        run(p, source, **_async_options(chosen))
    assert isinstance(caught.value, SoriError) and not caught.value.transient
    assert server.requests.count(chosen.creates) == 2


def _async_options(chosen: Engine) -> dict[str, Any]:
    if chosen.emulator == "clova_speech":
        return {"extra": {"completion": "async", "result_to_obs": True}}
    return {}


@pytest.fixture(scope="module")
def files() -> Iterator[FileServer]:
    running = FileServer()
    try:
        yield running
    finally:
        running.close()


def _job_source(chosen: Engine, clip: Path, files: FileServer) -> MediaSource:
    if chosen.emulator == "nhn":  # NHN creates a job only for URL input
        return MediaSource(url=files.add("/clip.wav", clip.read_bytes()))
    return MediaSource(path=clip)
