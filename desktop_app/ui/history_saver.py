"""Save a transcript's edits to the history shortly after the user stops editing.

Connect the transcript view's ``edited`` signal to :meth:`HistorySaver.schedule`. A second
after the last edit the saver takes a snapshot of the transcript on the GUI thread (cheap: a
list copy) and writes it with :meth:`HistoryStore.update` on its own one-thread pool, so the
window never waits for SQLite and saves never overtake each other. :meth:`HistorySaver.flush`
writes any pending change at once (call it before switching transcripts or closing).

Every transcript handed to another thread for saving goes through :func:`detached_copy` first
(here, and in the window for finished jobs and recordings): the transcript view edits the
object it shows in place, so a save that read the shown object could write half an edit, or an
edit into the wrong history entry.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from desktop_app.core.errors import SoriError
from desktop_app.core.history import HistoryStore
from desktop_app.core.transcript import Transcript
from desktop_app.ui.i18n import current_language
from desktop_app.ui.transcript_model import snapshot_transcript

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 1000


def detached_copy(transcript: Transcript) -> Transcript:
    """A copy that later edits of ``transcript`` cannot reach; cheap (list copies), because
    the view replaces segments instead of changing them."""
    copy = snapshot_transcript(transcript)
    copy.notices = list(transcript.notices)
    return copy


class _SaveSignals(QObject):
    done = Signal(int, str)  # entry id, error message ("" when saved)


class _SaveTask(QRunnable):
    """Runs on the saver's pool thread."""

    def __init__(self, store: HistoryStore, entry_id: int, transcript: Transcript) -> None:
        super().__init__()
        self.store = store
        self.entry_id = entry_id
        self.transcript = transcript
        self.signals = _SaveSignals()
        self.result: str | None = None

    def run(self) -> None:
        self.result = _save(self.store, self.entry_id, self.transcript)
        self.signals.done.emit(self.entry_id, self.result)


def _save(store: HistoryStore, entry_id: int, transcript: Transcript) -> str:
    """Write one snapshot; the error text for people, or "" on success."""
    try:
        store.update(entry_id, transcript)
    except SoriError as exc:
        return exc.describe(current_language())
    except Exception as exc:  # keep the window alive; the message carries the details
        log.exception("saving history entry %s failed", entry_id)
        return f"{type(exc).__name__}: {exc}"
    return ""


class HistorySaver(QObject):
    """Debounced background saving of one transcript at a time. GUI thread only.

    Signals:
      saved(int)         the entry with this id now holds the latest edits
      failed(int, str)   saving the entry failed; the message names the cause and the fix
    """

    saved = Signal(int)
    failed = Signal(int, str)

    def __init__(
        self,
        store: HistoryStore,
        delay_ms: int = SAVE_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._entry_id: int | None = None
        self._transcript: Transcript | None = None
        self._pending = False
        self._running: _SaveTask | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start_save)

    def track(self, entry_id: int | None, transcript: Transcript | None) -> None:
        """Save future edits of ``transcript`` into history entry ``entry_id`` (``None``: stop).

        Changes still pending for the previously tracked transcript are written first.
        """
        self.flush()
        self._entry_id = entry_id
        self._transcript = transcript

    @property
    def entry_id(self) -> int | None:
        return self._entry_id

    def has_pending_changes(self) -> bool:
        return self._pending or self._running is not None

    def schedule(self) -> None:
        """Note an edit; the save happens after ``delay_ms`` without further edits."""
        if self._entry_id is None or self._transcript is None:
            return
        self._pending = True
        self._timer.start()

    def flush(self) -> None:
        """Write pending changes now, waiting for a save already under way."""
        self._timer.stop()
        self._pool.waitForDone()
        running, self._running = self._running, None
        if running is not None:  # finished, but its result signal is still queued
            self._report(running.entry_id, running.result or "")
        if self._pending and self._entry_id is not None and self._transcript is not None:
            self._pending = False
            message = _save(self.store, self._entry_id, detached_copy(self._transcript))
            self._report(self._entry_id, message)

    def _start_save(self) -> None:
        if self._running is not None:
            self._timer.start()  # one save at a time: try again after this one
            return
        if not self._pending or self._entry_id is None or self._transcript is None:
            return
        self._pending = False
        task = _SaveTask(self.store, self._entry_id, detached_copy(self._transcript))
        task.setAutoDelete(False)
        task.signals.done.connect(lambda _entry, message, task=task: self._finished(task, message))
        self._running = task
        self._pool.start(task)

    def _finished(self, task: _SaveTask, message: str) -> None:
        if task is not self._running:
            return  # flush() already reported this save
        self._running = None
        self._report(task.entry_id, message)

    def _report(self, entry_id: int, message: str) -> None:
        if message:
            self.failed.emit(entry_id, message)
        else:
            self.saved.emit(entry_id)
