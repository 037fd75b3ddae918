"""The main window: drop or open files (or a URL), record, choose the engine and its options,
watch the queue, read, correct and play the transcript, export it, and find past ones.

Runs on the GUI thread only. Engine work goes through :class:`~desktop_app.ui.bridge.JobRunner`
(files) and :class:`~desktop_app.ui.live_runner.LiveRunner` (recording); both report back with
queued signals, so nothing here waits for audio, disk or network.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.errors import ConfigurationError, SoriError
from desktop_app.core.history import HistoryStore
from desktop_app.core.journal import RemoteJob
from desktop_app.core.secrets import CredentialStore, group_for
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Transcript
from desktop_app.live.session import LiveResult
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, StreamEvent
from desktop_app.ui.bridge import JobRunner
from desktop_app.ui.drop_zone import MEDIA_SUFFIXES, DropZone
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.history_saver import detached_copy
from desktop_app.ui.i18n import current_language
from desktop_app.ui.live_runner import LiveRunner
from desktop_app.ui.live_view import LiveView
from desktop_app.ui.notices import NoticeBar
from desktop_app.ui.player import Player
from desktop_app.ui.queue_table import QueueEntry, QueueTable
from desktop_app.ui.record_panel import RecordPanel
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.sidebar import Sidebar
from desktop_app.ui.transcript_view import TranscriptView
from desktop_app.ui.unfinished_jobs import UnfinishedJobsOffer, job_label

log = logging.getLogger(__name__)

_background = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sori-ui")
NOTIFY_AFTER_SECONDS = 20.0
SAVE_DELAY_MS = 1000


class _Relay(QObject):
    """Carries results of background look-ups to the GUI thread."""

    credentials_known = Signal(object)  # dict engine -> bool
    history_changed = Signal()
    duration_known = Signal(object, float)  # QueueEntry, seconds


class MainWindow(QMainWindow):
    """The application window (GUI thread only)."""

    def __init__(
        self,
        runner: JobRunner | None = None,
        *,
        settings: Settings | None = None,
        history: HistoryStore | None = None,
        store: CredentialStore | None = None,
        resume_jobs: bool = True,
    ) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.settings = settings or Settings()
        self.history = history or HistoryStore()
        self.store = store or CredentialStore()
        self.language = current_language()
        self.runner = runner or JobRunner(language=self.language, parent=self)
        self.live = LiveRunner(parent=self)
        self.live.language = self.language
        self.runner.settings = self.live.settings = self.settings
        self._relay = _Relay(self)
        self._live_entry: QueueEntry | None = None
        self._shown: QueueEntry | None = None
        self._edits_pending = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._save_edits)
        self._tray: QSystemTrayIcon | None = None
        self._build()
        self._connect()
        self._restore_geometry()
        self._refresh_credentials()
        self.unfinished.resume_requested.connect(self.resume_jobs)
        if resume_jobs:
            QTimer.singleShot(0, self.unfinished.check)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.sidebar = Sidebar(self.settings, self.history)
        self.engine_box = self.sidebar.engine_box
        self.engine_status = self.sidebar.engine_status
        self.options_panel = self.sidebar.options_panel
        self.history_panel = self.sidebar.history_panel

        work = QWidget()
        work_layout = QVBoxLayout(work)
        work_layout.setContentsMargins(4, 8, 8, 4)
        self.unfinished = UnfinishedJobsOffer()
        work_layout.addWidget(self.unfinished)
        self.drop_zone = DropZone(self.add_paths, self.open_files)
        work_layout.addWidget(self.drop_zone)
        url_row = QHBoxLayout()
        self.url_field = QLineEdit()
        self.url_field.setPlaceholderText(self.tr("https://… public address of an audio file"))
        self.url_field.setAccessibleName(self.tr("Public URL"))
        self.url_field.returnPressed.connect(self.add_url)
        self.url_button = QPushButton(self.tr("Add URL"))
        self.url_button.clicked.connect(self.add_url)
        url_row.addWidget(self.url_field, 1)
        url_row.addWidget(self.url_button)
        self.url_row = QWidget()
        self.url_row.setLayout(url_row)
        url_row.setContentsMargins(0, 0, 0, 0)
        work_layout.addWidget(self.url_row)
        self.record_panel = RecordPanel()
        work_layout.addWidget(self.record_panel)

        splitter = QSplitter(Qt.Orientation.Vertical)
        queue_box = QWidget()
        queue_layout = QVBoxLayout(queue_box)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        self.queue = QueueTable()
        queue_layout.addWidget(self.queue, 1)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.retry_button = QPushButton(self.tr("Retry"))
        self.rerun_button = QPushButton(self.tr("Run again with…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.details_button = QPushButton(self.tr("Copy error details"))
        for button in (
            self.cancel_button,
            self.retry_button,
            self.rerun_button,
            self.remove_button,
            self.details_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Export the transcript (Ctrl+E)"))
        buttons.addWidget(self.export_button)
        queue_layout.addLayout(buttons)
        splitter.addWidget(queue_box)

        self.views = QStackedWidget()
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMargin(24)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # Framed like the transcript table it stands in for, so the area doesn't look missing.
        self.empty_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.empty_label.setBackgroundRole(QPalette.ColorRole.Base)
        self.empty_label.setAutoFillBackground(True)
        self.empty_label.setText(self._placeholder(None))
        transcript_page = QWidget()
        transcript_layout = QVBoxLayout(transcript_page)
        transcript_layout.setContentsMargins(0, 0, 0, 0)
        self.transcript_view = TranscriptView()
        self.notice_bar = NoticeBar()
        transcript_layout.addWidget(self.notice_bar)
        self.player = Player()
        self.player.attach(self.transcript_view)
        transcript_layout.addWidget(self.transcript_view, 1)
        transcript_layout.addWidget(self.player)
        self.live_view = LiveView()
        self.views.addWidget(self.empty_label)
        self.views.addWidget(transcript_page)
        self.views.addWidget(self.live_view)
        splitter.addWidget(self.views)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([215, 425])
        work_layout.addWidget(splitter, 1)

        self._columns = QSplitter(Qt.Orientation.Horizontal)
        self._columns.addWidget(self.sidebar)
        self._columns.addWidget(work)
        self._columns.setStretchFactor(1, 1)
        self._columns.setChildrenCollapsible(False)
        self._columns.setSizes([360, 840])
        self.setCentralWidget(self._columns)
        self._build_actions()
        self._update_for_engine()
        self._update_buttons()
        self.statusBar().showMessage(self.tr("Ready. The offline engine needs no account."))

    def _build_actions(self) -> None:
        def action(
            text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot: Any
        ) -> QAction:
            item = QAction(text, self)
            if shortcut is not None:
                item.setShortcut(QKeySequence(shortcut))
            item.triggered.connect(slot)
            self.addAction(item)
            return item

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(
            action(self.tr("&Open…"), QKeySequence.StandardKey.Open, self.open_files)
        )
        file_menu.addAction(action(self.tr("&Export…"), "Ctrl+E", self.export_selected))
        file_menu.addSeparator()
        file_menu.addAction(action(self.tr("&Settings…"), "Ctrl+,", self.open_settings))
        file_menu.addSeparator()
        file_menu.addAction(action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close))
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.transcript_view.undo_stack.createUndoAction(self))
        edit_menu.addAction(self.transcript_view.undo_stack.createRedoAction(self))
        edit_menu.addAction(action(self.tr("&Find…"), "Ctrl+F", self.transcript_view.open_find))

    def _connect(self) -> None:
        self.sidebar.engine_changed.connect(self._update_for_engine)
        self.sidebar.keys_requested.connect(lambda: self.open_settings(self.engine()))
        self.queue.entry_selected.connect(self._show_entry)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button.clicked.connect(self.retry_selected)
        self.rerun_button.clicked.connect(self._rerun_menu)
        self.remove_button.clicked.connect(self.remove_selected)
        self.details_button.clicked.connect(self.copy_details)
        self.export_button.clicked.connect(self.export_selected)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.record_panel.record_requested.connect(self.start_recording)
        self.record_panel.stop_requested.connect(self.live.stop)
        self.record_panel.pause_toggled.connect(
            lambda paused: self.live.pause() if paused else self.live.resume()
        )
        self.live.result.connect(self._on_live_event)
        self.live.finished.connect(self._on_live_finished)
        self.live.failed.connect(self._on_live_failed)
        self.live.reconnecting.connect(
            lambda message, n: self.statusBar().showMessage(
                self.tr("Connection lost; reconnecting (%d)… %s") % (n, message)
            )
        )
        self.transcript_view.edited.connect(self._on_edited)
        self.history_panel.open_requested.connect(self.open_history)
        self._relay.credentials_known.connect(self.sidebar.show_credentials)
        self._relay.history_changed.connect(self.history_panel.reload)
        self._relay.duration_known.connect(self._show_duration)

    # ------------------------------------------------------------------ engine
    def engine(self) -> str:
        return str(self.engine_box.currentData())

    def _update_for_engine(self) -> None:
        cls = registry.provider_class(self.engine())
        self.url_row.setVisible("url" in cls.capabilities.inputs)
        QTimer.singleShot(0, self._fit_sidebar)

    def _fit_sidebar(self) -> None:
        """Fit the sidebar's split to the engine's options and, when they are wide, widen the
        sidebar up to 45 % of the window so they need no sideways scrolling."""
        self.sidebar.fit()
        widths = self._columns.sizes()
        need = min(self.sidebar.preferred_width(), sum(widths) * 45 // 100)
        if need > widths[0]:
            self._columns.setSizes([need, sum(widths) - need])

    def _refresh_credentials(self) -> None:
        store = self.store
        relay = self._relay

        def work() -> None:
            known: dict[str, bool] = {}
            for cls in registry.provider_classes():
                if cls.credential_group is None:
                    known[cls.name] = True
                    continue
                fields = store.fields(group_for(cls.credential_group))
                values = store.load(group_for(cls.credential_group))
                known[cls.name] = all(f.name in values for f in fields)
            relay.credentials_known.emit(known)

        _background.submit(work)

    # ------------------------------------------------------------------ input
    def open_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in MEDIA_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Open audio or video"), "", self.tr("Media files") + f" ({patterns})"
        )
        self.add_paths([Path(f) for f in files])

    def add_paths(self, paths: list[Path]) -> None:
        """Queue files (folders are searched for media files) with the current engine."""
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += [p for p in sorted(path.rglob("*")) if p.suffix.lower() in MEDIA_SUFFIXES]
            else:
                files.append(path)
        for file in files:
            self.enqueue(MediaSource(path=file), file.name)

    def add_url(self) -> None:
        url = self.url_field.text().strip()
        if not url.startswith(("http://", "https://")):
            self.statusBar().showMessage(self.tr("Enter an address starting with https://"))
            return
        if self.enqueue(MediaSource(url=url), url) is not None:
            self.url_field.clear()

    def enqueue(
        self, source: MediaSource, label: str, engine: str | None = None
    ) -> QueueEntry | None:
        name = engine or self.engine()
        try:
            options = (
                self.options_panel.options()
                if name == self.engine()
                else self.options_panel.current_options()
            )
        except ConfigurationError as exc:
            self.statusBar().showMessage(exc.describe(self.language))
            return None
        cls = registry.provider_class(name)
        entry = QueueEntry(label, name, cls.display_name, source=source, options=options)
        entry.audio = source.path
        self.queue.add(entry)
        entry.job_id = self.runner.start(name, source, options)
        if source.path is not None:
            self._probe_duration(entry, source.path)
        if self.queue.selected() is None:
            self.queue.select(entry)
        self._update_buttons()
        return entry

    def _probe_duration(self, entry: QueueEntry, path: Path) -> None:
        """Show a queued file's length before its transcript is done (read off the GUI thread)."""
        relay = self._relay

        def work() -> None:
            from desktop_app.audio.decode import probe  # PyAV loads only when a file is queued

            try:
                duration = probe(path).duration
            except (SoriError, OSError):
                return  # the job itself reports what is wrong with the file
            if duration:
                relay.duration_known.emit(entry, duration)

        _background.submit(work)

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
            entry.message = self.tr("Resumed from the last session")
            self.queue.add(entry)
            entry.job_id = self.runner.resume(job)

    # ------------------------------------------------------------------ job events
    def _on_progress(self, job_id: int, stage: str, fraction: float) -> None:
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        entry.state = stage
        entry.fraction = None if fraction < 0 else fraction
        self.queue.refresh(entry)

    def _on_finished(self, job_id: int, transcript: Transcript) -> None:
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        self._finish(entry, transcript)

    def _finish(self, entry: QueueEntry, transcript: Transcript) -> None:
        entry.state = "done"
        entry.fraction = 1.0
        entry.ended = entry.ended or time.monotonic()
        entry.transcript = transcript
        entry.duration = transcript.duration
        self._store_in_history(entry, transcript)
        self.queue.refresh(entry)
        self.statusBar().showMessage(self.tr("Finished: %s") % entry.label, 5000)
        if self.queue.selected() is entry:
            self._show_entry(entry)
        self._notify(entry)
        self._update_buttons()

    def _on_failed(self, job_id: int, message: str, details: str) -> None:
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        entry.state = "failed"
        entry.ended = time.monotonic()
        entry.message, entry.details = message, details
        self.queue.refresh(entry)
        # Most messages already name the file; don't say it twice.
        self.statusBar().showMessage(
            message if entry.label in message else f"{entry.label}: {message}"
        )
        if self.queue.selected() is entry:
            self._show_entry(entry)
        else:
            self._update_buttons()

    def _on_cancelled(self, job_id: int) -> None:
        entry = self.queue.by_job(job_id)
        if entry is None:
            return
        entry.state = "cancelled"
        entry.ended = time.monotonic()
        self.queue.refresh(entry)
        if self.queue.selected() is entry:
            self._show_entry(entry)
        else:
            self._update_buttons()

    def _notify(self, entry: QueueEntry) -> None:
        if self.isActiveWindow() or entry.elapsed() < NOTIFY_AFTER_SECONDS:
            return
        QApplication.alert(self)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(self.windowIcon(), self)
            self._tray.show()
            self._tray.showMessage(APP_NAME, self.tr("Finished: %s") % entry.label)

    # ------------------------------------------------------------------ queue actions
    def _update_buttons(self) -> None:
        entry = self.queue.selected()
        # A recording is ended with Stop, next to Record, which keeps what was said.
        self.cancel_button.setEnabled(
            entry is not None and entry.running and entry.job_id is not None
        )
        can_retry = entry is not None and entry.state in {"failed", "cancelled"}
        self.retry_button.setEnabled(can_retry and entry is not None and entry.source is not None)
        self.rerun_button.setEnabled(
            entry is not None and not entry.running and entry.audio is not None
        )
        self.remove_button.setEnabled(entry is not None and not entry.running)
        self.details_button.setVisible(entry is not None and bool(entry.details))
        self.export_button.setEnabled(entry is not None and entry.transcript is not None)

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
        menu = QMenu(self)
        for cls in registry.provider_classes():
            if "file" in cls.capabilities.inputs:
                rerun = partial(self.enqueue, MediaSource(path=entry.audio), entry.label, cls.name)
                menu.addAction(cls.display_name, rerun)
        menu.exec(self.rerun_button.mapToGlobal(self.rerun_button.rect().bottomLeft()))

    def remove_selected(self) -> None:
        entry = self.queue.selected()
        if entry is not None and not entry.running:
            self.queue.remove(entry)
            self._show_entry(self.queue.selected())

    def copy_details(self) -> None:
        entry = self.queue.selected()
        if entry is not None and entry.details:
            QApplication.clipboard().setText(f"{entry.label}\n{entry.message}\n{entry.details}")
            self.statusBar().showMessage(self.tr("Error details copied"), 3000)

    # ------------------------------------------------------------------ transcript
    def _show_entry(self, entry: QueueEntry | None) -> None:
        self._save_edits()
        self._update_buttons()
        if entry is not None and entry is self._live_entry and self.live.running:
            self.views.setCurrentWidget(self.live_view)
            return
        self._shown = entry if entry is not None and entry.transcript is not None else None
        if self._shown is None or self._shown.transcript is None:
            self.empty_label.setText(self._placeholder(entry))
            self.views.setCurrentWidget(self.empty_label)
            return
        self.transcript_view.set_transcript(self._shown.transcript)
        self.notice_bar.show_notices(self._shown.transcript)
        self.player.set_source(self._shown.audio)
        self.views.setCurrentIndex(1)

    def _placeholder(self, entry: QueueEntry | None) -> str:
        """What the transcript area says while there is no transcript to show."""
        if entry is None:
            return self.tr("Drop files above or press Record.\nThe transcript appears here.")
        if entry.state == "failed":
            return self.tr("%s could not be transcribed.") % entry.label + "\n\n" + entry.message
        if entry.state == "cancelled":
            return self.tr("Cancelled. Retry starts it again.")
        return self.tr("The transcript appears here when it is done.")

    def _on_edited(self) -> None:
        self._edits_pending = True
        self._save_timer.start()

    def _save_edits(self) -> None:
        """Keep the shown transcript's edits (in the queue entry and the history)."""
        self._save_timer.stop()
        entry = self._shown
        if not self._edits_pending or entry is None or entry.transcript is None:
            return
        self._edits_pending = False
        entry.transcript = self.transcript_view.transcript()
        edited = detached_copy(entry.transcript)
        history, relay = self.history, self._relay

        def work() -> None:
            # Runs after the entry's first save (one worker thread, in order).
            if entry.history_id is None:
                return
            try:
                history.update(entry.history_id, edited)
            except Exception:
                log.exception("could not save the edits")
            relay.history_changed.emit()

        _background.submit(work)

    def _store_in_history(self, entry: QueueEntry, transcript: Transcript) -> None:
        """Save a finished transcript off the GUI thread (a long one takes ~0.1 s)."""
        history, relay, options = self.history, self._relay, entry.options
        transcript = detached_copy(transcript)

        def work() -> None:
            try:
                entry.history_id = history.save(transcript, options=options)
                self.runner.release_remote(entry.job_id)
            except Exception:
                log.exception("could not save the transcript to the history")
                return
            relay.history_changed.emit()

        _background.submit(work)

    def wait_for_history(self, timeout: float = 5.0) -> None:
        """Block until earlier history writes are done (closing, tests)."""
        concurrent.futures.wait([_background.submit(lambda: None)], timeout=timeout)

    def open_history(self, entry_id: int) -> None:
        for entry in self.queue.entries:
            if entry.history_id == entry_id:
                self.queue.select(entry)
                return
        record = self.history.load(entry_id)
        if record is None:
            self.history_panel.reload()
            return
        transcript = record.transcript
        engine = transcript.engine if transcript.engine in registry.provider_names() else ""
        display = registry.provider_class(engine).display_name if engine else transcript.engine
        entry = QueueEntry(record.entry.title, engine, display)
        entry.state, entry.fraction, entry.transcript = "done", 1.0, transcript
        entry.duration, entry.history_id = transcript.duration, entry_id
        source = Path(record.entry.source)
        entry.audio = source if source.is_absolute() and source.exists() else None
        entry.ended = entry.started
        self.queue.add(entry)
        self.queue.select(entry)

    def export_selected(self) -> None:
        self._save_edits()
        entry = self.queue.selected()
        if entry is None or entry.transcript is None:
            return
        folder = self.settings.general.output_folder or (
            str(entry.audio.parent) if entry.audio is not None else None
        )
        dialog = ExportDialog(entry.transcript, folder, self, self.language)
        dialog.exported.connect(
            lambda paths: self.statusBar().showMessage(
                self.tr("Saved %s") % ", ".join(Path(p).name for p in paths), 6000
            )
        )
        dialog.open()

    # ------------------------------------------------------------------ recording
    def start_recording(self, device: int | str | None) -> None:
        name = self.engine()
        cls = registry.provider_class(name)
        if not cls.capabilities.live:
            live = ", ".join(
                c.display_name for c in registry.provider_classes() if c.capabilities.live
            )
            self.record_panel.show_message(
                self.tr("%s cannot transcribe live. Choose one of: %s.") % (cls.display_name, live)
            )
            return
        try:
            options = self.options_panel.options()
        except SoriError as exc:
            self.record_panel.show_message(exc.describe(self.language))
            return
        label = self.tr("Recording %s") % time.strftime("%H:%M")
        entry = QueueEntry(label, name, cls.display_name, options=options)
        entry.state = "processing"
        self._live_entry = entry
        self.queue.add(entry)
        self.live_view.reset(name, entry.label)
        self.views.setCurrentWidget(self.live_view)
        self.live.start(name, options, device=device)
        self.record_panel.set_recording(True, self.live.source)
        self.queue.select(entry)

    def _on_live_event(self, event: StreamEvent) -> None:
        self.live_view.apply(event)

    def _on_live_finished(self, result: LiveResult) -> None:
        self.record_panel.set_recording(False)
        entry = self._live_entry
        self._live_entry = None
        if entry is None:
            return
        if result.recording is not None:
            entry.label = result.recording.name
            entry.audio = result.recording
            entry.source = MediaSource(path=result.recording)
        if result.error is not None:
            self.record_panel.show_message(result.error.describe(self.language))
        self._finish(entry, result.transcript)
        self._show_entry(entry)

    def _on_live_failed(self, message: str) -> None:
        self.record_panel.set_recording(False)
        self.record_panel.show_message(message)
        entry = self._live_entry
        self._live_entry = None
        if entry is not None:
            entry.state, entry.message = "failed", message
            self.queue.refresh(entry)

    # ------------------------------------------------------------------ settings & state
    def open_settings(self, page: str | None = None) -> None:
        kwargs = {"page": page} if isinstance(page, str) and page else {}
        dialog = SettingsDialog(self.settings, self.store, self.runner.engine_loop, self, **kwargs)
        dialog.finished.connect(lambda _: self._refresh_credentials())
        dialog.accepted.connect(self.sidebar.follow_default_engine)
        dialog.open()

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)

    def closeEvent(self, event: QCloseEvent) -> None:
        running = [e for e in self.queue.entries if e.running]
        if running or self.live.running:
            answer = QMessageBox.question(
                self,
                self.tr("Work in progress"),
                self.tr(
                    "Jobs or a recording are still running. Stop them and quit?\n"
                    "Cloud jobs already accepted are picked up again next time."
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self._save_edits()
        self.wait_for_history()
        self.options_panel.flush()
        QSettings().setValue("window/geometry", self.saveGeometry())
        self.live.shutdown()
        self.runner.shutdown()
        self.player.stop()
        event.accept()
