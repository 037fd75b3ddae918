"""Waveform peaks of a media file: min/max pairs at 100 a second, with coarser mip levels, cached.

:func:`load_peaks` returns a file's :class:`Peaks` from the disk cache when the file is unchanged
(same path, size and modification time), or computes them with :func:`compute_peaks` and stores
them. Computing decodes the file through :func:`~desktop_app.audio.decode.decode_pcm`, so peak
positions follow the same timeline as the transcript (gaps in the media are silence there too).

The file is cut into pieces decoded by a few threads at once (PyAV releases the GIL while it
decodes); the pieces nearest the start come first, and ``progress`` is called after each one with
the :class:`Peaks` filled so far, so a view can draw the beginning while the rest is decoded.
Everything here blocks: call it on a worker thread, never on a GUI thread. ``cancel`` (a
:class:`threading.Event`) stops the work between chunks with
:class:`~desktop_app.core.errors.CancelledByUserError`.

A cache entry that cannot be read (truncated, from another version, not ours) is ignored and
rebuilt; a cache folder that cannot be written only costs the next open a recomputation.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np
import numpy.typing as npt
import platformdirs

from desktop_app import APP_ID
from desktop_app.audio import SAMPLE_RATE
from desktop_app.audio.decode import decode_pcm, probe
from desktop_app.core.errors import AudioFileNotFoundError, CancelledByUserError

log = logging.getLogger(__name__)

PEAKS_PER_SECOND = 100
"""Base resolution: one min/max pair per 10 ms (160 samples at 16 kHz)."""
LEVEL_FACTOR = 4
"""Each mip level holds one pair per this many pairs of the level below."""
MIN_LEVEL_PEAKS = 256
"""No level is made coarser than this many pairs."""
PIECE_SECONDS = 120.0
"""Length of the pieces decoded in parallel (a seek each, so not too short)."""
FIRST_PIECE_SECONDS = 30.0
"""The first piece is shorter, so the start of a long file shows sooner."""
CACHE_VERSION = 1

_SAMPLES_PER_PEAK = SAMPLE_RATE // PEAKS_PER_SECOND
_CHUNK_PEAKS = 400  # peaks per decoded chunk: 4 s of audio

Int8Array = npt.NDArray[np.int8]
ProgressCallback = Callable[["Peaks", float], None]


class Peaks:
    """Min/max pairs of a file's audio, scaled to int8 (-128..127), at several resolutions.

    ``levels[0]`` has :data:`PEAKS_PER_SECOND` pairs a second; ``levels[k]`` has
    ``LEVEL_FACTOR ** k`` times fewer. Each level is an ``(n, 2)`` int8 array of (min, max).
    ``complete`` is false while pieces are still being decoded (unfilled pairs are 0); then
    :meth:`ready_mask` tells which times already hold real peaks.
    Thread-safe for one writer (the builder) and any readers.
    """

    def __init__(self, base: Int8Array, *, complete: bool = True) -> None:
        self._lock = threading.Lock()
        self.levels: list[Int8Array] = [base]
        self.complete = complete
        self._ready: list[tuple[float, float]] = []  # seconds decoded so far (while incomplete)
        size = len(base)
        while size > MIN_LEVEL_PEAKS * LEVEL_FACTOR:
            size = math.ceil(size / LEVEL_FACTOR)
            self.levels.append(np.zeros((size, 2), dtype=np.int8))
        self.refresh(0, len(base))

    @property
    def duration(self) -> float:
        return len(self.levels[0]) / PEAKS_PER_SECOND

    def mark_ready(self, start: float, end: float) -> None:
        """Record that ``start..end`` seconds hold decoded peaks (the builder calls this)."""
        with self._lock:
            self._ready.append((start, end))

    def ready_mask(
        self, start: float, seconds_per_column: float, count: int
    ) -> npt.NDArray[np.bool_]:
        """For ``count`` columns from ``start``: whether each already holds decoded peaks (all
        true once the peaks are complete)."""
        if self.complete:
            return np.ones(count, dtype=np.bool_)
        times = start + (np.arange(count) + 0.5) * seconds_per_column
        mask = np.zeros(count, dtype=np.bool_)
        with self._lock:
            ranges = list(self._ready)
        for low, high in ranges:
            mask |= (times >= low) & (times < high)
        return mask

    def refresh(self, first: int, stop: int) -> None:
        """Recompute the coarser levels over base pairs ``first..stop`` (after they changed)."""
        with self._lock:
            for level in range(1, len(self.levels)):
                below, here = self.levels[level - 1], self.levels[level]
                first //= LEVEL_FACTOR
                stop = min(len(here), -(-stop // LEVEL_FACTOR))
                if stop <= first:
                    break
                lo, hi = first * LEVEL_FACTOR, min(len(below), stop * LEVEL_FACTOR)
                part = below[lo:hi]
                pad = (stop - first) * LEVEL_FACTOR - len(part)
                if pad:
                    part = np.concatenate([part, np.zeros((pad, 2), dtype=np.int8)])
                grouped = part.reshape(stop - first, LEVEL_FACTOR, 2)
                here[first:stop, 0] = grouped[:, :, 0].min(axis=1)
                here[first:stop, 1] = grouped[:, :, 1].max(axis=1)

    def columns(
        self, start: float, seconds_per_column: float, count: int
    ) -> tuple[Int8Array, Int8Array]:
        """(mins, maxes) for ``count`` columns of ``seconds_per_column`` from ``start``, from
        the coarsest level that still has at least one pair per column (columns past the end
        are 0)."""
        mins = np.zeros(count, dtype=np.int8)
        maxes = np.zeros(count, dtype=np.int8)
        if count <= 0 or seconds_per_column <= 0:
            return mins, maxes
        level = 0
        per_column = seconds_per_column * PEAKS_PER_SECOND
        while level + 1 < len(self.levels) and per_column >= LEVEL_FACTOR ** (level + 1):
            level += 1
        data = self.levels[level]
        rate = PEAKS_PER_SECOND / LEVEL_FACTOR**level
        edges = np.floor((start + np.arange(count + 1) * seconds_per_column) * rate).astype(
            np.int64
        )
        inside = (edges[:-1] >= 0) & (edges[:-1] < len(data))
        if not inside.any():
            return mins, maxes
        cols = np.flatnonzero(inside)
        starts = edges[cols]
        with self._lock:
            if per_column < 1:  # zoomed in past the base resolution: one pair spans columns
                mins[cols] = data[starts, 0]
                maxes[cols] = data[starts, 1]
            else:  # one pair or more a column, so the edges strictly increase
                cut = data[: int(min(edges[cols[-1] + 1], len(data)))]
                mins[cols] = np.minimum.reduceat(cut[:, 0], starts)
                maxes[cols] = np.maximum.reduceat(cut[:, 1], starts)
        return mins, maxes


# --- computing ------------------------------------------------------------------------------


def _pairs(pcm: bytes) -> Int8Array:
    samples = np.frombuffer(pcm, dtype="<i2")
    whole = len(samples) // _SAMPLES_PER_PEAK * _SAMPLES_PER_PEAK
    pairs = np.empty((-(-len(samples) // _SAMPLES_PER_PEAK), 2), dtype=np.int16)
    if whole:
        grouped = samples[:whole].reshape(-1, _SAMPLES_PER_PEAK)
        pairs[: whole // _SAMPLES_PER_PEAK, 0] = grouped.min(axis=1)
        pairs[: whole // _SAMPLES_PER_PEAK, 1] = grouped.max(axis=1)
    if whole < len(samples):
        pairs[-1] = samples[whole:].min(), samples[whole:].max()
    return (pairs >> 8).astype(np.int8)


class _Builder:
    """One computation: decodes pieces on a small thread pool into a growing base array."""

    def __init__(
        self,
        path: Path,
        duration: float | None,
        progress: ProgressCallback | None,
        cancel: threading.Event,
    ) -> None:
        self.path = path
        self.progress = progress
        self.cancel = cancel
        length = math.ceil((duration or 0) * PEAKS_PER_SECOND)
        self.peaks = Peaks(np.zeros((length, 2), dtype=np.int8), complete=False)
        self.end = 0  # base pairs actually decoded up to (the real length)
        self.done_seconds = 0.0
        self.overflow: list[tuple[int, Int8Array]] = []
        self.lock = threading.Lock()

    def piece(self, start: float, end: float | None) -> None:
        first = round(start * PEAKS_PER_SECOND)
        at = first
        chunks = decode_pcm(
            self.path,
            chunk_seconds=_CHUNK_PEAKS / PEAKS_PER_SECOND,
            start=start or None,
            end=end,
        )
        try:
            for pcm in chunks:
                if self.cancel.is_set():
                    raise CancelledByUserError()
                pairs = _pairs(pcm)
                self._store(at, pairs)
                at += len(pairs)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        self.peaks.refresh(first, at)
        self.peaks.mark_ready(first / PEAKS_PER_SECOND, at / PEAKS_PER_SECOND)
        with self.lock:
            self.end = max(self.end, at)
            self.done_seconds += (at - first) / PEAKS_PER_SECOND
            done = self.done_seconds
        if self.progress is not None:
            self.progress(self.peaks, done)

    def _store(self, at: int, pairs: Int8Array) -> None:
        base = self.peaks.levels[0]
        fits = max(0, min(len(pairs), len(base) - at))
        base[at : at + fits] = pairs[:fits]
        if fits < len(pairs):  # the header underestimated the length: keep the tail for later
            with self.lock:
                self.overflow.append((at + fits, pairs[fits:]))


def compute_peaks(
    path: Path | str,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    workers: int = 2,
) -> Peaks:
    """Decode ``path`` and return its peaks (blocking; call on a worker thread).

    ``progress(peaks, seconds_done)`` is called from the decoding threads after each piece with
    the partly filled :class:`Peaks`. Raises :class:`~desktop_app.core.errors.AudioError` for a
    file that cannot be decoded and :class:`CancelledByUserError` once ``cancel`` is set.
    """
    path = Path(path)
    cancel = cancel or threading.Event()
    duration = probe(path).duration
    builder = _Builder(path, duration, progress, cancel)
    if not duration or duration <= PIECE_SECONDS:
        builder.piece(0.0, None)
    else:
        bounds = [0.0, min(FIRST_PIECE_SECONDS, PIECE_SECONDS)]
        while bounds[-1] + PIECE_SECONDS < duration:
            bounds.append(bounds[-1] + PIECE_SECONDS)
        ends: list[float | None] = [*bounds[1:], None]
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="peaks") as pool:
            futures: list[Future[None]] = [
                pool.submit(builder.piece, s, e) for s, e in zip(bounds, ends, strict=True)
            ]
            finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in finished if f.exception() is not None), None)
            if failed is not None:
                cancel.set()
                for future in futures:
                    future.cancel()
                wait(futures)
                error = failed.exception()
                assert error is not None
                raise error
    base = builder.peaks.levels[0]
    tail = sorted(builder.overflow, key=lambda item: item[0])
    if tail:
        extra = np.concatenate([pairs for _, pairs in tail])
        base = np.concatenate([base[: tail[0][0]], extra])
    else:
        base = base[: builder.end]
    return Peaks(np.ascontiguousarray(base), complete=True)


# --- caching --------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Folder for waveform caches (``SORI_CACHE_DIR`` overrides the platform's cache folder)."""
    override = os.environ.get("SORI_CACHE_DIR")
    base = Path(override) if override else Path(platformdirs.user_cache_dir(APP_ID, False))
    return base / "peaks"


