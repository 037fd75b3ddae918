"""``clova-speech`` against the local CLOVA Speech emulator, over real HTTP on 127.0.0.1.

Covers every input kind (upload, URL, Object Storage), sync and async completion with polling,
every option, every documented error code and job failure, the fault knobs, cancellation, the
job journal (resume after a crash, in process and as a killed CLI), credentials from keyring and
environment, the short-form API (``mode=short`` and :meth:`recognize_short`) and the CLI.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest

from desktop_app.cli.commands import to_source
from desktop_app.core.errors import (
    AudioError,
    AudioFileNotFoundError,
    AuthError,
    ConfigurationError,
    EmptyAudioError,
    LimitExceededError,
    NetworkError,
    NotMediaError,
    RateLimitError,
    ServerError,
    SoriError,
    UnsupportedOptionError,
)
from desktop_app.core.journal import JobJournal
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.secrets import CredentialStore
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.clova.speech import ClovaSpeechProvider
from desktop_app.providers.clova.speech_result import to_transcript
from tests.emulators import CLOVA_INVOKE_PATH, CLOVA_SPEECH_SECRET, start_emulator
from tests.emulators.clova_csr import ShortFormLimits
from tests.emulators.clova_speech import ClovaSpeechEmulator
from tests.emulators.recognition import RecognizedSegment, expected_segments
from tests.emulators.server import EmulatorServer
from tests.helpers.keyrings import MemoryKeyring
from tests.media import make_media, speech_pcm
from tests.test_emulators.servers import FileServer

ClovaServer = EmulatorServer[ClovaSpeechEmulator]
CREDS = {"secret": CLOVA_SPEECH_SECRET}
FAST = {"retry_attempts": 4, "retry_base_delay": 0.01, "poll_interval": 0.01}
UPLOAD = r"^POST /external/v1/\d+/\w+/recognizer/upload$"
URL_INPUT = r"^POST /external/v1/\d+/\w+/recognizer/url$"
OBS_INPUT = r"^POST /external/v1/\d+/\w+/recognizer/object-storage$"
SUBMIT = r"^POST /external/v1/\d+/\w+/recognizer/"
POLL = r"^GET /external/v1/\d+/\w+/recognizer/\w+$"
SHORT = r"^POST /recog/v1/stt$"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


# -- fixtures and helpers ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server() -> Iterator[ClovaServer]:
    with start_emulator("clova_speech") as running:
        yield running


@pytest.fixture(scope="module")
def files() -> Iterator[FileServer]:
    """Serves media for URL input and receives the emulator's callbacks."""
    running = FileServer()
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(autouse=True)
def clean(server: ClovaServer) -> Iterator[None]:
    yield
    emulator = server.emulator
    server.faults.clear()
    server.requests.clear()
    emulator.waiting_polls = 1
    emulator.processing_polls = 1
    emulator.max_upload_bytes = None
    emulator.short_limits = ShortFormLimits()
    emulator.objects.clear()
    # A client that hung up on purpose (cancel, timeout) leaves the emulator a lost connection.
    unexpected = [e for e in emulator.internal_errors if "ConnectionResetError" not in e]
    emulator.internal_errors.clear()
    assert unexpected == []


@pytest.fixture
def journal(tmp_path: Path) -> JobJournal:
    return JobJournal(tmp_path / "jobs.sqlite3")


def invoke_url(server: ClovaServer) -> str:
    return server.base_url + CLOVA_INVOKE_PATH


def provider(
    server: ClovaServer, journal: JobJournal | None = None, **settings: object
) -> ClovaSpeechProvider:
    config = ProviderConfig(
        endpoint=invoke_url(server),
        credentials=dict(CREDS),
        settings={**FAST, **settings},
        journal=journal,
    )
    return ClovaSpeechProvider(config)


def async_settings(files: FileServer) -> dict[str, Any]:
    return {"callback_url": files.base_url + "/clova-callback"}


def run(
    p: ClovaSpeechProvider,
    source: MediaSource | Path,
    reports: list[Progress] | None = None,
    **options: Any,
) -> Transcript:
    if isinstance(source, Path):
        source = MediaSource(path=source)
    callback = reports.append if reports is not None else (lambda _: None)
    return asyncio.run(p.transcribe(source, TranscriptionOptions(**options), callback))


