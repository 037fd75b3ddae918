"""Subtitle cues from transcript segments, within reading limits (used by SRT and WebVTT).

Each segment becomes one or more cues. Its text is cut into tokens that carry times:

* from the segment's word timings when the words spell exactly the segment's text and lie within
  its time range (an edited segment keeps stale words, so anything else falls back),
* otherwise from the text's whitespace-separated words, with the segment's time shared out in
  proportion to their characters.

A token wider than a whole line (Korean is often written with few spaces) is cut into single
characters, which is where Korean may be broken. Tokens are then packed greedily into cues of at
most ``max_lines`` lines of ``max_line_chars`` and ``max_cue_seconds``. Each sentence is packed on
its own, so a cue never ends a few words before its sentence does; the short last cue of a
sentence is evened out with the one before; neighbouring cues that fit together are joined (so
"네. 맞아요." stays one cue). Lines are balanced (two lines as equal as possible, the lower one the
longer on a tie). Finally, cues are put in time order, never overlap, and are lengthened to
``min_cue_seconds`` where the next cue leaves room.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.transcript import Segment, Transcript, Word
from desktop_app.export.common import normalize_text, one_line, speaker_label, text_width, to_ms
from desktop_app.export.options import ExportOptions, uses_full_width_counting

MIN_VISIBLE_MS = 250
"""Shortest time a cue stays up when a later, overlapping cue forces it off early."""

WORD_TIMING_TOLERANCE_MS = 500
"""How far word timings may stray outside their segment before they are considered stale."""

_SENTENCE_END = (".", "?", "!", "…", "。", "？", "！", '."', '?"', '!"', ".”", "?”", "!”")
_WIDTH_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle: times in milliseconds, its lines, and the speaker's display name."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    speaker: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(slots=True)
class _Token:
    """A piece of cue text with its time; ``glue`` is what separates it from the token before."""

    text: str
    start: int
    end: int
    glue: str = " "
    timed: bool = True


@dataclass(slots=True)
class _DraftCue:
    start: int
    end: int
    lines: tuple[str, ...]
    speaker: str | None


@dataclass(frozen=True, slots=True)
class _Limits:
    line_width: float
    narrow_weight: float
    max_lines: int
    max_ms: int
    min_ms: int

    def width(self, text: str) -> float:
        return _cached_width(text, self.narrow_weight)


@functools.lru_cache(maxsize=16384)
def _cached_width(text: str, narrow_weight: float) -> float:
    # Packing measures the same words many times over; words repeat across a transcript too.
    return text_width(text, narrow_weight)


def build_cues(
    transcript: Transcript, options: ExportOptions, *, speaker_prefix: bool = False
) -> list[Cue]:
    """Cues for the whole transcript, in order and without overlaps.

    With ``speaker_prefix`` the first cue of each change of speaker starts with ``Name:``
    (SRT has no other way to say who speaks); otherwise the name is only carried in
    :attr:`Cue.speaker`. Both depend on ``options.speaker_names``.
    """
    limits = _Limits(
        line_width=options.line_chars_for(transcript.language),
        narrow_weight=0.5 if uses_full_width_counting(transcript.language) else 1.0,
        max_lines=options.max_lines,
        max_ms=max(1, round(options.max_cue_seconds * 1000)),
        min_ms=round(options.min_cue_seconds * 1000),
    )
    segments = sorted(
        (s for s in transcript.segments if one_line(s.text)),
        key=lambda s: (to_ms(s.start), to_ms(s.end)),
    )
    drafts: list[_DraftCue] = []
    previous_speaker: str | None = None
    for segment in segments:
        name = speaker_label(transcript, segment.speaker) if options.speaker_names else None
        tokens = _segment_tokens(segment, limits)
        if not tokens:
            continue
        prefix = None
        if speaker_prefix and name is not None and name != previous_speaker:
            prefix = _speaker_token(name, tokens[0].start, limits)
        previous_speaker = name
        for group in _pack(tokens, prefix, limits):
            timed = [t for t in group if t.timed]
            start = timed[0].start
            end = min(max(t.end for t in timed), start + limits.max_ms)
            drafts.append(_DraftCue(start, max(start, end), _layout_lines(group, limits), name))
    return _settle_times(drafts, limits)


# --- tokens -------------------------------------------------------------------------------------


def _segment_tokens(segment: Segment, limits: _Limits) -> list[_Token]:
    text = one_line(segment.text)
    start = to_ms(segment.start)
    end = max(to_ms(segment.end), start)
    tokens = _tokens_from_words(text, segment.words, start, end)
    if tokens is None:
        tokens = _tokens_by_characters(text, start, end)
    out: list[_Token] = []
    for token in tokens:
        if limits.width(token.text) > limits.line_width + _WIDTH_EPSILON:
            out.extend(_split_characters(token))
        else:
            out.append(token)
    return out


def _compact(text: str) -> str:
    return "".join(normalize_text(text).split())


def _tokens_from_words(
    text: str, words: Sequence[Word], seg_start: int, seg_end: int
) -> list[_Token] | None:
    """Tokens whose text is the segment's own spelling and whose times are the words'."""
    usable = [w for w in words if w.text and w.text.strip()]
    if not usable or _compact(text) != "".join(_compact(w.text) for w in usable):
        return None
    first, last = to_ms(usable[0].start), to_ms(usable[-1].end)
    if (
        first < seg_start - WORD_TIMING_TOLERANCE_MS
        or last > seg_end + WORD_TIMING_TOLERANCE_MS
        or any(not (math.isfinite(w.start) and math.isfinite(w.end)) for w in usable)
    ):
        return None
    tokens: list[_Token] = []
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
        glue = " " if begin > position else ""
        tokens.append(_Token(text[begin:stop], start, end, glue))
        previous_start = start
        position = stop
    return tokens


def _tokens_by_characters(text: str, start: int, end: int) -> list[_Token]:
    """Whitespace-separated words, the segment's time shared out by character count."""
    parts = re.findall(r"\S+", text)
    total = sum(len(p) for p in parts)
    tokens: list[_Token] = []
    done = 0
    for part in parts:
        token_start = start + round((end - start) * done / total)
        done += len(part)
        token_end = start + round((end - start) * done / total)
        tokens.append(_Token(part, token_start, token_end))
    return tokens


