"""What ``clova-speech`` sends: the long-form ``params`` JSON, the completion plan, languages.

The long-form API takes one ``params`` object (a multipart part for uploads, merged into the JSON
body for URL and Object Storage input). This module builds it from
:class:`~desktop_app.core.options.TranscriptionOptions` and the engine's settings, and checks
beforehand everything the service would refuse, so a job never fails after a long upload for a
reason we could have seen:

* ``language``: ``ko-KR`` ``en-US`` ``enko`` ``ja`` ``zh-cn`` ``zh-tw``; ``ko``/``en``/``ja``/
  ``zh`` map onto them (``zh`` is Simplified Chinese). The short-form API knows
  ``Kor``/``Eng``/``Jpn``/``Chn`` only.
* ``diarization``: ``{"enable": true, "speakerCountMin": m, "speakerCountMax": n}`` with
  ``--speakers N`` giving m = n = N; unset counts are left out (the service then decides).
  Without ``--diarization`` it is ``{"enable": false}``, never left to the service's default.
* ``callback``: https, or plain http only for a loopback address (like endpoints).
* ``boostings``: all keywords in one ``[{"words": "w1, w2"}]`` item; the long-form API has no
  weights, so a weighted keyword is refused instead of silently losing its weight.
* ``forbiddens``: one comma-separated string.
* ``wordAlignment``/``fullText`` always sent (default true, for word timestamps);
  ``noiseFiltering``, ``useDomainBoostings`` and ``sed`` only when the user chose them.

Completion (see :class:`CompletionPlan`): the API's own default is ``async``, which the documents
say needs a ``callback`` URL unless ``resultToObs`` is on. A desktop app cannot receive callbacks,
so Sori polls ``GET /recognizer/{token}`` either way and the callback only satisfies the API.
``auto`` (our default) therefore picks ``async`` exactly when a callback URL or ``resultToObs`` is
configured, and ``sync`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from desktop_app.core.errors import ConfigurationError, UnsupportedOptionError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import OptionSpec, normalise_language
from desktop_app.providers.http import check_endpoint

ENGINE = "clova-speech"
LONG_LANGUAGES = ("ko-KR", "en-US", "enko", "ja", "zh-cn", "zh-tw")
_LONG_BY_LOWER = {code.lower(): code for code in LONG_LANGUAGES}
_LONG_BY_SHORT_CODE = {"ko": "ko-KR", "en": "en-US", "ja": "ja", "zh": "zh-cn"}
SHORT_LANGUAGES = {"ko": "Kor", "en": "Eng", "ja": "Jpn", "zh": "Chn"}
# Options the short-form API cannot honour (it takes nothing but the audio and a language).
LONG_ONLY_OPTIONS = (
    "completion",
    "callback",
    "result_to_obs",
    "word_alignment",
    "full_text",
    "noise_filtering",
    "sed",
    "domain_boostings",
)

SPEECH_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        "mode", "choice", "long", "Recognizer (long-form, or short-form in 60 s pieces)",
        "인식 방식(장문, 또는 60초 단위 단문)", choices=("long", "short"),
        help="Long-form takes files, URLs and speakers; short-form sends 60-second "
        "pieces of a local file.",
        help_ko="장문은 파일, URL, 화자 분리를 지원하고, 단문은 로컬 파일을 60초 단위로 "
        "나눠 보냅니다.",
        choice_labels=(
            ("long", "Long-form", "장문"),
            ("short", "Short-form, in 60-second pieces", "단문(60초 단위로 나눠 보냄)"),
        ),
    ),
    OptionSpec(
        "completion", "choice", "auto",
        "Completion (auto: async when a callback or result_to_obs is set)",
        "완료 방식(auto: 콜백이나 result_to_obs가 있으면 비동기)",
        choices=("auto", "sync", "async"),
        help="Whether to wait for the result on one request or submit a job and check "
        "back.",
        help_ko="한 요청에서 결과를 기다릴지, 작업을 접수한 뒤 상태를 확인할지 정합니다.",
        choice_labels=(
            ("auto", "Automatic", "자동"),
            ("sync", "Wait for the result", "결과가 나올 때까지 기다림"),
            ("async", "Submit, then check back", "접수 후 상태 확인"),
        ),
    ),
    OptionSpec(
        "callback", "str", "", "Callback URL for async jobs", "비동기 작업 콜백 URL",
        help="The service calls this address when an async job ends.",
        help_ko="비동기 작업이 끝나면 서비스가 이 주소를 호출합니다.",
    ),
    OptionSpec(
        "result_to_obs", "bool", False, "Also save results to Object Storage (async)",
        "결과를 Object Storage에 저장(비동기)",
        help="Keep a copy of the result in the linked Object Storage bucket.",
        help_ko="연결된 Object Storage 버킷에 결과 사본을 남깁니다.",
    ),
    OptionSpec(
        "word_alignment", "bool", True, "Word timestamps", "단어별 시간 정보",
        help="Ask for the time of every word.",
        help_ko="단어마다 시간 정보를 받습니다.",
    ),
    OptionSpec(
        "full_text", "bool", True, "Full text in the result", "전체 텍스트 포함",
        help="Ask for the whole text besides the segments.",
        help_ko="구간별 텍스트와 함께 전체 텍스트를 받습니다.",
    ),
    OptionSpec(
        "noise_filtering", "bool", True, "Noise filtering", "노이즈 필터링",
        help="Let the service filter background noise first.",
        help_ko="서비스가 먼저 배경 잡음을 거릅니다.",
    ),
    OptionSpec(
        "sed", "bool", False, "Sound event detection", "음향 이벤트 탐지",
        help="Mark sounds such as music, laughter or applause.",
        help_ko="음악, 웃음, 박수 같은 소리를 표시합니다.",
    ),
    OptionSpec(
        "domain_boostings", "bool", False, "Use the domain's boosting words",
        "도메인 부스팅 단어 사용",
        help="Boost the words saved with the domain in the console.",
        help_ko="콘솔에서 도메인에 저장한 부스팅 단어를 씁니다.",
    ),
)  # fmt: skip
SPECS = {spec.name: spec for spec in SPEECH_OPTIONS}

Completion = Literal["sync", "async"]


def long_language(code: str | None) -> str:
    """The long-form ``language`` value for a user's code (``ko`` → ``ko-KR``)."""
    if not code:
        return "ko-KR"
    exact = _LONG_BY_LOWER.get(code.strip().lower())
    if exact is not None:
        return exact
    mapped = _LONG_BY_SHORT_CODE.get(normalise_language(code))
    if mapped is None:
        raise ConfigurationError(
            f"{ENGINE} cannot recognise '{code}'",
            fix="Use ko, en, ja, zh (Simplified), zh-tw (Traditional) or enko (Korean+English).",
            message_ko=f"{ENGINE}는 '{code}' 언어를 인식할 수 없습니다",
            fix_ko="ko, en, ja, zh(간체), zh-tw(번체), enko(한국어+영어) 중 하나를 쓰세요.",
        )
    return mapped


