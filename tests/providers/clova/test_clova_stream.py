"""``clova-stream`` against the CLOVA Speech real-time emulator over real gRPC on 127.0.0.1:
config, partial and final results, revisions by position, the final epFlag, errors, drops,
TLS, file transcription and the command line."""

from __future__ import annotations

import asyncio
import datetime
import io
import ipaddress
import os
import socket
import subprocess
import sys
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    EmptyAudioError,
    NetworkError,
    RateLimitError,
    ServerError,
    SoriError,
    UnsupportedOptionError,
)
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.transcript import Segment
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, ProviderConfig, StreamEvent
from desktop_app.providers.clova.nest import parse_endpoint
from desktop_app.providers.clova.stream import ClovaStreamProvider, NestSession
from tests.emulators.clova_grpc import ClovaGrpcServer, start_clova_grpc
from tests.emulators.credentials import CLOVA_SPEECH_SECRET
from tests.emulators.recognition import CONFIDENCE, RecognizedSegment, expected_segments
from tests.media import speech_pcm

# grpc.aio hands the completion of a call's last operations to the loop that started it, a
# moment after the call ends; one loop per module (like the app's one engine loop) keeps those
# from landing on a loop that a finished test has already closed.
module_loop = pytest.mark.asyncio(loop_scope="module")

CHUNK = 3200  # 0.1 s, like a microphone
CREDS = {"secret": CLOVA_SPEECH_SECRET}


@pytest.fixture(scope="module")
def server() -> Iterator[ClovaGrpcServer]:
    with start_clova_grpc() as running:
        yield running
        assert running.emulator.internal_errors == []


@pytest.fixture(autouse=True)
def clean(server: ClovaGrpcServer) -> Iterator[None]:
    yield
    server.faults.clear()
    server.emulator.restate_previous = False
    server.emulator.calls.clear()


def provider(
    server: ClovaGrpcServer, endpoint: str | None = None, **settings: Any
) -> ClovaStreamProvider:
    config = ProviderConfig(
        endpoint=endpoint or server.endpoint, credentials=dict(CREDS), settings=settings
    )
    return ClovaStreamProvider(config)


def wav_bytes(pcm: bytes) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(pcm)
    return out.getvalue()


async def chunks(pcm: bytes, size: int = CHUNK) -> AsyncIterator[bytes]:
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


async def collect(
    engine: ClovaStreamProvider, pcm: bytes, options: TranscriptionOptions | None = None, **kw: Any
) -> list[StreamEvent]:
    return [e async for e in engine.stream(chunks(pcm, **kw), options or TranscriptionOptions())]


def latest(events: list[StreamEvent]) -> dict[int, StreamEvent]:
    last: dict[int, StreamEvent] = {}
    for event in events:
        last[event.key] = event
    return last


def settled(events: list[StreamEvent]) -> list[Segment]:
    return [e.segment for _, e in sorted(latest(events).items()) if e.segment.text]


def as_seconds(expected: RecognizedSegment) -> tuple[float, float, str]:
    return expected.start_ms / 1000, expected.end_ms / 1000, expected.text


@module_loop
async def test_partials_then_finals_with_times_and_words(server: ClovaGrpcServer) -> None:
    pcm = speech_pcm()
    events = await collect(provider(server), pcm)
    expected = expected_segments(wav_bytes(pcm))
    assert len(expected) >= 2
    segments = settled(events)
    assert [(s.start, s.end, s.text) for s in segments] == [as_seconds(e) for e in expected]
    for segment, want in zip(segments, expected, strict=True):
        assert segment.confidence == CONFIDENCE
        assert [(w.start, w.end, w.text) for w in segment.words] == [
            (w.start_ms / 1000, w.end_ms / 1000, w.text) for w in want.words
        ]
    by_key: dict[int, list[StreamEvent]] = {}
    for event in events:
        by_key.setdefault(event.key, []).append(event)
    for history in by_key.values():
        assert [e.final for e in history] == [False] * (len(history) - 1) + [True]
        assert len({e.segment.text for e in history}) > 1  # partial text was revised
    assert list(by_key) == sorted(by_key)


