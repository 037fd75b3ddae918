"""Find and replace over a transcript's segments: where the hits are, and what replacing does.

Plain functions over a list of :class:`~desktop_app.core.transcript.Segment` (no Qt), used by
:class:`~desktop_app.ui.transcript_model.TranscriptModel`, which highlights the hits and pushes
the replacements on its undo stack. Searching is case-insensitive and literal (see
:func:`~desktop_app.ui.segment_ops.search_pattern`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.transcript import Segment
from desktop_app.ui import segment_ops


@dataclass(frozen=True, slots=True)
class FindMatch:
    """A hit of the search term: row and character range in that row's text."""

    row: int
    start: int
    end: int


def count_matches(segments: Sequence[Segment], term: str) -> int:
    pattern = segment_ops.search_pattern(term)
    if pattern is None:
        return 0
    return sum(len(pattern.findall(s.text)) for s in segments)


def match_ordinal(segments: Sequence[Segment], term: str, match: FindMatch) -> int:
    """1-based number of ``match`` among all hits of ``term`` in reading order."""
    pattern = segment_ops.search_pattern(term)
    if pattern is None:
        return 0
    before = sum(len(pattern.findall(s.text)) for s in segments[: match.row])
    text = segments[match.row].text if 0 <= match.row < len(segments) else ""
    return before + sum(1 for m in pattern.finditer(text) if m.start() <= match.start)


def find(
    segments: Sequence[Segment], term: str, row: int, position: int, backwards: bool = False
) -> FindMatch | None:
    """The next (or previous) hit from ``row``/``position``, wrapping around the end."""
    pattern = segment_ops.search_pattern(term)
    count = len(segments)
    if pattern is None or count == 0:
        return None
    row = max(0, min(row, count - 1))
    for step in range(count + 1):
        current = (row - step if backwards else row + step) % count
        spans = [m.span() for m in pattern.finditer(segments[current].text)]
        if step == 0:
            spans = [s for s in spans if (s[0] < position if backwards else s[0] >= position)]
        elif step == count:
            spans = [s for s in spans if (s[0] >= position if backwards else s[0] < position)]
        if spans:
            start, end = spans[-1] if backwards else spans[0]
            return FindMatch(current, start, end)
    return None


def replaced_text(
    segments: Sequence[Segment], term: str, match: FindMatch, replacement: str
) -> str | None:
    """The row's text with one hit replaced, or ``None`` if the text there no longer matches."""
    pattern = segment_ops.search_pattern(term)
    if pattern is None or not 0 <= match.row < len(segments):
        return None
    text = segments[match.row].text
    if pattern.fullmatch(text, match.start, match.end) is None:
        return None
    return text[: match.start] + replacement + text[match.end :]


def replace_everywhere(
    segments: Sequence[Segment], term: str, replacement: str
) -> tuple[dict[int, tuple[Segment, Segment]], int]:
    """The changed rows (old and new segment) and how many hits were replaced."""
    pattern = segment_ops.search_pattern(term)
    changes: dict[int, tuple[Segment, Segment]] = {}
    total = 0
    if pattern is None:
        return changes, total
    for row, segment in enumerate(segments):
        text, count = pattern.subn(lambda _m: replacement, segment.text)
        if count and text != segment.text:
            changes[row] = (segment, segment_ops.retext(segment, text))
            total += count
    return changes, total
