"""File names for outputs, made from sources (paths, URLs, object keys) and safe everywhere.

A source name is not to be trusted as a file name: a URL may carry ``..%5C..%5C`` (backslashes
that Windows reads as folder separators), a key may hold ``/``, ``:`` or a drive letter, and a
file from another system may be called ``CON`` or end in a dot. :func:`safe_stem` keeps a name
inside its folder on Windows, macOS and Linux alike: it replaces separators and the characters
Windows refuses, drops leading and trailing dots and spaces (so ``..`` and ``name.`` cannot
survive), prefixes the device names Windows reserves (``CON``, ``NUL``, ``COM1``, …, with or
without an extension) and keeps the name short enough for any file system.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

DEFAULT_STEM = "transcript"
MAX_STEM_BYTES = 150  # UTF-8; leaves room for " (12)" and an extension within 255

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
_DEVICES |= {f"{kind}{n}" for kind in ("COM", "LPT") for n in "0123456789¹²³"}


def safe_stem(name: str, default: str = DEFAULT_STEM) -> str:
    """``name`` as a file name stem that stays in its folder on every platform."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", name))
    text = text.strip(" .")
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        text = encoded[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(" .")
    if text.split(".", 1)[0].rstrip(" ").upper() in _DEVICES:
        text = f"_{text}"
    return text or default


def _last_part(text: str) -> str:
    return re.split(r"[\\/]", text.rstrip("\\/"))[-1]


def source_stem(source: str, default: str = DEFAULT_STEM) -> str:
    """A safe stem from a path, an http(s) URL (percent-escapes decoded first) or an
    ``obs://KEY``: the last part of the name without its extension."""
    raw = source.strip()
    if raw.startswith("obs://"):
        name = _last_part(raw[len("obs://") :])
    elif "://" in raw:
        try:
            path = urlsplit(raw).path
        except ValueError:
            path = raw.split("?", 1)[0]
        name = _last_part(unquote(path))
    else:
        name = _last_part(raw)
    dot = name.rfind(".")
    stem = name[:dot] if dot > 0 else name
    return safe_stem(stem, default)