def assert_matches(
    transcript: Transcript, expected: list[RecognizedSegment], *, words: bool = True
) -> None:
    """Text, times, speakers and words exactly as the emulator recognised them."""
    got = transcript.segments
    assert [s.text for s in got] == [e.text for e in expected]
    assert [(s.start, s.end) for s in got] == [
        (e.start_ms / 1000, e.end_ms / 1000) for e in expected
    ]
    assert [s.speaker for s in got] == [
        None if e.speaker is None else str(e.speaker + 1) for e in expected
    ]
    assert all(s.confidence == e.confidence for s, e in zip(got, expected, strict=True))
    for segment, wanted in zip(got, expected, strict=True):
        spans = [(w.start, w.end, w.text) for w in segment.words]
        assert spans == (
            [(w.start_ms / 1000, w.end_ms / 1000, w.text) for w in wanted.words] if words else []
        )


def write_wav(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm)
    return path


def params_of(server: ClovaServer) -> dict[str, Any]:
    record = server.requests.last(SUBMIT)
    if record.json_body is not None:
        return dict(record.json_body)
    return dict(record.json_part("params"))


# -- long form: success paths --------------------------------------------------------------------
def test_sync_upload_with_speakers_keywords_and_forbidden_words(
    server: ClovaServer, korean_clip: Path
) -> None:
    reports: list[Progress] = []
    transcript = run(
        provider(server),
        korean_clip,
        reports,
        diarization=True,
        speakers=3,
        keywords=[Keyword("회의"), Keyword("날씨")],
        forbidden=["구간"],
    )
    expected = expected_segments(korean_clip, keyword="회의", forbidden=["구간"], speakers=3)
    assert_matches(transcript, expected)
    assert [(s.id, s.name) for s in transcript.speakers] == [("1", "A"), ("2", "B"), ("3", "C")]
    assert transcript.engine == "clova-speech" and transcript.source == "ko_short.wav"
    assert transcript.language == "ko"
    assert transcript.duration is not None and 7.5 < transcript.duration < 8.0

    record = server.requests.last(UPLOAD)
    assert record.headers["x-clovaspeech-api-key"] == CLOVA_SPEECH_SECRET
    assert record.headers["content-type"].startswith("multipart/form-data")
    assert record.files["media"][0].filename == "ko_short.wav"
    assert record.files["media"][0].size == korean_clip.stat().st_size
    assert record.json_part("params") == {
        "language": "ko-KR",
        "completion": "sync",
        "wordAlignment": True,
        "fullText": True,
        "diarization": {"enable": True, "speakerCountMin": 3, "speakerCountMax": 3},
        "boostings": [{"words": "회의, 날씨"}],
        "forbiddens": "구간",
    }
    stages = [r.stage for r in reports]
    assert stages.index("uploading") < stages.index("processing")
    uploads = [r.fraction for r in reports if r.stage == "uploading"]
    assert uploads == sorted(uploads) and uploads[-1] == 1.0  # type: ignore[type-var]
    assert reports[-1] == Progress("processing", 1.0)


def test_plain_upload_has_no_speakers_and_says_so(server: ClovaServer, korean_clip: Path) -> None:
    transcript = run(provider(server), korean_clip)
    assert_matches(transcript, expected_segments(korean_clip))
    assert transcript.speakers == []
    # Sent explicitly, so the service's default cannot turn speaker separation on.
    assert params_of(server)["diarization"] == {"enable": False}


@pytest.mark.parametrize(
    ("options", "speakers"),
    [
        ({"speakers_min": 3}, 3),
        ({"speakers_max": 1}, 1),
        ({"speakers_min": 2, "speakers_max": 4}, 2),
        ({}, 2),
    ],
)
def test_speaker_ranges(
    server: ClovaServer, korean_clip: Path, options: dict[str, Any], speakers: int
) -> None:
    transcript = run(provider(server), korean_clip, diarization=True, **options)
    assert_matches(transcript, expected_segments(korean_clip, speakers=speakers))
    sent = params_of(server)["diarization"]
    assert sent == {
        "enable": True,
        **({"speakerCountMin": options["speakers_min"]} if "speakers_min" in options else {}),
        **({"speakerCountMax": options["speakers_max"]} if "speakers_max" in options else {}),
    }


def test_engine_options_reach_params(server: ClovaServer, korean_clip: Path) -> None:
    extra = {
        "word_alignment": False,
        "full_text": False,
        "noise_filtering": False,
        "sed": True,
        "domain_boostings": True,
    }
    transcript = run(provider(server), korean_clip, extra=extra)
    assert_matches(transcript, expected_segments(korean_clip), words=False)
    params = params_of(server)
    assert params["wordAlignment"] is False and params["fullText"] is False
    assert params["noiseFiltering"] is False and params["useDomainBoostings"] is True
    assert params["sed"] == {"enable": True}


