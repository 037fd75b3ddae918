"""Error codes of NAVER Cloud's speech APIs (CSR, CLOVA Speech) and its API Gateway.

The body shape of an error is not fixed by the documents, so :func:`find_code` looks for a
known code wherever the body keeps it (``{"error": {"errorCode": ...}}``, ``{"errorCode": ...}``,
``{"code": ...}``, or plain text) and :func:`clova_error` turns status + code into one of our
exceptions with an English and a Korean message that say what to do.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    LimitExceededError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.providers.http import parse_retry_after

STT_CODE = re.compile(r"\bSTT\d{3}\b")

# code: (exception type, English, Korean)
STT_ERRORS: dict[str, tuple[type[SoriError], str, str]] = {
    "STT000": (LimitExceededError, "The audio is larger than 3 MB", "오디오가 3MB를 넘습니다"),
    "STT001": (LimitExceededError, "The audio is longer than 60 seconds",
               "오디오가 60초를 넘습니다"),
    "STT002": (ConfigurationError, "The request had the wrong content type",
               "요청의 Content-Type이 잘못되었습니다"),
    "STT003": (AudioError, "The audio was empty", "오디오 데이터가 비어 있습니다"),
    "STT004": (ConfigurationError, "No language was given", "언어가 지정되지 않았습니다"),
    "STT005": (ConfigurationError, "The language is not supported by this service",
               "이 서비스가 지원하지 않는 언어입니다"),
    "STT006": (AudioError, "The service could not read the audio",
               "서비스가 오디오를 읽지 못했습니다"),
    "STT007": (AudioError, "The audio is too short to recognise",
               "오디오가 너무 짧아 인식할 수 없습니다"),
    "STT998": (ServerError, "Recognition failed on the service", "서비스에서 음성 인식에 실패했습니다"),
    "STT999": (ServerError, "The service had an internal error", "서비스 내부 오류입니다"),
}  # fmt: skip

# NAVER Cloud API Gateway codes (sent before the request reaches the speech service).
GATEWAY_ERRORS: dict[str, tuple[type[SoriError], str, str]] = {
    "100": (ConfigurationError, "The API gateway rejected the request",
            "API 게이트웨이가 요청을 거부했습니다"),
    "200": (AuthError, "Authentication failed: the Client ID or Client Secret is wrong",
            "인증 실패: Client ID 또는 Client Secret이 잘못되었습니다"),
    "210": (AuthError, "Permission denied: this application may not use the API",
            "권한 없음: 이 애플리케이션은 해당 API를 쓸 수 없습니다"),
    "300": (ConfigurationError, "The API address was not found", "API 주소를 찾을 수 없습니다"),
    "400": (QuotaExceededError, "The quota is used up (or the API is not enabled for this app)",
            "할당량을 다 썼거나 이 앱에서 API가 활성화되지 않았습니다"),
    "410": (RateLimitError, "Too many requests (throttled)", "요청이 너무 많습니다(스로틀링)"),
    "420": (RateLimitError, "Too many requests (rate limited)", "요청이 너무 많습니다(속도 제한)"),
    "430": (LimitExceededError, "The request is too large", "요청이 너무 큽니다"),
    "500": (ServerError, "The service endpoint failed", "서비스 엔드포인트 오류입니다"),
    "510": (ServerError, "The service endpoint timed out", "서비스 엔드포인트 시간 초과입니다"),
    "900": (ServerError, "Unexpected gateway error", "예기치 않은 게이트웨이 오류입니다"),
}  # fmt: skip

FIXES: dict[type[SoriError], tuple[str, str]] = {
    ConfigurationError: ("Check the engine settings (endpoint, language).",
                         "엔진 설정(엔드포인트, 언어)을 확인하세요."),
    AuthError: ("Check the keys in Settings or with 'sori credentials set {group}'.",
                "설정이나 'sori credentials set {group}'으로 키를 확인하세요."),
    RateLimitError: ("Wait and try again, or run fewer jobs at once.",
                     "잠시 후 다시 시도하거나 동시 작업 수를 줄이세요."),
    QuotaExceededError: ("Check the usage limits and that the API is enabled for this "
                         "application in the NAVER Cloud console.",
                         "NAVER Cloud 콘솔에서 사용 한도와 이 애플리케이션의 API 활성화를 확인하세요."),
}  # fmt: skip


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def find_code(body: Any) -> str | None:
    """The provider or gateway code in an error body, whatever its shape."""
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        for key in ("errorCode", "code", "error_code"):
            value = inner.get(key) if isinstance(inner, dict) else None
            if value is not None:
                return str(value)
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    match = STT_CODE.search(text)
    return match.group(0) if match else None


def clova_error(response: httpx.Response, engine: str, group: str) -> SoriError:
    """Map a non-success response of CSR / CLOVA Speech to our exception tree."""
    body = _body(response)
    code = find_code(body)
    status = response.status_code
    known = STT_ERRORS.get(code or "") or GATEWAY_ERRORS.get(code or "")
    if known is None:
        if status in (401, 403):
            known = GATEWAY_ERRORS["200"] if status == 401 else GATEWAY_ERRORS["210"]
        elif status == 429:
            quota = "quota" in str(body).lower()
            known = GATEWAY_ERRORS["400"] if quota else GATEWAY_ERRORS["420"]
        elif status == 413:
            known = GATEWAY_ERRORS["430"]
        elif status >= 500:
            known = (ServerError, f"The service failed (HTTP {status})",
                     f"서비스 오류(HTTP {status})")  # fmt: skip
        else:
            known = (ConfigurationError, f"The service rejected the request (HTTP {status})",
                     f"서비스가 요청을 거부했습니다(HTTP {status})")  # fmt: skip
    kind, english, korean = known
    fix, fix_ko = FIXES.get(kind, ("", ""))
    kwargs: dict[str, Any] = {
        "message_ko": f"{engine}: {korean}",
        "code": code,
    }
    if fix:
        kwargs["fix"] = fix.format(group=group)
        kwargs["fix_ko"] = fix_ko.format(group=group)
    if issubclass(kind, RateLimitError):
        return kind(
            f"{engine}: {english}",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            **kwargs,
        )
    return kind(f"{engine}: {english}", **kwargs)
