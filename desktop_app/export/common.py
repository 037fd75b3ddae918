"""Helpers every writer shares: clock formats, text width, titles and metadata."""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlparse

from desktop_app.core.transcript import Transcript

DEFAULT_TITLE = "Transcript"


def to_ms(seconds: float | None) -> int:
    """Whole milliseconds, never negative; ``None``, NaN and infinities become 0."""
    if seconds is None or not math.isfinite(seconds):
        return 0
    return max(0, round(seconds * 1000))


def clock(seconds: float | None) -> str:
    """``HH:MM:SS`` (seconds truncated); hours grow past two digits when needed."""
    total = to_ms(seconds) // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def clock_ms(milliseconds: int, separator: str = ".") -> str:
    """``HH:MM:SS.mmm`` (WebVTT) or with ``,`` (SRT)."""
    total_seconds, millis = divmod(max(0, milliseconds), 1000)
    hours, rest = divmod(total_seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def normalize_text(text: str) -> str:
    """NFC form, so a Hangul syllable written as separate jamo counts (and renders) as one."""
    return unicodedata.normalize("NFC", text)


def one_line(text: str) -> str:
    """Collapse all whitespace runs (newlines included) to single spaces."""
    return " ".join(normalize_text(text).split())


def is_wide(char: str) -> bool:
    """A full-width character: Hangul, CJK ideographs, kana, full-width forms."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str, narrow_weight: float) -> float:
    """Line width in characters; narrow characters count ``narrow_weight`` (1 or 0.5)."""
    return sum(1.0 if is_wide(c) else narrow_weight for c in text)


def source_title(source: str) -> str:
    """A readable title from a path or URL: the file name without its extension."""
    raw = source.strip()
    if not raw:
        return DEFAULT_TITLE
    parsed = urlparse(raw)
    if parsed.scheme in ("http", "https", "ftp", "file", "s3", "gs") and parsed.path:
        name = PurePosixPath(unquote(parsed.path)).name
    else:
        name = PureWindowsPath(raw).name if "\\" in raw else PurePosixPath(raw).name
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    return one_line(stem) or one_line(raw) or DEFAULT_TITLE


def transcript_duration(transcript: Transcript) -> float:
    """The stated duration, else the end of the last segment (0 for an empty transcript)."""
    if transcript.duration is not None and math.isfinite(transcript.duration):
        return max(0.0, float(transcript.duration))
    ends = [s.end for s in transcript.segments if math.isfinite(s.end)]
    return max(ends, default=0.0)


def metadata_items(transcript: Transcript, engine_name: str = "") -> list[tuple[str, str]]:
    """(label, value) pairs for the metadata line of document formats; ``engine_name`` is the
    engine as people know it (the stored engine id when not given)."""
    items: list[tuple[str, str]] = []
    if engine_name or transcript.engine:
        items.append(("Engine", engine_name or transcript.engine))
    if transcript.language:
        items.append(("Language", transcript.language))
    items.append(("Duration", clock(transcript_duration(transcript))))
    return items


def speaker_label(transcript: Transcript, speaker_id: str | None) -> str | None:
    """The display name of a speaker, or ``None`` when the segment has none."""
    name = transcript.speaker_name(speaker_id)
    if name is None:
        return None
    return one_line(name) or (one_line(speaker_id or "") or None)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Drop control characters that XML 1.0 (and so DOCX) cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def encode_utf8(text: str, *, bom: bool = False) -> bytes:
    """UTF-8 bytes; a stray surrogate (possible in edited text) becomes U+FFFD, not a crash."""
    data = _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data
