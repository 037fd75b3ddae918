"""WebVTT (``.vtt``) subtitles, written directly (the format is small and fully specified).

The speaker goes into a ``<v Name>`` voice span, which players may show or style; a two-speaker
cue has one span per line, each line starting with ``- ``. Cue text escapes ``&``, ``<`` and
``>`` as character references, so text can never open a tag or contain the ``-->`` timing
arrow; a cue never holds a blank line.
"""

from __future__ import annotations

from desktop_app.core.transcript import Transcript
from desktop_app.export.common import clock_ms, encode_utf8
from desktop_app.export.cues import build_cues
from desktop_app.export.options import ExportOptions


def escape_cue_text(text: str) -> str:
    """Character references for the three characters with meaning in WebVTT cue text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _voiced(line: str, speaker: str | None) -> str:
    return f"<v {escape_cue_text(speaker)}>{line}</v>" if speaker else line


def render_vtt(transcript: Transcript, options: ExportOptions) -> bytes:
    cues = build_cues(
        transcript, options.subtitles, speaker_names=options.speaker_names, speaker_labels=False
    )
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        lines = [escape_cue_text(line) for line in cue.lines]
        if cue.is_dialogue:
            lines = [_voiced(line, who) for line, who in zip(lines, cue.line_speakers, strict=True)]
        elif cue.speaker:
            lines[0] = f"<v {escape_cue_text(cue.speaker)}>{lines[0]}"
            lines[-1] = f"{lines[-1]}</v>"
        timing = f"{clock_ms(cue.start_ms)} --> {clock_ms(cue.end_ms)}"
        blocks.append("\n".join([str(number), timing, *lines]))
    return encode_utf8("\n\n".join(blocks) + "\n")
