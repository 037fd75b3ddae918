"""The emulators' deterministic "speech recognition": text derived from the audio's voiced regions.

Rule (identical for every provider; each provider then formats it in its own JSON):

* One segment per voiced region of the decoded audio (see :mod:`tests.emulators.audio`), in order,
  numbered from 1. Times are integer milliseconds, multiples of 20.
* Segment text: ``f"구간 {n} ({start_ms / 1000:.1f}–{end_ms / 1000:.1f}초)"`` (an en dash between
  the times), e.g. ``"구간 1 (0.0–1.2초)"``.
* Keyword echo: when the request carried keywords (CLOVA ``boostings``, RTZR ``keywords``, NHN
  ``biasingList``), ``" " + keyword`` is appended to every segment, where ``keyword`` is the
  provider's first keyword (each provider module says how it is picked).
* Forbidden words (CLOVA ``forbiddens``): afterwards every occurrence of each forbidden word in the
  segment text is replaced by as many ``*`` as it has characters.
* Words: the final text split on spaces; word ``j`` of ``k`` in a segment ``[s, e)`` spans
  ``[s + j*(e-s)//k, s + (j+1)*(e-s)//k)``.
* Speakers (when diarization is on with ``n`` speakers): segment ``i`` (0-based) gets speaker
  ``i % n``.
* Confidence: always :data:`CONFIDENCE`.
* Full text: the segment texts joined with one space.

Client tests can call :func:`expected_segments` on the same file to get the exact expectation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.emulators.audio import Region, analyze

CONFIDENCE = 0.95


@dataclass(frozen=True)
class RecognizedWord:
    """One word with its time span in milliseconds."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class RecognizedSegment:
    """One recognised segment; ``speaker`` is 0-based, or None without diarization."""

    number: int
    start_ms: int
    end_ms: int
    text: str
    words: tuple[RecognizedWord, ...]
    speaker: int | None
    confidence: float = CONFIDENCE


def segment_text(number: int, start_ms: int, end_ms: int) -> str:
    return f"구간 {number} ({start_ms / 1000:.1f}–{end_ms / 1000:.1f}초)"


def mask(text: str, forbidden: Iterable[str]) -> str:
    for word in forbidden:
        if word:
            text = text.replace(word, "*" * len(word))
    return text


def spread_words(text: str, start_ms: int, end_ms: int) -> tuple[RecognizedWord, ...]:
    parts = text.split()
    count = len(parts)
    span = end_ms - start_ms
    return tuple(
        RecognizedWord(start_ms + j * span // count, start_ms + (j + 1) * span // count, part)
        for j, part in enumerate(parts)
    )


def recognize(
    regions: Iterable[Region],
    *,
    keyword: str | None = None,
    forbidden: Iterable[str] = (),
    speakers: int | None = None,
) -> list[RecognizedSegment]:
    """Apply the module rule to voiced regions."""
    forbidden = [w for w in forbidden if w]
    segments: list[RecognizedSegment] = []
    for index, region in enumerate(regions):
        text = segment_text(index + 1, region.start_ms, region.end_ms)
        if keyword:
            text = f"{text} {keyword}"
        text = mask(text, forbidden)
        segments.append(
            RecognizedSegment(
                number=index + 1,
                start_ms=region.start_ms,
                end_ms=region.end_ms,
                text=text,
                words=spread_words(text, region.start_ms, region.end_ms),
                speaker=index % speakers if speakers else None,
            )
        )
    return segments


def full_text(segments: Iterable[RecognizedSegment]) -> str:
    return " ".join(segment.text for segment in segments)


def expected_segments(
    audio: bytes | Path | str,
    *,
    keyword: str | None = None,
    forbidden: Iterable[str] = (),
    speakers: int | None = None,
) -> list[RecognizedSegment]:
    """What any emulator recognises in ``audio`` (bytes or a file path) with these options."""
    data = audio if isinstance(audio, bytes) else Path(audio).read_bytes()
    return recognize(analyze(data).regions, keyword=keyword, forbidden=forbidden, speakers=speakers)
