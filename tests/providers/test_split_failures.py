"""Split jobs (CSR pieces, NHN pieces, CLOVA short-form) when pieces fail for good: the job fails
naming the piece's time range, nothing more is sent, and a Retry sends only what failed."""

from __future__ import annotations

import asyncio
import re
import stat
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.errors import AuthError, ServerError, SoriError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.clova.csr import ClovaCsrProvider
from tests.emulators import CSR_CLIENT_ID, CSR_CLIENT_SECRET, start_emulator
from tests.emulators.clova_csr import ClovaCsrEmulator
from tests.emulators.server import EmulatorServer
from tests.media import speech_pcm

CsrServer = EmulatorServer[ClovaCsrEmulator]
REQUEST = r"^POST /recog/v1/stt"
RANGE = re.compile(r"the piece (\d\d:\d\d)–(\d\d:\d\d) failed")


@pytest.fixture(scope="module")
def server() -> Iterator[CsrServer]:
    with start_emulator("clova_csr") as running:
        yield running


@pytest.fixture(autouse=True)
def clean(server: CsrServer) -> Iterator[None]:
    yield
    server.faults.clear()
    server.requests.clear()


def provider(server: CsrServer, concurrency: int = 1) -> ClovaCsrProvider:
    config = ProviderConfig(
        endpoint=server.base_url,
        credentials={"client_id": CSR_CLIENT_ID, "client_secret": CSR_CLIENT_SECRET},
        settings={"retry_attempts": 2, "retry_base_delay": 0.01, "concurrency": concurrency},
    )
    return ClovaCsrProvider(config)


def write_wav(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm)
    return path


@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 70 s: the speech clip 8 times with 0.6 s of silence between (several pieces)."""
    gap = b"\x00\x00" * int(16000 * 0.6)
    return write_wav(tmp_path_factory.mktemp("split") / "pieces.wav", (speech_pcm() + gap) * 8)


@pytest.fixture(scope="module")
def quiet_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Speech, 40 s of silence (a piece that is never sent), speech."""
    silence = b"\x00\x00" * (16000 * 40)
    pcm = speech_pcm() + silence + speech_pcm()
    return write_wav(tmp_path_factory.mktemp("split") / "quiet.wav", pcm)


def run(p: ClovaCsrProvider, path: Path) -> Transcript:
    async def go() -> Transcript:
        source = MediaSource(path=path)
        return await asyncio.wait_for(p.transcribe(source, TranscriptionOptions()), 120)

    return asyncio.run(go())


def test_one_failing_piece_fails_the_job_naming_its_range(
    server: CsrServer, long_file: Path
) -> None:
    whole = run(provider(server), long_file)
    pieces = server.requests.count(REQUEST)
    assert pieces >= 4
    server.requests.clear()
    server.faults.provider_error("STT998", times=10, skip=1, match=REQUEST)
    with pytest.raises(ServerError) as caught:
        run(provider(server), long_file)
    found = RANGE.search(str(caught.value))
    assert found is not None, str(caught.value)
    assert found.group(1) != found.group(2)
    assert "구간을 인식하지 못했습니다" in caught.value.describe("ko")
    # Fail fast: after the failing piece (tried twice) nothing else was sent.
    assert server.requests.count(REQUEST) == 1 + 2
    # Retry: the recognised piece is not sent again; the result equals a clean run.
    server.faults.clear()
    server.requests.clear()
    again = run(provider(server), long_file)
    assert server.requests.count(REQUEST) == pieces - 1
    assert [s.text for s in again.segments] == [s.text for s in whole.segments]
    assert [s.start for s in again.segments] == [s.start for s in whole.segments]


def test_several_failing_pieces_with_concurrency(server: CsrServer, long_file: Path) -> None:
    run(provider(server), long_file)
    pieces = server.requests.count(REQUEST)
    server.requests.clear()
    server.faults.http_error(401, times=3, skip=1, match=REQUEST)
    with pytest.raises(AuthError) as caught:
        run(provider(server, concurrency=3), long_file)
    assert RANGE.search(str(caught.value)) is not None
    assert server.requests.count(REQUEST) < pieces + 2


def test_all_pieces_failing_sends_only_the_first_wave(server: CsrServer, long_file: Path) -> None:
    server.faults.provider_error("STT999", times=1000, match=REQUEST)
    with pytest.raises(ServerError) as caught:
        run(provider(server, concurrency=2), long_file)
    assert RANGE.search(str(caught.value)) is not None
    # Two pieces in flight, two attempts each: no third piece was started.
    assert server.requests.count(REQUEST) <= 4


def test_failing_piece_among_silent_ones(server: CsrServer, quiet_file: Path) -> None:
    server.faults.provider_error("STT998", times=10, skip=1, match=REQUEST)
    with pytest.raises(SoriError) as caught:
        run(provider(server), quiet_file)
    found = RANGE.search(str(caught.value))
    assert found is not None
    assert found.group(1) >= "00:40"  # the second stretch of speech, after the silence


def test_kept_pieces_are_private_and_forgotten_after_success(
    server: CsrServer, long_file: Path, private_data_dir: Path
) -> None:
    server.faults.provider_error("STT998", times=10, skip=2, match=REQUEST)
    with pytest.raises(ServerError):
        run(provider(server), long_file)
    folder = private_data_dir / "pieces"
    kept = list(folder.glob("*.json"))
    assert len(kept) == 2
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in kept)
    server.faults.clear()
    run(provider(server), long_file)
    assert list(folder.glob("*.json")) == []


def test_a_changed_file_does_not_reuse_pieces(
    server: CsrServer, tmp_path: Path, long_file: Path
) -> None:
    copy = tmp_path / "copy.wav"
    copy.write_bytes(long_file.read_bytes())
    server.faults.provider_error("STT998", times=10, skip=1, match=REQUEST)
    with pytest.raises(ServerError):
        run(provider(server), copy)
    server.faults.clear()
    copy.write_bytes(long_file.read_bytes())  # same bytes, new modification time
    server.requests.clear()
    run(provider(server), copy)
    assert server.requests.count(REQUEST) >= 4