@pytest.mark.parametrize(
    ("language", "sent", "kept"),
    [
        ("en", "en-US", "en"),
        ("ja", "ja", "ja"),
        ("zh", "zh-cn", "zh"),
        ("zh-tw", "zh-tw", "zh-tw"),
        ("enko", "enko", "enko"),
        ("ko-KR", "ko-KR", "ko"),
        ("Kor", "ko-KR", "ko"),
    ],
)
def test_languages(
    server: ClovaServer, korean_clip: Path, language: str, sent: str, kept: str
) -> None:
    transcript = run(provider(server), korean_clip, language=language)
    assert params_of(server)["language"] == sent
    assert transcript.language == kept


def test_video_file_is_uploaded_as_is(server: ClovaServer, tmp_path: Path) -> None:
    video = make_media(tmp_path / "회의 영상.mp4", "mp4", pcm=speech_pcm(), video=True)
    transcript = run(provider(server), video)
    assert_matches(transcript, expected_segments(video))
    sent = server.requests.last(UPLOAD).files["media"][0]
    assert sent.filename == "media.mp4" and sent.content_type == "video/mp4"
    assert transcript.source == "회의 영상.mp4"


@pytest.mark.parametrize("completion", ["sync", "async"])
def test_public_url_input(
    server: ClovaServer, files: FileServer, korean_clip: Path, completion: str
) -> None:
    url = files.add("/media/clip.wav", korean_clip.read_bytes())
    p = provider(server, **async_settings(files), completion=completion)
    transcript = run(p, MediaSource(url=url))
    assert_matches(transcript, expected_segments(korean_clip))
    record = server.requests.last(URL_INPUT)
    assert record.headers["content-type"].startswith("application/json")
    assert record.json_body["url"] == url and record.json_body["completion"] == completion
    assert transcript.source == url and transcript.duration is None
    assert server.requests.count(POLL) == (0 if completion == "sync" else 3)


def test_object_storage_input(server: ClovaServer, korean_clip: Path) -> None:
    server.emulator.put_object("meetings/2024/clip.wav", korean_clip.read_bytes())
    transcript = run(provider(server), MediaSource(data_key="meetings/2024/clip.wav"))
    assert_matches(transcript, expected_segments(korean_clip))
    assert server.requests.last(OBS_INPUT).json_body["dataKey"] == "meetings/2024/clip.wav"


@pytest.mark.parametrize(
    ("source", "where"),
    [
        (MediaSource(data_key="no/such/key.wav"), "Object Storage"),
        (MediaSource(url="http://127.0.0.1:9/missing.wav"), "URL"),
    ],
)
def test_remote_media_that_cannot_be_fetched(
    server: ClovaServer, source: MediaSource, where: str
) -> None:
    with pytest.raises(AudioFileNotFoundError) as info:
        run(provider(server), source)
    assert where in str(info.value) and info.value.code == "ERROR_DATA_NOT_FOUND"


def test_async_polls_with_progress_and_journals_the_token(
    server: ClovaServer, files: FileServer, korean_clip: Path, journal: JobJournal
) -> None:
    server.emulator.waiting_polls = 2
    server.emulator.processing_polls = 3
    pending_while_polling: list[int] = []

    def watch(report: Progress) -> None:
        reports.append(report)
        if report.stage == "processing" and report.fraction is not None:
            pending_while_polling.append(len(journal.pending("clova-speech")))

    reports: list[Progress] = []
    p = provider(server, journal, **async_settings(files))
    transcript = asyncio.run(
        p.transcribe(MediaSource(path=korean_clip), TranscriptionOptions(diarization=True), watch)
    )
    assert_matches(transcript, expected_segments(korean_clip, speakers=2))
    params = params_of(server)
    assert params["completion"] == "async"
    assert params["callback"] == files.base_url + "/clova-callback"
    assert server.requests.count(UPLOAD) == 1 and server.requests.count(POLL) == 6
    queued = [r for r in reports if r.stage == "queued"]
    assert len(queued) >= 2
    fractions = [r.fraction for r in reports if r.stage == "processing"]
    assert fractions == [0.25, 0.5, 0.75, 1.0]
    assert pending_while_polling[0] == 1  # written down while the job ran
    assert journal.pending() == []  # and forgotten once collected
    server.wait_background()
    delivered = [json.loads(body) for path, body in files.posts if path == "/clova-callback"]
    assert any(
        body["token"] == server.requests.last(POLL).path.rsplit("/", 1)[1] for body in delivered
    )


def test_async_with_results_saved_to_object_storage(server: ClovaServer, korean_clip: Path) -> None:
    transcript = run(provider(server, result_to_obs=True), korean_clip)
    assert_matches(transcript, expected_segments(korean_clip))
    params = params_of(server)
    assert params["completion"] == "async" and params["resultToObs"] is True
    assert "callback" not in params