def _joins_previous(char: str) -> bool:
    """Combining marks, joiners and variation selectors belong to the character before."""
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me")
        or char in ("\u200d", "\ufe0e", "\ufe0f")
    )


def _split_characters(token: _Token) -> list[_Token]:
    """Cut a token wider than a line into characters, timed in proportion."""
    pieces: list[list[str]] = []  # [glue, text]
    pending_glue = token.glue
    for char in token.text:
        if char.isspace():
            pending_glue = " "
        elif pieces and _joins_previous(char) and pending_glue == "":
            pieces[-1][1] += char
        else:
            pieces.append([pending_glue, char])
            pending_glue = ""
    count = len(pieces)
    span = token.end - token.start
    return [
        _Token(
            text,
            token.start + round(span * index / count),
            token.start + round(span * (index + 1) / count),
            glue,
        )
        for index, (glue, text) in enumerate(pieces)
    ]


def _speaker_token(name: str, at: int, limits: _Limits) -> _Token:
    """``Name:`` for the start of a turn, shortened so it never takes more than half a line."""
    budget = max(1.0, limits.line_width / 2)
    label = name
    if limits.width(f"{label}:") > budget:
        while label and limits.width(f"{label}…:") > budget:
            label = label[:-1]
        label = f"{label.rstrip()}…"
    return _Token(f"{label}:", at, at, glue="", timed=False)


# --- packing tokens into cues ------------------------------------------------------------------


def _pack(tokens: list[_Token], prefix: _Token | None, limits: _Limits) -> list[list[_Token]]:
    """Cues for one segment: each sentence packed on its own, then short neighbours joined."""
    groups: list[list[_Token]] = []
    for number, sentence in enumerate(_sentences(tokens)):
        for group in _pack_run(sentence, prefix if number == 0 else None, limits):
            if groups and _can_join(groups[-1], group, limits):
                groups[-1].extend(group)
            else:
                groups.append(group)
    return groups


def _ends_sentence(token: _Token) -> bool:
    return token.text.endswith(_SENTENCE_END)


def _sentences(tokens: list[_Token]) -> list[list[_Token]]:
    sentences: list[list[_Token]] = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if _ends_sentence(token):
            sentences.append([])
    return [s for s in sentences if s]


def _pack_run(tokens: list[_Token], prefix: _Token | None, limits: _Limits) -> list[list[_Token]]:
    """Greedy packing of consecutive tokens, then a short last cue evened out."""
    groups: list[list[_Token]] = []
    index = 0
    count = len(tokens)
    while index < count:
        group: list[_Token] = [prefix] if prefix is not None and index == 0 else []
        first_start = tokens[index].start
        stop = index
        while stop < count:
            token = tokens[stop]
            if stop > index and token.end - first_start > limits.max_ms:
                break
            if not _fits([*group, token], limits):
                break
            group.append(token)
            stop += 1
        if stop == index:  # not even one token fits beside the speaker label: take it anyway
            group.append(tokens[index])
            stop += 1
        groups.append(group)
        index = stop
    if len(groups) >= 2:
        _even_out_tail(groups[-2], groups[-1], limits)
    return groups


def _can_join(first: list[_Token], second: list[_Token], limits: _Limits) -> bool:
    timed = [t for t in first if t.timed]
    joined = [*first, *second]
    return joined[-1].end - timed[0].start <= limits.max_ms and _fits(joined, limits)


