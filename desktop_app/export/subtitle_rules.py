"""The rules subtitle cues follow, and the named presets that set them.

The defaults are the Korean broadcast conventions (the Netflix Korean timed-text style guide and
Netflix's timing guidelines, the most widely followed public rules for Korean subtitles):

* a line holds 16 characters, where a Hangul syllable or CJK character counts 1 and a narrow
  character (Latin letter, digit, space, punctuation) counts 0.5; at most two lines;
* a cue lasts 5/6 s to 7 s and is read at no more than 12 characters a second;
* cues are at least 2 frames apart, and gaps of 0.5 s or less are closed to those 2 frames
  ("chaining"); an out-time may run up to 0.5 s past the speech.

Transcripts in languages without full-width characters count every character as 1 and use
``latin_line_chars`` (42, the Netflix figure for Latin-script languages) as the line width.

:data:`PRESETS` names the rule sets; :func:`rules_from` builds rules from a preset name and
``KEY=VALUE`` overrides (the command line and the export dialog's "custom" choice).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from desktop_app.core.choices import unknown_choice
from desktop_app.core.errors import ConfigurationError

FULL_WIDTH_LANGUAGES = frozenset({"ko", "ja", "zh"})
_LANGUAGE_ALIASES = {"kor": "ko", "jpn": "ja", "zho": "zh", "chi": "zh", "cmn": "zh"}


def base_language(language: str | None) -> str:
    """``"ko-KR"``, ``"ko_kr"`` and ``"kor"`` all become ``"ko"``; empty stays empty."""
    code = (language or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return _LANGUAGE_ALIASES.get(code, code)


def uses_full_width_counting(language: str | None) -> bool:
    """True when narrow characters count half towards the line width (ko, ja, zh)."""
    return base_language(language) in FULL_WIDTH_LANGUAGES


@dataclass(frozen=True, slots=True)
class SubtitleRules:
    """Every number subtitle cues respect; times in seconds, widths in characters."""

    max_line_chars: float = 16.0
    max_lines: int = 2
    max_cps: float = 12.0
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap_frames: int = 2
    fps: float = 24.0
    chain_gap: float = 0.5
    extend_out: float = 0.5
    latin_line_chars: float = 42.0
    narrow_weight: float = 0.5

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise ConfigurationError(
                "Invalid subtitle rules: " + "; ".join(en for en, _ in problems),
                fix="Correct the value (for example max_line_chars=16, max_lines=2, max_cps=12).",
                message_ko="자막 규칙 값이 잘못되었습니다: " + "; ".join(ko for _, ko in problems),
                fix_ko="값을 고치세요(예: max_line_chars=16, max_lines=2, max_cps=12).",
            )

    @property
    def min_gap_ms(self) -> int:
        """The smallest gap between two cues, in whole milliseconds (2 frames at 24 fps: 83)."""
        return round(self.min_gap_frames * 1000 / self.fps)

    def for_language(self, language: str | None) -> SubtitleRules:
        """These rules as they apply to a transcript in ``language``: languages without
        full-width characters count every character as 1 against ``latin_line_chars``."""
        if uses_full_width_counting(language) or self.narrow_weight == 1.0:
            return self
        return dataclasses.replace(self, max_line_chars=self.latin_line_chars, narrow_weight=1.0)


def _problems(rules: SubtitleRules) -> Iterable[tuple[str, str]]:
    def bad(name: str, wanted: str, wanted_ko: str) -> tuple[str, str]:
        value = getattr(rules, name)
        return (
            f"{name} must be {wanted} (got {value})",
            f"{name}은(는) {wanted_ko}이어야 합니다(입력값 {value})",
        )

    def finite(value: float) -> bool:
        return isinstance(value, (int, float)) and math.isfinite(value)

    for name in ("max_line_chars", "latin_line_chars"):
        if not (finite(getattr(rules, name)) and getattr(rules, name) >= 1):
            yield bad(name, "at least 1", "1 이상")
    if not (isinstance(rules.max_lines, int) and 1 <= rules.max_lines <= 10):
        yield bad("max_lines", "a whole number from 1 to 10", "1에서 10 사이의 정수")
    if not (finite(rules.max_cps) and rules.max_cps > 0):
        yield bad("max_cps", "above 0", "0보다 큰 수")
    if not (finite(rules.max_duration) and rules.max_duration >= 0.5):
        yield bad("max_duration", "at least 0.5 seconds", "0.5초 이상")
    elif not (finite(rules.min_duration) and 0 <= rules.min_duration <= rules.max_duration):
        yield bad("min_duration", "between 0 and max_duration", "0과 max_duration 사이")
    if not (isinstance(rules.min_gap_frames, int) and 0 <= rules.min_gap_frames <= 100):
        yield bad("min_gap_frames", "a whole number from 0 to 100", "0에서 100 사이의 정수")
    if not (finite(rules.fps) and 1 <= rules.fps <= 1000):
        yield bad("fps", "between 1 and 1000", "1과 1000 사이")
    for name in ("chain_gap", "extend_out"):
        if not (finite(getattr(rules, name)) and 0 <= getattr(rules, name) <= 10):
            yield bad(name, "between 0 and 10 seconds", "0초와 10초 사이")
    if rules.narrow_weight not in (0.5, 1.0):
        yield bad("narrow_weight", "0.5 or 1", "0.5 또는 1")


DEFAULT_PRESET = "korean-broadcast"

PRESETS: Mapping[str, SubtitleRules] = MappingProxyType(
    {
        DEFAULT_PRESET: SubtitleRules(),
        # YouTube-style captions: one line of about 20 Korean characters, read faster.
        "youtube": SubtitleRules(max_line_chars=20.0, max_lines=1, max_cps=16.0),
    }
)
"""Named rule sets; a custom set is a preset with :func:`rules_from` overrides."""

PRESET_DESCRIPTIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        DEFAULT_PRESET: (
            "Korean broadcast: 16 characters a line, 2 lines, 12 characters a second",
            "한국 방송 자막: 한 줄 16자, 2줄, 초당 12자",
        ),
        "youtube": (
            "YouTube: one line of 20 characters, 16 characters a second",
            "유튜브: 한 줄 20자, 초당 16자",
        ),
    }
)

OPTION_NAMES: tuple[str, ...] = (
    "max_line_chars",
    "max_lines",
    "max_cps",
    "min_duration",
    "max_duration",
    "min_gap_frames",
    "fps",
    "chain_gap",
    "extend_out",
    "latin_line_chars",
)
"""The settings ``KEY=VALUE`` overrides may change."""

_WHOLE_NUMBERS = frozenset({"max_lines", "min_gap_frames"})


def preset(name: str | None) -> SubtitleRules:
    """The rules of the preset called ``name`` (``None`` or empty: Korean broadcast)."""
    key = (name or DEFAULT_PRESET).strip().lower().replace("_", "-")
    found = PRESETS.get(key)
    if found is None:
        raise unknown_choice("subtitle preset", "자막 프리셋", name, PRESETS)
    return found


def _option_value(key: str, raw: str | float) -> float | int:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value: float = float(raw)
    else:
        text = str(raw).strip()
        try:
            if key in ("min_duration", "max_duration") and "/" in text:
                top, bottom = text.split("/", 1)
                value = float(top) / float(bottom)
            else:
                value = float(text)
        except (ValueError, ZeroDivisionError):
            raise ConfigurationError(
                f"Subtitle option {key} needs a number, not '{raw}'",
                fix=f"Write it as {key}=NUMBER (for example {key}=2).",
                message_ko=f"자막 옵션 {key}에는 숫자가 필요합니다('{raw}')",
                fix_ko=f"{key}=숫자 형식으로 쓰세요(예: {key}=2).",
            ) from None
    if key in _WHOLE_NUMBERS:
        if not (math.isfinite(value) and value == int(value)):
            raise ConfigurationError(
                f"Subtitle option {key} needs a whole number, not '{raw}'",
                fix=f"Write it as {key}=WHOLE NUMBER (for example {key}=2).",
                message_ko=f"자막 옵션 {key}에는 정수가 필요합니다('{raw}')",
                fix_ko=f"{key}=정수 형식으로 쓰세요(예: {key}=2).",
            )
        return int(value)
    return value


def with_overrides(base: SubtitleRules, overrides: Mapping[str, str | float]) -> SubtitleRules:
    """``base`` with the named settings changed; unknown names and bad values are
    :class:`ConfigurationError` naming the valid keys."""
    changes: dict[str, float | int] = {}
    for raw_key, raw in overrides.items():
        key = raw_key.strip().lower().replace("-", "_")
        if key not in OPTION_NAMES:
            raise unknown_choice("subtitle option", "자막 옵션", raw_key, OPTION_NAMES)
        changes[key] = _option_value(key, raw)
    return dataclasses.replace(base, **changes) if changes else base  # type: ignore[arg-type]


def parse_options(items: Iterable[str]) -> dict[str, str]:
    """``["max_cps=14", "fps=25"]`` as a mapping; an item without ``=`` is an error."""
    parsed: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigurationError(
                f"Subtitle option '{item}' is not KEY=VALUE",
                fix="Write it as KEY=VALUE, for example --subtitle-option max_cps=14.",
                message_ko=f"자막 옵션 '{item}'이(가) KEY=VALUE 형식이 아닙니다",
                fix_ko="KEY=VALUE 형식으로 쓰세요. 예: --subtitle-option max_cps=14",
            )
        parsed[key.strip()] = value.strip()
    return parsed


def rules_from(preset_name: str | None = None, options: Iterable[str] = ()) -> SubtitleRules:
    """Rules from a preset name and ``KEY=VALUE`` overrides (the command line's two flags)."""
    return with_overrides(preset(preset_name), parse_options(options))
