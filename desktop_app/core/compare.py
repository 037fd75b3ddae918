"""Align transcripts of one source by several engines into spans where they agree or differ.

Only the *significant* characters take part: everything but white space and Unicode punctuation
(categories ``P*``), so "안녕 하세요." and "안녕하세요" agree. Each significant character gets a
time (from its word when the word texts fit the segment, else spread evenly over its segment).

The engine with the most characters is the pivot. Every other engine is aligned to it character by character with
:class:`difflib.SequenceMatcher`, but never over the whole hour at once: a window of the pivot
(:data:`WINDOW` characters) is matched against the other engine's characters up to a little past
the window's time, the matches in the first part of the window are kept, and the next window
starts right after the last kept match. Time thus keeps each search small and local; characters
decide what matches, and where text alone cannot place a gap that only one engine has (the
words around it repeat), time chooses. Pivot characters matched in every engine are *anchors*; between anchors
where some engine has extra characters lies a disagreement.

Spans are cut only at *clean* places — between words in every engine (white space, or the start
or end of the text) — so a disagreement grows to whole words: the nearest clean place before
and after it becomes a cut; agreeing stretches are also cut at the pivot's segment ends and
after :data:`SPAN_CHARS` characters. A span's text for an engine is the slice of that engine's
text between two cuts, white space collapsed, so the spans joined give back each text exactly
(ignoring white space). ``agree`` is recomputed from the span texts themselves.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from desktop_app.core.transcript import Segment, Transcript

WINDOW = 400  # pivot characters per matching window
KEEP = 0.75  # the part of a window whose matches are final
MARGIN = 20.0  # seconds past a window's end still searched in the other engine
SPAN_CHARS = 60  # agreeing stretches are cut at the next clean place after this many characters


@functools.lru_cache(maxsize=8192)
def is_significant(char: str) -> bool:
    """Whether ``char`` counts in comparisons (not white space, not punctuation)."""
    return not char.isspace() and not unicodedata.category(char).startswith("P")


def normalise(text: str) -> str:
    """``text`` without white space and punctuation: what comparisons look at."""
    return "".join(c for c in text if is_significant(c))


@dataclass(slots=True)
class Span:
    """A stretch of the source with each engine's text for it."""

    start: float
    end: float
    texts: dict[str, str]
    agree: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "texts": dict(self.texts),
            "agree": self.agree,
        }


