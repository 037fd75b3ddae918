"""JSON (``.json``): exactly :meth:`Transcript.to_dict`, UTF-8, Hangul unescaped, indented.

The only changes to the data: a non-finite number (NaN or infinity, which JSON cannot express
and which strict parsers reject) is written as ``null``, and a source URL loses its query string
(a presigned URL's signature must not travel with every exported file).
"""

from __future__ import annotations

import json
import math
from typing import Any

from desktop_app.core.secrets import public_source
from desktop_app.core.transcript import Transcript
from desktop_app.export.common import encode_utf8
from desktop_app.export.options import ExportOptions


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def render_json(transcript: Transcript, options: ExportOptions) -> bytes:
    del options  # JSON is the full data; no option changes it
    data = _finite(transcript.to_dict())
    data["source"] = public_source(transcript.source)
    return encode_utf8(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
