"""Choices that shape an export: what to show, and the limits subtitle cues keep.

Subtitle line length is counted the way the Netflix timed-text style guides count it, because
those guides are the most widely followed public rules for both Latin-script and Korean
subtitles:

* For Korean, Japanese and Chinese transcripts a full-width character (a Hangul syllable, a CJK
  ideograph, kana) counts as one and every narrow character (Latin letters, digits, spaces,
  punctuation) as half. The Korean guide allows 16 such characters per line, the Japanese 13,
  the Chinese 16.
* For every other language each character counts as one and a line holds 42 of them.

Both guides also cap a cue at two lines and seven seconds and ask for at least about a second on
screen (5/6 s), which are the defaults below. Every limit can be changed per export.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_app.core.errors import ConfigurationError

GENERIC_LINE_CHARS = 42.0
"""Characters per subtitle line for languages without a specific rule."""

LINE_CHARS_BY_LANGUAGE: dict[str, float] = {"ko": 16.0, "ja": 13.0, "zh": 16.0}
"""Characters per line for the full-width writing systems (narrow characters count half)."""

_LANGUAGE_ALIASES = {"kor": "ko", "jpn": "ja", "zho": "zh", "chi": "zh", "cmn": "zh"}


def base_language(language: str | None) -> str:
    """``"ko-KR"``, ``"ko_kr"`` and ``"kor"`` all become ``"ko"``; empty stays empty."""
    code = (language or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return _LANGUAGE_ALIASES.get(code, code)


def uses_full_width_counting(language: str | None) -> bool:
    """True when narrow characters count half towards the line limit (ko, ja, zh)."""
    return base_language(language) in LINE_CHARS_BY_LANGUAGE


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an export includes and the limits subtitle cues respect.

    ``timestamps`` puts ``[HH:MM:SS]`` before each line of a TXT export (the other document
    formats always carry times). ``speaker_names`` shows display names in TXT, Markdown, DOCX and
    subtitles (a ``Name:`` prefix at each change of speaker in SRT, ``<v Name>`` voice tags in
    WebVTT); CSV and JSON always hold the speaker because they are data, not reading copies.

    ``max_line_chars`` ``None`` picks the default for the transcript's language (see the module
    docstring); the other subtitle limits are in seconds and lines. ``docx_east_asian_font`` is
    the font Word uses for Hangul and other East-Asian text.
    """

    timestamps: bool = False
    speaker_names: bool = True
    max_line_chars: float | None = None
    max_lines: int = 2
    max_cue_seconds: float = 7.0
    min_cue_seconds: float = 1.0
    docx_east_asian_font: str = "Malgun Gothic"

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []
        if self.max_line_chars is not None and not (
            math.isfinite(self.max_line_chars) and self.max_line_chars >= 1
        ):
            problems.append(
                (
                    f"max_line_chars must be at least 1 (got {self.max_line_chars})",
                    f"max_line_chars는 1 이상이어야 합니다(입력값 {self.max_line_chars})",
                )
            )
        if self.max_lines < 1:
            problems.append(
                (
                    f"max_lines must be at least 1 (got {self.max_lines})",
                    f"max_lines는 1 이상이어야 합니다(입력값 {self.max_lines})",
                )
            )
        if not (math.isfinite(self.max_cue_seconds) and self.max_cue_seconds >= 0.5):
            problems.append(
                (
                    f"max_cue_seconds must be at least 0.5 (got {self.max_cue_seconds})",
                    f"max_cue_seconds는 0.5 이상이어야 합니다(입력값 {self.max_cue_seconds})",
                )
            )
        elif not (
            math.isfinite(self.min_cue_seconds)
            and 0 <= self.min_cue_seconds <= self.max_cue_seconds
        ):
            problems.append(
                (
                    f"min_cue_seconds must be between 0 and max_cue_seconds "
                    f"({self.max_cue_seconds}), got {self.min_cue_seconds}",
                    f"min_cue_seconds는 0과 max_cue_seconds({self.max_cue_seconds}) 사이여야 "
                    f"합니다(입력값 {self.min_cue_seconds})",
                )
            )
        if not self.docx_east_asian_font.strip():
            problems.append(
                (
                    "docx_east_asian_font must name a font",
                    "docx_east_asian_font에 글꼴 이름이 필요합니다",
                )
            )
        if problems:
            raise ConfigurationError(
                "Invalid export options: " + "; ".join(en for en, _ in problems),
                fix="Correct the subtitle limits (for example 42 characters, 2 lines, 7 seconds).",
                message_ko="내보내기 옵션이 잘못되었습니다: " + "; ".join(ko for _, ko in problems),
                fix_ko="자막 제한 값을 고치세요(예: 한 줄 42자, 2줄, 7초).",
            )

    def line_chars_for(self, language: str | None) -> float:
        """The per-line limit for a transcript in ``language``."""
        if self.max_line_chars is not None:
            return float(self.max_line_chars)
        return LINE_CHARS_BY_LANGUAGE.get(base_language(language), GENERIC_LINE_CHARS)
