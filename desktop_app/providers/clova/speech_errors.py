"""Errors of CLOVA Speech: HTTP answers with a code, and jobs that end ``FAILED``/``TIMEOUT``.

Two kinds of failure reach ``clova-speech``:

* a request refused with an HTTP error: the service's own ``"400"`` (invalid parameters),
  ``"401"`` (invalid secret), the STT codes it shares with CSR, ``ERROR_TOKEN_INVALID`` when
  polling a job it does not know, ``ERROR_TOO_MANY_JOBS``; or the NCP API Gateway's nested
  ``{"error": {"errorCode": ...}}`` (a wrong InvokeURL gives gateway code ``300``);
* a job that was accepted but ended ``FAILED`` (``message`` is one of the documented
  ``ERROR_*`` codes) or ``TIMEOUT``.

Each maps to one exception type with an English and a Korean sentence and a fix. The body shape
of errors is not documented, so codes are looked up wherever :func:`find_code` finds them.
"""

from __future__ import annotations

from typing import Any

import httpx

from desktop_app.core.errors import (
    AudioError,
    AudioFileNotFoundError,
    AuthError,
    ConfigurationError,
    EmptyAudioError,
    LimitExceededError,
    NotMediaError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.providers.base import InputKind
from desktop_app.providers.clova.errors import STT_ERRORS, clova_error, find_code
from desktop_app.providers.http import parse_retry_after

ENGINE = "clova-speech"
TOKEN_INVALID = "ERROR_TOKEN_INVALID"

_KEY_FIX = (
    "Set the secret key of the domain the InvokeURL belongs to with "
    "'sori credentials set clova-speech' or SORI_CLOVA_SPEECH_SECRET.",
    "InvokeURL이 속한 도메인의 시크릿 키를 'sori credentials set clova-speech' 또는 "
    "SORI_CLOVA_SPEECH_SECRET으로 설정하세요.",
)
_OPTIONS_FIX = (
    "Check the options (language, speaker counts, callback URL) and try again.",
    "옵션(언어, 화자 수, 콜백 URL)을 확인한 뒤 다시 시도하세요.",
)
_SUPPORT_FIX = (
    "Try again in a few minutes; if it keeps failing, contact NAVER Cloud support.",
    "몇 분 뒤 다시 시도하고, 계속 실패하면 NAVER Cloud 고객 지원에 문의하세요.",
)
_BUSY_FIX = (
    "Wait a little and try again, or run fewer jobs at once.",
    "잠시 기다렸다가 다시 시도하거나 동시에 실행하는 작업 수를 줄이세요.",
)
_MEDIA_FIX = (
    "Use MP3, AAC, AC3, OGG, FLAC, WAV or M4A audio (or AVI, MP4, MOV, WMV, FLV, MKV video) "
    "that plays in a media player.",
    "미디어 플레이어에서 재생되는 MP3, AAC, AC3, OGG, FLAC, WAV, M4A 오디오(또는 AVI, MP4, MOV, "
    "WMV, FLV, MKV 동영상)를 쓰세요.",
)

# code: (type, English, Korean, (fix, fix_ko))
Known = tuple[type[SoriError], str, str, tuple[str, str]]
SERVICE_CODES: dict[str, Known] = {
    "400": (ConfigurationError, "The service refused the request parameters",
            "서비스가 요청 파라미터를 거부했습니다", _OPTIONS_FIX),
    "401": (AuthError, "The secret key is not valid for this InvokeURL",
            "시크릿 키가 이 InvokeURL에 맞지 않습니다", _KEY_FIX),
    "ERROR_INVALID_SECRET": (AuthError, "The secret key is not valid for this InvokeURL",
                             "시크릿 키가 이 InvokeURL에 맞지 않습니다", _KEY_FIX),
    "ERROR_SERVER_BUSY": (RateLimitError, "The service has no free capacity right now",
                          "서버에 여유 자원이 없습니다", _BUSY_FIX),
    "ERROR_TOO_MANY_JOBS": (RateLimitError, "Too many jobs are running for this domain",
                            "이 도메인에서 실행 중인 작업이 너무 많습니다", _BUSY_FIX),
    TOKEN_INVALID: (SoriError, "The service does not know this job any more (its result "
                    "expired, or it belongs to another domain)",
                    "서비스가 이 작업을 더 이상 알지 못합니다(결과가 만료되었거나 다른 도메인의 "
                    "작업입니다)",
                    ("Transcribe the file again.", "파일을 다시 변환하세요.")),
    "ERROR_AUDIO_EMPTY": (EmptyAudioError, "The service received no audio data",
                          "서비스가 받은 음성 데이터가 없습니다",
                          ("Check that the file is not empty and holds sound.",
                           "파일이 비어 있지 않고 소리가 들어 있는지 확인하세요.")),
    "ERROR_AUDIO_CONVERSION": (NotMediaError, "The service could not convert the audio",
                               "서비스가 음성을 변환하지 못했습니다", _MEDIA_FIX),
    "ERROR_PARAMS_FORMAT_INVALID": (ConfigurationError, "The request parameters were not JSON",
                                    "요청 파라미터가 JSON 형식이 아닙니다", _OPTIONS_FIX),
    "ERROR_REQUEST_PARAMETER": (ConfigurationError, "The request parameters are not valid, or "
                                "no speaker could be found in the audio",
                                "요청 파라미터가 올바르지 않거나 화자를 인식하지 못했습니다",
                                ("Check the options; with diarization, check the speaker "
                                 "counts and that the audio holds speech.",
                                 "옵션을 확인하세요. 화자 분리를 켰다면 화자 수와 음성이 들어 "
                                 "있는지 확인하세요.")),
    "ERROR_DATA_NOT_FOUND": (ServerError, "The service lost the job's data",
                             "서비스가 작업 데이터를 찾지 못했습니다", _SUPPORT_FIX),
    "ERROR_DATA_CONFLICT": (ServerError, "The service had a data conflict",
                            "서비스에서 데이터 충돌이 발생했습니다", _SUPPORT_FIX),
    "ERROR_INTERNAL_ERROR": (ServerError, "The service had an internal error",
                             "서비스 내부 오류가 발생했습니다", _SUPPORT_FIX),
    "ERROR_EXTERNAL_ERROR": (ServerError, "The service is not operating",
                             "서비스가 작동하지 않습니다", _SUPPORT_FIX),
    "ERROR_GATEWAY_TIMEOUT": (ServerError, "The service timed out", "서비스 시간이 초과되었습니다",
                              _SUPPORT_FIX),
    "TIMEOUT": (ServerError, "The job ran too long on the service and was stopped",
                "작업이 서비스에서 너무 오래 걸려 중단되었습니다",
                ("Try again later; split very long recordings into parts.",
                 "나중에 다시 시도하고, 아주 긴 녹음은 나누어 보내세요.")),
    "FAILED": (ServerError, "The job failed on the service", "서비스에서 작업이 실패했습니다",
               _SUPPORT_FIX),
}  # fmt: skip

# What the long-form upload means by the CSR size/length codes.
LONG_FORM_OVERRIDES: dict[str, Known] = {
    "STT000": (LimitExceededError, "The file is larger than the service accepts",
               "파일이 서비스가 받는 크기보다 큽니다",
               ("Use a smaller file (e.g. re-encode it as MP3 or FLAC), or put it in Object "
                "Storage and give obs://KEY.",
                "더 작은 파일(예: MP3/FLAC로 다시 인코딩)을 쓰거나 Object Storage에 올리고 "
                "obs://키 로 지정하세요.")),
}  # fmt: skip

_STT_FIXES: dict[type[SoriError], tuple[str, str]] = {
    LimitExceededError: ("Clips for the short-form recognizer must be at most 60 s; use the "
                         "long-form mode (--option mode=long).",
                         "단문 인식은 60초 이하만 받습니다. 장문 모드(--option mode=long)를 "
                         "쓰세요."),
    ConfigurationError: ("Check the engine settings (language, endpoint).",
                         "엔진 설정(언어, 엔드포인트)을 확인하세요."),
    AudioError: _MEDIA_FIX,
    ServerError: _SUPPORT_FIX,
}  # fmt: skip

_INVOKE_URL_FIX = (
    'Check the InvokeURL (--endpoint, SORI_CLOVA_SPEECH_INVOKE_URL or "endpoint" in the '
    "engine's settings): copy it from the CLOVA Speech domain's Builder page.",
    'InvokeURL(--endpoint, SORI_CLOVA_SPEECH_INVOKE_URL 또는 엔진 설정의 "endpoint")을 '
    "확인하세요. CLOVA Speech 도메인의 빌더 화면에서 복사할 수 있습니다.",
)


def _build(
    known: Known, code: str | None, detail: str = "", retry_after: float | None = None
) -> SoriError:
    kind, english, korean, (fix, fix_ko) = known
    suffix = f" ({detail})" if detail else ""
    kwargs: dict[str, Any] = {
        "fix": fix,
        "fix_ko": fix_ko,
        "message_ko": f"{ENGINE}: {korean}{suffix}",
        "code": code,
    }
    if issubclass(kind, RateLimitError):
        return kind(f"{ENGINE}: {english}{suffix}", retry_after=retry_after, **kwargs)
    return kind(f"{ENGINE}: {english}{suffix}", **kwargs)


def lookup(code: str | None, *, short_form: bool = False) -> Known | None:
    if not code:
        return None
    if not short_form and code in LONG_FORM_OVERRIDES:
        return LONG_FORM_OVERRIDES[code]
    if code in SERVICE_CODES:
        return SERVICE_CODES[code]
    if code in STT_ERRORS:
        kind, english, korean = STT_ERRORS[code]
        fix = next((f for base, f in _STT_FIXES.items() if issubclass(kind, base)), ("", ""))
        return kind, english, korean, fix
    return None


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def speech_error(response: httpx.Response, *, short_form: bool = False) -> SoriError:
    """The exception for a refused CLOVA Speech request (status other than 200)."""
    body = _body(response)
    status = response.status_code
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        # The NCP API Gateway answered before the request reached the speech service.
        error = clova_error(response, ENGINE, ENGINE)
        if error.code == "300":
            error.fix, error.fix_ko = _INVOKE_URL_FIX
        return error
    code = find_code(body)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    detail = str(body.get("detail") or "") if isinstance(body, dict) else ""
    known = lookup(code, short_form=short_form)
    if known is None:
        known = _by_status(status)
        code = code if code and code != str(status) else None
    return _build(known, code, detail, retry_after)


def _by_status(status: int) -> Known:
    if status in (400, 401):
        return SERVICE_CODES[str(status)]
    if status == 403:
        return (AuthError, "Access denied: this key may not use the InvokeURL",
                "접근 거부: 이 키로는 InvokeURL을 쓸 수 없습니다", _KEY_FIX)  # fmt: skip
    if status == 404:
        return (ConfigurationError, "The API address was not found", "API 주소를 찾을 수 없습니다",
                _INVOKE_URL_FIX)  # fmt: skip
    if status == 413:
        return LONG_FORM_OVERRIDES["STT000"]
    if status == 429:
        return SERVICE_CODES["ERROR_TOO_MANY_JOBS"]
    if status >= 500:
        return (ServerError, f"The service failed (HTTP {status})", f"서비스 오류(HTTP {status})",
                _SUPPORT_FIX)  # fmt: skip
    return (ConfigurationError, f"The service refused the request (HTTP {status})",
            f"서비스가 요청을 거부했습니다(HTTP {status})", _OPTIONS_FIX)  # fmt: skip


def job_error(body: dict[str, Any], source_kind: InputKind) -> SoriError:
    """The exception for a job that ended ``FAILED`` or ``TIMEOUT``."""
    result = str(body.get("result") or "FAILED").upper()
    message = str(body.get("message") or "").strip()
    if result == "TIMEOUT":
        return _build(SERVICE_CODES["TIMEOUT"], "TIMEOUT")
    if message == "ERROR_DATA_NOT_FOUND" and source_kind in ("url", "object_storage"):
        # For remote media the service found nothing to download at the given place.
        where = "URL" if source_kind == "url" else "Object Storage key"
        where_ko = "URL" if source_kind == "url" else "Object Storage 키"
        return AudioFileNotFoundError(
            f"{ENGINE}: the service could not fetch the media from the {where}",
            fix="Check that the URL is public and reachable from the internet"
            if source_kind == "url"
            else "Check that the key exists in the bucket linked to the CLOVA Speech domain.",
            message_ko=f"{ENGINE}: 서비스가 {where_ko}에서 미디어를 가져오지 못했습니다",
            fix_ko="URL이 공개되어 있고 인터넷에서 접근할 수 있는지 확인하세요."
            if source_kind == "url"
            else "CLOVA Speech 도메인에 연결된 버킷에 그 키가 있는지 확인하세요.",
            code=message,
        )
    known = lookup(message)
    if known is None:
        generic = SERVICE_CODES["FAILED"]
        return _build(generic, "FAILED", message if message and message != "FAILED" else "")
    return _build(known, message)
