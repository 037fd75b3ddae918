"""Emulator of Naver Cloud CLOVA Speech: long-form recognition under an InvokeURL, and the
short-form ``POST /recog/v1/stt`` (API-NOTES §2, seeds/clova-speech-overview.txt).

Paths (``I`` = :data:`~tests.emulators.credentials.CLOVA_INVOKE_PATH`, i.e. the InvokeURL is
``base_url + I``): ``POST I/recognizer/upload`` (multipart: file part ``media`` + text part
``params`` JSON), ``POST I/recognizer/url`` (JSON ``url`` + params keys), ``POST
I/recognizer/object-storage`` (JSON ``dataKey`` or ``datakey`` + params keys), ``GET
I/recognizer/{token}``, and ``POST /recog/v1/stt?lang=…`` (short form). Every request needs
``X-CLOVASPEECH-API-KEY: CLOVA_SPEECH_SECRET`` (else 401 ``"401"`` Invalid secret).

Error bodies ([?] in the docs; our choice): ``{"code": C, "message": M}`` plus ``"detail"`` for
parameter problems — ``"400"`` Invalid request parameters (400; missing ``media``/``params``/
``url``/``dataKey``, params not JSON, wrong option type/value), ``"401"``, ``STT002`` (wrong
Content-Type: upload needs multipart/form-data, url/object-storage need application/json, short
form needs application/octet-stream), ``STT004``/``STT005`` (language), ``STT000`` 413 (upload
larger than the ``max_upload_bytes`` knob, unlimited by default: the docs give no limit),
``ERROR_TOKEN_INVALID`` 404 (unknown token), ``ERROR_TOO_MANY_JOBS`` 429 (injected rate limit),
``STT999`` 500. Paths outside the InvokeURL get the NCP API Gateway 404 of :mod:`clova_csr`.
The short form applies the CSR rules of :mod:`tests.emulators.clova_csr` (STT000–STT007).

Jobs. Problems with the media itself do not fail the request: the job ends ``FAILED`` with
``message`` ``ERROR_AUDIO_EMPTY`` (no bytes), ``ERROR_AUDIO_CONVERSION`` (undecodable, or a
format outside MP3/AAC/AC3/OGG/FLAC/WAV/M4A/AVI/MP4/MOV/WMV/FLV/MKV/WebM) or
``ERROR_DATA_NOT_FOUND`` (URL download failed, unknown object-storage key). ``sync`` answers
HTTP 200 with the final body (``COMPLETED`` or ``FAILED``). ``async`` answers
``{"result": "SUCCEEDED", "message": "Succeeded", "token": T}`` ([?] shape) and processes in the
background; the k-th ``GET I/recognizer/T`` answers ``WAITING`` for k ≤ ``waiting_polls``
(default 1), then ``PROCESSING`` with ``progress = round(100*j/(processing_polls+1))`` for the
next ``processing_polls`` (default 1) polls, then the final body. When a ``callback`` is set, the
final body is POSTed there as JSON; :attr:`ClovaSpeechEmulator.callbacks` records deliveries.
``faults.job_failure(code=..., message=...)``: code ``"TIMEOUT"`` gives ``result: "TIMEOUT"``,
anything else ``"FAILED"``; message defaults to ``ERROR_INTERNAL_ERROR``.

COMPLETED body: ``result, message "Succeeded", token, version, params`` (echo, see
:mod:`clova_params`), ``progress 100, segments, text, confidence, speakers``. Each segment:
``start, end`` (ms), ``text, confidence, words`` (``[[startMs, endMs, word], …]``; ``[]`` when
``wordAlignment`` is false), ``textEdited``, and with diarization ``diarization.label`` and
``speaker {label, name, edited}`` with label ``str(speaker + 1)`` and name ``"A"``, ``"B"``, …
``speakers`` lists the speakers that occur (``[]`` without diarization). ``fullText: false``
drops top-level ``text`` and ``confidence``. ``sed.enable`` adds empty ``events``/``eventTypes``.
Transcript rule: :mod:`tests.emulators.recognition` with the keyword/forbidden/speaker rules of
:mod:`clova_params`.

Short-form success: ``{"text": …, "quota": ceil(duration / 15)}``; with ``assessment=true``
(``lang=Eng`` only) ``assessment_score`` = round(100 × voiced seconds / duration) and
``assessment_details``; with ``graph=true`` ``ref_graph``/``usr_graph`` = the 50-per-second
loudness envelope (0–100) of the upload.
"""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import aiohttp
from aiohttp import web

