"""Emulator of NHN Cloud Speech to Text v2.0 (API-NOTES §4, seeds/nhn-cloud-stt-v2.txt).

One server stands for both hosts (``api-speech.nhncloudservice.com`` and the former
``speech.api.nhncloudservice.com``: identical paths). Under ``/v2.0/appkeys/{appKey}``:
``POST /stt`` (multipart: file part ``audio`` + zero or more text parts ``biasingList``),
``POST /stt/async`` (JSON ``{"audioUrl": str, "biasingList": [str]}``), ``GET
/stt/async/{taskId}/status`` and ``GET /stt/async/{taskId}/retry``.

Every answer is HTTP 200 with ``{"header": {"isSuccessful", "resultCode", "resultMessage"}}``
(messages exactly as in NHN's error-code table), except injected faults: ``rate_limit`` → HTTP 429
and ``http_error(s)`` → HTTP ``s``, both with the header body (``resultCode`` = the status),
502/503/504 → an HTML page. How each documented code is reached:

* 404 unknown path (message "Please check your API Url, HTTP Method."), 405 known path with the
  wrong method (e.g. POST …/retry), 415 wrong Content-Type (``/stt`` needs multipart/form-data,
  ``/stt/async`` application/json), 401 no ``Authorization`` header, 4010001 wrong appKey or
  secret (the header is the raw secret key, no scheme).
* 4000001 missing ``audio`` part / ``audioUrl``, a body that is not valid multipart/JSON, or a
  ``biasingList`` item without ``_`` between two non-empty halves (one pair of surrounding double
  quotes is stripped first, as ``curl -F 'biasingList="a_b"'`` may send them).
* 4000004 empty audio; 4000002 more than ``limits.max_bytes`` (150 MiB; for ``audioUrl`` the
  download size); 4000201 undecodable; 4000003 decodable but not WAV/WebM(Matroska)/MP3/OGG/FLAC/
  AAC/AC3 or with a video track; 4000202 decoded length > 3600 s; 4000203 < 0.36 s; 4000204 no
  voiced region (silence). 5000005 ``audioUrl`` could not be downloaded.
* 4010002 ``taskId`` that is not a UUID; 4010006 unknown ``taskId``.
* Every other code (−1, 400, 403, 4010003–5, 4010007–8, 5000001–5, 5004001–4): only through
  ``faults.provider_error(code)`` or ``faults.job_failure(code=…)`` (default 5004001).

Sync result (``result``): ``inputLength`` (decoded seconds, 3 decimals), ``fileType`` (FFmpeg
decoder name, e.g. ``mp3float``, ``pcm_s16le``), ``text`` [str], ``timeslot`` [{``startTime``,
``endTime``} as strings of ms], ``confidence`` [0.95]: one entry per segment of
:mod:`tests.emulators.recognition`, keyword = the part before the first ``_`` of the first
``biasingList`` item. No diarization.

Async: ``POST /stt/async`` → ``taskId`` (UUID); the download and recognition run in the
background. The k-th status poll answers ``taskStatus`` ``PENDING`` for k ≤ ``pending_polls``
(default 1), ``IN_PROGRESS`` for the next ``in_progress_polls`` (default 1), then ``COMPLETED``
with ``result`` — or ``FAILED``, in which case ([?] our choice) the header is unsuccessful and
carries the reason (e.g. 4000204). ``…/retry`` starts a new task for the same input and answers
``{"result": {"taskId": new}}``.
"""

from __future__ import annotations

import asyncio
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import web

from tests.emulators import audio
from tests.emulators.audio import AudioAnalysis, UndecodableAudio
from tests.emulators.credentials import NHN_APP_KEY, NHN_SECRET_KEY
from tests.emulators.recognition import recognize
from tests.emulators.server import (
    BadBody,
    BaseEmulator,
    FetchFailed,
    FetchTooLarge,
    content_type_is,
    json_response,
    read_json,
    read_multipart,
)

NHN_MESSAGES: dict[int, str] = {
    0: "Success",
    -1: "Unknown error.",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Please check your API Url, HTTP Method.",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    4000001: "Invalid parameter.",
    4000002: "Max upload file size exceeded.",
    4000003: "Invalid file type.",
    4000004: "Uploaded file is empty.",
    4000201: "Invalid audio file.",
    4000202: "Audio length is too long.",
    4000203: "Audio length is too short.",
    4000204: "Speech not detected.",
    4010001: "Invalid appKey or secretKey.",
    4010002: "Invalid uuid.",
    4010003: "Not allowed user.",
    4010004: "Invalid project.",
    4010005: "Unauthorized role.",
    4010006: "Invalid async id.",
    4010007: "Invalid token.",
    4010008: "Permission denied.",
    5000001: "Internal Api fail.",
    5000002: "Error parsing fail.",
    5000003: "Database server error.",
    5000004: "All or some resource delete fail.",
    5000005: "File read fail.",
    5004001: "Speech-To-Text Api fail.",
    5004002: "Speech-To-Text Api returned empty body.",
    5004003: "Speech-To-Text Api failed to convert speech to text.",
    5004004: "Speech-To-Text Api failed to read the audio file",
}
NHN_CONTAINERS = frozenset(
    {audio.WAV, audio.MATROSKA_WEBM, audio.MP3, audio.OGG, audio.FLAC, audio.AAC, audio.AC3}
)
PREFIX = "/v2.0/appkeys/{appKey}/stt"


