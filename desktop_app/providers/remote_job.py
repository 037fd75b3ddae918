"""The HTTP job base: what the engines that talk to a REST service share.

:class:`HttpProvider` is the base of the HTTP engines (CLOVA CSR, CLOVA Speech, NHN, RTZR batch).
It picks the address (:meth:`HttpProvider.chosen_host`: ``--endpoint``, else a named host)
and reads the settings they all take — ``timeout``, ``retry_attempts`` / ``retry_base_delay``
(:meth:`HttpProvider.retry_policy`, backoff with jitter and ``Retry-After``, see
:func:`~desktop_app.providers.http.with_retries`) and ``poll_interval`` — the same way, opens
clients with deadlines and size caps, and sends requests with transport failures converted
(:meth:`HttpProvider.send`). Authentication is the engine's hook,
:meth:`HttpProvider.request_headers` (key headers); RTZR, which signs in for a bearer token,
authorises each request through :mod:`desktop_app.providers.rtzr.auth`.

Engines that create a job on the service and poll it (CLOVA Speech async, NHN URL tasks, RTZR
batch) also use:

* :func:`poll_job` — one polling loop: the engine's ``fetch`` coroutine asks for the job's state
  and its ``state`` hook says whether the answer is final or what progress to show; ``fetch`` may
  raise :class:`PollLater` to set the next pause itself (a service asking to poll slower).
* :class:`JobLedger` (``self.jobs``) — the journal of remote jobs: :meth:`JobLedger.accepted`
  writes a job down the moment the service names it, :meth:`JobLedger.follow` polls it and keeps
  the entry only while it may still be collected: ``collected`` once the engine has a result (the
  CLI or window forgets it after writing the outputs), forgotten when it failed for good, is
  unknown to the service or the user cancelled; after network trouble it stays, with a hint to
  ``sori transcribe --resume``.

All coroutines run on the engine loop thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from desktop_app.core.choices import unknown_choice
from desktop_app.core.errors import ConfigurationError, SoriError
from desktop_app.core.journal import JobJournal, RemoteJob, is_shutdown
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback
from desktop_app.providers.base import Provider
from desktop_app.providers.http import RetryPolicy, check_endpoint, make_client, send

T = TypeVar("T")
R = TypeVar("R")

RESUME_HINT = (
    "The job keeps running on the service: run 'sori transcribe --resume' later to collect it.",
    "작업은 서비스에서 계속 실행됩니다. 나중에 'sori transcribe --resume'으로 결과를 받으세요.",
)


class HttpProvider(Provider):
    """Base of the engines that send HTTP requests (engine loop thread)."""

    def chosen_host(
        self, options: TranscriptionOptions | None, hosts: Mapping[str, str], default: str
    ) -> str:
        """``--endpoint`` when given, else the base URL of the host named by the ``host``
        option (over the ``host`` setting, over ``default``)."""
        if self.config.endpoint:
            return check_endpoint(self.config.endpoint)
        if options is not None and "host" in options.extra:
            host = str(options.extra["host"])
        else:
            host = str(self.config.settings.get("host", default))
        if host not in hosts:
            raise unknown_choice(f"{self.name} host", f"{self.name} 호스트", host, hosts)
        return hosts[host]

    def request_headers(self) -> dict[str, str]:
        """The authentication hook: headers every request to the service carries (its keys,
        from the config or the keyring, and any fixed content or answer type). An engine with
        a sign-in step (RTZR) authorises each request through its token holder instead."""
        return {}

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy.from_settings(self.config.settings)

    def seconds_setting(self, key: str, default: float) -> float:
        """A positive number of seconds from the engine's settings, or a clear error."""
        raw = self.config.settings.get(key, default)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = -1.0
        if value <= 0:
            raise ConfigurationError(
                f"The {self.name} setting {key} must be a positive number of seconds, not {raw!r}",
                fix=f'Fix "{key}" in the settings file, or remove it (default {default:g}).',
                message_ko=f"{self.name} 설정 {key}은(는) 양의 초 단위 숫자여야 합니다({raw!r})",
                fix_ko=f'설정 파일의 "{key}"를 고치거나 지우세요(기본값 {default:g}).',
            )
        return value

    def poll_interval(self, default: float = 3.0) -> float:
        return self.seconds_setting("poll_interval", default)

    def client(self, base: str, *, timeout: float | None = None) -> httpx.AsyncClient:
        """A client for ``base`` waiting ``timeout`` seconds (default: the ``timeout`` setting,
        else 60) for each answer."""
        if timeout is None:
            timeout = self.seconds_setting("timeout", 60.0)
        return make_client(base, timeout=timeout)

    async def send(
        self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any
    ) -> httpx.Response:
        return await send(client, method, url, engine=self.name, **kwargs)

    @property
    def jobs(self) -> JobLedger:
        return JobLedger(self.config.journal, self.name)