from tests.emulators import audio
from tests.emulators.audio import AudioAnalysis, UndecodableAudio
from tests.emulators.clova_csr import (
    GATEWAY_ERRORS,
    STT_ERRORS,
    ShortFormLimits,
    ShortFormRejected,
    check_short_form,
    header_matches,
)
from tests.emulators.clova_params import ClovaParams, ParamsRejected, parse_params
from tests.emulators.credentials import CLOVA_DOMAIN_ID, CLOVA_INVOKE_PATH, CLOVA_SPEECH_SECRET
from tests.emulators.recognition import CONFIDENCE, full_text, recognize
from tests.emulators.server import (
    BadBody,
    BaseEmulator,
    FetchFailed,
    content_type_is,
    json_response,
    read_json,
    read_multipart,
)

API_KEY_HEADER = "X-CLOVASPEECH-API-KEY"
LONG_FORM_CONTAINERS = frozenset(
    {
        audio.WAV,
        audio.MP3,
        audio.OGG,
        audio.FLAC,
        audio.AAC,
        audio.AC3,
        audio.MP4_FAMILY,
        audio.MATROSKA_WEBM,
        audio.AVI,
        audio.ASF,
        audio.FLV,
    }
)
SPEECH_ERRORS: dict[str, tuple[int, str]] = {
    "400": (400, "Invalid request parameters"),
    "401": (401, "Invalid secret"),
    **STT_ERRORS,
    "ERROR_TOKEN_INVALID": (404, "Token does not exist"),
    "ERROR_TOO_MANY_JOBS": (429, "Too many jobs"),
}
NO_LIMIT = 1 << 40
MediaGetter = Callable[[], Awaitable[bytes]]


@dataclass
class CallbackDelivery:
    """One attempt to POST a final body to a job's callback URL."""

    url: str
    token: str
    status: int | None
    error: str | None


@dataclass
class ClovaJob:
    """One recognition job; created and advanced on the server loop."""

    token: str
    number: int
    params: ClovaParams
    source: str
    task: asyncio.Task[dict[str, Any]] | None = None
    polls: int = 0
    body: dict[str, Any] | None = field(default=None, repr=False)


