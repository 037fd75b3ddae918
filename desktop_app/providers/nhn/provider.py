"""``nhn``: NHN Cloud Speech to Text, API v2.0.

Wire protocol, under ``{host}/v2.0/appkeys/{appKey}`` with the header ``Authorization:
{secretKey}`` (the raw key, no scheme):

* ``POST /stt`` — multipart/form-data: the file part ``audio`` and one text part
  ``biasingList`` per biasing entry (``ANSWER_RECOGNIZED``, e.g. ``차단기_차단계``).
* ``POST /stt/async`` — JSON ``{"audioUrl": ..., "biasingList": [...]}`` for audio the service
  downloads itself; the answer carries ``taskId``.
* ``GET /stt/async/{taskId}/status`` — ``taskStatus`` PENDING, IN_PROGRESS, COMPLETED (with
  ``result``) or FAILED; ``GET /stt/async/{taskId}/retry`` starts the task again and answers
  ``{"result": {"taskId": new}}``.

Every answer is HTTP 200; the outcome is in ``header`` (``isSuccessful``, ``resultCode``,
``resultMessage``), mapped by :mod:`desktop_app.providers.nhn.errors`. ``result`` holds parallel
arrays ``text`` / ``timeslot`` (``startTime``/``endTime`` in milliseconds, sent as strings) /
``confidence``; each index becomes one :class:`Segment`.

Local files go up in one request, streamed from disk, when the service takes them as they are
(WAV, WebM, MP3, OGG, FLAC, AAC, AC3; no video track; at most 150 MB and 3600 s). Anything else
(M4A, MP4, MKV, AMR, longer or larger files) is decoded, cut at pauses into pieces of at most
140 s, encoded as FLAC and sent a few at a time (:mod:`desktop_app.providers.chunked`); the
pieces' timeslots are shifted to their place in the file. Pieces that short fit the limits the
service had before July 2026 (10 MB / 150 s, perhaps still those of the former host) and keep
memory low; per-utterance timeslots make the extra cuts invisible. Should the service reject a
file Sori judged acceptable (an unusual encoding, or those older limits), it goes again in pieces.

Public URLs use the asynchronous API. The ``taskId`` is written to the job journal as soon as the
service accepts it, so a restarted Sori polls the same task instead of starting another. A FAILED
task is restarted with ``…/retry`` once, unless its input caused the failure.

"No speech detected" (4000204) gives an empty transcript, not an error: a silent recording has
truthfully no text, every other engine (local, CSR) also answers silence with an empty result,
and in a batch one quiet file should not count as a failure.

Settings: ``host`` = ``current`` (default) or ``former``; ``poll_interval`` (3 s);
``concurrency`` (2 pieces in flight); ``timeout`` (900 s to wait for one answer);
``retry_attempts`` / ``retry_base_delay``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from desktop_app.audio.decode import MediaInfo, probe
from desktop_app.core.errors import SoriError
from desktop_app.core.journal import RemoteJob, options_from_dict
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback, ignore_progress
from desktop_app.core.service_times import (
    repair_times,
    service_number,
    unreadable_list_notice,
)
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import (
    MediaSource,
)
from desktop_app.providers.chunked import EncodedPiece, transcribe_in_pieces
from desktop_app.providers.http import (
    ProgressFile,
    check_endpoint,
    create_remote_job,
    duplicate_job_notice,
    with_retries,
)
from desktop_app.providers.nhn.description import HOSTS, MAX_BYTES, MAX_SECONDS, NHN
from desktop_app.providers.nhn.errors import (
    AUDIO_TOO_LONG,
    AUDIO_TOO_SHORT,
    FILE_TOO_LARGE,
    INPUT_FAILURES,
    INVALID_AUDIO_FILE,
    INVALID_FILE_TYPE,
    SPEECH_NOT_DETECTED,
    NhnTaskLostError,
    check_header,
    header_code,
    nhn_error,
    response_body,
    unreadable_answer,
)
from desktop_app.providers.nhn.results import segments_from_result
from desktop_app.providers.registry import register
from desktop_app.providers.remote_job import HttpProvider, Ticket, poll_job

log = logging.getLogger(__name__)

MIN_SECONDS = 0.36
PIECE_TARGET_SECONDS = 100.0
PIECE_MAX_SECONDS = 140.0  # under the former 150 s per-request limit
PIECE_MAX_BYTES = 10_000_000  # the former 10 MB limit; 140 s of FLAC is about 3 MB

# FFmpeg container name → (file name suffix, MIME type) for files sent as they are.
DIRECT_FORMATS: dict[str, tuple[str, str]] = {
    "wav": (".wav", "audio/wav"),
    "mp3": (".mp3", "audio/mpeg"),
    "ogg": (".ogg", "audio/ogg"),
    "flac": (".flac", "audio/flac"),
    "aac": (".aac", "audio/aac"),
    "ac3": (".ac3", "audio/ac3"),
    "matroska,webm": (".webm", "audio/webm"),
}
WEBM_CODECS = frozenset({"opus", "vorbis"})
PIECE_TYPES = {"flac": ("flac", "audio/flac"), "mp3": ("mp3", "audio/mpeg")}
# Refusals of a whole file that converting it, or shorter requests, can get round.
PIECES_MAY_CURE = frozenset({FILE_TOO_LARGE, AUDIO_TOO_LONG, INVALID_FILE_TYPE, INVALID_AUDIO_FILE})


def sendable_as_is(info: MediaInfo) -> bool:
    """Whether the service accepts the file's format without conversion."""
    if info.has_video or info.container not in DIRECT_FORMATS:
        return False
    if info.container == "wav":
        return info.codec.startswith("pcm_")
    if info.container == "matroska,webm":
        # FFmpeg names Matroska and WebM alike; only true WebM audio counts.
        return info.path.suffix.lower() == ".webm" and info.codec in WEBM_CODECS
    return True


