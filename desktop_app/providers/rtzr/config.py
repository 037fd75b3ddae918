"""Sori's options → the ``config`` JSON of an RTZR batch request, checked before anything is sent.

Engine-neutral options map as follows: ``language`` → ``language`` (sommers: ``ko``/``ja``;
whisper: any ISO 639 code, ``detect`` or ``multi``), ``diarization`` → ``use_diarization``,
``speakers`` → ``diarization.spk_count`` (0 or none = let the service decide), ``keywords`` →
``keywords``. Everything else RTZR offers is an engine option (:data:`EXTRA_OPTIONS`, stored in
``options.extra``, reachable as ``--option name=value``): ``model_name``, ``domain``,
``use_itn``, ``use_disfluency_filter``, ``use_profanity_filter``, ``use_paragraph_splitter``,
``paragraph_splitter_max``, ``use_word_timestamp`` (on by default in Sori, so words are timed)
and ``language_candidates``.

Keywords follow the batch document (``/docs/stt-file/keywords``): plain words — the batch API
has no ``word:score`` weights (those exist only for streaming) — at most 100, each at most 20
characters, written as Hangul syllables the way they sound (STT → 에스티티), and not with the
whisper model. Violations raise :class:`~desktop_app.core.errors.ConfigurationError` naming the
offending words, so a request the service would refuse with H0001 is never uploaded.
"""

from __future__ import annotations

import re
from typing import Any

from desktop_app.core.errors import ConfigurationError, UnsupportedOptionError
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.providers.base import OptionSpec, normalise_language, option_values

MODELS = ("sommers", "whisper")
DOMAINS = ("GENERAL", "CALL")
SOMMERS_LANGUAGES = ("ko", "ja")
DETECTING = ("detect", "multi")
MAX_KEYWORDS = 100
MAX_KEYWORD_CHARS = 20
HANGUL_WORD = re.compile(r"[가-힣]+")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")

EXTRA_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("model_name", "choice", "sommers", "Model (sommers, whisper)", "모델",
               choices=MODELS,
               help="sommers for Korean and Japanese; whisper for other languages.",
               help_ko="한국어와 일본어는 sommers, 다른 언어는 whisper를 쓰세요.",
               choice_labels=(("sommers", "Sommers (Korean, Japanese)", "Sommers(한국어, 일본어)"),
                              ("whisper", "Whisper (many languages)", "Whisper(다국어)"))),
    OptionSpec("domain", "choice", "GENERAL", "Kind of recording (GENERAL, CALL)",
               "녹음 종류(일반, 통화)", choices=DOMAINS,
               help="Phone calls are recognised better with CALL.",
               help_ko="전화 통화는 CALL로 더 잘 인식됩니다.",
               choice_labels=(("GENERAL", "General", "일반"), ("CALL", "Phone call", "전화 통화"))),
    OptionSpec("use_itn", "bool", True, "Write numbers, units and English as symbols (ITN)",
               "숫자·단위·영어 변환(ITN)",
               help="Write '삼십 퍼센트' as '30%'.", help_ko="'삼십 퍼센트'를 '30%'로 씁니다."),
    OptionSpec("use_disfluency_filter", "bool", True, "Remove filler words (um, uh)",
               "간투어 필터",
               help="Leave out fillers such as 음, 어.", help_ko="음, 어 같은 간투어를 뺍니다."),
    OptionSpec("use_profanity_filter", "bool", False, "Mask profanity", "비속어 필터",
               help="Replace swear words with asterisks.", help_ko="비속어를 별표로 가립니다."),
    OptionSpec("use_paragraph_splitter", "bool", True, "Split the text into paragraphs",
               "문단 나누기",
               help="Break long speech into paragraphs.", help_ko="긴 발화를 문단으로 나눕니다."),
    OptionSpec("paragraph_splitter_max", "int", 50, "Longest paragraph (characters)",
               "문단 최대 길이(글자)", minimum=1,
               help="Paragraphs are cut after this many characters.",
               help_ko="문단이 이 글자 수를 넘으면 나눕니다.",
               enabled_by="use_paragraph_splitter"),
    OptionSpec("use_word_timestamp", "bool", True, "Time every word", "단어별 타임스탬프",
               help="Ask for the time of every word.", help_ko="단어마다 시간 정보를 받습니다."),
    OptionSpec("language_candidates", "str", "",
               "Languages to choose from with whisper detect/multi (comma-separated)",
               "whisper detect/multi에서 고를 언어(쉼표로 구분)",
               help="Narrows language detection, e.g. ko,en.",
               help_ko="언어 감지 범위를 좁힙니다(예: ko,en)."),
)  # fmt: skip


