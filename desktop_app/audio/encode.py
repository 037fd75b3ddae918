"""Encode 16 kHz mono s16 PCM into compact files in memory (FLAC, WAV, Ogg/Opus, MP3).

Used when audio must be sent in pieces (engines with per-request limits) or saved.
"""

from __future__ import annotations

import io
import wave
from typing import Literal

from desktop_app.audio import SAMPLE_RATE

PieceFormat = Literal["flac", "wav", "mp3", "ogg"]

_CODECS: dict[str, tuple[str, str]] = {
    # format: (container, codec)
    "flac": ("flac", "flac"),
    "mp3": ("mp3", "libmp3lame"),
    "ogg": ("ogg", "libopus"),  # Ogg/Opus: the smallest of these at speech quality
}


def wav_bytes(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A RIFF/WAVE file holding ``pcm`` (mono s16le)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def encode_pcm(pcm: bytes, fmt: PieceFormat = "flac", sample_rate: int = SAMPLE_RATE) -> bytes:
    """``pcm`` (mono s16le) as a complete file of format ``fmt``."""
    if fmt == "wav":
        return wav_bytes(pcm, sample_rate)
    # Imported here so that PyAV and NumPy load on first use, not with the window.
    import av
    import av.audio.stream
    import numpy as np

    container_name, codec = _CODECS[fmt]
    buffer = io.BytesIO()
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    with av.open(buffer, "w", format=container_name) as container:
        stream = container.add_stream(codec, rate=sample_rate)
        assert isinstance(stream, av.audio.stream.AudioStream)
        stream.layout = "mono"
        frame_size = 4096
        for start in range(0, len(samples), frame_size):
            block = samples[start : start + frame_size]
            frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = sample_rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
