"""``rtzr`` (Return Zero batch STT) against the local RTZR emulator over real HTTP: every input
kind, every option, limits, documented error codes, transient faults and cancellation."""

from __future__ import annotations

import asyncio
import struct
import tempfile
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    LimitExceededError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    UnsupportedOptionError,
)
from desktop_app.core.journal import JobJournal
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource
from desktop_app.providers.rtzr.batch import RtzrProvider
from desktop_app.providers.rtzr.errors import RemoteJobFailedError, RemoteJobLostError
from tests.media import make_media, missing_encoder, speech_pcm
from tests.providers.rtzr.support import (
    AUTH,
    POLL,
    UPLOAD,
    RtzrServer,
    expected_rows,
    rows,
    rtzr_provider,
    rtzr_server,
    sent_config,
    transcribe,
)

__all__ = ["rtzr_server"]  # the fixture, imported for pytest

DEFAULT_CONFIG = {
    "model_name": "sommers",
    "language": "ko",
    "use_diarization": False,
    "use_itn": True,
    "use_disfluency_filter": True,
    "use_profanity_filter": False,
    "use_paragraph_splitter": True,
    "paragraph_splitter": {"max": 50},
    "domain": "GENERAL",
    "use_word_timestamp": True,
}


# -- success paths ---------------------------------------------------------------------------
def test_wav_is_uploaded_as_is_and_mapped_with_times_and_words(
    rtzr_server: RtzrServer, korean_clip: Path
) -> None:
    reports: list[Progress] = []
    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip, reports.append)
    assert rows(transcript) == expected_rows(korean_clip)
    assert transcript.engine == "rtzr" and transcript.source == "ko_short.wav"
    assert transcript.language == "ko" and transcript.speakers == []
    assert transcript.duration == pytest.approx(7.84, abs=0.01)
    for segment in transcript.segments:
        assert segment.words and segment.words[0].start == segment.start
        assert segment.words[-1].end == segment.end
        assert " ".join(w.text for w in segment.words) == segment.text
    upload = rtzr_server.requests.last(UPLOAD)
    assert upload.headers["authorization"].startswith("Bearer ")
    (sent,) = upload.files["file"]
    assert sent.size == korean_clip.stat().st_size and sent.filename == "audio.wav"
    assert sent_config(rtzr_server) == DEFAULT_CONFIG
    assert rtzr_server.requests.count(AUTH) == 1
    stages = [r.stage for r in reports]
    assert {"uploading", "queued", "processing"} <= set(stages) and stages[-1] == "done"
    uploads = [r.fraction or 0.0 for r in reports if r.stage == "uploading"]
    assert uploads == sorted(uploads) and uploads[-1] == 1.0


AS_IS = {"wav", "flac", "mp3", "m4a", "amr"}
CONVERTED = {"ogg": False, "opus": False, "aac": False, "ac3": False}
VIDEOS = ("webm", "mp4", "mov", "mkv")


