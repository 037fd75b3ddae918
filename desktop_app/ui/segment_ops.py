"""Segment edits that keep word timings consistent: new text, merging, splitting, finding.

Plain Python (no Qt) used by :mod:`desktop_app.ui.transcript_model` and its undo commands.
Segments are treated as values: every function returns new :class:`Segment` and :class:`Word`
objects and never changes its arguments, so an undo command can hold on to the old ones and a
snapshot taken for a background export or save can share them safely.

Words are matched to the whitespace-separated *tokens* of a segment's text. When the text is
edited, :func:`align_words` keeps the timing (and confidence) of every token that is still there
and spreads the time of changed stretches over the new tokens in proportion to their length, so
a later split still finds sensible times.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher

from desktop_app.core.transcript import Segment, Word, mean_confidence

_TOKEN = re.compile(r"\S+")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Segment text as stored: one line, single spaces, no leading or trailing blanks."""
    return _SPACES.sub(" ", text).strip()


def token_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of each whitespace-separated token."""
    return [match.span() for match in _TOKEN.finditer(text)]


def _match_key(token: str) -> str:
    """A token compared without punctuation or case, so "안녕하세요." still matches "안녕하세요"."""
    kept = "".join(ch for ch in token if not unicodedata.category(ch).startswith("P"))
    return (kept or token).casefold()


def _spread(tokens: Sequence[str], start: float, end: float) -> list[Word]:
    """New words for ``tokens`` sharing ``start..end`` in proportion to their length."""
    total = sum(len(t) for t in tokens) or 1
    duration = max(0.0, end - start)
    words: list[Word] = []
    elapsed = 0
    for token in tokens:
        word_start = start + duration * elapsed / total
        elapsed += len(token)
        words.append(Word(word_start, start + duration * elapsed / total, token, None))
    return words


def align_words(words: Sequence[Word], text: str, start: float, end: float) -> list[Word]:
    """One word per token of ``text``, reusing ``words`` where their text still matches.

    Tokens the engine did not produce (typed by the user) get times interpolated from their
    neighbours and no confidence: a person wrote them, so they are not "low confidence".
    Without any ``words`` there is no timing to carry, and the result is empty.
    """
    if not words:
        return []
    tokens = _TOKEN.findall(text)
    if [w.text for w in words] == tokens:
        return list(words)
    matcher = SequenceMatcher(
        None, [_match_key(w.text) for w in words], [_match_key(t) for t in tokens], autojunk=False
    )
    aligned: list[Word] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for word, token in zip(words[i1:i2], tokens[j1:j2], strict=True):
                aligned.append(
                    word if word.text == token else dataclasses.replace(word, text=token)
                )
        elif tag == "replace":
            aligned.extend(_spread(tokens[j1:j2], words[i1].start, words[i2 - 1].end))
        elif tag == "insert":
            low = words[i1 - 1].end if i1 > 0 else start
            high = words[i1].start if i1 < len(words) else end
            aligned.extend(_spread(tokens[j1:j2], low, max(low, high)))
    return aligned


def retext(segment: Segment, text: str) -> Segment:
    """``segment`` with new ``text`` (normalised), words realigned to it.

    A segment without word timings loses its engine confidence when edited: the person who
    corrected it vouches for the text now.
    """
    text = normalize_text(text)
    words = align_words(segment.words, text, segment.start, segment.end)
    if segment.words:
        confidence = mean_confidence(words)
    else:
        confidence = segment.confidence if text == segment.text else None
    return dataclasses.replace(segment, text=text, words=words, confidence=confidence)


def merge(segments: Sequence[Segment]) -> Segment:
    """One segment covering ``segments`` (in order), keeping the first one's speaker."""
    if not segments:
        raise ValueError("nothing to merge")
    start = min(s.start for s in segments)
    end = max(s.end for s in segments)
    text = " ".join(s.text.strip() for s in segments if s.text.strip())
    all_words = [w for s in segments for w in s.words]
    words = align_words(all_words, text, start, end)
    confidence = mean_confidence(words) if words else _weighted_confidence(segments)
    speaker = next((s.speaker for s in segments if s.speaker is not None), None)
    return Segment(start, end, text, speaker, confidence, words)


def _weighted_confidence(segments: Sequence[Segment]) -> float | None:
    rated = [(s.confidence, max(s.duration, 1e-3)) for s in segments if s.confidence is not None]
    if not rated:
        return None
    return sum(c * d for c, d in rated) / sum(d for _, d in rated)


