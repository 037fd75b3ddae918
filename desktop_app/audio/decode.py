"""Decode any audio/video container with PyAV into 16 kHz mono s16 PCM chunks, and probe length."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What a quick look at a file tells; ``duration`` in seconds or None when unknown."""

    path: Path
    duration: float | None
    container: str
    codec: str
    sample_rate: int
    channels: int


def probe(path: Path | str) -> MediaInfo:
    """Read a file's header only and describe its first audio stream."""
    path = Path(path)
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        return MediaInfo(
            path=path,
            duration=duration,
            container=container.format.name,
            codec=stream.codec_context.name,
            sample_rate=stream.codec_context.sample_rate or 0,
            channels=stream.codec_context.channels or 0,
        )


def decode_pcm(path: Path | str, *, chunk_seconds: float = 0.5) -> Iterator[bytes]:
    """Yield the file's first audio track as 16 kHz mono s16le chunks of ``chunk_seconds``
    (the last one may be shorter)."""
    chunk_bytes = max(2, int(chunk_seconds * BYTES_PER_SECOND) // 2 * 2)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    pending = bytearray()
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                pending += bytes(out.planes[0])[: out.samples * 2]
            while len(pending) >= chunk_bytes:
                yield bytes(pending[:chunk_bytes])
                del pending[:chunk_bytes]
        for out in resampler.resample(None):
            pending += bytes(out.planes[0])[: out.samples * 2]
    while pending:
        yield bytes(pending[:chunk_bytes])
        del pending[:chunk_bytes]
