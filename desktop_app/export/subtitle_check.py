"""The subtitle rule checker: every place a list of cues breaks a :class:`SubtitleRules` rule.

:func:`check_cues` returns :class:`Violation` items (cue index, kind, the measured value and the
limit, a sentence in English and Korean) in cue order, for a list a person can walk through;
:func:`summarize` turns them into one line per kind for the command line ("3 cues exceed 12
characters a second; first at 00:01:23").

Reading speed counts the characters a viewer reads, the words and the spaces between them
(Hangul and CJK 1, narrow characters ``narrow_weight``), not speaker labels or dialogue dashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from desktop_app.core.transcript import Transcript
from desktop_app.export.common import clock_ms
from desktop_app.export.cues import Cue, build_cues, reading_width
from desktop_app.export.subtitle_layout import WIDTH_EPSILON, width
from desktop_app.export.subtitle_rules import SubtitleRules

ViolationKind = Literal[
    "line_too_wide",
    "too_many_lines",
    "too_fast",
    "too_short",
    "too_long",
    "gap_too_small",
    "overlap",
]

KINDS: tuple[ViolationKind, ...] = get_args(ViolationKind)
"""Every kind, in the order summaries list them."""

_TIME_SLACK_MS = 1  # cue times are whole milliseconds; 5/6 s is 833.33... ms


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: ``cue`` is the index in the checked list; ``line`` the line index for
    ``line_too_wide``; ``measured`` and ``limit`` are in the rule's unit (characters, lines,
    characters a second, seconds)."""

    cue: int
    kind: ViolationKind
    measured: float
    limit: float
    message: str
    message_ko: str
    line: int | None = None

    def describe(self, language: str = "en") -> str:
        return self.message_ko if language.lower().startswith("ko") else self.message


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _violation(
    index: int, kind: ViolationKind, measured: float, limit: float, line: int | None = None
) -> Violation:
    m, n = _number(measured), _number(limit)
    texts: dict[ViolationKind, tuple[str, str]] = {
        "line_too_wide": (
            f"line {(line or 0) + 1} is {m} characters wide (at most {n})",
            f"{(line or 0) + 1}번째 줄이 {m}자입니다(최대 {n}자)",
        ),
        "too_many_lines": (f"{m} lines (at most {n})", f"{m}줄입니다(최대 {n}줄)"),
        "too_fast": (
            f"{m} characters a second (at most {n})",
            f"초당 {m}자입니다(최대 초당 {n}자)",
        ),
        "too_short": (
            f"on screen {m} s (at least {n} s)",
            f"표시 시간이 {m}초입니다(최소 {n}초)",
        ),
        "too_long": (f"on screen {m} s (at most {n} s)", f"표시 시간이 {m}초입니다(최대 {n}초)"),
        "gap_too_small": (
            f"{m} s before the next cue (at least {n} s)",
            f"다음 자막까지 간격이 {m}초입니다(최소 {n}초)",
        ),
        "overlap": (
            f"overlaps the next cue by {m} s",
            f"다음 자막과 {m}초 겹칩니다",
        ),
    }
    en, ko = texts[kind]
    return Violation(
        index, kind, measured, limit, f"Cue {index + 1}: {en}", f"자막 {index + 1}: {ko}", line
    )


def check_cues(
    cues: Sequence[Cue], rules: SubtitleRules, language: str | None = "ko"
) -> list[Violation]:
    """Every rule ``cues`` break, in cue order (``language`` picks the width counting)."""
    rules = rules.for_language(language)
    min_ms = rules.min_duration * 1000
    max_ms = rules.max_duration * 1000
    found: list[Violation] = []
    for index, cue in enumerate(cues):
        for number, line in enumerate(cue.lines):
            size = width(line, rules.narrow_weight)
            if size > rules.max_line_chars + WIDTH_EPSILON:
                found.append(_violation(index, "line_too_wide", size, rules.max_line_chars, number))
        if len(cue.lines) > rules.max_lines:
            found.append(_violation(index, "too_many_lines", len(cue.lines), rules.max_lines))
        seconds = cue.duration_ms / 1000
        if seconds > 0:
            speed = reading_width(cue, rules) / seconds
            if speed > rules.max_cps + 0.005:
                found.append(_violation(index, "too_fast", speed, rules.max_cps))
        if cue.duration_ms < min_ms - _TIME_SLACK_MS:
            found.append(_violation(index, "too_short", seconds, rules.min_duration))
        if cue.duration_ms > max_ms + _TIME_SLACK_MS:
            found.append(_violation(index, "too_long", seconds, rules.max_duration))
        if index + 1 < len(cues):
            gap = cues[index + 1].start_ms - cue.end_ms
            if gap < 0:
                found.append(_violation(index, "overlap", -gap / 1000, 0.0))
            elif gap < rules.min_gap_ms:
                found.append(
                    _violation(index, "gap_too_small", gap / 1000, rules.min_gap_ms / 1000)
                )
    return found


def _summary_part(kind: ViolationKind, count: int, limit: float, at: str, korean: bool) -> str:
    n = _number(limit)
    if korean:
        what = {
            "line_too_wide": f"한 줄 {n}자를 넘는 자막",
            "too_many_lines": f"{n}줄을 넘는 자막",
            "too_fast": f"초당 {n}자를 넘는 자막",
            "too_short": f"{n}초보다 짧은 자막",
            "too_long": f"{n}초보다 긴 자막",
            "gap_too_small": f"다음 자막과 간격이 {n}초보다 좁은 자막",
            "overlap": "다음 자막과 겹치는 자막",
        }[kind]
        return f"{what} {count}개, 처음 {at}"
    plural = count != 1
    cues = f"{count} cue{'s' if plural else ''}"
    verb = {
        "line_too_wide": f"{'have' if plural else 'has'} a line wider than {n} characters",
        "too_many_lines": f"{'have' if plural else 'has'} more than {n} lines",
        "too_fast": f"exceed{'' if plural else 's'} {n} characters a second",
        "too_short": f"{'are' if plural else 'is'} shorter than {n} s",
        "too_long": f"{'are' if plural else 'is'} longer than {n} s",
        "gap_too_small": f"{'are' if plural else 'is'} closer than {n} s to the next",
        "overlap": f"overlap{'' if plural else 's'} the next",
    }[kind]
    return f"{cues} {verb}; first at {at}"


def summarize(
    violations: Sequence[Violation], cues: Sequence[Cue], language: str = "en"
) -> str | None:
    """One line naming each kind of violation with its count and the first cue's time;
    ``None`` when every rule holds."""
    if not violations:
        return None
    korean = language.lower().startswith("ko")
    parts: list[str] = []
    for kind in KINDS:
        found = [v for v in violations if v.kind == kind]
        if not found:
            continue
        count = len({v.cue for v in found})
        at = clock_ms(cues[found[0].cue].start_ms).split(".")[0]
        parts.append(_summary_part(kind, count, found[0].limit, at, korean))
    return "; ".join(parts) if korean else ". ".join(p[0].upper() + p[1:] for p in parts)


def subtitle_report(
    transcript: Transcript, rules: SubtitleRules, speaker_names: bool = True, language: str = "en"
) -> str | None:
    """The :func:`summarize` line for the SRT cues of ``transcript`` (``None``: all rules hold)."""
    cues = build_cues(transcript, rules, speaker_names=speaker_names)
    return summarize(check_cues(cues, rules, transcript.language), cues, language)
