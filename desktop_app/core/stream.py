"""Live results and their assembly into a transcript, shared by engines and their consumers.

A :class:`StreamEvent` is what an engine's live stream yields; a :class:`TranscriptAssembler`
turns a sequence of them into the current transcript. Both sit in ``core`` rather than in
``providers`` or ``live`` because both sides need them: engines produce events (and one of them,
the streamed-file wrapper, assembles its own), while the live session, the window and the command
line consume them. They are plain data over :mod:`desktop_app.core.transcript` with no I/O, so
the bottom layer is their natural place and nothing has to import upwards to reach them.

Events carry a key; a later event with the same key replaces the earlier one, so an engine can
revise text it sent before (some revise by position). Final segments are kept in time order;
partial ones are provisional and shown apart. An event with empty text removes its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.transcript import Segment, Transcript


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """A live result. ``key`` identifies the utterance: a later event with the same key
    replaces the earlier one (partial text being revised, or a final result)."""

    key: int
    segment: Segment
    final: bool


@dataclass(slots=True)
class TranscriptAssembler:
    """Not thread-safe: feed it from one thread (the engine loop or the GUI thread)."""

    engine: str = ""
    source: str = ""
    language: str = "ko"
    _final: dict[int, Segment] = field(default_factory=dict)
    _partial: dict[int, Segment] = field(default_factory=dict)

    def apply(self, event: StreamEvent) -> None:
        self._partial.pop(event.key, None)
        if not event.segment.text.strip():
            self._final.pop(event.key, None)
            return
        if event.final:
            self._final[event.key] = event.segment
        else:
            self._final.pop(event.key, None)
            self._partial[event.key] = event.segment

    @property
    def final_segments(self) -> list[Segment]:
        return sorted(self._final.values(), key=lambda s: (s.start, s.end))

    @property
    def partial_segments(self) -> list[Segment]:
        return sorted(self._partial.values(), key=lambda s: (s.start, s.end))

    @property
    def partial_text(self) -> str:
        return " ".join(s.text for s in self.partial_segments)

    def transcript(
        self, duration: float | None = None, *, include_partial: bool = True
    ) -> Transcript:
        """Everything so far; provisional text is included (as settled) unless asked not to."""
        segments = list(self._final.values())
        if include_partial:
            segments += self._partial.values()
        segments.sort(key=lambda s: (s.start, s.end))
        return Transcript(
            segments=segments,
            language=self.language,
            engine=self.engine,
            source=self.source,
            duration=duration,
        )
