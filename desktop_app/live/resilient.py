"""Keep a live stream going across dropped connections, without gaps or duplicated text.

:func:`resilient_stream` sits between the audio source and an engine's ``stream()``. It keeps the
audio that has no final result yet. When the engine fails with a transient error (a network
blip, a server restart, gRPC UNAVAILABLE) it withdraws the provisional text of the failed
connection, opens a new one after a short backoff, sends that kept audio again and then the live
audio, and shifts the new connection's times to their place in the whole stream. Text that was
final before the drop is never sent again, and no audio is skipped. The audio source is read by
one task throughout, so a recorder upstream never notices the reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_WIDTH
from desktop_app.core.errors import NetworkError, SoriError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.stream import StreamEvent
from desktop_app.core.transcript import Segment
from desktop_app.providers.base import Provider
from desktop_app.providers.http import RetryPolicy

log = logging.getLogger(__name__)

# Beyond this much unfinalised audio, the oldest is dropped from the replay buffer.
MAX_REPLAY_SECONDS = 15 * 60
LIVE_RETRY = RetryPolicy(attempts=5, base_delay=0.5, max_delay=10.0)


@dataclass(slots=True)
class ReplayBuffer:
    """Audio from ``settled`` (bytes from the stream start) to the newest chunk."""

    settled: int = 0
    data: bytearray = field(default_factory=bytearray)

    @property
    def settled_seconds(self) -> float:
        return self.settled / BYTES_PER_SECOND

    def append(self, chunk: bytes) -> None:
        self.data += chunk
        excess = len(self.data) - MAX_REPLAY_SECONDS * BYTES_PER_SECOND
        if excess > 0:
            excess -= excess % SAMPLE_WIDTH
            del self.data[:excess]
            self.settled += excess

    def settle(self, seconds: float) -> None:
        """Forget audio before ``seconds`` (it has a final result)."""
        target = int(seconds * BYTES_PER_SECOND)
        target -= target % SAMPLE_WIDTH
        drop = min(len(self.data), target - self.settled)
        if drop > 0:
            del self.data[:drop]
            self.settled += drop


_END = b""


@dataclass(slots=True)
class _Feed:
    """Routes source audio to the current connection's queue and into the replay buffer."""

    buffer: ReplayBuffer = field(default_factory=ReplayBuffer)
    queue: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    finished: bool = False
    error: BaseException | None = None

    def new_queue(self) -> asyncio.Queue[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        if self.buffer.data:
            queue.put_nowait(bytes(self.buffer.data))
        if self.finished:
            queue.put_nowait(_END)
        self.queue = queue
        return queue


async def _read_source(audio: AsyncIterator[bytes], feed: _Feed) -> None:
    try:
        async for chunk in audio:
            if chunk:
                feed.buffer.append(chunk)
                feed.queue.put_nowait(chunk)
    except Exception as exc:  # the source failed: end the stream after what was read
        feed.error = exc
    finally:
        feed.finished = True
        feed.queue.put_nowait(_END)


async def _drain(queue: asyncio.Queue[bytes]) -> AsyncIterator[bytes]:
    while True:
        chunk = await queue.get()
        if chunk == _END:
            return
        yield chunk


async def resilient_stream(
    provider: Provider,
    audio: AsyncIterator[bytes],
    options: TranscriptionOptions,
    *,
    attempts: int = 5,
    policy: RetryPolicy = LIVE_RETRY,
    on_reconnect: Callable[[SoriError, int], None] | None = None,
) -> AsyncIterator[StreamEvent]:
    """``provider.stream`` with reconnection; yields events with stream-wide keys and times."""
    feed = _Feed()
    reader = asyncio.create_task(_read_source(audio, feed))
    keys: dict[tuple[int, int], int] = {}
    generation = 0
    failures = 0
    try:
        while True:
            offset = feed.buffer.settled_seconds
            queue = feed.queue if generation == 0 else feed.new_queue()
            partial: dict[int, Segment] = {}
            stream = provider.stream(_drain(queue), options)
            try:
                async for event in stream:
                    key = keys.setdefault((generation, event.key), len(keys))
                    segment = event.segment.shifted(offset)
                    if event.final:
                        partial.pop(key, None)
                        failures = 0
                        pending_starts = [s.start for s in partial.values()]
                        feed.buffer.settle(min([segment.end, *pending_starts]))
                    else:
                        partial[key] = segment
                    yield StreamEvent(key, segment, event.final)
                if feed.error is not None:
                    raise feed.error
                return
            except SoriError as exc:
                if not exc.transient:
                    raise
                failures += 1
                log.info("live stream dropped (%s); reconnect %d", type(exc).__name__, failures)
                for key, segment in partial.items():
                    yield StreamEvent(key, dataclasses.replace(segment, text=""), False)
                if failures > attempts:
                    raise NetworkError(
                        f"{provider.name}: the live connection failed {failures} times",
                        fix="Check the connection; the recording itself is safe on disk.",
                        message_ko=f"{provider.name}: 실시간 연결이 {failures}번 끊어졌습니다",
                        fix_ko="연결을 확인하세요. 녹음 파일은 디스크에 안전하게 남아 있습니다.",
                    ) from exc
                if on_reconnect is not None:
                    on_reconnect(exc, failures)
                await asyncio.sleep(policy.delay(failures - 1))
                generation += 1
            finally:
                close = getattr(stream, "aclose", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