def split(segment: Segment, position: int) -> tuple[Segment, Segment] | None:
    """Cut ``segment`` at character ``position`` of its text, or ``None`` if one side is empty.

    With word timings, the first part ends where its last word ends and the second starts with
    its first word (a cut inside a word divides that word's time by characters). Without them,
    the time is divided in proportion to the characters on each side.
    """
    text = segment.text
    position = max(0, min(position, len(text)))
    left_text, right_text = text[:position].strip(), text[position:].strip()
    if not left_text or not right_text:
        return None
    spans = token_spans(text)
    words = align_words(segment.words, text, segment.start, segment.end)
    if words and len(words) == len(spans):
        left_words, right_words = _divide_words(words, spans, text, position)
        cut_end, cut_start = left_words[-1].end, right_words[0].start
    else:
        left_words, right_words = [], []
        cut_end = cut_start = segment.start + segment.duration * position / len(text)
    first = dataclasses.replace(
        segment,
        end=max(segment.start, cut_end),
        text=normalize_text(left_text),
        words=left_words,
        confidence=mean_confidence(left_words) if left_words else segment.confidence,
    )
    second = dataclasses.replace(
        segment,
        start=min(segment.end, cut_start),
        text=normalize_text(right_text),
        words=right_words,
        confidence=mean_confidence(right_words) if right_words else segment.confidence,
    )
    return first, second


def _divide_words(
    words: Sequence[Word], spans: Sequence[tuple[int, int]], text: str, position: int
) -> tuple[list[Word], list[Word]]:
    left: list[Word] = []
    right: list[Word] = []
    for word, (begin, finish) in zip(words, spans, strict=True):
        if finish <= position:
            left.append(word)
        elif begin >= position:
            right.append(word)
        else:
            moment = word.start + (word.end - word.start) * (position - begin) / (finish - begin)
            left.append(Word(word.start, moment, text[begin:position], word.confidence))
            right.append(Word(moment, word.end, text[position:finish], word.confidence))
    return left, right


def retime(segment: Segment, start: float, end: float) -> Segment:
    """``segment`` moved to ``start..end``; its words are clamped inside the new times, so a
    word the new edge cuts off keeps a zero length at that edge (its text stays)."""

    def clamp(moment: float) -> float:
        return min(max(moment, start), end)

    words = [dataclasses.replace(w, start=clamp(w.start), end=clamp(w.end)) for w in segment.words]
    return dataclasses.replace(segment, start=start, end=end, words=words)


def word_span_at_time(segment: Segment, seconds: float) -> tuple[int, int] | None:
    """Character range of the word spoken at ``seconds`` (the last one begun before it, so the
    highlight does not flicker off in the short gaps between words), or ``None``."""
    if not segment.words or not segment.start <= seconds < segment.end:
        return None
    spans = token_spans(segment.text)
    words = align_words(segment.words, segment.text, segment.start, segment.end)
    if len(words) != len(spans):
        return None
    found = None
    for word, span in zip(words, spans, strict=True):
        if word.start > seconds:
            break
        found = span
    return found


def token_span_from(text: str, offset: int) -> tuple[int, int] | None:
    """The token of ``text`` that starts at character ``offset``, or ``None``."""
    return next((span for span in token_spans(text) if span[0] == offset), None)


def boundary_near(segment: Segment, seconds: float) -> int | None:
    """The character position between two words closest in time to ``seconds`` (for a split
    at the playhead), or ``None`` when the segment has no word timings or a single word."""
    spans = token_spans(segment.text)
    words = align_words(segment.words, segment.text, segment.start, segment.end)
    if len(words) < 2 or len(words) != len(spans):
        return None
    gaps = [
        (abs((words[i - 1].end + words[i].start) / 2 - seconds), spans[i][0])
        for i in range(1, len(words))
    ]
    return min(gaps)[1]


def low_confidence_spans(segment: Segment, threshold: float) -> list[tuple[int, int]]:
    """Character ranges of the words whose confidence is below ``threshold``.

    A segment without word timings counts as one word carrying the segment's confidence.
    """
    if segment.words:
        spans = token_spans(segment.text)
        words = align_words(segment.words, segment.text, segment.start, segment.end)
        if len(words) != len(spans):
            return []
        return [
            span
            for word, span in zip(words, spans, strict=True)
            if word.confidence is not None and word.confidence < threshold
        ]
    if segment.confidence is not None and segment.confidence < threshold and segment.text:
        return [(0, len(segment.text))]
    return []


def search_pattern(term: str) -> re.Pattern[str] | None:
    """A case-insensitive literal pattern for ``term``, or ``None`` for an empty term."""
    if not term:
        return None
    return re.compile(re.escape(term), re.IGNORECASE)
