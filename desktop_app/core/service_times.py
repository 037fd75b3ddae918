"""Times, numbers and texts from speech services, checked before anyone sees them.

Services send what they send: negative times, an end before its start, ``NaN``/``Infinity``,
times hours past the end of the media, ``null`` where a list belongs, a number where text
belongs. The parsers read values through :func:`service_number` and :func:`service_text` (a
numeric NaN never becomes the word "nan"), and every engine's finished transcript goes through
:func:`repair_times`, which clamps what can be placed and says so with a
:class:`~desktop_app.core.transcript.Notice` (code ``times-repaired``); no text is dropped, and
nothing written to JSON is ever negative, infinite, NaN or far past the media's end.
"""

from __future__ import annotations

import math
from typing import Any

from desktop_app.core.transcript import Notice, Segment, Transcript, Word

# Times up to this far past the media's end are rounding (a codec's padding), not errors.
END_TOLERANCE_SECONDS = 1.0
END_TOLERANCE_FRACTION = 0.01


def service_number(value: Any) -> float | None:
    """A finite number from a service's value (numbers or numeric strings), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def service_text(value: Any) -> str:
    """Text from a service's value, stripped: strings as they are, finite numbers written
    plainly, anything else (null, NaN, a list) as no text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return ""


def unreadable_list_notice(engine: str, what: str) -> Notice:
    """For an answer that held ``null`` (or no list) where the list of results belongs."""
    return Notice(
        "empty-answer",
        f"{engine}: the service's answer held no {what}; the transcript is empty.",
        f"{engine}: 서비스 응답에 {what} 목록이 없어 전사 결과가 비어 있습니다.",
    )


def _limit(duration: float | None) -> float | None:
    if duration is None or not math.isfinite(duration) or duration <= 0:
        return None
    return duration + max(END_TOLERANCE_SECONDS, END_TOLERANCE_FRACTION * duration)


class _Repairs:
    def __init__(self, duration: float | None) -> None:
        self.limit = _limit(duration)
        self.end = duration if self.limit is not None else None
        self.count = 0

    def place(self, start: Any, end: Any, fallback: float) -> tuple[float, float]:
        """A valid (start, end) near what the service said; ``fallback`` is where to put a
        time that cannot be read at all (the previous segment's end)."""
        first = service_number(start)
        last = service_number(end)
        repaired = first is None or last is None
        first = fallback if first is None else first
        last = first if last is None else last
        if first < 0:
            first, repaired = 0.0, True
        if last < 0:
            last, repaired = 0.0, True
        if self.limit is not None and self.end is not None:
            if first > self.limit:
                first, repaired = self.end, True
            if last > self.limit:
                last, repaired = self.end, True
        if last < first:
            last, repaired = first, True
        self.count += repaired
        return first, last


def repair_times(transcript: Transcript, duration: float | None = None) -> int:
    """Clamp every segment's and word's times into ``[0, duration]`` (``duration``: the
    media's length, defaulting to the transcript's), with end ≥ start and no NaN or infinity;
    confidences that are not finite become unknown, and so does a transcript duration that is
    not a valid time. Returns how many times were repaired and adds a notice if any."""
    if duration is None or service_number(duration) is None:
        duration = service_number(transcript.duration)
    repairs = _Repairs(duration)
    previous_end = 0.0
    segments: list[Segment] = []
    for segment in transcript.segments:
        start, end = repairs.place(segment.start, segment.end, previous_end)
        words: list[Word] = []
        for word in segment.words:
            word_start, word_end = repairs.place(word.start, word.end, start)
            confidence = service_number(word.confidence)
            words.append(Word(word_start, word_end, service_text(word.text), confidence))
        segment.start, segment.end, segment.words = start, end, words
        segment.text = service_text(segment.text)
        segment.confidence = service_number(segment.confidence)
        segments.append(segment)
        previous_end = end
    segments.sort(key=lambda s: (s.start, s.end))
    transcript.segments = segments
    stated = service_number(transcript.duration)
    if stated is None or stated < 0 or (repairs.limit is not None and stated > repairs.limit):
        transcript.duration = duration
    if repairs.count:
        transcript.add_notice(
            Notice(
                "times-repaired",
                f"{repairs.count} times the service sent were impossible (negative, reversed, "
                "unreadable or past the end of the audio) and were corrected; the text is "
                "kept, its timing there is approximate.",
                f"서비스가 보낸 시간 {repairs.count}개가 올바르지 않아(음수, 순서 뒤바뀜, 읽을 수 "
                "없음, 오디오 끝 이후) 고쳤습니다. 텍스트는 그대로이며 그 부분의 시간은 "
                "대략적입니다.",
            )
        )
    return repairs.count


def repaired_segment(segment: Segment, duration: float | None = None) -> Segment:
    """One live result's segment with its times made valid (no notice: live text is redrawn
    as it goes)."""
    holder = Transcript(segments=[segment], duration=duration)
    repair_times(holder, duration)
    return holder.segments[0]
