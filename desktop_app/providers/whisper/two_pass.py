"""Live recognition in two passes: Vosk's text at once while someone speaks, Whisper's text for
each finished utterance a moment later.

The audio goes to Vosk (:func:`desktop_app.providers.vosk.live.live_events`) and onto a tape.
Vosk's partial and final events are passed on as they come. An utterance is handed to Whisper
(on a worker thread, so Vosk's text keeps flowing) as soon as it ends: when the speaker pauses
(:class:`~desktop_app.providers.whisper.speech_ends.SpeechEnds`, at the microphone's pace) or
when Vosk ends one (its endpoint, the fallback when the room is too noisy to hear pauses).
Whisper gets the audio from where the previous utterance ended, so words Vosk missed are not
lost; utterances that queue up while Whisper is busy are decoded in one call.

Whisper's text then replaces Vosk's for that stretch of audio: it is sent under the key of the
first Vosk segment it covers (so the text is replaced in place), the other covered keys are
emptied, and a Vosk segment running past the stretch keeps only its later words. Vosk events
for audio Whisper has already done are trimmed or dropped; keys are this stream's own, so a
Vosk key whose text Whisper took over continues under a new one. If Whisper hears nothing or
fails, Vosk's text stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.transcript import Segment, Word, join_words, mean_confidence
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.threads import start_worker
from desktop_app.providers.vosk.live import live_events
from desktop_app.providers.whisper.runner import DecodeOptions
from desktop_app.providers.whisper.speech_ends import SpeechEnds

log = logging.getLogger(__name__)

# Audio kept after an utterance's last speech (word ends and loudness both run a little early).
TAIL_SECONDS = 0.25
# Whisper decodes 30 s at once; longer stretches are sent in pieces.
MAX_SPAN_SECONDS = 28.0
# Audio kept before speech when no utterance is pending: Vosk, running behind, may end an
# utterance whose start was too quiet to count as speech here.
LEAD_SECONDS = 5.0
MIN_SPAN_SECONDS = 0.3
# Quiet this long ends an utterance: shorter hands Whisper text sooner but in smaller pieces.
PAUSE_SECONDS = 0.5
_EPSILON = 0.02


class UtteranceTranscriber(Protocol):
    """What two-pass live needs from a loaded Whisper model (``WhisperRunner``)."""

    def transcribe_pcm(self, pcm: bytes, options: DecodeOptions) -> list[Segment]: ...


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the stream's audio for Whisper."""

    start: float
    pcm: bytes

    @property
    def end(self) -> float:
        return self.start + len(self.pcm) / BYTES_PER_SECOND


@dataclass(frozen=True, slots=True)
class Decoded:
    """Whisper's segments (stream times) for ``start``..``end``, answering ``spans`` spans."""

    start: float
    end: float
    segments: list[Segment]
    spans: int


@dataclass(frozen=True, slots=True)
class _VoskEnded:
    error: BaseException | None


class AudioTape:
    """The stream's recent audio; used on the event loop only."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._base = 0  # stream byte where _data starts

    @property
    def end(self) -> float:
        return (self._base + len(self._data)) / BYTES_PER_SECOND

    def append(self, chunk: bytes) -> None:
        self._data += chunk

    def cut(self, start: float, end: float) -> Span:
        """The audio between ``start`` and ``end`` seconds (clipped to what is kept)."""
        first = max(_byte(start), self._base)
        last = max(first, min(_byte(end), self._base + len(self._data)))
        return Span(
            first / BYTES_PER_SECOND, bytes(self._data[first - self._base : last - self._base])
        )

    def forget_before(self, seconds: float) -> None:
        drop = min(_byte(seconds) - self._base, len(self._data))
        if drop > 0:
            del self._data[:drop]
            self._base += drop


def _byte(seconds: float) -> int:
    return max(0, int(seconds * BYTES_PER_SECOND) & ~1)


def without(segment: Segment, covered: Callable[[float], bool]) -> Segment | None:
    """``segment`` without the words whose middle is ``covered``; None when nothing is left.
    Returns ``segment`` itself when no word is covered."""
    if not segment.words:
        return None if covered((segment.start + segment.end) / 2) else segment
    words = [word for word in segment.words if not covered((word.start + word.end) / 2)]
    if len(words) == len(segment.words):
        return segment
    if not words:
        return None
    return Segment(
        start=words[0].start,
        end=words[-1].end,
        text=join_words(words),
        speaker=segment.speaker,
        words=words,
        confidence=mean_confidence(words),
    )


class Stretches:
    """Sorted, merged time ranges (where Whisper's text stands)."""

    def __init__(self) -> None:
        self._ranges: list[tuple[float, float]] = []

    def add(self, start: float, end: float) -> None:
        merged: list[tuple[float, float]] = []
        for low, high in sorted([*self._ranges, (start, end)]):
            if merged and low <= merged[-1][1] + _EPSILON:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        self._ranges = merged

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, float | int) and any(
            low - _EPSILON <= moment <= high + _EPSILON for low, high in self._ranges
        )


