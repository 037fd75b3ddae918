"""Reconnecting live streams: no gaps, no duplicates, times in place, provisional text withdrawn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import ClassVar

import numpy as np
import pytest

from desktop_app.core.errors import AuthError, NetworkError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback, ignore_progress
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.live.resilient import resilient_stream
from desktop_app.providers.base import Capabilities, MediaSource, Provider, StreamEvent
from desktop_app.providers.http import RetryPolicy

SECOND = 32000


def numbered_audio(seconds: int) -> list[bytes]:
    """Second i holds the sample value i+1, in 0.1 s chunks, so text can name absolute time."""
    chunks = []
    for i in range(seconds):
        block = np.full(16000, i + 1, dtype="<i2").tobytes()
        chunks += [block[j : j + 3200] for j in range(0, SECOND, 3200)]
    return chunks


class CountingProvider(Provider):
    """A streaming engine at the seam we own: one final per second of audio, naming the second
    by the sample value it heard; a partial at each half second; it can drop connections."""

    name: ClassVar[str] = "counting"
    display_name: ClassVar[str] = "Counting"
    capabilities: ClassVar[Capabilities] = Capabilities(inputs=frozenset({"stream"}), live=True)

    def __init__(self, drops: list[float], error: type[Exception] = NetworkError) -> None:
        super().__init__()
        self.drops = list(drops)  # drop the n-th connection after this many seconds
        self.error = error
        self.connections = 0

    async def transcribe(
        self,
        source: MediaSource,
        options: TranscriptionOptions,
        progress: ProgressCallback = ignore_progress,
    ) -> Transcript:
        raise NotImplementedError

    async def _events(self, audio: AsyncIterator[bytes]) -> AsyncIterator[StreamEvent]:
        drop_after = self.drops.pop(0) if self.drops else None
        self.connections += 1
        received = bytearray()
        emitted = 0
        async for chunk in audio:
            received += chunk
            if drop_after is not None and len(received) >= drop_after * SECOND:
                raise self.error("connection dropped")
            while len(received) >= (emitted + 1) * SECOND:
                value = int(
                    np.frombuffer(received[emitted * SECOND : emitted * SECOND + 2], "<i2")[0]
                )
                yield StreamEvent(emitted, Segment(emitted, emitted + 1, str(value)), True)
                emitted += 1
            if len(received) - emitted * SECOND >= SECOND // 2:
                yield StreamEvent(emitted, Segment(emitted, emitted + 0.5, "…"), False)

    def stream(
        self, audio: AsyncIterator[bytes], options: TranscriptionOptions
    ) -> AsyncIterator[StreamEvent]:
        return self._events(audio)


async def source(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def run(
    provider: Provider, seconds: int, **kwargs: object
) -> tuple[TranscriptAssembler, list[StreamEvent]]:
    assembler = TranscriptAssembler()
    events = []
    async for event in resilient_stream(
        provider,
        source(numbered_audio(seconds)),
        TranscriptionOptions(),
        policy=RetryPolicy(base_delay=0.001, max_delay=0.002),
        **kwargs,  # type: ignore[arg-type]
    ):
        events.append(event)
        assembler.apply(event)
    return assembler, events


async def test_no_drop_passes_through() -> None:
    assembler, _ = await run(CountingProvider([]), 5)
    assert [s.text for s in assembler.final_segments] == ["1", "2", "3", "4", "5"]


async def test_drops_leave_no_gap_or_duplicate() -> None:
    provider = CountingProvider([2.5, 1.7, 0.2])
    reconnects: list[int] = []
    assembler, events = await run(provider, 8, on_reconnect=lambda e, n: reconnects.append(n))
    finals = assembler.final_segments
    assert [s.text for s in finals] == [str(i) for i in range(1, 9)]
    assert [s.start for s in finals] == [float(i) for i in range(8)]
    assert provider.connections == 4 and reconnects == [1, 2, 3]
    assert assembler.partial_segments == []
    keys = [e.key for e in events if e.final]
    assert len(keys) == len(set(keys))


async def test_gives_up_after_the_attempt_limit() -> None:
    with pytest.raises(NetworkError, match="failed"):
        await run(CountingProvider([0.5] * 10), 5, attempts=3)


async def test_permanent_errors_are_not_retried() -> None:
    provider = CountingProvider([0.5], error=AuthError)
    with pytest.raises(AuthError):
        await run(provider, 3)
    assert provider.connections == 1
