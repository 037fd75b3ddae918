"""``clova-speech``: NAVER Cloud CLOVA Speech long-form recognition, and its short-form API.

Long form, under the user's InvokeURL (``https://clovaspeech-gw.ncloud.com/external/v1/{domain
id}/{invoke key}``; ``--endpoint``, ``SORI_CLOVA_SPEECH_INVOKE_URL`` or ``"endpoint"`` in the
engine's settings) with the domain's secret in ``X-CLOVASPEECH-API-KEY``:

* ``POST /recognizer/upload`` — multipart: part ``media`` (the file, streamed from disk with
  byte progress) and part ``params`` (JSON, part type ``application/json``);
* ``POST /recognizer/url`` — JSON ``{"url": ..., **params}`` for a public URL;
* ``POST /recognizer/object-storage`` — JSON ``{"dataKey": ..., **params}`` for a file in the
  Object Storage bucket linked to the domain (command line: ``obs://KEY``);
* ``GET /recognizer/{token}`` — ``result`` ``WAITING``/``PROCESSING`` (with ``progress`` 0–100)
  until ``COMPLETED``, ``FAILED`` or ``TIMEOUT``.

Completion (params and the choice are in :mod:`clova_speech_params`): ``sync`` keeps one request
open until the result comes back, with a read timeout scaled to the audio's length (setting
``sync_timeout`` overrides it); nothing is journaled because the service names no job before the
end, and a dropped connection means sending again. ``async`` (chosen when a callback URL or
``resultToObs`` is configured, or by ``--option completion=async``) gets a token at once, writes
it to the job journal, and polls every ``poll_interval`` seconds (default 3) showing the
service's progress. A later run with the same file and options, or ``sori transcribe --resume``,
polls the journaled token instead of uploading again; a cancelled job is forgotten. The service
POSTs the result to the callback too, which Sori does not need.

Short form: ``POST {origin}/recog/v1/stt?lang=Kor|Eng|Jpn|Chn`` with raw audio
(``application/octet-stream``, at most 60 s) where ``origin`` is the InvokeURL's scheme and host
(setting ``short_endpoint`` overrides; ``https://clovaspeech-gw.ncloud.com`` without an
InvokeURL). :meth:`ClovaSpeechProvider.recognize_short` sends one clip (for live mode);
``--option mode=short`` transcribes a file in pieces cut at pauses, like ``clova-csr``
(see :mod:`clova_speech_short`).

Settings: ``completion`` (auto|sync|async), ``callback_url``, ``result_to_obs``,
``poll_interval``, ``sync_timeout``, ``short_endpoint``, ``concurrency`` (short form, default 4),
``retry_attempts``/``retry_base_delay``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import quote, urlsplit

import httpx

from desktop_app.audio.decode import probe
from desktop_app.core.errors import (
    AudioError,
    ConfigurationError,
    NetworkError,
    SoriError,
    UnsupportedOptionError,
)
from desktop_app.core.journal import RemoteJob, options_from_dict
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback, ignore_progress
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import (
    MediaSource,
    ProviderConfig,
    check_options,
    normalise_language,
)
from desktop_app.providers.clova import speech_short as short
from desktop_app.providers.clova.descriptions import SPEECH
from desktop_app.providers.clova.speech_errors import TOKEN_INVALID, job_error, speech_error
from desktop_app.providers.clova.speech_params import (
    build_params,
    check_engine_options,
    completion_plan,
    long_language,
    recognizer_mode,
    short_language,
)
from desktop_app.providers.clova.speech_result import read_body, to_transcript, unreadable
from desktop_app.providers.http import (
    ProgressFile,
    ResponseLostError,
    check_endpoint,
    create_remote_job,
    duplicate_job_notice,
    make_client,
    not_the_service,
    transport_error,
    with_retries,
)
from desktop_app.providers.registry import register
from desktop_app.providers.remote_job import HttpProvider, Ticket, poll_job

log = logging.getLogger(__name__)

API_KEY_HEADER = "X-CLOVASPEECH-API-KEY"
JSON_TYPE = "application/json;UTF-8"  # what the official client sends
ACCEPT_TIMEOUT = 300.0  # async: the answer that carries the token, after the upload
UNKNOWN_LENGTH_SYNC_TIMEOUT = 7200.0
OBS_PREFIX = "obs://"
FINAL_STATES = ("COMPLETED", "FAILED", "TIMEOUT")


def journal_source(source: MediaSource) -> str:
    """How a source is written in the job journal (and given back to ``sori transcribe``)."""
    if source.path is not None:
        return str(source.path)
    if source.url is not None:
        return source.url
    return f"{OBS_PREFIX}{source.data_key}"


def source_from_journal(text: str) -> MediaSource:
    if text.startswith(OBS_PREFIX):
        return MediaSource(data_key=text[len(OBS_PREFIX) :])
    if text.startswith(("http://", "https://")):
        return MediaSource(url=text)
    return MediaSource(path=Path(text))


def upload_name(path: Path) -> str:
    """The part's file name: the real one when plain ASCII, else ``media`` + the extension."""
    name = path.name
    if name.isascii() and name.isprintable() and '"' not in name:
        return name
    suffix = path.suffix.lower()
    return "media" + (suffix if suffix.isascii() and suffix.isprintable() else "")


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class _SyncTimedOut(Exception):
    """A synchronous job gave no answer in time (kept outside SoriError so it is not retried:
    the service is still working, and sending the file again would double the work)."""


