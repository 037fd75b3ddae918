"""The transcript model shared by every engine, exporter, the window and the command line.

Times are seconds (float) from the start of the source audio. A :class:`Transcript` is a list
of :class:`Segment` (each with optional :class:`Word` timings), the :class:`Speaker` table, and
facts about where it came from. Engines that split audio build one transcript per piece and
combine them with :meth:`Transcript.shifted` and :func:`merge_pieces`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Word:
    """One recognised word with its time range."""

    start: float
    end: float
    text: str
    confidence: float | None = None

    def shifted(self, offset: float) -> Word:
        return dataclasses.replace(self, start=self.start + offset, end=self.end + offset)


@dataclass(slots=True)
class Segment:
    """An utterance: a stretch of speech by one speaker, usually ending at a pause."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    confidence: float | None = None
    words: list[Word] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def shifted(self, offset: float) -> Segment:
        return dataclasses.replace(
            self,
            start=self.start + offset,
            end=self.end + offset,
            words=[w.shifted(offset) for w in self.words],
        )


@dataclass(slots=True)
class Speaker:
    """A speaker found by diarization; ``id`` is stable, ``name`` is what people see."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a person should know about a finished transcript that is not an error: no
    speech was recognised, the file ends early, times were repaired, a job may have run twice.

    ``code`` is a stable identifier (``no-speech``, ``truncated``, ``times-repaired``,
    ``duplicate-job``, ...) for programs; the messages are for people (English and Korean).
    """

    code: str
    message: str
    message_ko: str = ""

    def describe(self, language: str = "en") -> str:
        if language.lower().startswith("ko") and self.message_ko:
            return self.message_ko
        return self.message


@dataclass(slots=True)
class Transcript:
    """A whole transcript of one source."""

    segments: list[Segment] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    language: str = "ko"
    engine: str = ""
    source: str = ""
    duration: float | None = None
    notices: list[Notice] = field(default_factory=list)

    def add_notice(self, notice: Notice) -> None:
        """Record ``notice`` once (a second notice with the same code and text is ignored)."""
        if notice not in self.notices:
            self.notices.append(notice)

    @property
    def text(self) -> str:
        """All segment texts, one per line."""
        return "\n".join(s.text for s in self.segments if s.text)

    def speaker_name(self, speaker_id: str | None) -> str | None:
        if speaker_id is None:
            return None
        for speaker in self.speakers:
            if speaker.id == speaker_id:
                return speaker.name
        return speaker_id

    def rename_speaker(self, speaker_id: str, name: str) -> None:
        """Give a speaker a new display name everywhere."""
        for speaker in self.speakers:
            if speaker.id == speaker_id:
                speaker.name = name
                return
        self.speakers.append(Speaker(speaker_id, name))

    def shifted(self, offset: float) -> Transcript:
        """A copy with every time moved by ``offset`` seconds."""
        return dataclasses.replace(
            self,
            segments=[s.shifted(offset) for s in self.segments],
            speakers=[dataclasses.replace(s) for s in self.speakers],
            notices=list(self.notices),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON export schema (times in seconds)."""
        return {
            "engine": self.engine,
            "source": self.source,
            "language": self.language,
            "duration": self.duration,
            "text": self.text,
            "speakers": [{"id": s.id, "name": s.name} for s in self.speakers],
            "segments": [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "speaker": s.speaker,
                    "confidence": s.confidence,
                    "words": [
                        {"start": w.start, "end": w.end, "text": w.text, "confidence": w.confidence}
                        for w in s.words
                    ],
                }
                for s in self.segments
            ],
            "notices": [
                {"code": n.code, "message": n.message, "message_ko": n.message_ko}
                for n in self.notices
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        """Inverse of :meth:`to_dict`."""
        return cls(
            segments=[
                Segment(
                    start=float(s["start"]),
                    end=float(s["end"]),
                    text=str(s["text"]),
                    speaker=s.get("speaker"),
                    confidence=s.get("confidence"),
                    words=[
                        Word(
                            float(w["start"]), float(w["end"]), str(w["text"]), w.get("confidence")
                        )
                        for w in s.get("words", [])
                    ],
                )
                for s in data.get("segments", [])
            ],
            speakers=[Speaker(str(s["id"]), str(s["name"])) for s in data.get("speakers", [])],
            language=str(data.get("language") or "ko"),
            engine=str(data.get("engine") or ""),
            source=str(data.get("source") or ""),
            duration=data.get("duration"),
            notices=[
                Notice(
                    str(n.get("code", "")), str(n.get("message", "")), str(n.get("message_ko", ""))
                )
                for n in data.get("notices") or []
                if isinstance(n, dict)
            ],
        )


def merge_pieces(
    pieces: Iterable[tuple[float, Transcript]],
    *,
    engine: str = "",
    source: str = "",
    language: str | None = None,
    duration: float | None = None,
) -> Transcript:
    """Join transcripts of consecutive audio pieces into one.

    Each item is ``(offset, transcript)`` where the piece's times are relative to its own start
    and ``offset`` is where that piece starts in the source. Segments come out in time order;
    speakers are united by id (a piece's speaker names win only for ids not seen before).
    """
    segments: list[Segment] = []
    speakers: dict[str, Speaker] = {}
    found_language = language
    notices: list[Notice] = []
    for offset, piece in pieces:
        segments.extend(piece.shifted(offset).segments)
        notices.extend(n for n in piece.notices if n not in notices)
        for speaker in piece.speakers:
            speakers.setdefault(speaker.id, Speaker(speaker.id, speaker.name))
        if found_language is None and piece.language:
            found_language = piece.language
    segments.sort(key=lambda s: (s.start, s.end))
    return Transcript(
        segments=segments,
        speakers=list(speakers.values()),
        language=found_language or "ko",
        engine=engine,
        source=source,
        duration=duration,
        notices=notices,
    )


def join_words(words: Sequence[Word]) -> str:
    """Text of words separated by single spaces."""
    return " ".join(w.text for w in words if w.text)


def mean_confidence(words: Sequence[Word]) -> float | None:
    values = [w.confidence for w in words if w.confidence is not None]
    return sum(values) / len(values) if values else None
