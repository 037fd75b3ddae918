"""The main window: drop or open files (or a URL), record, choose the engine and its options,
watch the queue, read, correct and play the transcript, export it, and find past ones.

Runs on the GUI thread only. The window lays the widgets out and composes three controllers
that own their signals: :class:`~desktop_app.ui.queue_controller.QueueController` (adding files,
following jobs, the queue's buttons), :class:`~desktop_app.ui.history_controller.
HistoryController` (saving transcripts and edits, reopening past ones) and
:class:`~desktop_app.ui.recording_controller.RecordingController` (the Record panel and the
live session). Engine work goes through :class:`~desktop_app.ui.bridge.JobRunner` (files) and
:class:`~desktop_app.ui.live_runner.LiveRunner` (recording); both report back with queued
signals, so nothing here waits for audio, disk or network.
"""

from __future__ import annotations

import concurrent.futures
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.history import HistoryStore
from desktop_app.core.journal import RemoteJob
from desktop_app.core.secrets import CredentialStore, group_for
from desktop_app.core.settings import Settings
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource
from desktop_app.ui.bridge import JobRunner
from desktop_app.ui.compare_controller import CompareController
from desktop_app.ui.drop_zone import DropZone
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.glossary_fix import GlossaryFixOffer
from desktop_app.ui.history_controller import HistoryController
from desktop_app.ui.i18n import current_language
from desktop_app.ui.live_runner import LiveRunner
from desktop_app.ui.live_view import LiveView
from desktop_app.ui.queue_controller import QueueButtons, QueueController
from desktop_app.ui.queue_table import QueueEntry, QueueTable
from desktop_app.ui.record_panel import RecordPanel
from desktop_app.ui.recording_controller import RecordingController
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.shortcuts_dialog import show_shortcuts_dialog
from desktop_app.ui.sidebar import Sidebar
from desktop_app.ui.transcript_page import TranscriptPage
from desktop_app.ui.unfinished_jobs import UnfinishedJobsOffer

log = logging.getLogger(__name__)

_background = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sori-keys")


