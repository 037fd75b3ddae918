"""``nhn`` with local files against the NHN emulator: formats, splitting, every documented
result code, faults, cancellation, credentials and the command line.

URL input (asynchronous tasks, journal, resume) is in :mod:`tests.providers.test_nhn_async`."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from desktop_app.audio.decode import MediaInfo, decode_pcm
from desktop_app.audio.encode import encode_pcm
from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    EmptyAudioError,
    LimitExceededError,
    NotMediaError,
    ServerError,
    SoriError,
    TruncatedAudioError,
)
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.secrets import CredentialStore
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.nhn.errors import NhnTaskLostError
from desktop_app.providers.nhn.provider import (
    HOSTS,
    NhnProvider,
    fits_one_request,
    segments_from_result,
)
from tests.emulators import NHN_APP_KEY, NHN_SECRET_KEY, start_emulator
from tests.emulators.nhn import NHN_MESSAGES
from tests.emulators.recognition import expected_segments
from tests.helpers.keyrings import MemoryKeyring
from tests.media import make_media, missing_encoder, speech_pcm
from tests.providers.nhn.support import (
    FAST,
    SYNC,
    NhnServer,
    expected,
    expected_spans,
    provider,
    silence,
    spans,
    stages,
    timed,
    transcribe,
    write_wav,
)

HANGUL = re.compile("[가-힣]")


@pytest.fixture(scope="module")
def server() -> Iterator[NhnServer]:
    with start_emulator("nhn") as running:
        yield running
    # A cancelled upload leaves the emulator reading a closed connection; that is expected.
    errors = [e for e in running.emulator.internal_errors if "ConnectionResetError" not in e]
    assert errors == []


@pytest.fixture(autouse=True)
def clean(server: NhnServer) -> Iterator[None]:
    yield
    server.faults.clear()
    server.requests.clear()
    server.emulator.limits.max_seconds = 3600.0
    server.emulator.limits.max_bytes = 150 * 1024 * 1024


def test_registered_with_its_capabilities() -> None:
    assert registry.provider_class("nhn") is NhnProvider
    caps = NhnProvider.capabilities
    assert caps.inputs == frozenset({"file", "url"}) and caps.languages == ("ko",)
    assert caps.biasing and not (caps.keywords or caps.forbidden or caps.diarization)
    assert not caps.word_timestamps


def test_wav_goes_up_whole_with_biasing_and_progress(server: NhnServer, korean_clip: Path) -> None:
    reports: list[Progress] = []
    biasing = ["회의_외의", "안전운행_안전 운행"]
    transcript = transcribe(provider(server), korean_clip, reports.append, biasing=biasing)
    assert timed(transcript) == expected(expected_segments(korean_clip, keyword="회의"))
    assert all(s.confidence == 0.95 for s in transcript.segments)
    assert transcript.engine == "nhn" and transcript.source == "ko_short.wav"
    assert transcript.duration == pytest.approx(7.84)
    sent = server.requests.last(SYNC)
    assert sent.path == f"/v2.0/appkeys/{NHN_APP_KEY}/stt"
    assert sent.headers["authorization"] == NHN_SECRET_KEY
    assert sent.form["biasingList"] == biasing
    assert sent.files["audio"][0].size == korean_clip.stat().st_size
    assert stages(reports) == ["uploading", "processing"]
    fractions = [r.fraction for r in reports if r.stage == "uploading"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0  # type: ignore[type-var]


@pytest.mark.parametrize("fmt", ["mp3", "flac", "ogg", "opus", "aac", "ac3", "webm"])
def test_accepted_formats_are_sent_unchanged(server: NhnServer, tmp_path: Path, fmt: str) -> None:
    if missing := missing_encoder(fmt):
        pytest.skip(f"this FFmpeg cannot encode {missing}")
    path = make_media(tmp_path / f"clip.{fmt}", fmt, pcm=speech_pcm())
    transcript = transcribe(provider(server), path)
    assert timed(transcript) == expected(expected_segments(path))
    assert server.requests.count(SYNC) == 1
    assert server.requests.last(SYNC).files["audio"][0].size == path.stat().st_size


@pytest.mark.parametrize(("fmt", "video"), [("m4a", False), ("mp4", True), ("mkv", True),
                                            ("mov", True), ("amr", False)])  # fmt: skip
def test_other_formats_are_converted_to_flac(
    server: NhnServer, tmp_path: Path, fmt: str, video: bool
) -> None:
    if missing := missing_encoder(fmt):
        pytest.skip(f"this FFmpeg cannot encode {missing}")
    path = make_media(tmp_path / f"clip.{fmt}", fmt, pcm=speech_pcm(), video=video)
    transcript = transcribe(provider(server), path, biasing=["회의_외의"])
    # What goes up is our own decoding of the file, FLAC-encoded, in one piece.
    sent_audio = encode_pcm(b"".join(decode_pcm(path)), "flac")
    assert timed(transcript) == expected(expected_segments(sent_audio, keyword="회의"))
    request = server.requests.last(SYNC)
    assert server.requests.count(SYNC) == 1
    assert request.files["audio"][0].filename == "piece-0000.flac"
    assert request.form["biasingList"] == ["회의_외의"]


def test_fallback_to_pieces_when_the_host_has_the_old_limits(
    server: NhnServer, tmp_path: Path
) -> None:
    """A 200 s file fits the documented limits, but a host with the pre-2026 150 s limit
    refuses it (4000202): it is then sent in pieces of at most 140 s, merged with exact times."""
    clip = speech_pcm()
    path = write_wav(tmp_path / "회의 기록.wav", (clip + silence(0.8)) * 23)
    server.emulator.limits.max_seconds = 150.0
    reports: list[Progress] = []
    transcript = transcribe(provider(server), path, reports.append)
    requests = server.requests.all(SYNC)
    assert requests[0].files["audio"][0].filename == "audio.wav"
    assert len(requests) >= 3  # the refused whole file, then at least two pieces
    assert {r.files["audio"][0].filename for r in requests[1:]} == {
        f"piece-{i:04d}.flac" for i in range(len(requests) - 1)
    }
    assert spans(transcript) == expected_spans(expected_segments(path))
    for before, after in itertools.pairwise(transcript.segments):
        assert before.end <= after.start
    assert transcript.source == "회의 기록.wav"
    assert [r.fraction for r in reports if r.stage == "processing"][-1] == 1.0


def test_converted_audio_goes_in_pieces_that_fit_the_old_limits(
    server: NhnServer, tmp_path: Path
) -> None:
    # Matroska with FLAC inside is not WebM, so it is converted (and quick to make).
    path = make_media(tmp_path / "talk.mkv", "mkv", pcm=(speech_pcm() + silence(0.8)) * 23)
    server.emulator.limits.max_seconds = 150.0
    server.emulator.limits.max_bytes = 10 * 1000 * 1000
    transcript = transcribe(provider(server, concurrency=3), path)
    names = [str(r.files["audio"][0].filename) for r in server.requests.all(SYNC)]
    assert len(names) >= 2 and all(r.status == 200 for r in server.requests.all(SYNC))
    assert sorted(names) == [f"piece-{i:04d}.flac" for i in range(len(names))]
    decoded = encode_pcm(b"".join(decode_pcm(path)), "flac")
    assert spans(transcript) == expected_spans(expected_segments(decoded))
    assert transcript.source == "talk.mkv"


@pytest.mark.slow
def test_audio_over_an_hour_is_split_and_merged(server: NhnServer, tmp_path: Path) -> None:
    clip = speech_pcm()
    offsets = [0.0, 1234.5, 2400.0, 3590.0]
    total = 3605.0
    path = tmp_path / "long.wav"
    pcm = bytearray(silence(total))
    for offset in offsets:
        start = int(offset * 16000) * 2
        pcm[start : start + len(clip)] = clip
    write_wav(path, bytes(pcm))
    del pcm
    transcript = transcribe(provider(server), path)
    clip_segments = expected_segments(write_wav(tmp_path / "clip.wav", clip))
    wanted = [span for offset in offsets for span in expected_spans(clip_segments, offset)]
    assert spans(transcript) == wanted
    assert transcript.duration == pytest.approx(total, abs=0.05)
    # Only pieces holding sound were sent, none of them whole-file sized.
    assert 1 <= server.requests.count(SYNC) <= len(offsets)
    names = [r.files["audio"][0].filename for r in server.requests.all(SYNC)]
    assert all(name and name.startswith("piece-") for name in names)


def test_decision_to_send_whole_or_in_pieces(tmp_path: Path) -> None:
    def info(container: str, codec: str, seconds: float | None, video: bool = False) -> MediaInfo:
        return MediaInfo(tmp_path / "x", seconds, container, codec, 16000, 1, video)

    assert fits_one_request(info("wav", "pcm_s16le", 3599.0), 140_000_000)
    assert not fits_one_request(info("wav", "pcm_s16le", 3601.0), 140_000_000)
    assert not fits_one_request(info("wav", "pcm_s16le", 100.0), 150_000_001)
    assert not fits_one_request(info("wav", "adpcm_ms", 100.0), 1000)
    assert fits_one_request(info("mp3", "mp3float", None), 1000)
    assert not fits_one_request(info("mp3", "mp3float", 10.0, video=True), 1000)
    assert not fits_one_request(info("mov,mp4,m4a,3gp,3g2,mj2", "aac", 10.0), 1000)
    assert not fits_one_request(info("matroska,webm", "opus", 10.0), 1000)  # .mkv, not .webm


def test_result_arrays_become_segments() -> None:
    result = {
        "inputLength": 9.5,
        "text": ["둘째", "첫째", " ", "셋째"],
        "timeslot": [
            {"startTime": "4000", "endTime": "6500"},
            {"startTime": "390", "endTime": "3090"},
            {"startTime": "7000", "endTime": "7100"},
        ],
        "confidence": [0.5, "0.9", 0.1],
    }
    segments = segments_from_result(result)
    assert [(s.start, s.end, s.text, s.confidence) for s in segments] == [
        (0.39, 3.09, "첫째", 0.9),
        (4.0, 6.5, "둘째", 0.5),
        (6.5, 9.5, "셋째", None),  # no timeslot: from the previous end to the input's end
    ]
    v1 = segments_from_result({"inputLength": 1.85, "text": "안녕하세요.", "confidence": 0.94})
    assert [(s.text, s.confidence) for s in v1] == [("안녕하세요.", 0.94)]


def test_silence_gives_an_empty_transcript(server: NhnServer, tmp_path: Path) -> None:
    path = write_wav(tmp_path / "quiet.wav", silence(3.0))
    transcript = transcribe(provider(server), path)
    assert transcript.segments == [] and transcript.source == "quiet.wav"
    assert server.requests.count(SYNC) == 1


def test_too_short_audio_fails_before_any_upload(server: NhnServer, tmp_path: Path) -> None:
    path = write_wav(tmp_path / "blip.wav", speech_pcm()[: 16000 * 2 // 5])
    with pytest.raises(AudioError) as info:
        transcribe(provider(server), path)
    assert "0.36" in info.value.describe() and HANGUL.search(info.value.describe("ko"))
    assert server.requests.count() == 0


def test_not_audio_fails_before_any_upload(server: NhnServer, tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("회의록이 아닙니다 " * 200, encoding="utf-8")
    with pytest.raises(AudioError):
        transcribe(provider(server), path)
    assert server.requests.count() == 0


# Every documented result code: (type, requests made). The whole file is tried first; codes
# that converting or smaller pieces may cure are tried once more that way.
TRANSIENT = int(FAST["retry_attempts"])
CODES: dict[int, tuple[type[SoriError] | None, int]] = {
    -1: (ServerError, TRANSIENT),
    400: (ConfigurationError, 1),
    401: (AuthError, 1),
    403: (AuthError, 1),
    404: (ConfigurationError, 1),
    405: (ConfigurationError, 1),
    415: (ConfigurationError, 1),
    4000001: (ConfigurationError, 1),
    4000002: (LimitExceededError, 2),
    4000003: (NotMediaError, 2),
    4000004: (EmptyAudioError, 1),
    4000201: (TruncatedAudioError, 2),
    4000202: (LimitExceededError, 2),
    4000203: (AudioError, 1),
    4000204: (None, 1),  # no speech: an empty transcript
    4010001: (AuthError, 1),
    4010002: (NhnTaskLostError, 1),
    4010003: (AuthError, 1),
    4010004: (AuthError, 1),
    4010005: (AuthError, 1),
    4010006: (NhnTaskLostError, 1),
    4010007: (AuthError, 1),
    4010008: (AuthError, 1),
    **{code: (ServerError, TRANSIENT) for code in range(5000001, 5000006)},
    **{code: (ServerError, TRANSIENT) for code in range(5004001, 5004005)},
}


def test_every_documented_code_is_covered() -> None:
    assert set(CODES) == {code for code in NHN_MESSAGES if code != 0}


@pytest.mark.parametrize("code", sorted(CODES))
def test_result_codes_map_to_clear_errors(server: NhnServer, korean_clip: Path, code: int) -> None:
    kind, requests = CODES[code]
    server.faults.provider_error(code, times=20, match=SYNC)
    if kind is None:
        assert transcribe(provider(server), korean_clip).segments == []
    else:
        with pytest.raises(kind) as info:
            transcribe(provider(server), korean_clip)
        english, korean = info.value.describe("en"), info.value.describe("ko")
        assert str(code) in english and english != korean
        assert HANGUL.search(korean) and info.value.fix and info.value.fix_ko
        assert "Traceback" not in english and NHN_SECRET_KEY not in english
    assert server.requests.count(SYNC) == requests


@pytest.mark.parametrize(
    ("fault", "args", "requests"),
    [
        ("rate_limit", {"times": 2, "retry_after": 0.01}, 3),
        ("http_error", {"status": 500, "times": 2}, 3),
        ("http_error", {"status": 502}, 2),
        ("drop_connection", {"stage": "mid_body"}, 2),
        ("drop_connection", {"stage": "after_headers"}, 2),
        ("drop_connection", {"stage": "no_response"}, 2),
        ("malformed_json", {}, 2),
        ("delay", {"seconds": 0.3}, 1),
    ],
)
def test_transient_faults_end_in_the_same_transcript(
    server: NhnServer, korean_clip: Path, fault: str, args: dict[str, object], requests: int
) -> None:
    getattr(server.faults, fault)(match=SYNC, **args)
    transcript = transcribe(provider(server), korean_clip)
    assert timed(transcript) == expected(expected_segments(korean_clip))
    assert server.requests.count(SYNC) == requests


def test_rate_limit_that_persists_gives_up(server: NhnServer, korean_clip: Path) -> None:
    server.faults.rate_limit(times=20, retry_after=0.01, match=SYNC)
    with pytest.raises(SoriError) as info:
        transcribe(provider(server), korean_clip)
    assert info.value.transient and "too many requests" in str(info.value)
    assert server.requests.count(SYNC) == FAST["retry_attempts"]


def test_wrong_keys_fail_at_once(server: NhnServer, korean_clip: Path) -> None:
    config = ProviderConfig(
        endpoint=server.base_url,
        credentials={"appkey": NHN_APP_KEY, "secret": "wrong-secret-xyz"},
        settings=FAST,
    )
    with pytest.raises(AuthError) as info:
        transcribe(NhnProvider(config), korean_clip)
    text = info.value.describe()
    assert "4010001" in text and "sori credentials set nhn" in text
    assert "wrong-secret-xyz" not in text
    assert server.requests.count(SYNC) == 1


def test_cancel_stops_the_upload(server: NhnServer, korean_clip: Path) -> None:
    server.faults.delay(2.0, times=5, match=SYNC)

    async def scenario() -> None:
        task = asyncio.create_task(
            provider(server).transcribe(MediaSource(path=korean_clip), TranscriptionOptions())
        )
        while server.requests.count(SYNC) < 1:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.5)

    asyncio.run(scenario())
    assert server.requests.count(SYNC) == 1


def test_hosts_and_endpoints() -> None:
    assert NhnProvider().base_url() == "https://api-speech.nhncloudservice.com"
    former = NhnProvider(ProviderConfig(settings={"host": "former"}))
    assert former.base_url() == HOSTS["former"] == "https://speech.api.nhncloudservice.com"
    chosen = TranscriptionOptions(extra={"host": "current"})
    assert former.base_url(chosen) == HOSTS["current"]
    override = NhnProvider(ProviderConfig(endpoint="https://stt.example.kr/", settings=FAST))
    assert override.base_url(chosen) == "https://stt.example.kr"
    with pytest.raises(ConfigurationError):
        NhnProvider(ProviderConfig(settings={"host": "old"})).base_url()
    with pytest.raises(ConfigurationError):
        NhnProvider(ProviderConfig(endpoint="http://stt.example.kr")).base_url()
    with pytest.raises(ConfigurationError):
        NhnProvider.check_options(TranscriptionOptions(extra={"host": "nowhere"}))


def test_options_it_does_not_offer_are_refused() -> None:
    from desktop_app.core.errors import UnsupportedOptionError
    from desktop_app.core.options import Keyword

    for options in (
        TranscriptionOptions(keywords=[Keyword("회의")]),
        TranscriptionOptions(forbidden=["욕"]),
        TranscriptionOptions(diarization=True),
        TranscriptionOptions(language="en"),
    ):
        with pytest.raises(UnsupportedOptionError):
            NhnProvider.check_options(options)
    with pytest.raises(UnsupportedOptionError):
        NhnProvider.check_options(TranscriptionOptions(), MediaSource(data_key="bucket/a.wav"))


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for var in ("SORI_NHN_APPKEY", "SORI_NHN_SECRET"):
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_credentials_from_the_keyring(
    server: NhnServer, korean_clip: Path, memory_keyring: MemoryKeyring
) -> None:
    p = NhnProvider(ProviderConfig(endpoint=server.base_url, settings=FAST))
    with pytest.raises(AuthError, match="sori credentials set nhn"):
        transcribe(p, korean_clip)
    assert server.requests.count() == 0
    store = CredentialStore()
    store.set("nhn", "appkey", NHN_APP_KEY)
    store.set("nhn", "secret", NHN_SECRET_KEY)
    assert timed(transcribe(p, korean_clip)) == expected(expected_segments(korean_clip))
    assert ("sori", "nhn:secret") in memory_keyring.items


def test_credentials_from_the_environment(
    server: NhnServer,
    korean_clip: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    memory_keyring.set_password("sori", "nhn:secret", "stale-keyring-secret")
    monkeypatch.setenv("SORI_NHN_APPKEY", NHN_APP_KEY)
    monkeypatch.setenv("SORI_NHN_SECRET", NHN_SECRET_KEY)
    p = NhnProvider(ProviderConfig(endpoint=server.base_url, settings=FAST))
    assert transcribe(p, korean_clip).segments
    assert server.requests.last(SYNC).headers["authorization"] == NHN_SECRET_KEY


def _cli_env(tmp_path: Path, secret: str = NHN_SECRET_KEY) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SORI_NHN_APPKEY=NHN_APP_KEY,
        SORI_NHN_SECRET=secret,
        SORI_CONFIG_DIR=str(tmp_path / "config"),
        SORI_DATA_DIR=str(tmp_path / "data"),
    )
    return env


def test_cli_transcribes_and_reports_errors(
    server: NhnServer, korean_clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.srt"
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(korean_clip)]
    command += ["--provider", "nhn", "--endpoint", server.base_url, "-o", str(out), "-q"]
    command += ["--biasing", "회의_외의", "--option", "host=former"]
    result = subprocess.run(
        command, capture_output=True, text=True, env=_cli_env(tmp_path), check=False
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    # 4.600 ends 0.48 s before the next cue: chained to 2 frames (24 fps) before 5.080
    assert "구간 1 (0.0–1.2초) 회의" in text and "00:00:01,660 --> 00:00:04,997" in text
    assert server.requests.last(SYNC).form["biasingList"] == ["회의_외의"]
    env = _cli_env(tmp_path, secret="not-the-secret")
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 3
    assert "4010001" in result.stderr and "not-the-secret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
