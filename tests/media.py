"""Make real audio and video files for tests and benchmarks, encoded with PyAV.

Everything starts from 16 kHz mono s16le PCM (``bytes``), the same form the decoder produces::

    from tests.media import make_media, speech_pcm

    pcm = speech_pcm()                                  # tests/data/ko_short.wav, 7.8 s
    mp3 = make_media(tmp_path / "a.mp3", "mp3", pcm=pcm)
    clip = make_media(tmp_path / "b.mp4", "mp4", seconds=3, video=True)   # a tone + picture
    silent_film = make_media(tmp_path / "c.mp4", "mp4", seconds=1, video=True, audio=False)

Each format name in :data:`FORMATS` picks a container, an audio codec and a typical sample rate and
channel layout for that kind of file (MP3 at 44.1 kHz stereo, AC-3 at 48 kHz 5.1, AMR at 8 kHz
mono, ...), so decoding them exercises resampling and downmixing. WAV and FLAC keep the source's
16 kHz mono and therefore decode back bit-exact.
"""

from __future__ import annotations

import math
import wave
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.stream import VideoStream

SOURCE_RATE = 16000
DATA_DIR = Path(__file__).resolve().parent / "data"
SPEECH_WAV = DATA_DIR / "ko_short.wav"
SHARED_SPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "speech-ko"


@dataclass(frozen=True)
class MediaFormat:
    """How one kind of file is written: container, codecs and the audio's own rate/layout."""

    container: str
    audio_codec: str
    sample_rate: int
    layout: str
    video_codec: str | None = None
    codec_options: tuple[tuple[str, str], ...] = ()


FORMATS: dict[str, MediaFormat] = {
    "wav": MediaFormat("wav", "pcm_s16le", 16000, "mono"),
    "flac": MediaFormat("flac", "flac", 16000, "mono"),
    "mp3": MediaFormat("mp3", "libmp3lame", 44100, "stereo"),
    "m4a": MediaFormat("ipod", "aac", 44100, "stereo"),
    "aac": MediaFormat("adts", "aac", 22050, "mono"),
    "ac3": MediaFormat("ac3", "ac3", 48000, "5.1"),
    # FFmpeg's own Vorbis encoder is marked experimental and only writes stereo.
    "ogg": MediaFormat("ogg", "vorbis", 44100, "stereo", codec_options=(("strict", "-2"),)),
    "opus": MediaFormat("opus", "libopus", 48000, "stereo"),
    "amr": MediaFormat("amr", "libopencore_amrnb", 8000, "mono"),
    "webm": MediaFormat("webm", "libopus", 48000, "mono", video_codec="libvpx"),
    "mp4": MediaFormat("mp4", "aac", 48000, "stereo", video_codec="libx264"),
    "mov": MediaFormat("mov", "aac", 44100, "mono", video_codec="mpeg4"),
    "mkv": MediaFormat("matroska", "flac", 48000, "stereo", video_codec="mpeg4"),
}

VIDEO_SIZE = (64, 48)
VIDEO_FPS = 10


def speech_pcm() -> bytes:
    """The PCM (16 kHz mono s16le) of tests/data/ko_short.wav, a 7.8 s Korean sentence."""
    return _read_wav_pcm(SPEECH_WAV)


@lru_cache(maxsize=4)
def _read_wav_pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        if (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) != (SOURCE_RATE, 1, 2):
            raise ValueError(f"{path} is not 16 kHz mono 16-bit")
        return wav.readframes(wav.getnframes())


