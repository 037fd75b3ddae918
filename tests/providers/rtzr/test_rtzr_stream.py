"""``rtzr-stream`` (Return Zero real-time over WebSocket) against the RTZR emulator on 127.0.0.1:
partial and final events, words and times, the query, ``EOS``, refusals, close codes, a dropped
connection, token refresh, cancellation, the resilient live layer, files and the command line."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.encode import wav_bytes
from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    NetworkError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    SoriError,
    UnsupportedOptionError,
)
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.live.resilient import resilient_stream
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, ProviderConfig, StreamEvent
from desktop_app.providers.http import RetryPolicy
from desktop_app.providers.rtzr.auth import clear_token_cache
from desktop_app.providers.rtzr.stream import RtzrStreamProvider, stream_url
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.emulators.recognition import (
    CONFIDENCE,
    RecognizedSegment,
    expected_segments,
    segment_text,
)
from tests.media import speech_pcm
from tests.providers.rtzr.support import RtzrServer, rtzr_server

__all__ = ["rtzr_server"]  # the fixture, imported for pytest

CHUNK = 3200  # 0.1 s, like a microphone
CREDS = {"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET}
STREAMING = r"^GET /v1/transcribe:streaming$"
DEFAULT_QUERY = {
    "sample_rate": "16000",
    "encoding": "LINEAR16",
    "model_name": "sommers_ko",
    "domain": "CALL",
    "use_itn": "true",
    "use_disfluency_filter": "false",
    "use_profanity_filter": "false",
    "use_punctuation": "false",
}


def provider(
    server: RtzrServer, *, endpoint: str | None = None, **settings: Any
) -> RtzrStreamProvider:
    config = ProviderConfig(
        endpoint=endpoint or server.base_url,
        credentials=dict(CREDS),
        settings={"retry_attempts": 2, "retry_base_delay": 0.01, **settings},
    )
    return RtzrStreamProvider(config)


async def chunks(pcm: bytes, size: int = CHUNK) -> AsyncIterator[bytes]:
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


async def collect(
    engine: RtzrStreamProvider, pcm: bytes, options: TranscriptionOptions | None = None
) -> list[StreamEvent]:
    return [e async for e in engine.stream(chunks(pcm), options or TranscriptionOptions())]


def finals(events: list[StreamEvent]) -> list[StreamEvent]:
    return [event for event in events if event.final]


def as_seconds(expected: RecognizedSegment) -> tuple[float, float, str]:
    return expected.start_ms / 1000, expected.end_ms / 1000, expected.text


def expected(pcm: bytes, **kwargs: Any) -> list[RecognizedSegment]:
    return expected_segments(wav_bytes(pcm), **kwargs)


# -- results -------------------------------------------------------------------------------------
async def test_partials_then_finals_with_times_and_words(rtzr_server: RtzrServer) -> None:
    pcm = speech_pcm()
    events = await collect(provider(rtzr_server), pcm)
    want = expected(pcm)
    assert [(e.key, e.segment.start, e.segment.end, e.segment.text) for e in finals(events)] == [
        (index, *as_seconds(segment)) for index, segment in enumerate(want)
    ]
    for key in range(len(want)):
        mine = [event for event in events if event.key == key]
        assert not mine[0].final and mine[-1].final and sum(e.final for e in mine) == 1
        assert all(e.segment.words == [] for e in mine[:-1])  # words come with the final
    for event, segment in zip(finals(events), want, strict=True):
        words = event.segment.words
        assert [w.text for w in words] == segment.text.split()  # "|" tokens joined back
        assert [(round(w.start * 1000), round(w.end * 1000)) for w in words] == [
            (w.start_ms, w.end_ms) for w in segment.words
        ]
        assert event.segment.confidence == CONFIDENCE
        assert all(w.confidence == CONFIDENCE for w in words)
    record = rtzr_server.emulator.streaming.last_stream()
    assert record.query == DEFAULT_QUERY
    assert record.outcome == "ok" and record.texts == ["EOS"] and record.audio_bytes == len(pcm)
    assert set(record.frame_sizes[:-1]) == {CHUNK}
    handshake = rtzr_server.requests.last(STREAMING)
    assert handshake.headers["authorization"].startswith("Bearer ")
    assert handshake.headers["user-agent"].startswith("Sori/")


async def test_chunks_of_any_size_go_out_as_tenth_second_frames(rtzr_server: RtzrServer) -> None:
    pcm = speech_pcm()

    async def uneven() -> AsyncIterator[bytes]:
        middle = 3 * BYTES_PER_SECOND
        yield pcm[:662]
        for start in range(662, middle, 100):  # tiny pieces
            yield pcm[start : min(start + 100, middle)]
        yield pcm[middle:]  # one big piece

    engine = provider(rtzr_server)
    events = [e async for e in engine.stream(uneven(), TranscriptionOptions())]
    assert [e.segment.text for e in finals(events)] == [s.text for s in expected(pcm)]
    sizes = rtzr_server.emulator.streaming.last_stream().frame_sizes
    assert set(sizes[:-1]) == {CHUNK} and sum(sizes) == len(pcm) and 0 < sizes[-1] <= CHUNK


async def test_options_shape_the_query_and_the_text(rtzr_server: RtzrServer) -> None:
    options = TranscriptionOptions(
        keywords=[Keyword("소리", 3.0), Keyword("리턴제로"), Keyword("음성", -1.5)],
        extra={
            "domain": "MEETING",
            "use_itn": False,
            "use_disfluency_filter": "true",
            "use_punctuation": True,
            "epd_time": 0.5,
        },
    )
    pcm = speech_pcm()
    events = await collect(provider(rtzr_server), pcm, options)
    query = rtzr_server.emulator.streaming.last_stream().query
    assert query == {
        **DEFAULT_QUERY,
        "domain": "MEETING",
        "use_itn": "false",
        "use_disfluency_filter": "true",
        "use_punctuation": "true",
        "epd_time": "0.5",
        "keywords": "소리:3,리턴제로,음성:-1.5",
    }
    assert all(e.segment.text.endswith(" 소리") for e in events)


@pytest.mark.parametrize(
    ("options", "model", "language"),
    [
        (TranscriptionOptions(language="ja"), "sommers_ja", None),
        (
            TranscriptionOptions(language="ja-JP", extra={"model_name": "sommers_ja"}),
            "sommers_ja",
            None,
        ),
        (TranscriptionOptions(extra={"model_name": "sommers_ko"}), "sommers_ko", None),
        (TranscriptionOptions(language="en", extra={"model_name": "whisper"}), "whisper", "en"),
        (TranscriptionOptions(extra={"model_name": "whisper"}), "whisper", "ko"),
    ],
)
async def test_language_picks_the_model(
    rtzr_server: RtzrServer, options: TranscriptionOptions, model: str, language: str | None
) -> None:
    await collect(provider(rtzr_server), speech_pcm()[:CHUNK], options)
    query = rtzr_server.emulator.streaming.last_stream().query
    assert query["model_name"] == model and query.get("language") == language


@pytest.mark.parametrize(
    ("options", "kind", "words"),
    [
        (TranscriptionOptions(keywords=[Keyword("소리", 6)]), ConfigurationError, "'소리:6'"),
        (TranscriptionOptions(keywords=[Keyword("소리", -5.5)]), ConfigurationError, "-5"),
        (TranscriptionOptions(keywords=[Keyword(f"키{'워' * i}드") for i in range(101)]),
         ConfigurationError, "at most 100"),
        (TranscriptionOptions(keywords=[Keyword("가" * 21)]), ConfigurationError, "20"),
        (TranscriptionOptions(keywords=[Keyword("STT")]), ConfigurationError, "'STT'"),
        (TranscriptionOptions(language="ja", keywords=[Keyword("소리")]), ConfigurationError,
         "sommers_ko"),
        (TranscriptionOptions(language="en"), ConfigurationError, "'en'"),
        (TranscriptionOptions(language="detect", extra={"model_name": "whisper"}),
         ConfigurationError, "detect"),
        (TranscriptionOptions(language="ko", extra={"model_name": "sommers_ja"}),
         ConfigurationError, "sommers_ja"),
        (TranscriptionOptions(extra={"epd_time": 20}), ConfigurationError, "epd_time"),
        (TranscriptionOptions(extra={"epd_time": "soon"}), ConfigurationError, "epd_time"),
        (TranscriptionOptions(extra={"use_itn": "maybe"}), ConfigurationError, "use_itn"),
        (TranscriptionOptions(extra={"domain": "GENERAL"}), ConfigurationError, "GENERAL"),
        (TranscriptionOptions(extra={"paragraph_splitter_max": 5}), UnsupportedOptionError,
         "paragraph_splitter_max"),
        (TranscriptionOptions(diarization=True), UnsupportedOptionError, "diarization"),
        (TranscriptionOptions(forbidden=["나쁜말"]), UnsupportedOptionError, "forbidden"),
    ],
)  # fmt: skip
async def test_options_the_service_would_refuse_fail_before_connecting(
    rtzr_server: RtzrServer, options: TranscriptionOptions, kind: type[SoriError], words: str
) -> None:
    with pytest.raises(kind) as caught:
        await collect(provider(rtzr_server), speech_pcm()[:CHUNK], options)
    assert words in caught.value.message and caught.value.message_ko
    assert rtzr_server.requests.count() == 0


def test_stream_addresses() -> None:
    query = {"sample_rate": "16000", "keywords": "소리:2,음성"}
    assert stream_url("https://openapi.vito.ai", query) == (
        "wss://openapi.vito.ai/v1/transcribe:streaming?sample_rate=16000"
        "&keywords=%EC%86%8C%EB%A6%AC:2,%EC%9D%8C%EC%84%B1"
    )
    assert stream_url("http://127.0.0.1:8080/proxy/", {}).startswith(
        "ws://127.0.0.1:8080/proxy/v1/transcribe:streaming"
    )
    with pytest.raises(ConfigurationError):
        stream_url("http://openapi.vito.ai", query)  # plain text only to this computer
    with pytest.raises(ConfigurationError):
        stream_url("ftp://openapi.vito.ai", query)


# -- refusals and failures -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("inject", "kind", "code"),
    [
        (lambda s: s.faults.http_error(403, match="streaming"), AuthError, "H0003"),
        (lambda s: s.faults.provider_error("A0002", match="streaming"), RateLimitError, "A0002"),
        (lambda s: s.faults.provider_error("A0001", match="streaming"), QuotaExceededError,
         "A0001"),
        (lambda s: s.faults.http_error(500, match="streaming"), ServerError, "E500"),
        (lambda s: s.faults.http_error(502, match="streaming"), ServerError, None),
        (lambda s: s.faults.http_error(400, match="streaming"), ConfigurationError, "H0001"),
        (lambda s: setattr(s.emulator.streaming, "max_concurrent_streams", 0), RateLimitError,
         "A0002"),
    ],
)  # fmt: skip
async def test_refused_handshakes_become_clear_errors(
    rtzr_server: RtzrServer,
    inject: Callable[[RtzrServer], None],
    kind: type[SoriError],
    code: str | None,
) -> None:
    inject(rtzr_server)
    with pytest.raises(kind) as caught:
        await collect(provider(rtzr_server), speech_pcm())
    assert caught.value.code == code and caught.value.message_ko and caught.value.fix
    if code == "A0002":
        assert "live streams" in caught.value.message and "5" in caught.value.fix
    assert rtzr_server.requests.count(STREAMING) == 1  # refused at once, not retried here


async def test_a_refused_token_is_replaced_once(rtzr_server: RtzrServer) -> None:
    engine = provider(rtzr_server)
    await collect(engine, speech_pcm()[:CHUNK])
    rtzr_server.emulator.expire_all_tokens()
    events = await collect(engine, speech_pcm())
    assert len(finals(events)) == 3
    assert rtzr_server.emulator.tokens_issued == 2
    statuses = [r.status for r in rtzr_server.requests.all(STREAMING)]
    assert statuses == [101, 401, 101]


async def test_a_token_refused_twice_is_an_auth_error(rtzr_server: RtzrServer) -> None:
    rtzr_server.faults.http_error(401, times=2, match="streaming")
    with pytest.raises(AuthError) as caught:
        await collect(provider(rtzr_server), speech_pcm())
    assert caught.value.code == "H0002"
    assert rtzr_server.emulator.tokens_issued == 2
    assert rtzr_server.requests.count(STREAMING) == 2


async def test_wrong_credentials_are_an_auth_error(rtzr_server: RtzrServer) -> None:
    config = ProviderConfig(
        endpoint=rtzr_server.base_url,
        credentials={"client_id": RTZR_CLIENT_ID, "client_secret": "wrong"},
    )
    with pytest.raises(AuthError) as caught:
        await collect(RtzrStreamProvider(config), speech_pcm())
    assert "wrong" not in caught.value.describe() and rtzr_server.requests.count(STREAMING) == 0


async def test_a_drop_keeps_what_arrived_and_raises_network_error(
    rtzr_server: RtzrServer,
) -> None:
    rtzr_server.emulator.stream_faults.drop_after(30)
    events: list[StreamEvent] = []
    with pytest.raises(NetworkError) as caught:
        async for event in provider(rtzr_server).stream(
            chunks(speech_pcm()), TranscriptionOptions()
        ):
            events.append(event)
    assert caught.value.transient and "dropped" in caught.value.message
    assert [e.key for e in finals(events)] == [0]
    assert rtzr_server.emulator.streaming.last_stream().outcome == "dropped"


@pytest.mark.parametrize(
    ("fault", "kind", "detail"),
    [
        (("error", "E500"), ServerError, "internal error"),
        (("error", "A0001"), QuotaExceededError, "usage"),
        (("close", 1011, ""), ServerError, "close code 1011"),
        (("close", 1008, "policy"), ConfigurationError, "close code 1008"),
        (("close", 1008, "H0002 token expired"), AuthError, "refused"),
        (("close", 1013, ""), RateLimitError, "busy"),
        (("close", 1001, "restart"), NetworkError, "before the audio ended"),
        (("close", 1000, ""), NetworkError, "before the audio ended"),
        (("close", 4000, "no"), ServerError, "close code 4000"),
    ],
)
async def test_error_frames_and_close_codes(
    rtzr_server: RtzrServer, fault: tuple[Any, ...], kind: type[SoriError], detail: str
) -> None:
    faults = rtzr_server.emulator.stream_faults
    if fault[0] == "error":
        faults.error_after(5, fault[1])
    else:
        faults.close_after(5, fault[1], fault[2])

    async def still_talking() -> AsyncIterator[bytes]:  # EOS is never sent
        async for chunk in chunks(speech_pcm()[: CHUNK * 10]):
            yield chunk
        await asyncio.Event().wait()

    with pytest.raises(kind) as caught:
        async for _ in provider(rtzr_server).stream(still_talking(), TranscriptionOptions()):
            pass
    assert type(caught.value) is kind and detail in caught.value.message
    assert caught.value.message_ko


async def test_unreachable_service_is_a_network_error(rtzr_server: RtzrServer) -> None:
    engine = provider(rtzr_server, open_timeout=5)
    await collect(engine, speech_pcm()[:CHUNK])  # signs in; the token stays cached
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    closed = provider(rtzr_server, endpoint=f"http://127.0.0.1:{free_port}")
    with pytest.raises(NetworkError):
        await collect(closed, speech_pcm()[:CHUNK])
    rtzr_server.stop()
    with pytest.raises(NetworkError):
        await collect(engine, speech_pcm()[:CHUNK])


async def test_a_slow_end_is_bounded_and_keeps_the_last_partial(
    rtzr_server: RtzrServer,
) -> None:
    rtzr_server.emulator.stream_faults.delay(1.5, final_only=True)
    events = await collect(provider(rtzr_server, final_timeout=0.2), speech_pcm())
    last = {event.key: event for event in events}
    assert last and all(event.final for event in last.values())
    assert last[0].segment.text.startswith("구간 1 (0.0–")


async def test_a_failing_audio_source_ends_the_session_with_its_error(
    rtzr_server: RtzrServer,
) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield speech_pcm()[: CHUNK * 3]
        raise RuntimeError("microphone unplugged")

    with pytest.raises(RuntimeError, match="unplugged"):
        async for _ in provider(rtzr_server).stream(broken(), TranscriptionOptions()):
            pass
    assert rtzr_server.emulator.streaming.last_stream().outcome == "client went away"


async def test_cancelling_the_consumer_leaves_nothing_behind(rtzr_server: RtzrServer) -> None:
    first_partial = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        pcm = speech_pcm()
        while True:
            for start in range(0, len(pcm), CHUNK):
                yield pcm[start : start + CHUNK]
                await asyncio.sleep(0.005)

    async def consume() -> None:
        async for _ in provider(rtzr_server).stream(endless(), TranscriptionOptions()):
            first_partial.set()

    before = asyncio.all_tasks()
    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_partial.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert asyncio.all_tasks() == before
    record = await asyncio.to_thread(rtzr_server.emulator.streaming.last_stream)
    assert record.outcome == "client went away" and rtzr_server.emulator.streaming.active == 0


# -- the live session layer ------------------------------------------------------------------------
async def test_resilient_stream_recovers_from_a_drop_without_gaps_or_repeats(
    rtzr_server: RtzrServer,
) -> None:
    pcm = speech_pcm()
    want = expected(pcm)
    rtzr_server.emulator.stream_faults.drop_after(30)  # mid-way through the second utterance
    reconnects: list[SoriError] = []
    assembler = TranscriptAssembler()
    keys_final: list[int] = []
    async for event in resilient_stream(
        provider(rtzr_server),
        chunks(pcm),
        TranscriptionOptions(),
        policy=RetryPolicy(attempts=3, base_delay=0.01),
        on_reconnect=lambda error, _: reconnects.append(error),
    ):
        assembler.apply(event)
        if event.final and event.segment.text:
            keys_final.append(event.key)
    assert len(reconnects) == 1 and isinstance(reconnects[0], NetworkError)
    got = assembler.final_segments
    assert [(s.start, s.end) for s in got] == [(w.start_ms / 1000, w.end_ms / 1000) for w in want]
    assert len(keys_final) == len(set(keys_final)) == len(want)
    assert assembler.partial_segments == []
    first, second = rtzr_server.emulator.streaming.streams
    assert first.outcome == "dropped" and second.outcome == "ok"
    # The new connection starts where the first final ended: nothing skipped, nothing resent.
    offset_ms = want[0].end_ms
    assert second.audio_bytes == len(pcm) - offset_ms * BYTES_PER_SECOND // 1000
    assert got[0].text == want[0].text
    for number, (segment, truth) in enumerate(zip(got[1:], want[1:], strict=True), start=1):
        shifted = segment_text(number, truth.start_ms - offset_ms, truth.end_ms - offset_ms)
        assert segment.text == shifted  # the service numbers and times its own connection
        assert segment.words[0].start == segment.start and segment.words[-1].end == segment.end


# -- files and the command line ----------------------------------------------------------------------
async def test_transcribe_streams_a_file(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    reports: list[Progress] = []
    transcript = await provider(rtzr_server).transcribe(
        MediaSource(path=korean_clip), TranscriptionOptions(), reports.append
    )
    want = expected_segments(korean_clip)
    assert [(s.start, s.end, s.text) for s in transcript.segments] == [
        as_seconds(segment) for segment in want
    ]
    assert transcript.engine == "rtzr-stream" and transcript.source == "ko_short.wav"
    assert transcript.language == "ko"
    assert transcript.duration == pytest.approx(7.84, abs=0.01)
    fractions = [r.fraction for r in reports if r.fraction is not None]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert rtzr_server.emulator.streaming.last_stream().texts == ["EOS"]


async def test_transcribe_refuses_empty_files_and_urls(
    rtzr_server: RtzrServer, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(wav_bytes(b""))
    engine = provider(rtzr_server)
    with pytest.raises(AudioError):
        await engine.transcribe(MediaSource(path=empty), TranscriptionOptions())
    with pytest.raises(UnsupportedOptionError):
        await engine.transcribe(
            MediaSource(url="https://example.com/a.wav"), TranscriptionOptions()
        )
    assert rtzr_server.requests.count(STREAMING) == 0


def _run_cli(server: RtzrServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        SORI_RTZR_CLIENT_ID=RTZR_CLIENT_ID,
        SORI_RTZR_CLIENT_SECRET=RTZR_CLIENT_SECRET,
    )
    command = [sys.executable, "-m", "desktop_app", *args, "--provider", "rtzr-stream"]
    command += ["--endpoint", server.base_url]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, check=False, timeout=120
    )


def test_command_line_transcribe_and_live(rtzr_server: RtzrServer, tmp_path: Path) -> None:
    clip = tmp_path / "clip.wav"
    clip.write_bytes(wav_bytes(speech_pcm()))
    out = tmp_path / "out.txt"
    result = _run_cli(rtzr_server, "transcribe", str(clip), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines() == [s.text for s in expected_segments(clip)]
    live_out = tmp_path / "live.txt"
    recording = tmp_path / "recording.wav"
    result = _run_cli(
        rtzr_server, "live", "--input-file", str(clip), "--fast", "-o", str(live_out),
        "--recording", str(recording), "--keyword", "소리:2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "구간 3" in result.stdout and "소리" in live_out.read_text(encoding="utf-8")
    assert rtzr_server.emulator.streaming.last_stream().query["keywords"] == "소리:2"


def test_registered_with_its_capabilities() -> None:
    cls = registry.provider_class("rtzr-stream")
    assert cls is RtzrStreamProvider and cls.credential_group == "rtzr"
    caps = cls.capabilities
    assert caps.live and caps.inputs == {"stream", "file"} and caps.languages == ("ko", "ja")
    assert caps.keywords and caps.keyword_weights and caps.word_timestamps
    assert not (caps.diarization or caps.forbidden or caps.biasing)
    names = {spec.name for spec in caps.extra_options}
    assert names == {"model_name", "domain", "use_itn", "use_disfluency_filter",
                     "use_profanity_filter", "use_punctuation", "epd_time"}  # fmt: skip
    clear_token_cache()
