"""``rtzr``: Return Zero (RTZR / VITO) batch speech-to-text for whole files.

Wire protocol (seeds/rtzr-batch-stt.txt, API-NOTES §5), all under one base URL
(``https://openapi.vito.ai``; ``--endpoint`` replaces it):

1. Sign in: ``POST /v1/authenticate`` → a bearer token, cached per process and refreshed
   shortly before it expires or after a 401 (:mod:`desktop_app.providers.rtzr.auth`).
2. ``POST /v1/transcribe``, ``multipart/form-data`` with a text part ``config`` (JSON, see
   :mod:`desktop_app.providers.rtzr.config`) and a file part ``file``, streamed from disk with
   byte progress → ``{"id": ...}``. Formats the service does not take are converted to FLAC first
   (:mod:`desktop_app.providers.rtzr.media`). The id is written to the job journal at once.
3. ``GET /v1/transcribe/{id}`` every ``poll_interval`` seconds (5 by default, the documented
   recommendation) until ``status`` is ``completed`` (``results.utterances``) or ``failed``
   (``error {code, message}``).

Rate limits: 429 A0003 (polling too fast) doubles the polling interval and polling goes on;
429 A0002 (too many jobs running for the organisation) waits with growing pauses and tries the
upload again; 429 A0001 (usage used up) fails at once. Network errors, 5xx and unreadable
answers are retried with backoff (settings ``retry_attempts``/``retry_base_delay``).

Utterances become segments (``start_at``/``duration`` ms → seconds), ``words`` become timed
words, and with diarization ``spk`` n becomes speaker ``"n"`` named ``화자 n+1``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

import httpx

from desktop_app.audio.decode import probe
from desktop_app.core.errors import (
    AudioError,
    RateLimitError,
    ServerError,
)
from desktop_app.core.journal import RemoteJob, options_from_dict
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback, ignore_progress
from desktop_app.core.service_times import (
    repair_times,
    service_number,
    service_text,
    unreadable_list_notice,
)
from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.providers.base import (
    MediaSource,
    check_options,
)
from desktop_app.providers.http import (
    ProgressFile,
    RetryPolicy,
    check_endpoint,
    create_remote_job,
    duplicate_job_notice,
    transport_error,
    with_retries,
)
from desktop_app.providers.registry import register
from desktop_app.providers.remote_job import HttpProvider, PollLater, Ticket, poll_job
from desktop_app.providers.rtzr.auth import DEFAULT_BASE_URL, RtzrAuth
from desktop_app.providers.rtzr.config import DETECTING, build_request_config
from desktop_app.providers.rtzr.descriptions import BATCH
from desktop_app.providers.rtzr.errors import (
    RemoteJobLostError,
    job_failure_error,
    rtzr_error,
)
from desktop_app.providers.rtzr.media import UploadFile, prepared_upload

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_INTERVAL = 5.0
MAX_POLL_INTERVAL = 60.0
MAX_SLOWDOWNS = 30  # consecutive A0003 answers before polling gives up
BUSY_ATTEMPTS = 10  # uploads refused with A0002 before giving up
MAX_BUSY_DELAY = 120.0
STATUSES = ("transcribing", "completed", "failed")


class _Backoff(Exception):
    """A 429 the caller paces itself (A0002, A0003); not a SoriError, so with_retries lets it
    through instead of spending its attempts on it."""

    def __init__(self, error: RateLimitError) -> None:
        super().__init__(error.message)
        self.error = error


def _unreadable(engine: str, what: str) -> ServerError:
    return ServerError(
        f"{engine}: the service sent {what} Sori cannot read",
        message_ko=f"{engine}: 서비스가 보낸 {what}을(를) 해석할 수 없습니다",
    )


def _checked_status(response: httpx.Response, engine: str) -> dict[str, Any]:
    """The body of a poll answer, checked enough that mapping it cannot fail later."""
    try:
        body = response.json()
    except ValueError:
        raise _unreadable(engine, "a status answer") from None
    if not isinstance(body, dict) or body.get("status") not in STATUSES:
        raise _unreadable(engine, "a status answer")
    if body["status"] == "completed":
        results = body.get("results")
        utterances = results.get("utterances") if isinstance(results, dict) else None
        if utterances is None and isinstance(results, dict):
            return body  # null: an empty result, with a notice (see to_transcript)
        if not isinstance(utterances, list) or not all(isinstance(u, dict) for u in utterances):
            raise _unreadable(engine, "a result")
    return body


def _words(items: Any) -> list[Word]:
    words: list[Word] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        start, length = service_number(item.get("start_at")), service_number(item.get("duration"))
        text = service_text(item.get("text"))
        if start is not None and length is not None and text:
            words.append(Word(start / 1000, (start + max(0, length)) / 1000, text))
    return words


def to_transcript(
    body: dict[str, Any],
    config: dict[str, Any],
    *,
    engine: str,
    source: str,
    duration: float | None,
) -> Transcript:
    """Map a ``completed`` answer onto the transcript model."""
    segments: list[Segment] = []
    speakers: dict[int, Speaker] = {}
    languages: list[str] = []
    utterances = body["results"].get("utterances")
    for utterance in utterances or []:
        start_ms = service_number(utterance.get("start_at"))
        length_ms = service_number(utterance.get("duration"))
        start = math.nan if start_ms is None else start_ms / 1000
        # Summed in milliseconds, so 5080 + 2280 ms ends at 7.36 s, not 7.359999.
        end = math.nan if start_ms is None or length_ms is None else (start_ms + length_ms) / 1000
        speaker_id: str | None = None
        spk = utterance.get("spk")
        if config["use_diarization"] and isinstance(spk, int) and not isinstance(spk, bool):
            speaker_id = str(spk)
            speakers.setdefault(spk, Speaker(speaker_id, f"화자 {spk + 1}"))
        if isinstance(utterance.get("lang"), str):
            languages.append(utterance["lang"])
        text = service_text(utterance.get("msg"))
        words = _words(utterance.get("words"))
        segments.append(Segment(start, end, text, speaker_id, None, words))
    segments.sort(key=lambda s: (s.start, s.end))
    language = config["language"]
    if language in DETECTING:
        language = languages[0] if languages else "ko"
    transcript = Transcript(
        segments=segments,
        speakers=[speakers[key] for key in sorted(speakers)],
        language=language,
        engine=engine,
        source=source,
        duration=duration,
    )
    if utterances is None:
        transcript.add_notice(unreadable_list_notice(engine, "utterances"))
    repair_times(transcript, duration)
    if transcript.duration is None and transcript.segments:
        transcript.duration = max(s.end for s in transcript.segments)
    return transcript


def _duration(path: Path) -> float | None:
    try:
        return probe(path).duration
    except AudioError:
        return None


@register
class RtzrProvider(HttpProvider):
    """Return Zero batch STT. Coroutines run on the engine loop thread; file conversion runs on
    a worker thread."""

    description = BATCH

    @classmethod
    def check_options(
        cls, options: TranscriptionOptions, source: MediaSource | None = None
    ) -> None:
        # The whisper model takes any ISO 639 code, so the language is checked per model below.
        check_options(replace(options, language=None), cls.capabilities, cls.name, source)
        build_request_config(options, cls.name)

    # -- settings ----------------------------------------------------------------------------
    def base_url(self) -> str:
        return check_endpoint(self.config.endpoint or DEFAULT_BASE_URL)

    def _auth(self, base: str) -> RtzrAuth:
        keys = self.credentials()
        return RtzrAuth(
            base,
            keys["client_id"],
            keys["client_secret"],
            engine=self.name,
            policy=self.retry_policy(),
        )

    def _client(self, base: str) -> httpx.AsyncClient:
        return self.client(base, timeout=self.seconds_setting("timeout", 120.0))

    # -- requests ----------------------------------------------------------------------------
    async def _request(
        self,
        client: httpx.AsyncClient,
        auth: RtzrAuth,
        send: Callable[[dict[str, str]], Awaitable[httpx.Response]],
        read: Callable[[httpx.Response], T],
        *,
        lost: list[bool] | None = None,
    ) -> T:
        """One authorised call, retried on transient errors; 429s go to the caller as _Backoff.
        With ``lost`` the call creates a job: a lost answer is retried once and noted there."""

        async def call() -> T:
            try:
                response = await auth.send(client, send)
            except httpx.HTTPError as exc:
                raise transport_error(exc, self.name) from None
            if response.status_code != 200:
                error = rtzr_error(response, self.name)
                if isinstance(error, RateLimitError) and error.transient:
                    raise _Backoff(error)
                raise error
            return read(response)

        if lost is None:
            return await with_retries(call, self.retry_policy())
        result, twice = await create_remote_job(call, self.retry_policy(), engine=self.name)
        lost.append(twice)
        return result

    async def _submit(
        self,
        client: httpx.AsyncClient,
        auth: RtzrAuth,
        upload: UploadFile,
        config: dict[str, Any],
        progress: ProgressCallback,
        lost: list[bool],
    ) -> str:
        """Upload the file with its config; returns the job id (``lost`` notes whether the
        upload's answer was lost and the upload repeated)."""
        config_text = json.dumps(config, ensure_ascii=False)

        async def send(headers: dict[str, str]) -> httpx.Response:
            with ProgressFile(upload.path, progress) as body:
                return await client.post(
                    "/v1/transcribe",
                    headers={**headers, "Accept": "application/json"},
                    data={"config": config_text},
                    files={"file": (upload.filename, cast(BinaryIO, body), upload.content_type)},
                )

        def read(response: httpx.Response) -> str:
            try:
                job_id = response.json()["id"]
            except (ValueError, KeyError, TypeError):
                raise _unreadable(self.name, "an upload answer") from None
            if not isinstance(job_id, str) or not job_id:
                raise _unreadable(self.name, "an upload answer")
            return job_id

        busy = RetryPolicy(
            attempts=int(self.config.settings.get("busy_attempts", BUSY_ATTEMPTS)),
            base_delay=self.poll_interval(POLL_INTERVAL),
            max_delay=MAX_BUSY_DELAY,
        )
        refusals = 0
        while True:
            try:
                return await self._request(client, auth, send, read, lost=lost)
            except _Backoff as backoff:
                refusals += 1
                if refusals >= busy.attempts:
                    raise backoff.error from None
                wait = busy.delay(refusals - 1, backoff.error.retry_after)
                log.info("%s: service busy (%s), uploading again in %.1f s",
                         self.name, backoff.error.code, wait)  # fmt: skip
                progress(Progress("queued", None, "the service is busy; waiting to upload"))
                await asyncio.sleep(wait)

    async def _collect(
        self,
        client: httpx.AsyncClient,
        auth: RtzrAuth,
        remote_id: str,
        progress: ProgressCallback,
        *,
        first_wait: bool,
    ) -> dict[str, Any]:
        """Poll a journaled job until it is ``completed`` (returns that answer) or ``failed``;
        see :meth:`JobLedger.follow` for when its journal entry goes."""

        async def send(headers: dict[str, str]) -> httpx.Response:
            return await client.get(
                f"/v1/transcribe/{remote_id}", headers={**headers, "Accept": "application/json"}
            )

        def read(response: httpx.Response) -> dict[str, Any]:
            return _checked_status(response, self.name)

        interval = self.poll_interval(POLL_INTERVAL)
        slowdowns = 0

        async def fetch() -> dict[str, Any]:
            nonlocal interval, slowdowns
            try:
                body = await self._request(client, auth, send, read)
            except _Backoff as backoff:
                slowdowns += 1
                if slowdowns > MAX_SLOWDOWNS:
                    raise backoff.error from None
                interval = min(MAX_POLL_INTERVAL, interval * 2)
                wait = min(MAX_POLL_INTERVAL, max(interval, backoff.error.retry_after or 0.0))
                log.info("%s: polling too fast; next poll in %.1f s", self.name, wait)
                raise PollLater(wait) from None
            slowdowns = 0
            return body

        def state(body: dict[str, Any]) -> Progress | None:
            if body["status"] != "transcribing":
                return None
            return Progress("processing", None, "transcribing")

        def poll() -> Awaitable[dict[str, Any]]:
            # A slowdown lengthens the pause for good, so the interval is read before each one.
            return poll_job(
                fetch, state, interval=lambda: interval, progress=progress, first_wait=first_wait
            )

        def finish(body: dict[str, Any]) -> dict[str, Any]:
            if body["status"] == "failed":
                raise job_failure_error(body.get("error"), self.name)
            progress(Progress("done", 1.0))
            return body

        progress(Progress("queued", None, "waiting for the service"))
        return await self.jobs.follow(
            Ticket(remote_id),
            poll,
            finish,
            gone=lambda exc: isinstance(exc, RemoteJobLostError),
        )

    async def check_connection(self) -> None:
        """Sign in afresh (a cached token would prove nothing new): a token proves the
        address, the Client ID and the Client Secret."""
        base = self.base_url()
        auth = self._auth(base)
        auth.forget()
        async with self._client(base) as client:
            await auth.token(client)

    # -- Provider ----------------------------------------------------------------------------
    async def transcribe_file(
        self, path: Path, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        config = build_request_config(options, self.name)
        base = self.base_url()
        auth = self._auth(base)
        async with self._client(base) as client:
            earlier = self.jobs.find(str(path), options)
            if earlier is not None:
                log.info("%s: resuming journaled job for %s", self.name, path.name)
                try:
                    body = await self._collect(
                        client, auth, earlier.remote_id, progress, first_wait=False
                    )
                except RemoteJobLostError:
                    log.info("%s: the journaled job is gone; uploading again", self.name)
                else:
                    duration = await asyncio.to_thread(_duration, path)
                    return to_transcript(
                        body, config, engine=self.name, source=path.name, duration=duration
                    )
            lost: list[bool] = []
            async with prepared_upload(path, progress) as upload:
                remote_id = await self._submit(client, auth, upload, config, progress, lost)
                self.jobs.accepted(str(path), options, remote_id, self.config.endpoint)
                duration = upload.duration
            log.info("%s: job accepted", self.name)
            body = await self._collect(client, auth, remote_id, progress, first_wait=True)
        transcript = to_transcript(
            body, config, engine=self.name, source=path.name, duration=duration
        )
        if any(lost):
            transcript.add_notice(duplicate_job_notice(self.name))
        return transcript

    async def resume(
        self, job: RemoteJob, progress: ProgressCallback = ignore_progress
    ) -> Transcript:
        options = options_from_dict(job.options)
        config = build_request_config(options, self.name)
        base = check_endpoint(job.endpoint) if job.endpoint else self.base_url()
        auth = self._auth(base)
        async with self._client(base) as client:
            body = await self._collect(client, auth, job.remote_id, progress, first_wait=False)
        path = Path(job.source)
        duration = await asyncio.to_thread(_duration, path) if path.is_file() else None
        return to_transcript(body, config, engine=self.name, source=path.name, duration=duration)