def test_completion_option_overrides_settings(
    server: ClovaServer, files: FileServer, korean_clip: Path
) -> None:
    p = provider(server, **async_settings(files))
    run(p, korean_clip, extra={"completion": "sync"})
    assert params_of(server)["completion"] == "sync" and "callback" not in params_of(server)
    run(provider(server), korean_clip, extra={"completion": "async", "result_to_obs": True})
    assert params_of(server)["completion"] == "async"


# -- refused before anything is sent ------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "kind", "words"),
    [
        ({"keywords": [Keyword("회의", 2.0)]}, UnsupportedOptionError, "weight"),
        ({"diarization": True, "speakers": 0}, ConfigurationError, "at least 1"),
        (
            {"diarization": True, "speakers_min": 4, "speakers_max": 2},
            ConfigurationError,
            "fewest",
        ),
        ({"speakers": 2}, ConfigurationError, "diarization"),
        ({"language": "fr"}, UnsupportedOptionError, "language"),
        ({"extra": {"completion": "async"}}, ConfigurationError, "callback"),
        ({"extra": {"callback": "ftp://x"}}, ConfigurationError, "callback"),
        (
            {"extra": {"callback": "http://results.invalid/cb"}},
            ConfigurationError,
            "only allowed for this computer",
        ),
        ({"extra": {"mode": "short", "sed": True}}, UnsupportedOptionError, "sed"),
        ({"extra": {"mode": "short"}, "diarization": True}, UnsupportedOptionError, "short"),
        ({"extra": {"mode": "short"}, "language": "enko"}, ConfigurationError, "enko"),
        ({"extra": {"mode": "fast"}}, ConfigurationError, "mode"),
        ({"extra": {"colour": "blue"}}, UnsupportedOptionError, "colour"),
    ],
)
def test_refused_options_send_nothing(
    server: ClovaServer,
    korean_clip: Path,
    options: dict[str, Any],
    kind: type[SoriError],
    words: str,
) -> None:
    with pytest.raises(kind) as info:
        run(provider(server), korean_clip, **options)
    assert words in info.value.describe() and HANGUL.search(info.value.describe("ko"))
    assert server.requests.count() == 0


def test_short_mode_takes_files_only(server: ClovaServer) -> None:
    with pytest.raises(UnsupportedOptionError, match="url input"):
        run(provider(server), MediaSource(url="https://example.com/a.wav"), extra={"mode": "short"})


def test_missing_invoke_url_says_how_to_set_it(korean_clip: Path) -> None:
    p = ClovaSpeechProvider(ProviderConfig(credentials=dict(CREDS)))
    with pytest.raises(ConfigurationError) as info:
        run(p, korean_clip)
    text = info.value.describe()
    assert "InvokeURL" in text and "SORI_CLOVA_SPEECH_INVOKE_URL" in text and "--endpoint" in text
    assert "InvokeURL" in info.value.describe("ko")
    with pytest.raises(ConfigurationError, match="only allowed for this computer"):
        ClovaSpeechProvider(ProviderConfig(endpoint="http://clova.example.com/x")).invoke_url()


def test_files_that_are_not_media_are_not_uploaded(server: ClovaServer, tmp_path: Path) -> None:
    fake = tmp_path / "notes.wav"
    fake.write_text("this is not audio\n" * 100, encoding="utf-8")
    with pytest.raises(AudioError):
        run(provider(server), fake)
    assert server.requests.count() == 0


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "kind", "retried"),
    [
        ("400", ConfigurationError, False),
        ("401", AuthError, False),
        ("STT000", LimitExceededError, False),
        ("STT001", LimitExceededError, False),
        ("STT002", ConfigurationError, False),
        ("STT003", AudioError, False),
        ("STT004", ConfigurationError, False),
        ("STT005", ConfigurationError, False),
        ("STT006", AudioError, False),
        ("STT007", AudioError, False),
        ("STT998", ServerError, True),
        ("STT999", ServerError, True),
        ("ERROR_TOO_MANY_JOBS", RateLimitError, True),
        ("ERROR_TOKEN_INVALID", SoriError, False),
    ],
)
def test_error_codes_map_to_clear_errors(
    server: ClovaServer, korean_clip: Path, code: str, kind: type[SoriError], retried: bool
) -> None:
    server.faults.provider_error(code, times=10, retry_after=0.01)
    with pytest.raises(kind) as info:
        run(provider(server), korean_clip)
    error = info.value
    assert error.code == code and code in str(error) and error.fix
    assert HANGUL.search(error.describe("ko")) and "Traceback" not in str(error)
    assert (server.requests.count(UPLOAD) > 1) == retried


