"""Audio sources: one interface for the microphone and for a file played at real-time pace.

An :class:`AudioSource` is an async iterator of 16 kHz mono s16le chunks of about
``chunk_seconds`` (0.1 s by default), the form every live engine takes. It is also an async
context manager (opening the device or file on entry, closing it on exit) and it tells the
seconds delivered so far (``elapsed``) and the loudness of the latest chunk (``level``) for a
meter. ``pause()`` holds the audio back: a paused microphone drops what it hears, a paused file
waits where it is. ``close()`` ends the source: whatever the microphone captured before is still
delivered, then the iteration stops.

:class:`~desktop_app.audio.microphone.MicrophoneSource` (in its own module) records from a
sound input device. :class:`FileSource` decodes any media file (see
:mod:`desktop_app.audio.decode`) on a worker thread and delivers it at real-time pace, faster,
or as fast as it is read.

Threads: iterate a source and call ``start``/``aclose`` on one event loop thread; ``pause``,
``resume`` and ``close`` may be called from any thread, and the ``elapsed``, ``level`` and
``paused`` properties may be read from any thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.convert import SILENT, Level, measure_level
from desktop_app.audio.decode import decode_pcm, probe

CHUNK_SECONDS = 0.1
_READ_AHEAD_SECONDS = 1.0


class AudioSource(ABC):
    """Base of all sources (see the module docstring for the contract and threads)."""

    def __init__(self, chunk_seconds: float, label: str) -> None:
        if chunk_seconds <= 0:
            raise ValueError("chunk_seconds must be positive")
        self.chunk_seconds = chunk_seconds
        self.label = label
        self._delivered = 0
        self._level = SILENT
        self._paused = False
        self._closed = False
        self._started = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._state = threading.Lock()

    @property
    def elapsed(self) -> float:
        """Seconds of audio delivered so far (paused time not counted)."""
        return self._delivered / BYTES_PER_SECOND

    @property
    def level(self) -> Level:
        """RMS and peak of the latest chunk; silence while paused."""
        return SILENT if self._paused else self._level

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def closed(self) -> bool:
        return self._closed

    def pause(self) -> None:
        """Hold the audio back until :meth:`resume`."""
        with self._state:
            if self._paused or self._closed:
                return
            self._paused = True
            self._on_pause_change(True)
        self._wake_up()

    def resume(self) -> None:
        with self._state:
            if not self._paused:
                return
            self._paused = False
            self._on_pause_change(False)
        self._wake_up()

    async def start(self) -> None:
        """Open the device or file (done by the first iteration step when not called)."""
        if self._started:
            return
        if self._closed:
            raise RuntimeError("the audio source is closed")
        self._loop = asyncio.get_running_loop()
        await self._open()
        self._started = True

    def close(self) -> None:
        """Stop capturing or reading; already captured audio is still delivered. Idempotent."""
        with self._state:
            if self._closed:
                return
            self._closed = True
        self._shut()
        self._wake_up()

    async def aclose(self) -> None:
        """:meth:`close` without blocking the event loop."""
        self.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> bytes:
        if not self._started:
            if self._closed:
                raise StopAsyncIteration
            await self.start()
        chunk = await self._next_chunk()
        if chunk is None:
            raise StopAsyncIteration
        self._delivered += len(chunk)
        self._level = measure_level(chunk)
        return chunk

    def _wake_up(self) -> None:
        """Let a waiting :meth:`_next_chunk` look at the state again (from any thread)."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(self._on_wake)

    @abstractmethod
    def _on_wake(self) -> None:
        """Runs on the event loop after a state change."""

    @abstractmethod
    def _on_pause_change(self, paused: bool) -> None:
        """Called with the state lock held when pausing or resuming."""

    @abstractmethod
    async def _open(self) -> None:
        """Open the device or file; runs on the event loop."""

    @abstractmethod
    async def _next_chunk(self) -> bytes | None:
        """The next chunk, or None at the end; runs on the event loop."""

    @abstractmethod
    def _shut(self) -> None:
        """Release the device or file (from any thread, once)."""


