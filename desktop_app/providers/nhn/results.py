"""NHN Cloud Speech-to-Text results: the ``text``/``timeslot``/``confidence`` arrays of a
``result`` (v2.0; v1's single ``text`` string too) as timed segments. Values are read through
:mod:`desktop_app.core.service_times`, so NaN, numeric or missing entries never become text and
unreadable times fall back to the previous segment's end for repair."""

from __future__ import annotations

from typing import Any

from desktop_app.core.service_times import service_number, service_text
from desktop_app.core.transcript import Segment

_number = service_number


def segments_from_result(result: dict[str, Any]) -> list[Segment]:
    """The ``text``/``timeslot``/``confidence`` arrays of a result as segments in time order."""
    texts = result.get("text")
    if isinstance(texts, str):  # the v1 shape: one string for the whole file
        texts = [texts]
    if not isinstance(texts, list):
        return []
    slots = result.get("timeslot")
    slots = slots if isinstance(slots, list) else []
    confidences = result.get("confidence")
    if not isinstance(confidences, list):
        confidences = [confidences] * len(texts)
    length = _number(result.get("inputLength"))
    segments: list[Segment] = []
    previous_end = 0.0
    for index, raw in enumerate(texts):
        text = service_text(raw)
        if not text:
            continue
        slot = slots[index] if index < len(slots) and isinstance(slots[index], dict) else {}
        start_ms = _number(slot.get("startTime"))
        end_ms = _number(slot.get("endTime"))
        start = start_ms / 1000 if start_ms is not None else previous_end
        end = end_ms / 1000 if end_ms is not None else max(start, length or start)
        end = max(start, end)
        confidence = _number(confidences[index]) if index < len(confidences) else None
        if confidence is not None:
            confidence = min(1.0, max(0.0, confidence))
        segments.append(Segment(start, end, text, confidence=confidence))
        previous_end = max(previous_end, end)
    segments.sort(key=lambda s: (s.start, s.end))
    return segments