def invalid_value(name: str, value: Any, expected: str, expected_ko: str) -> ConfigurationError:
    """The error for an option value of the wrong kind or range (batch and stream options)."""
    return ConfigurationError(
        f"'{value}' is not a valid value for {name}",
        fix=f"Give {name} {expected}.",
        message_ko=f"'{value}'은(는) {name}에 쓸 수 없는 값입니다",
        fix_ko=f"{name}에는 {expected_ko}을(를) 쓰세요.",
    )


def _language_code(raw: str) -> str | None:
    """``en``, ``en-US``, ``English``, ``kor`` ... → a lower-case ISO code, or None."""
    code = normalise_language(raw).lower()
    code = re.split(r"[-_]", code)[0]
    return code if LANGUAGE_CODE.fullmatch(code) else None


def request_language(options: TranscriptionOptions, model: str) -> str:
    """The ``language`` value for ``model``, or a ConfigurationError saying what works."""
    raw = (options.language or "ko").strip()
    if model == "sommers":
        code = _language_code(raw)
        if code not in SOMMERS_LANGUAGES:
            raise ConfigurationError(
                f"The RTZR sommers model recognises Korean (ko) and Japanese (ja), not '{raw}'",
                fix="Use --language ko or ja, or add --option model_name=whisper for other "
                "languages.",
                message_ko=f"RTZR sommers 모델은 한국어(ko)와 일본어(ja)만 인식합니다('{raw}')",
                fix_ko="--language ko 또는 ja를 쓰거나, 다른 언어는 --option model_name=whisper를 "
                "함께 쓰세요.",
            )
        return code
    lowered = raw.lower()
    if lowered == "auto":
        lowered = "detect"
    if lowered in DETECTING:
        return lowered
    code = _language_code(raw)
    if code is None:
        raise ConfigurationError(
            f"'{raw}' is not a language code the RTZR whisper model knows",
            fix="Use an ISO 639 code such as ko, en or ja, or 'detect' / 'multi'.",
            message_ko=f"'{raw}'은(는) RTZR whisper 모델이 아는 언어 코드가 아닙니다",
            fix_ko="ko, en, ja 같은 ISO 639 코드나 'detect' / 'multi'를 쓰세요.",
        )
    return code


def _candidates(extra: dict[str, Any], language: str) -> list[str]:
    raw = extra.get("language_candidates", "")
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
    words = [str(item).strip() for item in items if str(item).strip()]
    if not words:
        return []
    if language not in DETECTING:
        raise ConfigurationError(
            "language_candidates only works with the whisper model and language detect or multi",
            fix="Add --option model_name=whisper --language detect, or leave the candidates out.",
            message_ko="language_candidates는 whisper 모델에서 언어가 detect 또는 multi일 때만 "
            "쓸 수 있습니다",
            fix_ko="--option model_name=whisper --language detect를 함께 쓰거나 후보를 빼세요.",
        )
    codes = [_language_code(word) for word in words]
    bad = [word for word, code in zip(words, codes, strict=True) if code is None]
    if bad:
        raise invalid_value("language_candidates", ", ".join(bad), "ISO 639 codes such as ko,en,ja",
                       "ko,en,ja 같은 ISO 639 코드")  # fmt: skip
    return list(dict.fromkeys(code for code in codes if code is not None))


