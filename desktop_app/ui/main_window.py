"""The main window: drop or open files, pick an engine, watch the queue, read and export.

Runs entirely on the GUI thread; engine work goes through :class:`~desktop_app.ui.bridge.JobRunner`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.errors import SoriError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Transcript
from desktop_app.export import FORMATS, ExportOptions, export_transcript
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource
from desktop_app.ui.bridge import JobRunner

MEDIA_SUFFIXES = [
    ".wav",
    ".mp3",
    ".m4a",
    ".aac",
    ".ac3",
    ".ogg",
    ".oga",
    ".opus",
    ".flac",
    ".webm",
    ".amr",
    ".mp4",
    ".mov",
    ".mkv",
    ".avi",
    ".wma",
    ".wmv",
    ".flv",
]

STAGE_TEXT = {
    "decoding": "Decoding",
    "uploading": "Uploading",
    "queued": "Queued",
    "processing": "Transcribing",
    "downloading": "Downloading",
    "done": "Done",
}


def format_time(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:d}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:d}:{secs:02d}"


@dataclass(slots=True)
class QueueEntry:
    """One row of the queue."""

    path: Path
    engine: str
    row: int
    job_id: int | None = None
    transcript: Transcript | None = None
    state: str = "queued"


class DropZone(QFrame):
    """A large target for dropped files and folders. GUI thread only."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setMinimumHeight(110)
        self.setAccessibleName(self.tr("Drop audio or video files here"))
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Drop audio or video files here"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        hint = QLabel(self.tr("WAV, MP3, M4A, FLAC, OGG, Opus, WebM, AMR, MP4, MOV, MKV …"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setEnabled(False)
        self.open_button = QPushButton(self.tr("Open files…"))
        self.open_button.setShortcut(QKeySequence.StandardKey.Open)
        self.open_button.clicked.connect(window.open_files)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.open_button)
        row.addStretch()
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(row)
        self.setStyleSheet(
            "#dropZone { border: 2px dashed palette(mid); border-radius: 10px; }"
            '#dropZone[hover="true"] { border-color: palette(highlight); }'
        )

    def _set_hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            self._set_hover(True)
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: object) -> None:
        self._set_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hover(False)
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self._window.add_paths(paths)
        event.acceptProposedAction()