@module_loop
async def test_config_reaches_the_server_and_shapes_the_text(server: ClovaGrpcServer) -> None:
    options = TranscriptionOptions(
        language="ko-KR",
        keywords=[Keyword("소리", 2.0), Keyword("녹음"), Keyword("회의", 2.0)],
        forbidden=["구간", "초"],
        extra={"usePeriodEpd": True, "skipEmptyText": True, "gapThreshold": 300},
    )
    pcm = speech_pcm()
    events = await collect(provider(server), pcm, options)
    assert server.last_call().config == {
        "transcription": {"language": "ko"},
        "keywordBoosting": {
            "boostings": [{"words": "소리,회의", "weight": 2.0}, {"words": "녹음"}]
        },
        "forbidden": {"forbiddens": "구간,초"},
        "semanticEpd": {"usePeriodEpd": True, "skipEmptyText": True, "gapThreshold": 300},
    }
    expected = expected_segments(wav_bytes(pcm), keyword="소리", forbidden=["구간", "초"])
    assert [s.text for s in settled(events)] == [e.text for e in expected]
    assert all(s.text.startswith("**") and s.text.endswith("소리") for s in settled(events))


@module_loop
async def test_gap_threshold_changes_where_results_end(server: ClovaGrpcServer) -> None:
    pcm = speech_pcm()
    expected = expected_segments(wav_bytes(pcm))
    options = TranscriptionOptions(extra={"gapThreshold": 1000})
    segments = settled(await collect(provider(server), pcm, options))
    assert len(segments) == 1
    assert (segments[0].start, segments[0].end) == (expected[0].start_ms / 1000,
                                                    expected[-1].end_ms / 1000)  # fmt: skip


@module_loop
async def test_a_later_result_revises_earlier_text_by_position(server: ClovaGrpcServer) -> None:
    server.emulator.restate_previous = True
    pcm = speech_pcm()
    events = await collect(provider(server), pcm)
    first, second, *rest = expected_segments(wav_bytes(pcm))
    segments = settled(events)
    assert segments[0].text == f"{first.text} {second.text}"
    assert (segments[0].start, segments[0].end) == (first.start_ms / 1000, second.end_ms / 1000)
    assert [w.text for w in segments[0].words] == [w.text for w in first.words + second.words]
    assert [s.text for s in segments[1:]] == [e.text for e in rest]
    # The second region's partials had their own key; the restated final withdrew it.
    withdrawn = [key for key, e in latest(events).items() if not e.segment.text]
    assert len(withdrawn) == 1
    history = [e for e in events if e.key == withdrawn[0]]
    assert all(not e.final and e.segment.text.startswith("구간 2") for e in history[:-1])
    assert history[-1].final and history[-1].segment.text == ""


@module_loop
async def test_audio_goes_in_small_requests_and_ends_with_a_flush(
    server: ClovaGrpcServer,
) -> None:
    pcm = speech_pcm()[: 16000 * 2 * 4]  # cut inside the second region
    events = await collect(provider(server), pcm, size=50_001)
    call = server.last_call()
    *sizes, last = call.chunk_sizes
    assert all(s % 2 == 0 and 3200 <= s <= 32000 for s in sizes)
    assert sum(call.chunk_sizes) == len(pcm)
    assert call.extras[:-1] == [{"seqId": 0, "epFlag": False}] * len(sizes)
    flush = call.extras[-1]
    assert flush["epFlag"] is True and flush["seqId"] > 0
    answer = call.transcriptions()[-1]
    assert (answer["seqId"], answer["epFlag"], answer["epdType"]) == (flush["seqId"], True,
                                                                      "endPoint")  # fmt: skip
    expected = expected_segments(wav_bytes(pcm))
    assert [s.text for s in settled(events)] == [e.text for e in expected]
    assert all(e.final for e in latest(events).values())
    assert call.outcome == "ok"  # the client half-closed after the last result
    assert last == len(pcm) - sum(sizes)


