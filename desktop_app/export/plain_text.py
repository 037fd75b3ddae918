"""Plain text (``.txt``): one line per segment, optionally with ``[HH:MM:SS]`` and the speaker.

The line for a segment reads ``[00:01:02] Name: text``; the timestamp appears with
``ExportOptions.timestamps`` and the name with ``speaker_names`` (when the segment has a
speaker). Line breaks inside a segment's text are kept as single spaces so that one line stays
one segment.
"""

from __future__ import annotations

from desktop_app.core.transcript import Transcript
from desktop_app.export.common import clock, encode_utf8, one_line, speaker_label
from desktop_app.export.options import ExportOptions


def render_txt(transcript: Transcript, options: ExportOptions) -> bytes:
    lines: list[str] = []
    for segment in transcript.segments:
        text = one_line(segment.text)
        if not text:
            continue
        parts: list[str] = []
        if options.timestamps:
            parts.append(f"[{clock(segment.start)}]")
        name = speaker_label(transcript, segment.speaker) if options.speaker_names else None
        if name:
            parts.append(f"{name}:")
        parts.append(text)
        lines.append(" ".join(parts))
    return encode_utf8("".join(f"{line}\n" for line in lines))
