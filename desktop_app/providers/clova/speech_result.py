"""Turn a CLOVA Speech ``COMPLETED`` body into a :class:`~desktop_app.core.transcript.Transcript`.

The body (sync answer, or the final ``GET /recognizer/{token}``) holds ``segments``, each with
``start``/``end`` in milliseconds, ``text``, ``confidence``, ``words`` as
``[[startMs, endMs, text], ...]`` (empty without ``wordAlignment``) and, with diarization,
``speaker: {label, name}`` (older answers only ``diarization: {label}``). The top-level
``speakers`` list gives the speakers in the service's order. Speakers keep the service's label as
their id and its name as display name, or ``화자 N`` when it sent none. ``events`` (sound event
detection) have no place in the transcript model and are left out. When a body has no segments
but a full ``text``, that text becomes one segment spanning the audio.
"""

from __future__ import annotations

import math
from typing import Any

import httpx

from desktop_app.core.errors import ServerError
from desktop_app.core.service_times import (
    repair_times,
    service_number,
    service_text,
    unreadable_list_notice,
)
from desktop_app.core.transcript import Segment, Speaker, Transcript, Word

ENGINE = "clova-speech"


def unreadable(what: str) -> ServerError:
    return ServerError(
        f"{ENGINE}: the service sent {what} Sori cannot read",
        message_ko=f"{ENGINE}: 서비스가 보낸 {what}을(를) 해석할 수 없습니다",
    )


def read_body(response: httpx.Response) -> dict[str, Any]:
    """A JSON object answer, or :class:`ServerError` (transient, so the request is retried)."""
    try:
        body = response.json()
    except ValueError:
        raise unreadable("an answer") from None
    if not isinstance(body, dict):
        raise unreadable("an answer")
    return body


def _seconds(value: Any) -> float:
    """Milliseconds to seconds; an unreadable time becomes NaN for :func:`repair_times`."""
    number = service_number(value)
    return math.nan if number is None else number / 1000.0


def _label(item: dict[str, Any]) -> tuple[str | None, str | None]:
    """A segment's speaker label and name, from ``speaker`` or the older ``diarization``."""
    for key in ("speaker", "diarization"):
        value = item.get(key)
        if isinstance(value, dict) and value.get("label") not in (None, ""):
            name = value.get("name")
            return str(value["label"]), (str(name) if name else None)
    return None, None


def default_name(label: str) -> str:
    return f"화자 {label}"


def _words(raw: Any) -> list[Word]:
    words: list[Word] = []
    if not isinstance(raw, list):
        return words
    for entry in raw:
        if not isinstance(entry, (list, tuple)) or len(entry) < 3:
            continue
        start, end = _seconds(entry[0]), _seconds(entry[1])
        if math.isnan(start) or math.isnan(end):
            continue  # the segment's text still holds the word
        text = service_text(entry[2])
        if text:
            words.append(Word(start, max(start, end), text))
    return words


def _confidence(value: Any) -> float | None:
    if isinstance(value, str):
        return None
    return service_number(value)


def to_transcript(
    body: dict[str, Any],
    *,
    source: str,
    language: str,
    duration: float | None,
) -> Transcript:
    """Map a completed job's body; raises :class:`ServerError` when segments are unreadable."""
    raw_segments = body.get("segments")
    missing = raw_segments is None and "segments" in body
    if raw_segments is None:
        raw_segments = []
    if not isinstance(raw_segments, list):
        raise unreadable("a result")
    segments: list[Segment] = []
    names: dict[str, str | None] = {}
    for item in raw_segments:
        if not isinstance(item, dict):
            raise unreadable("a result")
        try:
            start, end = _seconds(item.get("start")), _seconds(item.get("end"))
        except (KeyError, TypeError, ValueError):
            raise unreadable("a result") from None
        text = service_text(item.get("text"))
        words = _words(item.get("words"))
        if not text and not words:
            continue
        label, name = _label(item)
        if label is not None and names.get(label) is None:
            names[label] = name
        segments.append(
            Segment(
                start=start,
                end=max(start, end),
                text=text or " ".join(w.text for w in words),
                speaker=label,
                confidence=_confidence(item.get("confidence")),
                words=words,
            )
        )
    segments.sort(key=lambda s: (s.start, s.end))
    full = service_text(body.get("text"))
    if not segments and full:
        segments.append(
            Segment(0.0, duration or 0.0, full, confidence=_confidence(body.get("confidence")))
        )
    transcript = Transcript(
        segments=segments,
        speakers=_speakers(body.get("speakers"), names),
        language=language,
        engine=ENGINE,
        source=source,
        duration=duration,
    )
    if missing and not segments:
        transcript.add_notice(unreadable_list_notice(ENGINE, "segments"))
    repair_times(transcript, duration)
    return transcript


def _speakers(listed: Any, seen: dict[str, str | None]) -> list[Speaker]:
    """The service's speaker list first (in its order), then labels only segments carry."""
    speakers: dict[str, Speaker] = {}
    for item in listed if isinstance(listed, list) else []:
        if not isinstance(item, dict) or item.get("label") in (None, ""):
            continue
        label = str(item["label"])
        name = item.get("name") or seen.get(label)
        speakers[label] = Speaker(label, str(name) if name else default_name(label))
    for label, name in seen.items():
        if label not in speakers:
            speakers[label] = Speaker(label, name or default_name(label))
    return list(speakers.values())
