"""The queue: adding files, folders and URLs, following their jobs, and the buttons under it.

:class:`QueueController` owns the signals of the queue table, of its buttons (cancel, retry, run
again with another engine, remove, copy error details) and of the URL field, and those of the
:class:`~desktop_app.ui.bridge.JobRunner` that runs the jobs. A dropped folder is searched for
media files on a worker thread (a folder of thousands of files must not freeze the window), and
the files found are queued a slice of GUI time per turn of the event loop. A queued file's length
is read on a worker thread too.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLineEdit,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.errors import ConfigurationError, SoriError
from desktop_app.core.journal import RemoteJob
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.ui.bridge import JobRunner
from desktop_app.ui.drop_zone import MEDIA_SUFFIXES
from desktop_app.ui.queue_table import QueueEntry, QueueTable
from desktop_app.ui.sidebar import Sidebar
from desktop_app.ui.unfinished_jobs import job_label

log = logging.getLogger(__name__)

# The strings keep the window's translation context, where the catalogue has them.
translate = QCoreApplication.translate

NOTIFY_AFTER_SECONDS = 20.0
# After a folder was searched, its files are queued in slices of this much GUI time at most.
ENQUEUE_SLICE_SECONDS = 0.03


def media_files(paths: Sequence[Path]) -> list[Path]:
    """The files to queue for ``paths``: files as given, folders searched for media files (in
    name order). Reads the disk: call it off the GUI thread when folders are involved."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += [p for p in sorted(path.rglob("*")) if p.suffix.lower() in MEDIA_SUFFIXES]
        else:
            files.append(path)
    return files


@dataclass(slots=True)
class QueueButtons:
    """The buttons under the queue (built by the window, driven by the controller)."""

    cancel: QPushButton
    retry: QPushButton
    rerun: QPushButton
    remove: QPushButton
    details: QPushButton
    export: QPushButton


class _Relay(QObject):
    """Carries results of worker threads to the GUI thread."""

    duration_known = Signal(object, float)  # QueueEntry, seconds
    files_found = Signal(object, object)  # list[Path], (engine, options) at the drop


