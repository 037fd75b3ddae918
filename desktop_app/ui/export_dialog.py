"""The export dialog: pick formats and options, a folder and a file name, and write the files.

The dialog takes the transcript as it is now (with the user's edits) and writes a snapshot of it
on a worker thread from Qt's global thread pool, so even a 10 000-segment DOCX never freezes the
window. Success or failure is reported inside the dialog, with the files written and an
"Open folder" button. The chosen formats, options, subtitle rules and folder are remembered
(QSettings).

When SRT or WebVTT is chosen, a :class:`~desktop_app.ui.subtitle_preview.SubtitlePanel` beside
the choices picks the subtitle rules (a preset, every number editable), previews the first cues
and lists the rules the cues still break; its "jump" reaches the window as ``jump_to_segment``.
The layout never lets a part shrink below what it needs (the dialog grows instead), so messages
shown after an export cannot squash it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRunnable, QSettings, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import SoriError
from desktop_app.core.transcript import Transcript
from desktop_app.export import FORMATS, ExportOptions, export_transcript, names
from desktop_app.ui.history_panel import engine_name
from desktop_app.ui.i18n import current_language
from desktop_app.ui.inline_message import InlineMessage
from desktop_app.ui.subtitle_preview import SubtitlePanel
from desktop_app.ui.transcript_model import snapshot_transcript

log = logging.getLogger(__name__)

DEFAULT_FORMATS = ("txt", "srt")
SUBTITLE_FORMATS = frozenset({"srt", "vtt"})


def proposed_name(transcript: Transcript) -> str:
    """A file name stem from the source (``meeting.m4a`` → ``meeting``), else a dated one."""
    stem = names.source_stem(transcript.source, default="")
    return stem or time.strftime("transcript-%Y%m%d-%H%M")


def safe_stem(name: str) -> str:
    """``name`` as a file name that stays in its folder on every platform (or "")."""
    return names.safe_stem(name, default="")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    transcript: Transcript
    formats: tuple[str, ...]
    folder: Path
    stem: str
    options: ExportOptions

    def targets(self) -> list[tuple[str, Path]]:
        return [(f, self.folder / f"{self.stem}{FORMATS[f].extension}") for f in self.formats]


class _ExportSignals(QObject):
    finished = Signal(list, list)  # written paths, [(format, message)] failures


class _ExportTask(QRunnable):
    """Writes the files on a thread-pool thread; reports through queued signals."""

    def __init__(self, request: ExportRequest, language: str) -> None:
        super().__init__()
        self.request = request
        self.language = language
        self.signals = _ExportSignals()

    def run(self) -> None:
        written: list[str] = []
        failed: list[tuple[str, str]] = []
        for fmt, path in self.request.targets():
            try:
                export_transcript(self.request.transcript, fmt, path, self.request.options)
                written.append(str(path))
            except SoriError as exc:
                failed.append((fmt, exc.describe(self.language)))
            except Exception as exc:  # a writer bug must reach the dialog, not kill the thread
                log.exception("export to %s failed", path)
                failed.append((fmt, f"{type(exc).__name__}: {exc}"))
        self.signals.finished.emit(written, failed)


class ExportDialog(QDialog):
    """Chooses and writes exports of one transcript. GUI thread only (writing is pooled).

    Signals:
      exported(list)         paths written by the last export (only when every format succeeded)
      jump_to_segment(int)   the user wants to see this transcript segment (a subtitle problem)
    """

    exported = Signal(list)
    jump_to_segment = Signal(int)

    def __init__(
        self,
        transcript: Transcript,
        folder: str | Path | None = None,
        parent: QWidget | None = None,
        language: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export transcript"))
        self._transcript = transcript
        self._language = language or current_language()
        self._task: _ExportTask | None = None
        self._close_when_done: int | None = None
        self._settings = QSettings()
        self._build()
        self._restore(folder)
        self._validate()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        formats_box = QGroupBox(self.tr("Formats"), self)
        grid = QGridLayout(formats_box)
        self.format_boxes: dict[str, QCheckBox] = {}
        for position, spec in enumerate(FORMATS.values()):
            description = spec.description_ko if self._language == "ko" else spec.description
            box = QCheckBox(f"{description} ({spec.extension})", formats_box)
            box.setAccessibleName(description)
            box.toggled.connect(self._validate)
            self.format_boxes[spec.name] = box
            grid.addWidget(box, position // 2, position % 2)

        options_box = QGroupBox(self.tr("Options"), self)
        options = QVBoxLayout(options_box)
        self.timestamps_box = QCheckBox(self.tr("Timestamps in text files"), options_box)
        self.timestamps_box.setToolTip(
            self.tr("Adds [hh:mm:ss] before each line of a TXT export; other formats keep times.")
        )
        self.speakers_box = QCheckBox(self.tr("Speaker names"), options_box)
        options.addWidget(self.timestamps_box)
        options.addWidget(self.speakers_box)

        self.folder_edit = QLineEdit(self)
        self.folder_edit.setAccessibleName(self.tr("Folder"))
        self.folder_edit.textChanged.connect(self._validate)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.name_edit = QLineEdit(proposed_name(self._transcript), self)
        self.name_edit.setAccessibleName(self.tr("File name"))
        self.name_edit.textChanged.connect(self._validate)
        place = QFormLayout()
        folder_label = QLabel(self.tr("&Folder:"), self)
        folder_label.setBuddy(self.folder_edit)
        name_label = QLabel(self.tr("File &name:"), self)
        name_label.setBuddy(self.name_edit)
        place.addRow(folder_label, folder_row)
        place.addRow(name_label, self.name_edit)

        self.subtitles = SubtitlePanel(snapshot_transcript(self._transcript), self._language, self)
        self.subtitles.jump_to_segment.connect(self.jump_to_segment)
        self.subtitles.rules_changed.connect(self._validate)

        self.preview_label = QLabel(self)
        self.preview_label.setWordWrap(True)
        self.preview_label.setEnabled(False)
        self.preview_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        self.message = InlineMessage(self)

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_folder_button = self.buttons.addButton(
            self.tr("Open folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_folder_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.open_folder_button.clicked.connect(self._open_folder)
        self.close_button.clicked.connect(self.reject)

        choices = QVBoxLayout()
        choices.addWidget(formats_box)
        choices.addWidget(options_box)
        choices.addLayout(place)
        choices.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(choices, 1)
        columns.addWidget(self.subtitles, 1)
        layout = QVBoxLayout(self)
        # The dialog may grow but never shrink below what its parts need (the squashed-layout
        # bug: word-wrapped messages asked for less height than they took).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(columns, 1)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _restore(self, folder: str | Path | None) -> None:
        chosen = self._settings.value("export/formats", list(DEFAULT_FORMATS))
        # QSettings gives back a one-item list as a plain string on some back ends.
        if isinstance(chosen, str):
            chosen_list = [chosen]
        elif isinstance(chosen, (list, tuple)):
            chosen_list = [str(c) for c in chosen]
        else:
            chosen_list = list(DEFAULT_FORMATS)
        for name, box in self.format_boxes.items():
            box.setChecked(name in chosen_list)
        self.timestamps_box.setChecked(_as_bool(self._settings.value("export/timestamps", False)))
        self.speakers_box.setChecked(_as_bool(self._settings.value("export/speakers", True)))
        start = folder or self._settings.value("export/folder", "") or self._source_folder()
        self.folder_edit.setText(str(start))
        self.subtitles.restore(self._settings)

    def _source_folder(self) -> str:
        source = self._transcript.source
        if source and "://" not in source and Path(source).parent.is_dir():
            return str(Path(source).parent)
        return str(Path.home())

    # ------------------------------------------------------------------ state
    def selected_formats(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.format_boxes.items() if box.isChecked())

    def set_formats(self, names: tuple[str, ...] | list[str]) -> None:
        for name, box in self.format_boxes.items():
            box.setChecked(name in names)

    def export_options(self) -> ExportOptions:
        rules = self.subtitles.rules()
        if rules is None:
            return ExportOptions(
                timestamps=self.timestamps_box.isChecked(),
                speaker_names=self.speakers_box.isChecked(),
                engine_name=engine_name(self._transcript.engine),
            )
        return ExportOptions(
            timestamps=self.timestamps_box.isChecked(),
            speaker_names=self.speakers_box.isChecked(),
            subtitles=rules,
            engine_name=engine_name(self._transcript.engine),
        )

    def request(self) -> ExportRequest:
        """What pressing Export now would write (the transcript is snapshotted)."""
        return ExportRequest(
            transcript=snapshot_transcript(self._transcript),
            formats=self.selected_formats(),
            folder=Path(self.folder_edit.text().strip()).expanduser(),
            stem=safe_stem(self.name_edit.text()),
            options=self.export_options(),
        )

    def is_busy(self) -> bool:
        return self._task is not None

    def _validate(self) -> None:
        problem = ""
        wants_subtitles = not SUBTITLE_FORMATS.isdisjoint(self.selected_formats())
        if wants_subtitles != self.subtitles.isVisibleTo(self):
            self.subtitles.setVisible(wants_subtitles)
        if not self.selected_formats():
            problem = self.tr("Choose at least one format.")
        elif wants_subtitles and self.subtitles.problem():
            problem = self.subtitles.problem()
        elif not self.folder_edit.text().strip():
            problem = self.tr("Choose a folder.")
        elif not any(ch.isalnum() for ch in safe_stem(self.name_edit.text())):
            problem = self.tr("Enter a file name.")
        self.export_button.setEnabled(not problem and not self.is_busy())
        if problem:
            self.preview_label.setText(problem)
            return
        request = self.request()
        fresh = [path.name for _, path in request.targets() if not path.exists()]
        existing = [path.name for _, path in request.targets() if path.exists()]
        lines = []
        if fresh:
            lines.append(self.tr("Will write: {0}").format(", ".join(fresh)))
        if existing:
            lines.append(self.tr("Will replace: {0}").format(", ".join(existing)))
        self.preview_label.setText("\n".join(lines))

    # --------------------------------------------------------------- actions
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Export to folder"), self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)

    def start_export(self) -> bool:
        """Write the chosen files in the background; ``False`` if nothing could start."""
        if self.is_busy() or not self.export_button.isEnabled():
            return False
        request = self.request()
        self._settings.setValue("export/formats", list(request.formats))
        self._settings.setValue("export/timestamps", request.options.timestamps)
        self._settings.setValue("export/speakers", request.options.speaker_names)
        self._settings.setValue("export/folder", str(request.folder))
        self.subtitles.save(self._settings)
        self.message.clear_message()
        self.open_folder_button.hide()
        self.progress.show()
        self._task = _ExportTask(request, self._language)
        self._task.signals.finished.connect(self._finished)
        self._task.setAutoDelete(False)
        self.export_button.setEnabled(False)
        QThreadPool.globalInstance().start(self._task)
        return True

    def _finished(self, written: list[str], failed: list[tuple[str, str]]) -> None:
        self._task = None
        self.progress.hide()
        self._validate()
        close_with, self._close_when_done = self._close_when_done, None
        if failed:
            lines = [f"{FORMATS[fmt].extension}: {message}" for fmt, message in failed]
            if written:
                lines.insert(
                    0,
                    self.tr("Saved {0} of {1} files.").format(
                        len(written), len(written) + len(failed)
                    ),
                )
            self.message.show_error("\n".join(lines))
        else:
            folder = str(Path(written[0]).parent) if written else ""
            names = ", ".join(Path(p).name for p in written)
            self.message.show_success(self.tr("Saved {0} in {1}").format(names, folder))
            self.exported.emit(written)
        self.open_folder_button.setVisible(bool(written))
        if close_with is not None and not failed:
            super().done(close_with)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._grow_to_fit()
        return handled

    def _grow_to_fit(self) -> None:
        """Grow taller when wrapped text (a long message or path) needs more height than the
        layout's minimum: Qt's minimum size ignores height-for-width, so without this the
        other parts were squashed to make room."""
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder_edit.text().strip()))

    def done(self, result: int) -> None:
        if self.is_busy():
            # Files are being written: close once they are, or stay open to show a failure.
            self._close_when_done = result
            self.message.show_info(self.tr("Still writing the files; closing when they are done."))
            return
        super().done(result)


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