class MainWindow(QMainWindow):
    """The application window. GUI thread only."""

    def __init__(self, runner: JobRunner | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.runner = runner or JobRunner(parent=self)
        self.entries: list[QueueEntry] = []
        self._by_job: dict[int, QueueEntry] = {}
        self._build()
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self._restore_geometry()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.drop_zone = DropZone(self)
        layout.addWidget(self.drop_zone)

        engine_row = QHBoxLayout()
        engine_label = QLabel(self.tr("Engine:"))
        self.engine_box = QComboBox()
        self.engine_box.setAccessibleName(self.tr("Speech engine"))
        for cls in registry.provider_classes():
            self.engine_box.addItem(cls.display_name, cls.name)
        self.engine_box.setCurrentIndex(max(0, self.engine_box.findData(registry.DEFAULT_PROVIDER)))
        engine_label.setBuddy(self.engine_box)
        engine_row.addWidget(engine_label)
        engine_row.addWidget(self.engine_box, 1)
        layout.addLayout(engine_row)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.queue = QTableWidget(0, 3)
        self.queue.setAccessibleName(self.tr("Queue"))
        self.queue.setHorizontalHeaderLabels([self.tr("File"), self.tr("Engine"), self.tr("State")])
        self.queue.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.verticalHeader().setVisible(False)
        self.queue.itemSelectionChanged.connect(self._show_selected)
        splitter.addWidget(self.queue)

        self.transcript_view = QTableWidget(0, 3)
        self.transcript_view.setAccessibleName(self.tr("Transcript"))
        self.transcript_view.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Speaker"), self.tr("Text")]
        )
        self.transcript_view.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.transcript_view.verticalHeader().setVisible(False)
        self.transcript_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.transcript_view.setWordWrap(True)
        splitter.addWidget(self.transcript_view)
        splitter.setSizes([200, 400])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Cancel job"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setShortcut(QKeySequence("Ctrl+E"))
        self.export_button.clicked.connect(self.export_selected)
        self.export_button.setEnabled(False)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        self.setCentralWidget(central)

        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)
        self.statusBar().showMessage(self.tr("Ready. The offline engine needs no account."))

    # ----------------------------------------------------------------- input
    def open_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in MEDIA_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Open audio or video"), "", self.tr("Media files") + f" ({patterns})"
        )
        self.add_paths([Path(f) for f in files])

    def add_paths(self, paths: list[Path]) -> None:
        """Queue files (folders are searched for media files) and start them."""
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(
                    p for p in sorted(path.rglob("*")) if p.suffix.lower() in MEDIA_SUFFIXES
                )
            else:
                files.append(path)
        for file in files:
            self._enqueue(file)

    def _enqueue(self, path: Path) -> None:
        engine = str(self.engine_box.currentData())
        row = self.queue.rowCount()
        self.queue.insertRow(row)
        name_item = QTableWidgetItem(path.name)
        name_item.setToolTip(str(path))
        self.queue.setItem(row, 0, name_item)
        self.queue.setItem(row, 1, QTableWidgetItem(self.engine_box.currentText()))
        bar = QProgressBar()
        bar.setRange(0, 1000)
        bar.setValue(0)
        bar.setFormat(self.tr("Queued"))
        self.queue.setCellWidget(row, 2, bar)
        entry = QueueEntry(path=path, engine=engine, row=row)
        self.entries.append(entry)
        entry.job_id = self.runner.start(engine, MediaSource(path=path), TranscriptionOptions())
        self._by_job[entry.job_id] = entry
        if self.queue.currentRow() < 0:
            self.queue.selectRow(row)

    # ----------------------------------------------------------------- job events
    def _bar(self, entry: QueueEntry) -> QProgressBar:
        widget = self.queue.cellWidget(entry.row, 2)
        assert isinstance(widget, QProgressBar)
        return widget

    def _on_progress(self, job_id: int, stage: str, fraction: float) -> None:
        entry = self._by_job.get(job_id)
        if entry is None:
            return
        entry.state = stage
        bar = self._bar(entry)
        label = self.tr(STAGE_TEXT.get(stage, stage))
        if fraction < 0:
            bar.setRange(0, 0)
            bar.setFormat(label)
        else:
            bar.setRange(0, 1000)
            bar.setValue(int(fraction * 1000))
            bar.setFormat(f"{label} %p%")

    def _on_finished(self, job_id: int, transcript: Transcript) -> None:
        entry = self._by_job.get(job_id)
        if entry is None:
            return
        entry.state = "done"
        entry.transcript = transcript
        bar = self._bar(entry)
        bar.setRange(0, 1000)
        bar.setValue(1000)
        duration = f" · {format_time(transcript.duration)}" if transcript.duration else ""
        bar.setFormat(self.tr("Done") + duration)
        self.statusBar().showMessage(self.tr("Finished: %s") % entry.path.name, 5000)
        if self.queue.currentRow() == entry.row:
            self._show_selected()

    def _on_failed(self, job_id: int, message: str, details: str) -> None:
        entry = self._by_job.get(job_id)
        if entry is None:
            return
        entry.state = "failed"
        bar = self._bar(entry)
        bar.setRange(0, 1000)
        bar.setValue(0)
        bar.setFormat(self.tr("Failed"))
        bar.setToolTip(message)
        item = self.queue.item(entry.row, 0)
        if item is not None:
            item.setToolTip(f"{entry.path}\n{message}")
        self.statusBar().showMessage(f"{entry.path.name}: {message}")

    def _on_cancelled(self, job_id: int) -> None:
        entry = self._by_job.get(job_id)
        if entry is None:
            return
        entry.state = "cancelled"
        bar = self._bar(entry)
        bar.setRange(0, 1000)
        bar.setFormat(self.tr("Cancelled"))

    # ----------------------------------------------------------------- selection
    def selected_entry(self) -> QueueEntry | None:
        row = self.queue.currentRow()
        for entry in self.entries:
            if entry.row == row:
                return entry
        return None

    def _show_selected(self) -> None:
        entry = self.selected_entry()
        transcript = entry.transcript if entry else None
        self.export_button.setEnabled(transcript is not None)
        self.cancel_button.setEnabled(entry is not None and entry.transcript is None)
        view = self.transcript_view
        view.setRowCount(0)
        if transcript is None:
            return
        view.setRowCount(len(transcript.segments))
        for row, segment in enumerate(transcript.segments):
            view.setItem(row, 0, QTableWidgetItem(format_time(segment.start)))
            view.setItem(row, 1, QTableWidgetItem(transcript.speaker_name(segment.speaker) or ""))
            view.setItem(row, 2, QTableWidgetItem(segment.text))
        view.resizeRowsToContents()

    def cancel_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.job_id is not None:
            self.runner.cancel(entry.job_id)

    # ----------------------------------------------------------------- export
    def export_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or entry.transcript is None:
            return
        filters = [f"{spec.description} (*{spec.extension})" for spec in FORMATS.values()]
        suggested = str(entry.path.with_suffix(".txt"))
        filename, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export transcript"), suggested, ";;".join(filters)
        )
        if not filename:
            return
        fmt = next(
            (name for name, spec in FORMATS.items() if chosen.endswith(f"(*{spec.extension})")),
            "txt",
        )
        target = Path(filename)
        if not target.suffix:
            target = target.with_suffix(FORMATS[fmt].extension)
        self.export_to(entry.transcript, fmt, target)

    def export_to(self, transcript: Transcript, fmt: str, target: Path) -> bool:
        try:
            export_transcript(transcript, fmt, target, ExportOptions(speaker_names=True))
        except (SoriError, OSError) as exc:
            message = exc.describe() if isinstance(exc, SoriError) else str(exc)
            QMessageBox.warning(self, self.tr("Export failed"), message)
            return False
        self.statusBar().showMessage(self.tr("Saved %s") % target, 5000)
        return True

    # ----------------------------------------------------------------- window state
    def _restore_geometry(self) -> None:
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(960, 680)

    def closeEvent(self, event: QCloseEvent) -> None:
        running = self.runner.running_jobs()
        if running:
            answer = QMessageBox.question(
                self,
                self.tr("Jobs are running"),
                self.tr("%n job(s) are still running. Stop them and quit?", "", len(running)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        QSettings().setValue("window/geometry", self.saveGeometry())
        self.runner.shutdown()
        event.accept()

    def open_url(self, url: QUrl) -> None:
        if url.isLocalFile():
            self.add_paths([Path(url.toLocalFile())])