def joined(decoded: Decoded) -> Segment | None:
    """Whisper's segments for one stretch as one segment, or None when it heard nothing."""
    texts = [segment.text.strip() for segment in decoded.segments if segment.text.strip()]
    if not texts:
        return None
    words: list[Word] = [word for segment in decoded.segments for word in segment.words]
    start = min(segment.start for segment in decoded.segments if segment.text.strip())
    end = max(segment.end for segment in decoded.segments if segment.text.strip())
    return Segment(
        start=start,
        end=max(start, end),
        text=" ".join(texts),
        words=words,
        confidence=mean_confidence(words),
    )


@dataclass(slots=True)
class _Shown:
    segment: Segment
    final: bool


class TwoPassState:
    """Decides what to send, from Vosk's events, the audio and Whisper's answers. Event loop
    only; ``submit`` queues a span for Whisper."""

    def __init__(self, submit: Any, pause: float = PAUSE_SECONDS) -> None:
        self._submit = submit
        self.tape = AudioTape()
        self.ends = SpeechEnds(pause)
        self.span_start = 0.0  # audio before this is Whisper's (or was silence)
        self.whispered = Stretches()  # where Whisper's text stands
        self.pending = 0  # spans submitted and not answered
        self._shown: dict[int, _Shown] = {}  # our key -> Vosk text now shown
        self._key_of: dict[int, int] = {}  # Vosk key -> our key
        self._taken: set[int] = set()  # our keys whose text is Whisper's
        self._next_key = 0

    def _new_key(self) -> int:
        self._next_key += 1
        return self._next_key - 1

    # -- audio ----------------------------------------------------------------------------------
    def audio(self, chunk: bytes) -> None:
        self.tape.append(chunk)
        for pause in self.ends.feed(chunk):
            self.utterance_ended(pause.speech_end + TAIL_SECONDS)
        if not self.ends.in_speech and self.ends.last_speech_end <= self.span_start:
            # Nothing said since the last utterance: keep only a little silence before speech.
            self.span_start = max(self.span_start, self.tape.end - LEAD_SECONDS)
        elif self.tape.end - self.span_start > MAX_SPAN_SECONDS + 1.0:
            self.utterance_ended(self.span_start + MAX_SPAN_SECONDS)
        self.tape.forget_before(self.span_start - 1.0)

    def audio_ended(self) -> None:
        if self.ends.last_speech_end > self.span_start:
            self.utterance_ended(self.tape.end)

    def utterance_ended(self, end: float) -> None:
        """Queue the audio from :attr:`span_start` to ``end`` for Whisper (in pieces if long)."""
        end = min(end, self.tape.end)
        while end - self.span_start >= MIN_SPAN_SECONDS:
            span = self.tape.cut(self.span_start, min(end, self.span_start + MAX_SPAN_SECONDS))
            if span.end <= self.span_start:
                break
            self.span_start = span.end
            self.pending += 1
            log.debug("utterance %.2f-%.2f s queued for Whisper", span.start, span.end)
            self._submit(span)

    # -- Vosk -----------------------------------------------------------------------------------
    def vosk(self, event: StreamEvent) -> list[StreamEvent]:
        key = self._key_of.get(event.key)
        if key is None or key in self._taken:
            key = self._key_of[event.key] = self._new_key()
        segment = without(event.segment, self.whispered.__contains__)
        if segment is not None and event.final and segment.text.strip():
            self.utterance_ended(segment.end + TAIL_SECONDS)
        if segment is None or not segment.text.strip():
            if self._shown.pop(key, None) is None:
                return []
            return [StreamEvent(key, Segment(event.segment.start, event.segment.end, ""), True)]
        self._shown[key] = _Shown(segment, event.final)
        return [StreamEvent(key, segment, event.final)]

    # -- Whisper --------------------------------------------------------------------------------
    def whisper(self, decoded: Decoded) -> list[StreamEvent]:
        self.pending -= decoded.spans
        segment = joined(decoded)
        if segment is None:
            return []
        self.whispered.add(decoded.start, decoded.end)

        def inside(moment: float) -> bool:
            return decoded.start - _EPSILON <= moment <= decoded.end + _EPSILON

        covered: list[int] = []
        trimmed: list[StreamEvent] = []
        for key, shown in sorted(self._shown.items()):
            rest = without(shown.segment, inside)
            if rest is None:
                covered.append(key)
            elif rest is not shown.segment:
                self._shown[key] = _Shown(rest, shown.final)
                trimmed.append(StreamEvent(key, rest, shown.final))
        key = covered[0] if covered else self._new_key()
        events = [StreamEvent(key, segment, final=True)]
        self._taken.add(key)
        for other in covered:
            del self._shown[other]
            if other != key:
                self._taken.add(other)
                events.append(StreamEvent(other, Segment(decoded.start, decoded.end, ""), True))
        # Later stretches start after this one: final text before it can no longer change.
        for other, shown in list(self._shown.items()):
            if shown.final and shown.segment.end < decoded.start:
                del self._shown[other]
        return events + trimmed


