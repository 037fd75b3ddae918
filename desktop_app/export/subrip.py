"""SubRip (``.srt``) subtitles, composed with the ``srt`` library.

SubRip has no voice markup, so with speaker names on, the first cue of each change of speaker
starts with ``Name: `` and a two-speaker cue puts ``- `` (and the name) before each line. Text
is written as spoken: SubRip has no escaping, and players that understand a few HTML-like tags
would show ``&lt;`` literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import srt

from desktop_app.core.transcript import Transcript
from desktop_app.export.common import encode_utf8
from desktop_app.export.cues import Cue, build_cues
from desktop_app.export.options import ExportOptions


def srt_text(cues: Sequence[Cue]) -> str:
    """The SubRip file for ``cues`` (numbered from 1)."""
    subtitles = [
        srt.Subtitle(
            index=number,
            start=timedelta(milliseconds=cue.start_ms),
            end=timedelta(milliseconds=cue.end_ms),
            content=cue.text,
        )
        for number, cue in enumerate(cues, start=1)
    ]
    return srt.compose(subtitles, reindex=False)


def render_srt(transcript: Transcript, options: ExportOptions) -> bytes:
    cues = build_cues(transcript, options.subtitles, speaker_names=options.speaker_names)
    return encode_utf8(srt_text(cues))
