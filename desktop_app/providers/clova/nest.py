"""The CLOVA Speech real-time protocol (``NestService.recognize``) apart from the transport:
endpoint, config request, answers and error texts.

What goes over the wire is JSON inside two protobuf strings:

* the first request carries the *config* (:func:`build_config`): ``transcription.language``,
  ``keywordBoosting.boostings`` (comma-joined words per weight), ``forbidden.forbiddens`` and
  the ``semanticEpd`` thresholds chosen as engine options;
* every answer's ``contents`` is a JSON object whose ``responseType`` says what it holds: the
  config acknowledgement (each section with a ``status`` that must be ``Success``, see
  :func:`check_config_ack`), a ``transcription`` result (see
  :mod:`desktop_app.providers.clova.stream_results`), or a ``recognize``/``error`` refusal
  (:func:`refusal_error`).

Status texts of refusals (:func:`status_error`) and gRPC statuses (:func:`rpc_error`) become
errors of :mod:`desktop_app.core.errors` with English and Korean messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, NamedTuple
from urllib.parse import urlsplit

from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    NetworkError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import OptionSpec, normalise_language
from desktop_app.providers.http import is_loopback

if TYPE_CHECKING:  # gRPC loads when a stream starts, not with the window
    import grpc

ENGINE: Final = "clova-stream"
DEFAULT_HOST: Final = "clovaspeech-gw.ncloud.com"
DEFAULT_PORT: Final = 50051
LANGUAGES: Final = ("ko", "en", "ja")
SUCCESS: Final = "success"

EPD_OPTIONS: Final = (
    OptionSpec("skipEmptyText", "bool", False, "Skip results without text",
               "텍스트 없는 결과 건너뛰기",
               help="Drop results the service sends with no words.",
               help_ko="서비스가 보낸 빈 결과를 버립니다."),
    OptionSpec("useWordEpd", "bool", False, "End results on whole words",
               "결과를 단어 단위로 끝내기",
               help="Never cut a result in the middle of a word.",
               help_ko="단어 중간에서 결과를 끊지 않습니다."),
    OptionSpec("usePeriodEpd", "bool", True, "End results at sentence ends (periods)",
               "결과를 문장 끝(마침표)에서 끝내기",
               help="Start a new result after each sentence.",
               help_ko="문장이 끝날 때마다 새 결과를 시작합니다."),
    OptionSpec("gapThreshold", "int", 2000, "Silence that ends a result (ms)",
               "결과를 끝내는 무음 길이(ms)", minimum=0,
               help="A longer silence gives longer results.",
               help_ko="길게 잡을수록 결과가 길어집니다."),
    OptionSpec("durationThreshold", "int", 20000, "Longest result (ms)",
               "결과 하나의 최대 길이(ms)", minimum=0,
               help="A result is ended once it is this long.",
               help_ko="결과가 이 길이에 이르면 끝냅니다."),
    OptionSpec("syllableThreshold", "int", 0, "Most syllables in one result (0 = no limit)",
               "결과 하나의 최대 음절 수(0 = 제한 없음)", minimum=0,
               help="A result is ended after this many syllables.",
               help_ko="결과가 이 음절 수에 이르면 끝냅니다."),
)  # fmt: skip

CREDENTIAL_FIX = (
    "Check the CLOVA Speech secret key with 'sori credentials set clova-speech' (the secret key "
    "of a long-form domain on the Basic plan; the Free plan has no real-time recognition)."
)
CREDENTIAL_FIX_KO = (
    "'sori credentials set clova-speech'로 CLOVA Speech 시크릿 키를 확인하세요(Basic 요금제 "
    "장문 인식 도메인의 시크릿 키여야 하며, Free 요금제는 실시간 인식을 지원하지 않습니다)."
)
PROTOCOL_FIX = "Update Sori; if the problem stays, report it with this message."
PROTOCOL_FIX_KO = "Sori를 업데이트하세요. 계속되면 이 메시지와 함께 알려 주세요."


# -- endpoint --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NestTarget:
    """Where the recognize call goes, and whether the channel is encrypted."""

    host: str
    port: int
    secure: bool

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_endpoint(endpoint: str | None) -> NestTarget:
    """The target for ``--endpoint`` (TLS unless ``grpc://`` to this computer) or the default.

    Accepted: ``host[:port]`` and ``grpcs://host[:port]`` (TLS), ``grpc://host[:port]``
    (plaintext, loopback hosts only).
    """
    if not endpoint or not endpoint.strip():
        return NestTarget(DEFAULT_HOST, DEFAULT_PORT, secure=True)
    text = endpoint.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme not in ("", "grpc", "grpcs"):
        raise _bad_endpoint(endpoint)
    try:
        parts = urlsplit(text if scheme else f"//{text}")
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise _bad_endpoint(endpoint) from None
    if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.username:
        raise _bad_endpoint(endpoint)
    secure = scheme != "grpc"
    if not secure and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"Plaintext gRPC is only allowed to this computer, not to {parts.hostname}",
            fix="Use grpcs://host:port (or host:port) so the connection is encrypted.",
            message_ko=(
                f"암호화되지 않은 gRPC는 이 컴퓨터 주소에만 쓸 수 있습니다({parts.hostname})"
            ),
            fix_ko="연결이 암호화되도록 grpcs://호스트:포트(또는 호스트:포트)를 쓰세요.",
        )
    return NestTarget(parts.hostname, port, secure)


def _bad_endpoint(endpoint: str) -> ConfigurationError:
    return ConfigurationError(
        f"'{endpoint}' is not a valid CLOVA Speech real-time endpoint",
        fix="Write it as host:port, grpcs://host:port, or grpc://127.0.0.1:port for a local test "
        "server.",
        message_ko=f"'{endpoint}'은(는) 올바른 CLOVA Speech 실시간 엔드포인트가 아닙니다",
        fix_ko="호스트:포트, grpcs://호스트:포트, 로컬 테스트 서버라면 grpc://127.0.0.1:포트 "
        "형식으로 쓰세요.",
    )


# -- config request --------------------------------------------------------------------------
def build_config(options: TranscriptionOptions) -> dict[str, Any]:
    """The config JSON for ``options`` (already checked against the capabilities)."""
    language = normalise_language(options.language or "ko")
    if language not in LANGUAGES:
        raise ConfigurationError(
            f"CLOVA Speech real-time cannot recognise '{options.language}'",
            fix="Use ko, en or ja.",
            message_ko=f"CLOVA Speech 실시간 인식은 '{options.language}' 언어를 지원하지 않습니다",
            fix_ko="ko, en, ja 중 하나를 쓰세요.",
        )
    config: dict[str, Any] = {"transcription": {"language": language}}
    if options.keywords:
        groups: dict[float | None, list[str]] = {}
        for keyword in options.keywords:
            groups.setdefault(keyword.weight, []).append(_list_item(keyword.word, "keyword"))
        boostings: list[dict[str, Any]] = []
        for weight, words in groups.items():
            boosting: dict[str, Any] = {"words": ",".join(words)}
            if weight is not None:
                boosting["weight"] = weight
            boostings.append(boosting)
        config["keywordBoosting"] = {"boostings": boostings}
    if options.forbidden:
        words = [_list_item(word, "forbidden word") for word in options.forbidden]
        config["forbidden"] = {"forbiddens": ",".join(words)}
    epd = {spec.name: spec.coerce(options.extra[spec.name])
           for spec in EPD_OPTIONS if spec.name in options.extra}  # fmt: skip
    if epd:
        config["semanticEpd"] = epd
    return config


def _list_item(word: str, what: str) -> str:
    word = word.strip()
    if "," in word:
        raise ConfigurationError(
            f"The {what} '{word}' contains a comma, which CLOVA Speech uses to separate words",
            fix=f"Give each {what} separately, without commas.",
            message_ko=f"'{word}'에 쉼표가 있습니다. CLOVA Speech는 쉼표로 단어를 구분합니다",
            fix_ko="단어마다 따로, 쉼표 없이 지정하세요.",
        )
    return word


# -- answers ---------------------------------------------------------------------------------
def parse_contents(contents: str) -> dict[str, Any]:
    """The JSON object inside one ``NestResponse``."""
    try:
        body = json.loads(contents)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ServerError(
            f"{ENGINE}: the service sent an answer Sori cannot read: {contents[:200]!r}",
            message_ko=f"{ENGINE}: 서비스 응답을 해석할 수 없습니다: {contents[:200]!r}",
        )
    return body


def response_types(body: dict[str, Any]) -> set[str]:
    kinds = body.get("responseType")
    if isinstance(kinds, str):
        return {kinds}
    if isinstance(kinds, list):
        return {str(kind) for kind in kinds}
    return set()


def is_refusal(body: dict[str, Any]) -> bool:
    return bool(response_types(body) & {"recognize", "error"}) or "recognize" in body


def check_config_ack(body: dict[str, Any]) -> None:
    """Raise unless the config answer says ``Success`` overall and for every section."""
    if is_refusal(body):
        raise refusal_error(body)
    config = body.get("config")
    if "config" not in response_types(body) or not isinstance(config, dict):
        raise ServerError(
            f"{ENGINE}: the service did not acknowledge the settings",
            message_ko=f"{ENGINE}: 서비스가 설정 요청에 응답하지 않았습니다",
        )
    status = str(config.get("status", ""))
    if status.strip().lower() != SUCCESS:
        raise status_error(status, section=None)
    for section, value in config.items():
        if isinstance(value, dict) and "status" in value:
            section_status = str(value["status"])
            if section_status.strip().lower() != SUCCESS:
                raise status_error(section_status, section=section)


def refusal_error(body: dict[str, Any]) -> SoriError:
    """The error for a ``recognize``/``error`` answer, naming the refused field."""
    recognize = body.get("recognize")
    if not isinstance(recognize, dict):
        return status_error(str(body.get("status") or body), section=None)
    status = str(recognize.get("status", "")) or "unknown error"
    fields = [
        f"{name}: {value['status']}"
        for name, value in recognize.items()
        if isinstance(value, dict) and value.get("status")
    ]
    return status_error(status, section=None, detail="; ".join(fields))


class _Rule(NamedTuple):
    """How to report a status text matching ``pattern``; ``{key}`` is the named setting."""

    pattern: str
    kind: type[SoriError]
    english: str
    korean: str
    fix: str = ""  # empty: the kind's usual fix from _FIXES
    fix_ko: str = ""


LANGUAGE_FIX = (
    "Choose ko, en or ja, and check the languages enabled for the domain in the "
    "NAVER Cloud console.",
    "ko, en, ja 중에서 고르고 NAVER Cloud 콘솔에서 도메인에 허용된 언어를 확인하세요.",
)
_RULES: Final = (
    _Rule(r"no more slot|resource_exhausted", RateLimitError,
          "CLOVA Speech has no free real-time slot right now",
          "CLOVA Speech 실시간 인식 슬롯이 모두 사용 중입니다"),
    _Rule(r"lifespan expired", NetworkError,
          "CLOVA Speech ended the stream because its time limit was reached",
          "연결 사용 시간이 끝나 CLOVA Speech가 스트림을 닫았습니다"),
    _Rule(r"unknown key\s*:", ConfigurationError,
          "CLOVA Speech does not know the setting '{key}'",
          "CLOVA Speech가 '{key}' 설정을 알지 못합니다"),
    _Rule(r"invalid type\s*:", ConfigurationError,
          "CLOVA Speech does not accept the value type of '{key}'",
          "CLOVA Speech가 '{key}' 값의 형식을 받아들이지 않습니다"),
    _Rule(r"invalid language code", ConfigurationError,
          "CLOVA Speech does not support the language ({status})",
          "CLOVA Speech가 지원하지 않는 언어입니다({status})", *LANGUAGE_FIX),
    _Rule(r"not authori[sz]ed", ConfigurationError,
          "The language is not enabled for this CLOVA Speech domain ({status})",
          "이 CLOVA Speech 도메인에서 허용되지 않은 언어입니다({status})", *LANGUAGE_FIX),
    _Rule(r"invalid format", AudioError,
          "CLOVA Speech could not use the audio Sori sent ({status})",
          "CLOVA Speech가 전송된 오디오를 처리하지 못했습니다({status})",
          PROTOCOL_FIX, PROTOCOL_FIX_KO),
    _Rule(r"invalid request json|required key|configrequest|targets are empty|unknown key"
          r"|invalid type", ConfigurationError,
          "CLOVA Speech rejected Sori's request ({status})",
          "CLOVA Speech가 Sori의 요청을 거부했습니다({status})",
          PROTOCOL_FIX, PROTOCOL_FIX_KO),
    _Rule(r"internal|not working|failed to", ServerError,
          "CLOVA Speech failed: {status}", "CLOVA Speech 오류: {status}"),
)  # fmt: skip

_FIXES: Final[dict[type[SoriError], tuple[str, str]]] = {
    RateLimitError: ("Wait a moment and try again, or end other live sessions that use this "
                     "secret key.",
                     "잠시 후 다시 시도하거나 이 시크릿 키를 쓰는 다른 실시간 세션을 끝내세요."),
    NetworkError: ("Sori reconnects by itself; if this keeps happening, start a new recording.",
                   "Sori가 자동으로 다시 연결합니다. 계속되면 새로 녹음을 시작하세요."),
    ConfigurationError: ("Check the language, keywords, forbidden words and EPD options "
                         "(sori providers -v).",
                         "언어, 키워드, 금지어, EPD 옵션을 확인하세요(sori providers -v)."),
}  # fmt: skip


def status_error(status: str, *, section: str | None, detail: str = "") -> SoriError:
    """Map a status text of a config or recognize answer to an error naming the cause.

    ``section`` is the config section whose own status failed (named in the message)."""
    status = status.strip() or "unknown error"
    full = f"{status} ({detail})" if detail else status
    rule = next((r for r in _RULES if re.search(r.pattern, status, re.IGNORECASE)), None)
    if rule is None and section is not None:
        rule = _Rule("", ConfigurationError,
                     "CLOVA Speech could not apply the setting '{key}': {status}",
                     "CLOVA Speech가 '{key}' 설정을 적용하지 못했습니다: {status}")  # fmt: skip
    elif rule is None:
        rule = _Rule(
            "", ServerError, "CLOVA Speech failed: {status}", "CLOVA Speech 오류: {status}"
        )
    key = _named_key(status) or section or "?"
    message = f"{ENGINE}: " + rule.english.format(key=key, status=full)
    message_ko = f"{ENGINE}: " + rule.korean.format(key=key, status=full)
    if section is not None and "{key}" not in rule.english:
        message += f" [{section}]"
        message_ko += f" [{section}]"
    fix, fix_ko = (rule.fix, rule.fix_ko) if rule.fix else _FIXES.get(rule.kind, ("", ""))
    if not fix:
        return rule.kind(message, message_ko=message_ko)
    return rule.kind(message, message_ko=message_ko, fix=fix, fix_ko=fix_ko)


def _named_key(status: str) -> str | None:
    """``keywordBoosting.foo`` from ``Unknown key: keywordBoosting-foo`` (or ``Invalid type``)."""
    match = re.search(r"(?:unknown key|invalid type)\s*:\s*(\S+)", status, re.IGNORECASE)
    return match.group(1).replace("-", ".") if match else None


def rpc_error(code: grpc.StatusCode, details: str | None) -> SoriError:
    """Map the gRPC status that ended a call to our exception tree."""
    import grpc

    if status_lost(code, details):
        return NetworkError(
            f"{ENGINE}: the connection to CLOVA Speech was lost while sending",
            message_ko=f"{ENGINE}: 전송 중에 CLOVA Speech와의 연결이 끊어졌습니다",
        )
    said = f" ({details})" if details else ""
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        verb = "refused" if code is grpc.StatusCode.UNAUTHENTICATED else "does not allow"
        return AuthError(
            f"{ENGINE}: CLOVA Speech {verb} the secret key{said}",
            fix=CREDENTIAL_FIX,
            message_ko=f"{ENGINE}: CLOVA Speech가 시크릿 키를 거부했습니다{said}",
            fix_ko=CREDENTIAL_FIX_KO,
        )
    if code is grpc.StatusCode.RESOURCE_EXHAUSTED:
        return status_error(f"RESOURCE_EXHAUSTED{said}", section=None)
    dropped = (
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.INTERNAL,  # also how HTTP/2 stream resets show up
    )
    if code in dropped or (code is grpc.StatusCode.UNKNOWN and "stream removed" in said.lower()):
        return NetworkError(
            f"{ENGINE}: the connection to CLOVA Speech failed or was lost [{code.name}]{said}",
            message_ko=f"{ENGINE}: CLOVA Speech에 연결하지 못했거나 연결이 끊어졌습니다 "
            f"[{code.name}]{said}",
        )
    if code in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.NOT_FOUND):
        return ConfigurationError(
            f"{ENGINE}: the endpoint does not offer CLOVA Speech real-time recognition{said}",
            fix=f"Check --endpoint (the service is at {DEFAULT_HOST}:{DEFAULT_PORT}).",
            message_ko=f"{ENGINE}: 이 엔드포인트는 CLOVA Speech 실시간 인식을 제공하지 않습니다{said}",
            fix_ko=f"--endpoint를 확인하세요(서비스 주소: {DEFAULT_HOST}:{DEFAULT_PORT}).",
        )
    return ServerError(
        f"{ENGINE}: CLOVA Speech ended the stream with an error [{code.name}]{said}",
        message_ko=f"{ENGINE}: CLOVA Speech가 오류로 스트림을 끝냈습니다 [{code.name}]{said}",
    )


def status_lost(code: grpc.StatusCode, details: str | None) -> bool:
    """gRPC's own INTERNAL for a send on a stream that had already ended: the server's real
    status (if any) is lost, and what is known is that the stream is gone."""
    import grpc

    return code is grpc.StatusCode.INTERNAL and "Internal error from Core" in (details or "")