@module_loop
async def test_tiny_chunks_are_gathered_and_odd_bytes_kept_aligned(
    server: ClovaGrpcServer,
) -> None:
    pcm = speech_pcm()[:32_001]
    await collect(provider(server), pcm, size=333)
    call = server.last_call()
    assert all(s % 2 == 0 for s in call.chunk_sizes)
    assert all(s >= 3200 for s in call.chunk_sizes[:-1])
    assert sum(call.chunk_sizes) == 32_000


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (lambda f: f.no_more_slot(), RateLimitError, "slot"),
        (lambda f: f.lifespan_expired(after_chunks=3), NetworkError, "time limit"),
        (lambda f: f.drop_after(5), NetworkError, "lost"),
        (lambda f: f.abort(grpc.StatusCode.RESOURCE_EXHAUSTED), RateLimitError, "slot"),
        (lambda f: f.abort(grpc.StatusCode.PERMISSION_DENIED), AuthError, "secret key"),
        (lambda f: f.abort(grpc.StatusCode.UNAVAILABLE), NetworkError, "lost"),
        (lambda f: f.abort(grpc.StatusCode.UNIMPLEMENTED), ConfigurationError, "endpoint"),
        (lambda f: f.section_failure("keywordBoosting"), ServerError, "keywordBoosting"),
        (lambda f: f.section_failure("forbidden", "Not supported"), ConfigurationError,
         "forbidden"),
    ],
)  # fmt: skip
@module_loop
async def test_errors_become_clear_sori_errors(
    server: ClovaGrpcServer, fault: Any, error: type[SoriError], words: str
) -> None:
    fault(server.faults)
    options = TranscriptionOptions(keywords=[Keyword("소리")], forbidden=["구간"])
    with pytest.raises(error) as caught:
        await collect(provider(server), speech_pcm(), options)
    assert type(caught.value) is error
    assert words in caught.value.message
    assert caught.value.message_ko and caught.value.fix and caught.value.fix_ko


@module_loop
async def test_a_dropped_stream_keeps_what_arrived_and_raises_network_error(
    server: ClovaGrpcServer,
) -> None:
    server.faults.drop_after(25)  # 2.5 s: the first region has its final by then
    events: list[StreamEvent] = []
    with pytest.raises(NetworkError):
        async for event in provider(server).stream(chunks(speech_pcm()), TranscriptionOptions()):
            events.append(event)
    assert any(e.final and e.segment.text.startswith("구간 1") for e in events)
    assert server.last_call().outcome == "aborted UNAVAILABLE"
    # The next session works again (the fault was for one call).
    assert settled(await collect(provider(server), speech_pcm()))


@module_loop
async def test_a_server_that_stops_reading_counts_as_a_dropped_connection(
    server: ClovaGrpcServer,
) -> None:
    server.faults.stall_after(3)

    async def endless_silence() -> AsyncIterator[bytes]:
        while True:
            yield bytes(32000)

    engine = provider(server, write_timeout=0.5)
    with pytest.raises(NetworkError, match="stopped taking audio"):
        async for _ in engine.stream(endless_silence(), TranscriptionOptions()):
            pass
    assert server.last_call().outcome == "stalled"


@module_loop
async def test_wrong_secret_is_an_auth_error_without_the_secret(server: ClovaGrpcServer) -> None:
    engine = ClovaStreamProvider(
        ProviderConfig(endpoint=server.endpoint, credentials={"secret": "not-the-secret"})
    )
    with pytest.raises(AuthError) as caught:
        await collect(engine, speech_pcm())
    assert "not-the-secret" not in str(caught.value)
    assert server.last_call().metadata["authorization"] == "Bearer not-the-secret"


