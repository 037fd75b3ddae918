"""Live mode for engines without a streaming API (CLOVA CSR, CLOVA short-form, NHN).

The incoming audio is cut at pauses into utterances (:class:`~desktop_app.audio.splitting.
PauseDetector`, with a hard cut at ``max_seconds`` for engines with a length limit). Each
utterance is sent as soon as it ends, a few at a time, and its text arrives as a final
:class:`StreamEvent` a moment after the pause, timed to its place in the stream. Utterances that
are only silence are not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_WIDTH
from desktop_app.audio.splitting import PauseDetector
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.chunked import is_silent

ClipRecognizer = Callable[[bytes], Awaitable[Transcript]]

# Keys of one utterance's segments: utterance index × this + segment index.
KEY_STRIDE = 10_000


async def stream_by_utterances(
    audio: AsyncIterator[bytes],
    recognize: ClipRecognizer,
    *,
    max_seconds: float = 45.0,
    min_pause: float = 0.5,
    concurrency: int = 2,
) -> AsyncIterator[StreamEvent]:
    """Recognise each utterance of ``audio`` with ``recognize`` (PCM in, transcript out)."""
    detector = PauseDetector(min_pause=min_pause)
    results: asyncio.Queue[StreamEvent | BaseException | None] = asyncio.Queue()
    slots = asyncio.Semaphore(max(1, concurrency))
    tasks: set[asyncio.Task[None]] = set()
    max_bytes = int(max_seconds * BYTES_PER_SECOND) // SAMPLE_WIDTH * SAMPLE_WIDTH

    async def run(index: int, offset: float, pcm: bytes) -> None:
        try:
            async with slots:
                transcript = await recognize(pcm)
            for number, segment in enumerate(transcript.segments):
                key = index * KEY_STRIDE + number
                await results.put(StreamEvent(key, segment.shifted(offset), True))
        except BaseException as exc:  # handed to the consumer, which raises it
            await results.put(exc)
            raise

    async def produce() -> None:
        pending = bytearray()
        start = 0  # bytes from the stream start where ``pending`` begins
        index = 0

        def cut(length: int) -> None:
            nonlocal start, index
            piece = bytes(pending[:length])
            del pending[:length]
            offset = start / BYTES_PER_SECOND
            start += length
            if piece and not is_silent(piece):
                task = asyncio.create_task(run(index, offset, piece))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                index += 1

        try:
            async for chunk in audio:
                pending += chunk
                for end in detector.feed(chunk):
                    boundary = int(end * BYTES_PER_SECOND) // SAMPLE_WIDTH * SAMPLE_WIDTH
                    if boundary > start:
                        cut(boundary - start)
                while len(pending) >= max_bytes:
                    cut(max_bytes)
            cut(len(pending))
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await results.put(None)

    producer = asyncio.create_task(produce())
    try:
        while True:
            item = await results.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
        await producer
    finally:
        producer.cancel()
        for task in list(tasks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.gather(producer, *tasks, return_exceptions=True)