class PacingClock:
    """Time for pacing a file source: real time here; tests substitute a virtual clock.

    Runs on the event loop thread (``now`` may be called from any thread).
    """

    def now(self) -> float:
        return time.monotonic()

    async def wait(self, event: asyncio.Event, timeout: float | None) -> None:
        """Return when ``event`` is set or ``timeout`` seconds have passed."""
        if timeout is None:
            await event.wait()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


class FileSource(AudioSource):
    """Plays a media file as a live source: chunks come when the audio in them would have been
    heard (``realtime=True``), ``realtime`` times faster (a number), or as fast as they can be
    decoded (``realtime=False``). Decoding runs on worker threads, pacing on the event loop."""

    def __init__(
        self,
        path: Path | str,
        *,
        realtime: bool | float = True,
        chunk_seconds: float = CHUNK_SECONDS,
        clock: PacingClock | None = None,
    ) -> None:
        self.path = Path(path)
        super().__init__(chunk_seconds, self.path.name)
        if isinstance(realtime, bool):
            self.speed: float | None = 1.0 if realtime else None
        else:
            if realtime <= 0:
                raise ValueError("the speed must be positive")
            self.speed = float(realtime)
        self.duration: float | None = None
        self._clock = clock or PacingClock()
        self._chunks: Iterator[bytes] | None = None
        self._reader = threading.Lock()
        self._buffer: collections.deque[bytes] = collections.deque()
        self._exhausted = False
        self._reading: asyncio.Future[list[bytes]] | None = None
        self._wake = asyncio.Event()
        self._position = 0
        self._anchor: float | None = None
        self._paused_at = 0.0

    async def _open(self) -> None:
        self._wake = asyncio.Event()
        self.duration, self._chunks = await asyncio.to_thread(self._open_decoder)

    def _open_decoder(self) -> tuple[float | None, Iterator[bytes]]:
        info = probe(self.path)
        return info.duration, decode_pcm(self.path, chunk_seconds=self.chunk_seconds)

    async def _next_chunk(self) -> bytes | None:
        while True:
            if self._closed:
                return None
            if self._paused:
                self._wake.clear()
                if self._paused and not self._closed:
                    await self._clock.wait(self._wake, None)
                continue
            if not self._buffer:
                if self._exhausted:
                    return None
                self._buffer.extend(await self._read_ahead())
                continue
            chunk = self._buffer[0]
            if self.speed is not None:
                now = self._clock.now()
                if self._anchor is None:
                    self._anchor = now
                due = self._anchor + (self._position + len(chunk)) / BYTES_PER_SECOND / self.speed
                if due > now:
                    self._wake.clear()
                    await self._clock.wait(self._wake, due - now)
                    continue
            self._buffer.popleft()
            self._position += len(chunk)
            return chunk

    async def _read_ahead(self) -> list[bytes]:
        # A cancelled wait leaves the read running; the next call picks up its result.
        if self._reading is None:
            self._reading = asyncio.ensure_future(asyncio.to_thread(self._read_batch))
        batch = await asyncio.shield(self._reading)
        self._reading = None
        return batch

    def _read_batch(self) -> list[bytes]:
        """Up to a second of chunks (more when unpaced); runs on a worker thread."""
        seconds = _READ_AHEAD_SECONDS * (self.speed or 10.0)
        wanted = max(1, round(seconds / self.chunk_seconds))
        batch: list[bytes] = []
        with self._reader:
            chunks = self._chunks
            if chunks is None or self._closed:
                self._exhausted = True
                return batch
            for chunk in chunks:
                batch.append(chunk)
                if len(batch) >= wanted or self._closed:
                    break
            else:
                self._exhausted = True
        return batch

    def _on_pause_change(self, paused: bool) -> None:
        now = self._clock.now()
        if paused:
            self._paused_at = now
        elif self._anchor is not None:
            self._anchor += now - self._paused_at

    def _on_wake(self) -> None:
        self._wake.set()

    def _shut(self) -> None:
        with self._reader:
            chunks, self._chunks = self._chunks, None
            if chunks is not None and hasattr(chunks, "close"):
                chunks.close()
