"""The export formats by name, and the two entry points: :func:`render` and
:func:`export_transcript`.

Every writer is a function ``(Transcript, ExportOptions) -> bytes``; text formats are UTF-8.
Rendering happens completely in memory before anything touches the disk, and the file is then
replaced atomically (:mod:`desktop_app.export.atomic`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from desktop_app.core.choices import unknown_choice
from desktop_app.core.transcript import Transcript
from desktop_app.export.atomic import write_atomically
from desktop_app.export.csv_table import render_csv
from desktop_app.export.json_data import render_json
from desktop_app.export.markdown import render_markdown
from desktop_app.export.options import ExportOptions
from desktop_app.export.plain_text import render_txt
from desktop_app.export.subrip import render_srt
from desktop_app.export.web_vtt import render_vtt
from desktop_app.export.word_docx import render_docx

Writer = Callable[[Transcript, ExportOptions], bytes]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One output format: ``extension`` includes the dot; ``binary`` formats cannot be printed."""

    name: str
    extension: str
    description: str
    description_ko: str
    mime_type: str
    binary: bool
    writer: Writer


def _formats(*formats: ExportFormat) -> Mapping[str, ExportFormat]:
    return MappingProxyType({f.name: f for f in formats})


FORMATS: Mapping[str, ExportFormat] = _formats(
    ExportFormat("txt", ".txt", "Plain text", "일반 텍스트", "text/plain", False, render_txt),
    ExportFormat(
        "srt", ".srt", "SubRip subtitles", "SRT 자막", "application/x-subrip", False, render_srt
    ),
    ExportFormat("vtt", ".vtt", "WebVTT subtitles", "WebVTT 자막", "text/vtt", False, render_vtt),
    ExportFormat(
        "json",
        ".json",
        "JSON (all data)",
        "JSON(전체 데이터)",
        "application/json",
        False,
        render_json,
    ),
    ExportFormat("md", ".md", "Markdown", "마크다운", "text/markdown", False, render_markdown),
    ExportFormat("csv", ".csv", "CSV table", "CSV 표", "text/csv", False, render_csv),
    ExportFormat(
        "docx",
        ".docx",
        "Word document",
        "Word 문서",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        True,
        render_docx,
    ),
)
"""Formats by name, in the order menus should list them."""


def get_format(name: str) -> ExportFormat:
    """The format called ``name`` (case and a leading dot do not matter)."""
    key = name.strip().lower().lstrip(".")
    found = FORMATS.get(key)
    if found is None:
        found = next((f for f in FORMATS.values() if f.extension == f".{key}"), None)
    if found is None:
        raise unknown_choice("export format", "내보내기 형식", name, FORMATS)
    return found


def render(transcript: Transcript, fmt: str, options: ExportOptions | None = None) -> bytes:
    """The file contents of ``transcript`` in format ``fmt``."""
    spec = get_format(fmt)
    return spec.writer(transcript, options if options is not None else ExportOptions())


def export_transcript(
    transcript: Transcript,
    fmt: str,
    path: str | Path,
    options: ExportOptions | None = None,
) -> Path:
    """Write ``transcript`` to ``path`` in format ``fmt``, replacing any file there atomically.

    Returns the path written. Nothing on disk changes if rendering fails.
    """
    target = Path(path).expanduser()
    data = render(transcript, fmt, options)
    write_atomically(target, (data,))
    return target