async def two_pass_stream(
    vosk_model: Any,
    whisper: UtteranceTranscriber,
    audio: AsyncIterator[bytes],
    options: DecodeOptions,
    *,
    pause: float = PAUSE_SECONDS,
) -> AsyncGenerator[StreamEvent, None]:
    """Recognise ``audio`` (16 kHz mono s16 chunks) with Vosk at once and with Whisper after
    each utterance; yields keyed events (see the module docstring for how they replace).

    Ends once the audio has ended and Whisper has answered for all of it. Closing the
    iteration stops Vosk and lets Whisper finish only the stretch it is working on.
    """
    loop = asyncio.get_running_loop()
    outbox: asyncio.Queue[StreamEvent | Decoded | _VoskEnded] = asyncio.Queue()
    spans: queue.Queue[Span | None] = queue.Queue()
    stop = threading.Event()
    state = TwoPassState(spans.put, pause)

    async def taped() -> AsyncGenerator[bytes, None]:
        async for chunk in audio:
            if chunk:
                state.audio(bytes(chunk))
                yield chunk
        state.audio_ended()

    async def follow_vosk() -> None:
        error: BaseException | None = None
        try:
            async with contextlib.aclosing(live_events(vosk_model, taped())) as events:
                async for event in events:
                    outbox.put_nowait(event)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            error = exc
        outbox.put_nowait(_VoskEnded(error))

    def post(item: Decoded) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
            loop.call_soon_threadsafe(outbox.put_nowait, item)

    def decode(run: list[Span]) -> Decoded:
        found: list[Segment] = []
        if not stop.is_set():
            try:
                pcm = b"".join(span.pcm for span in run)
                found = [s.shifted(run[0].start) for s in whisper.transcribe_pcm(pcm, options)]
                log.debug("Whisper decoded %.2f-%.2f s", run[0].start, run[-1].end)
            except Exception:
                log.exception("Whisper failed on a live utterance; Vosk's text is kept")
        return Decoded(run[0].start, run[-1].end, found, len(run))

    def transcribe_spans() -> None:
        ended = False
        while not ended:
            waiting: list[Span | None] = [spans.get()]
            # Spans that queued up while Whisper was busy are decoded together: one call
            # costs about the same for 2 s of audio as for 20 s.
            with contextlib.suppress(queue.Empty):
                while waiting[-1] is not None:
                    waiting.append(spans.get_nowait())
            ended = waiting[-1] is None
            for run in _runs([span for span in waiting if span is not None]):
                post(decode(run))

    worker = start_worker(transcribe_spans, "sori-whisper-live")
    vosk_task = asyncio.create_task(follow_vosk(), name="sori-two-pass-vosk")
    vosk_running = True
    try:
        while vosk_running or state.pending > 0:
            item = await outbox.get()
            if isinstance(item, _VoskEnded):
                vosk_running = False
                if item.error is not None:
                    raise item.error
                continue
            for event in state.whisper(item) if isinstance(item, Decoded) else state.vosk(item):
                yield event
    finally:
        stop.set()
        spans.put(None)
        vosk_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await vosk_task
        await asyncio.wait({asyncio.wrap_future(worker)})


def _runs(waiting: list[Span]) -> list[list[Span]]:
    """Adjacent spans grouped, each group at most one Whisper window long."""
    runs: list[list[Span]] = []
    for span in waiting:
        run = runs[-1] if runs else None
        if (
            run is not None
            and abs(span.start - run[-1].end) < 0.01
            and span.end - run[0].start <= MAX_SPAN_SECONDS
        ):
            run.append(span)
        else:
            runs.append([span])
    return runs


async def two_pass_live(
    load_whisper: Callable[[], UtteranceTranscriber],
    audio: AsyncIterator[bytes],
    options: DecodeOptions,
    *,
    vosk_model_path: str | None = None,
) -> AsyncGenerator[StreamEvent, None]:
    """:func:`two_pass_stream` after loading both models on worker threads at the same time
    (``load_whisper`` is the engine's blocking loader); what the engine's ``stream()`` returns."""
    from desktop_app.providers.vosk.model import load_model, resolve_model_path

    vosk_loading = start_worker(
        lambda: load_model(resolve_model_path(vosk_model_path)), "sori-vosk-load"
    )
    whisper_loading = start_worker(load_whisper, "sori-whisper-load")
    vosk_model = await asyncio.wrap_future(vosk_loading)
    whisper = await asyncio.wrap_future(whisper_loading)
    async with contextlib.aclosing(two_pass_stream(vosk_model, whisper, audio, options)) as events:
        async for event in events:
            yield event