@dataclass(slots=True)
class _Job:
    """What one long-form job needs while it runs on the engine loop."""

    source: MediaSource
    options: TranscriptionOptions
    params: dict[str, Any]
    base: str
    headers: dict[str, str]
    duration: float | None
    progress: ProgressCallback
    sent_twice: bool = False  # the job request's answer was lost once and it was sent again


@register
class ClovaSpeechProvider(HttpProvider):
    """CLOVA Speech long-form and short-form. Coroutines run on the engine loop thread."""

    description = SPEECH

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self._short_clients = short.ClientPerLoop()

    @classmethod
    def check_options(
        cls, options: TranscriptionOptions, source: MediaSource | None = None
    ) -> None:
        check_options(options, cls.capabilities, cls.name, source)
        check_engine_options(options)
        if source is not None and recognizer_mode(options) == "short" and source.kind != "file":
            raise UnsupportedOptionError(
                f"{source.kind} input", cls.name, detail="mode=short takes local files only"
            )

    # -- configuration -------------------------------------------------------------------------
    def invoke_url(self) -> str:
        """The long-form base URL, or a clear error saying where to set it."""
        if not self.config.endpoint:
            raise ConfigurationError(
                f"{self.name} needs the InvokeURL of your CLOVA Speech domain",
                fix="Copy it from the domain's Builder page in the NAVER Cloud console and pass "
                '--endpoint URL, set SORI_CLOVA_SPEECH_INVOKE_URL, or put it as "endpoint" '
                "under engines → clova-speech in Sori's settings file.",
                message_ko=f"{self.name}에는 CLOVA Speech 도메인의 InvokeURL이 필요합니다",
                fix_ko="NAVER Cloud 콘솔의 도메인 빌더 화면에서 복사한 뒤 --endpoint URL로 주거나, "
                "SORI_CLOVA_SPEECH_INVOKE_URL을 설정하거나, Sori 설정 파일의 engines → "
                'clova-speech 아래 "endpoint"로 넣으세요.',
            )
        return check_endpoint(self.config.endpoint)

    def short_form_url(self) -> str:
        configured = self.config.settings.get("short_endpoint")
        if configured:
            return check_endpoint(str(configured))
        if self.config.endpoint:
            parts = urlsplit(check_endpoint(self.config.endpoint))
            return f"{parts.scheme}://{parts.netloc}"
        return short.DEFAULT_ORIGIN

    def request_headers(self) -> dict[str, str]:
        return {API_KEY_HEADER: self.credentials()["secret"], "Accept": JSON_TYPE}

    def _sync_timeout(self, duration: float | None) -> float:
        if "sync_timeout" in self.config.settings:
            return self.seconds_setting("sync_timeout", UNKNOWN_LENGTH_SYNC_TIMEOUT)
        if duration is None:
            return UNKNOWN_LENGTH_SYNC_TIMEOUT
        return max(300.0, 120.0 + duration)

    # -- long form -----------------------------------------------------------------------------
    async def transcribe_source(
        self, source: MediaSource, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        if recognizer_mode(options) == "short":
            if source.path is None:
                raise AssertionError("unreachable: check_options refuses non-file short input")
            return await self._transcribe_short(source.path, options, progress)
        base = self.invoke_url()
        plan = completion_plan(options, self.config.settings)
        params = build_params(options, plan)
        headers = self.request_headers()
        duration: float | None = None
        if source.path is not None:
            # Refuse what is not media here rather than after a long upload.
            progress(Progress("decoding", None, "checking the file"))
            duration = (await asyncio.to_thread(probe, source.path)).duration
        job = _Job(source, options, params, base, headers, duration, progress)
        async with self.client(base) as client:
            if plan.completion == "sync":
                return self._finished(await self._submit(client, job, sync=True), job)
            return await self._run_async(client, job)

    async def resume(
        self, job: RemoteJob, progress: ProgressCallback = ignore_progress
    ) -> Transcript:
        """Poll a journaled job (after a crash or restart) and collect its result."""
        base = check_endpoint(job.endpoint) if job.endpoint else self.invoke_url()
        source = source_from_journal(job.source)
        duration: float | None = None
        if source.path is not None and source.path.is_file():
            try:
                duration = (await asyncio.to_thread(probe, source.path)).duration
            except AudioError:
                duration = None
        context = _Job(
            source,
            options_from_dict(job.options),
            {},
            base,
            self.request_headers(),
            duration,
            progress,
        )
        progress(Progress("queued", None, "resuming an accepted job"))
        async with self.client(base) as client:
            return await self._collect(client, context, job.remote_id)

    async def _submit(self, client: httpx.AsyncClient, job: _Job, *, sync: bool) -> dict[str, Any]:
        """Send the job (upload, URL or data key); returns the answer body."""
        read_timeout = self._sync_timeout(job.duration) if sync else ACCEPT_TIMEOUT
        timeout = httpx.Timeout(60.0, connect=15.0, read=read_timeout)
        after = Progress("processing", None, "recognising") if sync else Progress("queued")

        async def call() -> dict[str, Any]:
            try:
                response = await self._post(client, job, timeout, after)
            except httpx.ReadTimeout:
                if sync:
                    raise _SyncTimedOut from None
                raise ResponseLostError(
                    f"{self.name}: the service did not confirm the job in time",
                    message_ko=f"{self.name}: 서비스가 제시간에 작업 접수를 확인하지 않았습니다",
                ) from None
            except httpx.HTTPError as exc:
                raise transport_error(exc, self.name) from None
            if response.status_code != 200:
                raise speech_error(response)
            return read_body(response)

        try:
            body, job.sent_twice = await create_remote_job(
                call, self.retry_policy(), engine=self.name
            )
            return body
        except _SyncTimedOut:
            raise NetworkError(
                f"{self.name}: no result after {read_timeout:.0f} s of synchronous recognition",
                fix="Use asynchronous completion (set a callback URL or result_to_obs; Sori then "
                'polls and can resume), or raise "sync_timeout" in the engine\'s settings.',
                message_ko=f"{self.name}: 동기 인식에서 {read_timeout:.0f}초 동안 결과가 없습니다",
                fix_ko="비동기 완료(콜백 URL 또는 result_to_obs 설정, Sori가 상태를 확인하고 이어서 "
                '받을 수 있음)를 쓰거나 엔진 설정의 "sync_timeout"을 늘리세요.',
            ) from None

    async def _post(
        self, client: httpx.AsyncClient, job: _Job, timeout: httpx.Timeout, after: Progress
    ) -> httpx.Response:
        source = job.source
        if source.path is not None:
            uploaded = False

            def report(update: Progress) -> None:
                nonlocal uploaded
                if uploaded:
                    return
                job.progress(update)
                if update.fraction is not None and update.fraction >= 1.0:
                    uploaded = True
                    job.progress(after)

            with ProgressFile(source.path, report) as media:
                kind = mimetypes.guess_type(source.path.name)[0] or "application/octet-stream"
                files: dict[str, tuple[str | None, BinaryIO | bytes, str]] = {
                    "media": (upload_name(source.path), cast(BinaryIO, media), kind),
                    "params": (None, json_bytes(job.params), "application/json"),
                }
                return await client.post(
                    "/recognizer/upload", files=files, headers=job.headers, timeout=timeout
                )
        if source.url is not None:
            path, body = "/recognizer/url", {"url": source.url, **job.params}
        else:
            path, body = "/recognizer/object-storage", {"dataKey": source.data_key, **job.params}
        job.progress(after)
        headers = {**job.headers, "Content-Type": JSON_TYPE}
        return await client.post(path, content=json_bytes(body), headers=headers, timeout=timeout)

    async def _run_async(self, client: httpx.AsyncClient, job: _Job) -> Transcript:
        label = journal_source(job.source)
        earlier = self.jobs.find(label, job.options)
        if earlier is not None and earlier.endpoint == job.base:
            job.progress(Progress("queued", None, "resuming an accepted job"))
            try:
                return await self._collect(client, job, earlier.remote_id)
            except SoriError as exc:
                if exc.code != TOKEN_INVALID:
                    raise
                log.info("journaled %s job is unknown to the service; sending again", label)
        accepted = await self._submit(client, job, sync=False)
        token = accepted.get("token")
        if not isinstance(token, str) or not token:
            if str(accepted.get("result") or "").upper() in ("FAILED", "TIMEOUT"):
                raise job_error(accepted, job.source.kind)
            raise unreadable("an answer without a job token")
        self.jobs.accepted(label, job.options, token, job.base)
        return await self._collect(client, job, token)

    async def _collect(self, client: httpx.AsyncClient, job: _Job, token: str) -> Transcript:
        """Poll until the job ends; keep the journal entry only while it may still be collected."""
        path = f"/recognizer/{quote(token, safe='')}"
        policy = self.retry_policy()

        async def fetch() -> dict[str, Any]:
            async def call() -> dict[str, Any]:
                response = await self.send(client, "GET", path, headers=job.headers)
                if response.status_code != 200:
                    raise speech_error(response)
                return read_body(response)

            return await with_retries(call, policy)

        def poll() -> Awaitable[dict[str, Any]]:
            return poll_job(fetch, _state, interval=self.poll_interval(), progress=job.progress)

        return await self.jobs.follow(
            Ticket(token),
            poll,
            lambda body: self._finished(body, job),
            gone=lambda exc: exc.code == TOKEN_INVALID,
        )

    def _finished(self, body: dict[str, Any], job: _Job) -> Transcript:
        """The transcript of a final answer; a failed job raises its error."""
        state = str(body.get("result") or "").upper()
        if state != "COMPLETED":
            if state in ("FAILED", "TIMEOUT"):
                raise job_error(body, job.source.kind)
            raise unreadable(f"a result in state '{state or '?'}'")
        job.progress(Progress("processing", 1.0))
        source = job.source.path.name if job.source.path is not None else job.source.label
        language = normalise_language(long_language(job.options.language))
        transcript = to_transcript(body, source=source, language=language, duration=job.duration)
        if job.sent_twice:
            transcript.add_notice(duplicate_job_notice(self.name))
        return transcript

    async def check_connection(self) -> None:
        """Ask for a job that cannot exist: the service saying it does not know the token
        proves the InvokeURL and the secret (a wrong key gives 401, a wrong InvokeURL the
        gateway's not-found code 300)."""
        headers = self.request_headers()
        async with self.client(self.invoke_url(), timeout=30.0) as client:
            response = await self.send(
                client, "GET", "/recognizer/sori-connection-check", headers=headers
            )
        error = speech_error(response) if response.status_code != 200 else None
        if error is not None and error.code == TOKEN_INVALID:
            return  # only the speech service itself, past its key check, says this
        if error is not None and (error.code is not None or response.status_code in (401, 403)):
            raise error
        raise not_the_service(self.name, response.status_code, "InvokeURL")

    # -- short form ----------------------------------------------------------------------------
    async def recognize_short(self, data: bytes, lang: str = "ko") -> str:
        """One clip to text with the short-form API: ``data`` is a complete audio file (WAV,
        MP3, FLAC, ... — wrap raw PCM with :func:`desktop_app.audio.encode.encode_pcm`) of at
        most 60 s; ``lang`` is ko/en/ja/zh or Kor/Eng/Jpn/Chn. Retries transient failures."""
        code = short_language(lang)
        client = self._short_clients.get(self.short_form_url())
        return await short.post_clip(
            client, data, code, self.request_headers(), self.retry_policy()
        )

    async def _transcribe_short(
        self, path: Path, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        lang = short_language(options.language)
        headers = self.request_headers()
        async with make_client(self.short_form_url()) as client:
            return await short.transcribe_file(
                client,
                path,
                lang,
                headers,
                self.retry_policy(),
                language=normalise_language(options.language or "ko"),
                progress=progress,
                concurrency=int(self.config.settings.get("concurrency", 4)),
            )

    async def aclose(self) -> None:
        await self._short_clients.aclose()


def _state(body: dict[str, Any]) -> Progress | None:
    """None for a job that has ended, else the progress to show."""
    state = str(body.get("result") or "").upper()
    if state in FINAL_STATES:
        return None
    if state == "WAITING":
        return Progress("queued")
    return Progress("processing", _fraction(body.get("progress")))


def _fraction(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return max(0.0, min(1.0, float(value) / 100.0))