@pytest.mark.parametrize(
    ("config", "error", "words"),
    [
        ({"transcription": {"language": "ko"}, "hobidden": {}}, ConfigurationError, "hobidden"),
        ({"semanticEpd": {"gapTreshold": 5}}, ConfigurationError, "semanticEpd.gapTreshold"),
        ({"semanticEpd": {"gapThreshold": "5"}}, ConfigurationError, "semanticEpd.gapThreshold"),
        ({"transcription": {"language": "xx"}}, ConfigurationError, "language"),
    ],
)
@module_loop
async def test_config_refusals_name_the_key(
    server: ClovaGrpcServer, config: dict[str, Any], error: type[SoriError], words: str
) -> None:
    session = NestSession(parse_endpoint(server.endpoint), CLOVA_SPEECH_SECRET, config)
    with pytest.raises(error) as caught:
        async for _ in session.events(chunks(speech_pcm())):
            pass
    assert words in caught.value.message
    assert server.last_call().chunks == 0  # no audio after a refused config


@module_loop
async def test_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = ClovaStreamProvider(
        ProviderConfig(endpoint=f"grpc://127.0.0.1:{port}", credentials=dict(CREDS))
    )
    with pytest.raises(NetworkError):
        await collect(engine, speech_pcm()[:32000])


@module_loop
async def test_a_failing_audio_source_ends_the_session_with_its_error(
    server: ClovaGrpcServer,
) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield speech_pcm()[:16000]
        raise AudioError("the microphone went away", message_ko="마이크가 사라졌습니다")

    with pytest.raises(AudioError, match="microphone"):
        async for _ in provider(server).stream(broken(), TranscriptionOptions()):
            pass
    assert server.last_call().outcome == "cancelled by the client"


@module_loop
async def test_cancelling_the_consumer_leaves_nothing_behind(server: ClovaGrpcServer) -> None:
    first = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        pcm = speech_pcm()
        while True:
            for start in range(0, len(pcm), CHUNK):
                yield pcm[start : start + CHUNK]
                await asyncio.sleep(0)

    async def consume() -> None:
        async for _ in provider(server).stream(endless(), TranscriptionOptions()):
            first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Only gRPC's own bookkeeping of the cancelled call may still be running.
    others = asyncio.all_tasks() - {asyncio.current_task()}
    assert [t for t in others if "grpc" not in repr(t)] == []
    assert server.last_call().outcome == "cancelled by the client"


@module_loop
async def test_a_slow_last_answer_ends_the_stream_after_the_timeout(
    server: ClovaGrpcServer,
) -> None:
    server.faults.delay(30, final_only=True)
    pcm = speech_pcm()[: 16000 * 2]  # 1 s: the first region is still open at the end
    events = await collect(provider(server, final_timeout=0.5), pcm, size=32000)
    partial, settled_partial = events
    assert not partial.final and partial.segment.text.startswith("구간 1")
    assert settled_partial == StreamEvent(partial.key, partial.segment, final=True)


def test_plaintext_is_for_this_computer_only() -> None:
    assert parse_endpoint(None) == parse_endpoint("clovaspeech-gw.ncloud.com:50051")
    target = parse_endpoint(None)
    assert (target.host, target.port, target.secure) == ("clovaspeech-gw.ncloud.com", 50051, True)
    assert parse_endpoint("grpcs://speech.example.com").secure
    assert not parse_endpoint("grpc://localhost:9000").secure
    assert parse_endpoint("grpc://[::1]:9000").address == "[::1]:9000"
    for bad in ("grpc://speech.example.com:50051", "grpc://10.0.0.8:50051"):
        with pytest.raises(ConfigurationError, match="only allowed to this computer"):
            parse_endpoint(bad)
    for bad in ("https://speech.example.com", "grpcs://host/path", "host:port"):
        with pytest.raises(ConfigurationError):
            parse_endpoint(bad)


@module_loop
async def test_plaintext_to_another_host_is_refused_before_connecting() -> None:
    engine = ClovaStreamProvider(
        ProviderConfig(endpoint="grpc://speech.example.com:50051", credentials=dict(CREDS))
    )
    with pytest.raises(ConfigurationError):
        await collect(engine, speech_pcm()[:3200])


