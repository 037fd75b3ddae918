"""A WAV writer that survives crashes, and the repair for WAV files whose writer was killed.

A WAV file states the length of its audio in two header fields (the RIFF and data chunk
sizes). :class:`WavWriter` writes samples as they come and, at least once per ``sync_interval``,
rewrites those fields, flushes and fsyncs, so the file on disk is a valid WAV that is at most
that old: a crash, ``kill -9`` or power loss costs at most the last second. A killed writer's
samples past its last header update are still in the file (they were written, only not yet
counted); :func:`repair_wav` counts them by setting the sizes from the file's length.

When the disk fills up (or writing fails in any other way) the writer keeps what it has written:
it trims a half-written sample, makes the header match, and raises
:class:`RecordingWriteError`, which names the file and how many seconds it holds.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop_app.audio import SAMPLE_RATE, SAMPLE_WIDTH
from desktop_app.core.errors import EmptyAudioError, SoriError, TruncatedAudioError

log = logging.getLogger(__name__)

HEADER_SIZE = 44
"""Bytes before the samples in the files :class:`WavWriter` makes (RIFF, fmt and data headers)."""
MAX_DATA_BYTES = 0xFFFFFFFF - HEADER_SIZE
"""The most sample bytes a WAV header can count (about 37 hours of 16 kHz mono 16-bit audio)."""
_PCM = 1
_EXTENSIBLE = 0xFFFE
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class RecordingWriteError(SoriError):
    """The recording could not be written further (disk full, disk removed, size limit).

    What was written before is kept: ``path`` is a playable file of ``seconds`` seconds.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | None,
        seconds: float,
        fix: str,
        message_ko: str,
        fix_ko: str,
    ) -> None:
        super().__init__(message, fix=fix, message_ko=message_ko, fix_ko=fix_ko)
        self.path = path
        self.seconds = seconds


def wav_header(data_bytes: int, sample_rate: int, channels: int, sample_width: int) -> bytes:
    """The 44-byte header of a PCM WAV file holding ``data_bytes`` bytes of samples."""
    block_align = channels * sample_width
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        _PCM,
        channels,
        sample_rate,
        sample_rate * block_align,
        block_align,
        sample_width * 8,
        b"data",
        data_bytes,
    )


