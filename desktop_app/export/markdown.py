"""Markdown (``.md``): a title, a metadata line, then one paragraph per speaker turn.

Consecutive segments of the same speaker form one paragraph that opens with the turn's start
time and, with speaker names on, the name in bold: ``**[00:01:02] 민수:** text``. Segments
without a speaker are paragraphs of their own. Characters that Markdown would read as markup
(emphasis, code, links, HTML, tables, headings, entities) are backslash-escaped, so the text
renders exactly as transcribed.
"""

from __future__ import annotations

import re

from desktop_app.core.transcript import Segment, Transcript
from desktop_app.export.common import (
    clock,
    encode_utf8,
    metadata_items,
    one_line,
    source_title,
    speaker_label,
)
from desktop_app.export.options import ExportOptions

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&{}])")


def escape_markdown(text: str) -> str:
    """Backslash-escape inline Markdown syntax characters."""
    return _SPECIAL.sub(r"\\\1", text)


def _turns(segments: list[Segment]) -> list[list[Segment]]:
    turns: list[list[Segment]] = []
    for segment in segments:
        if turns and segment.speaker is not None and turns[-1][-1].speaker == segment.speaker:
            turns[-1].append(segment)
        else:
            turns.append([segment])
    return turns


def render_markdown(transcript: Transcript, options: ExportOptions) -> bytes:
    blocks = [f"# {escape_markdown(source_title(transcript.source))}"]
    blocks.append(
        "*"
        + " · ".join(
            f"{k}: {escape_markdown(v)}" for k, v in metadata_items(transcript, options.engine_name)
        )
        + "*"
    )
    spoken = [s for s in transcript.segments if one_line(s.text)]
    for turn in _turns(spoken):
        head = f"[{clock(turn[0].start)}]"
        name = speaker_label(transcript, turn[0].speaker) if options.speaker_names else None
        if name:
            head = f"{head} {name}:"
        text = " ".join(escape_markdown(one_line(s.text)) for s in turn)
        blocks.append(f"**{escape_markdown(head)}** {text}")
    return encode_utf8("\n\n".join(blocks) + "\n")