@dataclass
class NhnLimits:
    """Documented limits (sync and async alike); tests may lower them."""

    max_bytes: int = 150 * 1024 * 1024
    max_seconds: float = 3600.0
    min_seconds: float = 0.36


class NhnRejected(Exception):
    """The request or its audio fails with NHN ``code``."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass
class NhnTask:
    """One async task; created and advanced on the server loop."""

    task_id: str
    audio_url: str
    biasing: list[str]
    task: asyncio.Task[dict[str, Any]] | None = None
    polls: int = 0
    outcome: dict[str, Any] | None = field(default=None, repr=False)


def header(code: int = 0, message: str | None = None) -> dict[str, Any]:
    return {
        "header": {
            "isSuccessful": code == 0,
            "resultCode": code,
            "resultMessage": message or NHN_MESSAGES.get(code, "Error"),
        }
    }


def answer(code: int = 0, message: str | None = None, **extra: Any) -> web.Response:
    return json_response({**header(code, message), **extra})


def parse_biasing(items: Iterable[Any]) -> list[str]:
    """Validate ``biasingList`` items; raises :class:`NhnRejected` (4000001)."""
    result = []
    for raw in items:
        if not isinstance(raw, str):
            raise NhnRejected(4000001)
        item = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
        answer_part, sep, recognised = item.partition("_")
        if not sep or not answer_part or not recognised:
            raise NhnRejected(4000001)
        result.append(item)
    return result


class NhnEmulator(BaseEmulator):
    """NHN STT v2.0 emulator; handlers run on the server loop, knobs may be set from tests."""

    name = "nhn"
    known_error_codes: ClassVar[tuple[str, ...]] = tuple(str(c) for c in NHN_MESSAGES if c)

    def __init__(self) -> None:
        super().__init__()
        self.limits = NhnLimits()
        self.pending_polls = 1
        self.in_progress_polls = 1
        self.tasks: dict[str, NhnTask] = {}

    # -- BaseEmulator ----------------------------------------------------------------------
    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post(PREFIX, self._sync)
        router.add_post(PREFIX + "/async", self._async)
        router.add_get(PREFIX + "/async/{taskId}/status", self._status)
        router.add_get(PREFIX + "/async/{taskId}/retry", self._retry)

    def credentials(self) -> dict[str, str]:
        return {"appKey": NHN_APP_KEY, "Authorization (secretKey)": NHN_SECRET_KEY}

    def endpoints(self, base_url: str) -> dict[str, str]:
        root = f"{base_url}/v2.0/appkeys/{NHN_APP_KEY}/stt"
        return {
            "sync (POST multipart audio+biasingList)": root,
            "async (POST JSON audioUrl)": f"{root}/async",
            "status (GET)": f"{root}/async/{{taskId}}/status",
            "retry (GET)": f"{root}/async/{{taskId}}/retry",
        }

    def status_error(self, status: int) -> web.Response:
        return json_response(header(status), status=status)

    def code_error(self, code: str) -> web.Response:
        return answer(int(code))

    def not_found(self, request: web.Request) -> web.Response:
        return answer(404)

    def method_not_allowed(self, request: web.Request) -> web.Response:
        return answer(405)

    # -- handlers --------------------------------------------------------------------------
    def _auth_code(self, request: web.Request) -> int:
        secret = request.headers.get("Authorization")
        if secret is None:
            return 401
        key_ok = hmac.compare_digest(request.match_info["appKey"].encode(), NHN_APP_KEY.encode())
        secret_ok = hmac.compare_digest(secret.encode(), NHN_SECRET_KEY.encode())
        return 0 if key_ok and secret_ok else 4010001

    async def _sync(self, request: web.Request) -> web.Response:
        try:
            if code := self._auth_code(request):
                raise NhnRejected(code)
            if not content_type_is(request, "multipart/form-data"):
                raise NhnRejected(415)
            try:
                parts = await read_multipart(request, {"audio"}, self.limits.max_bytes)
            except BadBody as exc:
                raise NhnRejected(4000001) from exc
            media = next((p for p in parts if p.name == "audio"), None)
            if media is None:
                raise NhnRejected(4000001)
            biasing = parse_biasing(p.text() for p in parts if p.name == "biasingList")
            if media.size == 0:
                raise NhnRejected(4000004)
            if media.truncated:
                raise NhnRejected(4000002)
            result = await self._recognise(media.data, biasing)
        except NhnRejected as rejected:
            return answer(rejected.code, rejected.message)
        return answer(0, result=result)

    async def _recognise(self, data: bytes, biasing: list[str]) -> dict[str, Any]:
        """Check the audio and recognise it; raises :class:`NhnRejected`."""
        if not data:
            raise NhnRejected(4000004)
        try:
            analysis = await asyncio.to_thread(audio.analyze, data)
        except UndecodableAudio as exc:
            raise NhnRejected(4000201) from exc
        if analysis.container not in NHN_CONTAINERS or analysis.has_video:
            raise NhnRejected(4000003)
        if analysis.duration > self.limits.max_seconds:
            raise NhnRejected(4000202)
        if analysis.duration < self.limits.min_seconds:
            raise NhnRejected(4000203)
        if not analysis.regions:
            raise NhnRejected(4000204)
        failure = self.faults.take_job_failure()
        if failure is not None:
            raise NhnRejected(int(failure.code or 5004001), failure.message)
        return _result(analysis, biasing)

    async def _async(self, request: web.Request) -> web.Response:
        try:
            if code := self._auth_code(request):
                raise NhnRejected(code)
            if not content_type_is(request, "application/json"):
                raise NhnRejected(415)
            try:
                body = await read_json(request)
            except BadBody as exc:
                raise NhnRejected(4000001) from exc
            if not isinstance(body, dict):
                raise NhnRejected(4000001)
            audio_url = body.get("audioUrl")
            if not isinstance(audio_url, str) or not audio_url:
                raise NhnRejected(4000001)
            raw_biasing = body.get("biasingList")
            if raw_biasing is not None and not isinstance(raw_biasing, list):
                raise NhnRejected(4000001)
            biasing = parse_biasing(raw_biasing or [])
        except NhnRejected as rejected:
            return answer(rejected.code, rejected.message)
        task = self._start(audio_url, biasing)
        return answer(0, taskId=task.task_id)

    def _start(self, audio_url: str, biasing: list[str]) -> NhnTask:
        task = NhnTask(task_id=str(uuid.uuid4()), audio_url=audio_url, biasing=biasing)
        self.tasks[task.task_id] = task
        task.task = self.spawn(self._process(task))
        return task

    async def _process(self, task: NhnTask) -> dict[str, Any]:
        try:
            try:
                data = await self.fetch(task.audio_url, self.limits.max_bytes)
            except FetchTooLarge as exc:
                raise NhnRejected(4000002) from exc
            except FetchFailed as exc:
                raise NhnRejected(5000005) from exc
            result = await self._recognise(data, task.biasing)
        except NhnRejected as rejected:
            outcome = {
                **header(rejected.code, rejected.message),
                "taskId": task.task_id,
                "taskStatus": "FAILED",
            }
        else:
            outcome = {**header(0), "taskId": task.task_id, "taskStatus": "COMPLETED"}
            outcome["result"] = result
        task.outcome = outcome
        return outcome

    def _find(self, request: web.Request) -> NhnTask:
        if code := self._auth_code(request):
            raise NhnRejected(code)
        task_id = request.match_info["taskId"]
        try:
            uuid.UUID(task_id)
        except ValueError as exc:
            raise NhnRejected(4010002) from exc
        task = self.tasks.get(task_id)
        if task is None or task.task is None:
            raise NhnRejected(4010006)
        return task

    async def _status(self, request: web.Request) -> web.Response:
        try:
            task = self._find(request)
        except NhnRejected as rejected:
            return answer(rejected.code)
        task.polls += 1
        if task.polls <= self.pending_polls:
            return answer(0, taskId=task.task_id, taskStatus="PENDING")
        if task.polls <= self.pending_polls + self.in_progress_polls:
            return answer(0, taskId=task.task_id, taskStatus="IN_PROGRESS")
        assert task.task is not None
        return json_response(await asyncio.shield(task.task))

    async def _retry(self, request: web.Request) -> web.Response:
        try:
            old = self._find(request)
        except NhnRejected as rejected:
            return answer(rejected.code)
        task = self._start(old.audio_url, old.biasing)
        return answer(0, result={"taskId": task.task_id})


def _result(analysis: AudioAnalysis, biasing: list[str]) -> dict[str, Any]:
    keyword = biasing[0].partition("_")[0] if biasing else None
    segments = recognize(analysis.regions, keyword=keyword)
    return {
        "inputLength": round(analysis.duration, 3),
        "fileType": analysis.codec,
        "text": [s.text for s in segments],
        "timeslot": [{"startTime": str(s.start_ms), "endTime": str(s.end_ms)} for s in segments],
        "confidence": [s.confidence for s in segments],
    }