class WavWriter:
    """Writes PCM samples to a WAV file, keeping its header current (see the module docstring).

    Not thread-safe: one thread writes (in Sori, the recorder's disk thread). ``file`` is any
    binary file object that can write, seek and flush; when it has a ``fileno`` it is fsynced.
    Unbuffered files (``buffering=0``) are best: every sample reaches the operating system the
    moment it is written, so a killed process loses nothing that :func:`repair_wav` cannot
    recover. The writer takes ownership of ``file`` and closes it.
    """

    def __init__(
        self,
        file: BinaryIO,
        *,
        path: Path | None = None,
        sample_rate: int = SAMPLE_RATE,
        channels: int = 1,
        sample_width: int = SAMPLE_WIDTH,
        sync_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.sample_rate = sample_rate
        self.channels = channels
        self.sample_width = sample_width
        self.block_align = channels * sample_width
        self.sync_interval = sync_interval
        self._file = file
        self._clock = clock
        self._data_bytes = 0
        self._synced_bytes = -1
        self._closed = False
        self._failed = False
        self._last_sync = clock()
        try:
            self._sync_header()
        except OSError as exc:
            self._give_up(exc)
            raise self._error(exc) from exc

    @classmethod
    def create(
        cls, path: Path | str, *, overwrite: bool = False, sync_interval: float = 1.0
    ) -> WavWriter:
        """Create a 16 kHz mono 16-bit WAV file at ``path`` (refusing to replace an existing file
        unless ``overwrite``) and return its writer."""
        path = Path(path)
        try:
            file = open(path, "wb" if overwrite else "xb", buffering=0)  # noqa: SIM115
        except OSError as exc:
            raise open_error(path, exc) from exc
        return cls(file, path=path, sync_interval=sync_interval)

    @property
    def data_bytes(self) -> int:
        """Bytes of samples written so far."""
        return self._data_bytes

    @property
    def seconds(self) -> float:
        """Length of the audio written so far."""
        return self._data_bytes / (self.sample_rate * self.block_align)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def clean(self) -> bool:
        """True when the header on disk counts every sample written (after a sync, a close, or a
        failure whose clean-up succeeded); False means the file needs :func:`repair_wav`."""
        return self._synced_bytes == self._data_bytes

    def write(self, pcm: bytes) -> None:
        """Append samples (whole frames); update the header if ``sync_interval`` has passed.

        Raises :class:`RecordingWriteError` when the samples cannot be written; the file then
        holds everything written before and a header that says so, and the writer is closed.
        """
        if self._closed or self._failed:
            raise ValueError("the WAV writer is closed")
        if len(pcm) % self.block_align:
            raise ValueError(f"PCM length {len(pcm)} is not a whole number of sample frames")
        room = MAX_DATA_BYTES - MAX_DATA_BYTES % self.block_align - self._data_bytes
        if len(pcm) > room:
            self._write_or_fail(memoryview(pcm)[:room])
            self._give_up(None)
            raise self._size_limit_error()
        self._write_or_fail(memoryview(pcm))
        if self._clock() - self._last_sync >= self.sync_interval:
            self.sync()

    def sync_if_due(self) -> None:
        """Update the header when samples arrived since the last update and it is time."""
        if (
            not self._closed
            and not self._failed
            and self._synced_bytes != self._data_bytes
            and self._clock() - self._last_sync >= self.sync_interval
        ):
            self.sync()

    def sync(self) -> None:
        """Write the current sizes into the header, flush and fsync."""
        if self._closed or self._failed:
            return
        try:
            self._sync_header()
        except OSError as exc:
            self._give_up(exc)
            raise self._error(exc) from exc

    def close(self) -> None:
        """Write the final header and close the file. Safe to call again."""
        if self._closed:
            return
        try:
            if not self._failed:
                self._sync_header()
        except OSError as exc:
            self._give_up(exc)
            raise self._error(exc) from exc
        finally:
            self._closed = True
            with contextlib.suppress(OSError):
                self._file.close()

    # --- internals ---------------------------------------------------------------------------

    def _header(self) -> bytes:
        return wav_header(self._data_bytes, self.sample_rate, self.channels, self.sample_width)

    def _write_all(self, data: bytes | memoryview) -> int:
        """Write everything or raise; returns bytes written. A short write is retried, a write
        that makes no progress is a full disk."""
        view = memoryview(data)
        done = 0
        while done < len(view):
            written = self._file.write(view[done:])
            if not written:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            done += written
        return done

    def _write_or_fail(self, view: memoryview) -> None:
        done = 0
        try:
            while done < len(view):
                written = self._file.write(view[done:])
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                done += written
                self._data_bytes += written
        except OSError as exc:
            self._give_up(exc)
            raise self._error(exc) from exc

    def _sync_header(self) -> None:
        self._file.seek(0)
        self._write_all(self._header())
        self._file.seek(HEADER_SIZE + self._data_bytes)
        self._file.flush()
        fileno = getattr(self._file, "fileno", None)
        if fileno is not None:
            try:
                descriptor = fileno()
            except (OSError, ValueError):  # io.BytesIO and friends have no descriptor
                descriptor = None
            if descriptor is not None:
                os.fsync(descriptor)
        self._synced_bytes = self._data_bytes
        self._last_sync = self._clock()

    def _give_up(self, exc: OSError | None) -> None:
        """Leave a consistent file after a failed write: whole frames only, a matching header,
        then close. Best effort: the disk may refuse even this."""
        if self._failed:
            return
        self._failed = True
        if exc is not None:
            log.warning("Recording to %s stopped: %s", self.path or "a file", exc)
        partial = self._data_bytes % self.block_align
        self._data_bytes -= partial
        with contextlib.suppress(OSError, ValueError):
            if partial:
                self._file.truncate(HEADER_SIZE + self._data_bytes)
        with contextlib.suppress(OSError, ValueError):
            self._sync_header()
        self._closed = True
        with contextlib.suppress(OSError):
            self._file.close()

    def _error(self, exc: OSError) -> RecordingWriteError:
        where = str(self.path) if self.path else "the recording"
        seconds = self.seconds
        if exc.errno in _DISK_FULL:
            cause, cause_ko = "The disk is full", "디스크가 가득 찼습니다"
            fix = "Free some disk space, then start a new recording."
            fix_ko = "디스크 공간을 확보한 뒤 새로 녹음하세요."
        else:
            reason = exc.strerror or type(exc).__name__
            cause = f"Could not write the recording ({reason})"
            cause_ko = f"녹음 파일을 쓰지 못했습니다({reason})"
            fix = "Check that the disk is connected and writable, then start a new recording."
            fix_ko = "디스크가 연결되어 있고 쓰기 가능한지 확인한 뒤 새로 녹음하세요."
        return RecordingWriteError(
            f"{cause}: recording stopped after {seconds:.1f} s; what was recorded is kept in "
            f"{where}",
            path=self.path,
            seconds=seconds,
            fix=fix,
            message_ko=f"{cause_ko}: {seconds:.1f}초 후 녹음이 멈췄습니다. "
            f"녹음된 부분은 {where}에 보존됩니다",
            fix_ko=fix_ko,
        )

    def _size_limit_error(self) -> RecordingWriteError:
        where = str(self.path) if self.path else "the recording"
        hours = self.seconds / 3600
        return RecordingWriteError(
            f"The recording reached the largest size a WAV file can hold ({hours:.0f} hours) "
            f"and stopped; it is kept in {where}",
            path=self.path,
            seconds=self.seconds,
            fix="Start a new recording to continue.",
            message_ko=f"녹음이 WAV 파일의 최대 크기({hours:.0f}시간)에 도달해 멈췄습니다. "
            f"{where}에 보존됩니다",
            fix_ko="계속하려면 새로 녹음을 시작하세요.",
        )


def open_error(path: Path, exc: OSError) -> RecordingWriteError:
    """The error for a recording file that cannot be created."""
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, FileExistsError):
        fix, fix_ko = "Choose another name.", "다른 이름을 고르세요."
    elif exc.errno in _DISK_FULL:
        fix, fix_ko = (
            "Free some disk space and try again.",
            "디스크 공간을 확보한 뒤 다시 시도하세요.",
        )
    else:
        fix = "Choose a folder you can write to and try again."
        fix_ko = "쓰기 권한이 있는 폴더를 고른 뒤 다시 시도하세요."
    return RecordingWriteError(
        f"Cannot create the recording {path}: {reason}",
        path=None,
        seconds=0.0,
        fix=fix,
        message_ko=f"녹음 파일 {path}을(를) 만들 수 없습니다: {reason}",
        fix_ko=fix_ko,
    )


