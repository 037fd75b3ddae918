"""Look at uploaded audio the way a recognition server would: container, codec, decoded length,
and where someone is speaking.

Everything here works on the *decoded* audio (PyAV, straight from the bytes, resampled to
16 kHz mono s16), never on header claims, so length limits are enforced on the real sound.

Voiced regions (the basis of every emulator's transcript; see :mod:`tests.emulators.recognition`):

1. Cut the decoded samples into 20 ms frames (320 samples); a trailing partial frame is ignored.
2. A frame is voiced when its RMS, with samples scaled to [-1, 1), is at least 0.01 (-40 dBFS).
3. Runs of voiced frames separated by fewer than 15 silent frames (< 300 ms) are merged.
4. Regions shorter than 5 frames (100 ms) are dropped.
5. A region longer than 750 frames (15 s) is cut into ``ceil(frames / 750)`` parts; part ``k`` of
   ``m`` of a region ``[a, b)`` starts at frame ``a + (k * (b - a)) // m``.

Region boundaries are frame indices, so their times are exact multiples of 20 ms.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import numpy as np

SAMPLE_RATE = 16_000
FRAME_SAMPLES = 320
FRAME_MS = 20
VOICED_RMS = 0.01
MAX_GAP_FRAMES = 15
MIN_REGION_FRAMES = 5
MAX_REGION_FRAMES = 750

# PyAV/FFmpeg demuxer names for the formats the providers list.
WAV = "wav"
MP3 = "mp3"
OGG = "ogg"
FLAC = "flac"
AAC = "aac"
AC3 = "ac3"
AMR = "amr"
MP4_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
MATROSKA_WEBM = "matroska,webm"
AVI = "avi"
ASF = "asf"
FLV = "flv"


class UndecodableAudio(Exception):
    """The bytes are not a media file with a decodable audio track."""


@dataclass(frozen=True)
class Region:
    """A voiced stretch, in 20 ms frames: ``[start_frame, end_frame)``."""

    start_frame: int
    end_frame: int

    @property
    def start_ms(self) -> int:
        return self.start_frame * FRAME_MS

    @property
    def end_ms(self) -> int:
        return self.end_frame * FRAME_MS


@dataclass(frozen=True)
class AudioAnalysis:
    """Facts about one decoded media file."""

    container: str
    codec: str
    has_video: bool
    duration: float
    regions: tuple[Region, ...]
    envelope: tuple[int, ...]

    @property
    def voiced_seconds(self) -> float:
        return sum(r.end_frame - r.start_frame for r in self.regions) * FRAME_MS / 1000


def decode_mono16k(data: bytes) -> tuple[str, str, bool, np.ndarray]:
    """Decode the first audio track; return container, codec, has-video flag and float samples."""
    if not data:
        raise UndecodableAudio("no data")
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise UndecodableAudio("no audio track")
            stream = container.streams.audio[0]
            codec = stream.codec_context.name
            has_video = bool(container.streams.video)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            pcm = bytearray()
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    pcm += bytes(out.planes[0])[: out.samples * 2]
            for out in resampler.resample(None):
                pcm += bytes(out.planes[0])[: out.samples * 2]
            name = container.format.name
    except UndecodableAudio:
        raise
    except (av.FFmpegError, ValueError, IndexError, OSError) as exc:
        raise UndecodableAudio(str(exc)) from exc
    samples = np.frombuffer(bytes(pcm), dtype="<i2").astype(np.float64) / 32768.0
    return name, codec, has_video, samples


def frame_rms(samples: np.ndarray) -> np.ndarray:
    """RMS of each whole 20 ms frame."""
    count = len(samples) // FRAME_SAMPLES
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * FRAME_SAMPLES].reshape(count, FRAME_SAMPLES)
    return np.sqrt(np.mean(frames * frames, axis=1))


def voiced_regions(rms: np.ndarray) -> tuple[Region, ...]:
    """Apply steps 2–5 of the module rule to per-frame RMS values."""
    runs: list[list[int]] = []
    start: int | None = None
    for index, value in enumerate(rms):
        if value >= VOICED_RMS and start is None:
            start = index
        elif value < VOICED_RMS and start is not None:
            runs.append([start, index])
            start = None
    if start is not None:
        runs.append([start, len(rms)])
    merged: list[list[int]] = []
    for run in runs:
        if merged and run[0] - merged[-1][1] < MAX_GAP_FRAMES:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    regions: list[Region] = []
    for a, b in merged:
        length = b - a
        if length < MIN_REGION_FRAMES:
            continue
        parts = -(-length // MAX_REGION_FRAMES)
        bounds = [a + (k * length) // parts for k in range(parts)] + [b]
        regions.extend(Region(bounds[k], bounds[k + 1]) for k in range(parts))
    return tuple(regions)


def analyze(data: bytes) -> AudioAnalysis:
    """Decode ``data`` and describe it; raises :class:`UndecodableAudio`."""
    container, codec, has_video, samples = decode_mono16k(data)
    rms = frame_rms(samples)
    # Loudness envelope at 50 values per second (one per frame), 0–100.
    envelope = tuple(min(100, round(float(v) * 200)) for v in rms)
    return AudioAnalysis(
        container=container,
        codec=codec,
        has_video=has_video,
        duration=len(samples) / SAMPLE_RATE,
        regions=voiced_regions(rms),
        envelope=envelope,
    )
