"""The microphone as an :class:`~desktop_app.audio.sources.AudioSource`.

:class:`MicrophoneSource` records from a PortAudio device (``sounddevice``, imported only when a
recording starts) at the device's own rate and channels. The PortAudio callback only copies each
block into a bounded queue (blocks that do not fit are counted in ``overflows``); a converter
thread downmixes, resamples and cuts them into chunks, and hands them to the event loop.
The threads that may call what are those of every source (see :mod:`desktop_app.audio.sources`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from types import ModuleType
from typing import Any

from desktop_app.audio.convert import PcmConverter
from desktop_app.audio.devices import (
    InputDevice,
    find_input_device,
    load_sounddevice,
    stream_closed,
    stream_opened,
)
from desktop_app.audio.sources import CHUNK_SECONDS, AudioSource
from desktop_app.core.errors import EngineUnavailableError

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.25


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
        stream_opened()  # before opening: a device rescan now would close the new stream
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
            stream_closed()
            raise self._cannot_open(info, str(exc)) from exc
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
