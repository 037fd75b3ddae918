"""Live recognition in two passes: Vosk's text at once while someone speaks, Whisper's text for
each finished utterance a moment later.

The audio goes to Vosk (:func:`desktop_app.providers.vosk.live.live_events`) and onto a tape.
Vosk's partial and final events are passed on as they come. When Vosk ends an utterance
(its endpoint), the audio of that utterance is cut from the tape and queued for Whisper on a
worker thread, so partial text of the next utterance keeps flowing meanwhile; Whisper's text is
then sent under the same key, replacing Vosk's. The audio given to Whisper runs from the end of
the previous utterance to just after this one's last word, so words Vosk did not hear at the
start of an utterance are not lost. If Whisper finds nothing or fails, Vosk's text stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.transcript import Segment, Word, mean_confidence
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.threads import start_worker
from desktop_app.providers.vosk.live import live_events
from desktop_app.providers.whisper.runner import DecodeOptions

log = logging.getLogger(__name__)

# Audio kept after an utterance's last word (Vosk's word ends are tight).
TAIL_SECONDS = 0.25
# At most this much audio before an utterance's first recognised word goes to Whisper.
LEAD_SECONDS = 10.0
# Whisper decodes 30 s at once; longer stretches are cut to their last 30 s.
MAX_SPAN_SECONDS = 30.0
# Audio kept on the tape: a span, plus how far Vosk may lag behind the microphone.
KEEP_SECONDS = 2 * MAX_SPAN_SECONDS
# Shorter stretches are not worth asking Whisper about.
MIN_SPAN_SECONDS = 0.1


class UtteranceTranscriber(Protocol):
    """What two-pass live needs from a loaded Whisper model (``WhisperRunner``)."""

    def transcribe_pcm(self, pcm: bytes, options: DecodeOptions) -> list[Segment]: ...


@dataclass(frozen=True, slots=True)
class _Job:
    key: int
    offset: float  # seconds of the stream where ``pcm`` starts
    pcm: bytes


@dataclass(frozen=True, slots=True)
class _Replacement:
    event: StreamEvent | None


@dataclass(frozen=True, slots=True)
class _VoskEnded:
    error: BaseException | None


class AudioTape:
    """The stream's audio from ``start`` seconds on; used on the event loop only."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._base = 0  # stream byte where _data starts

    @property
    def end(self) -> float:
        return (self._base + len(self._data)) / BYTES_PER_SECOND

    def append(self, chunk: bytes) -> None:
        self._data += chunk

    def cut(self, start: float, end: float) -> tuple[float, bytes]:
        """The audio between ``start`` and ``end`` seconds (clipped to what is kept)."""
        first = max(_byte(start), self._base)
        last = min(_byte(end), self._base + len(self._data))
        if last <= first:
            return first / BYTES_PER_SECOND, b""
        return first / BYTES_PER_SECOND, bytes(self._data[first - self._base : last - self._base])

    def forget_before(self, seconds: float) -> None:
        drop = min(_byte(seconds) - self._base, len(self._data))
        if drop > 0:
            del self._data[:drop]
            self._base += drop


def _byte(seconds: float) -> int:
    return int(seconds * BYTES_PER_SECOND) & ~1


def whisper_segment(offset: float, found: list[Segment]) -> Segment | None:
    """One segment made of Whisper's ``found`` (times from ``offset``), or None for no text."""
    texts = [segment.text.strip() for segment in found if segment.text.strip()]
    if not texts:
        return None
    words: list[Word] = [
        word.shifted(offset) for segment in found for word in segment.words if word.text
    ]
    start = words[0].start if words else offset + found[0].start
    end = words[-1].end if words else offset + found[-1].end
    return Segment(
        start=start,
        end=max(start, end),
        text=" ".join(texts),
        words=words,
        confidence=mean_confidence(words) if words else None,
    )


async def two_pass_stream(
    vosk_model: Any,
    whisper: UtteranceTranscriber,
    audio: AsyncIterator[bytes],
    options: DecodeOptions,
) -> AsyncGenerator[StreamEvent, None]:
    """Recognise ``audio`` (16 kHz mono s16 chunks) with Vosk, then each utterance again with
    Whisper; yields Vosk's events and Whisper's replacements (same key, ``final=True``).

    Ends once the audio has ended and every queued utterance has Whisper's answer. Closing the
    iteration stops Vosk and lets Whisper finish only the utterance it is working on.
    """
    loop = asyncio.get_running_loop()
    tape = AudioTape()
    outbox: asyncio.Queue[StreamEvent | _Replacement | _VoskEnded] = asyncio.Queue()
    jobs: queue.Queue[_Job | None] = queue.Queue()
    stop = threading.Event()

    async def taped() -> AsyncGenerator[bytes, None]:
        async for chunk in audio:
            if chunk:
                tape.append(bytes(chunk))
                tape.forget_before(tape.end - KEEP_SECONDS)
                yield chunk

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

    def post(item: _Replacement) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
            loop.call_soon_threadsafe(outbox.put_nowait, item)

    def transcribe_utterances() -> None:
        while (job := jobs.get()) is not None:
            if stop.is_set():
                post(_Replacement(None))
                continue
            try:
                found = whisper.transcribe_pcm(job.pcm, options)
                segment = whisper_segment(job.offset, found)
            except Exception:
                log.exception("Whisper failed on a live utterance; Vosk's text is kept")
                segment = None
            event = None if segment is None else StreamEvent(job.key, segment, final=True)
            post(_Replacement(event))

    worker = start_worker(transcribe_utterances, "sori-whisper-live")
    vosk_task = asyncio.create_task(follow_vosk(), name="sori-two-pass-vosk")
    span_start = 0.0
    waiting = 0
    vosk_running = True
    try:
        while vosk_running or waiting:
            item = await outbox.get()
            if isinstance(item, _VoskEnded):
                vosk_running = False
                if item.error is not None:
                    raise item.error
            elif isinstance(item, _Replacement):
                waiting -= 1
                if item.event is not None:
                    yield item.event
            else:
                yield item
                if item.final and item.segment.text.strip():
                    job = _job_for(item, tape, span_start)
                    if len(job.pcm) >= MIN_SPAN_SECONDS * BYTES_PER_SECOND:
                        span_start = job.offset + len(job.pcm) / BYTES_PER_SECOND
                        tape.forget_before(span_start - 1.0)
                        jobs.put(job)
                        waiting += 1
    finally:
        stop.set()
        jobs.put(None)
        vosk_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await vosk_task
        await asyncio.wait({asyncio.wrap_future(worker)})


def _job_for(event: StreamEvent, tape: AudioTape, span_start: float) -> _Job:
    first = event.segment
    end = min(first.end + TAIL_SECONDS, tape.end)
    start = max(span_start, first.start - LEAD_SECONDS, end - MAX_SPAN_SECONDS)
    offset, pcm = tape.cut(start, end)
    return _Job(key=event.key, offset=offset, pcm=pcm)
