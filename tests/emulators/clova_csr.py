"""Emulator of Naver Cloud CLOVA Speech Recognition (CSR) REST: ``POST /recog/v1/stt?lang=…``.

Request rules (docs: API-NOTES §1, seeds/clova-csr-rest.txt), checked in this order:

1. Headers ``X-NCP-APIGW-API-KEY-ID`` / ``X-NCP-APIGW-API-KEY`` (names case-insensitive) must be
   :data:`~tests.emulators.credentials.CSR_CLIENT_ID` / ``CSR_CLIENT_SECRET``; otherwise the API
   Gateway answers 401 with gateway code ``"200"`` (Authentication Failed).
2. ``Content-Type: application/octet-stream`` (parameters ignored) else 400 STT002.
3. ``lang`` query parameter: missing or empty → 400 STT004; not one of ``Kor Eng Jpn Chn``
   (case-sensitive) → 400 STT005.
4. Body: empty → 400 STT003; more than ``limits.max_bytes`` (3 MiB = 3 145 728 bytes) → 413 STT000.
5. Decoding with PyAV: not decodable, no audio track, a video track, or a container other than
   wav/mp3/ogg/flac/aac(ADTS)/ac3/m4a → 500 STT006 (the docs' "check the file is a normal
   wav/mp3/flac").
6. Decoded length > ``limits.max_seconds`` (60 s) → 413 STT001; < ``limits.min_seconds`` (0.3 s,
   our choice: the docs give no number) → 400 STT007.

Success: ``200 {"text": <full text>}`` per :mod:`tests.emulators.recognition` (no keywords, no
speakers; an all-silent clip gives ``""``). The language does not change the text.

Error bodies — the docs show none ([?]); we use the NCP API Gateway shape
``{"error": {"errorCode": "STT001", "message": "Exceed Sound Data length"}}``; gateway-level
errors add ``"details"`` and use the gateway's numeric codes: ``"100"`` 400 Bad Request,
``"200"`` 401 Authentication Failed, ``"210"`` 401 Permission Denied, ``"300"`` 404 Not Found,
``"400"`` 429 Quota Exceed, ``"410"`` 429 Throttle Limited, ``"420"`` 429 Rate Limited,
``"430"`` 413 Request Entity Too Large, ``"500"`` 503 Endpoint Error, ``"510"`` 504 Endpoint
Timeout, ``"900"`` 500 Unexpected Error. Injected ``http_error(status)``: 429 → ``"400"`` Quota
Exceed, 500 → STT999, 401/404/413 → the gateway code above, any other 4xx → ``"100"``.
No Retry-After unless the fault sets one.

The short-form checks (steps 2–6) are shared with CLOVA Speech's ``/recog/v1/stt``.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from typing import ClassVar

from aiohttp import web

from tests.emulators import audio
from tests.emulators.audio import AudioAnalysis, UndecodableAudio
from tests.emulators.credentials import CSR_CLIENT_ID, CSR_CLIENT_SECRET
from tests.emulators.recognition import full_text, recognize
from tests.emulators.server import BaseEmulator, content_type_is, json_response, read_raw

SHORT_FORM_LANGUAGES = ("Kor", "Eng", "Jpn", "Chn")
SHORT_FORM_CONTAINERS = frozenset(
    {audio.WAV, audio.MP3, audio.OGG, audio.FLAC, audio.AAC, audio.AC3, audio.MP4_FAMILY}
)

STT_ERRORS: dict[str, tuple[int, str]] = {
    "STT000": (413, "Request Entity Too Large"),
    "STT001": (413, "Exceed Sound Data length"),
    "STT002": (400, "Invalid Content Type"),
    "STT003": (400, "Empty Sound Data"),
    "STT004": (400, "Empty Language"),
    "STT005": (400, "Invalid Language"),
    "STT006": (500, "Failed to pre-processing"),
    "STT007": (400, "Too Short Sound Data"),
    "STT998": (500, "Failed to STT"),
    "STT999": (500, "Internal Server Error"),
}

GATEWAY_ERRORS: dict[str, tuple[int, str, str]] = {
    "100": (400, "Bad Request Exception", "Request is not valid."),
    "200": (401, "Authentication Failed", "Invalid authentication information."),
    "210": (401, "Permission Denied", "A subscription to the API is required."),
    "300": (404, "Not Found Exception", "Not Found."),
    "400": (429, "Quota Exceed", "Quota Exceed."),
    "410": (429, "Throttle Limited", "Rate of requests exceeds the throttle limit."),
    "420": (429, "Rate Limited", "Rate of requests exceeds the rate limit."),
    "430": (413, "Request Entity Too Large", "Request entity is too large."),
    "500": (503, "Endpoint Error", "Endpoint is not available."),
    "510": (504, "Endpoint Timeout", "Endpoint did not answer in time."),
    "900": (500, "Unexpected Error", "Unexpected error."),
}


@dataclass
class ShortFormLimits:
    """Short-form limits; tests may lower them to exercise the errors cheaply."""

    max_bytes: int = 3 * 1024 * 1024
    max_seconds: float = 60.0
    min_seconds: float = 0.3


class ShortFormRejected(Exception):
    """A short-form request broke a rule; ``code`` is the STT code to answer with."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


