"""Error codes of the Return Zero (RTZR / VITO) OpenAPI, mapped onto Sori's exception tree.

Every error answer of the OpenAPI is ``{"code": "H0002", "msg": "..."}`` with a matching HTTP
status (seeds/rtzr-batch-stt.txt, API-NOTES §5). :func:`rtzr_error` turns such an answer (or a
bare status from a proxy, an HTML gateway page, ...) into an exception with an English and a
Korean message naming the cause and the fix. A batch job that ends as ``failed`` carries
``error {code, message}``; :func:`job_failure_error` maps that the same way, but never as a
transient error: the job is over and polling it again cannot help.

Shared by the batch engine, the authentication helper and the streaming engine.
"""

from __future__ import annotations

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


class RemoteJobLostError(ServerError):
    """The service no longer has the job (unknown id, or its result expired)."""

    transient = False
    default_fix = "Transcribe the file again."
    default_fix_ko = "파일을 다시 전사하세요."


class RemoteJobFailedError(ServerError):
    """The service accepted the job but reported it as failed."""

    transient = False
    default_fix = "Try again later; if it keeps failing, contact Return Zero support."
    default_fix_ko = "잠시 후 다시 시도하고, 계속 실패하면 리턴제로 고객지원에 문의하세요."


SIGN_IN_FIX = (
    "Check the Client ID and Client Secret with 'sori credentials set rtzr' "
    "(or SORI_RTZR_CLIENT_ID / SORI_RTZR_CLIENT_SECRET).",
    "'sori credentials set rtzr'(또는 SORI_RTZR_CLIENT_ID / SORI_RTZR_CLIENT_SECRET)로 "
    "Client ID와 Client Secret을 확인하세요.",
)
CONCURRENCY_FIX = (
    "Wait for running jobs to finish or run fewer at once (the free plan allows 10 file jobs, "
    "2 with whisper).",
    "실행 중인 작업이 끝나기를 기다리거나 동시 작업 수를 줄이세요(무료 요금제는 파일 작업 10개, "
    "whisper는 2개).",
)

# code: (exception type, English cause, Korean cause, English fix, Korean fix)
RTZR_ERRORS: dict[str, tuple[type[SoriError], str, str, str, str]] = {
    "H0001": (ConfigurationError, "The service rejected the request parameters",
              "서비스가 요청 파라미터를 거부했습니다",
              "Check the engine options (model, language, keywords, speaker count).",
              "엔진 옵션(모델, 언어, 키워드, 화자 수)을 확인하세요."),
    "H0010": (AudioError, "The service does not support this file format",
              "서비스가 이 파일 형식을 지원하지 않습니다",
              "Use MP4, M4A, MP3, AMR, FLAC or WAV audio.",
              "MP4, M4A, MP3, AMR, FLAC, WAV 오디오를 쓰세요."),
    "H0002": (AuthError, "The sign-in was refused (invalid credentials or token)",
              "인증이 거부되었습니다(잘못된 인증 정보 또는 토큰)", *SIGN_IN_FIX),
    "H0003": (AuthError, "This account has no permission for the request",
              "이 계정에는 요청에 대한 권한이 없습니다",
              "Check the plan and permissions of the application in the RTZR console.",
              "RTZR 콘솔에서 애플리케이션의 요금제와 권한을 확인하세요."),
    "H0004": (RemoteJobLostError, "The service has no transcription with this id",
              "서비스에 이 ID의 전사 결과가 없습니다",
              "Transcribe the file again.", "파일을 다시 전사하세요."),
    "H0005": (LimitExceededError, "The file is larger than the 2 GB the service accepts",
              "파일이 서비스 한도인 2GB를 넘습니다",
              "Use a smaller file or split it.", "더 작은 파일을 쓰거나 나누세요."),
    "H0006": (LimitExceededError, "The audio is longer than the 4 hours the service accepts",
              "오디오가 서비스 한도인 4시간을 넘습니다",
              "Split the recording into parts shorter than 4 hours.",
              "녹음을 4시간보다 짧게 나누세요."),
    "H0007": (RemoteJobLostError, "The transcription result has expired on the service",
              "서비스에서 전사 결과의 보관 기간이 지났습니다",
              "Transcribe the file again.", "파일을 다시 전사하세요."),
    "A0001": (QuotaExceededError, "The account's usage limit is used up",
              "계정의 사용량 한도를 모두 썼습니다",
              "Check the usage and plan in the RTZR console.",
              "RTZR 콘솔에서 사용량과 요금제를 확인하세요."),
    "A0002": (RateLimitError, "Too many transcriptions are running at once",
              "동시에 처리 중인 전사 작업이 너무 많습니다", *CONCURRENCY_FIX),
    "A0003": (RateLimitError, "Too many requests in a short time (polling too fast)",
              "짧은 시간에 요청이 너무 많습니다(너무 잦은 조회)",
              "Raise the polling interval (5 seconds is recommended).",
              "조회 간격을 늘리세요(권장 5초)."),
    "E500": (ServerError, "The service had an internal error", "서비스 내부 오류입니다",
             "The service had a problem; try again in a few minutes.",
             "서비스에 문제가 생겼습니다. 몇 분 뒤 다시 시도하세요."),
}  # fmt: skip