def short_language(code: str | None) -> str:
    """The short-form ``lang`` value (``Kor``, ``Eng``, ``Jpn``, ``Chn``)."""
    if not code:
        return "Kor"
    if code in SHORT_LANGUAGES.values():
        return code
    mapped = SHORT_LANGUAGES.get(normalise_language(code))
    if mapped is None:
        raise ConfigurationError(
            f"The short-form recognizer of {ENGINE} cannot recognise '{code}'",
            fix="Use ko, en, ja or zh, or the long-form mode (--option mode=long).",
            message_ko=f"{ENGINE} 단문 인식은 '{code}' 언어를 인식할 수 없습니다",
            fix_ko="ko, en, ja, zh 중 하나를 쓰거나 장문 모드(--option mode=long)를 쓰세요.",
        )
    return mapped


def flag(options: TranscriptionOptions, name: str) -> bool:
    """A boolean engine option, through its spec's coercion."""
    spec = SPECS[name]
    return bool(spec.coerce(options.extra.get(name, spec.default)))


def recognizer_mode(options: TranscriptionOptions) -> Literal["long", "short"]:
    return "short" if str(options.extra.get("mode", "long")) == "short" else "long"


def check_engine_options(options: TranscriptionOptions) -> None:
    """Refuse what the generic capability check cannot see (weights, counts, short mode)."""
    weighted = [str(k) for k in options.keywords if k.weight is not None]
    if weighted:
        raise UnsupportedOptionError(
            "keyword weights",
            ENGINE,
            detail="CLOVA Speech boosts words without weights: drop ':WEIGHT' from "
            + ", ".join(weighted),
        )
    for value, flag_name in (
        (options.speakers, "--speakers"),
        (options.speakers_min, "--min-speakers"),
        (options.speakers_max, "--max-speakers"),
    ):
        if value is not None and value < 1:
            raise ConfigurationError(
                f"{flag_name} must be at least 1",
                fix=f"Give {flag_name} a number of speakers, or leave it out.",
                message_ko=f"{flag_name}는 1 이상이어야 합니다",
                fix_ko=f"{flag_name}에 화자 수를 쓰거나 빼세요.",
            )
    low, high = speaker_range(options)
    if low is not None and high is not None and low > high:
        raise ConfigurationError(
            f"The fewest speakers ({low}) is more than the most speakers ({high})",
            fix="Make --min-speakers no larger than --max-speakers.",
            message_ko=f"최소 화자 수({low})가 최대 화자 수({high})보다 큽니다",
            fix_ko="--min-speakers를 --max-speakers 이하로 쓰세요.",
        )
    if recognizer_mode(options) == "short":
        _check_short(options)
    else:
        long_language(options.language)
        callback = str(options.extra.get("callback") or "")
        if callback:
            check_callback(callback)


