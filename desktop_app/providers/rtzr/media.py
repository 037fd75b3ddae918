"""Get a local file into a form the RTZR batch API accepts, without holding it in memory.

RTZR takes MP4, M4A, MP3, AMR, FLAC and WAV of at most 2 GB and 4 hours. :func:`upload_reason`
decides from a file's name, container, codec and size whether it can go as it is; everything
else is decoded and re-encoded as 16 kHz mono FLAC into a temporary file, chunk by chunk on a
worker thread (:func:`convert_to_flac`), and that file is uploaded instead. Files with a picture
stream are converted too: the service only needs the sound, and a FLAC of it is a fraction of
a video's size. Audio longer than 4 hours fails with
:class:`~desktop_app.core.errors.LimitExceededError` before anything is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop_app.audio import SAMPLE_RATE, SAMPLE_WIDTH
from desktop_app.audio.decode import MediaInfo, decode_pcm, probe
from desktop_app.core.errors import EmptyAudioError, LimitExceededError
from desktop_app.core.progress import Progress, ProgressCallback
from desktop_app.providers.threads import WorkerStopped, run_blocking

MAX_BYTES = 2 * 1024**3
MAX_SECONDS = 4 * 3600.0
MP4_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"

# extension: (demuxer name, codecs that may go as they are, Content-Type of the upload)
ACCEPTED: dict[str, tuple[str, frozenset[str], str]] = {
    "wav": ("wav", frozenset(), "audio/wav"),  # any pcm_* codec, see upload_reason
    "flac": ("flac", frozenset({"flac"}), "audio/flac"),
    "mp3": ("mp3", frozenset({"mp3", "mp3float"}), "audio/mpeg"),
    "amr": ("amr", frozenset({"amrnb", "amrwb", "amr_nb", "amr_wb"}), "audio/amr"),
    "m4a": (MP4_FAMILY, frozenset({"aac", "alac", "mp3", "mp3float"}), "audio/mp4"),
    "mp4": (MP4_FAMILY, frozenset({"aac", "alac", "mp3", "mp3float"}), "audio/mp4"),
}


@dataclass(frozen=True, slots=True)
class UploadFile:
    """What to send: ``path`` (the original or a converted temporary file) and how to name it."""

    path: Path
    filename: str
    content_type: str
    duration: float | None
    converted: bool


def upload_reason(info: MediaInfo, size: int, brand: str | None = None) -> str | None:
    """Why the file must be converted before upload, or None when it can go as it is."""
    extension = info.path.suffix.lower().lstrip(".")
    accepted = ACCEPTED.get(extension)
    if info.has_video:
        return "video: only the sound is sent"
    if accepted is None:
        return f".{extension or '?'} files are not accepted by the service"
    container, codecs, _ = accepted
    if info.container != container:
        return f"the file is really {info.container}, not {extension}"
    if extension == "wav" and not info.codec.startswith("pcm_"):
        return f"{info.codec} inside WAV is not accepted"
    if extension != "wav" and info.codec not in codecs:
        return f"{info.codec} audio inside {extension} is not accepted"
    if container == MP4_FAMILY and (brand or "").strip().lower() == "qt":
        return "QuickTime (.mov) files are not accepted"
    if size > MAX_BYTES:
        return "larger than 2 GB"
    return None


def _too_long(name: str, seconds: float) -> LimitExceededError:
    hours = seconds / 3600
    return LimitExceededError(
        f"{name} is {hours:.1f} hours long; RTZR accepts at most 4 hours per file",
        fix="Split the recording into parts shorter than 4 hours, or use the local engine.",
        message_ko=f"{name}의 길이가 {hours:.1f}시간입니다. RTZR은 파일당 최대 4시간까지 받습니다",
        fix_ko="녹음을 4시간보다 짧게 나누거나 로컬 엔진을 쓰세요.",
    )


def _inspect(path: Path) -> tuple[MediaInfo, str | None]:
    info = probe(path)
    brand: str | None = None
    if info.container == MP4_FAMILY:
        import av  # loads on first use, not with the window

        with av.open(str(path)) as container:
            brand = container.metadata.get("major_brand")
    return info, brand


def convert_to_flac(
    source: Path,
    target: Path,
    stop: threading.Event,
    on_seconds: Callable[[float], None] | None = None,
) -> float:
    """Decode ``source`` and write it to ``target`` as 16 kHz mono FLAC; returns seconds written.

    Runs on a worker thread and holds only a couple of seconds of audio at a time; raises
    :class:`WorkerStopped` soon after ``stop`` is set.
    """
    chunks = decode_pcm(source, chunk_seconds=2.0)
    try:
        written = _encode_chunks(chunks, target, stop, on_seconds)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # stops the decoder and releases the file at once, also on errors
    return written / SAMPLE_RATE


def _encode_chunks(
    chunks: Iterator[bytes],
    target: Path,
    stop: threading.Event,
    on_seconds: Callable[[float], None] | None,
) -> int:
    import av
    import av.audio.stream
    import numpy as np

    written = 0
    with av.open(str(target), "w", format="flac") as container:
        stream = container.add_stream("flac", rate=SAMPLE_RATE)
        assert isinstance(stream, av.audio.stream.AudioStream)
        stream.layout = "mono"
        for chunk in chunks:
            if stop.is_set():
                raise WorkerStopped
            samples = np.frombuffer(chunk[: len(chunk) // SAMPLE_WIDTH * SAMPLE_WIDTH], "<i2")
            if samples.size == 0:
                continue
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = written
            for packet in stream.encode(frame):
                container.mux(packet)
            written += samples.size
            if on_seconds is not None:
                on_seconds(written / SAMPLE_RATE)
        for packet in stream.encode(None):
            container.mux(packet)
    return written


@contextlib.asynccontextmanager
async def prepared_upload(path: Path, progress: ProgressCallback) -> AsyncIterator[UploadFile]:
    """The file to upload for ``path``; a converted copy is deleted when the block ends."""
    info, brand = await asyncio.to_thread(_inspect, path)
    if info.duration is not None and info.duration > MAX_SECONDS:
        raise _too_long(path.name, info.duration)
    size = path.stat().st_size
    reason = upload_reason(info, size, brand)
    if reason is None:
        extension = path.suffix.lower().lstrip(".")
        content_type = ACCEPTED[extension][2]
        yield UploadFile(path, f"audio.{extension}", content_type, info.duration, False)
        return
    loop = asyncio.get_running_loop()
    total = info.duration or 0.0

    def report(seconds: float) -> None:
        fraction = min(1.0, seconds / total) if total > 0 else None
        loop.call_soon_threadsafe(progress, Progress("decoding", fraction, "converting to FLAC"))

    progress(Progress("decoding", 0.0 if total > 0 else None, reason))
    descriptor, name = tempfile.mkstemp(prefix="sori-rtzr-", suffix=".flac")
    os.close(descriptor)
    target = Path(name)
    try:
        stop = threading.Event()
        seconds = await run_blocking(
            lambda: convert_to_flac(path, target, stop, report), "rtzr-convert", stop
        )
        if seconds <= 0:
            raise EmptyAudioError(
                f"{path.name} contains no audio samples",
                message_ko=f"{path.name}에 오디오 샘플이 없습니다",
            )
        if seconds > MAX_SECONDS:
            raise _too_long(path.name, seconds)
        if target.stat().st_size > MAX_BYTES:
            raise LimitExceededError(
                f"{path.name} is still larger than 2 GB after conversion to FLAC",
                fix="Split the recording into shorter parts.",
                message_ko=f"{path.name}은(는) FLAC으로 바꾼 뒤에도 2GB를 넘습니다",
                fix_ko="녹음을 더 짧게 나누세요.",
            )
        yield UploadFile(target, "audio.flac", "audio/flac", seconds, True)
    finally:
        target.unlink(missing_ok=True)
