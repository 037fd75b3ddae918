"""Result codes of NHN Cloud Speech to Text v2.0 and their meaning for a Sori user.

NHN answers every call with HTTP 200 and puts the outcome in the body's ``header``
(``isSuccessful``, ``resultCode``, ``resultMessage``). :func:`check_header` raises for an
unsuccessful header, :func:`nhn_error` turns any documented code (and the HTTP statuses a proxy
or load balancer may still send) into one of our exception types with an English and a Korean
sentence naming the cause and the fix.

Codes that :mod:`desktop_app.providers.nhn.provider` treats specially are named here as constants:
input problems that converting or splitting the audio can cure, and "no speech", which the
engine returns as an empty transcript instead of an error.
"""

from __future__ import annotations

from typing import Any

import httpx

from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    EmptyAudioError,
    LimitExceededError,
    NotMediaError,
    RateLimitError,
    ServerError,
    SoriError,
    TruncatedAudioError,
)
from desktop_app.providers.http import parse_retry_after

SUCCESS = 0
FILE_TOO_LARGE = 4000002
INVALID_FILE_TYPE = 4000003
INVALID_AUDIO_FILE = 4000201
AUDIO_TOO_LONG = 4000202
AUDIO_TOO_SHORT = 4000203
SPEECH_NOT_DETECTED = 4000204
INVALID_UUID = 4010002
INVALID_ASYNC_ID = 4010006

# Sent again, a failed task with one of these would fail the same way: the input is the cause.
INPUT_FAILURES = frozenset(
    {4000001, FILE_TOO_LARGE, INVALID_FILE_TYPE, 4000004, INVALID_AUDIO_FILE, AUDIO_TOO_LONG,
     AUDIO_TOO_SHORT}
)  # fmt: skip


class NhnTaskLostError(ServerError):
    """The service does not know an asynchronous task (bad or expired ``taskId``).

    Polling again cannot help, so it is not transient; the engine starts a new task when it
    still knows the audio URL."""

    transient = False


_KEYS_FIX = (
    "Copy the app key and secret key from the NHN Cloud console (Speech to Text > URL & "
    "Appkey) and save them with 'sori credentials set nhn'.",
    "NHN Cloud 콘솔(Speech to Text > URL & Appkey)에서 앱키와 비밀 키를 복사해 "
    "'sori credentials set nhn'으로 저장하세요.",
)
_RETRY_FIX = (
    "The service had a problem; try again in a few minutes.",
    "서비스에 문제가 생겼습니다. 몇 분 뒤 다시 시도하세요.",
)
_ENDPOINT_FIX = (
    "Check the host setting (current or former) and --endpoint: it must be the NHN Cloud "
    "Speech to Text address without a path.",
    "host 설정(current/former)과 --endpoint를 확인하세요. 경로 없는 NHN Cloud Speech to Text "
    "주소여야 합니다.",
)
_AGAIN_FIX = (
    "Transcribe the source again to start a new task.",
    "원본을 다시 변환해 새 작업을 시작하세요.",
)

