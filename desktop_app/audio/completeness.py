"""Whether a media file holds all the audio its header promises (a download cut short, a copy
that stopped half-way, a damaged tail).

:func:`audio_ends_early` reads packet timestamps only (no decoding), up to a bounded amount, and
compares where the audio really stops with the length in the header. Formats whose header holds
no real length (raw AAC, AMR: FFmpeg estimates it from the bit rate) cannot tell and answer None.
Runs on the caller's thread, which should not be the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.audio.media_file import (
    ESTIMATED_DURATION_FORMATS,
    SCAN_MAX_BYTES,
    audio_stream,
    checked_path,
    header_duration,
    open_container,
)
from desktop_app.core.errors import AudioError

MIN_MISSING_SECONDS = 1.0
MIN_MISSING_FRACTION = 0.02


def audio_ends_early(path: Path | str) -> float | None:
    """Seconds at which the audio stops when that is clearly before the header's length (by
    more than a second and 2 %); None when the file is whole or it cannot be told."""
    import av.error

    try:
        checked = checked_path(path)
        container = open_container(checked)
    except AudioError:
        return None
    with container:
        try:
            stream = audio_stream(container, checked)
        except AudioError:
            return None
        promised = header_duration(container, stream)
        if (
            promised is None
            or stream.time_base is None
            or container.format.name in ESTIMATED_DURATION_FORMATS
        ):
            return None
        time_base = float(stream.time_base)
        first: int | None = None
        last = 0
        read = 0
        try:
            for packet in container.demux(stream):
                if packet.pts is not None:
                    first = packet.pts if first is None else min(first, packet.pts)
                    last = max(last, packet.pts + (packet.duration or 0))
                read += packet.size
                if read > SCAN_MAX_BYTES:
                    return None
        except (av.error.FFmpegError, OSError, ValueError):
            pass  # a damaged tail: the audio ends at the last packet that could be read
    if first is None:
        return None
    actual = (last - first) * time_base
    missing = promised - actual
    if missing > max(MIN_MISSING_SECONDS, MIN_MISSING_FRACTION * promised):
        return max(0.0, actual)
    return None