def test_wrong_secret_fails_at_once(server: ClovaServer, korean_clip: Path) -> None:
    config = ProviderConfig(
        endpoint=invoke_url(server), credentials={"secret": "wrong-secret-123"}, settings=FAST
    )
    with pytest.raises(AuthError) as info:
        run(ClovaSpeechProvider(config), korean_clip)
    text = info.value.describe()
    assert "secret key" in text and "sori credentials set clova-speech" in text
    assert "wrong-secret-123" not in text
    assert server.requests.count(UPLOAD) == 1


def test_wrong_invoke_url_names_the_setting(server: ClovaServer, korean_clip: Path) -> None:
    config = ProviderConfig(
        endpoint=server.base_url + "/external/v1/1/nope", credentials=dict(CREDS), settings=FAST
    )
    with pytest.raises(ConfigurationError) as info:
        run(ClovaSpeechProvider(config), korean_clip)
    assert "InvokeURL" in info.value.describe() and info.value.code == "300"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("ERROR_SERVER_BUSY", RateLimitError),
        ("ERROR_TOKEN_INVALID", SoriError),
        ("ERROR_AUDIO_EMPTY", EmptyAudioError),
        ("ERROR_AUDIO_CONVERSION", NotMediaError),
        ("ERROR_PARAMS_FORMAT_INVALID", ConfigurationError),
        ("ERROR_REQUEST_PARAMETER", ConfigurationError),
        ("ERROR_INVALID_SECRET", AuthError),
        ("ERROR_DATA_NOT_FOUND", ServerError),
        ("ERROR_DATA_CONFLICT", ServerError),
        ("ERROR_INTERNAL_ERROR", ServerError),
        ("ERROR_EXTERNAL_ERROR", ServerError),
        ("ERROR_TOO_MANY_JOBS", RateLimitError),
        ("ERROR_GATEWAY_TIMEOUT", ServerError),
        ("FAILED", ServerError),
    ],
)
def test_failed_jobs_map_to_clear_errors(
    server: ClovaServer, korean_clip: Path, message: str, kind: type[SoriError]
) -> None:
    server.faults.job_failure(message=message)
    with pytest.raises(kind) as info:
        run(provider(server), korean_clip)
    assert info.value.code == message and HANGUL.search(info.value.describe("ko"))
    assert server.requests.count(UPLOAD) == 1  # a failed job is not sent again


@pytest.mark.parametrize("code", ["TIMEOUT", None])
def test_failed_async_job_is_forgotten(
    server: ClovaServer, korean_clip: Path, journal: JobJournal, code: str | None
) -> None:
    server.faults.job_failure(code=code)
    with pytest.raises(ServerError) as info:
        run(provider(server, journal, result_to_obs=True), korean_clip)
    assert info.value.code == ("TIMEOUT" if code else "ERROR_INTERNAL_ERROR")
    assert journal.pending() == []


# -- faults --------------------------------------------------------------------------------------
FAULTS: list[tuple[str, dict[str, Any]]] = [
    ("rate_limit", {"times": 2, "retry_after": 0.01}),
    ("http_error", {"status": 500, "times": 2}),
    ("http_error", {"status": 503, "times": 2}),
    ("drop_connection", {"times": 1}),
    ("drop_connection", {"times": 1, "stage": "no_response"}),
    ("drop_connection", {"times": 1, "stage": "after_headers"}),
    ("malformed_json", {"times": 1}),
    ("delay", {"seconds": 0.3, "times": 1}),
]


@pytest.mark.parametrize(("fault", "args"), FAULTS)
def test_transient_faults_on_sync_upload(
    server: ClovaServer, korean_clip: Path, fault: str, args: dict[str, Any]
) -> None:
    getattr(server.faults, fault)(**args)
    transcript = run(provider(server), korean_clip)
    assert_matches(transcript, expected_segments(korean_clip))


@pytest.mark.parametrize(("fault", "args"), FAULTS)
def test_transient_faults_while_polling(
    server: ClovaServer,
    korean_clip: Path,
    journal: JobJournal,
    fault: str,
    args: dict[str, Any],
) -> None:
    getattr(server.faults, fault)(**args, match=r"^GET ")
    transcript = run(provider(server, journal, result_to_obs=True), korean_clip)
    assert_matches(transcript, expected_segments(korean_clip))
    assert server.requests.count(UPLOAD) == 1
    assert journal.pending() == []


def test_sync_timeout_is_not_retried(server: ClovaServer, korean_clip: Path) -> None:
    server.faults.delay(2.0, match=r"/upload$")
    with pytest.raises(NetworkError) as info:
        run(provider(server, sync_timeout=0.3), korean_clip)
    assert "sync_timeout" in info.value.describe() and "비동기" in info.value.describe("ko")
    assert server.requests.count(UPLOAD) == 1