def long_speech_pcm(seconds: float) -> bytes:
    """At least ``seconds`` of speech: the ../shared/speech-ko clips when present, else the
    short test sentence repeated; trimmed to exactly ``seconds``."""
    wanted = int(seconds * SOURCE_RATE) * 2
    parts: list[bytes] = []
    total = 0
    clips = sorted(SHARED_SPEECH.glob("*.pcm")) if SHARED_SPEECH.is_dir() else []
    while total < wanted:
        for clip in clips or [SPEECH_WAV]:
            data = clip.read_bytes() if clip.suffix == ".pcm" else speech_pcm()
            data = data[: len(data) // 2 * 2]
            parts.append(data)
            total += len(data)
            if total >= wanted:
                break
    return b"".join(parts)[:wanted]


def tone_pcm(seconds: float, frequency: float = 440.0, amplitude: float = 0.3) -> bytes:
    """A sine tone whose loudness swells twice a second (so envelopes have a shape to compare)."""
    count = int(seconds * SOURCE_RATE)
    t = np.arange(count, dtype=np.float64) / SOURCE_RATE
    swell = 0.55 + 0.45 * np.sin(2 * math.pi * 2.0 * t)
    signal = amplitude * swell * np.sin(2 * math.pi * frequency * t)
    return (signal * 32767).astype("<i2").tobytes()


def make_media(
    path: Path | str,
    fmt: str,
    seconds: float | None = None,
    pcm: bytes | None = None,
    video: bool = False,
    *,
    audio: bool = True,
    sample_rate: int | None = None,
    layout: str | None = None,
) -> Path:
    """Write a real media file and return its path.

    ``fmt`` is a key of :data:`FORMATS`. The sound is ``pcm`` (16 kHz mono s16le), cut or
    repeated to ``seconds`` when that is given, or else ``seconds`` (default 2) of a tone.
    ``video=True`` adds a small picture stream (containers that can hold one); ``audio=False``
    leaves the sound out, for files without an audio track. ``sample_rate`` and ``layout``
    override the format's usual ones.
    """
    spec = FORMATS[fmt]
    path = Path(path)
    if pcm is None:
        pcm = tone_pcm(2.0 if seconds is None else seconds)
    elif seconds is not None:
        pcm = _fit(pcm, seconds)
    if video and spec.video_codec is None:
        raise ValueError(f"{fmt} cannot hold a video stream")
    if not audio and not video:
        raise ValueError("a file needs an audio or a video stream")
    duration = len(pcm) / 2 / SOURCE_RATE
    rate = sample_rate or spec.sample_rate
    with av.open(str(path), "w", format=spec.container) as container:
        audio_stream = (
            _add_audio_stream(container, spec, rate, layout or spec.layout) if audio else None
        )
        video_stream = _add_video_stream(container, spec) if video else None
        audio_packets = _encode_audio(audio_stream, pcm) if audio_stream is not None else []
        video_packets = _encode_video(video_stream, duration) if video_stream is not None else []
        # Hand packets to the muxer in time order, as a real recorder would.
        everything = [(p, _mux_time(p)) for p in audio_packets]
        everything += [(p, _mux_time(p)) for p in video_packets]
        everything.sort(key=lambda item: item[1])
        for packet, _ in everything:
            container.mux(packet)
    return path


def _fit(pcm: bytes, seconds: float) -> bytes:
    wanted = int(seconds * SOURCE_RATE) * 2
    if not pcm:
        return bytes(wanted)
    repeats = -(-wanted // len(pcm))
    return (pcm * repeats)[:wanted]


def _add_audio_stream(
    container: OutputContainer, spec: MediaFormat, rate: int, layout: str
) -> AudioStream:
    stream = container.add_stream(spec.audio_codec, rate=rate)
    if not isinstance(stream, AudioStream):
        raise TypeError(f"{spec.audio_codec} is not an audio codec")
    stream.layout = layout
    if spec.audio_codec == "libopencore_amrnb":
        stream.bit_rate = 12200
    if spec.codec_options:
        stream.codec_context.options = dict(spec.codec_options)
    return stream


def _add_video_stream(container: OutputContainer, spec: MediaFormat) -> VideoStream:
    assert spec.video_codec is not None
    stream = container.add_stream(spec.video_codec, rate=VIDEO_FPS)
    if not isinstance(stream, VideoStream):
        raise TypeError(f"{spec.video_codec} is not a video codec")
    stream.width, stream.height = VIDEO_SIZE
    stream.pix_fmt = "yuv420p"
    return stream


def _encode_audio(stream: AudioStream, pcm: bytes) -> list[av.Packet]:
    context = stream.codec_context
    context.open()
    frame_size = context.frame_size or 1024
    resampler = av.AudioResampler(
        format=context.format.name,
        layout=context.layout.name,
        rate=context.sample_rate,
        frame_size=frame_size,
    )
    channels = len(context.layout.channels)
    layout_name = context.layout.name
    # Every channel carries the same sound, so a downmix to mono gives the source back at
    # full level (FFmpeg's own mono upmix would lower it by 3 dB).
    samples = np.repeat(np.frombuffer(pcm, dtype="<i2"), channels)
    packets: list[av.Packet] = []
    written = 0
    step = SOURCE_RATE * channels  # feed one second at a time
    pieces = [samples[i : i + step] for i in range(0, len(samples), step)] or [samples]
    for index, piece in enumerate(pieces):
        frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="s16", layout=layout_name)
        frame.sample_rate = SOURCE_RATE
        frame.time_base = Fraction(1, SOURCE_RATE)
        frame.pts = index * SOURCE_RATE
        for out in resampler.resample(frame):
            out.pts = written
            out.time_base = Fraction(1, context.sample_rate)
            written += out.samples
            packets.extend(stream.encode(out))
    for out in resampler.resample(None):
        out.pts = written
        out.time_base = Fraction(1, context.sample_rate)
        written += out.samples
        packets.extend(stream.encode(out))
    packets.extend(stream.encode(None))
    return packets


def _encode_video(stream: VideoStream, seconds: float) -> list[av.Packet]:
    width, height = VIDEO_SIZE
    packets: list[av.Packet] = []
    count = max(1, math.ceil(seconds * VIDEO_FPS))
    for index in range(count):
        shade = 40 + (index * 9) % 180
        picture = np.full((height, width, 3), shade, dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
        frame.pts = index
        frame.time_base = Fraction(1, VIDEO_FPS)
        packets.extend(stream.encode(frame))
    packets.extend(stream.encode(None))
    return packets


def _mux_time(packet: av.Packet) -> float:
    stamp = packet.dts if packet.dts is not None else packet.pts
    return float((stamp or 0) * packet.time_base)


def missing_encoder(fmt: str) -> str | None:
    """The name of a codec ``fmt`` needs that this PyAV's FFmpeg cannot encode, or None."""
    spec = FORMATS[fmt]
    for codec in (spec.audio_codec, spec.video_codec):
        if codec is None:
            continue
        try:
            av.codec.Codec(codec, "w")
        except ValueError:  # UnknownCodecError
            return codec
    return None