class _Relay(QObject):
    """Carries results of background look-ups to the GUI thread."""

    credentials_known = Signal(object)  # dict engine -> bool


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
        self.url_button = QPushButton(self.tr("Add URL"))
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
        self.transcript_page = TranscriptPage()
        self.transcript_view = self.transcript_page.view
        self.notice_bar = self.transcript_page.notice_bar
        self.player = self.transcript_page.player
        self.timeline = self.transcript_page.timeline
        self.live_view = LiveView()
        self.views.addWidget(self.empty_label)
        self.views.addWidget(self.transcript_page)
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
        self._build_controllers()
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
        file_menu.addAction(
            action(self.tr("&Compare engines…"), None, self.compare.compare_selected)
        )
        file_menu.addAction(action(self.tr("&Glossaries…"), None, self.glossaries.open_editor))
        file_menu.addSeparator()
        file_menu.addAction(action(self.tr("&Settings…"), "Ctrl+,", self.open_settings))
        file_menu.addSeparator()
        file_menu.addAction(action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close))
        # The Edit menu shows the transcript view's own actions (one action per key, so no
        # shortcut is ambiguous); they act wherever the focus is in the window.
        view, page = self.transcript_view, self.transcript_page
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        for shared in (view.undo_action, view.redo_action):
            shared.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            edit_menu.addAction(shared)
        edit_menu.addSeparator()
        edit_menu.addAction(view.find_action)
        edit_menu.addSeparator()
        for item in page.edit_actions:
            edit_menu.addAction(item)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(page.timeline_action)
        view_menu.addAction(view.follow_action)
        view_menu.addAction(view.low_confidence_action)
        play_menu = self.menuBar().addMenu(self.tr("&Playback"))
        for item in page.playback_actions:
            play_menu.addAction(item)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(action(self.tr("&Keyboard shortcuts"), None, self.show_shortcuts))
        self._page_actions = [view.find_action, *page.playback_actions, *page.edit_actions]
        self.views.currentChanged.connect(self._enable_page_actions)
        self._enable_page_actions()

    def _enable_page_actions(self) -> None:
        """The transcript's keys work only while a transcript is shown."""
        shown = self.views.currentWidget() is self.transcript_page
        for item in self._page_actions:
            item.setEnabled(shown)

    def show_shortcuts(self) -> None:
        show_shortcuts_dialog(self, self.menuBar().actions())

    def _build_controllers(self) -> None:
        buttons = QueueButtons(
            cancel=self.cancel_button,
            retry=self.retry_button,
            rerun=self.rerun_button,
            remove=self.remove_button,
            details=self.details_button,
            export=self.export_button,
        )
        self.queue_controller = QueueController(
            self,
            self.queue,
            buttons,
            self.runner,
            self.sidebar,
            self.url_field,
            self.url_button,
            self.language,
        )
        self.history_controller = HistoryController(
            self.history,
            self.history_panel,
            self.transcript_view,
            self.queue,
            self,
            saved=lambda entry: self.runner.release_remote(entry.job_id),
        )
        self.glossaries = self.sidebar.glossary_choice
        self.compare = CompareController(
            self, self.queue_controller, self.runner, self.glossaries, self.history
        )
        self.recording_controller = RecordingController(
            self.record_panel, self.live, self.live_view, self.queue_controller, self.language, self
        )

    def _connect(self) -> None:
        self.sidebar.engine_changed.connect(self._update_for_engine)
        self.sidebar.keys_requested.connect(lambda: self.open_settings(self.engine()))
        self.export_button.clicked.connect(self.export_selected)
        queue, recording = self.queue_controller, self.recording_controller
        for controller in (queue, recording):
            controller.message.connect(self.statusBar().showMessage)
            controller.show_requested.connect(self._show_entry)
        queue.transcript_ready.connect(self.history_controller.store)
        queue.partial_changed.connect(self._show_entry)
        recording.live_shown.connect(lambda: self.views.setCurrentWidget(self.live_view))
        self._relay.credentials_known.connect(self.sidebar.show_credentials)
        self._relay.credentials_known.connect(self.compare.set_credentials)
        queue.compare_requested.connect(self.compare.compare_entry)
        self.history_panel.compare_requested.connect(self.compare.compare_history)
        self.compare.message.connect(self.statusBar().showMessage)
        self.compare.settings_requested.connect(self.open_settings)
        self.compare.history_changed.connect(self.history_panel.reload)
        self.glossary_fix = GlossaryFixOffer(self.notice_bar, self.transcript_view.model, self)
        for controller in (queue, recording):  # after _show_entry, which fills the bar
            controller.show_requested.connect(self._offer_glossary_fix)
        self._relay.credentials_known.connect(queue.set_credentials)
        queue.keys_missing.connect(self.drop_zone.show_keys_needed)
        self.sidebar.engine_changed.connect(lambda _: self.drop_zone.show_keys_needed(""))
        self.drop_zone.settings_requested.connect(self.open_settings)

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
        self.queue_controller.open_files()

    def add_paths(self, paths: list[Path]) -> None:
        """Queue files (folders are searched for media files) with the current engine."""
        self.queue_controller.add_paths(paths)

    def add_url(self) -> None:
        self.queue_controller.add_url()

    def enqueue(
        self, source: MediaSource, label: str, engine: str | None = None
    ) -> QueueEntry | None:
        return self.queue_controller.enqueue(source, label, engine)

    def resume_jobs(self, jobs: list[RemoteJob]) -> None:
        """Collect cloud jobs accepted before the app last closed (no new upload)."""
        self.queue_controller.resume_jobs(jobs)

    # ------------------------------------------------------------------ queue actions
    def _update_buttons(self) -> None:
        self.queue_controller.update_buttons()

    def cancel_selected(self) -> None:
        self.queue_controller.cancel_selected()

    def retry_selected(self) -> None:
        self.queue_controller.retry_selected()

    def remove_selected(self) -> None:
        self.queue_controller.remove_selected()

    def copy_details(self) -> None:
        self.queue_controller.copy_details()

    # ------------------------------------------------------------------ transcript
    def _show_entry(self, entry: QueueEntry | None) -> None:
        self._save_edits()
        self._update_buttons()
        if entry is not None and entry is self.recording_controller.entry and self.live.running:
            self.views.setCurrentWidget(self.live_view)
            return
        shown = entry if entry is not None and entry.transcript is not None else None
        self.history_controller.shown = shown
        partial = self.queue_controller.partial_for(entry) if entry is not None else None
        if shown is None and entry is not None and partial is not None:
            self.transcript_page.show_partial(partial, entry.audio)
            self.views.setCurrentWidget(self.transcript_page)
            return
        if shown is None or shown.transcript is None:
            self.empty_label.setText(self._placeholder(entry))
            self.views.setCurrentWidget(self.empty_label)
            return
        self.transcript_page.show_transcript(shown.transcript, shown.audio)
        self.views.setCurrentWidget(self.transcript_page)

    def _offer_glossary_fix(self, entry: QueueEntry | None) -> None:
        use = self.glossaries.use_of(entry.job_id) if entry is not None else None
        self.glossary_fix.offer(use.glossary if use else None, use.name if use else "")

    def _placeholder(self, entry: QueueEntry | None) -> str:
        """What the transcript area says while there is no transcript to show."""
        if entry is None:
            return self.tr(
                "Drop files above or press Record.\n\n"
                "Ctrl+O  open audio or video files\n"
                "Ctrl+R  record and transcribe live\n"
                "Ctrl+,  settings: engines and their keys\n\n"
                "The transcript appears here."
            )
        if entry.state == "failed":
            return self.tr("%s could not be transcribed.") % entry.label + "\n\n" + entry.message
        if entry.state == "cancelled":
            return self.tr("Cancelled. Retry starts it again.")
        return self.tr("The transcript appears here when it is done.")

    def _save_edits(self) -> None:
        """Keep the shown transcript's edits (in the queue entry and the history)."""
        self.history_controller.save_edits()

    def wait_for_history(self, timeout: float = 5.0) -> None:
        """Block until earlier history writes are done (closing, tests)."""
        self.history_controller.wait(timeout)

    def open_history(self, entry_id: int) -> None:
        self.history_controller.open_history(entry_id)

    def export_selected(self) -> None:
        self._save_edits()
        entry = self.queue.selected()
        if entry is None or entry.transcript is None:
            return
        folder = self.settings.general.output_folder or (
            str(entry.audio.parent) if entry.audio is not None else None
        )
        dialog = ExportDialog(entry.transcript, folder, self, self.language)
        dialog.jump_to_segment.connect(self.transcript_page.jump_to_segment)
        dialog.exported.connect(
            lambda paths: self.statusBar().showMessage(
                self.tr("Saved %s") % ", ".join(Path(p).name for p in paths), 6000
            )
        )
        dialog.open()

    # ------------------------------------------------------------------ recording
    def start_recording(self, device: int | str | None) -> None:
        self.recording_controller.start_recording(device)

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
        self.queue_controller.shutdown()
        self.live.shutdown()
        self.runner.shutdown()
        self.transcript_page.shutdown()
        event.accept()