def cache_key(path: Path | str) -> str:
    """A name that changes when the file's path, size or modification time changes."""
    path = Path(path).resolve()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AudioFileNotFoundError(
            f"File not found: {path}",
            message_ko=f"파일을 찾을 수 없습니다: {path}",
        ) from None
    identity = f"{CACHE_VERSION}|{path}|{info.st_size}|{info.st_mtime_ns}"
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def read_cache(path: Path | str, folder: Path | None = None) -> Peaks | None:
    """The cached peaks of ``path`` if a readable entry for its current version exists."""
    key = cache_key(path)
    entry = (folder or cache_dir()) / f"{key}.npz"
    try:
        with np.load(entry, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return None
            base = np.asarray(data["base"])
        if base.dtype != np.int8 or base.ndim != 2 or base.shape[1] != 2:
            raise ValueError(f"unexpected array {base.dtype} {base.shape}")
        return Peaks(np.ascontiguousarray(base))
    except FileNotFoundError:
        return None
    except Exception as exc:  # any damage means "not cached": rebuild rather than fail
        log.info("ignoring unreadable waveform cache %s: %s", entry, exc)
        with contextlib.suppress(OSError):
            entry.unlink()
        return None


def write_cache(path: Path | str, peaks: Peaks, folder: Path | None = None) -> Path | None:
    """Store ``peaks`` for ``path`` (atomically); ``None`` when the folder is not writable."""
    key = cache_key(path)
    folder = folder or cache_dir()
    entry = folder / f"{key}.npz"
    partial = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as stream:
            np.savez(stream, key=np.array(key), base=peaks.levels[0])
        os.replace(partial, entry)
    except OSError as exc:
        log.warning("cannot cache the waveform in %s: %s", folder, exc)
        with contextlib.suppress(OSError):
            partial.unlink()
        return None
    return entry


def load_peaks(
    path: Path | str,
    *,
    folder: Path | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    workers: int = 2,
) -> Peaks:
    """The peaks of ``path``: from the cache, else computed (see :func:`compute_peaks`) and
    cached. Blocking; call on a worker thread."""
    cached = read_cache(path, folder)
    if cached is not None:
        return cached
    peaks = compute_peaks(path, progress=progress, cancel=cancel, workers=workers)
    write_cache(path, peaks, folder)
    return peaks
