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
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource

RUNNING_STATES = {"queued", "decoding", "uploading", "processing", "downloading", "starting"}


def tr(text: str) -> str:
    return QCoreApplication.translate("QueueTable", text)


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
        return (self.ended or time.monotonic()) - self.started

    def remaining(self) -> float | None:
        """Seconds left, from the progress so far (None until it can be told)."""
        if not self.running or not self.fraction or self.fraction < 0.02:
            return None
        elapsed = self.elapsed()
        return max(0.0, elapsed * (1 - self.fraction) / self.fraction)


class QueueTable(QTableWidget):
    """The queue's rows; ``entries[row]`` is the entry shown in that row.

    Signals:
      entry_selected(object)   the selected entry changed (None when nothing is selected)
    """

    entry_selected = Signal(object)

    COLUMNS = ("File", "Length", "Engine", "State", "Time")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.entries: list[QueueEntry] = []
        self.setHorizontalHeaderLabels([tr(name) for name in self.COLUMNS])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(3, 220)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.setAccessibleName(tr("Queue"))
        self.itemSelectionChanged.connect(lambda: self.entry_selected.emit(self.selected()))
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    def add(self, entry: QueueEntry) -> int:
        row = self.rowCount()
        self.insertRow(row)
        self.entries.append(entry)
        name = QTableWidgetItem(entry.label)
        name.setToolTip(entry.label)
        self.setItem(row, 0, name)
        self.setItem(row, 1, QTableWidgetItem(""))
        self.setItem(row, 2, QTableWidgetItem(entry.engine_name))
        bar = QProgressBar()
        bar.setRange(0, 1000)
        bar.setAccessibleName(tr("Progress"))
        self.setCellWidget(row, 3, bar)
        time_item = QTableWidgetItem("")
        time_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setItem(row, 4, time_item)
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
        widget = self.cellWidget(self.row_of(entry), 3)
        assert isinstance(widget, QProgressBar)
        return widget

    def refresh(self, entry: QueueEntry) -> None:
        """Show the entry's current state in its row."""
        row = self.row_of(entry)
        bar = self.bar(entry)
        label = stage_label(entry.state)
        if entry.state == "done":
            bar.setRange(0, 1000)
            bar.setValue(1000)
            bar.setFormat(label)
        elif entry.state in {"failed", "cancelled"}:
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
        tip = entry.message or label
        bar.setToolTip(tip)
        name = self.item(row, 0)
        if name is not None:
            name.setToolTip(f"{entry.label}\n{entry.message}" if entry.message else entry.label)
        length = self.item(row, 1)
        if length is not None:
            length.setText(format_clock(entry.duration) if entry.duration else "")
        self._show_time(entry)

    def _show_time(self, entry: QueueEntry) -> None:
        item = self.item(self.row_of(entry), 4)
        if item is None:
            return
        text = format_clock(entry.elapsed())
        remaining = entry.remaining()
        if remaining is not None:
            text += " · " + tr("%s left") % format_clock(remaining)
        item.setText(text)

    def _tick(self) -> None:
        for entry in self.entries:
            if entry.running:
                self._show_time(entry)