def _listed(words: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


def request_keywords(keywords: list[Keyword], model: str) -> list[str]:
    """The ``keywords`` list, or a ConfigurationError naming every word that cannot be sent."""
    if not keywords:
        return []
    if model == "whisper":
        raise ConfigurationError(
            "RTZR keyword boosting does not work with the whisper model",
            fix="Remove --keyword, or use the sommers model.",
            message_ko="RTZR 키워드 부스팅은 whisper 모델과 함께 쓸 수 없습니다",
            fix_ko="--keyword를 빼거나 sommers 모델을 쓰세요.",
        )
    weighted = [str(k) for k in keywords if k.weight is not None]
    if weighted:
        raise ConfigurationError(
            f"RTZR file transcription takes keywords without weights: {_listed(weighted)}",
            fix="Leave out ':WEIGHT' (weights only exist in RTZR live mode).",
            message_ko=f"RTZR 파일 전사 키워드에는 가중치를 붙일 수 없습니다: {_listed(weighted)}",
            fix_ko="':가중치'를 빼세요(가중치는 RTZR 실시간 모드에만 있습니다).",
        )
    words = list(dict.fromkeys(k.word.strip() for k in keywords if k.word.strip()))
    if len(words) > MAX_KEYWORDS:
        raise ConfigurationError(
            f"RTZR takes at most {MAX_KEYWORDS} keywords, not {len(words)}",
            fix="Keep only the most important words.",
            message_ko=f"RTZR 키워드는 최대 {MAX_KEYWORDS}개입니다({len(words)}개 지정됨)",
            fix_ko="가장 중요한 단어만 남기세요.",
        )
    long_words = [word for word in words if len(word) > MAX_KEYWORD_CHARS]
    if long_words:
        raise ConfigurationError(
            f"RTZR keywords may have at most {MAX_KEYWORD_CHARS} characters: {_listed(long_words)}",
            fix="Shorten these keywords.",
            message_ko=f"RTZR 키워드는 {MAX_KEYWORD_CHARS}자 이하여야 합니다: {_listed(long_words)}",
            fix_ko="이 키워드를 줄이세요.",
        )
    not_hangul = [word for word in words if not HANGUL_WORD.fullmatch(word)]
    if not_hangul:
        raise ConfigurationError(
            f"RTZR keywords must be Hangul syllables written as they sound: {_listed(not_hangul)}",
            fix="Spell them out in Hangul without spaces, digits or Latin letters "
            "(STT → 에스티티, 2 → 이).",
            message_ko=f"RTZR 키워드는 발음대로 적은 한글 음절이어야 합니다: {_listed(not_hangul)}",
            fix_ko="공백·숫자·영문 없이 소리 나는 대로 한글로 쓰세요(STT → 에스티티, 2 → 이).",
        )
    return words


def build_request_config(options: TranscriptionOptions, engine: str) -> dict[str, Any]:
    """The complete ``config`` object for POST /v1/transcribe (every key sent explicitly)."""
    extra = options.extra
    if options.speakers_min is not None or options.speakers_max is not None:
        raise UnsupportedOptionError(
            "--min-speakers/--max-speakers", engine, detail="it takes an exact --speakers N"
        )
    if options.speakers is not None and options.speakers < 0:
        raise invalid_value("--speakers", options.speakers, "0 (automatic) or more", "0(자동) 이상")
    values = option_values(EXTRA_OPTIONS, extra)
    model = values["model_name"]
    language = request_language(options, model)
    config: dict[str, Any] = {
        "model_name": model,
        "language": language,
        "use_diarization": options.diarization,
        "use_itn": values["use_itn"],
        "use_disfluency_filter": values["use_disfluency_filter"],
        "use_profanity_filter": values["use_profanity_filter"],
        "use_paragraph_splitter": values["use_paragraph_splitter"],
        "domain": values["domain"],
        "use_word_timestamp": values["use_word_timestamp"],
    }
    candidates = _candidates(extra, language)
    if candidates:
        config["language_candidates"] = candidates
    if options.diarization:
        config["diarization"] = {"spk_count": options.speakers or 0}
    if config["use_paragraph_splitter"]:
        config["paragraph_splitter"] = {"max": values["paragraph_splitter_max"]}
    keywords = request_keywords(options.keywords, model)
    if keywords:
        config["keywords"] = keywords
    return config
