"""``clova-csr`` against the local CSR emulator: splitting, errors, faults, credentials, CLI."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import subprocess
import sys
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    QuotaExceededError,
    ServerError,
)
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.secrets import CredentialStore
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource, ProviderConfig, StreamEvent
from desktop_app.providers.clova.csr import ClovaCsrProvider
from tests.emulators import CSR_CLIENT_ID, CSR_CLIENT_SECRET, start_emulator
from tests.emulators.clova_csr import ClovaCsrEmulator
from tests.emulators.recognition import expected_segments, full_text
from tests.emulators.server import EmulatorServer
from tests.helpers.keyrings import MemoryKeyring
from tests.media import speech_pcm

CsrServer = EmulatorServer[ClovaCsrEmulator]
CREDS = {"client_id": CSR_CLIENT_ID, "client_secret": CSR_CLIENT_SECRET}
FAST_RETRY = {"retry_attempts": 4, "retry_base_delay": 0.01}
REQUEST = r"^POST /recog/v1/stt"


@pytest.fixture(scope="module")
def server() -> Iterator[CsrServer]:
    with start_emulator("clova_csr") as running:
        yield running


@pytest.fixture(autouse=True)
def clean(server: CsrServer) -> Iterator[None]:
    yield
    server.faults.clear()
    server.requests.clear()


def provider(server: CsrServer, **settings: object) -> ClovaCsrProvider:
    config = ProviderConfig(
        endpoint=server.base_url,
        credentials=dict(CREDS),
        settings={**FAST_RETRY, **settings},
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
    """About 3 minutes: the speech clip 22 times with 0.6 s of silence between."""
    speech = speech_pcm()
    gap = b"\x00\x00" * int(16000 * 0.6)
    return write_wav(tmp_path_factory.mktemp("csr") / "긴 회의.wav", (speech + gap) * 22)


def transcribe(p: ClovaCsrProvider, path: Path, **options: Any) -> Transcript:
    return asyncio.run(p.transcribe(MediaSource(path=path), TranscriptionOptions(**options)))


def test_short_clip_is_one_timed_segment(server: CsrServer, korean_clip: Path) -> None:
    transcript = transcribe(provider(server), korean_clip)
    expected = full_text(expected_segments(korean_clip))
    assert [s.text for s in transcript.segments] == [expected]
    segment = transcript.segments[0]
    assert 0 <= segment.start < segment.end <= 7.9
    assert transcript.engine == "clova-csr" and transcript.source == "ko_short.wav"
    sent = server.requests.last(REQUEST)
    assert sent.query.get("lang") == "Kor"


def test_long_audio_is_split_under_the_limits_and_merged_in_order(
    server: CsrServer, long_file: Path
) -> None:
    reports: list[Progress] = []
    p = provider(server, concurrency=3)
    transcript = asyncio.run(
        p.transcribe(MediaSource(path=long_file), TranscriptionOptions(), reports.append)
    )
    segments = transcript.segments
    requests = server.requests.count(REQUEST)
    assert requests >= 4 and len(segments) == requests
    starts = [s.start for s in segments]
    assert starts == sorted(starts)
    for before, after in itertools.pairwise(segments):
        assert before.end <= after.start
    assert transcript.duration is not None
    assert segments[-1].end <= transcript.duration + 0.01
    # Each piece is recognised on its own: every region of the file is in exactly one piece.
    regions = sum(len(re.findall(r"구간 \d+", s.text)) for s in segments)
    assert regions == len(expected_segments(long_file))
    fractions = [r.fraction for r in reports if r.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_silence_is_not_sent(server: CsrServer, tmp_path: Path) -> None:
    silent = write_wav(tmp_path / "silence.wav", b"\x00\x00" * 16000 * 20)
    transcript = transcribe(provider(server), silent)
    assert transcript.segments == []
    assert server.requests.count(REQUEST) == 0


@pytest.mark.parametrize(
    ("fault", "args"),
    [
        ("rate_limit", {"times": 2, "retry_after": 0.01}),
        ("http_error", {"status": 503, "times": 2}),
        ("drop_connection", {"times": 1}),
        ("drop_connection", {"times": 1, "stage": "no_response"}),
        ("malformed_json", {"times": 1}),
        ("delay", {"seconds": 0.3, "times": 1}),
    ],
)
def test_transient_faults_are_retried_to_the_same_result(
    server: CsrServer, korean_clip: Path, fault: str, args: dict[str, object]
) -> None:
    getattr(server.faults, fault)(**args)
    if fault == "rate_limit":
        # The CSR gateway's 429 is "Quota Exceed" unless the body says throttled; make it so.
        server.faults.clear()
        server.faults.provider_error("420", times=2, retry_after=0.01)
    transcript = transcribe(provider(server), korean_clip)
    assert transcript.segments[0].text == full_text(expected_segments(korean_clip))


@pytest.mark.parametrize(
    ("code", "kind", "retried"),
    [
        ("STT006", AudioError, False),
        ("STT007", AudioError, False),
        ("STT001", Exception, False),
        ("STT998", ServerError, True),
        ("STT999", ServerError, True),
        ("200", AuthError, False),
        ("210", AuthError, False),
        ("400", QuotaExceededError, False),
    ],
)
def test_provider_codes_map_to_clear_errors(
    server: CsrServer, korean_clip: Path, code: str, kind: type[Exception], retried: bool
) -> None:
    server.faults.provider_error(code, times=10)
    with pytest.raises(kind) as info:
        transcribe(provider(server), korean_clip)
    text = str(info.value)
    assert code in text and "Traceback" not in text
    assert (server.requests.count(REQUEST) > 1) == retried


def test_wrong_keys_fail_at_once(server: CsrServer, korean_clip: Path) -> None:
    config = ProviderConfig(
        endpoint=server.base_url,
        credentials={"client_id": "bad-id-xyz", "client_secret": "bad-secret-xyz"},
        settings=FAST_RETRY,
    )
    with pytest.raises(AuthError) as info:
        asyncio.run(
            ClovaCsrProvider(config).transcribe(
                MediaSource(path=korean_clip), TranscriptionOptions()
            )
        )
    assert "Client" in info.value.describe() and "bad-secret-xyz" not in info.value.describe()
    assert server.requests.count(REQUEST) == 1


def test_languages_and_hosts(server: CsrServer, korean_clip: Path) -> None:
    transcribe(provider(server), korean_clip, language="en")
    assert server.requests.last(REQUEST).query.get("lang") == "Eng"
    gov = ClovaCsrProvider(ProviderConfig(credentials=dict(CREDS), settings={"host": "gov"}))
    with pytest.raises(ConfigurationError, match="Korean only"):
        asyncio.run(
            gov.transcribe(MediaSource(path=korean_clip), TranscriptionOptions(language="ja"))
        )
    with pytest.raises(ConfigurationError):
        ClovaCsrProvider(ProviderConfig(endpoint="http://example.com")).base_url()


def test_cancel_stops_sending(server: CsrServer, long_file: Path) -> None:
    server.faults.delay(1.0, times=100)

    async def scenario() -> int:
        task = asyncio.create_task(
            provider(server, concurrency=2).transcribe(
                MediaSource(path=long_file), TranscriptionOptions()
            )
        )
        while server.requests.count(REQUEST) < 2:
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        seen = server.requests.count(REQUEST)
        await asyncio.sleep(1.5)
        assert server.requests.count(REQUEST) == seen
        return int(seen)

    assert asyncio.run(scenario()) == 2


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for var in ("SORI_CLOVA_CSR_CLIENT_ID", "SORI_CLOVA_CSR_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_credentials_from_keyring(
    server: CsrServer, korean_clip: Path, memory_keyring: MemoryKeyring
) -> None:
    p = ClovaCsrProvider(ProviderConfig(endpoint=server.base_url, settings=FAST_RETRY))
    with pytest.raises(AuthError, match="sori credentials set clova-csr"):
        asyncio.run(p.transcribe(MediaSource(path=korean_clip), TranscriptionOptions()))
    store = CredentialStore()
    store.set("clova-csr", "client_id", CSR_CLIENT_ID)
    store.set("clova-csr", "client_secret", CSR_CLIENT_SECRET)
    transcript = asyncio.run(p.transcribe(MediaSource(path=korean_clip), TranscriptionOptions()))
    assert transcript.segments


def test_cli_with_environment_credentials(
    server: CsrServer, korean_clip: Path, tmp_path: Path
) -> None:
    env = dict(os.environ)
    env.update(
        SORI_CLOVA_CSR_CLIENT_ID=CSR_CLIENT_ID,
        SORI_CLOVA_CSR_CLIENT_SECRET=CSR_CLIENT_SECRET,
    )
    base = server.base_url
    out = tmp_path / "out.srt"
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(korean_clip)]
    command += ["--provider", "clova-csr", "--endpoint", base, "-o", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "구간 1" in out.read_text(encoding="utf-8")
    env["SORI_CLOVA_CSR_CLIENT_SECRET"] = "not-the-secret"
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 3
    assert "not-the-secret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_live_mode_sends_each_utterance_after_its_pause(server: CsrServer) -> None:
    speech = speech_pcm()
    gap = b"\x00\x00" * 16000
    audio = (speech + gap) * 3

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(audio), 3200):
            yield audio[start : start + 3200]

    async def collect() -> list[StreamEvent]:
        p = provider(server)
        return [event async for event in p.stream(chunks(), TranscriptionOptions())]

    events = asyncio.run(collect())
    assert events and all(event.final for event in events)
    starts = sorted(event.segment.start for event in events)
    # The clip and its pause repeat every 8.8 s: one utterance per repeat at least.
    assert len({int(start // 8.8) for start in starts}) == 3
    assert all("구간 1" in event.segment.text for event in events)
    assert server.requests.count(REQUEST) == len(events)