def test_polling_that_keeps_failing_keeps_the_job_for_resume(
    server: ClovaServer, korean_clip: Path, journal: JobJournal
) -> None:
    server.faults.http_error(503, times=4, match=r"^GET ")
    p = provider(server, journal, result_to_obs=True)
    with pytest.raises(ServerError) as info:
        run(p, korean_clip)
    assert "--resume" in info.value.describe() and "--resume" in info.value.describe("ko")
    [job] = journal.pending("clova-speech")
    assert job.endpoint == invoke_url(server) and job.source == str(korean_clip)
    transcript = asyncio.run(p.resume(job))
    assert_matches(transcript, expected_segments(korean_clip))
    assert server.requests.count(UPLOAD) == 1 and journal.pending() == []


# -- cancellation --------------------------------------------------------------------------------
def test_cancel_while_polling_stops_requests_and_forgets_the_job(
    server: ClovaServer, korean_clip: Path, journal: JobJournal
) -> None:
    server.emulator.waiting_polls = 10**6
    p = provider(server, journal, result_to_obs=True)

    async def scenario() -> None:
        task = asyncio.create_task(
            p.transcribe(MediaSource(path=korean_clip), TranscriptionOptions())
        )
        while server.requests.count(POLL) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.05)  # let a request already on the wire reach the log
        seen = server.requests.count()
        await asyncio.sleep(0.3)  # 30 poll intervals
        assert server.requests.count() == seen

    asyncio.run(scenario())
    assert journal.pending() == []


def test_cancel_during_sync_recognition(server: ClovaServer, korean_clip: Path) -> None:
    server.faults.delay(3.0, match=r"/upload$")

    async def scenario() -> None:
        task = asyncio.create_task(
            provider(server).transcribe(MediaSource(path=korean_clip), TranscriptionOptions())
        )
        while server.requests.count(UPLOAD) < 1:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.3)
        assert server.requests.count() == 1

    asyncio.run(scenario())


# -- resume --------------------------------------------------------------------------------------
def accepted_token(server: ClovaServer, clip: Path) -> str:
    """A job accepted by the service from a run that then crashed before collecting it."""
    params = json.dumps({"language": "ko-KR", "completion": "async", "resultToObs": True})
    response = httpx.post(
        invoke_url(server) + "/recognizer/upload",
        files={
            "media": ("clip.wav", clip.read_bytes()),
            "params": (None, params, "application/json"),
        },
        headers={"X-CLOVASPEECH-API-KEY": CLOVA_SPEECH_SECRET},
    )
    response.raise_for_status()
    return str(response.json()["token"])


def test_journaled_job_is_polled_instead_of_uploading_again(
    server: ClovaServer, korean_clip: Path, journal: JobJournal
) -> None:
    options = TranscriptionOptions(extra={"result_to_obs": True})
    token = accepted_token(server, korean_clip)
    journal.record("clova-speech", str(korean_clip), options, token, invoke_url(server))
    p = provider(server, journal)
    transcript = asyncio.run(p.transcribe(MediaSource(path=korean_clip), options))
    assert_matches(transcript, expected_segments(korean_clip))
    assert server.requests.count(UPLOAD) == 1  # only the crashed run's upload
    assert server.requests.last(POLL).path.endswith(token)
    assert journal.pending() == []


def test_resume_collects_a_journaled_job(
    server: ClovaServer, korean_clip: Path, journal: JobJournal
) -> None:
    options = TranscriptionOptions(language="ko", diarization=False)
    token = accepted_token(server, korean_clip)
    journal.record("clova-speech", str(korean_clip), options, token, invoke_url(server))
    [job] = journal.pending()
    reports: list[Progress] = []
    transcript = asyncio.run(provider(server, journal).resume(job, reports.append))
    assert_matches(transcript, expected_segments(korean_clip))
    assert transcript.source == "ko_short.wav" and transcript.duration is not None
    assert reports[0].stage == "queued"
    assert server.requests.count(UPLOAD) == 1 and journal.pending() == []


def test_unknown_journaled_token_uploads_again(
    server: ClovaServer, korean_clip: Path, journal: JobJournal
) -> None:
    options = TranscriptionOptions(extra={"result_to_obs": True})
    journal.record("clova-speech", str(korean_clip), options, "f" * 32, invoke_url(server))
    transcript = asyncio.run(
        provider(server, journal).transcribe(MediaSource(path=korean_clip), options)
    )
    assert_matches(transcript, expected_segments(korean_clip))
    assert server.requests.count(UPLOAD) == 1 and journal.pending() == []
    job = journal.record("clova-speech", "x.wav", options, "e" * 32, invoke_url(server))
    with pytest.raises(SoriError, match="does not know this job"):
        asyncio.run(provider(server, journal).resume(job))
    assert journal.pending() == []