# A status without a readable code (a proxy, a load balancer) → the code it stands for.
STATUS_CODES = {400: "H0001", 401: "H0002", 403: "H0003", 404: "H0004", 410: "H0007"}
STATUS_CODES |= {413: "H0005", 429: "A0002", 500: "E500"}


def error_body(response: httpx.Response) -> tuple[str | None, str]:
    """The ``code`` and ``msg`` of an error answer (``(None, "")`` when there are none)."""
    try:
        body: Any = response.json()
    except ValueError:
        return None, ""
    if not isinstance(body, dict):
        return None, ""
    code = body.get("code")
    message = body.get("msg") or body.get("message") or ""
    return (str(code) if code is not None else None), str(message)[:200]


def make_error(
    code: str | None,
    detail: str,
    engine: str,
    *,
    status: int | None = None,
    retry_after: float | None = None,
) -> SoriError:
    """The exception for RTZR ``code`` (or, when unknown, for HTTP ``status``)."""
    known = RTZR_ERRORS.get(code or "")
    if known is None and status is not None:
        fallback = STATUS_CODES.get(status)
        if fallback is None and status >= 500:
            fallback = "E500"
        known = RTZR_ERRORS.get(fallback or "")
    if known is None:
        label = f"HTTP {status}" if status is not None else f"code {code}"
        known = (
            ServerError if status is None or status >= 500 else ConfigurationError,
            f"The service rejected the request ({label})",
            f"서비스가 요청을 거부했습니다({label})",
            "Try again; if it keeps failing, check the engine settings.",
            "다시 시도하고, 계속 실패하면 엔진 설정을 확인하세요.",
        )
    kind, english, korean, fix, fix_ko = known
    # The service's own words help with parameter errors ("keywords ..."); never with tokens.
    suffix = f": {detail}" if detail and kind is ConfigurationError else ""
    kwargs: dict[str, Any] = {
        "fix": fix,
        "message_ko": f"{engine}: {korean}{suffix}",
        "fix_ko": fix_ko,
        "code": code,
    }
    if issubclass(kind, RateLimitError):
        return kind(f"{engine}: {english}{suffix}", retry_after=retry_after, **kwargs)
    return kind(f"{engine}: {english}{suffix}", **kwargs)


def rtzr_error(response: httpx.Response, engine: str) -> SoriError:
    """Map a non-200 answer of the OpenAPI to our exception tree."""
    code, detail = error_body(response)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return make_error(code, detail, engine, status=response.status_code, retry_after=retry_after)


def job_failure_error(error: Any, engine: str) -> SoriError:
    """The exception for a job that ended as ``failed`` with ``error {code, message}``."""
    code: str | None = None
    message = ""
    if isinstance(error, dict):
        raw = error.get("code")
        code = str(raw) if raw is not None else None
        message = str(error.get("message") or error.get("msg") or "")[:200]
    mapped = make_error(code, message, engine)
    if mapped.transient:
        # A transient cause still ended this job for good; say so rather than "try again".
        reason = f" ({message})" if message else ""
        return RemoteJobFailedError(
            f"{engine}: the service could not transcribe the file{reason}",
            message_ko=f"{engine}: 서비스가 파일을 전사하지 못했습니다{reason}",
            code=code,
        )
    return mapped
