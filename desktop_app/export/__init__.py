"""Exports of a :class:`~desktop_app.core.transcript.Transcript`: TXT, SRT, WebVTT, JSON,
Markdown, CSV and DOCX, all written from the same transcript.

``render(transcript, "srt", options)`` gives the bytes; ``export_transcript(transcript, "srt",
path, options)`` writes them atomically. :data:`FORMATS` lists the formats with their file
extension and description; :class:`ExportOptions` holds what to show and the subtitle limits.
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

__all__ = [
    "FORMATS",
    "Cue",
    "ExportFormat",
    "ExportOptions",
    "build_cues",
    "export_transcript",
    "get_format",
    "render",
]
