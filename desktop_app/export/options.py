"""Choices that shape an export: what to show, and the rules subtitle cues follow.

Subtitle rules (line width, lines, reading speed, durations, gaps) live in
:class:`~desktop_app.export.subtitle_rules.SubtitleRules`; the default is the Korean broadcast
preset. Other formats ignore them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.errors import ConfigurationError
from desktop_app.export.subtitle_rules import (
    PRESETS,
    SubtitleRules,
    base_language,
    uses_full_width_counting,
)

__all__ = ["ExportOptions", "SubtitleRules", "base_language", "uses_full_width_counting"]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an export includes and the rules subtitle cues respect.

    ``timestamps`` puts ``[HH:MM:SS]`` before each line of a TXT export (the other document
    formats always carry times). ``speaker_names`` shows display names in TXT, Markdown, DOCX and
    subtitles (a ``Name: `` label at each change of speaker in SRT, ``<v Name>`` voice tags in
    WebVTT); CSV and JSON always hold the speaker because they are data, not reading copies.
    ``subtitles`` are the SRT/WebVTT rules. ``docx_east_asian_font`` is the font Word uses for
    Hangul and other East-Asian text. ``engine_name`` is the engine's display name for the
    metadata line of documents (the transcript's engine id when empty); ``paper`` is the DOCX
    page size, "A4" or "Letter" ("" picks it from the system locale).
    """

    timestamps: bool = False
    speaker_names: bool = True
    subtitles: SubtitleRules = field(default_factory=lambda: PRESETS["korean-broadcast"])
    docx_east_asian_font: str = "Malgun Gothic"
    engine_name: str = ""
    paper: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.subtitles, SubtitleRules):
            raise ConfigurationError(
                "Invalid export options: subtitles must be subtitle rules",
                fix="Pass a preset from PRESETS or rules made with rules_from().",
                message_ko="내보내기 옵션이 잘못되었습니다: subtitles에는 자막 규칙이 필요합니다",
                fix_ko="PRESETS의 프리셋이나 rules_from()으로 만든 규칙을 넘기세요.",
            )
        if not self.docx_east_asian_font.strip():
            raise ConfigurationError(
                "Invalid export options: docx_east_asian_font must name a font",
                fix="Give a font name, for example 'Malgun Gothic'.",
                message_ko="내보내기 옵션이 잘못되었습니다: docx_east_asian_font에 글꼴 이름이 "
                "필요합니다",
                fix_ko="글꼴 이름을 쓰세요(예: 'Malgun Gothic').",
            )