def _check_short(options: TranscriptionOptions) -> None:
    refused = [
        name
        for name, used in (
            ("--diarization", options.diarization),
            ("--keyword", bool(options.keywords)),
            ("--forbidden", bool(options.forbidden)),
        )
        if used
    ]
    refused += [f"option '{name}'" for name in LONG_ONLY_OPTIONS if name in options.extra]
    if refused:
        raise UnsupportedOptionError(
            refused[0], ENGINE, detail="the short-form recognizer (mode=short) takes only audio"
        )
    short_language(options.language)


def speaker_range(options: TranscriptionOptions) -> tuple[int | None, int | None]:
    if options.speakers is not None:
        return options.speakers, options.speakers
    return options.speakers_min, options.speakers_max


def check_callback(url: str) -> str:
    """A callback address the service can POST results to (https, or http on this computer:
    the result, the whole transcript, must not cross the network unencrypted)."""
    check_endpoint(
        url,
        what=("a callback URL", "콜백 URL"),
        fix=(
            "Give an http(s) address the service can POST results to.",
            "서비스가 결과를 POST할 수 있는 http(s) 주소를 쓰세요.",
        ),
    )
    return url.strip()


@dataclass(frozen=True, slots=True)
class CompletionPlan:
    """How a job completes: ``sync`` (one long request) or ``async`` (token, then polling)."""

    completion: Completion
    callback: str | None = None
    result_to_obs: bool = False


def completion_plan(options: TranscriptionOptions, settings: Mapping[str, Any]) -> CompletionPlan:
    """Choose sync or async from the job's options over the engine settings (see module doc)."""
    choice = str(options.extra.get("completion") or settings.get("completion") or "auto").lower()
    if choice not in ("auto", "sync", "async"):
        raise ConfigurationError(
            f"Unknown completion '{choice}' for {ENGINE}",
            fix="Use auto, sync or async.",
            message_ko=f"{ENGINE}의 completion 값 '{choice}'을(를) 알 수 없습니다",
            fix_ko="auto, sync, async 중 하나를 쓰세요.",
        )
    callback_value = options.extra.get("callback") or settings.get("callback_url") or ""
    callback = check_callback(str(callback_value)) if callback_value else None
    if "result_to_obs" in options.extra:
        to_obs = flag(options, "result_to_obs")
    else:
        to_obs = _setting_flag(settings.get("result_to_obs", False))
    if choice == "sync" or (choice == "auto" and callback is None and not to_obs):
        return CompletionPlan("sync")
    if callback is None and not to_obs:
        raise ConfigurationError(
            f"{ENGINE}: asynchronous jobs need a callback URL or results saved to Object Storage",
            fix='Set a callback URL (--option callback=https://..., or "callback_url" in the '
            "engine's settings), turn on --option result_to_obs=true, or use "
            "--option completion=sync.",
            message_ko=f"{ENGINE}: 비동기 작업에는 콜백 URL 또는 Object Storage 결과 저장이 "
            "필요합니다",
            fix_ko='콜백 URL(--option callback=https://... 또는 엔진 설정의 "callback_url")을 '
            "지정하거나, --option result_to_obs=true 를 켜거나, --option completion=sync 를 "
            "쓰세요.",
        )
    return CompletionPlan("async", callback, to_obs)


def _setting_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def build_params(options: TranscriptionOptions, plan: CompletionPlan) -> dict[str, Any]:
    """The long-form ``params`` object for these options and completion plan."""
    params: dict[str, Any] = {
        "language": long_language(options.language),
        "completion": plan.completion,
        "wordAlignment": flag(options, "word_alignment"),
        "fullText": flag(options, "full_text"),
    }
    if plan.completion == "async":
        if plan.callback:
            params["callback"] = plan.callback
        if plan.result_to_obs:
            params["resultToObs"] = True
    if options.diarization:
        diarization: dict[str, Any] = {"enable": True}
        low, high = speaker_range(options)
        if low is not None:
            diarization["speakerCountMin"] = low
        if high is not None:
            diarization["speakerCountMax"] = high
        params["diarization"] = diarization
    else:
        # Sent explicitly: the service's own default may differ from the user's choice.
        params["diarization"] = {"enable": False}
    words = _comma_items(k.word for k in options.keywords)
    if words:
        params["boostings"] = [{"words": ", ".join(words)}]
    forbidden = _comma_items(options.forbidden)
    if forbidden:
        params["forbiddens"] = ", ".join(forbidden)
    if "noise_filtering" in options.extra:
        params["noiseFiltering"] = flag(options, "noise_filtering")
    if "domain_boostings" in options.extra:
        params["useDomainBoostings"] = flag(options, "domain_boostings")
    if "sed" in options.extra:
        params["sed"] = {"enable": flag(options, "sed")}
    return params


def _comma_items(values: Any) -> list[str]:
    """Words for a comma-separated list: a comma inside a word would split it, so split there."""
    items: list[str] = []
    for value in values:
        for raw in str(value).split(","):
            part = raw.strip()
            if part and part not in items:
                items.append(part)
    return items
