"""Loads a media file's waveform peaks off the GUI thread and reports them through signals.

:class:`PeaksLoader` runs :func:`~desktop_app.audio.peaks.load_peaks` (cache first, else decode)
on a Python thread of its own; the partly filled peaks arrive through ``progress`` as pieces are
decoded, so a :class:`~desktop_app.ui.timeline.Timeline` can show the start of a long file while
the rest is still being read. Starting another file or calling :meth:`PeaksLoader.cancel` stops
the previous computation.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.audio.peaks import Peaks, load_peaks
from desktop_app.core.errors import CancelledByUserError, SoriError
from desktop_app.ui.i18n import current_language


class PeaksLoader(QObject):
    """Computes or reads peaks on a worker thread. Lives on the GUI thread.

    Signals (queued to the GUI thread):
      progress(object, float)  partly filled :class:`Peaks`, fraction done (0..1)
      loaded(object)           the finished :class:`Peaks`
      failed(str)              a sentence naming the cause and the fix (interface language)
    """

    progress = Signal(object, float)
    loaded = Signal(object)
    failed = Signal(str)
    _done = Signal(int, object, str)

    def __init__(self, parent: QObject | None = None, cache_folder: Path | None = None) -> None:
        super().__init__(parent)
        self._cache_folder = cache_folder
        self._generation = 0
        self._cancel: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._done.connect(self._on_done)

    def load(self, path: str | Path, duration: float | None = None) -> None:
        """Start reading ``path``'s peaks (cancels any load still running)."""
        self.cancel()
        self._generation += 1
        generation = self._generation
        cancel = threading.Event()
        self._cancel = cancel
        total = duration

        def report(peaks: Peaks, seconds: float) -> None:
            if not cancel.is_set() and generation == self._generation:
                whole = total or peaks.duration or 1.0
                self.progress.emit(peaks, min(1.0, seconds / whole))

        def work() -> None:
            try:
                peaks = load_peaks(path, folder=self._cache_folder, progress=report, cancel=cancel)
            except CancelledByUserError:
                return
            except SoriError as exc:
                self._done.emit(generation, None, exc.describe(current_language()))
                return
            except Exception as exc:  # a decoder bug must reach the window, not kill the thread
                self._done.emit(generation, None, f"{type(exc).__name__}: {exc}")
                return
            self._done.emit(generation, peaks, "")

        self._thread = threading.Thread(target=work, name="peaks-loader", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop the running load, if any (its results are dropped)."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
        self._generation += 1

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the worker thread ended (for tests and shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _on_done(self, generation: int, peaks: object, error: str) -> None:
        if generation != self._generation:
            return
        self._cancel = None
        if isinstance(peaks, Peaks):
            self.loaded.emit(peaks)
        else:
            self.failed.emit(error)
