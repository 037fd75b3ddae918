"""Audio sources: one interface for the microphone and for a file played at real-time pace.

An :class:`AudioSource` is an async iterator of 16 kHz mono s16le chunks of about
``chunk_seconds`` (0.1 s by default), the form every live engine takes. It is also an async
context manager (opening the device or file on entry, closing it on exit) and it tells the
seconds delivered so far (``elapsed``) and the loudness of the latest chunk (``level``) for a
meter. ``pause()`` holds the audio back: a paused microphone drops what it hears, a paused file
waits where it is. ``close()`` ends the source: whatever the microphone captured before is still
delivered, then the iteration stops.

:class:`MicrophoneSource` records from a PortAudio device (``sounddevice``, imported only when a
recording starts) at the device's own rate and channels. The PortAudio callback only copies each
block into a bounded queue (blocks that do not fit are counted in ``overflows``); a converter
thread downmixes, resamples and cuts them into chunks, and hands them to the event loop.
:class:`FileSource` decodes any media file (see :mod:`desktop_app.audio.decode`) on a worker
thread and delivers it at real-time pace, faster, or as fast as it is read.

Threads: iterate a source and call ``start``/``aclose`` on one event loop thread; ``pause``,
``resume`` and ``close`` may be called from any thread, and the ``elapsed``, ``level`` and
``paused`` properties may be read from any thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Self

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.convert import SILENT, Level, PcmConverter, measure_level
from desktop_app.audio.decode import decode_pcm, probe
from desktop_app.audio.devices import (
    InputDevice,
    find_input_device,
    load_sounddevice,
    stream_closed,
    stream_opened,
)
from desktop_app.core.errors import EngineUnavailableError

log = logging.getLogger(__name__)

CHUNK_SECONDS = 0.1
_READ_AHEAD_SECONDS = 1.0
_POLL_SECONDS = 0.25


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


class MicrophoneSource(AudioSource):
    """Records from a sound input device (see the module docstring for the threads involved).

    ``device`` is a PortAudio device number or name, or None for the default input.
    ``samplerate`` and ``channels`` default to the device's own (at most two channels are
    opened on devices that offer more, like PulseAudio's). ``buffer_seconds`` bounds the audio
    waiting between the device and the consumer; ``stall_timeout`` is how long the device may
    stay silent, delivering no blocks at all, before the source reports it as lost.
    """

    def __init__(
        self,
        device: int | str | None = None,
        *,
        samplerate: int | None = None,
        channels: int | None = None,
        chunk_seconds: float = CHUNK_SECONDS,
        buffer_seconds: float = 5.0,
        stall_timeout: float = 5.0,
    ) -> None:
        super().__init__(chunk_seconds, "microphone")
        self.device = device
        self.device_info: InputDevice | None = None
        self.samplerate = samplerate
        self.channels = channels
        self.stall_timeout = stall_timeout
        self._capacity_chunks = max(2, round(buffer_seconds / chunk_seconds))
        self._raw: queue.Queue[Any] = queue.Queue(maxsize=self._capacity_chunks)
        self._capacity = threading.Semaphore(self._capacity_chunks)
        self._ready: asyncio.Queue[tuple[bytes | BaseException | None, bool]] = asyncio.Queue()
        self._stream: Any = None
        self._stream_lock = threading.Lock()
        self._converter: threading.Thread | None = None
        self._capture_over = threading.Event()
        self._ended = False
        self._callbacks = 0
        self._overflow_blocks = 0
        self._device_overruns = 0

    @property
    def overflows(self) -> int:
        """Blocks of audio lost because the consumer or the converter fell behind."""
        return self._overflow_blocks + self._device_overruns

    async def _open(self) -> None:
        self._ready = asyncio.Queue()
        sd = load_sounddevice()
        info = await asyncio.to_thread(find_input_device, self.device)
        self.device_info = info
        self.label = info.name
        opening = asyncio.ensure_future(asyncio.to_thread(self._open_stream, sd, info))
        try:
            await asyncio.shield(opening)
        except asyncio.CancelledError:
            # The opening thread finds the source closed and releases the device itself.
            await asyncio.to_thread(self.close)
            opening.add_done_callback(lambda done: done.cancelled() or done.exception())
            raise

    def _open_stream(self, sd: ModuleType, info: InputDevice) -> None:
        """Open and start the PortAudio stream; runs on a worker thread."""
        rate = self.samplerate or round(info.default_samplerate) or 48000
        channels = self.channels or min(info.channels, 2)
        try:
            sd.check_input_settings(
                device=info.id, samplerate=rate, channels=channels, dtype="float32"
            )
        except (sd.PortAudioError, ValueError):
            if self.channels is not None or channels == info.channels:
                raise self._cannot_open(
                    info,
                    "the device refuses this sample rate or channel "
                    f"count ({rate} Hz, {channels} ch)",
                ) from None
            channels = info.channels
        self.samplerate, self.channels = rate, channels
        converter = PcmConverter(rate, channels, chunk_seconds=self.chunk_seconds)
        try:
            stream = sd.InputStream(
                device=info.id,
                samplerate=rate,
                channels=channels,
                dtype="float32",
                blocksize=max(1, round(rate * self.chunk_seconds)),
                latency="high",
                dither_off=True,
                callback=self._on_audio,
                finished_callback=self._on_stream_finished,
            )
        except (sd.PortAudioError, ValueError) as exc:
            raise self._cannot_open(info, str(exc)) from exc
        stream_opened()
        with self._stream_lock:
            if self._closed:  # closed (or cancelled) while the device was being opened
                _release(stream)
                return
            try:
                stream.start()
            except sd.PortAudioError as exc:
                _release(stream)
                raise self._cannot_open(info, str(exc)) from exc
            self._stream = stream
            self._converter = threading.Thread(
                target=self._convert, args=(converter,), name="sori-mic-convert", daemon=True
            )
            self._converter.start()
        log.info("Recording from %s (%d Hz, %d ch)", info.name, rate, channels)

    def _cannot_open(self, info: InputDevice, detail: str) -> EngineUnavailableError:
        return EngineUnavailableError(
            f"Could not open the microphone '{info.name}': {detail}",
            fix="Close other programs that use it, or choose another input device.",
            message_ko=f"마이크 '{info.name}'을(를) 열 수 없습니다: {detail}",
            fix_ko="이 장치를 쓰는 다른 프로그램을 닫거나 다른 입력 장치를 고르세요.",
        )

    def _on_audio(self, indata: Any, frames: int, when: Any, status: Any) -> None:
        """PortAudio's callback, on its audio thread: copy the block and nothing else."""
        self._callbacks += 1
        if status.input_overflow:
            self._device_overruns += 1
        if self._paused:
            return
        try:
            self._raw.put_nowait(indata.copy())
        except queue.Full:
            self._overflow_blocks += 1

    def _on_stream_finished(self) -> None:
        """PortAudio's stream ended (closed by us, or the device went away)."""
        self._capture_over.set()
        with contextlib.suppress(queue.Full):
            self._raw.put_nowait(None)

    def _convert(self, converter: PcmConverter) -> None:
        """The converter thread: blocks in, chunks out, until capture is over."""
        seen = self._callbacks
        quiet_since = time.monotonic()
        failure: BaseException | None = None
        try:
            while True:
                try:
                    block = self._raw.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    if self._capture_over.is_set():
                        break
                    if self._callbacks != seen:
                        seen, quiet_since = self._callbacks, time.monotonic()
                    elif time.monotonic() - quiet_since > self.stall_timeout:
                        failure = self._device_lost()
                        break
                    continue
                if block is None:
                    if self._capture_over.is_set() and not self._closed:
                        failure = self._device_lost()
                    break
                for chunk in converter.push(block):
                    self._post(chunk)
            if failure is None:
                for chunk in converter.flush():
                    self._post(chunk)
        except Exception as exc:  # a conversion bug must still end the iteration
            log.exception("Converting microphone audio failed")
            failure = exc
        if self.overflows:
            log.warning("%d blocks of microphone audio were lost (too slow)", self.overflows)
        self._post(failure)

    def _device_lost(self) -> EngineUnavailableError:
        name = self.device_info.name if self.device_info else "microphone"
        return EngineUnavailableError(
            f"The input device '{name}' stopped sending sound (was it unplugged?)",
            fix="Check the microphone's connection, then start a new recording.",
            message_ko=f"입력 장치 '{name}'에서 소리가 더 이상 들어오지 않습니다(연결이 끊겼나요?)",
            fix_ko="마이크 연결을 확인한 뒤 새로 녹음을 시작하세요.",
        )

    def _post(self, item: bytes | BaseException | None) -> None:
        """Hand a chunk (or the end: None or an error) to the event loop; waits while the
        consumer is ``buffer_seconds`` behind, unless the source is closing."""
        counted = False
        if isinstance(item, bytes):
            while not self._closed:
                if self._capacity.acquire(timeout=_POLL_SECONDS):
                    counted = True
                    break
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._ready.put_nowait, (item, counted))

    async def _next_chunk(self) -> bytes | None:
        if self._ended:
            return None
        item, counted = await self._ready.get()
        if counted:
            self._capacity.release()
        if isinstance(item, bytes):
            return item
        self._ended = True
        if isinstance(item, BaseException):
            raise item
        return None

    def _on_wake(self) -> None:
        """Nothing to do: the microphone's consumer waits for chunks, not for state."""

    def _on_pause_change(self, paused: bool) -> None:
        """Nothing to do: the audio callback drops blocks while paused."""

    def _shut(self) -> None:
        with self._stream_lock:
            stream, self._stream = self._stream, None
            converter = self._converter
        if stream is not None:
            _release(stream)
        self._capture_over.set()
        with contextlib.suppress(queue.Full):
            self._raw.put_nowait(None)
        if converter is not None and converter is not threading.current_thread():
            converter.join(timeout=5.0)
        if converter is None and self._loop is not None:
            self._post(None)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)


def _release(stream: Any) -> None:
    """Stop and close a PortAudio stream (waiting for its last callback) and unregister it."""
    try:
        stream.stop()
        stream.close()
    except Exception as exc:  # PortAudio errors while stopping change nothing any more
        log.warning("Closing the input stream failed: %s", exc)
    finally:
        stream_closed()