# --- repair ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepairResult:
    """What :func:`repair_wav` found: the audio's length and whether the file was changed."""

    path: Path
    seconds: float
    repaired: bool


@dataclass(frozen=True, slots=True)
class _Layout:
    data_offset: int
    declared_data: int
    declared_riff: int
    byte_rate: int
    block_align: int


def repair_wav(path: Path | str) -> RepairResult:
    """Make the header of a WAV file whose writer was killed count all the samples in it.

    The data chunk is taken to run to the end of the file (true of files a recorder was
    writing); a trailing half sample is cut off. A file that is already right is left alone.
    Raises :class:`~desktop_app.core.errors.EmptyAudioError` for a file with no samples and
    :class:`~desktop_app.core.errors.TruncatedAudioError` for one that is not a PCM WAV file.
    """
    path = Path(path)
    with open(path, "r+b") as file:
        size = os.fstat(file.fileno()).st_size
        if size < 12:
            raise EmptyAudioError(
                f"'{path.name}' holds no audio (the recording ended before it began)",
                message_ko=f"'{path.name}'에 오디오가 없습니다(녹음이 시작되기 전에 끝났습니다)",
            )
        layout = _read_layout(file, path, size)
        data_bytes = size - layout.data_offset
        data_bytes -= data_bytes % layout.block_align
        data_bytes = min(data_bytes, 0xFFFFFFFF - layout.data_offset)
        riff_bytes = layout.data_offset + data_bytes - 8
        seconds = data_bytes / layout.byte_rate if layout.byte_rate else 0.0
        changed = False
        if layout.data_offset + data_bytes != size:
            file.truncate(layout.data_offset + data_bytes)
            changed = True
        if layout.declared_riff != riff_bytes:
            file.seek(4)
            file.write(struct.pack("<I", riff_bytes))
            changed = True
        if layout.declared_data != data_bytes:
            file.seek(layout.data_offset - 4)
            file.write(struct.pack("<I", data_bytes))
            changed = True
        if changed:
            file.flush()
            os.fsync(file.fileno())
            log.info("Repaired %s: %.1f s of audio", path, seconds)
    if data_bytes == 0:
        raise EmptyAudioError(
            f"'{path.name}' holds no audio (the recording ended before it began)",
            message_ko=f"'{path.name}'에 오디오가 없습니다(녹음이 시작되기 전에 끝났습니다)",
        )
    return RepairResult(path, seconds, changed)


def _read_layout(file: BinaryIO, path: Path, size: int) -> _Layout:
    """Walk the RIFF chunks up to the data chunk."""
    file.seek(0)
    riff, declared_riff, wave = struct.unpack("<4sI4s", file.read(12))
    if riff != b"RIFF" or wave != b"WAVE":
        raise _not_wav(path)
    position = 12
    byte_rate = 0
    block_align = 0
    while position + 8 <= size:
        file.seek(position)
        chunk_id, chunk_size = struct.unpack("<4sI", file.read(8))
        body = position + 8
        if chunk_id == b"data":
            if not block_align:
                raise _not_wav(path)
            return _Layout(body, chunk_size, declared_riff, byte_rate, block_align)
        if chunk_id == b"fmt ":
            if chunk_size < 16 or body + 16 > size:
                raise _not_wav(path)
            fmt_tag, _channels, _rate, byte_rate, block_align, bits = struct.unpack(
                "<HHIIHH", file.read(16)
            )
            if fmt_tag not in (_PCM, _EXTENSIBLE) or not block_align or not bits:
                raise _not_wav(path)
        position = body + chunk_size + (chunk_size & 1)
    raise _not_wav(path)


def _not_wav(path: Path) -> TruncatedAudioError:
    return TruncatedAudioError(
        f"'{path.name}' is not a PCM WAV recording that can be repaired",
        message_ko=f"'{path.name}'은(는) 복구할 수 있는 PCM WAV 녹음 파일이 아닙니다",
    )