async def check_short_form(request: web.Request, limits: ShortFormLimits) -> AudioAnalysis:
    """Apply steps 2–6 of the module rules; raises :class:`ShortFormRejected`."""
    if not content_type_is(request, "application/octet-stream"):
        raise ShortFormRejected("STT002")
    lang = request.query.get("lang", "")
    if not lang:
        raise ShortFormRejected("STT004")
    if lang not in SHORT_FORM_LANGUAGES:
        raise ShortFormRejected("STT005")
    data, size = await read_raw(request, limits.max_bytes)
    if size == 0:
        raise ShortFormRejected("STT003")
    if size > limits.max_bytes:
        raise ShortFormRejected("STT000")
    try:
        analysis = await asyncio.to_thread(audio.analyze, data)
    except UndecodableAudio as exc:
        raise ShortFormRejected("STT006") from exc
    if analysis.container not in SHORT_FORM_CONTAINERS or analysis.has_video:
        raise ShortFormRejected("STT006")
    if analysis.duration > limits.max_seconds:
        raise ShortFormRejected("STT001")
    if analysis.duration < limits.min_seconds:
        raise ShortFormRejected("STT007")
    return analysis


def header_matches(request: web.Request, name: str, expected: str) -> bool:
    """Constant-time comparison of a header with the expected secret."""
    value = request.headers.get(name)
    return value is not None and hmac.compare_digest(value.encode(), expected.encode())


class ClovaCsrEmulator(BaseEmulator):
    """CSR REST emulator; handlers run on the server loop, knobs may be set from tests."""

    name = "clova_csr"
    known_error_codes: ClassVar[tuple[str, ...]] = (*STT_ERRORS, *GATEWAY_ERRORS)

    def __init__(self) -> None:
        super().__init__()
        self.limits = ShortFormLimits()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/recog/v1/stt", self._recognize)

    def credentials(self) -> dict[str, str]:
        return {"X-NCP-APIGW-API-KEY-ID": CSR_CLIENT_ID, "X-NCP-APIGW-API-KEY": CSR_CLIENT_SECRET}

    def endpoints(self, base_url: str) -> dict[str, str]:
        return {"recognize (POST, ?lang=Kor|Eng|Jpn|Chn)": f"{base_url}/recog/v1/stt"}

    def status_error(self, status: int) -> web.Response:
        gateway = {401: "200", 404: "300", 413: "430", 429: "400", 503: "500", 504: "510"}
        if status == 500:
            return self.code_error("STT999")
        return self.code_error(gateway.get(status, "100"))

    def code_error(self, code: str) -> web.Response:
        if code in STT_ERRORS:
            status, message = STT_ERRORS[code]
            return json_response({"error": {"errorCode": code, "message": message}}, status=status)
        status, message, details = GATEWAY_ERRORS[code]
        body = {"error": {"errorCode": code, "message": message, "details": details}}
        return json_response(body, status=status)

    async def _recognize(self, request: web.Request) -> web.Response:
        if not (
            header_matches(request, "X-NCP-APIGW-API-KEY-ID", CSR_CLIENT_ID)
            and header_matches(request, "X-NCP-APIGW-API-KEY", CSR_CLIENT_SECRET)
        ):
            return self.code_error("200")
        try:
            analysis = await check_short_form(request, self.limits)
        except ShortFormRejected as rejected:
            return self.code_error(rejected.code)
        failure = self.faults.take_job_failure()
        if failure is not None:
            return self.code_error(failure.code or "STT998")
        return json_response({"text": full_text(recognize(analysis.regions))})