class QueueController(QObject):
    """The queue's behaviour. GUI thread only (its look-ups run on its own worker threads).

    Signals:
      message(str, int)             a status-bar message and for how many ms (0: until replaced)
      show_requested(object)        show this entry (or None) in the transcript area
      transcript_ready(object, object)  an entry's transcript is done (entry, transcript)
      compare_requested(object)     "Compare engines…" was chosen on this entry
      keys_missing(str)             files were not queued: this engine has no keys ("": it has)
      partial_changed(object)       the selected running entry has new provisional segments
                                    (see :meth:`partial_for`)
    """

    message = Signal(str, int)
    show_requested = Signal(object)
    transcript_ready = Signal(object, object)
    compare_requested = Signal(object)  # QueueEntry: "Compare engines…" from its context menu
    keys_missing = Signal(str)
    partial_changed = Signal(object)

    def __init__(
        self,
        window: QWidget,
        queue: QueueTable,
        buttons: QueueButtons,
        runner: JobRunner,
        sidebar: Sidebar,
        url_field: QLineEdit,
        url_button: QPushButton,
        language: str,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.queue = queue
        self.buttons = buttons
        self.runner = runner
        self.sidebar = sidebar
        self.url_field = url_field
        self.language = language
        self._tray: QSystemTrayIcon | None = None
        self._relay = _Relay(self)
        # One thread reads lengths, another searches folders, so neither waits for the other.
        self._probes = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sori-probe")
        self._scans = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sori-scan")
        self._pending: list[tuple[list[Path], str, TranscriptionOptions]] = []
        self.credentials: dict[str, bool] = {}  # engine -> keys set (filled off the GUI thread)
        self._partials: dict[int, Transcript] = {}  # job id -> segments decoded so far
        queue.entry_selected.connect(self.show_requested)
        buttons.cancel.clicked.connect(self.cancel_selected)
        buttons.retry.clicked.connect(self.retry_selected)
        buttons.rerun.clicked.connect(self._rerun_menu)
        buttons.remove.clicked.connect(self.remove_selected)
        buttons.details.clicked.connect(self.copy_details)
        url_field.returnPressed.connect(self.add_url)
        url_button.clicked.connect(self.add_url)
        runner.progress.connect(self._on_progress)
        runner.segments_decoded.connect(self._on_segments)
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)
        runner.cancelled.connect(self._on_cancelled)
        self._relay.duration_known.connect(self._show_duration)
        self._relay.files_found.connect(self._queue_found)
        queue.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        queue.customContextMenuRequested.connect(self._context_menu)

    def engine(self) -> str:
        return str(self.sidebar.engine_box.currentData())

    # ------------------------------------------------------------------ input
    def open_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in MEDIA_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(
            self.window,
            translate("MainWindow", "Open audio or video"),
            "",
            translate("MainWindow", "Media files") + f" ({patterns})",
        )
        self.add_paths([Path(f) for f in files])

    def add_paths(self, paths: list[Path]) -> None:
        """Queue files (folders are searched for media files) with the current engine.

        Files alone are queued at once; when folders are among them, the search runs on a worker
        thread and everything is queued, in the order given, when it is done."""
        if self._without_keys(self.engine()):
            return
        if not any(path.is_dir() for path in paths):
            for file in paths:
                self.enqueue(MediaSource(path=file), file.name)
            return
        engine = self.engine()
        try:
            options = self._options_for(engine)
        except ConfigurationError as exc:
            self.message.emit(exc.describe(self.language), 0)
            return
        relay = self._relay

        def work() -> None:
            try:
                found = media_files(paths)
            except OSError as exc:
                log.warning("could not search the dropped folders: %s", exc)
                found = [p for p in paths if not p.is_dir()]
            relay.files_found.emit(found, (engine, options))

        self._scans.submit(work)

    def _queue_found(self, files: list[Path], job: tuple[str, TranscriptionOptions]) -> None:
        if not files:
            return
        engine, options = job
        self._pending.append((files, engine, options))
        if len(self._pending) == 1:
            self._queue_next_batch()

    def _queue_next_batch(self) -> None:
        """Queue found files until a slice of time is used up, then let the window breathe."""
        if not self._pending:
            return
        files, engine, options = self._pending[0]
        until = time.monotonic() + ENQUEUE_SLICE_SECONDS
        done = 0
        # Progress bars repaint at once when their value is set: paint the slice once instead.
        self.queue.setUpdatesEnabled(False)
        try:
            while done < len(files) and (done == 0 or time.monotonic() < until):
                file = files[done]
                self._add_job(MediaSource(path=file), file.name, engine, options)
                done += 1
        finally:
            self.queue.setUpdatesEnabled(True)
        if done < len(files):
            self._pending[0] = (files[done:], engine, options)
        else:
            self._pending.pop(0)
        if self._pending:
            QTimer.singleShot(0, self._queue_next_batch)

    def add_url(self) -> None:
        url = self.url_field.text().strip()
        if not url.startswith(("http://", "https://")):
            self.message.emit(translate("MainWindow", "Enter an address starting with https://"), 0)
            return
        if self.enqueue(MediaSource(url=url), url) is not None:
            self.url_field.clear()

    def _options_for(self, name: str) -> TranscriptionOptions:
        panel = self.sidebar.options_panel
        return panel.options() if name == self.engine() else panel.current_options()

    def enqueue(
        self, source: MediaSource, label: str, engine: str | None = None
    ) -> QueueEntry | None:
        name = engine or self.engine()
        if self._without_keys(name):
            return None
        try:
            options = self._options_for(name)
        except ConfigurationError as exc:
            self.message.emit(exc.describe(self.language), 0)
            return None
        return self._add_job(source, label, name, options)

    def set_credentials(self, known: dict[str, bool]) -> None:
        """Which engines have their keys; clears the keys message once the engine has them."""
        self.credentials = dict(known)
        if known.get(self.engine()):
            self.keys_missing.emit("")

    def _without_keys(self, name: str) -> bool:
        """True (and the window told) when a cloud engine is known to have no keys: queueing
        would only fail."""
        if self.credentials.get(name) is not False:
            return False
        self.keys_missing.emit(name)
        return True

    def _add_job(
        self, source: MediaSource, label: str, name: str, options: TranscriptionOptions
    ) -> QueueEntry | None:
        try:  # the glossary chosen in the sidebar, in this engine's form
            options, use = self.sidebar.glossary_choice.prepare(name, options)
        except SoriError as exc:
            self.message.emit(exc.describe(self.language), 0)
            return None
        entry = self.add_job(source, label, name, options)
        self.sidebar.glossary_choice.remember(entry.job_id, use)
        return entry

    def add_job(
        self,
        source: MediaSource,
        label: str,
        name: str,
        options: TranscriptionOptions,
        config: ProviderConfig | None = None,
    ) -> QueueEntry:
        """Queue a job with these very options (and engine configuration, when given)."""
        cls = registry.provider_class(name)
        entry = QueueEntry(label, name, cls.display_name, source=source, options=options)
        entry.audio = source.path
        self.queue.add(entry)
        entry.job_id = self.runner.start(name, source, options, config)
        if source.path is not None:
            self._probe_duration(entry, source.path)
        if self.queue.selected() is None:
            self.queue.select(entry)
        self.update_buttons()
        return entry

    def _probe_duration(self, entry: QueueEntry, path: Path) -> None:
        """Show a queued file's length before its transcript is done (read off the GUI thread)."""
        relay = self._relay

        def work() -> None:
            from desktop_app.audio.decode import probe  # PyAV loads only when a file is queued

            if entry.duration is not None:
                return  # the job finished first and told it
            try:
                duration = probe(path).duration
            except (SoriError, OSError):
                return  # the job itself reports what is wrong with the file
            if duration:
                relay.duration_known.emit(entry, duration)

        self._probes.submit(work)

    def _show_duration(self, entry: QueueEntry, seconds: float) -> None:
        if entry in self.queue.entries and entry.duration is None:
            entry.duration = seconds
            self.queue.refresh(entry)

    def resume_jobs(self, jobs: list[RemoteJob]) -> None:
        """Collect cloud jobs accepted before the app last closed (no new upload)."""
        for job in jobs:
            cls = registry.provider_class(job.engine)
            entry = QueueEntry(job_label(job), job.engine, cls.display_name)
            entry.audio = Path(job.source) if Path(job.source).exists() else None
            entry.message = translate("MainWindow", "Resumed from the last session")
            self.queue.add(entry)
            entry.job_id = self.runner.resume(job)

    def shutdown(self) -> None:
        """Drop the look-ups not started yet (the window is closing)."""
        self._pending.clear()
        self._probes.shutdown(wait=False, cancel_futures=True)
        self._scans.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ job events
    def _on_progress(self, job_id: int, stage: str, fraction: float) -> None:
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        entry.state = stage
        entry.fraction = None if fraction < 0 else fraction
        self.queue.refresh(entry)

    def _on_segments(self, job_id: int, segments: list[Segment]) -> None:
        entry = self.queue.by_job(job_id)
        if entry is None or not entry.running:
            return
        partial = self._partials.setdefault(job_id, Transcript(engine=entry.engine))
        for segment in segments:
            bisect.insort(partial.segments, segment, key=lambda s: (s.start, s.end))
        if self.queue.selected() is entry:
            self.partial_changed.emit(entry)

    def partial_for(self, entry: QueueEntry) -> Transcript | None:
        """The segments a running job has decoded so far (provisional), or ``None``."""
        if entry.job_id is None or not entry.running:
            return None
        return self._partials.get(entry.job_id)

    def _on_finished(self, job_id: int, transcript: Transcript) -> None:
        self._partials.pop(job_id, None)
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        self.finish(entry, transcript)

    def finish(self, entry: QueueEntry, transcript: Transcript) -> None:
        """Mark an entry done with its transcript (a job's, or a recording's)."""
        entry.state = "done"
        entry.fraction = 1.0
        entry.ended = entry.ended or time.monotonic()
        entry.transcript = transcript
        entry.duration = transcript.duration
        self.sidebar.glossary_choice.add_notices(entry.job_id, transcript)
        self.transcript_ready.emit(entry, transcript)
        self.queue.refresh(entry)
        self.message.emit(translate("MainWindow", "Finished: %s") % entry.label, 5000)
        if self.queue.selected() is entry:
            self.show_requested.emit(entry)
        self._notify(entry)
        self.update_buttons()

    def _on_failed(self, job_id: int, message: str, details: str) -> None:
        self._partials.pop(job_id, None)
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        entry.state = "failed"
        entry.ended = time.monotonic()
        entry.message, entry.details = message, details
        self.queue.refresh(entry)
        # Most messages already name the file; don't say it twice.
        self.message.emit(message if entry.label in message else f"{entry.label}: {message}", 0)
        if self.queue.selected() is entry:
            self.show_requested.emit(entry)
        else:
            self.update_buttons()

    def _on_cancelled(self, job_id: int) -> None:
        self._partials.pop(job_id, None)
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        entry.state = "cancelled"
        entry.ended = time.monotonic()
        self.queue.refresh(entry)
        if self.queue.selected() is entry:
            self.show_requested.emit(entry)
        else:
            self.update_buttons()

    def _notify(self, entry: QueueEntry) -> None:
        window = self.window
        if window.isActiveWindow() or entry.elapsed() < NOTIFY_AFTER_SECONDS:
            return
        QApplication.alert(window)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(window.windowIcon(), self)
            self._tray.show()
            self._tray.showMessage(APP_NAME, translate("MainWindow", "Finished: %s") % entry.label)

    # ------------------------------------------------------------------ queue actions
    def update_buttons(self) -> None:
        entry = self.queue.selected()
        buttons = self.buttons
        # A recording is ended with Stop, next to Record, which keeps what was said.
        buttons.cancel.setEnabled(entry is not None and entry.running and entry.job_id is not None)
        can_retry = entry is not None and entry.state in {"failed", "cancelled"}
        buttons.retry.setEnabled(can_retry and entry is not None and entry.source is not None)
        buttons.rerun.setEnabled(
            entry is not None and not entry.running and entry.audio is not None
        )
        buttons.remove.setEnabled(entry is not None and not entry.running)
        buttons.details.setVisible(entry is not None and bool(entry.details))
        buttons.export.setEnabled(entry is not None and entry.transcript is not None)

    def cancel_selected(self) -> None:
        entry = self.queue.selected()
        if entry is not None and entry.job_id is not None:
            self.runner.cancel(entry.job_id)

    def retry_selected(self) -> None:
        entry = self.queue.selected()
        if entry is None or entry.source is None:
            return
        self.queue.remove(entry)
        self.enqueue(entry.source, entry.label, entry.engine)

    def _rerun_menu(self) -> None:
        entry = self.queue.selected()
        if entry is None or entry.audio is None:
            return
        menu = QMenu(self.window)
        for cls in registry.provider_classes():
            if "file" in cls.capabilities.inputs:
                rerun = partial(self.enqueue, MediaSource(path=entry.audio), entry.label, cls.name)
                menu.addAction(cls.display_name, rerun)
        button = self.buttons.rerun
        menu.exec(button.mapToGlobal(button.rect().bottomLeft()))

    def _context_menu(self, point: QPoint) -> None:
        entry = self.queue.selected()
        if entry is None:
            return
        menu = QMenu(self.window)
        action = menu.addAction(translate("MainWindow", "Compare engines…"))
        action.setEnabled(entry.transcript is not None and entry.audio is not None)
        action.triggered.connect(lambda: self.compare_requested.emit(entry))
        menu.exec(self.queue.viewport().mapToGlobal(point))

    def remove_selected(self) -> None:
        entry = self.queue.selected()
        if entry is not None and not entry.running:
            self.queue.remove(entry)
            self.show_requested.emit(self.queue.selected())

    def copy_details(self) -> None:
        entry = self.queue.selected()
        if entry is not None and entry.details:
            QApplication.clipboard().setText(f"{entry.label}\n{entry.message}\n{entry.details}")
            self.message.emit(translate("MainWindow", "Error details copied"), 3000)