# code: (exception type, English cause, Korean cause, (English fix, Korean fix))
NHN_ERRORS: dict[int, tuple[type[SoriError], str, str, tuple[str, str]]] = {
    -1: (ServerError, "The service failed for an unknown reason", "알 수 없는 이유로 서비스가 실패했습니다",
         ("Try again in a few minutes; if it keeps failing, tell NHN Cloud support the time "
          "of the request.",
          "몇 분 뒤 다시 시도하고, 계속 실패하면 요청 시각을 NHN Cloud 고객 센터에 알려 주세요.")),
    400: (ConfigurationError, "The service rejected the request as malformed (Bad Request)",
          "서비스가 요청 형식이 잘못되었다며 거부했습니다(Bad Request)", _ENDPOINT_FIX),
    401: (AuthError, "No secret key reached the service (Unauthorized)",
          "비밀 키가 서비스에 전달되지 않았습니다(Unauthorized)",
          ("Save the secret key with 'sori credentials set nhn' or set SORI_NHN_SECRET; a proxy "
           "may also be removing the Authorization header.",
           "'sori credentials set nhn'으로 비밀 키를 저장하거나 SORI_NHN_SECRET을 설정하세요. "
           "프록시가 Authorization 헤더를 지우는 경우도 있습니다.")),
    403: (AuthError, "Access was refused: this app key may not use Speech to Text (Forbidden)",
          "접근이 거부되었습니다: 이 앱키로는 Speech to Text를 쓸 수 없습니다(Forbidden)",
          ("Enable Speech to Text for the project in the NHN Cloud console and check the app key.",
           "NHN Cloud 콘솔에서 프로젝트의 Speech to Text를 활성화하고 앱키를 확인하세요.")),
    404: (ConfigurationError, "The API address was not found",
          "API 주소를 찾을 수 없습니다", _ENDPOINT_FIX),
    405: (ConfigurationError, "The service does not allow this method at that address",
          "이 주소에서는 해당 HTTP 메서드를 쓸 수 없습니다", _ENDPOINT_FIX),
    415: (ConfigurationError, "The service did not accept the request's content type",
          "서비스가 요청의 Content-Type을 받지 않았습니다",
          ("Check --endpoint and any proxy in between: multipart and JSON requests must reach "
           "the service unchanged.",
           "--endpoint와 중간 프록시를 확인하세요. multipart/JSON 요청이 그대로 전달되어야 합니다.")),
    4000001: (ConfigurationError,
              "A request parameter was invalid (a biasing entry, the audio part or the audio URL)",
              "요청 매개변수가 잘못되었습니다(바이어싱 항목, 오디오 또는 오디오 URL)",
              ("Write biasing entries as ANSWER_RECOGNIZED (e.g. 차단기_차단계) and give a full "
               "http(s) address for URL input.",
               "바이어싱 항목은 '정답_인식값'(예: 차단기_차단계) 형식으로, URL은 http(s)로 시작하는 "
               "전체 주소로 쓰세요.")),
    FILE_TOO_LARGE: (LimitExceededError, "The audio file is larger than the service accepts "
                     "(150 MB)", "오디오 파일이 서비스 허용 크기(150MB)를 넘습니다",
                     ("Local files are split automatically; for a URL, download the file and "
                      "transcribe it from disk.",
                      "로컬 파일은 자동으로 나뉩니다. URL이라면 파일을 내려받아 로컬 파일로 변환하세요.")),
    INVALID_FILE_TYPE: (NotMediaError, "The service does not accept this file type",
                        "서비스가 이 파일 형식을 받지 않습니다",
                        ("Use WAV, WebM, MP3, OGG, FLAC, AAC or AC3, or transcribe the file from "
                         "disk so Sori converts it.",
                         "WAV, WebM, MP3, OGG, FLAC, AAC, AC3 중 하나를 쓰거나, 파일을 로컬에서 "
                         "변환하면 Sori가 형식을 바꿔 보냅니다.")),
    4000004: (EmptyAudioError, "The uploaded audio file is empty",
              "업로드한 오디오 파일이 비어 있습니다",
              ("Choose a file that holds sound (check that the URL serves the whole file).",
               "소리가 담긴 파일을 고르세요(URL이 파일 전체를 내려주는지 확인하세요).")),
    INVALID_AUDIO_FILE: (TruncatedAudioError, "The service could not decode the audio",
                         "서비스가 오디오를 해독하지 못했습니다",
                         ("Check that the file plays, or save it again as WAV or FLAC.",
                          "파일이 재생되는지 확인하거나 WAV/FLAC으로 다시 저장하세요.")),
    AUDIO_TOO_LONG: (LimitExceededError, "The audio is longer than the service accepts (1 hour)",
                     "오디오가 서비스 허용 길이(1시간)를 넘습니다",
                     ("Local files are split automatically; for a URL, download the file and "
                      "transcribe it from disk.",
                      "로컬 파일은 자동으로 나뉩니다. URL이라면 파일을 내려받아 로컬 파일로 변환하세요.")),
    AUDIO_TOO_SHORT: (AudioError, "The audio is shorter than 0.36 seconds",
                      "오디오가 0.36초보다 짧습니다",
                      ("Use a longer recording.", "더 긴 녹음을 쓰세요.")),
    SPEECH_NOT_DETECTED: (EmptyAudioError, "No speech was detected in the audio",
                          "오디오에서 음성이 감지되지 않았습니다",
                          ("Check that the recording holds audible speech.",
                           "녹음에 들리는 말소리가 있는지 확인하세요.")),
    4010001: (AuthError, "The app key or the secret key is wrong",
              "앱키 또는 비밀 키가 잘못되었습니다", _KEYS_FIX),
    INVALID_UUID: (NhnTaskLostError, "The saved task id is not a valid UUID",
                   "저장된 작업 ID가 올바른 UUID가 아닙니다", _AGAIN_FIX),
    4010003: (AuthError, "This user is not allowed to use the service",
              "이 사용자는 서비스를 쓸 수 없습니다",
              ("Ask the project administrator for access to Speech to Text.",
               "프로젝트 관리자에게 Speech to Text 사용 권한을 요청하세요.")),
    4010004: (AuthError, "The project of this app key is not valid",
              "이 앱키의 프로젝트가 올바르지 않습니다",
              ("Check that the project still exists and has Speech to Text enabled, then copy "
               "its app key again.",
               "프로젝트가 있고 Speech to Text가 활성화되어 있는지 확인한 뒤 앱키를 다시 복사하세요.")),
    4010005: (AuthError, "Your role in the project does not allow Speech to Text",
              "프로젝트 역할에 Speech to Text 권한이 없습니다",
              ("Ask the project administrator for a role that includes Speech to Text.",
               "프로젝트 관리자에게 Speech to Text가 포함된 역할을 요청하세요.")),
    INVALID_ASYNC_ID: (NhnTaskLostError, "The service does not know this task (it expired or "
                       "belongs to another app key)",
                       "서비스가 이 작업을 모릅니다(만료되었거나 다른 앱키의 작업입니다)", _AGAIN_FIX),
    4010007: (AuthError, "The authentication token is invalid",
              "인증 토큰이 올바르지 않습니다",
              ("Check the secret key: API v2.0 takes the secret key itself, not a user access "
               "key token.",
               "비밀 키를 확인하세요. v2.0 API에는 User Access Key 토큰이 아니라 비밀 키 자체를 씁니다.")),
    4010008: (AuthError, "Permission was denied for this operation",
              "이 작업에 대한 권한이 없습니다",
              ("Check the project's Speech to Text permissions in the NHN Cloud console.",
               "NHN Cloud 콘솔에서 프로젝트의 Speech to Text 권한을 확인하세요.")),
    5000001: (ServerError, "An internal API of the service failed",
              "서비스 내부 API가 실패했습니다", _RETRY_FIX),
    5000002: (ServerError, "The service failed to parse its own data",
              "서비스가 내부 데이터를 해석하지 못했습니다", _RETRY_FIX),
    5000003: (ServerError, "The service's database failed",
              "서비스 데이터베이스 오류입니다", _RETRY_FIX),
    5000004: (ServerError, "The service failed to delete some of its resources",
              "서비스가 일부 리소스를 삭제하지 못했습니다", _RETRY_FIX),
    5000005: (ServerError, "The service could not read the audio file (for URL input: could not "
              "download it)", "서비스가 오디오 파일을 읽지 못했습니다(URL 입력이면 내려받지 못함)",
              ("Check that the URL can be downloaded without logging in, or transcribe the file "
               "from disk; otherwise try again later.",
               "URL을 로그인 없이 내려받을 수 있는지 확인하거나 로컬 파일로 변환하세요. 아니면 "
               "잠시 후 다시 시도하세요.")),
    5004001: (ServerError, "The speech recognition engine failed",
              "음성 인식 엔진이 실패했습니다", _RETRY_FIX),
    5004002: (ServerError, "The speech recognition engine returned an empty answer",
              "음성 인식 엔진이 빈 응답을 보냈습니다", _RETRY_FIX),
    5004003: (ServerError, "The speech recognition engine could not convert the speech to text",
              "음성 인식 엔진이 음성을 텍스트로 바꾸지 못했습니다", _RETRY_FIX),
    5004004: (ServerError, "The speech recognition engine could not read the audio",
              "음성 인식 엔진이 오디오를 읽지 못했습니다",
              ("Try again; if it keeps failing, save the audio as 16 kHz mono WAV and use that.",
               "다시 시도하고, 계속 실패하면 16kHz 모노 WAV로 저장해 쓰세요.")),
}  # fmt: skip