@pytest.fixture(scope="module")
def media_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test sentence in every input kind the engine is offered (and a sound-only MP4)."""
    folder = tmp_path_factory.mktemp("rtzr-media")
    pcm = speech_pcm()
    files: dict[str, Path] = {}
    for fmt in sorted(AS_IS | set(CONVERTED) | set(VIDEOS)):
        if missing_encoder(fmt) is None:
            files[fmt] = make_media(folder / f"말소리.{fmt}", fmt, pcm=pcm, video=fmt in VIDEOS)
    files["mp4-audio"] = make_media(folder / "소리만.mp4", "mp4", pcm=pcm)
    return files


@pytest.mark.parametrize("kind", [*sorted(AS_IS), "mp4-audio", *sorted(CONVERTED), *VIDEOS])
def test_every_input_kind(rtzr_server: RtzrServer, media_files: dict[str, Path], kind: str) -> None:
    if kind not in media_files:
        pytest.skip(f"this PyAV cannot encode {kind}")
    path = media_files[kind]
    transcript = transcribe(rtzr_provider(rtzr_server), path)
    (sent,) = rtzr_server.requests.last(UPLOAD).files["file"]
    if kind in AS_IS or kind == "mp4-audio":
        assert sent.size == path.stat().st_size
        assert sent.filename == f"audio{path.suffix}"
    else:
        assert sent.filename == "audio.flac" and sent.content_type == "audio/flac"
    # The converted FLAC holds the same sound, so the same voiced regions come back.
    got = [(round(s.start, 2), s.text) for s in transcript.segments]
    want = [(round(start, 2), text) for start, _, text, _ in expected_rows(path)]
    assert len(got) == len(want) >= 2
    assert [text.split(" (")[0] for _, text in got] == [text.split(" (")[0] for _, text in want]
    for (got_start, _), (want_start, _) in zip(got, want, strict=True):
        assert abs(got_start - want_start) <= 0.1


def test_diarization_with_a_speaker_count(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip, diarization=True, speakers=3)
    assert rows(transcript) == expected_rows(korean_clip, speakers=3)
    assert [(s.id, s.name) for s in transcript.speakers] == [
        ("0", "화자 1"),
        ("1", "화자 2"),
        ("2", "화자 3"),
    ]
    config = sent_config(rtzr_server)
    assert config["use_diarization"] is True and config["diarization"] == {"spk_count": 3}


def test_automatic_speaker_count(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip, diarization=True)
    assert sent_config(rtzr_server)["diarization"] == {"spk_count": 0}
    assert rows(transcript) == expected_rows(korean_clip, speakers=2)
    assert transcript.speaker_name("1") == "화자 2"


def test_keywords_are_sent_as_plain_words(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    words = [Keyword("리턴제로"), Keyword("에스티티"), Keyword("리턴제로")]
    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip, keywords=words)
    assert sent_config(rtzr_server)["keywords"] == ["리턴제로", "에스티티"]
    assert rows(transcript) == expected_rows(korean_clip, keyword="리턴제로")


def test_engine_options_reach_the_config(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    extra = {
        "domain": "CALL",
        "use_itn": False,
        "use_disfluency_filter": False,
        "use_profanity_filter": True,
        "paragraph_splitter_max": 80,
        "use_word_timestamp": False,
    }
    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip, language="ja", extra=extra)
    assert sent_config(rtzr_server) == {
        **DEFAULT_CONFIG,
        "language": "ja",
        "domain": "CALL",
        "use_itn": False,
        "use_disfluency_filter": False,
        "use_profanity_filter": True,
        "paragraph_splitter": {"max": 80},
        "use_word_timestamp": False,
    }
    assert transcript.language == "ja"
    assert all(not s.words for s in transcript.segments)
    transcribe(rtzr_provider(rtzr_server), korean_clip, extra={"use_paragraph_splitter": False})
    config = sent_config(rtzr_server)
    assert config["use_paragraph_splitter"] is False and "paragraph_splitter" not in config


@pytest.mark.parametrize(
    ("language", "sent", "reported"),
    [
        ("en-US", "en", "en"),
        ("fr", "fr", "fr"),
        ("detect", "detect", "ko"),
        ("multi", "multi", "ko"),
    ],
)
def test_whisper_languages(
    rtzr_server: RtzrServer, korean_clip: Path, language: str, sent: str, reported: str
) -> None:
    extra: dict[str, Any] = {"model_name": "whisper"}
    if sent == "detect":
        extra["language_candidates"] = "ko, en,ja"
    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip, language=language, extra=extra)
    config = sent_config(rtzr_server)
    assert config["model_name"] == "whisper" and config["language"] == sent
    if sent == "detect":
        assert config["language_candidates"] == ["ko", "en", "ja"]
    assert transcript.language == reported
    assert rows(transcript) == expected_rows(korean_clip)


@pytest.mark.parametrize(
    ("options", "kind", "named"),
    [
        ({"keywords": [Keyword("리턴제로", 2.0)]}, ConfigurationError, "리턴제로:2"),
        ({"keywords": [Keyword("STT"), Keyword("에스티티")]}, ConfigurationError, "'STT'"),
        ({"keywords": [Keyword("음성 인식")]}, ConfigurationError, "'음성 인식'"),
        ({"keywords": [Keyword("에스티티2")]}, ConfigurationError, "'에스티티2'"),
        ({"keywords": [Keyword("가" * 21)]}, ConfigurationError, "가" * 21),
        ({"keywords": [Keyword("가" * (n + 1)) for n in range(101)]}, ConfigurationError, "100"),
        (
            {"keywords": [Keyword("리턴제로")], "extra": {"model_name": "whisper"}},
            ConfigurationError,
            "whisper",
        ),
        ({"language": "en"}, ConfigurationError, "'en'"),
        (
            {"language": "english!", "extra": {"model_name": "whisper"}},
            ConfigurationError,
            "english",
        ),
        ({"extra": {"domain": "call"}}, ConfigurationError, "GENERAL"),
        ({"extra": {"model_name": "nova"}}, ConfigurationError, "whisper"),
        ({"extra": {"paragraph_splitter_max": 0}}, ConfigurationError, "paragraph_splitter_max"),
        ({"extra": {"language_candidates": "ko,en"}}, ConfigurationError, "detect"),
        ({"extra": {"no_such_option": 1}}, UnsupportedOptionError, "no_such_option"),
        ({"diarization": True, "speakers_min": 2}, UnsupportedOptionError, "--min-speakers"),
        ({"speakers": 2}, ConfigurationError, "diarization"),
        ({"forbidden": ["욕"]}, UnsupportedOptionError, "--forbidden"),
    ],
)
def test_bad_options_fail_before_anything_is_sent(
    rtzr_server: RtzrServer,
    korean_clip: Path,
    options: dict[str, Any],
    kind: type[Exception],
    named: str,
) -> None:
    with pytest.raises(kind) as info:
        RtzrProvider.check_options(TranscriptionOptions(**options), MediaSource(path=korean_clip))
    assert named in str(info.value) and info.value.message_ko  # type: ignore[attr-defined]
    with pytest.raises(kind):
        transcribe(rtzr_provider(rtzr_server), korean_clip, **options)
    assert rtzr_server.requests.count() == 0


def test_url_input_is_refused(rtzr_server: RtzrServer) -> None:
    with pytest.raises(UnsupportedOptionError):
        asyncio.run(
            rtzr_provider(rtzr_server).transcribe(
                MediaSource(url="https://example.com/a.wav"), TranscriptionOptions()
            )
        )


def test_registered_with_its_options() -> None:
    cls = registry.provider_class("rtzr")
    assert cls is RtzrProvider
    names = {spec.name for spec in cls.capabilities.extra_options}
    assert {"domain", "use_itn", "paragraph_splitter_max", "model_name"} <= names


# -- limits ------------------------------------------------------------------------------------
def sparse_wav(path: Path, seconds: float) -> Path:
    """A real 16 kHz mono WAV of ``seconds`` of silence, stored sparsely (no disk used)."""
    size = int(seconds * 16000) * 2
    header = b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16) + b"data"
    with path.open("wb") as out:
        out.write(header + struct.pack("<I", size))
        out.truncate(44 + size)
    return path


def test_more_than_four_hours_fails_before_upload(rtzr_server: RtzrServer, tmp_path: Path) -> None:
    long_file = sparse_wav(tmp_path / "종일 회의.wav", 4 * 3600 + 30)
    with pytest.raises(LimitExceededError) as info:
        transcribe(rtzr_provider(rtzr_server), long_file)
    assert "4 hours" in str(info.value) and "4시간" in info.value.describe("ko")
    assert rtzr_server.requests.count() == 0


def test_not_media_fails_before_upload(rtzr_server: RtzrServer, tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("이것은 오디오가 아닙니다\n" * 200, encoding="utf-8")
    with pytest.raises(AudioError):
        transcribe(rtzr_provider(rtzr_server), text)
    assert rtzr_server.requests.count() == 0


# -- provider error codes ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "kind", "retried"),
    [
        ("H0001", ConfigurationError, False),
        ("H0010", AudioError, False),
        ("H0003", AuthError, False),
        ("H0005", LimitExceededError, False),
        ("H0006", LimitExceededError, False),
        ("A0001", QuotaExceededError, False),
        ("A0002", RateLimitError, True),
        ("E500", ServerError, True),
    ],
)
def test_upload_error_codes(
    rtzr_server: RtzrServer, korean_clip: Path, code: str, kind: type[Exception], retried: bool
) -> None:
    rtzr_server.faults.provider_error(code, times=20, match=UPLOAD)
    with pytest.raises(kind) as info:
        transcribe(rtzr_provider(rtzr_server), korean_clip)
    assert code in str(info.value) and "Traceback" not in str(info.value)
    assert info.value.message_ko  # type: ignore[attr-defined]
    assert (rtzr_server.requests.count(UPLOAD) > 1) == retried
    assert rtzr_server.requests.count(POLL) == 0


@pytest.mark.parametrize(
    ("code", "kind"),
    [("H0004", RemoteJobLostError), ("H0007", RemoteJobLostError), ("H0003", AuthError)],
)
def test_poll_error_codes(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path, code: str, kind: type[Exception]
) -> None:
    rtzr_server.faults.provider_error(code, times=20, match=POLL)
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    with pytest.raises(kind) as info:
        transcribe(rtzr_provider(rtzr_server, journal=journal), korean_clip)
    assert code in str(info.value)
    assert rtzr_server.requests.count(POLL) == 1
    # A lost job is forgotten; a job we may not read yet stays for a later resume.
    assert len(journal.pending("rtzr")) == (1 if kind is AuthError else 0)


def test_expired_result_is_lost(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    rtzr_server.emulator.transcribing_polls = 3

    def expire_once_polled(progress: Progress) -> None:
        if progress.stage == "processing":
            for job_id in list(rtzr_server.emulator.jobs):
                rtzr_server.emulator.expire_result(job_id)

    with pytest.raises(RemoteJobLostError, match="H0007"):
        transcribe(rtzr_provider(rtzr_server), korean_clip, expire_once_polled)


@pytest.mark.parametrize(
    ("code", "kind"),
    [(None, RemoteJobFailedError), ("H0010", AudioError), ("H0006", LimitExceededError)],
)
def test_failed_jobs(
    rtzr_server: RtzrServer,
    korean_clip: Path,
    tmp_path: Path,
    code: str | None,
    kind: type[Exception],
) -> None:
    rtzr_server.faults.job_failure(code=code, message="decoder gave up")
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    with pytest.raises(kind) as info:
        transcribe(rtzr_provider(rtzr_server, journal=journal), korean_clip)
    assert (code or "E500") in str(info.value)
    assert not isinstance(info.value, ServerError) or not info.value.transient
    assert journal.pending() == []
    assert rtzr_server.requests.count(UPLOAD) == 1


# -- faults ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "args"),
    [
        ("rate_limit", {"times": 2, "retry_after": 0.01, "match": UPLOAD}),
        ("rate_limit", {"times": 3, "retry_after": 0.01, "match": POLL}),
        ("rate_limit", {"times": 1, "match": AUTH}),
        ("provider_error", {"code": "A0002", "times": 2, "match": UPLOAD}),
        ("http_error", {"status": 503, "times": 2, "match": UPLOAD}),
        ("http_error", {"status": 500, "times": 2, "match": POLL}),
        ("http_error", {"status": 502, "times": 1, "match": AUTH}),
        ("drop_connection", {"times": 1, "match": UPLOAD}),
        ("drop_connection", {"times": 1, "stage": "no_response", "match": POLL}),
        ("drop_connection", {"times": 1, "stage": "after_headers", "match": AUTH}),
        ("malformed_json", {"times": 1, "match": UPLOAD}),
        ("malformed_json", {"times": 2, "match": POLL}),
        ("malformed_json", {"times": 1, "match": AUTH}),
        ("delay", {"seconds": 0.3, "times": 2}),
    ],
)
def test_transient_faults_give_the_same_transcript(
    rtzr_server: RtzrServer, korean_clip: Path, fault: str, args: dict[str, Any]
) -> None:
    getattr(rtzr_server.faults, fault)(**args)
    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip)
    assert rows(transcript) == expected_rows(korean_clip)
    assert rtzr_server.faults.pending() == 0


def test_polling_too_fast_backs_off_and_keeps_polling(
    rtzr_server: RtzrServer, korean_clip: Path
) -> None:
    rtzr_server.emulator.min_poll_interval = 0.05
    rtzr_server.emulator.transcribing_polls = 2
    transcript = transcribe(rtzr_provider(rtzr_server, poll_interval=0.005), korean_clip)
    assert rows(transcript) == expected_rows(korean_clip)
    refused = [r for r in rtzr_server.requests.all(POLL) if r.status == 429]
    assert refused, "the emulator should have refused at least one poll"
    assert rtzr_server.requests.all(POLL)[-1].status == 200


def test_lasting_busy_service_gives_up_with_a_clear_message(
    rtzr_server: RtzrServer, korean_clip: Path
) -> None:
    rtzr_server.emulator.max_concurrent_jobs = 0
    with pytest.raises(RateLimitError) as info:
        transcribe(rtzr_provider(rtzr_server, busy_attempts=3), korean_clip)
    assert info.value.code == "A0002" and "at once" in str(info.value)
    assert rtzr_server.requests.count(UPLOAD) == 3


# -- cancellation ----------------------------------------------------------------------------
def test_cancel_while_polling_stops_requests_and_forgets_the_job(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    rtzr_server.emulator.transcribing_polls = 10**6
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    provider = rtzr_provider(rtzr_server, journal=journal, poll_interval=0.02)

    async def scenario() -> None:
        task = asyncio.create_task(
            provider.transcribe(MediaSource(path=korean_clip), TranscriptionOptions())
        )
        while rtzr_server.requests.count(POLL) < 2:
            await asyncio.sleep(0.01)
        assert len(journal.pending("rtzr")) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        seen = rtzr_server.requests.count()
        await asyncio.sleep(0.3)
        assert rtzr_server.requests.count() == seen

    asyncio.run(scenario())
    assert journal.pending() == []


def test_cancel_while_converting_leaves_no_temporary_file(
    rtzr_server: RtzrServer, tmp_path: Path
) -> None:
    # Two hours of WAV under a name the service does not take (.wave), so it is converted.
    long_file = sparse_wav(tmp_path / "긴 녹음.wave", 2 * 3600)
    before = set(Path(tempfile.gettempdir()).glob("sori-rtzr-*.flac"))
    reports: list[Progress] = []

    async def scenario() -> None:
        task = asyncio.create_task(
            rtzr_provider(rtzr_server).transcribe(
                MediaSource(path=long_file), TranscriptionOptions(), reports.append
            )
        )
        while not any(r.stage == "decoding" and (r.fraction or 0) > 0 for r in reports):
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    after = set(Path(tempfile.gettempdir()).glob("sori-rtzr-*.flac"))
    assert after <= before
    assert rtzr_server.requests.count() == 0
