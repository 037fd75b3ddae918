"""Live recognition for the offline engine: PCM chunks in, partial and final results out.

One Vosk recognizer on a worker thread receives the audio through a bounded queue; its results
come back to the event loop as :class:`~desktop_app.providers.base.StreamEvent` objects. Each
utterance has a key: partial events (the text so far) are replaced by the final event with the
same key. Times are seconds from the start of the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from desktop_app.core.transcript import Segment
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.threads import WorkerStopped, start_worker
from desktop_app.providers.vosk.model import PieceRecognizer, slices

# Partial results cost a lattice search; ask for one at most this often (seconds of audio).
PARTIAL_EVERY_SECONDS = 0.2
# Chunks waiting for the recognizer before the producer is made to wait.
INBOX_CHUNKS = 64
_RETRY_SECONDS = 0.02


class LiveSession:
    """Turns one recognizer's output into keyed stream events. Runs on the live worker thread."""

    def __init__(self, model: Any) -> None:
        self._recognizer = PieceRecognizer(model, partial_words=True)
        self._key = 0
        self._partial_text = ""
        self._partial_at = 0.0
        self._utterance_start = 0.0

    def accept(self, pcm: bytes) -> list[StreamEvent]:
        """Feed audio; return new events (a revised partial, or finals of an ended utterance)."""
        finished = self._recognizer.accept(pcm)
        if finished is not None:
            return self._finals(finished)
        position = self._recognizer.position
        if position - self._partial_at < PARTIAL_EVERY_SECONDS:
            return []
        self._partial_at = position
        text, words = self._recognizer.partial()
        if not text or text == self._partial_text:
            return []
        self._partial_text = text
        start = words[0].start if words else self._utterance_start
        segment = Segment(start=start, end=max(start, position), text=text, words=words)
        return [StreamEvent(self._key, segment, final=False)]

    def finish(self) -> list[StreamEvent]:
        """Flush the last utterance once the audio has ended."""
        return self._finals(self._recognizer.finish())

    def _finals(self, segments: list[Segment]) -> list[StreamEvent]:
        position = self._recognizer.position
        events: list[StreamEvent] = []
        if not segments and self._partial_text:
            # The partial shown under this key turned out to be nothing: replace it with nothing.
            empty = Segment(start=self._utterance_start, end=position, text="")
            events.append(StreamEvent(self._key, empty, final=True))
            self._key += 1
        for segment in segments:
            events.append(StreamEvent(self._key, segment, final=True))
            self._key += 1
        self._partial_text = ""
        self._partial_at = position
        self._utterance_start = position
        return events


async def live_events(model: Any, audio: AsyncIterator[bytes]) -> AsyncGenerator[StreamEvent, None]:
    """Recognize ``audio`` (16 kHz mono s16 chunks) as it arrives and yield events.

    Ends after the audio has ended and the last result is out. Closing or cancelling the
    iteration stops the recognizer thread and waits for it.
    """
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=INBOX_CHUNKS)
    outbox: asyncio.Queue[StreamEvent | BaseException | None] = asyncio.Queue()

    def post(item: StreamEvent | None) -> None:
        # A closed loop means nobody is listening any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(outbox.put_nowait, item)

    def recognize_live() -> None:
        session = LiveSession(model)
        while True:
            if stop.is_set():
                raise WorkerStopped
            try:
                chunk = inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            if chunk is None:
                break
            for part in slices(chunk):
                if stop.is_set():
                    raise WorkerStopped
                for event in session.accept(part):
                    post(event)
        for event in session.finish():
            post(event)

    async def deliver(item: bytes | None) -> None:
        while not stop.is_set():
            try:
                inbox.put_nowait(item)
                return
            except queue.Full:
                await asyncio.sleep(_RETRY_SECONDS)

    async def pump() -> None:
        async for chunk in audio:
            if chunk:
                await deliver(bytes(chunk))
        await deliver(None)

    def pump_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            outbox.put_nowait(task.exception())

    worker = start_worker(recognize_live, "sori-vosk-live")
    # Runs on the worker thread after its last post, so the end marker comes after every event.
    worker.add_done_callback(lambda _: post(None))
    worker_done = asyncio.wrap_future(worker)
    pump_task = asyncio.create_task(pump(), name="sori-live-pump")
    pump_task.add_done_callback(pump_done)
    try:
        while (item := await outbox.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
        error = worker.exception()
        if error is not None and not isinstance(error, WorkerStopped):
            raise error
    finally:
        stop.set()
        pump_task.cancel()
        waiting: set[asyncio.Future[Any]] = {pump_task, worker_done}
        while waiting:
            _, waiting = await asyncio.wait(waiting)
        if not worker_done.cancelled():
            worker_done.exception()  # seen here, so asyncio does not report it as lost
