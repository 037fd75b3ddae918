"""Open a media file for decoding and tell what is wrong with it when it cannot be used.

Shared by :mod:`desktop_app.audio.decode` (probing and decoding) and
:mod:`desktop_app.audio.completeness` (is the file cut short?): the checks that come before
FFmpeg (missing, a folder, unreadable, empty), opening the container with PyAV, choosing the
first audio stream, the length a header promises or a bounded packet scan finds, and the
:class:`~desktop_app.core.errors.AudioError` for each kind of failure, naming the file.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.errors import (
    AudioError,
    AudioFileNotFoundError,
    AudioUnreadableError,
    EmptyAudioError,
    NoAudioTrackError,
    NotMediaError,
    TruncatedAudioError,
)

if TYPE_CHECKING:  # PyAV loads when a file is first read, not with the window
    from av.audio.stream import AudioStream
    from av.container import InputContainer

log = logging.getLogger(__name__)

SCAN_MAX_BYTES = 64 * 1024 * 1024
SCAN_MAX_PACKETS = 400_000

# Raw streams without a length in any header; FFmpeg then guesses from the bit rate.
ESTIMATED_DURATION_FORMATS = frozenset({"aac", "amr", "amrnb", "amrwb"})
# Demuxers FFmpeg picks for things that are not audio or video at all (text shown as ANSI art).
NOT_MEDIA_FORMATS = frozenset({"tty"})


def checked_path(path: Path | str) -> Path:
    """The path, once it is known to be a readable, non-empty regular file."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AudioFileNotFoundError(
            f"File not found: '{path}'", message_ko=f"파일을 찾을 수 없습니다: '{path}'"
        ) from None
    except OSError as exc:
        raise unreadable_error(path, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise AudioUnreadableError(
            f"'{path}' is a folder, not a file",
            message_ko=f"'{path}'은(는) 파일이 아니라 폴더입니다",
            fix="Choose an audio or video file inside the folder.",
            fix_ko="폴더 안의 오디오/동영상 파일을 고르세요.",
        )
    if not stat.S_ISREG(info.st_mode):
        raise AudioUnreadableError(
            f"'{path}' is not a regular file (a pipe, socket or device)",
            message_ko=f"'{path}'은(는) 일반 파일이 아닙니다(파이프, 소켓 또는 장치)",
            fix="Save the audio to a file first and choose that file.",
            fix_ko="오디오를 먼저 파일로 저장한 뒤 그 파일을 고르세요.",
        )
    if not os.access(path, os.R_OK):
        raise unreadable_error(path, PermissionError())
    if info.st_size == 0:
        raise EmptyAudioError(
            f"'{path.name}' is empty (0 bytes)",
            message_ko=f"'{path.name}' 파일이 비어 있습니다(0바이트)",
        )
    return path


def open_container(path: Path) -> InputContainer:
    import av
    import av.error

    # The "file:" prefix stops FFmpeg from reading a name such as "a:b.mp3" as a protocol.
    try:
        container = av.open(f"file:{os.path.abspath(path)}", metadata_errors="replace")
    except OSError as exc:  # includes PyAV's own OSError subclasses (permission, I/O)
        raise unreadable_error(path, exc) from exc
    except (av.error.FFmpegError, ValueError, EOFError) as exc:
        if looks_like_media(path):
            raise damaged_error(path, exc) from exc
        raise not_media_error(path) from exc
    if container.format.name in NOT_MEDIA_FORMATS:
        container.close()
        raise not_media_error(path)
    return container


def audio_stream(container: InputContainer, path: Path) -> AudioStream:
    from av.stream import Disposition

    audio = list(container.streams.audio)
    if not audio:
        if not container.streams.video:
            raise not_media_error(path)
        raise NoAudioTrackError(
            f"'{path.name}' has no audio track",
            message_ko=f"'{path.name}'에는 소리 트랙이 없습니다",
        )
    for stream in audio:
        if stream.disposition & Disposition.default:
            return stream
    return audio[0]


def looks_like_media(path: Path) -> bool:
    """Whether the first bytes carry the signature of a common audio/video format, so a file
    FFmpeg cannot open is damaged media rather than some other kind of file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    if len(head) < 4:
        return False
    signatures: tuple[bytes, ...] = (
        b"RIFF",
        b"RF64",
        b"FORM",
        b"fLaC",
        b"OggS",
        b"ID3",
        b"#!AMR",
        b"caff",
    )
    signatures += (b"\x1a\x45\xdf\xa3", b"0&\xb2u", b".snd", b"FLV", b"wvpk", b"MAC ")
    if head.startswith(signatures):
        return True
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
        return True
    if head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # MPEG audio / ADTS frame sync
        return True
    if head[:2] == b"\x0b\x77":  # AC-3
        return True
    return len(head) > 188 and head[0] == 0x47 and head[188] == 0x47  # MPEG-TS


def ffmpeg_detail(exc: BaseException) -> str:
    """FFmpeg's own last log line (e.g. "moov atom not found") or the error text."""
    logged = getattr(exc, "log", None)
    if isinstance(logged, tuple) and len(logged) == 2 and isinstance(logged[1], tuple):
        message = str(logged[1][-1]).strip()
        if message:
            return message
    return str(getattr(exc, "strerror", None) or exc).strip()


def unreadable_error(path: Path, exc: OSError) -> AudioError:
    if isinstance(exc, FileNotFoundError):
        return AudioFileNotFoundError(
            f"File not found: '{path}'", message_ko=f"파일을 찾을 수 없습니다: '{path}'"
        )
    if isinstance(exc, PermissionError):
        return AudioUnreadableError(
            f"No permission to read '{path}'",
            message_ko=f"'{path}' 파일을 읽을 권한이 없습니다",
        )
    reason = exc.strerror or type(exc).__name__
    return AudioUnreadableError(
        f"Could not read '{path}': {reason}",
        message_ko=f"'{path}' 파일을 읽지 못했습니다: {reason}",
    )


def not_media_error(path: Path) -> NotMediaError:
    return NotMediaError(
        f"'{path.name}' is not an audio or video file",
        message_ko=f"'{path.name}'은(는) 오디오나 동영상 파일이 아닙니다",
    )


def damaged_error(
    path: Path, exc: BaseException, *, at: float | None = None
) -> TruncatedAudioError:
    detail = ffmpeg_detail(exc)
    if at is None:
        return TruncatedAudioError(
            f"'{path.name}' is damaged or incomplete and cannot be read ({detail})",
            message_ko=f"'{path.name}' 파일이 손상되었거나 불완전해서 읽을 수 없습니다({detail})",
        )
    return TruncatedAudioError(
        f"'{path.name}' is damaged after {at:.1f} s ({detail})",
        message_ko=f"'{path.name}' 파일이 {at:.1f}초 이후 손상되었습니다({detail})",
    )


# --- duration -------------------------------------------------------------------------------


def header_duration(container: InputContainer, stream: AudioStream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration and container.format.name not in ESTIMATED_DURATION_FORMATS:
        return container.duration / 1_000_000
    return None


def scanned_duration(container: InputContainer, stream: AudioStream) -> float | None:
    """Length from packet timestamps, reading no more than a bounded amount (no decoding)."""
    import av.error

    if stream.time_base is None:
        return None
    first: int | None = None
    last = 0
    read = 0
    try:
        for count, packet in enumerate(container.demux(stream)):
            if packet.pts is not None:
                first = packet.pts if first is None else min(first, packet.pts)
                last = max(last, packet.pts + (packet.duration or 0))
            read += packet.size
            if read > SCAN_MAX_BYTES or count > SCAN_MAX_PACKETS:
                return None
    except (av.error.FFmpegError, OSError, ValueError):
        return None
    if first is None or last <= first:
        return None
    return float((last - first) * stream.time_base)


# --- decoding -------------------------------------------------------------------------------