@dataclass(slots=True)
class Comparison:
    """Transcripts of one source by several engines, aligned into spans.

    ``agreement`` is the number of significant characters in agreeing spans divided by the sum,
    over all spans, of the longest engine's significant characters in that span (1.0 when
    there are none at all). ``failures`` names engines that produced no transcript and why.
    """

    engines: list[str]
    transcripts: dict[str, Transcript]
    spans: list[Span]
    agreement: float
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def disagreements(self) -> list[int]:
        """Indexes of the spans where the engines differ."""
        return [i for i, span in enumerate(self.spans) if not span.agree]

    def to_dict(self) -> dict[str, Any]:
        return {
            "engines": list(self.engines),
            "transcripts": {name: t.to_dict() for name, t in self.transcripts.items()},
            "spans": [span.to_dict() for span in self.spans],
            "agreement": self.agreement,
            "failures": dict(self.failures),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Comparison:
        return cls(
            engines=[str(e) for e in data["engines"]],
            transcripts={str(k): Transcript.from_dict(v) for k, v in data["transcripts"].items()},
            spans=[
                Span(float(s["start"]), float(s["end"]), dict(s["texts"]), bool(s["agree"]))
                for s in data["spans"]
            ],
            agreement=float(data["agreement"]),
            failures={str(k): str(v) for k, v in (data.get("failures") or {}).items()},
        )


@dataclass(slots=True)
class _Chars:
    """One engine's significant characters: where each sits in the text, and when."""

    text: str
    chars: str
    positions: list[int]
    starts: list[float]
    ends: list[float]
    segment_breaks: set[int]  # character indexes that begin a new segment


def _segment_times(segment: Segment, count: int) -> list[tuple[float, float]]:
    word_chars = [normalise(w.text) for w in segment.words]
    if segment.words and "".join(word_chars) == normalise(segment.text):
        times: list[tuple[float, float]] = []
        for word, chars in zip(segment.words, word_chars, strict=True):
            times.extend(_spread(word.start, word.end, len(chars)))
        return times
    return _spread(segment.start, segment.end, count)


def _spread(start: float, end: float, count: int) -> list[tuple[float, float]]:
    step = max(0.0, end - start) / count if count else 0.0
    return [(start + i * step, start + (i + 1) * step) for i in range(count)]


def _characters(transcript: Transcript) -> _Chars:
    text = transcript.text
    chars: list[str] = []
    positions: list[int] = []
    starts: list[float] = []
    ends: list[float] = []
    breaks: set[int] = set()
    offset = 0
    for segment in (s for s in transcript.segments if s.text):
        if offset:
            offset += 1  # the newline Transcript.text puts between segments
        breaks.add(len(chars))
        significant = [i for i, c in enumerate(segment.text) if is_significant(c)]
        for i, (begin, finish) in zip(
            significant, _segment_times(segment, len(significant)), strict=True
        ):
            chars.append(segment.text[i])
            positions.append(offset + i)
            starts.append(begin)
            ends.append(finish)
        offset += len(segment.text)
    # Times must not go backwards for the windowed search; engines' segments may overlap.
    for i in range(len(starts)):
        if i:
            starts[i] = max(starts[i], starts[i - 1])
        ends[i] = max(ends[i], starts[i])
    return _Chars(text, "".join(chars), positions, starts, ends, breaks)


def _pair_blocks(pivot: _Chars, other: _Chars) -> list[list[int]]:
    """Matching runs ``[pivot index, other index, length]``, increasing in both."""
    n, m = len(pivot.chars), len(other.chars)
    blocks: list[list[int]] = []
    i = j = 0
    while i < n and j < m:
        i_end = min(n, i + WINDOW)
        final = i_end == n
        if final:
            j_end = m
        else:
            limit = pivot.starts[i_end - 1] + MARGIN
            j_end = bisect.bisect_right(other.starts, limit, lo=j)
            j_end = min(m, max(j_end, j + 2 * (i_end - i)))
        matcher = SequenceMatcher(None, pivot.chars[i:i_end], other.chars[j:j_end], autojunk=False)
        keep_until = i_end if final else i + int(WINDOW * KEEP)
        kept = [
            (a, b, size)
            for a, b, size in matcher.get_matching_blocks()
            if size and i + a + size <= keep_until
        ]
        for a, b, size in kept:
            last = blocks[-1] if blocks else None
            if last and last[0] + last[2] == i + a and last[1] + last[2] == j + b:
                last[2] += size
            else:
                blocks.append([i + a, j + b, size])
        if final:
            break
        if kept:
            a, b, size = kept[-1]
            i, j = i + a + size, j + b + size
        else:
            i += WINDOW // 2
            j = max(j, bisect.bisect_left(other.starts, pivot.starts[i], lo=j))
    return blocks


def _slide_gaps(blocks: list[list[int]], pivot: _Chars, other: _Chars) -> None:
    """Move each gap that only one engine has to where the times agree best.

    Text alone cannot place such a gap when the characters around it repeat ("A B A C" against
    "A C" matches either A); sliding it keeps the same matches but pairs characters spoken at
    the same time.
    """

    def cost(x: list[int], y: list[int], shift: int) -> float:
        xa, xb = x[0] + x[2] - 1 + shift, x[1] + x[2] - 1 + shift
        ya, yb = y[0] + shift, y[1] + shift
        return abs(pivot.starts[xa] - other.starts[xb]) + abs(pivot.starts[ya] - other.starts[yb])

    for x, y in itertools.pairwise(blocks):
        gap_a = y[0] - x[0] - x[2]
        gap_b = y[1] - x[1] - x[2]
        if (gap_a > 0) == (gap_b > 0):
            continue
        chars, end_x, start_y = (
            (pivot.chars, x[0] + x[2], y[0]) if gap_a else (other.chars, x[1] + x[2], y[1])
        )
        best, best_cost = 0, cost(x, y, 0)
        shift = 1
        while shift < y[2] and chars[end_x + shift - 1] == chars[start_y + shift - 1]:
            if (value := cost(x, y, shift)) < best_cost:
                best, best_cost = shift, value
            shift += 1
        shift = -1
        while -shift < x[2] and chars[end_x + shift] == chars[start_y + shift]:
            if (value := cost(x, y, shift)) < best_cost:
                best, best_cost = shift, value
            shift -= 1
        x[2] += best
        y[0] += best
        y[1] += best
        y[2] -= best


def _pair_matches(pivot: _Chars, other: _Chars) -> list[tuple[int, int]]:
    """Matched (pivot index, other index) pairs, increasing in both."""
    blocks = _pair_blocks(pivot, other)
    _slide_gaps(blocks, pivot, other)
    return [(a + k, b + k) for a, b, size in blocks for k in range(size)]


def _anchors(engines: Sequence[_Chars]) -> list[tuple[int, ...]]:
    """Pivot characters matched in every other engine, as one index per engine."""
    pivot = engines[0]
    maps = []
    for other in engines[1:]:
        maps.append(dict(_pair_matches(pivot, other)))
    anchors = []
    for p in range(len(pivot.chars)):
        row = [p]
        for mapping in maps:
            q = mapping.get(p)
            if q is None:
                break
            row.append(q)
        else:
            anchors.append(tuple(row))
    return anchors


def _is_clean(chars: _Chars, b: int) -> bool:
    """Whether a cut before significant character ``b`` falls between words."""
    if b <= 0 or b >= len(chars.chars):
        return True
    gap = chars.text[chars.positions[b - 1] + 1 : chars.positions[b]]
    return any(c.isspace() for c in gap)


def _text_cut(chars: _Chars, b: int) -> int:
    """Where in the text a cut before significant character ``b`` goes: after the previous
    character's closing punctuation, before the next one's opening punctuation."""
    if b <= 0:
        return 0
    if b >= len(chars.chars):
        return len(chars.text)
    pos = chars.positions[b - 1] + 1
    end = chars.positions[b]
    while pos < end and not chars.text[pos].isspace():
        if unicodedata.category(chars.text[pos]) in ("Ps", "Pi"):
            break
        pos += 1
    return pos


def _cuts(engines: Sequence[_Chars]) -> list[tuple[int, ...]]:
    anchors = _anchors(engines)
    start = tuple(0 for _ in engines)
    finish = tuple(len(e.chars) for e in engines)
    # Candidate cuts in order; gap_after[k] says a disagreement follows candidate k.
    candidates: list[tuple[int, ...]] = [start]
    gap_after: list[bool] = []
    for anchor in anchors:
        if anchor != candidates[-1]:
            gap_after.append(True)
            candidates.append(anchor)
        gap_after.append(False)
        candidates.append(tuple(x + 1 for x in anchor))
    if finish != candidates[-1]:
        gap_after.append(True)
        candidates.append(finish)
    clean = [all(_is_clean(e, b) for e, b in zip(engines, c, strict=True)) for c in candidates]
    chosen = {0, len(candidates) - 1}
    last_clean = 0
    for k, gap in enumerate(gap_after):
        if clean[k]:
            last_clean = k
        if gap:
            chosen.add(last_clean)
            after = next((x for x in range(k + 1, len(candidates)) if clean[x]), None)
            if after is not None:
                chosen.add(after)
    pivot = engines[0]
    since = 0
    for k, cut in enumerate(candidates):
        if k in chosen:
            since = cut[0]
        elif clean[k] and (cut[0] in pivot.segment_breaks or cut[0] - since >= SPAN_CHARS):
            chosen.add(k)
            since = cut[0]
    return [candidates[k] for k in sorted(chosen)]


def _span_time(
    engines: Sequence[_Chars], low: tuple[int, ...], high: tuple[int, ...]
) -> tuple[float, float] | None:
    starts = [e.starts[a] for e, a, b in zip(engines, low, high, strict=True) if b > a]
    ends = [e.ends[b - 1] for e, a, b in zip(engines, low, high, strict=True) if b > a]
    if not starts:
        return None
    return min(starts), max(ends)


def align(transcripts: dict[str, Transcript]) -> Comparison:
    """Align two or more transcripts of the same source; spans list texts in the given order."""
    names = list(transcripts)
    engines = [_characters(transcripts[name]) for name in names]
    spans: list[Span] = []
    if engines and any(e.text.strip() for e in engines):
        # The engine with the most text is the pivot, so a silent engine cannot hide agreement.
        order = sorted(range(len(engines)), key=lambda k: -len(engines[k].chars))
        cuts = []
        for cut in _cuts([engines[k] for k in order]):
            back = [0] * len(order)
            for position, k in enumerate(order):
                back[k] = cut[position]
            cuts.append(tuple(back))
        if len(cuts) == 1:
            cuts.append(cuts[0])
        previous_end = 0.0
        for low, high in itertools.pairwise(cuts):
            texts = {}
            for name, e, a, b in zip(names, engines, low, high, strict=True):
                last = _text_cut(e, b) if b < len(e.chars) else len(e.text)
                texts[name] = " ".join(e.text[_text_cut(e, a) : last].split())
            times = _span_time(engines, low, high) or (previous_end, previous_end)
            previous_end = times[1]
            values = {normalise(t) for t in texts.values()}
            spans.append(Span(times[0], times[1], texts, len(values) == 1))
    agreeing = total = 0
    for span in spans:
        longest = max(len(normalise(t)) for t in span.texts.values())
        total += longest
        if span.agree:
            agreeing += longest
    agreement = agreeing / total if total else 1.0
    return Comparison(names, dict(transcripts), spans, agreement)


def compare_results(
    engines: Sequence[str], transcripts: dict[str, Transcript], failures: dict[str, str]
) -> Comparison:
    """What a comparison run ends with, for the command line and the window alike: the
    transcripts aligned, the engines in the order asked for, and why the others failed."""
    aligned = align({name: transcripts[name] for name in engines if name in transcripts})
    aligned.engines = list(engines)
    aligned.failures = dict(failures)
    return aligned