class ClovaSpeechEmulator(BaseEmulator):
    """CLOVA Speech emulator; handlers run on the server loop, knobs may be set from tests."""

    name = "clova_speech"
    known_error_codes: ClassVar[tuple[str, ...]] = tuple(SPEECH_ERRORS)

    def __init__(self) -> None:
        super().__init__()
        self.short_limits = ShortFormLimits()
        self.max_upload_bytes: int | None = None
        self.waiting_polls = 1
        self.processing_polls = 1
        self.require_callback_for_async = True
        self.jobs: dict[str, ClovaJob] = {}
        self.objects: dict[str, bytes] = {}
        self.callbacks: list[CallbackDelivery] = []

    def put_object(self, data_key: str, data: bytes) -> None:
        """Register a file as if it were in Object Storage under ``data_key``."""
        self.objects[data_key] = data

    # -- BaseEmulator ----------------------------------------------------------------------
    def add_routes(self, router: web.UrlDispatcher) -> None:
        base = f"{CLOVA_INVOKE_PATH}/recognizer"
        router.add_post(f"{base}/upload", self._upload)
        router.add_post(f"{base}/url", self._url)
        router.add_post(f"{base}/object-storage", self._object_storage)
        router.add_get(base + "/{token}", self._status)
        router.add_post("/recog/v1/stt", self._short_form)

    def credentials(self) -> dict[str, str]:
        return {API_KEY_HEADER: CLOVA_SPEECH_SECRET, "InvokeURL path": CLOVA_INVOKE_PATH}

    def endpoints(self, base_url: str) -> dict[str, str]:
        invoke = base_url + CLOVA_INVOKE_PATH
        return {
            "InvokeURL": invoke,
            "upload (POST multipart media+params)": f"{invoke}/recognizer/upload",
            "url (POST JSON)": f"{invoke}/recognizer/url",
            "object storage (POST JSON)": f"{invoke}/recognizer/object-storage",
            "status (GET)": f"{invoke}/recognizer/{{token}}",
            "short form (POST, ?lang=Kor|Eng|Jpn|Chn)": f"{base_url}/recog/v1/stt",
        }

    def status_error(self, status: int) -> web.Response:
        codes = {400: "400", 401: "401", 413: "STT000", 429: "ERROR_TOO_MANY_JOBS", 500: "STT999"}
        if status in codes:
            return self.code_error(codes[status])
        if status == 404:
            return self.not_found_body()
        return json_response({"code": str(status), "message": "Error"}, status=status)

    def code_error(self, code: str, detail: str | None = None) -> web.Response:
        status, message = SPEECH_ERRORS[code]
        body: dict[str, Any] = {"code": code, "message": message}
        if detail:
            body["detail"] = detail
        return json_response(body, status=status)

    def not_found(self, request: web.Request) -> web.Response:
        return self.not_found_body()

    def not_found_body(self) -> web.Response:
        status, message, details = GATEWAY_ERRORS["300"]
        body = {"error": {"errorCode": "300", "message": message, "details": details}}
        return json_response(body, status=status)

    # -- long form -------------------------------------------------------------------------
    def _authorised(self, request: web.Request) -> bool:
        return header_matches(request, API_KEY_HEADER, CLOVA_SPEECH_SECRET)

    async def _upload(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self.code_error("401")
        if not content_type_is(request, "multipart/form-data"):
            return self.code_error("STT002")
        cap = self.max_upload_bytes if self.max_upload_bytes is not None else NO_LIMIT
        try:
            parts = await read_multipart(request, {"media"}, cap)
        except BadBody as exc:
            return self.code_error("400", str(exc))
        media = next((p for p in parts if p.name == "media"), None)
        params_part = next((p for p in parts if p.name == "params"), None)
        if media is None:
            return self.code_error("400", "the multipart part 'media' is missing")
        if params_part is None:
            return self.code_error("400", "the multipart part 'params' is missing")
        if media.truncated:
            return self.code_error("STT000")
        try:
            raw = json.loads(params_part.text())
        except ValueError:
            return self.code_error("400", "ERROR_PARAMS_FORMAT_INVALID: params is not JSON")
        data = media.data
        return await self._start(raw, "upload", lambda: _ready(data))

    async def _url(self, request: web.Request) -> web.Response:
        return await self._json_source(request, "url", ("url",))

    async def _object_storage(self, request: web.Request) -> web.Response:
        return await self._json_source(request, "object-storage", ("dataKey", "datakey"))

    async def _json_source(
        self, request: web.Request, source: str, keys: tuple[str, ...]
    ) -> web.Response:
        if not self._authorised(request):
            return self.code_error("401")
        if not content_type_is(request, "application/json"):
            return self.code_error("STT002")
        try:
            raw = await read_json(request)
        except BadBody as exc:
            return self.code_error("400", f"ERROR_PARAMS_FORMAT_INVALID: {exc}")
        if not isinstance(raw, dict):
            return self.code_error("400", "the body must be a JSON object")
        location = next((raw[k] for k in keys if raw.get(k) is not None), None)
        if not isinstance(location, str) or not location:
            return self.code_error("400", f"{keys[0]} must be a non-empty string")
        if source == "url":
            cap = self.max_upload_bytes if self.max_upload_bytes is not None else NO_LIMIT
            return await self._start(raw, source, lambda: self.fetch(location, cap))
        return await self._start(raw, source, lambda: self._object(location))

    async def _object(self, key: str) -> bytes:
        if key not in self.objects:
            raise FetchFailed(f"no object {key!r}")
        return self.objects[key]

    async def _start(self, raw: Any, source: str, media: MediaGetter) -> web.Response:
        try:
            params = parse_params(raw, require_callback_for_async=self.require_callback_for_async)
        except ParamsRejected as rejected:
            detail = rejected.detail if rejected.code == "400" else None
            return self.code_error(rejected.code, detail)
        job = ClovaJob(
            token=uuid.uuid4().hex, number=len(self.jobs) + 1, params=params, source=source
        )
        self.jobs[job.token] = job
        job.task = self.spawn(self._process(job, media))
        if params.completion == "sync":
            return json_response(await job.task)
        return json_response({"result": "SUCCEEDED", "message": "Succeeded", "token": job.token})

    async def _process(self, job: ClovaJob, media: MediaGetter) -> dict[str, Any]:
        failure = self.faults.take_job_failure()
        try:
            data = await media()
        except FetchFailed:
            body = self._failed(job, "ERROR_DATA_NOT_FOUND")
        else:
            body = await self._recognise(job, data)
        if failure is not None:
            result = "TIMEOUT" if failure.code == "TIMEOUT" else "FAILED"
            body = self._failed(job, failure.message or "ERROR_INTERNAL_ERROR", result)
        job.body = body
        if job.params.completion == "async" and job.params.callback:
            self.spawn(self._deliver(job.params.callback, job.token, body))
        return body

    async def _recognise(self, job: ClovaJob, data: bytes) -> dict[str, Any]:
        if not data:
            return self._failed(job, "ERROR_AUDIO_EMPTY")
        try:
            analysis = await asyncio.to_thread(audio.analyze, data)
        except UndecodableAudio:
            return self._failed(job, "ERROR_AUDIO_CONVERSION")
        if analysis.container not in LONG_FORM_CONTAINERS:
            return self._failed(job, "ERROR_AUDIO_CONVERSION")
        return self._completed(job, analysis)

    def _echo(self, job: ClovaJob) -> dict[str, Any]:
        return job.params.echo(task_id=job.number, token=job.token, domain_id=CLOVA_DOMAIN_ID)

    def _failed(self, job: ClovaJob, message: str, result: str = "FAILED") -> dict[str, Any]:
        return {
            "result": result,
            "message": message,
            "token": job.token,
            "version": "ncp_v2_sori_emulator",
            "params": self._echo(job),
            "progress": 0,
            "segments": [],
            "speakers": [],
        }

    def _completed(self, job: ClovaJob, analysis: AudioAnalysis) -> dict[str, Any]:
        params = job.params
        recognized = recognize(
            analysis.regions,
            keyword=params.keyword(),
            forbidden=params.forbidden_words(),
            speakers=params.speakers(),
        )
        segments = []
        speaker_ids: set[int] = set()
        for seg in recognized:
            item: dict[str, Any] = {
                "start": seg.start_ms,
                "end": seg.end_ms,
                "text": seg.text,
                "confidence": seg.confidence,
                "words": [[w.start_ms, w.end_ms, w.text] for w in seg.words]
                if params.word_alignment
                else [],
                "textEdited": seg.text,
            }
            if seg.speaker is not None:
                speaker_ids.add(seg.speaker)
                item["diarization"] = {"label": str(seg.speaker + 1)}
                item["speaker"] = _speaker(seg.speaker)
            segments.append(item)
        body: dict[str, Any] = {
            "result": "COMPLETED",
            "message": "Succeeded",
            "token": job.token,
            "version": "ncp_v2_sori_emulator",
            "params": self._echo(job),
            "progress": 100,
            "segments": segments,
            "speakers": [
                {k: v for k, v in _speaker(s).items() if k != "edited"} for s in sorted(speaker_ids)
            ],
        }
        if params.full_text:
            body["text"] = full_text(recognized)
            body["confidence"] = CONFIDENCE if recognized else 0.0
        if params.sed_enabled:
            body["events"] = []
            body["eventTypes"] = []
        return body

    async def _deliver(self, url: str, token: str, body: dict[str, Any]) -> None:
        try:
            async with aiohttp.ClientSession() as session, session.post(url, json=body) as reply:
                self.callbacks.append(CallbackDelivery(url, token, reply.status, None))
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.callbacks.append(CallbackDelivery(url, token, None, f"{type(exc).__name__}"))

    async def _status(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self.code_error("401")
        job = self.jobs.get(request.match_info["token"])
        if job is None or job.task is None:
            return self.code_error("ERROR_TOKEN_INVALID")
        job.polls += 1
        if job.polls <= self.waiting_polls:
            return json_response(_progress(job, "WAITING", "Waiting", 0))
        step = job.polls - self.waiting_polls
        if step <= self.processing_polls:
            progress = round(100 * step / (self.processing_polls + 1))
            return json_response(_progress(job, "PROCESSING", "Processing", progress))
        return json_response(await asyncio.shield(job.task))

    # -- short form ------------------------------------------------------------------------
    async def _short_form(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self.code_error("401")
        flags: dict[str, bool] = {}
        for name in ("assessment", "graph"):
            value = request.query.get(name, "false")
            if value not in ("true", "false"):
                return self.code_error("400", f"{name} must be true or false")
            flags[name] = value == "true"
        if flags["assessment"] and request.query.get("lang") != "Eng":
            return self.code_error("400", "assessment is only available with lang=Eng")
        try:
            analysis = await check_short_form(request, self.short_limits)
        except ShortFormRejected as rejected:
            return self.code_error(rejected.code)
        failure = self.faults.take_job_failure()
        if failure is not None:
            return self.code_error(failure.code or "STT998")
        body: dict[str, Any] = {
            "text": full_text(recognize(analysis.regions)),
            "quota": math.ceil(analysis.duration / 15),
        }
        if flags["assessment"]:
            score = round(100 * analysis.voiced_seconds / analysis.duration)
            body["assessment_score"] = max(0, min(100, score))
            body["assessment_details"] = (
                f"voiced {analysis.voiced_seconds:.2f} s of {analysis.duration:.2f} s"
            )
        if flags["graph"]:
            body["ref_graph"] = list(analysis.envelope)
            body["usr_graph"] = list(analysis.envelope)
        return json_response(body)


def _speaker(index: int) -> dict[str, Any]:
    return {"label": str(index + 1), "name": chr(ord("A") + index % 26), "edited": False}


def _progress(job: ClovaJob, result: str, message: str, progress: int) -> dict[str, Any]:
    return {"result": result, "message": message, "token": job.token, "progress": progress}


async def _ready(data: bytes) -> bytes:
    return data
