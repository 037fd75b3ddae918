"""Decode any audio or video file with PyAV into 16 kHz mono s16le PCM chunks, and probe length.

:func:`probe` reads only a file's header (and, for raw streams whose header holds no length, a
bounded scan of packet timestamps). :func:`decode_pcm` streams the first audio track as chunks of
:data:`~desktop_app.audio.SAMPLE_RATE` mono 16-bit PCM; it never holds the whole file.

The PCM follows the file's timeline: time 0 is the start of the media, gaps in the audio
timestamps (a damaged region, a recorder that paused) become silence, so positions in the PCM
match positions in the file and in its video. ``start``/``end`` cut a window out of that timeline
with a seek, which is how long files are split into pieces.

Every failure is an :class:`~desktop_app.core.errors.AudioError` naming the file, also when it
happens half-way through iteration. Damage is handled the way media players do: packets that
cannot be decoded are skipped (and logged); a file cut short yields the audio it still holds;
a file whose header is broken, or that holds data but no decodable sound, is a
:class:`~desktop_app.core.errors.TruncatedAudioError`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.audio import SAMPLE_RATE, SAMPLE_WIDTH
from desktop_app.audio.media_file import (
    ESTIMATED_DURATION_FORMATS,
    audio_stream,
    checked_path,
    damaged_error,
    header_duration,
    open_container,
    scanned_duration,
    unreadable_error,
)
from desktop_app.core.errors import (
    AudioError,
    EmptyAudioError,
    TruncatedAudioError,
)

if TYPE_CHECKING:  # PyAV and NumPy load when a file is first read, not with the window
    from av.audio.frame import AudioFrame
    from av.audio.resampler import AudioResampler
    from av.audio.stream import AudioStream
    from av.container import InputContainer

log = logging.getLogger(__name__)

RESAMPLE_FRAME = 4096
"""Samples per resampler output frame: fewer, larger frames mean less per-frame Python work."""
SEEK_PREROLL = 0.5
"""Seconds decoded (and dropped) before ``start``: codecs such as MP3, AAC and Opus need a few
frames of history before their output is right."""
RESAMPLER_LEAD = 0.02
"""Seconds resampled (and dropped) before ``start`` so the resampler's filter has history."""
GAP_TOLERANCE = 0.015
"""Timestamp jumps up to this many seconds are rounding jitter; larger ones are filled."""
MAX_GAP_FILL = 60.0
"""Longer timestamp jumps are taken as broken timestamps, not as silence, and ignored."""
EMPTY_FILE_BYTES = 4096
"""An audio file without a single packet but larger than this is damaged, not empty."""
# Containers that store real timestamps. Raw streams (MP3, ADTS, AMR, WAV, ...) only have ones the
# demuxer derives from frame sizes, which can be wrong (a stream that changes sample rate) and can
# never show a real gap, so their audio is taken as contiguous.
_TIMESTAMPED_FORMATS = frozenset(
    {"mov", "mp4", "matroska", "webm", "ogg", "mpegts", "flv", "avi", "asf", "nut", "mpeg", "mxf"}
)


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What a quick look at a file tells; ``duration`` in seconds or None when unknown.

    ``sample_rate``/``channels`` describe the file's own audio track (before conversion);
    ``has_video`` is true when there is a picture stream that is not just cover art.
    """

    path: Path
    duration: float | None
    container: str
    codec: str
    sample_rate: int
    channels: int
    has_video: bool = False


def probe(path: Path | str) -> MediaInfo:
    """Describe a file's first audio track from its header.

    Raises an :class:`~desktop_app.core.errors.AudioError` subclass when the file is missing,
    unreadable, empty, not media, damaged, or has no audio track.
    """
    from av.stream import Disposition

    path = checked_path(path)
    with open_container(path) as container:
        stream = audio_stream(container, path)
        context = stream.codec_context
        duration = header_duration(container, stream)
        if duration is None or container.format.name in ESTIMATED_DURATION_FORMATS:
            duration = scanned_duration(container, stream) or duration
        has_video = any(
            not (video.disposition & Disposition.attached_pic) for video in container.streams.video
        )
        return MediaInfo(
            path=path,
            duration=duration,
            container=container.format.name,
            codec=context.codec.canonical_name,
            sample_rate=context.sample_rate or 0,
            channels=context.channels or 0,
            has_video=has_video,
        )


def decode_pcm(
    path: Path | str,
    *,
    chunk_seconds: float = 0.5,
    start: float | None = None,
    end: float | None = None,
) -> Iterator[bytes]:
    """Yield the file's audio as 16 kHz mono s16le chunks of ``chunk_seconds`` (the last one may
    be shorter).

    ``start``/``end`` (seconds on the file's timeline) limit the output to that window; a window
    beyond the end of the audio yields nothing. The file is checked and opened before this
    returns, so a missing or broken file raises here; later failures raise from the iterator.
    """
    if chunk_seconds <= 0:
        raise ValueError("chunk_seconds must be positive")
    if start is not None and start < 0:
        raise ValueError("start must not be negative")
    if end is not None and end <= (start or 0.0):
        raise ValueError("end must be after start")
    chunk_bytes = max(SAMPLE_WIDTH, round(chunk_seconds * SAMPLE_RATE) * SAMPLE_WIDTH)
    checked = checked_path(path)
    container = open_container(checked)
    try:
        stream = audio_stream(container, checked)
    except BaseException:
        container.close()
        raise
    return _generate(_Job(checked, container, stream, chunk_bytes, start or 0.0, end))


# --- opening and checking -------------------------------------------------------------------


@dataclass
class _Job:
    """One decode run: the open file and what the caller asked for (runs on the caller's
    thread, which should not be the GUI thread)."""

    path: Path
    container: InputContainer
    stream: AudioStream
    chunk_bytes: int
    start: float
    end: float | None
    origin: float = 0.0
    packets: int = 0
    packet_bytes: int = 0
    bad_packets: int = 0
    time_base: float = 0.0
    timestamped: bool = False
    position: float = field(default=0.0)
    """Seconds on the timeline reached by the audio fed to the resampler so far."""

    def __post_init__(self) -> None:
        self.time_base = float(self.stream.time_base or 0)
        self.timestamped = not _TIMESTAMPED_FORMATS.isdisjoint(
            self.container.format.name.split(",")
        )
        if self.container.start_time is not None:
            self.origin = self.container.start_time / 1_000_000
        elif self.stream.start_time is not None and self.stream.time_base is not None:
            self.origin = float(self.stream.start_time * self.stream.time_base)


class _Window:
    """Cuts the resampled PCM to the requested window and into chunks (caller's thread)."""

    def __init__(self, chunk_bytes: int, start: float, end: float | None) -> None:
        self.chunk_bytes = chunk_bytes
        self.drop = 0  # bytes before ``start`` still to discard
        self.budget = -1 if end is None else round((end - start) * SAMPLE_RATE) * SAMPLE_WIDTH
        self.emitted = 0
        self.pending = bytearray()

    @property
    def full(self) -> bool:
        return self.emitted == self.budget

    def add(self, frames: list[AudioFrame]) -> None:
        for out in frames:
            data = memoryview(out.planes[0])[: out.samples * SAMPLE_WIDTH]
            if self.drop:
                skipped = min(self.drop, len(data))
                data = data[skipped:]
                self.drop -= skipped
            if self.budget >= 0 and self.emitted + len(data) >= self.budget:
                data = data[: self.budget - self.emitted]
                self.pending += data
                self.emitted = self.budget
                return
            self.pending += data
            self.emitted += len(data)

    def chunks(self, *, final: bool = False) -> Iterator[bytes]:
        size = self.chunk_bytes
        pending = self.pending
        while len(pending) >= size or (final and pending):
            yield bytes(pending[:size])
            del pending[:size]


def _generate(job: _Job) -> Iterator[bytes]:
    """The decode loop: frames → timeline (gaps become silence) → resampling → window → chunks."""
    import av.error
    from av.audio.resampler import AudioResampler

    window = _Window(job.chunk_bytes, job.start, job.end)
    resampler: AudioResampler | None = None
    shape: tuple[str, str, int] | None = None
    first = True
    try:
        for decoded in _frames(job):
            frame = decoded
            when = None if frame.pts is None else frame.pts * job.time_base - job.origin
            silence = 0.0
            if first:
                trimmed, when = _first_frame(frame, 0.0 if when is None else when, job.start)
                if trimmed is None:
                    continue  # wholly before the window
                frame = trimmed
                first = False
                job.position = when
                lead = when - job.start
                if lead < 0:
                    window.drop = round(-lead * SAMPLE_RATE) * SAMPLE_WIDTH
                elif GAP_TOLERANCE < lead <= MAX_GAP_FILL and job.timestamped:
                    silence = lead  # the audio starts later than the media (after the video)
                    job.position = job.start
            elif when is not None and job.timestamped:
                gap = when - job.position
                if GAP_TOLERANCE < gap <= MAX_GAP_FILL:
                    silence = gap
                elif abs(gap) > MAX_GAP_FILL:
                    log.warning("%s: ignored a %.1f s timestamp jump", job.path.name, gap)
                    job.position = when
            frame_shape = (frame.format.name, frame.layout.name, frame.sample_rate)
            if frame_shape != shape:
                if resampler is not None:  # the stream changed format: drain, then start anew
                    window.add(resampler.resample(None))
                resampler = AudioResampler(
                    format="s16", layout="mono", rate=SAMPLE_RATE, frame_size=RESAMPLE_FRAME
                )
                shape = frame_shape
            assert resampler is not None
            if silence:
                window.add(resampler.resample(_silent_frame(frame, silence)))
                job.position += silence
            frame.pts = None  # our own timeline, not the stream's, decides placement
            window.add(resampler.resample(frame))
            job.position += frame.samples / frame.sample_rate
            yield from window.chunks()
            if window.full:
                break
        else:
            if resampler is not None:
                window.add(resampler.resample(None))
        if window.emitted == 0 and job.start == 0:
            raise _no_sound(job)
        if job.bad_packets:
            log.warning(
                "%s: skipped %d of %d audio packets that could not be decoded",
                job.path.name,
                job.bad_packets,
                job.packets,
            )
        yield from window.chunks(final=True)
    except AudioError:
        raise
    except OSError as exc:  # PyAV's I/O errors are OSError subclasses too
        raise unreadable_error(job.path, exc) from exc
    except (av.error.FFmpegError, ValueError, EOFError) as exc:
        raise damaged_error(job.path, exc, at=job.position) from exc
    finally:
        job.container.close()


def _frames(job: _Job) -> Iterator[AudioFrame]:
    """Decoded frames from a little before ``job.start`` (or the beginning) to the end."""
    import av.error

    if job.start <= SEEK_PREROLL or job.stream.time_base is None:
        yield from _decoded(job)
        return
    for back in (SEEK_PREROLL, 5.0, 30.0):
        target = job.start - back
        if target <= 0:
            break
        try:
            job.container.seek(
                round((job.origin + target) / job.stream.time_base), stream=job.stream
            )
        except av.error.FFmpegError:
            break
        frames = _decoded(job)
        head = next(frames, None)
        if head is None:
            return  # the window lies beyond the end of the audio
        when = None if head.pts is None else head.pts * job.time_base - job.origin
        if when is not None and when <= job.start + GAP_TOLERANCE:
            yield head
            yield from frames
            return
        # The demuxer landed after the window (an inexact index): try further back.
    try:
        job.container.seek(0)
    except av.error.FFmpegError:
        log.warning("%s: cannot seek, decoding from the current position", job.path.name)
    yield from _decoded(job)


def _decoded(job: _Job) -> Iterator[AudioFrame]:
    """Demux and decode the audio stream, skipping packets the decoder rejects."""
    import av.error

    demuxed = job.container.demux(job.stream)
    while True:
        try:
            packet = next(demuxed)
        except StopIteration:
            return
        job.packets += 1
        job.packet_bytes += packet.size
        try:
            frames = job.stream.decode(packet)
        except av.error.FFmpegError:
            job.bad_packets += 1
            continue
        yield from frames


def _first_frame(frame: AudioFrame, when: float, start: float) -> tuple[AudioFrame | None, float]:
    """Where the window begins: None for a frame that ends before it, else the frame with the
    samples before the window cut off, and the time of its first remaining sample.

    The cut is made a little before ``start`` at a point where input and output sample grids
    meet (every 10 ms at 44.1 kHz), so a window holds the samples a decode of the whole file
    has there, not ones shifted by a fraction of a sample.
    """
    rate = frame.sample_rate
    step = rate // math.gcd(rate, SAMPLE_RATE)
    first_index = round(when * rate)
    cut_index = max(0, math.floor((start - RESAMPLER_LEAD) * rate)) // step * step
    if first_index + frame.samples <= cut_index:
        return None, when
    if cut_index <= first_index:
        return frame, when
    return _without_head(frame, cut_index - first_index), cut_index / rate


def _without_head(frame: AudioFrame, samples: int) -> AudioFrame:
    """A copy of ``frame`` minus its first ``samples`` samples."""
    import numpy as np
    from av.audio.frame import AudioFrame

    skip = samples if frame.format.is_planar else samples * len(frame.layout.channels)
    rest: Any = np.ascontiguousarray(frame.to_ndarray()[:, skip:])
    trimmed = AudioFrame.from_ndarray(rest, format=frame.format.name, layout=frame.layout.name)
    trimmed.sample_rate = frame.sample_rate
    return trimmed


def _silent_frame(like: AudioFrame, seconds: float) -> AudioFrame:
    """Silence in the same sample format, layout and rate as ``like``."""
    from av.audio.frame import AudioFrame

    samples = max(1, round(seconds * like.sample_rate))
    frame = AudioFrame(format=like.format.name, layout=like.layout.name, samples=samples)
    frame.sample_rate = like.sample_rate
    zero = b"\x80" if like.format.name in ("u8", "u8p") else b"\x00"
    for plane in frame.planes:
        plane.update(zero * plane.buffer_size)
    return frame


def _no_sound(job: _Job) -> AudioError:
    name = job.path.name
    try:
        size = job.path.stat().st_size
    except OSError:
        size = 0
    # Packets that came to nothing, or a large audio-only file with no packets at all (a
    # damaged header hides them), mean damage; a header-only file is just empty.
    audio_only = not job.container.streams.video
    if job.bad_packets or job.packet_bytes or (audio_only and size > EMPTY_FILE_BYTES):
        return TruncatedAudioError(
            f"'{name}' holds data but no sound could be decoded from it",
            message_ko=f"'{name}' 파일에 데이터는 있지만 소리를 디코딩할 수 없습니다",
        )
    return EmptyAudioError(f"'{name}' contains no sound", message_ko=f"'{name}'에 소리가 없습니다")