class PollLater(Exception):
    """Raised by a ``fetch`` hook to skip this answer and poll again after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"poll again in {seconds:g} s")
        self.seconds = seconds


async def poll_job(
    fetch: Callable[[], Awaitable[T]],
    state: Callable[[T], Progress | None],
    *,
    interval: float | Callable[[], float],
    progress: ProgressCallback,
    first_wait: bool = False,
) -> T:
    """Ask for a job's state every ``interval`` seconds until ``state`` says the answer is
    final (returns None); otherwise report the progress it gives. ``interval`` may be a
    function, read before each pause, for an engine that slows down when asked to."""

    def pause() -> float:
        return interval() if callable(interval) else interval

    wait = pause() if first_wait else 0.0
    while True:
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            answer = await fetch()
        except PollLater as later:
            wait = later.seconds
            continue
        update = state(answer)
        if update is None:
            return answer
        progress(update)
        wait = pause()


@dataclass(slots=True)
class Ticket:
    """The service's id of a job being followed; an engine that restarts the job replaces it."""

    remote_id: str


@dataclass(frozen=True, slots=True)
class JobLedger:
    """One engine's view of the job journal (nothing is written when there is none)."""

    journal: JobJournal | None
    engine: str

    def find(self, source: str, options: TranscriptionOptions) -> RemoteJob | None:
        return self.journal.find(self.engine, source, options) if self.journal else None

    def accepted(
        self, source: str, options: TranscriptionOptions, remote_id: str, endpoint: str | None
    ) -> None:
        if self.journal is not None:
            self.journal.record(self.engine, source, options, remote_id, endpoint=endpoint)

    def forget(self, remote_id: str) -> None:
        if self.journal is not None:
            self.journal.finish(self.engine, remote_id)

    def collected(self, remote_id: str) -> None:
        """The result is in hand; the caller forgets the entry once it is saved."""
        if self.journal is not None:
            self.journal.collected(self.engine, remote_id)

    async def follow(
        self,
        ticket: Ticket,
        poll: Callable[[], Awaitable[T]],
        finish: Callable[[T], R],
        *,
        gone: Callable[[SoriError], bool],
    ) -> R:
        """Poll a journaled job to its end and turn the final answer into a result.

        ``poll`` returns the final answer; ``finish`` maps it (raising for a failed job, which
        is then forgotten). An error for which ``gone`` is true (the service no longer knows the
        job) or a cancellation by the user forgets it too; other errors leave it journaled and
        say how to collect it later."""
        try:
            answer = await poll()
        except asyncio.CancelledError as cancel:
            if not is_shutdown(cancel):
                self.forget(ticket.remote_id)
            raise
        except SoriError as exc:
            if gone(exc):
                self.forget(ticket.remote_id)
            elif self.journal is not None:
                exc.fix = f"{exc.fix or ''} {RESUME_HINT[0]}".strip()
                exc.fix_ko = f"{exc.fix_ko or ''} {RESUME_HINT[1]}".strip()
            raise
        try:
            result = finish(answer)
        except BaseException:
            self.forget(ticket.remote_id)
            raise
        self.collected(ticket.remote_id)
        return result