# -- credentials -------------------------------------------------------------------------------
@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv("SORI_CLOVA_SPEECH_SECRET", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_credentials_from_keyring_then_environment(
    server: ClovaServer,
    korean_clip: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = ClovaSpeechProvider(ProviderConfig(endpoint=invoke_url(server), settings=FAST))
    with pytest.raises(AuthError, match="sori credentials set clova-speech"):
        run(p, korean_clip)
    assert server.requests.count() == 0
    CredentialStore().set("clova-speech", "secret", CLOVA_SPEECH_SECRET)
    assert run(p, korean_clip).segments
    # The environment overrides the keyring (a wrong value there must win and fail).
    monkeypatch.setenv("SORI_CLOVA_SPEECH_SECRET", "from-the-environment")
    with pytest.raises(AuthError):
        run(p, korean_clip)
    monkeypatch.setenv("SORI_CLOVA_SPEECH_SECRET", CLOVA_SPEECH_SECRET)
    memory_keyring.items.clear()
    assert run(p, korean_clip).segments


# -- short form ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 75 s: the speech clip 9 times with 0.6 s of silence between."""
    gap = b"\x00\x00" * int(16000 * 0.6)
    return write_wav(tmp_path_factory.mktemp("clova") / "long.wav", (speech_pcm() + gap) * 9)


def test_short_mode_splits_long_audio(server: ClovaServer, long_file: Path) -> None:
    reports: list[Progress] = []
    transcript = run(provider(server), long_file, reports, extra={"mode": "short"}, language="en")
    requests = server.requests.all(SHORT)
    assert len(requests) >= 2 and server.requests.count(SUBMIT) == 0
    assert all(r.query == {"lang": "Eng"} for r in requests)
    assert all(r.headers["x-clovaspeech-api-key"] == CLOVA_SPEECH_SECRET for r in requests)
    segments = transcript.segments
    assert len(segments) == len(requests)
    assert all(a.end <= b.start for a, b in itertools.pairwise(segments))
    regions = sum(len(re.findall(r"구간 \d+", s.text)) for s in segments)
    assert regions == len(expected_segments(long_file))
    assert transcript.language == "en" and reports[-1] == Progress("processing", 1.0)


def test_recognize_short_clip(server: ClovaServer, korean_clip: Path) -> None:
    p = provider(server)

    async def twice() -> list[str]:
        try:
            return [
                await p.recognize_short(korean_clip.read_bytes(), lang) for lang in ("ko", "Jpn")
            ]
        finally:
            await p.aclose()

    texts = asyncio.run(twice())
    expected = " ".join(s.text for s in expected_segments(korean_clip))
    assert texts == [expected, expected]
    assert [r.query["lang"] for r in server.requests.all(SHORT)] == ["Kor", "Jpn"]


def test_short_form_errors(server: ClovaServer, tmp_path: Path) -> None:
    p = provider(server)
    long_clip = write_wav(tmp_path / "long.wav", b"\x01\x00" * 16000 * 61)
    with pytest.raises(LimitExceededError) as info:
        asyncio.run(p.recognize_short(long_clip.read_bytes()))
    assert info.value.code == "STT001" and "mode=long" in info.value.describe()
    with pytest.raises(AudioError) as short_info:
        asyncio.run(
            p.recognize_short(write_wav(tmp_path / "s.wav", b"\x00\x00" * 800).read_bytes())
        )
    assert short_info.value.code == "STT007"
    server.faults.provider_error("STT998", times=2)
    assert asyncio.run(p.recognize_short(speech_pcm_wav(tmp_path))) != ""
    with pytest.raises(ConfigurationError):
        asyncio.run(p.recognize_short(b"RIFF", "zh-tw"))


def speech_pcm_wav(tmp_path: Path) -> bytes:
    return write_wav(tmp_path / "speech.wav", speech_pcm()).read_bytes()


# -- result mapping (the mapper is a pure function of the documented body) ----------------------
def test_result_without_names_or_segments() -> None:
    body = {
        "result": "COMPLETED",
        "segments": [
            {"start": 2000, "end": 3500, "text": "둘째", "diarization": {"label": "2"},
             "words": [[2000, 2600, "둘째"], ["bad"], [2700, "x", "skip"]]},
            {"start": 0, "end": 1500, "text": "첫째", "confidence": 0.5,
             "speaker": {"label": "1", "name": "", "edited": False}},
            {"start": 1600, "end": 1700, "text": "", "words": []},
        ],
        "speakers": [{"label": "1"}],
    }  # fmt: skip
    transcript = to_transcript(body, source="a", language="ko", duration=4.0)
    assert [(s.text, s.speaker) for s in transcript.segments] == [("첫째", "1"), ("둘째", "2")]
    assert [(s.id, s.name) for s in transcript.speakers] == [("1", "화자 1"), ("2", "화자 2")]
    assert [(w.start, w.end) for w in transcript.segments[1].words] == [(2.0, 2.6)]
    only_text = to_transcript(
        {"segments": [], "text": "전체", "confidence": 0.9}, source="a", language="ko", duration=3.0
    )
    assert [(s.start, s.end, s.text) for s in only_text.segments] == [(0.0, 3.0, "전체")]
    # A segment without times keeps its text, placed where it can be, with a notice.
    untimed = to_transcript(
        {"segments": [{"text": "시간 없음"}]}, source="a", language="ko", duration=None
    )
    assert [(s.start, s.end, s.text) for s in untimed.segments] == [(0.0, 0.0, "시간 없음")]
    assert [n.code for n in untimed.notices] == ["times-repaired"]


# -- command line --------------------------------------------------------------------------------
def test_obs_inputs_become_data_keys() -> None:
    assert to_source("obs://bucket/folder/a.m4a") == MediaSource(data_key="bucket/folder/a.m4a")
    assert to_source("https://x.test/a.wav") == MediaSource(url="https://x.test/a.wav")
    with pytest.raises(ConfigurationError):
        to_source("obs://")


def cli_env(server: ClovaServer, tmp_path: Path, **settings: object) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env.update(
        SORI_CLOVA_SPEECH_SECRET=CLOVA_SPEECH_SECRET,
        SORI_CLOVA_SPEECH_INVOKE_URL=invoke_url(server),
        SORI_CONFIG_DIR=str(tmp_path / "config"),
        SORI_DATA_DIR=str(tmp_path / "data"),
    )
    if settings:
        config = tmp_path / "config"
        config.mkdir(parents=True, exist_ok=True)
        document = {"engines": {"clova-speech": {"retry_base_delay": 0.01, **settings}}}
        (config / "settings.json").write_text(json.dumps(document), encoding="utf-8")
    return env


def sori(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "desktop_app", *map(str, args)]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, check=False, timeout=300
    )


def test_cli_file_and_object_storage_inputs(
    server: ClovaServer, korean_clip: Path, tmp_path: Path
) -> None:
    server.emulator.put_object("rec/회의.wav", korean_clip.read_bytes())
    env = cli_env(server, tmp_path)
    out = tmp_path / "out"
    result = sori(
        "transcribe", korean_clip, "obs://rec/회의.wav", "--provider", "clova-speech",
        "--diarization", "--speakers", "2", "--format", "json", "-o", out, "-q", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("ko_short.json", "회의.json"):
        data = json.loads((out / name).read_text("utf-8"))
        assert data["engine"] == "clova-speech"
        assert [s["text"] for s in data["segments"]] == [
            s.text for s in expected_segments(korean_clip, speakers=2)
        ]
        assert [s["name"] for s in data["speakers"]] == ["A", "B"]
    assert server.requests.count(UPLOAD) == 1 and server.requests.count(OBS_INPUT) == 1

    env["SORI_CLOVA_SPEECH_SECRET"] = "not-the-secret"
    result = sori("transcribe", korean_clip, "--provider", "clova-speech", "-q", env=env)
    assert result.returncode == 3
    assert "not-the-secret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "secret key" in result.stderr


def test_cli_killed_while_polling_resumes_without_uploading_again(
    server: ClovaServer, files: FileServer, korean_clip: Path, tmp_path: Path
) -> None:
    env = cli_env(server, tmp_path, poll_interval=0.05, **async_settings(files))
    server.emulator.waiting_polls = 10**6
    out = tmp_path / "result.srt"
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(korean_clip)]
    command += ["--provider", "clova-speech", "-o", str(out), "-q"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    (tmp_path / "data").mkdir(exist_ok=True)
    journal = JobJournal(tmp_path / "data" / "jobs.sqlite3")
    try:
        deadline = time.monotonic() + 120
        while not (journal.pending() and server.requests.count(POLL) >= 2):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the CLI never started polling"
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()
    [job] = journal.pending()  # a killed process cannot clean up: the job is still noted
    assert job.engine == "clova-speech" and job.endpoint == invoke_url(server)
    server.emulator.waiting_polls = 0
    server.emulator.processing_polls = 0
    result = sori("transcribe", "--resume", "-o", out, "-q", env=env)
    assert result.returncode == 0, result.stderr
    assert "구간 1" in out.read_text("utf-8")
    assert server.requests.count(UPLOAD) == 1
    assert journal.pending() == []
