"""Subtitle cues from a transcript's word timings, following :class:`SubtitleRules`.

The steps, each a function below:

1. **Words.** Each segment's text becomes words (for Korean, 어절) with times: from the
   segment's word timings when they spell exactly its text and lie within its time range (an
   edited segment keeps stale words), otherwise the segment's time shared out in proportion to
   the words' characters. Sub-word timings glued without a space become one word.
2. **Cues within a segment.** The words are cut into cues by a shortest-path search: a cue must
   fit its lines and last at most ``max_duration``; fewer cues are better, and a cue should end
   at a sentence, else at a clause, else at the longest pause between words.
3. **Short neighbours merged.** A cue too short or too fast to read is joined with its
   neighbour when they are close in time: into one cue for the same speaker, or into a
   two-line dialogue cue (``- `` before each line) for two speakers.
4. **Times.** Cues never overlap and are at least ``min_gap_frames`` apart. A cue's out-time
   is lengthened towards ``min_duration`` and towards the reading speed, by up to
   ``extend_out`` into silence, and a gap to the next cue of ``chain_gap`` or less is closed to
   the minimum gap (chaining).

Whatever still breaks a rule (a word wider than a line, speech too fast to fit) is left for
:func:`desktop_app.export.subtitle_check.check_cues` to report; text is never cut or dropped.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.transcript import Segment, Transcript, Word
from desktop_app.export.common import normalize_text, one_line, speaker_label, to_ms
from desktop_app.export.subtitle_layout import (
    DIALOGUE_DASH,
    dialogue_fits,
    dialogue_line,
    ends_clause,
    ends_sentence,
    fits,
    fits_sizes,
    layout,
    one_line_width,
    width,
)
from desktop_app.export.subtitle_layout import speaker_label as label_for
from desktop_app.export.subtitle_rules import PRESETS, SubtitleRules

MIN_VISIBLE_MS = 250
"""Shortest time a cue stays up when a later, overlapping cue forces it off early."""

WORD_TIMING_TOLERANCE_MS = 500
"""How far word timings may stray outside their segment before they are considered stale."""


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle.

    ``lines`` are what is shown (with any ``Name: `` label or dialogue dash); ``words`` are the
    spoken words alone, in order. ``speaker`` is the first speaker's display name (``None``
    when names are off or unknown); a two-speaker cue lists both in ``line_speakers``, one per
    line. ``segment_index`` is the position in ``transcript.segments`` of the first segment
    the cue comes from (where an editor jumps to).
    """

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    speaker: str | None = None
    words: tuple[str, ...] = ()
    segment_index: int = 0
    line_speakers: tuple[str | None, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def is_dialogue(self) -> bool:
        return len(self.line_speakers) > 1


@dataclass(slots=True)
class _Word:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class _Part:
    """One speaker's words within a cue; ``label`` is ``Name: `` or empty."""

    speaker: str | None
    label: str
    words: list[_Word]


@dataclass(slots=True)
class _Draft:
    parts: list[_Part]
    segment_index: int
    start: int = 0
    end: int = 0

    def __post_init__(self) -> None:
        self.start = self.parts[0].words[0].start
        self.end = max(w.end for p in self.parts for w in p.words)

    @property
    def words(self) -> list[_Word]:
        return [w for p in self.parts for w in p.words]


def build_cues(
    transcript: Transcript,
    rules: SubtitleRules | None = None,
    *,
    speaker_names: bool = True,
    speaker_labels: bool = True,
) -> list[Cue]:
    """Cues for the whole transcript, in time order, without overlaps.

    With ``speaker_names`` each cue carries its speaker's display name; with
    ``speaker_labels`` as well, the first cue of each change of speaker starts with
    ``Name: `` (SubRip has no other way to say who speaks; WebVTT uses voice tags instead).
    """
    rules = (rules or PRESETS["korean-broadcast"]).for_language(transcript.language)
    order = sorted(
        (i for i, s in enumerate(transcript.segments) if one_line(s.text)),
        key=lambda i: (to_ms(transcript.segments[i].start), to_ms(transcript.segments[i].end)),
    )
    drafts: list[_Draft] = []
    previous: str | None = None
    for index in order:
        segment = transcript.segments[index]
        name = speaker_label(transcript, segment.speaker) if speaker_names else None
        words = segment_words(segment)
        if not words:
            continue
        label = ""
        if speaker_labels and name is not None and name != previous:
            label = label_for(name, rules, words[0].text)
        previous = name
        for number, group in enumerate(_split_segment(words, label, rules)):
            part = _Part(name, label if number == 0 else "", group)
            drafts.append(_Draft([part], index))
    drafts = _merge_short(drafts, rules, labelled=speaker_labels)
    return _settle(drafts, rules)


# --- 1. words -------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return "".join(normalize_text(text).split())


def _words_from_timings(
    text: str, words: Sequence[Word], seg_start: int, seg_end: int
) -> list[_Word] | None:
    usable = [w for w in words if w.text and w.text.strip()]
    if not usable or _compact(text) != "".join(_compact(w.text) for w in usable):
        return None
    if any(not (math.isfinite(w.start) and math.isfinite(w.end)) for w in usable):
        return None
    first, last = to_ms(usable[0].start), to_ms(usable[-1].end)
    if first < seg_start - WORD_TIMING_TOLERANCE_MS or last > seg_end + WORD_TIMING_TOLERANCE_MS:
        return None
    out: list[_Word] = []
    position = 0
    previous_start = 0
    for word in usable:
        begin = position
        while begin < len(text) and text[begin].isspace():
            begin += 1
        remaining = len(_compact(word.text))
        stop = begin
        while remaining:
            if not text[stop].isspace():
                remaining -= 1
            stop += 1
        start = max(to_ms(word.start), previous_start)
        end = max(to_ms(word.end), start)
        pieces = text[begin:stop].split()
        if out and begin == position:  # no space before it: the same 어절
            out[-1].text += pieces.pop(0)
            out[-1].end = max(out[-1].end, end)
        out.extend(_Word(p, start, end) for p in pieces)
        previous_start = start
        position = stop
    return out


def _words_by_characters(text: str, start: int, end: int) -> list[_Word]:
    parts = re.findall(r"\S+", text)
    total = sum(len(p) for p in parts)
    out: list[_Word] = []
    done = 0
    for part in parts:
        word_start = start + round((end - start) * done / total)
        done += len(part)
        out.append(_Word(part, word_start, start + round((end - start) * done / total)))
    return out


def segment_words(segment: Segment) -> list[_Word]:
    """The segment's words (어절) with times in milliseconds."""
    text = one_line(segment.text)
    start = to_ms(segment.start)
    end = max(to_ms(segment.end), start)
    timed = _words_from_timings(text, segment.words, start, end)
    return timed if timed is not None else _words_by_characters(text, start, end)


# --- 2. cues within a segment -----------------------------------------------------------------


def _split_segment(words: list[_Word], label: str, rules: SubtitleRules) -> list[list[_Word]]:
    """Cut one segment's words into cues at the least cost (see the module docstring)."""
    n = len(words)
    max_ms = round(rules.max_duration * 1000)
    min_ms = round(rules.min_duration * 1000)
    extend_ms = round(rules.extend_out * 1000)
    capacity = rules.max_line_chars * rules.max_lines
    space = width(" ", rules.narrow_weight)
    label_width = width(label, rules.narrow_weight)
    sizes = [width(w.text, rules.narrow_weight) for w in words]
    # Prefix sums: one-line width of words[:i] and sentence ends among them.
    along = [0.0]
    sentences = [0]
    for size, word in zip(sizes, words, strict=True):
        along.append(along[-1] + size + space)
        sentences.append(sentences[-1] + ends_sentence(word.text))
    best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * n
    for stop in range(1, n + 1):
        after = _break_cost(words, stop)
        for start in range(stop - 1, -1, -1):
            span = words[stop - 1].end - words[start].start
            group = sizes[start:stop]
            if start == 0 and label:
                group[0] += label_width
            if stop - start > 1 and (span > max_ms or not fits_sizes(group, rules)):
                break
            if best[start][0] == math.inf:
                continue
            # The time it can stay up: until the next word, or a little past its own end.
            following = words[stop].start if stop < n else words[-1].end + extend_ms
            room = following - words[start].start
            reading = along[stop] - along[start] - space
            speed = max(0.0, reading * 1000 / max(room, min_ms, 1) - rules.max_cps)
            short = 2.0 if room < min_ms else 0.0
            fill = min(1.0, (reading + (label_width if start == 0 else 0.0)) / capacity)
            inner = sentences[stop - 1] - sentences[start]
            cost = 1.0 + 0.2 * speed + short + 0.5 * (1 - fill) ** 2 + 0.7 * inner + after
            if cost + best[start][0] < best[stop][0]:
                best[stop] = (cost + best[start][0], start)
    bounds = [n]
    while bounds[-1] > 0:
        bounds.append(best[bounds[-1]][1])
    bounds.reverse()
    return [words[a:b] for a, b in itertools.pairwise(bounds)]


def _break_cost(words: list[_Word], stop: int) -> float:
    """How bad it is to end a cue after ``words[stop - 1]``: free at a sentence end, cheap at a
    clause end, and cheaper the longer the pause before the next word."""
    if stop >= len(words):
        return 0.0
    last = words[stop - 1].text
    base = 0.0 if ends_sentence(last) else 0.3 if ends_clause(last) else 0.8
    pause = max(0, words[stop].start - words[stop - 1].end)
    return base - 0.5 * min(pause, 500) / 500


# --- 3. short neighbours merged -----------------------------------------------------------------


def _too_short_or_fast(draft: _Draft, rules: SubtitleRules) -> bool:
    span = draft.end - draft.start
    if span < rules.min_duration * 1000:
        return True
    reading = one_line_width([w.text for w in draft.words], "", rules)
    shown = (span + rules.extend_out * 1000) / 1000
    return reading / max(shown, 1e-3) > rules.max_cps


def _joined(first: _Draft, second: _Draft, rules: SubtitleRules, labelled: bool) -> _Draft | None:
    """``first`` and ``second`` as one cue, or ``None`` when that would break a rule."""
    if len(first.parts) > 1 or len(second.parts) > 1:
        return None
    if max(first.end, second.end) - first.start > rules.max_duration * 1000:
        return None
    one, two = first.parts[0], second.parts[0]
    if one.speaker == two.speaker:
        part = _Part(one.speaker, one.label, [*one.words, *two.words])
        if not fits([w.text for w in part.words], part.label, rules):
            return None
        return _Draft([part], first.segment_index)
    if rules.max_lines < 2:
        return None
    parts = []
    for part in (one, two):
        label = ""
        if labelled and part.speaker:
            label = label_for(part.speaker, rules, DIALOGUE_DASH + part.words[0].text)
        if not dialogue_fits([w.text for w in part.words], label, rules):
            return None
        parts.append(_Part(part.speaker, label, part.words))
    return _Draft(parts, first.segment_index)


def _merge_short(drafts: list[_Draft], rules: SubtitleRules, *, labelled: bool) -> list[_Draft]:
    chain_ms = rules.chain_gap * 1000
    drafts = sorted(drafts, key=lambda d: (d.start, d.end))
    out: list[_Draft] = []
    for draft in drafts:
        if out:
            last = out[-1]
            close = 0 <= draft.start - last.end <= chain_ms
            if close and (_too_short_or_fast(last, rules) or _too_short_or_fast(draft, rules)):
                joined = _joined(last, draft, rules, labelled)
                if joined is not None:
                    out[-1] = joined
                    continue
        out.append(draft)
    return out


# --- 4. times --------------------------------------------------------------------------------


def _lines(draft: _Draft, rules: SubtitleRules) -> tuple[str, ...]:
    if len(draft.parts) > 1:
        return tuple(dialogue_line([w.text for w in p.words], p.label) for p in draft.parts)
    part = draft.parts[0]
    return layout([w.text for w in part.words], part.label, rules)


def _settle(drafts: list[_Draft], rules: SubtitleRules) -> list[Cue]:
    gap = rules.min_gap_ms
    max_ms = round(rules.max_duration * 1000)
    min_ms = round(rules.min_duration * 1000)
    extend_ms = round(rules.extend_out * 1000)
    chain_ms = round(rules.chain_gap * 1000)
    ordered = sorted(drafts, key=lambda d: (d.start, d.end))
    for index, draft in enumerate(ordered):
        draft.end = min(draft.end, draft.start + max_ms)
        if index:
            before = ordered[index - 1]
            if draft.start < before.end + gap:
                before.end = max(draft.start - gap, before.start + MIN_VISIBLE_MS)
                draft.start = max(draft.start, before.end + gap)
        draft.end = max(draft.end, draft.start + MIN_VISIBLE_MS)
    cues: list[Cue] = []
    for index, draft in enumerate(ordered):
        following = ordered[index + 1].start if index + 1 < len(ordered) else None
        limit = draft.start + max_ms
        if following is not None:
            limit = min(limit, following - gap)
        reading = one_line_width([w.text for w in draft.words], "", rules)
        needed = max(min_ms, math.ceil(reading * 1000 / rules.max_cps))
        wanted = min(draft.start + needed, max(draft.end + extend_ms, draft.start + min_ms))
        end = max(draft.end, min(wanted, limit))
        if following is not None and following - end <= chain_ms:
            end = max(end, limit)
        speakers = tuple(p.speaker for p in draft.parts)
        cues.append(
            Cue(
                start_ms=draft.start,
                end_ms=end,
                lines=_lines(draft, rules),
                speaker=speakers[0],
                words=tuple(w.text for w in draft.words),
                segment_index=draft.segment_index,
                line_speakers=speakers if len(speakers) > 1 else (),
            )
        )
    return cues


def reading_width(cue: Cue, rules: SubtitleRules) -> float:
    """The characters a viewer reads in ``cue``: its words, without labels or dashes."""
    return one_line_width(cue.words, "", rules)


__all__ = ["Cue", "build_cues", "reading_width", "segment_words", "width"]