@module_loop
async def test_tls_is_the_default_and_checks_certificates(
    server: ClovaGrpcServer, tmp_path: Path
) -> None:
    # TLS to the plaintext emulator: the handshake fails.
    with pytest.raises(NetworkError):
        await collect(provider(server, endpoint=f"127.0.0.1:{server.port}"), speech_pcm()[:3200])
    certificate, key = self_signed_certificate()
    authority = tmp_path / "ca.pem"
    authority.write_bytes(certificate)
    with start_clova_grpc(tls=(certificate, key)) as secure:
        assert secure.endpoint.startswith("grpcs://")
        with pytest.raises(NetworkError):  # not trusted by the system's roots
            await collect(provider(secure), speech_pcm()[:3200])
        trusted = provider(secure, endpoint=secure.endpoint, ca_file=str(authority))
        assert settled(await collect(trusted, speech_pcm()))
    with pytest.raises(ConfigurationError, match="certificate file"):
        await collect(provider(server, ca_file=str(tmp_path / "missing.pem")), b"")


def self_signed_certificate() -> tuple[bytes, bytes]:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sori emulator")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


@module_loop
async def test_transcribe_streams_a_file(server: ClovaGrpcServer, tmp_path: Path) -> None:
    pcm = speech_pcm()
    path = tmp_path / "clip.wav"
    path.write_bytes(wav_bytes(pcm))
    reports: list[Progress] = []
    options = TranscriptionOptions(language="ko")
    transcript = await provider(server).transcribe(MediaSource(path=path), options, reports.append)
    expected = expected_segments(path)
    assert [(s.start, s.end, s.text) for s in transcript.segments] == [
        as_seconds(e) for e in expected
    ]
    assert transcript.engine == "clova-stream" and transcript.source == "clip.wav"
    assert transcript.duration == pytest.approx(len(pcm) / 32000)
    fractions = [r.fraction for r in reports if r.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert max(server.last_call().chunk_sizes) == 32000  # unpaced, 1 s per request


@module_loop
async def test_transcribe_refuses_empty_files_and_urls(
    server: ClovaGrpcServer, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(wav_bytes(b""))
    engine = provider(server)
    with pytest.raises(EmptyAudioError):
        await engine.transcribe(MediaSource(path=empty), TranscriptionOptions())
    with pytest.raises(UnsupportedOptionError):
        await engine.transcribe(
            MediaSource(url="https://example.com/a.wav"), TranscriptionOptions()
        )
    assert server.calls == []


def test_command_line_transcribes_with_the_stream_engine(
    server: ClovaGrpcServer, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.wav"
    clip.write_bytes(wav_bytes(speech_pcm()))
    out = tmp_path / "out.txt"
    env = dict(os.environ, SORI_CLOVA_SPEECH_SECRET=CLOVA_SPEECH_SECRET)
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(clip), "--provider"]
    command += ["clova-stream", "--endpoint", server.endpoint, "-o", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "구간 1" in out.read_text(encoding="utf-8")


def test_registered_with_its_capabilities() -> None:
    cls = registry.provider_class("clova-stream")
    assert cls is ClovaStreamProvider
    caps = cls.capabilities
    assert caps.live and "stream" in caps.inputs and caps.languages == ("ko", "en", "ja")
    assert caps.keywords and caps.keyword_weights and caps.forbidden
    assert cls.credential_group == "clova-speech"
    names = {spec.name for spec in caps.extra_options}
    assert names == {"skipEmptyText", "useWordEpd", "usePeriodEpd", "gapThreshold",
                     "durationThreshold", "syllableThreshold"}  # fmt: skip
    with pytest.raises(UnsupportedOptionError):
        cls.check_options(TranscriptionOptions(diarization=True))
    with pytest.raises(UnsupportedOptionError):
        cls.check_options(TranscriptionOptions(extra={"nope": 1}))
