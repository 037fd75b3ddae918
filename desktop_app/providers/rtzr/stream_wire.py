"""What goes over the RTZR streaming WebSocket: the handshake query, the result frames and the
ways the service says no (API-NOTES §5 "Streaming — WebSocket").

* :func:`stream_query` turns Sori's options into the documented query parameters, checking
  everything the service would refuse, so a bad option fails before any connection exists.
  ``language`` picks the model: ``sommers`` (the default) means ``sommers_ko`` for Korean and
  ``sommers_ja`` for Japanese; ``whisper`` sends ``model_name=whisper`` with ``language``.
  Keywords (``sommers_ko`` only) are ``word`` or ``word:score`` with a score from -5 to 5, at
  most 100 words of at most 20 Hangul characters, comma-separated.
* :class:`ResultTracker` maps result frames ``{seq, start_at, duration, final, alternatives
  [{text, words [{text, start_at, duration, confidence}]}]}`` (milliseconds) onto
  :class:`~desktop_app.providers.base.StreamEvent` objects keyed by ``seq``. Word tokens mark a
  space with ``|``: a token that starts with one begins a new word, any other token continues
  the word before it (RTZR sends sub-word pieces).
* :func:`frame_error`, :func:`close_error` and :func:`handshake_error` turn error frames, close
  codes and refused handshakes into the exception tree. A connection that ends without a close
  frame is a :class:`~desktop_app.core.errors.NetworkError`, so the live session reconnects.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.audio import SAMPLE_RATE
from desktop_app.core.errors import (
    ConfigurationError,
    NetworkError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.service_times import repaired_segment, service_text
from desktop_app.core.transcript import Segment, Word
from desktop_app.providers.base import OptionSpec, StreamEvent, option_values
from desktop_app.providers.http import parse_retry_after
from desktop_app.providers.rtzr.config import (
    DETECTING,
    request_keywords,
    request_language,
)
from desktop_app.providers.rtzr.errors import make_error

log = logging.getLogger(__name__)

MODELS = ("sommers", "sommers_ko", "sommers_ja", "whisper")
DOMAINS = ("CALL", "MEETING")
MIN_WEIGHT = -5.0
MAX_WEIGHT = 5.0
MAX_EPD_TIME = 10.0
CODE_IN_TEXT = re.compile(r"\b([AHE]\d{3,4})\b")

STREAM_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("model_name", "choice", "sommers",
               "Model (sommers follows the language; whisper for other languages)",
               "모델(sommers는 언어에 맞춰 선택, 다른 언어는 whisper)", choices=MODELS,
               help="sommers picks the Korean or Japanese model by the language.",
               help_ko="sommers는 언어에 맞춰 한국어나 일본어 모델을 고릅니다.",
               choice_labels=(("sommers", "Sommers (Korean, Japanese)", "Sommers(한국어, 일본어)"),
                              ("whisper", "Whisper (many languages)", "Whisper(다국어)"))),
    OptionSpec("domain", "choice", "CALL", "Kind of speech (CALL: phone calls, MEETING)",
               "음성 종류(CALL: 통화, MEETING: 회의)", choices=DOMAINS,
               help="Tunes recognition to phone calls or meetings.",
               help_ko="통화나 회의에 맞춰 인식합니다.",
               choice_labels=(("CALL", "Phone call", "전화 통화"), ("MEETING", "Meeting", "회의"))),
    OptionSpec("use_itn", "bool", True, "Write numbers, units and English as symbols (ITN)",
               "숫자·단위·영어 변환(ITN)",
               help="Write '삼십 퍼센트' as '30%'.", help_ko="'삼십 퍼센트'를 '30%'로 씁니다."),
    OptionSpec("use_disfluency_filter", "bool", False, "Remove filler words (um, uh)",
               "간투어 필터",
               help="Leave out fillers such as 음, 어.", help_ko="음, 어 같은 간투어를 뺍니다."),
    OptionSpec("use_profanity_filter", "bool", False, "Mask profanity", "비속어 필터",
               help="Replace swear words with asterisks.", help_ko="비속어를 별표로 가립니다."),
    OptionSpec("use_punctuation", "bool", False, "Add punctuation", "문장 부호 넣기",
               help="Add full stops and question marks.", help_ko="마침표와 물음표를 넣습니다."),
    OptionSpec("epd_time", "float", 0.0,
               "Pause that ends an utterance, seconds (0 = the service's default)",
               "발화가 끝났다고 볼 쉼 길이(초, 0 = 서비스 기본값)", minimum=0.0,
               maximum=MAX_EPD_TIME,
               help="A longer pause gives longer lines.", help_ko="길게 잡을수록 줄이 길어집니다."),
)  # fmt: skip
SPECS = {spec.name: spec for spec in STREAM_OPTIONS}


def stream_model(options: TranscriptionOptions) -> tuple[str, str | None]:
    """The ``model_name`` to send and, for whisper, the ``language``."""
    spec = SPECS["model_name"]
    choice = spec.coerce(options.extra.get(spec.name, spec.default))
    if choice == "whisper":
        language = request_language(options, "whisper")
        if language in DETECTING:
            raise ConfigurationError(
                "RTZR live mode cannot detect the language",
                fix="Give the spoken language, for example --language en.",
                message_ko="RTZR 실시간 모드는 언어를 자동으로 감지하지 못합니다",
                fix_ko="말하는 언어를 지정하세요(예: --language en).",
            )
        return "whisper", language
    language = request_language(options, "sommers")
    if choice != "sommers" and options.language and choice != f"sommers_{language}":
        raise ConfigurationError(
            f"The model {choice} does not recognise the language '{options.language}'",
            fix=f"Use --option model_name=sommers_{language} or leave the model to choose.",
            message_ko=f"{choice} 모델은 '{options.language}' 언어를 인식하지 못합니다",
            fix_ko=f"--option model_name=sommers_{language}를 쓰거나 모델 선택을 생략하세요.",
        )
    return (f"sommers_{language}" if choice == "sommers" else choice), None


def stream_keywords(keywords: list[Keyword], model: str) -> str | None:
    """The ``keywords`` parameter (``word`` or ``word:score``, comma-separated), checked."""
    if not keywords:
        return None
    if model != "sommers_ko":
        raise ConfigurationError(
            "RTZR keyword boosting only works with the Korean model (sommers_ko) in live mode",
            fix="Remove --keyword, or transcribe Korean with the sommers model.",
            message_ko="RTZR 실시간 키워드 부스팅은 한국어 모델(sommers_ko)에서만 쓸 수 있습니다",
            fix_ko="--keyword를 빼거나 한국어를 sommers 모델로 전사하세요.",
        )
    # The word rules (count, length, Hangul as pronounced) are those of file transcription.
    words = request_keywords([Keyword(k.word) for k in keywords], "sommers")
    weights: dict[str, float | None] = {}
    for keyword in keywords:
        weights.setdefault(keyword.word.strip(), keyword.weight)
    bad = [f"{w}:{s:g}" for w, s in weights.items() if s is not None and not _in_range(s)]
    if bad:
        listed = ", ".join(f"'{item}'" for item in bad)
        raise ConfigurationError(
            f"RTZR keyword weights go from -5 to 5: {listed}",
            fix="Use a weight between -5 and 5 (2 when left out).",
            message_ko=f"RTZR 키워드 가중치는 -5에서 5 사이입니다: {listed}",
            fix_ko="-5에서 5 사이의 가중치를 쓰세요(생략하면 2).",
        )
    return ",".join(
        word if weights[word] is None else f"{word}:{weights[word]:g}" for word in words
    )


def _in_range(weight: float) -> bool:
    return math.isfinite(weight) and MIN_WEIGHT <= weight <= MAX_WEIGHT


def stream_query(options: TranscriptionOptions) -> dict[str, str]:
    """Every query parameter of the handshake, in the documented spelling."""
    values = option_values(STREAM_OPTIONS, options.extra)
    model, language = stream_model(options)
    query = {
        "sample_rate": str(SAMPLE_RATE),
        "encoding": "LINEAR16",
        "model_name": model,
        "domain": values["domain"],
    }
    if language is not None:
        query["language"] = language
    for name in ("use_itn", "use_disfluency_filter", "use_profanity_filter", "use_punctuation"):
        query[name] = "true" if values[name] else "false"
    epd_time = values["epd_time"]
    if epd_time > 0:
        query["epd_time"] = f"{epd_time:g}"
    keywords = stream_keywords(options.keywords, model)
    if keywords is not None:
        query["keywords"] = keywords
    return query


# -- results ---------------------------------------------------------------------------------
def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return max(0.0, float(value))
    return None


def clean_text(text: str) -> str:
    """Plain text from RTZR text (``|`` marks spaces)."""
    return " ".join(text.replace("|", " ").split())


def parse_words(items: Any) -> list[Word]:
    """Timed words from RTZR word tokens (see the module docstring)."""
    words: list[Word] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            continue
        start, length = _number(item.get("start_at")), _number(item.get("duration"))
        if start is None:
            continue
        begin, end = start / 1000, (start + (length or 0.0)) / 1000  # ms summed first
        confidence = _number(item.get("confidence"))
        raw: str = item["text"]
        pieces = raw.split("|")
        for index, part in enumerate(pieces):
            piece = part.strip()
            if not piece:
                continue
            if index == 0 and words and not raw.startswith("|"):
                last = words[-1]
                last.text += piece
                last.end = max(last.end, end)
                continue
            words.append(Word(begin, end, piece, confidence))
    return words


@dataclass(slots=True)
class ResultTracker:
    """Keyed events from result frames of one connection. Used on the engine loop thread."""

    _open: dict[int, Segment] = field(default_factory=dict)
    _next_key: int = 0
    _last_end: float = 0.0

    def apply(self, message: Mapping[str, Any], position: float) -> StreamEvent | None:
        """The event for a result frame (None for frames without a result); ``position`` is the
        seconds of audio sent so far, the provisional end of partial text."""
        alternatives = message.get("alternatives")
        if not isinstance(alternatives, list):
            return None
        best = alternatives[0] if alternatives and isinstance(alternatives[0], dict) else {}
        seq = message.get("seq")
        key = seq if isinstance(seq, int) and not isinstance(seq, bool) else self._next_key
        final = message.get("final") is True
        start_ms = _number(message.get("start_at"))
        if start_ms is None:
            previous = self._open.get(key)
            start_ms = (previous.start if previous is not None else self._last_end) * 1000
        start = start_ms / 1000
        words = parse_words(best.get("words"))
        duration = _number(message.get("duration")) or 0.0
        if final:
            # Summed in milliseconds, so 5080 + 2280 ms ends at 7.36 s, not 7.359999.
            end = (
                (start_ms + duration) / 1000 if duration else max([start, *(w.end for w in words)])
            )
        else:
            end = max(start, position, *(w.end for w in words))
        text = clean_text(service_text(best.get("text"))) or " ".join(w.text for w in words)
        confidence = _number(best.get("confidence"))
        if confidence is None and words and all(w.confidence is not None for w in words):
            confidence = round(sum(w.confidence or 0.0 for w in words) / len(words), 6)
        segment = repaired_segment(
            Segment(start, end, text, confidence=confidence, words=words),
            position if position > 0 else None,
        )
        end = segment.end
        if final:
            self._open.pop(key, None)
            self._last_end = max(self._last_end, end)
            self._next_key = max(self._next_key, key + 1)
        else:
            self._open[key] = segment
        return StreamEvent(key, segment, final)

    def settle(self) -> list[StreamEvent]:
        """Final events for partial text the service never finalised (the stream is over)."""
        events = [StreamEvent(key, seg, True) for key, seg in sorted(self._open.items())]
        self._open.clear()
        return events


# -- errors ------------------------------------------------------------------------------------
def _error_text(value: Any) -> str:
    return str(value)[:200] if value is not None else ""


def frame_error(message: Mapping[str, Any], engine: str) -> SoriError | None:
    """The error an answer frame reports, if it is an error (its shape is undocumented: accept
    the REST body ``{code, msg}``, ``{"error": ...}`` and ``{"type": "error", "message"}``)."""
    if "alternatives" in message:
        return None
    error = message.get("error")
    is_error = message.get("type") == "error" or "code" in message or error not in (None, False)
    if not is_error:
        return None
    code = message.get("code")
    if isinstance(error, dict):
        code = code if code is not None else error.get("code")
        error = error.get("msg") or error.get("message")
    detail = _error_text(message.get("msg") or message.get("message") or error)
    known = str(code) if code is not None else None
    if known is None:
        found = CODE_IN_TEXT.search(detail)
        known = found.group(1) if found else None
    if known is None:
        suffix = f": {detail}" if detail else ""
        return ServerError(
            f"{engine}: the service reported an error{suffix}",
            message_ko=f"{engine}: 서비스가 오류를 보고했습니다{suffix}",
        )
    return make_error(known, detail, engine)


def close_error(code: int | None, reason: str, engine: str, *, eos_sent: bool) -> SoriError | None:
    """The error a closed connection means (None for the normal end after ``EOS``); ``code`` is
    None when the connection ended without a close frame."""
    reason = reason.strip()[:200]
    detail = f" ({reason})" if reason else ""
    found = CODE_IN_TEXT.search(reason)
    if found and code != 1000:
        return make_error(found.group(1), reason, engine)
    if code in (1000, 1001, 1005) and eos_sent:
        return None
    if code in (1000, 1001, 1005):
        return NetworkError(
            f"{engine}: RTZR closed the live stream before the audio ended{detail}",
            message_ko=f"{engine}: 오디오가 끝나기 전에 RTZR가 실시간 스트림을 닫았습니다{detail}",
        )
    if code is None or code in (1006, 1012, 1014):
        return NetworkError(
            f"{engine}: the live connection to RTZR was dropped{detail}",
            message_ko=f"{engine}: RTZR 실시간 연결이 끊어졌습니다{detail}",
        )
    if code == 1013:
        return RateLimitError(
            f"{engine}: RTZR is busy and asked to try again later{detail}",
            message_ko=f"{engine}: RTZR가 바빠서 나중에 다시 시도하라고 했습니다{detail}",
        )
    if code in (1002, 1003, 1007, 1008, 1009, 1010):
        return ConfigurationError(
            f"{engine}: RTZR refused the audio stream (close code {code}){detail}",
            fix="Check the engine options; if they look right, report this as a bug in Sori.",
            message_ko=f"{engine}: RTZR가 오디오 스트림을 거부했습니다(종료 코드 {code}){detail}",
            fix_ko="엔진 옵션을 확인하고, 문제가 없으면 Sori 버그로 알려 주세요.",
        )
    return ServerError(
        f"{engine}: RTZR ended the live stream with an error (close code {code}){detail}",
        message_ko=f"{engine}: RTZR가 오류로 실시간 스트림을 끝냈습니다(종료 코드 {code}){detail}",
    )


def handshake_error(
    status: int, headers: Mapping[str, str], body: bytes | bytearray, engine: str
) -> SoriError:
    """The error for a refused WebSocket handshake (an ordinary HTTP error answer)."""
    code: str | None = None
    detail = ""
    try:
        parsed: Any = json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        parsed = None
    if isinstance(parsed, dict):
        raw = parsed.get("code")
        code = str(raw) if raw is not None else None
        detail = _error_text(parsed.get("msg") or parsed.get("message") or "")
    retry_after = parse_retry_after(headers.get("Retry-After"))
    if code == "A0002" or (code is None and status == 429):
        # The documented 429 for opening a stream: every live channel of the account is in use.
        return RateLimitError(
            f"{engine}: too many RTZR live streams are open at once",
            retry_after=retry_after,
            fix="Close other live sessions of this account and try again (the free plan allows "
            "5 at a time, Basic 20).",
            message_ko=f"{engine}: 동시에 열린 RTZR 실시간 스트림이 너무 많습니다",
            fix_ko="이 계정의 다른 실시간 세션을 닫고 다시 시도하세요(무료 요금제는 동시 5개, "
            "Basic은 20개).",
            code="A0002",
        )
    return make_error(code, detail, engine, status=status, retry_after=retry_after)
