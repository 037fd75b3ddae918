"""``nhn`` with public URLs: asynchronous tasks, polling, retry of failed tasks, the job
journal, cancellation and resuming after a crash (also through the command line)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from desktop_app.core.errors import AuthError, NetworkError, ServerError, TruncatedAudioError
from desktop_app.core.journal import JobJournal
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.providers.base import MediaSource
from tests.emulators import NHN_APP_KEY, NHN_SECRET_KEY, start_emulator
from tests.emulators.recognition import expected_segments
from tests.providers.nhn.support import (
    ASYNC,
    RETRY,
    STATUS,
    NhnServer,
    expected,
    provider,
    silence,
    stages,
    timed,
    transcribe,
    write_wav,
)
from tests.test_emulators.servers import FileServer


@pytest.fixture(scope="module")
def server() -> Iterator[NhnServer]:
    with start_emulator("nhn") as running:
        yield running
    assert running.emulator.internal_errors == []


@pytest.fixture(scope="module")
def files(korean_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileServer]:
    quiet = write_wav(tmp_path_factory.mktemp("nhn") / "quiet.wav", silence(2.0))
    serving = FileServer()
    serving.add("/meeting.wav", korean_clip.read_bytes())
    serving.add("/quiet.wav", quiet.read_bytes())
    serving.add("/notes.wav", "회의록이 아닙니다 ".encode() * 300)
    try:
        yield serving
    finally:
        serving.close()


@pytest.fixture(autouse=True)
def clean(server: NhnServer) -> Iterator[None]:
    yield
    server.faults.clear()
    server.requests.clear()
    server.emulator.pending_polls = 1
    server.emulator.in_progress_polls = 1


@pytest.fixture
def journal(tmp_path: Path) -> JobJournal:
    return JobJournal(tmp_path / "jobs.sqlite3")


def test_url_task_is_polled_to_its_result(
    server: NhnServer, files: FileServer, journal: JobJournal, korean_clip: Path
) -> None:
    url = files.base_url + "/meeting.wav"
    reports: list[Progress] = []
    p = provider(server, journal)
    transcript = transcribe(p, url, reports.append, biasing=["회의_외의"])
    assert timed(transcript) == expected(expected_segments(korean_clip, keyword="회의"))
    assert transcript.source == url and transcript.duration == pytest.approx(7.84)
    start = server.requests.last(ASYNC)
    assert start.json_body == {"audioUrl": url, "biasingList": ["회의_외의"]}
    assert start.headers["authorization"] == NHN_SECRET_KEY
    assert start.headers["content-type"].startswith("application/json")
    assert server.requests.count(STATUS) == 3  # PENDING, IN_PROGRESS, COMPLETED
    assert stages(reports) == ["queued", "processing"]
    assert journal.pending() == []


def test_failed_task_is_retried_once(
    server: NhnServer, files: FileServer, journal: JobJournal, korean_clip: Path
) -> None:
    server.faults.job_failure(code="5004001")
    transcript = transcribe(provider(server, journal), files.base_url + "/meeting.wav")
    assert timed(transcript) == expected(expected_segments(korean_clip))
    assert server.requests.count(RETRY) == 1 and server.requests.count(ASYNC) == 1
    assert journal.pending() == []


def test_task_failing_twice_is_reported(
    server: NhnServer, files: FileServer, journal: JobJournal
) -> None:
    server.faults.job_failure(times=2, code="5004003")
    with pytest.raises(ServerError) as info:
        transcribe(provider(server, journal), files.base_url + "/meeting.wav")
    assert "5004003" in info.value.describe() and "--resume" not in info.value.describe()
    assert server.requests.count(RETRY) == 1
    assert journal.pending() == []


def test_task_failing_because_of_its_input_is_not_retried(
    server: NhnServer, files: FileServer, journal: JobJournal
) -> None:
    with pytest.raises(TruncatedAudioError) as info:
        transcribe(provider(server, journal), files.base_url + "/notes.wav")
    assert "4000201" in info.value.describe()
    assert server.requests.count(RETRY) == 0
    assert journal.pending() == []


def test_unreachable_url_is_retried_once_then_explained(
    server: NhnServer, files: FileServer, journal: JobJournal
) -> None:
    with pytest.raises(ServerError) as info:
        transcribe(provider(server, journal), files.base_url + "/missing.wav")
    assert "5000005" in info.value.describe() and "URL" in info.value.describe()
    assert server.requests.count(RETRY) == 1
    assert journal.pending() == []


def test_silent_url_gives_an_empty_transcript(
    server: NhnServer, files: FileServer, journal: JobJournal
) -> None:
    transcript = transcribe(provider(server, journal), files.base_url + "/quiet.wav")
    assert transcript.segments == []
    assert server.requests.count(RETRY) == 0 and journal.pending() == []


@pytest.mark.parametrize(
    ("fault", "args"),
    [
        ("rate_limit", {"times": 2, "retry_after": 0.01}),
        ("http_error", {"status": 503}),
        ("provider_error", {"code": 5000003}),
        ("drop_connection", {"stage": "mid_body"}),
        ("malformed_json", {"times": 2}),
        ("delay", {"seconds": 0.2}),
    ],
)
@pytest.mark.parametrize("target", [ASYNC, STATUS])
def test_transient_faults_while_starting_or_polling(
    server: NhnServer,
    files: FileServer,
    journal: JobJournal,
    korean_clip: Path,
    fault: str,
    args: dict[str, object],
    target: str,
) -> None:
    getattr(server.faults, fault)(match=target, **args)
    transcript = transcribe(provider(server, journal), files.base_url + "/meeting.wav")
    assert timed(transcript) == expected(expected_segments(korean_clip))
    assert journal.pending() == []


def test_refused_keys_while_polling_keep_the_task_for_later(
    server: NhnServer, files: FileServer, journal: JobJournal
) -> None:
    server.faults.provider_error(4010001, times=5, match=STATUS)
    with pytest.raises(AuthError) as info:
        transcribe(provider(server, journal), files.base_url + "/meeting.wav")
    assert "sori transcribe --resume" in info.value.describe()
    assert "sori transcribe --resume" in info.value.describe("ko")
    assert [job.engine for job in journal.pending()] == ["nhn"]


def test_network_trouble_while_polling_keeps_the_task_for_later(
    server: NhnServer, files: FileServer, journal: JobJournal
) -> None:
    server.faults.drop_connection(times=10, stage="no_response", match=STATUS)
    with pytest.raises(NetworkError) as info:
        transcribe(provider(server, journal), files.base_url + "/meeting.wav")
    assert "--resume" in info.value.describe()
    (job,) = journal.pending()
    assert job.source == files.base_url + "/meeting.wav" and job.endpoint == server.base_url
    # Collect it once the network is back: no new task.
    server.faults.clear()
    transcript = asyncio.run(provider(server, journal).resume(job))
    assert transcript.segments and server.requests.count(ASYNC) == 1
    assert journal.pending() == []


def test_cancel_while_polling_forgets_the_task(
    server: NhnServer, files: FileServer, journal: JobJournal
) -> None:
    server.emulator.pending_polls = 10**6

    async def scenario() -> None:
        p = provider(server, journal, poll_interval=0.02)
        source = MediaSource(url=files.base_url + "/meeting.wav")
        task = asyncio.create_task(p.transcribe(source, TranscriptionOptions()))
        while server.requests.count(STATUS) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        seen = server.requests.count()
        await asyncio.sleep(0.3)
        assert server.requests.count() == seen

    asyncio.run(scenario())
    assert journal.pending() == []


def _start_task_elsewhere(server: NhnServer, url: str) -> str:
    """A task accepted by an earlier Sori process that then died."""
    answer = httpx.post(
        f"{server.base_url}/v2.0/appkeys/{NHN_APP_KEY}/stt/async",
        json={"audioUrl": url},
        headers={"Authorization": NHN_SECRET_KEY},
    )
    task_id: str = answer.json()["taskId"]
    return task_id


def test_journaled_task_is_polled_not_started_again(
    server: NhnServer, files: FileServer, journal: JobJournal, korean_clip: Path
) -> None:
    url = files.base_url + "/meeting.wav"
    task_id = _start_task_elsewhere(server, url)
    journal.record("nhn", url, TranscriptionOptions(), task_id, endpoint=server.base_url)
    transcript = transcribe(provider(server, journal), url)
    assert timed(transcript) == expected(expected_segments(korean_clip))
    assert server.requests.count(ASYNC) == 1  # only the earlier process's
    assert task_id in server.requests.last(STATUS).path
    assert journal.pending() == []


def test_resume_collects_a_journaled_task(
    server: NhnServer, files: FileServer, journal: JobJournal, korean_clip: Path
) -> None:
    url = files.base_url + "/meeting.wav"
    options = TranscriptionOptions(biasing=["회의_외의"])
    task_id = _start_task_elsewhere(server, url)
    job = journal.record("nhn", url, options, task_id, endpoint=server.base_url)
    reports: list[Progress] = []
    transcript = asyncio.run(provider(server, journal).resume(job, reports.append))
    assert [s.start for s in transcript.segments] == [
        s.start_ms / 1000 for s in expected_segments(korean_clip)
    ]
    assert server.requests.count(ASYNC) == 1 and "processing" in stages(reports)
    assert journal.pending() == []


def test_task_the_service_forgot_is_started_again(
    server: NhnServer, files: FileServer, journal: JobJournal, korean_clip: Path
) -> None:
    url = files.base_url + "/meeting.wav"
    lost = str(uuid.uuid4())
    journal.record("nhn", url, TranscriptionOptions(), lost, endpoint=server.base_url)
    transcript = transcribe(provider(server, journal), url)
    assert timed(transcript) == expected(expected_segments(korean_clip))
    assert server.requests.count(ASYNC) == 1
    assert lost in server.requests.all(STATUS)[0].path
    assert journal.pending() == []


def test_crash_then_cli_resume_does_not_start_a_second_task(
    server: NhnServer, files: FileServer, tmp_path: Path
) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    config.mkdir()
    settings = {"engines": {"nhn": {"poll_interval": 0.05, "retry_base_delay": 0.01}}}
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        SORI_NHN_APPKEY=NHN_APP_KEY,
        SORI_NHN_SECRET=NHN_SECRET_KEY,
        SORI_CONFIG_DIR=str(config),
        SORI_DATA_DIR=str(data),
    )
    url = files.base_url + "/meeting.wav"
    out = tmp_path / "meeting.txt"
    server.emulator.pending_polls = 10**6
    command = [sys.executable, "-m", "desktop_app", "transcribe", url, "--provider", "nhn"]
    command += ["--endpoint", server.base_url, "-o", str(out), "-q"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while server.requests.count(STATUS) < 2 and first.poll() is None:
            assert time.monotonic() < deadline, "the first run never started polling"
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)  # a crash: no clean-up code runs
        _, stderr = first.communicate()
    assert first.returncode == -signal.SIGKILL, stderr
    (job,) = JobJournal(data / "jobs.sqlite3").pending()
    assert job.engine == "nhn" and job.source == url
    server.emulator.pending_polls = 1
    resumed = subprocess.run(
        [sys.executable, "-m", "desktop_app", "transcribe", "--resume", "-o", str(out), "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "구간 1 (0.0–1.2초)" in out.read_text(encoding="utf-8")
    assert server.requests.count(ASYNC) == 1
    assert JobJournal(data / "jobs.sqlite3").pending() == []