def _fallback(code: int) -> tuple[type[SoriError], str, str, tuple[str, str]]:
    """An entry for a code the documents do not list, chosen by its family."""
    if code >= 5000000 or 500 <= code <= 599:
        return ServerError, "The service failed", "서비스 오류입니다", _RETRY_FIX
    if 4010000 <= code < 4020000:
        return AuthError, "The service refused the keys", "서비스가 키를 거부했습니다", _KEYS_FIX
    return (
        ConfigurationError,
        "The service rejected the request",
        "서비스가 요청을 거부했습니다",
        _ENDPOINT_FIX,
    )


def nhn_error(
    code: int, engine: str, *, service_message: str = "", retry_after: float | None = None
) -> SoriError:
    """Our exception for NHN result ``code`` (or an HTTP status used as one)."""
    if code == 429:
        return RateLimitError(
            f"{engine}: too many requests",
            retry_after=retry_after,
            message_ko=f"{engine}: 요청이 너무 많습니다",
            code="429",
        )
    known = NHN_ERRORS.get(code)
    kind, english, korean, (fix, fix_ko) = known or _fallback(code)
    # The service's own words add something only where our table has none.
    said = f" (“{service_message.strip()}”)" if service_message.strip() and not known else ""
    return kind(
        f"{engine}: {english}{said}",
        fix=fix,
        message_ko=f"{engine}: {korean}{said}",
        fix_ko=fix_ko,
        code=str(code),
    )


