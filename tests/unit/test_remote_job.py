"""The HTTP job base: one polling loop and one journal discipline for every job engine.

The engines' own tests (tests/providers) run these against the emulators; here each rule is
checked on its own with a real journal file.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from desktop_app.core.errors import ConfigurationError, NetworkError, ServerError, SoriError
from desktop_app.core.journal import SHUTDOWN, JobJournal
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.http import RetryPolicy
from desktop_app.providers.remote_job import HttpProvider, JobLedger, PollLater, Ticket, poll_job

OPTIONS = TranscriptionOptions()


class _Engine(HttpProvider):
    name = "test-engine"

    async def transcribe(
        self, source: MediaSource, options: TranscriptionOptions, progress: object = None
    ) -> Transcript:
        raise AssertionError("not used")


class _Gone(SoriError):
    """The service no longer knows the job."""


async def test_poll_job_reports_progress_until_the_answer_is_final() -> None:
    answers = iter(["waiting", "running", "done"])
    seen: list[Progress] = []

    async def fetch() -> str:
        return next(answers)

    def state(answer: str) -> Progress | None:
        return None if answer == "done" else Progress("processing", None, answer)

    result = await poll_job(fetch, state, interval=0.001, progress=seen.append)
    assert result == "done"
    assert [p.detail for p in seen] == ["waiting", "running"]


async def test_poll_later_skips_an_answer_and_a_growing_interval_is_read_each_time() -> None:
    calls: list[str] = []
    interval = 0.001

    async def fetch() -> str:
        nonlocal interval
        calls.append("fetch")
        if len(calls) == 1:
            interval = 0.002  # the service asked to slow down: later pauses are longer
            raise PollLater(0.001)
        return "done" if len(calls) == 3 else "running"

    def state(answer: str) -> Progress | None:
        return None if answer == "done" else Progress("processing")

    progress: list[Progress] = []
    result = await poll_job(fetch, state, interval=lambda: interval, progress=progress.append)
    assert result == "done" and len(calls) == 3 and len(progress) == 1


def _ledger(tmp_path: Path) -> tuple[JobLedger, JobJournal]:
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    ledger = JobLedger(journal, "test-engine")
    ledger.accepted("/audio.wav", OPTIONS, "job-1", "http://127.0.0.1:9")
    return ledger, journal


def _ids(journal: JobJournal) -> list[str]:
    return [job.remote_id for job in JobJournal(journal.path).pending("test-engine")]


async def _answer() -> str:
    return "answer"


async def test_a_collected_job_stays_journaled_until_the_caller_releases_it(
    tmp_path: Path,
) -> None:
    ledger, journal = _ledger(tmp_path)
    result = await ledger.follow(Ticket("job-1"), _answer, str.upper, gone=lambda _: False)
    assert result == "ANSWER"
    assert journal.holds_results() and _ids(journal) == ["job-1"]
    journal.release_collected()
    assert _ids(journal) == []


async def test_a_failed_job_is_forgotten(tmp_path: Path) -> None:
    ledger, journal = _ledger(tmp_path)

    def failed(_: str) -> str:
        raise ServerError("the job failed")

    with pytest.raises(ServerError):
        await ledger.follow(Ticket("job-1"), _answer, failed, gone=lambda _: False)
    assert _ids(journal) == []


async def test_a_job_the_service_lost_is_forgotten(tmp_path: Path) -> None:
    ledger, journal = _ledger(tmp_path)

    async def lost() -> str:
        raise _Gone("unknown job")

    with pytest.raises(_Gone):
        await ledger.follow(Ticket("job-1"), lost, str, gone=lambda e: isinstance(e, _Gone))
    assert _ids(journal) == []


async def test_network_trouble_keeps_the_job_and_says_how_to_collect_it(tmp_path: Path) -> None:
    ledger, journal = _ledger(tmp_path)

    async def offline() -> str:
        raise NetworkError("cannot connect", message_ko="연결할 수 없습니다")

    with pytest.raises(NetworkError) as caught:
        await ledger.follow(Ticket("job-1"), offline, str, gone=lambda _: False)
    assert "--resume" in (caught.value.fix or "") and "--resume" in (caught.value.fix_ko or "")
    assert _ids(journal) == ["job-1"]


@pytest.mark.parametrize("shutdown", [False, True])
async def test_cancelling_forgets_the_job_unless_the_app_is_closing(
    tmp_path: Path, shutdown: bool
) -> None:
    ledger, journal = _ledger(tmp_path)
    started = asyncio.Event()

    async def forever() -> str:
        started.set()
        await asyncio.Event().wait()
        return "never"

    task = asyncio.create_task(ledger.follow(Ticket("job-1"), forever, str, gone=lambda _: False))
    await started.wait()
    task.cancel(SHUTDOWN if shutdown else None)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _ids(journal) == (["job-1"] if shutdown else [])


async def test_a_restarted_job_is_followed_under_its_new_id(tmp_path: Path) -> None:
    ledger, journal = _ledger(tmp_path)
    ticket = Ticket("job-1")

    async def restarted() -> str:
        ticket.remote_id = "job-2"
        ledger.accepted("/audio.wav", OPTIONS, "job-2", None)
        raise ServerError("failed again")

    with pytest.raises(ServerError):
        await ledger.follow(ticket, restarted, str, gone=lambda _: True)
    assert _ids(journal) == []


def test_settings_are_read_one_way(tmp_path: Path) -> None:
    engine = _Engine(
        ProviderConfig(settings={"retry_attempts": 2, "retry_base_delay": 0.25, "timeout": "7"})
    )
    assert engine.retry_policy() == RetryPolicy(attempts=2, base_delay=0.25)
    assert engine.seconds_setting("timeout", 60.0) == 7.0
    assert engine.poll_interval(5.0) == 5.0
    bad = _Engine(ProviderConfig(settings={"poll_interval": 0}))
    with pytest.raises(ConfigurationError) as caught:
        bad.poll_interval()
    assert "poll_interval" in caught.value.message and caught.value.message_ko


def test_a_host_is_chosen_by_option_over_setting_and_endpoint_over_both() -> None:
    hosts = {"main": "https://main.example.invalid", "gov": "https://gov.example.invalid"}
    engine = _Engine(ProviderConfig(settings={"host": "gov"}))
    assert engine.chosen_host(None, hosts, "main") == hosts["gov"]
    chosen = TranscriptionOptions(extra={"host": "main"})
    assert engine.chosen_host(chosen, hosts, "main") == hosts["main"]
    pinned = _Engine(ProviderConfig(endpoint="http://127.0.0.1:9/", settings={"host": "gov"}))
    assert pinned.chosen_host(chosen, hosts, "main") == "http://127.0.0.1:9"
    with pytest.raises(ConfigurationError) as caught:
        _Engine(ProviderConfig(settings={"host": "moon"})).chosen_host(None, hosts, "main")
    assert "main, gov" in (caught.value.fix or "") and caught.value.message_ko
