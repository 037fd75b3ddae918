"""JSON (``.json``): :meth:`Transcript.to_dict` with every time rounded to milliseconds,
UTF-8, Hangul unescaped, indented.

All word-level data stays (each segment's words with their times and confidence). Times are
rounded to three decimals because engines report float noise (``1.2300000000000002``) that
says nothing; a non-finite number (NaN or infinity, which JSON cannot express and which strict
parsers reject) is written as ``null``; a source URL loses its query string (a presigned URL's
signature must not travel with every exported file).
"""

from __future__ import annotations

import json
import math
from typing import Any

from desktop_app.core.secrets import public_source
from desktop_app.core.transcript import Transcript
from desktop_app.export.common import encode_utf8
from desktop_app.export.options import ExportOptions

_TIME_KEYS = frozenset({"start", "end", "duration"})


def _clean(value: Any, key: str = "") -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, 3) if key in _TIME_KEYS else value
    if isinstance(value, dict):
        return {k: _clean(item, k) for k, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def render_json(transcript: Transcript, options: ExportOptions) -> bytes:
    del options  # JSON is the full data; no option changes it
    data = _clean(transcript.to_dict())
    data["source"] = public_source(transcript.source)
    return encode_utf8(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
