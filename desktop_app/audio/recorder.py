"""Keep a recording safely on disk while its audio flows on to a live engine.

:class:`Recorder` is a tee: ``async for chunk in recorder.record(source)`` passes every chunk of
an :class:`~desktop_app.audio.sources.AudioSource` on unchanged while a disk thread appends it
to a 16 kHz mono WAV file (see :mod:`desktop_app.audio.wavfile`: the header is brought up to date
and the file fsynced at least once a second, so a crash loses at most the last second).
Recordings go to ``<data folder>/recordings/<date>_<time>.wav`` unless a name or path is given.

While a recording is being written, a marker file ``<name>.wav.recording`` sits next to it,
locked by the recording process. A marker left behind means the process died mid-recording:
:func:`recover_recordings`, run when the app starts, repairs those files (the header then counts
every sample that reached the disk) and removes the markers.

A full disk stops the recording with a :class:`~desktop_app.audio.wavfile.RecordingWriteError`
raised from the iteration; the file keeps everything written until then.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime
import errno
import json
import logging
import os
import queue
import re
import threading
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import BinaryIO

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE
from desktop_app.audio.sources import AudioSource
from desktop_app.audio.wavfile import (
    RecordingWriteError,
    RepairResult,
    WavWriter,
    open_error,
    repair_wav,
)
from desktop_app.core.errors import AudioError, EmptyAudioError
from desktop_app.core.paths import data_dir

try:
    import fcntl
except ImportError:  # Windows: an open marker cannot be deleted, which protects it instead
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".recording"
_NAME_ATTEMPTS = 1000
_UNSAFE_NAME = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')

Opener = Callable[[Path], BinaryIO]
"""Opens a new recording file for writing (tests substitute one that runs out of space)."""


def recordings_dir() -> Path:
    """The folder recordings are saved in (created on demand)."""
    folder = data_dir() / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def recording_path(
    name: str | None = None,
    folder: Path | None = None,
    *,
    now: datetime.datetime | None = None,
) -> Path:
    """A free file name for a new recording: ``name`` (made safe for file systems) or the local
    date and time, with ``-2``, ``-3``, ... added when that name is taken."""
    folder = folder if folder is not None else recordings_dir()
    stem = _safe_stem(name) if name else ""
    if not stem:
        stem = (now or datetime.datetime.now()).strftime("%Y-%m-%d_%H-%M-%S")
    for attempt in range(1, _NAME_ATTEMPTS + 1):
        candidate = folder / (f"{stem}.wav" if attempt == 1 else f"{stem}-{attempt}.wav")
        if not candidate.exists() and not _marker_for(candidate).exists():
            return candidate
    raise RecordingWriteError(
        f"Too many recordings are named '{stem}' in {folder}",
        path=None,
        seconds=0.0,
        fix="Choose another name.",
        message_ko=f"{folder}에 '{stem}'이라는 이름의 녹음이 너무 많습니다",
        fix_ko="다른 이름을 고르세요.",
    )


def _safe_stem(name: str) -> str:
    stem = name.strip()
    if stem.lower().endswith(".wav"):
        stem = stem[:-4]
    return _UNSAFE_NAME.sub("_", stem).strip(" .")[:120]


def _marker_for(wav: Path) -> Path:
    return wav.with_name(wav.name + MARKER_SUFFIX)


class _Marker:
    """The ``.recording`` file beside a WAV being written, locked while its writer lives."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor: int | None = descriptor

    @classmethod
    def claim(cls, wav: Path) -> _Marker:
        """Create the marker; FileExistsError when there is one (being recorded, or left by a
        crash and not yet recovered)."""
        path = _marker_for(wav)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            info = {
                "file": wav.name,
                "pid": os.getpid(),
                "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                "sample_rate": SAMPLE_RATE,
            }
            os.write(descriptor, json.dumps(info).encode())
        except OSError:
            os.close(descriptor)
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return cls(path, descriptor)

    def release(self, *, remove: bool) -> None:
        """Unlock; ``remove`` deletes the marker (the recording is complete and consistent)."""
        if self._descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(self._descriptor)
            self._descriptor = None
        if remove:  # after closing: an open file cannot be deleted everywhere
            with contextlib.suppress(OSError):
                self.path.unlink()


