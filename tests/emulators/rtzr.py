"""Emulator of the Return Zero (RTZR / VITO) OpenAPI: authentication, batch (file) STT and
real-time streaming (API-NOTES §5, seeds/rtzr-batch-stt.txt). The WebSocket endpoint
``GET /v1/transcribe:streaming`` lives in :mod:`tests.emulators.rtzr_stream` and is mounted here,
so REST and ``ws://`` share one base URL and one token store (see that module for its rules).

``POST /v1/authenticate`` (``application/x-www-form-urlencoded`` ``client_id``, ``client_secret``)
→ ``{"access_token": JWT, "expire_at": unix seconds}``; the token is an HS256 JWT (``sub``,
``iat``, ``exp``, ``jti``) signed with a per-server key and lives ``token_lifetime`` seconds (6 h).
Wrong credentials → 401 ``{"code": "H0002", "msg": "invalid credential"}``; wrong Content-Type or
missing fields → 400 H0001. Other requests need ``Authorization: Bearer <token>`` (scheme
case-insensitive); missing, malformed, badly signed → 401 H0002 ``"invalid token"``; expired
(``exp`` passed, or issued before :meth:`RtzrEmulator.expire_all_tokens`) → 401 H0002
``"token expired"``.

``POST /v1/transcribe`` (multipart: text part ``config`` = JSON object, file part ``file``), checked
in order: token; multipart Content-Type (else 400 H0001); ``config`` present, JSON, an object and
valid (else 400 H0001 with the reason in ``msg``; rules below); ``file`` present and non-empty
(else H0001); size > ``limits.max_bytes`` (2 GiB) → 413 H0005; more than ``max_concurrent_jobs``
(10) jobs not yet reported final → 429 A0002; undecodable, or not mp4/m4a/mp3/amr/flac/wav
→ 400 H0010; decoded length > ``limits.max_seconds`` (4 h) → 413 H0006. Success → ``{"id": …}``.

config: ``model_name`` ``sommers|whisper``; ``language`` (sommers: ``ko|ja``; whisper: a 2–3
letter lower-case code, ``detect`` or ``multi``); ``language_candidates`` array of strings, only
with detect/multi; booleans ``use_diarization use_itn use_disfluency_filter use_profanity_filter
use_paragraph_splitter use_word_timestamp``; ``diarization`` object with integer ``spk_count`` ≥ 0;
``paragraph_splitter`` object with integer ``max`` ≥ 1; ``domain`` ``GENERAL|CALL``; ``keywords``
array of ≤ 100 strings of 1–20 characters, not with whisper. Unknown keys are ignored.

``GET /v1/transcribe/{id}``: unknown id → 404 H0004; result dropped by
:meth:`RtzrEmulator.expire_result` → 410 H0007; with ``min_poll_interval`` > 0 (default 0), a poll
sooner than that after the previous poll of the same id → 429 A0003. The k-th poll answers
``{"id", "status": "transcribing"}`` for k ≤ ``transcribing_polls`` (default 1), then
``completed`` with ``results.utterances`` or ``failed`` with ``error {code, message}``
(``faults.job_failure``; default ``E500``). Utterances follow :mod:`tests.emulators.recognition`:
``start_at``/``duration`` ms, ``msg``, ``spk`` (``i % n`` with diarization, ``n`` = ``spk_count``
or 2 when 0; else always 0), ``lang`` (the config language; ``ko`` for detect/multi) and, with
``use_word_timestamp``, ``words [{start_at, duration, text}]``; keyword = ``keywords[0]``.

Error body: ``{"code": C, "msg": M}``. Injected ``rate_limit`` → 429 A0003; ``http_error(s)``:
400 H0001, 401 H0002, 403 H0003, 404 H0004, 410 H0007, 413 H0005, 500 E500; ``provider_error``
accepts every code listed in :data:`RTZR_ERRORS`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs

from aiohttp import web

from tests.emulators import audio
from tests.emulators.audio import AudioAnalysis, UndecodableAudio
from tests.emulators.credentials import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.emulators.recognition import recognize
from tests.emulators.rtzr_stream import STREAM_PATH, RtzrStreaming, StreamFaults, StreamRecord
from tests.emulators.server import (
    RECORD_KEY,
    BadBody,
    BaseEmulator,
    content_type_is,
    json_response,
    read_multipart,
    read_raw,
)

RTZR_ERRORS: dict[str, tuple[int, str]] = {
    "H0001": (400, "bad request"),
    "H0010": (400, "unsupported file format"),
    "H0002": (401, "invalid token"),
    "H0003": (403, "permission denied"),
    "H0004": (404, "not found"),
    "H0005": (413, "file size exceeded"),
    "H0006": (413, "file duration exceeded"),
    "H0007": (410, "transcription result expired"),
    "A0001": (429, "usage exceeded"),
    "A0002": (429, "Too many concurrent requests"),
    "A0003": (429, "request limit exceeded"),
    "E500": (500, "internal server error"),
}
RTZR_CONTAINERS = frozenset({audio.MP4_FAMILY, audio.MP3, audio.AMR, audio.FLAC, audio.WAV})
BOOLEAN_KEYS = (
    "use_diarization",
    "use_itn",
    "use_disfluency_filter",
    "use_profanity_filter",
    "use_paragraph_splitter",
    "use_word_timestamp",
)
WHISPER_LANGUAGE = re.compile(r"^(?:[a-z]{2,3}|detect|multi)$")


@dataclass
class RtzrLimits:
    """Documented batch limits; tests may lower them."""

    max_bytes: int = 2 * 1024**3
    max_seconds: float = 4 * 3600.0


class Rejected(Exception):
    """Answer with RTZR ``code``; ``msg`` overrides the catalogue text."""

    def __init__(self, code: str, msg: str | None = None) -> None:
        super().__init__(msg or code)
        self.code = code
        self.msg = msg


@dataclass
class RtzrJob:
    """One batch transcription; created and advanced on the server loop."""

    job_id: str
    config: dict[str, Any]
    analysis: AudioAnalysis
    failure: dict[str, str] | None
    polls: int = 0
    final: bool = False
    expired: bool = False
    last_poll: float | None = field(default=None, repr=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_config(config: Any) -> dict[str, Any]:
    """Validate a batch ``config``; raises :class:`Rejected` (H0001)."""
    if not isinstance(config, dict):
        raise Rejected("H0001", "config must be a JSON object")

    def typed(key: str, kind: type, label: str, where: dict[str, Any] = config) -> Any:
        value = where.get(key)
        if value is not None and (
            not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        ):
            raise Rejected("H0001", f"{key} must be {label}")
        return value

    model = typed("model_name", str, "a string") or "sommers"
    if model not in ("sommers", "whisper"):
        raise Rejected("H0001", "model_name must be sommers or whisper")
    language = typed("language", str, "a string") or "ko"
    if model == "sommers" and language not in ("ko", "ja"):
        raise Rejected("H0001", "sommers supports language ko or ja")
    if model == "whisper" and not WHISPER_LANGUAGE.match(language):
        raise Rejected("H0001", f"unknown language {language!r}")
    candidates = typed("language_candidates", list, "an array")
    if candidates is not None:
        if language not in ("detect", "multi"):
            raise Rejected("H0001", "language_candidates needs language detect or multi")
        if not all(isinstance(c, str) for c in candidates):
            raise Rejected("H0001", "language_candidates must be strings")
    for key in BOOLEAN_KEYS:
        typed(key, bool, "a boolean")
    diarization = typed("diarization", dict, "an object")
    if diarization is not None:
        count = typed("spk_count", int, "an integer", diarization)
        if count is not None and count < 0:
            raise Rejected("H0001", "diarization.spk_count must be 0 or more")
    splitter = typed("paragraph_splitter", dict, "an object")
    if splitter is not None:
        maximum = typed("max", int, "an integer", splitter)
        if maximum is not None and maximum < 1:
            raise Rejected("H0001", "paragraph_splitter.max must be 1 or more")
    domain = typed("domain", str, "a string")
    if domain is not None and domain not in ("GENERAL", "CALL"):
        raise Rejected("H0001", "domain must be GENERAL or CALL")
    keywords = typed("keywords", list, "an array")
    if keywords is not None:
        if model == "whisper":
            raise Rejected("H0001", "keywords are not available with whisper")
        if len(keywords) > 100:
            raise Rejected("H0001", "at most 100 keywords")
        if not all(isinstance(k, str) and 1 <= len(k) <= 20 for k in keywords):
            raise Rejected("H0001", "each keyword must be a string of 1-20 characters")
    return {**config, "model_name": model, "language": language}


class RtzrEmulator(BaseEmulator):
    """RTZR emulator; handlers run on the server loop, knobs may be set from tests."""

    name = "rtzr"
    known_error_codes: ClassVar[tuple[str, ...]] = tuple(RTZR_ERRORS)

    def __init__(self) -> None:
        super().__init__()
        self.limits = RtzrLimits()
        self.token_lifetime = 6 * 3600
        self.transcribing_polls = 1
        self.max_concurrent_jobs = 10
        self.min_poll_interval = 0.0
        self.jobs: dict[str, RtzrJob] = {}
        self.tokens_issued = 0
        self._key = secrets.token_bytes(32)
        self._revoked_up_to = 0
        self.streaming = RtzrStreaming(self._authorize_stream, self.code_error)

    @property
    def stream_faults(self) -> StreamFaults:
        return self.streaming.faults

    @property
    def streams(self) -> list[StreamRecord]:
        return self.streaming.streams

    def expire_all_tokens(self) -> None:
        """Every token issued so far is expired from now on."""
        self._revoked_up_to = self.tokens_issued

    def expire_result(self, job_id: str) -> None:
        """The job's result is gone: its polls answer 410 H0007."""
        self.jobs[job_id].expired = True

    # -- BaseEmulator ----------------------------------------------------------------------
    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v1/authenticate", self._authenticate)
        router.add_post("/v1/transcribe", self._transcribe)
        router.add_get("/v1/transcribe/{id}", self._poll)
        self.streaming.add_routes(router)

    def build_app(self) -> web.Application:
        app = super().build_app()
        app.on_shutdown.append(self.streaming.shutdown)
        return app

    def credentials(self) -> dict[str, str]:
        return {"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET}

    def endpoints(self, base_url: str) -> dict[str, str]:
        return {
            "authenticate (POST form)": f"{base_url}/v1/authenticate",
            "transcribe (POST multipart config+file)": f"{base_url}/v1/transcribe",
            "poll (GET)": f"{base_url}/v1/transcribe/{{id}}",
            "streaming (WebSocket)": "ws" + f"{base_url}{STREAM_PATH}".removeprefix("http"),
        }

    def status_error(self, status: int) -> web.Response:
        codes = {400: "H0001", 401: "H0002", 403: "H0003", 404: "H0004", 410: "H0007"}
        codes |= {413: "H0005", 429: "A0003", 500: "E500"}
        if status in codes:
            return self.code_error(codes[status])
        return json_response({"code": str(status), "msg": "error"}, status=status)

    def code_error(self, code: str, msg: str | None = None) -> web.Response:
        status, default = RTZR_ERRORS[code]
        return json_response({"code": code, "msg": msg or default}, status=status)

    def method_not_allowed(self, request: web.Request) -> web.Response:
        return json_response({"code": "405", "msg": "method not allowed"}, status=405)

    # -- tokens ----------------------------------------------------------------------------
    def issue_token(self, subject: str = RTZR_CLIENT_ID) -> tuple[str, int]:
        """A new signed token and its ``expire_at`` (also used by tests that skip auth)."""
        self.tokens_issued += 1
        now = int(time.time())
        expire_at = now + self.token_lifetime
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {"sub": subject, "iat": now, "exp": expire_at, "jti": self.tokens_issued}
        body = _b64(json.dumps(claims).encode())
        signature = hmac.new(self._key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(signature)}", expire_at

    def _check_token(self, request: web.Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        parts = token.strip().split(".")
        if scheme.lower() != "bearer" or len(parts) != 3:
            raise Rejected("H0002")
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            valid = hmac.compare_digest(_unb64(parts[2]), expected)
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, TypeError) as exc:
            raise Rejected("H0002") from exc
        if not valid:
            raise Rejected("H0002")
        if claims["exp"] <= time.time() or claims["jti"] <= self._revoked_up_to:
            raise Rejected("H0002", "token expired")

    def _authorize_stream(self, request: web.Request) -> web.Response | None:
        try:
            self._check_token(request)
        except Rejected as rejected:
            return self.code_error(rejected.code, rejected.msg)
        return None

    # -- handlers --------------------------------------------------------------------------
    async def _authenticate(self, request: web.Request) -> web.Response:
        if not content_type_is(request, "application/x-www-form-urlencoded"):
            return self.code_error("H0001", "content type must be x-www-form-urlencoded")
        data, _ = await read_raw(request, 1 << 16)
        fields = parse_qs(data.decode("utf-8", errors="replace"), keep_blank_values=True)
        record = request[RECORD_KEY]
        record.files.pop("<body>", None)
        record.form = {key: list(values) for key, values in fields.items()}
        client_id = fields.get("client_id", [""])[0]
        client_secret = fields.get("client_secret", [""])[0]
        if not client_id or not client_secret:
            return self.code_error("H0001", "client_id and client_secret are required")
        id_ok = hmac.compare_digest(client_id.encode(), RTZR_CLIENT_ID.encode())
        secret_ok = hmac.compare_digest(client_secret.encode(), RTZR_CLIENT_SECRET.encode())
        if not (id_ok and secret_ok):
            return self.code_error("H0002", "invalid credential")
        token, expire_at = self.issue_token(client_id)
        return json_response({"access_token": token, "expire_at": expire_at})

    async def _transcribe(self, request: web.Request) -> web.Response:
        try:
            self._check_token(request)
            job = await self._accept(request)
        except Rejected as rejected:
            return self.code_error(rejected.code, rejected.msg)
        return json_response({"id": job.job_id})

    async def _accept(self, request: web.Request) -> RtzrJob:
        if not content_type_is(request, "multipart/form-data"):
            raise Rejected("H0001", "content type must be multipart/form-data")
        try:
            parts = await read_multipart(request, {"file"}, self.limits.max_bytes)
        except BadBody as exc:
            raise Rejected("H0001", str(exc)) from exc
        config_part = next((p for p in parts if p.name == "config"), None)
        file_part = next((p for p in parts if p.name == "file"), None)
        if config_part is None:
            raise Rejected("H0001", "config is required")
        try:
            raw_config = json.loads(config_part.text())
        except ValueError as exc:
            raise Rejected("H0001", f"invalid config JSON: {exc}") from exc
        config = check_config(raw_config)
        if file_part is None or file_part.size == 0:
            raise Rejected("H0001", "file is required")
        if file_part.truncated:
            raise Rejected("H0005")
        if sum(not job.final for job in self.jobs.values()) >= self.max_concurrent_jobs:
            raise Rejected("A0002")
        try:
            analysis = await asyncio.to_thread(audio.analyze, file_part.data)
        except UndecodableAudio as exc:
            raise Rejected("H0010") from exc
        if analysis.container not in RTZR_CONTAINERS:
            raise Rejected("H0010")
        if analysis.duration > self.limits.max_seconds:
            raise Rejected("H0006")
        failure = self.faults.take_job_failure()
        error = None
        if failure is not None:
            code = failure.code or "E500"
            error = {"code": code, "message": failure.message or RTZR_ERRORS.get(code, ("", ""))[1]}
        job = RtzrJob(job_id=uuid.uuid4().hex, config=config, analysis=analysis, failure=error)
        self.jobs[job.job_id] = job
        return job

    async def _poll(self, request: web.Request) -> web.Response:
        try:
            self._check_token(request)
            job = self.jobs.get(request.match_info["id"])
            if job is None:
                raise Rejected("H0004")
            if job.expired:
                raise Rejected("H0007")
            now = time.monotonic()
            too_soon = job.last_poll is not None and now - job.last_poll < self.min_poll_interval
            job.last_poll = now
            if too_soon:
                raise Rejected("A0003")
        except Rejected as rejected:
            return self.code_error(rejected.code, rejected.msg)
        job.polls += 1
        if job.polls <= self.transcribing_polls:
            return json_response({"id": job.job_id, "status": "transcribing"})
        job.final = True
        if job.failure is not None:
            return json_response({"id": job.job_id, "status": "failed", "error": job.failure})
        return json_response({"id": job.job_id, "status": "completed", "results": _results(job)})


def _results(job: RtzrJob) -> dict[str, Any]:
    config = job.config
    keywords = config.get("keywords") or []
    speakers = None
    if config.get("use_diarization"):
        speakers = int((config.get("diarization") or {}).get("spk_count") or 0) or 2
    segments = recognize(
        job.analysis.regions, keyword=keywords[0] if keywords else None, speakers=speakers
    )
    language = config["language"] if config["language"] not in ("detect", "multi") else "ko"
    utterances = []
    for seg in segments:
        item: dict[str, Any] = {
            "start_at": seg.start_ms,
            "duration": seg.end_ms - seg.start_ms,
            "msg": seg.text,
            "spk": seg.speaker or 0,
            "lang": language,
        }
        if config.get("use_word_timestamp"):
            item["words"] = [
                {"start_at": w.start_ms, "duration": w.end_ms - w.start_ms, "text": w.text}
                for w in seg.words
            ]
        utterances.append(item)
    return {"utterances": utterances}