def header_code(body: dict[str, Any]) -> tuple[bool, int, str]:
    """``(isSuccessful, resultCode, resultMessage)`` of a body; a missing header is a failure."""
    head = body.get("header")
    if not isinstance(head, dict):
        return False, -1, "the answer has no header"
    try:
        code = int(head.get("resultCode", -1))
    except (TypeError, ValueError):
        code = -1
    successful = head.get("isSuccessful") is True and code == SUCCESS
    return successful, code, str(head.get("resultMessage") or "")


def check_header(body: dict[str, Any], engine: str) -> None:
    """Raise the mapped error unless the body's header says success."""
    successful, code, message = header_code(body)
    if not successful:
        raise nhn_error(code, engine, service_message=message)


def unreadable_answer(engine: str) -> ServerError:
    return ServerError(
        f"{engine}: the service sent an answer Sori cannot read",
        message_ko=f"{engine}: 서비스 응답을 해석할 수 없습니다",
    )


def response_body(response: httpx.Response, engine: str) -> dict[str, Any]:
    """The JSON body of an answer, or the error its HTTP status and header stand for."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if status == 429:
        raise nhn_error(
            429, engine, retry_after=parse_retry_after(response.headers.get("Retry-After"))
        )
    if status >= 500:
        raise ServerError(
            f"{engine}: the service failed (HTTP {status})",
            message_ko=f"{engine}: 서비스 오류(HTTP {status})",
        )
    if status != 200:
        if isinstance(body, dict) and isinstance(body.get("header"), dict):
            _, code, message = header_code(body)
            if code not in (SUCCESS, -1):
                raise nhn_error(code, engine, service_message=message)
        raise nhn_error(status, engine)
    if not isinstance(body, dict):
        raise unreadable_answer(engine)
    return body
