"""Test audio for the emulator tests: tone/silence patterns as WAV bytes, re-encoded with PyAV."""

from __future__ import annotations

import io
import wave
from typing import cast

import av
import numpy as np
from av.audio.stream import AudioStream

RATE = 16_000


def pattern(*pieces: tuple[float, bool], rate: int = RATE) -> np.ndarray:
    """Float samples: each piece is (seconds, voiced); voiced = 440 Hz sine at half scale."""
    chunks = []
    for seconds, voiced in pieces:
        n = round(seconds * rate)
        t = np.arange(n) / rate
        chunks.append(0.5 * np.sin(2 * np.pi * 440 * t) if voiced else np.zeros(n))
    return np.concatenate(chunks) if chunks else np.zeros(0)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def tones(*pieces: tuple[float, bool]) -> bytes:
    return wav_bytes(pattern(*pieces))


def encode(samples: np.ndarray, container: str, codec: str, rate: int = RATE) -> bytes:
    """Encode mono float samples with PyAV (e.g. ("mp3", "libmp3lame"), ("ipod", "aac"))."""
    buf = io.BytesIO()
    with av.open(buf, "w", format=container) as out:
        stream = cast(AudioStream, out.add_stream(codec, rate=rate))
        stream.layout = "mono"
        frame_size = stream.codec_context.frame_size or 1024
        formats = stream.codec_context.codec.audio_formats
        target = formats[0].name if formats else "s16"
        resampler = av.AudioResampler(format=target, layout="mono", rate=rate)
        data = samples.astype(np.float32)
        for start in range(0, len(data), frame_size):
            chunk = data[start : start + frame_size]
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            for converted in resampler.resample(frame):
                for packet in stream.encode(converted):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def video_mp4(seconds: float = 1.0) -> bytes:
    """A small MP4 with a video track and an AAC audio track."""
    buf = io.BytesIO()
    rate = RATE
    with av.open(buf, "w", format="mp4") as out:
        video = out.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sound = out.add_stream("aac", rate=rate)
        sound.layout = "mono"
        for index in range(round(seconds * 10)):
            image = np.full((48, 64, 3), index * 20 % 255, dtype=np.uint8)
            picture = av.VideoFrame.from_ndarray(image, format="rgb24")
            picture.pts = index
            for packet in video.encode(picture):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        samples = pattern((seconds, True)).astype(np.float32)
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=rate)
        size = sound.codec_context.frame_size or 1024
        for start in range(0, len(samples), size):
            chunk = samples[start : start + size]
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            for converted in resampler.resample(frame):
                for packet in sound.encode(converted):
                    out.mux(packet)
        for packet in sound.encode(None):
            out.mux(packet)
    return buf.getvalue()