class _DiskThread:
    """Writes queued chunks with a :class:`WavWriter` and keeps the header current when no audio
    comes (while paused). Runs on its own thread, ``sori-recorder-disk``; ``put`` and ``finish``
    are called from the event loop."""

    def __init__(self, writer: WavWriter, marker: _Marker, sync_interval: float) -> None:
        self._writer = writer
        self._marker = marker
        self._sync_interval = sync_interval
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.done: concurrent.futures.Future[None] = concurrent.futures.Future()
        self.done.set_running_or_notify_cancel()
        threading.Thread(target=self._run, name="sori-recorder-disk", daemon=True).start()

    def put(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def finish(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        writer = self._writer
        try:
            while True:
                try:
                    item = self._queue.get(timeout=self._sync_interval / 2)
                except queue.Empty:
                    writer.sync_if_due()
                    continue
                if item is None:
                    break
                writer.write(item)
            writer.close()
        except BaseException as exc:
            self.done.set_exception(exc)
        else:
            self.done.set_result(None)
        finally:
            if not writer.closed:  # an unexpected failure: at least close the file
                with contextlib.suppress(Exception):
                    writer.close()
            self._marker.release(remove=writer.closed and writer.clean)


class Recorder:
    """Tees an audio source into a WAV recording (see the module docstring).

    Runs on the event loop thread (``pause``/``resume`` from any thread); the file is written on
    a disk thread so a slow disk never delays the chunks passed on. ``path`` gives the exact
    file (refused when it exists unless ``overwrite``); otherwise ``name`` or the date and time
    names a new file in ``folder`` (default: :func:`recordings_dir`). One recording per
    instance.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        name: str | None = None,
        folder: Path | None = None,
        overwrite: bool = False,
        sync_interval: float = 1.0,
        opener: Opener | None = None,
    ) -> None:
        if sync_interval <= 0:
            raise ValueError("sync_interval must be positive")
        self._requested = Path(path) if path is not None else None
        self._name = name
        self._folder = folder
        self._sync_interval = sync_interval
        self._opener = opener or (lambda p: _open_new(p, overwrite=overwrite))
        self._path: Path | None = None
        self._source: AudioSource | None = None
        self._written = 0
        self._used = False
        self._finished = False

    @property
    def path(self) -> Path | None:
        """The recording's file, known once recording has begun."""
        return self._path

    @property
    def elapsed(self) -> float:
        """Seconds of audio recorded so far."""
        return self._written / BYTES_PER_SECOND

    @property
    def finished(self) -> bool:
        """True once the file is complete (or stopped by a write failure) and closed."""
        return self._finished

    @property
    def paused(self) -> bool:
        return self._source is not None and self._source.paused

    def pause(self) -> None:
        """Pause the source: paused audio is neither recorded nor passed on."""
        if self._source is not None:
            self._source.pause()

    def resume(self) -> None:
        if self._source is not None:
            self._source.resume()

    async def record(self, source: AudioSource) -> AsyncGenerator[bytes, None]:
        """Yield ``source``'s chunks while writing them to the recording.

        Ends when the source ends; the caller owns the source and closes it. Raises
        :class:`~desktop_app.audio.wavfile.RecordingWriteError` when the file cannot be created
        or written on (the audio written until then stays in the file).
        """
        if self._used:
            raise RuntimeError("a Recorder makes one recording; create another for the next")
        self._used = True
        path, writer, marker = await asyncio.to_thread(self._create)
        self._path = path
        self._source = source
        disk = _DiskThread(writer, marker, self._sync_interval)
        try:
            async for chunk in source:
                if disk.done.done():
                    break  # the disk thread stopped: a write failed
                disk.put(chunk)
                self._written += len(chunk)
                yield chunk
        finally:
            disk.finish()
            await _settled(disk.done)
            self._finished = True
            self._source = None
        disk.done.result()
        log.info("Recorded %.1f s to %s", self.elapsed, path)

    async def save(self, source: AudioSource) -> Path:
        """Record ``source`` to its end and return the file."""
        async for _ in self.record(source):
            pass
        assert self._path is not None
        return self._path

    def _create(self) -> tuple[Path, WavWriter, _Marker]:
        """Claim a name, create the marker and the WAV file; runs on a worker thread."""
        requested = self._requested
        folder = requested.parent if requested is not None else self._folder
        try:
            if folder is None:
                folder = recordings_dir()
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise open_error(requested or folder or Path("recordings"), exc) from exc
        if requested is not None:
            try:
                return self._create_at(requested)
            except FileExistsError as exc:  # an unfinished recording of the same name
                raise open_error(requested, exc) from exc
        for _ in range(_NAME_ATTEMPTS):
            try:
                return self._create_at(recording_path(self._name, folder))
            except FileExistsError:
                continue  # another recorder took this name a moment ago
        exists = FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
        raise open_error(folder / f"{_safe_stem(self._name or '') or 'recording'}.wav", exists)

    def _create_at(self, path: Path) -> tuple[Path, WavWriter, _Marker]:
        """Create ``path`` and its marker; FileExistsError when either exists (and no
        overwrite was asked for)."""
        try:
            marker = _Marker.claim(path)
        except FileExistsError:
            raise
        except OSError as exc:
            raise open_error(path, exc) from exc
        try:
            file = self._opener(path)
        except OSError as exc:
            marker.release(remove=True)
            if isinstance(exc, FileExistsError) and self._requested is None:
                raise
            raise open_error(path, exc) from exc
        try:
            writer = WavWriter(file, path=path, sync_interval=self._sync_interval)
        except RecordingWriteError:
            marker.release(remove=True)
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        _sync_folder(path.parent)
        return path, writer, marker


def _open_new(path: Path, *, overwrite: bool) -> BinaryIO:
    # Unbuffered: every chunk reaches the operating system at once and survives a killed process.
    return open(path, "wb" if overwrite else "xb", buffering=0)


def _sync_folder(folder: Path) -> None:
    """Make the new file's directory entry durable (not possible on every platform)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


async def _settled(future: concurrent.futures.Future[None]) -> None:
    """Wait until ``future`` is done, without raising its exception."""
    wrapped = asyncio.wrap_future(future)
    await asyncio.wait({wrapped})
    if not wrapped.cancelled():
        wrapped.exception()  # mark it retrieved; the caller reads it from ``future``


def recover_recordings(folder: Path | None = None) -> list[RepairResult]:
    """Repair the recordings a killed or crashed process left unfinished (run at start-up).

    Returns what was found in each; recordings another running process is still writing are
    left alone, and leftovers that hold no audio at all are deleted.
    """
    folder = folder if folder is not None else recordings_dir()
    results: list[RepairResult] = []
    for marker in sorted(folder.glob(f"*.wav{MARKER_SUFFIX}")):
        wav = marker.with_name(marker.name[: -len(MARKER_SUFFIX)])
        try:
            if fcntl is None:
                # Where files cannot be locked, a marker its recorder holds open cannot be
                # deleted: deleting it first is the test that nobody is recording.
                marker.unlink()
                _recover_one(wav, results)
            else:
                _recover_locked(marker, wav, results)
        except OSError as exc:
            log.warning("Could not recover %s: %s", wav, exc)
    return results


def _recover_locked(marker: Path, wav: Path, results: list[RepairResult]) -> None:
    descriptor = os.open(marker, os.O_RDWR)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # still being recorded
        _recover_one(wav, results)
        marker.unlink()
    finally:
        os.close(descriptor)


def _recover_one(wav: Path, results: list[RepairResult]) -> None:
    """Repair one file (OSError when it cannot be read or written: try again next time)."""
    if not wav.exists():
        return
    try:
        result = repair_wav(wav)
    except EmptyAudioError:
        log.info("Removed %s: the recording ended before any audio was saved", wav)
        wav.unlink()
        return
    except AudioError as exc:
        log.warning("Could not repair %s: %s", wav, exc)
        return
    log.info("Recovered an unfinished recording: %s (%.1f s)", wav, result.seconds)
    results.append(result)
