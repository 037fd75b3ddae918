"""Turn captured blocks (any rate, any channel count, float samples) into 16 kHz mono s16 chunks,
and measure the loudness of a chunk for a level meter.

:class:`PcmConverter` keeps the resampler's state between blocks, so a stream converted block by
block sounds the same as one converted in one piece. Audio that already is 16 kHz passes without
resampling, which keeps it bit-exact (float32 holds every 16-bit sample exactly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.audio import SAMPLE_RATE, SAMPLE_WIDTH

if TYPE_CHECKING:  # NumPy and PyAV load on first use, not with the window
    from av.audio.frame import AudioFrame
    from av.audio.resampler import AudioResampler

LEVEL_FLOOR_DB = -100.0
"""The level reported for digital silence (16-bit audio cannot go below about -96 dBFS)."""
_FULL_SCALE = 32768.0
_RESAMPLE_FRAME = 1024


@dataclass(frozen=True, slots=True)
class Level:
    """Loudness of one chunk in dB relative to full scale (0 dBFS = the loudest sample)."""

    rms_db: float
    peak_db: float


SILENT = Level(LEVEL_FLOOR_DB, LEVEL_FLOOR_DB)


def measure_level(pcm: bytes) -> Level:
    """RMS and peak level of 16-bit mono PCM, floored at :data:`LEVEL_FLOOR_DB`."""
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2")
    if samples.size == 0:
        return SILENT
    as_float = samples.astype(np.float32)
    rms = math.sqrt(float(np.mean(as_float * as_float)))
    peak = float(np.max(np.abs(as_float)))
    return Level(_to_db(rms), _to_db(peak))


def _to_db(amplitude: float) -> float:
    if amplitude <= 0:
        return LEVEL_FLOOR_DB
    return max(LEVEL_FLOOR_DB, 20.0 * math.log10(amplitude / _FULL_SCALE))


class PcmConverter:
    """Downmixes, resamples and re-chunks float blocks into 16 kHz mono s16le chunks of a fixed
    size. Not thread-safe: one thread (the microphone's converter thread) feeds it."""

    def __init__(self, input_rate: int, channels: int, *, chunk_seconds: float = 0.1) -> None:
        if input_rate <= 0 or channels <= 0:
            raise ValueError("input_rate and channels must be positive")
        self.input_rate = input_rate
        self.channels = channels
        self.chunk_bytes = max(SAMPLE_WIDTH, round(chunk_seconds * SAMPLE_RATE) * SAMPLE_WIDTH)
        self._pending = bytearray()
        self._resampler: AudioResampler | None = None
        if input_rate != SAMPLE_RATE:
            from av.audio.resampler import AudioResampler

            self._resampler = AudioResampler(
                format="s16", layout="mono", rate=SAMPLE_RATE, frame_size=_RESAMPLE_FRAME
            )

    def push(self, block: Any) -> list[bytes]:
        """Convert one block (a float32 array of shape (frames, channels) or (frames,), values in
        [-1, 1)); return the whole chunks that are now complete."""
        import numpy as np

        samples = np.asarray(block, dtype=np.float32)
        if samples.ndim == 2:
            mono = samples[:, 0] if samples.shape[1] == 1 else samples.mean(axis=1)
        else:
            mono = samples
        if mono.size:
            self._pending += self._to_s16(np.ascontiguousarray(mono, dtype=np.float32))
        return self._whole_chunks()

    def flush(self) -> list[bytes]:
        """The rest once the input has ended: resampler tail and a last, shorter chunk."""
        if self._resampler is not None:
            for frame in self._resampler.resample(None):
                self._pending += _frame_bytes(frame)
        chunks = self._whole_chunks()
        if self._pending:
            chunks.append(bytes(self._pending))
            self._pending.clear()
        return chunks

    def _to_s16(self, mono: Any) -> bytes:
        import numpy as np
        from av.audio.frame import AudioFrame

        if self._resampler is None:
            scaled = np.rint(mono * _FULL_SCALE)
            return bytes(np.clip(scaled, -_FULL_SCALE, _FULL_SCALE - 1).astype("<i2").tobytes())
        frame = AudioFrame.from_ndarray(mono.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = self.input_rate
        out = bytearray()
        for resampled in self._resampler.resample(frame):
            out += _frame_bytes(resampled)
        return bytes(out)

    def _whole_chunks(self) -> list[bytes]:
        size = self.chunk_bytes
        count = len(self._pending) // size
        if not count:
            return []
        chunks = [bytes(self._pending[i * size : (i + 1) * size]) for i in range(count)]
        del self._pending[: count * size]
        return chunks


def _frame_bytes(frame: AudioFrame) -> bytes:
    return bytes(memoryview(frame.planes[0])[: frame.samples * SAMPLE_WIDTH])
