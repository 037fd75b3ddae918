"""CSV (``.csv``): columns ``start,end,speaker,text``, one row per segment.

Times are seconds with three decimals (``62.500``), which every spreadsheet reads as a number.
``speaker`` is the display name (empty when unknown). The file starts with a UTF-8 byte order
mark: Excel opens a CSV without one in the system's legacy code page (CP949 on Korean Windows),
which turns Hangul into mojibake, while with the mark it reads UTF-8; other tools ignore it.
Quoting follows RFC 4180 through the ``csv`` module, with CRLF row ends.
"""

from __future__ import annotations

import csv
import io
import math

from desktop_app.core.transcript import Transcript
from desktop_app.export.common import encode_utf8, normalize_text, speaker_label
from desktop_app.export.options import ExportOptions

HEADER = ("start", "end", "speaker", "text")


def _seconds(value: float) -> str:
    return f"{value:.3f}" if math.isfinite(value) else ""


def render_csv(transcript: Transcript, options: ExportOptions) -> bytes:
    del options  # the columns are fixed; speaker is data here, not decoration
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for segment in transcript.segments:
        text = normalize_text(segment.text).strip()
        if not text:
            continue
        writer.writerow(
            (
                _seconds(segment.start),
                _seconds(segment.end),
                speaker_label(transcript, segment.speaker) or "",
                text,
            )
        )
    return encode_utf8(buffer.getvalue(), bom=True)
