"""The job queue: one row per file, URL, recording or resumed cloud job.

Each row shows the name, the audio's length, the engine, the state with a progress bar
(queued, uploading %, processing %, done, failed with its message, cancelled) and the time
spent with an estimate of the time left. GUI thread only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource
from desktop_app.ui import notices

WORKING_STATES = {"decoding", "uploading", "processing", "downloading"}
RUNNING_STATES = {"queued", "starting", *WORKING_STATES}
FILE, LENGTH, ENGINE, STATE, TIME = range(5)
STATE_WIDTH = 210
FAILED_COLOR = QColor("#d0423a")  # readable on light and dark bases alike


def column_titles() -> list[str]:
    # Literal translate() calls, so that lupdate collects them under "QueueTable".
    return [
        QCoreApplication.translate("QueueTable", "File"),
        QCoreApplication.translate("QueueTable", "Length"),
        QCoreApplication.translate("QueueTable", "Engine"),
        QCoreApplication.translate("QueueTable", "State"),
        QCoreApplication.translate("QueueTable", "Time"),
    ]


def time_left(clock: str) -> str:
    return QCoreApplication.translate("QueueTable", "%s left") % clock


def stage_label(stage: str) -> str:
    labels = {
        "starting": QCoreApplication.translate("QueueTable", "Starting"),
        "queued": QCoreApplication.translate("QueueTable", "Queued"),
        "decoding": QCoreApplication.translate("QueueTable", "Decoding"),
        "uploading": QCoreApplication.translate("QueueTable", "Uploading"),
        "processing": QCoreApplication.translate("QueueTable", "Transcribing"),
        "downloading": QCoreApplication.translate("QueueTable", "Downloading"),
        "done": QCoreApplication.translate("QueueTable", "Done"),
        "failed": QCoreApplication.translate("QueueTable", "Failed"),
        "cancelled": QCoreApplication.translate("QueueTable", "Cancelled"),
    }
    return labels.get(stage, stage)


def format_clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:d}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:d}:{secs:02d}"


@dataclass(slots=True, eq=False)
class QueueEntry:
    """One job as the window knows it."""

    label: str
    engine: str
    engine_name: str
    source: MediaSource | None = None
    options: TranscriptionOptions = field(default_factory=TranscriptionOptions)
    job_id: int | None = None
    state: str = "starting"
    fraction: float | None = None
    started: float = field(default_factory=time.monotonic)
    working_since: float | None = None  # when the engine began (the wait in the queue excluded)
    ended: float | None = None
    duration: float | None = None
    transcript: Transcript | None = None
    history_id: int | None = None
    message: str = ""
    details: str = ""
    audio: Path | None = None  # what the player plays (the file, or the recording)

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    def elapsed(self) -> float:
        """Seconds of work so far (or in all, once ended), not counting the wait in the queue."""
        began = self.working_since if self.working_since is not None else self.started
        return max(0.0, (self.ended or time.monotonic()) - began)

    def remaining(self) -> float | None:
        """Seconds left, from the progress so far (None until it can be told)."""
        if self.state not in WORKING_STATES or not self.fraction or self.fraction < 0.02:
            return None
        elapsed = self.elapsed()
        return max(0.0, elapsed * (1 - self.fraction) / self.fraction)


class QueueTable(QTableWidget):
    """The queue's rows; ``entries[row]`` is the entry shown in that row. GUI thread only.

    Signals:
      entry_selected(object)   the selected entry changed (None when nothing is selected)
    """

    entry_selected = Signal(object)

    COLUMNS = ("File", "Length", "Engine", "State", "Time")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.entries: list[QueueEntry] = []
        titles = column_titles()
        for column, title in enumerate(titles):
            item = QTableWidgetItem(title)
            item.setTextAlignment(self._alignment(column))
            self.setHorizontalHeaderItem(column, item)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ENGINE, QHeaderView.ResizeMode.ResizeToContents)
        for column in (LENGTH, STATE, TIME):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()

        def fit(column: int, sample: str) -> None:
            # Sized for the widest value in the interface language, so the column neither
            # clips nor jumps while times change.
            widest = max(
                metrics.horizontalAdvance(sample), metrics.horizontalAdvance(titles[column])
            )
            self.setColumnWidth(column, widest + 24)

        fit(LENGTH, "8:88:88")
        fit(TIME, "88:88 · " + time_left("88:88"))
        self.setColumnWidth(STATE, STATE_WIDTH)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(metrics.height() + 14)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep the file's extension visible
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setAccessibleName(QCoreApplication.translate("QueueTable", "Queue"))
        self.itemSelectionChanged.connect(lambda: self.entry_selected.emit(self.selected()))
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    @staticmethod
    def _alignment(column: int) -> Qt.AlignmentFlag:
        if column == LENGTH:
            return Qt.AlignmentFlag.AlignCenter
        side = Qt.AlignmentFlag.AlignRight if column == TIME else Qt.AlignmentFlag.AlignLeft
        return side | Qt.AlignmentFlag.AlignVCenter

    def add(self, entry: QueueEntry) -> int:
        row = self.rowCount()
        self.insertRow(row)
        self.entries.append(entry)
        for column, text in ((FILE, entry.label), (LENGTH, ""), (ENGINE, entry.engine_name)):
            item = QTableWidgetItem(text)
            item.setTextAlignment(self._alignment(column))
            self.setItem(row, column, item)
        cell = QWidget()
        layout = QHBoxLayout(cell)
        layout.setContentsMargins(4, 4, 6, 4)
        bar = QProgressBar(cell)
        bar.setRange(0, 1000)
        bar.setAccessibleName(QCoreApplication.translate("QueueTable", "Progress"))
        layout.addWidget(bar)
        self.setCellWidget(row, STATE, cell)
        time_item = QTableWidgetItem("")
        time_item.setTextAlignment(self._alignment(TIME))
        self.setItem(row, TIME, time_item)
        self.refresh(entry)
        return row

    def row_of(self, entry: QueueEntry) -> int:
        return self.entries.index(entry)

    def by_job(self, job_id: int) -> QueueEntry | None:
        return next((e for e in self.entries if e.job_id == job_id), None)

    def selected(self) -> QueueEntry | None:
        row = self.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def select(self, entry: QueueEntry) -> None:
        self.selectRow(self.row_of(entry))

    def remove(self, entry: QueueEntry) -> None:
        row = self.row_of(entry)
        self.entries.pop(row)
        self.removeRow(row)

    def bar(self, entry: QueueEntry) -> QProgressBar:
        cell = self.cellWidget(self.row_of(entry), STATE)
        bar = cell.findChild(QProgressBar) if cell is not None else None
        assert isinstance(bar, QProgressBar)
        return bar

    def refresh(self, entry: QueueEntry) -> None:
        """Show the entry's current state in its row."""
        if entry.state in WORKING_STATES and entry.working_since is None:
            entry.working_since = time.monotonic()
        row = self.row_of(entry)
        bar = self.bar(entry)
        label = stage_label(entry.state)
        if entry.state == "done":
            bar.setRange(0, 1000)
            bar.setValue(1000)
            bar.setFormat(label)
        elif entry.state in {"failed", "cancelled", "queued", "starting"}:
            bar.setRange(0, 1000)
            bar.setValue(0)
            bar.setFormat(label)
        elif entry.fraction is None:
            bar.setRange(0, 0)  # busy indicator
            bar.setFormat(label)
        else:
            bar.setRange(0, 1000)
            bar.setValue(int(entry.fraction * 1000))
            bar.setFormat(f"{label} {entry.fraction * 100:.0f}%")
        palette = self.palette()
        if entry.state == "failed":
            palette.setColor(QPalette.ColorRole.Text, FAILED_COLOR)
        bar.setPalette(palette)
        tip = entry.message or label
        bar.setToolTip(tip)
        name = self.item(row, FILE)
        if name is not None:
            name.setToolTip(f"{entry.label}\n{entry.message}" if entry.message else entry.label)
            name.setText(entry.label)
            name.setIcon(
                self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                if entry.state == "failed"
                else QIcon()
            )
            notices.mark_row(name, entry.transcript, self)
        length = self.item(row, LENGTH)
        if length is not None:
            length.setText(format_clock(entry.duration) if entry.duration else "")
        self._show_time(entry)

    def _show_time(self, entry: QueueEntry) -> None:
        item = self.item(self.row_of(entry), TIME)
        if item is None:
            return
        if entry.working_since is None:
            # Waiting in the queue, or reopened from the history: no time of its own to show.
            item.setText("")
            return
        text = format_clock(entry.elapsed())
        remaining = entry.remaining()
        if remaining is not None:
            text += " · " + time_left(format_clock(remaining))
        item.setText(text)

    def _tick(self) -> None:
        for entry in self.entries:
            if entry.running:
                self._show_time(entry)
