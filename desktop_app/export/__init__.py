"""Exports of a :class:`~desktop_app.core.transcript.Transcript`: TXT, SRT, WebVTT, JSON,
Markdown, CSV and DOCX, all written from the same transcript.

``render(transcript, "srt", options)`` gives the bytes; ``export_transcript(transcript, "srt",
path, options)`` writes them atomically. :data:`FORMATS` lists the formats with their file
extension and description; :class:`ExportOptions` holds what to show and the subtitle rules.

Subtitles: :func:`build_cues` makes cues under :class:`SubtitleRules` (:data:`PRESETS`, or
:func:`rules_from` a preset and ``KEY=VALUE`` overrides); :func:`check_cues` lists the rules a
list of cues breaks as :class:`Violation` items. None of it needs Qt.
"""

from __future__ import annotations

from desktop_app.export.cues import Cue, build_cues
from desktop_app.export.options import ExportOptions
from desktop_app.export.registry import (
    FORMATS,
    ExportFormat,
    export_transcript,
    get_format,
    render,
)
from desktop_app.export.subtitle_check import Violation, check_cues, summarize
from desktop_app.export.subtitle_rules import PRESETS, SubtitleRules, rules_from

__all__ = [
    "FORMATS",
    "PRESETS",
    "Cue",
    "ExportFormat",
    "ExportOptions",
    "SubtitleRules",
    "Violation",
    "build_cues",
    "check_cues",
    "export_transcript",
    "get_format",
    "render",
    "rules_from",
    "summarize",
]