def fits_one_request(info: MediaInfo, size: int) -> bool:
    """Whether the file can be uploaded unchanged in a single synchronous request."""
    if not sendable_as_is(info) or size > MAX_BYTES:
        return False
    return info.duration is None or info.duration <= MAX_SECONDS


def _code(exc: SoriError) -> int | None:
    try:
        return int(exc.code) if exc.code is not None else None
    except ValueError:
        return None


def _after_upload(progress: ProgressCallback) -> ProgressCallback:
    """Pass upload progress on, then say "processing" once the last byte has gone."""
    announced = False

    def report(update: Progress) -> None:
        nonlocal announced
        if announced and update.stage == "uploading":
            return  # the end-of-file read repeats 100 %; the stage has moved on
        progress(update)
        if update.stage == "uploading" and (update.fraction or 0.0) >= 1.0:
            announced = True
            progress(Progress("processing", None))

    return report


@dataclass(frozen=True, slots=True)
class _Session:
    """One configured connection: client, base URL, the app key's path and the auth header."""

    client: httpx.AsyncClient
    base: str
    root: str
    headers: dict[str, str]


@register
class NhnProvider(HttpProvider):
    """NHN Cloud Speech to Text v2.0. Coroutines run on the engine loop thread."""

    description = NHN

    # -- configuration ---------------------------------------------------------------------
    def base_url(self, options: TranscriptionOptions | None = None) -> str:
        """``--endpoint`` if given, else the chosen host (option over setting)."""
        return self.chosen_host(options, HOSTS, "current")

    def request_headers(self) -> dict[str, str]:
        return {"Authorization": self.credentials()["secret"].strip()}  # the raw key, no scheme

    @asynccontextmanager
    async def _session(self, base: str) -> AsyncIterator[_Session]:
        root = f"/v2.0/appkeys/{quote(self.credentials()['appkey'].strip(), safe='')}/stt"
        async with self.client(base, timeout=self.seconds_setting("timeout", 900.0)) as client:
            yield _Session(client, base, root, self.request_headers())

    # -- entry points ----------------------------------------------------------------------
    async def transcribe_source(
        self, source: MediaSource, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        base = self.base_url(options)
        async with self._session(base) as session:
            if source.path is not None:
                return await self._transcribe_file(session, source.path, options, progress)
            assert source.url is not None  # check_options refused every other kind
            return await self._transcribe_url(session, source.url, options, progress)

    async def resume(
        self, job: RemoteJob, progress: ProgressCallback = ignore_progress
    ) -> Transcript:
        options = options_from_dict(job.options)
        base = check_endpoint(job.endpoint) if job.endpoint else self.base_url(options)
        async with self._session(base) as session:
            return await self._transcribe_url(
                session, job.source, options, progress, known_task=job.remote_id
            )

    # -- requests --------------------------------------------------------------------------
    async def _ask(self, session: _Session, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.send(session.client, method, url, headers=session.headers, **kwargs)
        return response_body(response, self.name)

    async def _recognise(
        self,
        session: _Session,
        audio: Path | bytes,
        filename: str,
        content_type: str,
        biasing: Sequence[str],
        progress: ProgressCallback = ignore_progress,
    ) -> dict[str, Any]:
        """One synchronous request (retried when it may help); returns ``result``."""
        data = {"biasingList": list(biasing)} if biasing else None

        async def call() -> dict[str, Any]:
            files: dict[str, tuple[str, Any, str]]
            if isinstance(audio, Path):
                with ProgressFile(audio, _after_upload(progress)) as handle:
                    files = {"audio": (filename, handle, content_type)}
                    body = await self._ask(session, "POST", session.root, files=files, data=data)
            else:
                files = {"audio": (filename, audio, content_type)}
                body = await self._ask(session, "POST", session.root, files=files, data=data)
            check_header(body, self.name)
            result = body.get("result")
            if not isinstance(result, dict):
                raise unreadable_answer(self.name)
            return result

        return await with_retries(call, self.retry_policy())

    def _transcript(
        self, result: dict[str, Any] | None, source: str, duration: float | None
    ) -> Transcript:
        length = service_number(result.get("inputLength")) if result is not None else None
        transcript = Transcript(
            segments=segments_from_result(result) if result is not None else [],
            language="ko",
            engine=self.name,
            source=source,
            duration=length if length is not None else duration,
        )
        if result is not None and "text" in result and result["text"] is None:
            transcript.add_notice(unreadable_list_notice(self.name, "texts"))
        repair_times(transcript, duration if duration is not None else length)
        return transcript

    async def check_connection(self) -> None:
        """Ask for the status of a task that cannot exist: "unknown task" (4010006) proves the
        host, the app key and the secret key; wrong keys give 4010001."""
        async with self._session(self.base_url()) as session:
            url = f"{session.root}/async/00000000-0000-0000-0000-000000000000/status"
            body = await self._ask(session, "GET", url)
        try:
            check_header(body, self.name)
        except NhnTaskLostError:
            return

    # -- local files -----------------------------------------------------------------------
    async def _transcribe_file(
        self,
        session: _Session,
        path: Path,
        options: TranscriptionOptions,
        progress: ProgressCallback,
    ) -> Transcript:
        info = await asyncio.to_thread(probe, path)
        if info.duration is not None and info.duration < MIN_SECONDS:
            raise nhn_error(AUDIO_TOO_SHORT, self.name)
        if fits_one_request(info, path.stat().st_size):
            suffix, content_type = DIRECT_FORMATS[info.container]
            try:
                result = await self._recognise(
                    session, path, "audio" + suffix, content_type, options.biasing, progress
                )
            except SoriError as exc:
                code = _code(exc)
                if code == SPEECH_NOT_DETECTED:
                    log.info("nhn: no speech in %s", path.name)
                    return self._transcript(None, path.name, info.duration)
                if code not in PIECES_MAY_CURE:
                    raise
                log.info("nhn: the service refused %s whole (%s); sending pieces", path.name, code)
            else:
                return self._transcript(result, path.name, info.duration)
        return await self._transcribe_pieces(session, path, options, progress)

    async def _transcribe_pieces(
        self,
        session: _Session,
        path: Path,
        options: TranscriptionOptions,
        progress: ProgressCallback,
    ) -> Transcript:
        async def recognise(piece: EncodedPiece) -> Transcript:
            # The piece maker falls back to MP3 when FLAC would be too large.
            kind = "flac" if piece.data[:4] == b"fLaC" else "mp3"
            suffix, content_type = PIECE_TYPES[kind]
            name = f"piece-{piece.index:04d}.{suffix}"
            try:
                result = await self._recognise(
                    session, piece.data, name, content_type, options.biasing
                )
            except SoriError as exc:
                # A stretch of noise, or a sliver at the end: nothing to say, not a failure.
                if _code(exc) in (SPEECH_NOT_DETECTED, AUDIO_TOO_SHORT):
                    return Transcript()
                raise
            return Transcript(segments=segments_from_result(result))

        return await transcribe_in_pieces(
            path,
            recognise,
            engine=self.name,
            language="ko",
            progress=progress,
            concurrency=int(self.config.settings.get("concurrency", 2)),
            target_seconds=PIECE_TARGET_SECONDS,
            max_seconds=PIECE_MAX_SECONDS,
            max_bytes=PIECE_MAX_BYTES,
            options_key=f"{session.client.base_url}|{sorted(options.biasing)}",
        )

    # -- URLs (asynchronous tasks) ---------------------------------------------------------
    async def _transcribe_url(
        self,
        session: _Session,
        url: str,
        options: TranscriptionOptions,
        progress: ProgressCallback,
        *,
        known_task: str | None = None,
    ) -> Transcript:
        if known_task is None:
            found = self.jobs.find(url, options)
            known_task = found.remote_id if found is not None else None
        if known_task is not None:
            try:
                result = await self._follow(session, known_task, url, options, progress)
            except NhnTaskLostError as exc:
                log.info("nhn: task %s is gone (%s); starting a new one", known_task, exc.code)
            else:
                return self._transcript(result, url, None)
        task_id, sent_twice = await self._start_task(session, url, options.biasing)
        self.jobs.accepted(url, options, task_id, session.base)
        progress(Progress("queued", None))
        result = await self._follow(session, task_id, url, options, progress)
        transcript = self._transcript(result, url, None)
        if sent_twice:
            transcript.add_notice(duplicate_job_notice(self.name))
        return transcript

    async def _start_task(
        self, session: _Session, url: str, biasing: Sequence[str]
    ) -> tuple[str, bool]:
        """Create an asynchronous task; returns its id and whether the request went twice."""
        payload: dict[str, Any] = {"audioUrl": url}
        if biasing:
            payload["biasingList"] = list(biasing)

        async def call() -> str:
            body = await self._ask(session, "POST", f"{session.root}/async", json=payload)
            check_header(body, self.name)
            task_id = body.get("taskId")
            if not isinstance(task_id, str) or not task_id:
                raise unreadable_answer(self.name)
            return task_id

        return await create_remote_job(call, self.retry_policy(), engine=self.name)

    async def _status(self, session: _Session, task_id: str) -> dict[str, Any]:
        url = f"{session.root}/async/{quote(task_id, safe='')}/status"

        async def call() -> dict[str, Any]:
            body = await self._ask(session, "GET", url)
            status = body.get("taskStatus")
            if status == "FAILED":  # its header is unsuccessful and says why
                return body
            check_header(body, self.name)
            if status == "COMPLETED" and not isinstance(body.get("result"), dict):
                raise unreadable_answer(self.name)
            return body

        return await with_retries(call, self.retry_policy())

    async def _restart_task(self, session: _Session, task_id: str) -> str:
        url = f"{session.root}/async/{quote(task_id, safe='')}/retry"

        async def call() -> str:
            body = await self._ask(session, "GET", url)
            check_header(body, self.name)
            result = body.get("result")
            new_id = result.get("taskId") if isinstance(result, dict) else None
            if not isinstance(new_id, str) or not new_id:
                raise unreadable_answer(self.name)
            return new_id

        return await with_retries(call, self.retry_policy())

    async def _follow(
        self,
        session: _Session,
        task_id: str,
        url: str,
        options: TranscriptionOptions,
        progress: ProgressCallback,
    ) -> dict[str, Any] | None:
        """Poll a task to its end; the result, or None when the audio holds no speech.

        A FAILED task is started again once (same journal entry, new id) unless its input
        caused the failure. See :meth:`JobLedger.follow` for when the journal entry goes."""
        ticket = Ticket(task_id)

        async def poll() -> dict[str, Any]:
            restarted = False
            while True:
                body = await poll_job(
                    lambda: self._status(session, ticket.remote_id),
                    _task_state,
                    interval=self.poll_interval(),
                    progress=progress,
                )
                _, code, _ = header_code(body)
                if body.get("taskStatus") == "COMPLETED" or restarted:
                    return body
                if code == SPEECH_NOT_DETECTED or code in INPUT_FAILURES:
                    return body
                log.info("nhn: task %s failed (%s); retrying it once", ticket.remote_id, code)
                ticket.remote_id = await self._restart_task(session, ticket.remote_id)
                restarted = True
                self.jobs.accepted(url, options, ticket.remote_id, session.base)

        return await self.jobs.follow(
            ticket, poll, self._outcome, gone=lambda exc: isinstance(exc, NhnTaskLostError)
        )

    def _outcome(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The result of an ended task; None for no speech; a failure raises its error."""
        if body.get("taskStatus") == "COMPLETED":
            result: dict[str, Any] = body["result"]
            return result
        successful, code, message = header_code(body)
        if code == SPEECH_NOT_DETECTED:
            return None
        raise nhn_error(-1 if successful else code, self.name, service_message=message)


def _task_state(body: dict[str, Any]) -> Progress | None:
    status = body.get("taskStatus")
    if status in ("COMPLETED", "FAILED"):
        return None
    return Progress("queued" if status == "PENDING" else "processing", None)
