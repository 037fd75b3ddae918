"""CLOVA Speech real-time results: the ``transcription`` answers of ``NestService.recognize``
and their assembly into :class:`~desktop_app.providers.base.StreamEvent` objects.

Results are pieces of one running text: a result's ``text`` starts at character ``position`` of
the full text, so a later result at the same or an earlier position rewrites what follows it.
:class:`PositionAssembler` keeps those pieces keyed by position and turns each result into
events whose key is the position. Times (``startTimestamp``/``endTimestamp`` and the
``alignInfos`` items, all in ms from the start of the stream) become seconds and
:class:`~desktop_app.core.transcript.Word` objects.

Partial or final: the documents define ``epdType`` as the end-point rule that produced a result
(``gap``, ``endPoint``, ``durationThreshold``, ``period``, ``syllableThreshold``, ``unvoice``)
and ``epFlag`` as "this result covers the audio sent with ``epFlag: true``". A result that
names an end-point rule, or answers an ``epFlag``, closes its piece and is final; a result
without either is an interim hypothesis that later results may still revise, and is partial.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import ServerError
from desktop_app.core.service_times import repaired_segment, service_text
from desktop_app.core.transcript import Segment, Word
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.clova.nest import ENGINE


@dataclass(frozen=True, slots=True)
class NestResult:
    """One ``transcription`` answer; times in seconds from the start of the stream."""

    text: str
    position: int
    final: bool
    ep_flag: bool
    seq_id: int
    epd_type: str | None
    start: float | None
    end: float | None
    confidence: float | None
    words: list[Word] = field(default_factory=list)


def parse_result(body: dict[str, Any]) -> NestResult:
    """The ``transcription`` part of an answer."""
    result = body.get("transcription")
    if not isinstance(result, dict):
        raise ServerError(
            f"{ENGINE}: the service sent a result without a transcription",
            message_ko=f"{ENGINE}: 서비스가 인식 결과 없이 응답했습니다",
        )
    raw_text = result.get("text")
    text = raw_text if isinstance(raw_text, str) else service_text(raw_text)
    ep_flag = result.get("epFlag") is True
    epd_type = result.get("epdType") or None
    infos = result.get("alignInfos")
    return NestResult(
        text=text,
        position=max(0, _int(result.get("position")) or 0),
        final=ep_flag or epd_type is not None,
        ep_flag=ep_flag,
        seq_id=_int(result.get("seqId")) or 0,
        epd_type=str(epd_type) if epd_type is not None else None,
        start=_seconds(result.get("startTimestamp")),
        end=_seconds(result.get("endTimestamp")),
        confidence=_float(result.get("confidence")),
        words=words_from_align(text, infos if isinstance(infos, list) else []),
    )


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None


def _seconds(milliseconds: Any) -> float | None:
    number = _float(milliseconds)
    return number / 1000 if number is not None else None


def words_from_align(text: str, infos: Iterable[Any]) -> list[Word]:
    """Words from ``alignInfos``: items (words or syllables) grouped into the text's
    space-separated words when they spell them exactly; otherwise one word per item, with
    punctuation-only items joined to the word before. Blank items are dropped."""
    items: list[Word] = []
    for info in infos:
        if not isinstance(info, dict):
            continue
        word = service_text(info.get("word"))
        start, end = _seconds(info.get("start")), _seconds(info.get("end"))
        if word and start is not None and end is not None:
            items.append(Word(start, max(start, end), word, _float(info.get("confidence"))))
    grouped = _group_into_tokens(text.split(), items)
    if grouped is not None:
        return grouped
    words: list[Word] = []
    for item in items:
        if words and not any(ch.isalnum() for ch in item.text):
            last = words[-1]
            words[-1] = Word(last.start, max(last.end, item.end), last.text + item.text,
                             last.confidence)  # fmt: skip
        else:
            words.append(item)
    return words


def _group_into_tokens(tokens: list[str], items: list[Word]) -> list[Word] | None:
    words: list[Word] = []
    index = 0
    for token in tokens:
        spelled = ""
        first = index
        while len(spelled) < len(token) and index < len(items):
            spelled += items[index].text
            index += 1
        if spelled != token:
            return None
        parts = items[first:index]
        known = [w.confidence for w in parts if w.confidence is not None]
        confidence = sum(known) / len(known) if known else None
        words.append(Word(parts[0].start, parts[-1].end, token, confidence))
    return words if index == len(items) else None


@dataclass(slots=True)
class _Piece:
    raw: str  # the text as sent, for position arithmetic
    segment: Segment
    final: bool


class PositionAssembler:
    """The running text as pieces keyed by their ``position``. Runs on the engine loop thread.

    A result at position ``p`` replaces the piece at ``p``, withdraws every piece after ``p``
    (sent once more with empty text) and cuts a piece that began before ``p`` and ran past it.
    """

    def __init__(self) -> None:
        self._pieces: dict[int, _Piece] = {}

    def apply(self, result: NestResult, fallback_time: float) -> list[StreamEvent]:
        """Take one result; ``fallback_time`` (audio seconds sent) times untimed results."""
        position = result.position
        events: list[StreamEvent] = []
        for key in sorted(k for k in self._pieces if k > position):
            withdrawn = self._pieces.pop(key).segment
            empty = Segment(withdrawn.start, withdrawn.start, "")
            events.append(StreamEvent(key, empty, final=True))
        for key, piece in sorted(self._pieces.items()):
            if key < position < key + len(piece.raw):
                events.append(self._cut(key, piece, position - key, result.start))
        segment = self._segment(result, fallback_time)
        if not segment.text:
            if self._pieces.pop(position, None) is not None:
                events.append(StreamEvent(position, segment, final=True))
            return events
        self._pieces[position] = _Piece(result.text, segment, result.final)
        events.append(StreamEvent(position, segment, result.final))
        return events

    def settle(self) -> list[StreamEvent]:
        """Make every remaining partial final (the stream is over)."""
        events: list[StreamEvent] = []
        for key, piece in sorted(self._pieces.items()):
            if not piece.final:
                piece.final = True
                events.append(StreamEvent(key, piece.segment, final=True))
        return events

    def segments(self) -> list[Segment]:
        """The current pieces in text order."""
        return [piece.segment for _, piece in sorted(self._pieces.items())]

    def _cut(self, key: int, piece: _Piece, keep: int, cut_at: float | None) -> StreamEvent:
        old = piece.segment
        piece.raw = piece.raw[:keep]
        if cut_at is not None:
            words = [w for w in old.words if w.end <= cut_at]
            end = min(old.end, cut_at)
        else:
            words = old.words[: len(piece.raw.split())]
            end = words[-1].end if words else old.end
        piece.segment = Segment(old.start, max(old.start, end), piece.raw.strip(),
                                confidence=old.confidence, words=words)  # fmt: skip
        return StreamEvent(key, piece.segment, piece.final)

    @staticmethod
    def _segment(result: NestResult, fallback_time: float) -> Segment:
        words = result.words
        start = result.start
        if start is None:
            start = words[0].start if words else fallback_time
        end = result.end
        if end is None:
            end = words[-1].end if words else max(start, fallback_time)
        segment = Segment(start, max(start, end), result.text.strip(),
                          confidence=result.confidence, words=list(words))  # fmt: skip
        # Times past the audio sent so far (or negative) are the service's error, not speech.
        return repaired_segment(segment, fallback_time if fallback_time > 0 else None)