def _even_out_tail(previous: list[_Token], last: list[_Token], limits: _Limits) -> None:
    """Move words from the end of a full cue into a shorter last one while that evens them."""
    while sum(1 for t in previous if t.timed) > 1:
        moving = previous[-1]
        candidate = [moving, *last]
        if _line_width(candidate, limits) > _line_width(previous[:-1], limits):
            return
        if candidate[-1].end - moving.start > limits.max_ms or not _fits(candidate, limits):
            return
        previous.pop()
        last.insert(0, moving)


def _line_width(tokens: list[_Token], limits: _Limits) -> float:
    """Width of tokens set on one line (the first token's glue is not shown)."""
    if not tokens:
        return 0.0
    return limits.width(tokens[0].text) + sum(
        limits.width(t.glue) + limits.width(t.text) for t in tokens[1:]
    )


def _wrap(tokens: list[_Token], width: float, limits: _Limits) -> list[tuple[list[_Token], float]]:
    """Greedy line filling (fewest lines for a width) with each line's width; a break drops the
    glue."""
    lines: list[tuple[list[_Token], float]] = []
    current: list[_Token] = []
    used = 0.0
    for token in tokens:
        if current:
            extra = limits.width(token.glue) + limits.width(token.text)
            if used + extra <= width + _WIDTH_EPSILON:
                current.append(token)
                used += extra
                continue
            lines.append((current, used))
        current = [token]
        used = limits.width(token.text)
    if current:
        lines.append((current, used))
    return lines


def _fits(tokens: list[_Token], limits: _Limits) -> bool:
    lines = _wrap(tokens, limits.line_width, limits)
    return len(lines) <= limits.max_lines and all(
        used <= limits.line_width + _WIDTH_EPSILON for _, used in lines
    )


def _join(tokens: list[_Token]) -> str:
    if not tokens:
        return ""
    return tokens[0].text + "".join(t.glue + t.text for t in tokens[1:])


def _layout_lines(tokens: list[_Token], limits: _Limits) -> tuple[str, ...]:
    """Lines as even as possible without using more lines than greedy filling needs."""
    greedy = _wrap(tokens, limits.line_width, limits)
    if len(greedy) <= 1:
        return (_join(tokens),)
    if len(greedy) == 2:
        return _best_two_lines(tokens, limits)
    # Narrowest width (in quarter characters) that still needs no more lines.
    low = math.floor(_line_width(tokens, limits) / len(greedy) * 4)
    high = math.ceil(limits.line_width * 4)
    while low < high:
        middle = (low + high) // 2
        if len(_wrap(tokens, middle / 4, limits)) <= len(greedy):
            high = middle
        else:
            low = middle + 1
    return tuple(_join(line) for line, _ in _wrap(tokens, high / 4, limits))


def _best_two_lines(tokens: list[_Token], limits: _Limits) -> tuple[str, ...]:
    # prefix[i]: width of tokens[:i] on one line; breaking before tokens[i] drops its glue.
    prefix = [0.0]
    for index, token in enumerate(tokens):
        glue = limits.width(token.glue) if index else 0.0
        prefix.append(prefix[-1] + glue + limits.width(token.text))
    best: tuple[float, float, int] | None = None
    for split in range(1, len(tokens)):
        upper = prefix[split]
        lower = prefix[-1] - prefix[split] - limits.width(tokens[split].glue)
        if max(upper, lower) > limits.line_width + _WIDTH_EPSILON:
            continue
        # Most even first; on a tie the longer line goes below (a "pyramid" is easier to read).
        score = (max(upper, lower), 0.0 if upper <= lower else 1.0, split)
        if best is None or score < best:
            best = score
    split = best[2] if best is not None else len(_wrap(tokens, limits.line_width, limits)[0][0])
    return (_join(tokens[:split]), _join(tokens[split:]))


# --- timing -------------------------------------------------------------------------------------


def _settle_times(drafts: list[_DraftCue], limits: _Limits) -> list[Cue]:
    """Order cues, remove overlaps, then stretch short cues up to the next one."""
    ordered = sorted(drafts, key=lambda d: (d.start, d.end))
    settled: list[_DraftCue] = []
    for cue in ordered:
        if settled:
            previous = settled[-1]
            cue.start = max(cue.start, previous.start + MIN_VISIBLE_MS)
            previous.end = min(previous.end, cue.start)
        cue.end = max(cue.end, cue.start + min(MIN_VISIBLE_MS, limits.max_ms))
        settled.append(cue)
    for index, cue in enumerate(settled):
        if cue.end - cue.start < limits.min_ms:
            wanted = cue.start + limits.min_ms
            if index + 1 < len(settled):
                wanted = min(wanted, settled[index + 1].start)
            cue.end = max(cue.end, wanted)
    return [Cue(d.start, d.end, d.lines, d.speaker) for d in settled]
