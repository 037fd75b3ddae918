"""The export dialog's subtitle section: a rule preset with every number editable, a live preview
of the first cues, and the rule checker's list of what still breaks a rule.

:class:`SubtitlePanel` builds cues with :func:`~desktop_app.export.build_cues` and checks them
with :func:`~desktop_app.export.check_cues` on a thread-pool thread (a long transcript takes a
moment), a short while after the last change, and shows the result when it is still current.
Choosing "jump" on a problem emits ``jump_to_segment`` with the transcript segment the cue comes
from, so the window can open it in the editor.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, QRunnable, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import SoriError
from desktop_app.core.transcript import Transcript
from desktop_app.export import PRESETS, Cue, SubtitleRules, Violation, build_cues, check_cues
from desktop_app.export.common import clock_ms
from desktop_app.export.subtitle_rules import DEFAULT_PRESET

log = logging.getLogger(__name__)

CUSTOM = "custom"
PREVIEW_CUES = 8
MAX_LISTED = 500
_DELAY_MS = 150

# name, decimals (0: whole number), lowest, highest, step
_FIELDS: tuple[tuple[str, int, float, float, float], ...] = (
    ("max_line_chars", 1, 1, 100, 0.5),
    ("max_lines", 0, 1, 10, 1),
    ("max_cps", 1, 1, 60, 0.5),
    ("min_duration", 3, 0, 10, 0.1),
    ("max_duration", 2, 0.5, 60, 0.5),
    ("min_gap_frames", 0, 0, 100, 1),
    ("fps", 3, 1, 240, 1),
    ("chain_gap", 2, 0, 10, 0.1),
    ("extend_out", 2, 0, 10, 0.1),
)


class _CheckSignals(QObject):
    done = Signal(int, list, list)  # generation, first cues, [(violation, segment, start ms)]
    ended = Signal(object)  # the task, once it will touch nothing more


class _Keeper(QObject):
    """Holds running checks until they end (GUI thread), so closing the dialog mid-check
    cannot free a task a pool thread is still running."""

    def __init__(self) -> None:
        super().__init__()
        self.running: set[_Check] = set()

    def keep(self, task: _Check) -> None:
        self.running.add(task)
        task.signals.ended.connect(self.release)

    def release(self, task: object) -> None:
        if isinstance(task, _Check):
            self.running.discard(task)

    def busy(self) -> bool:
        return bool(self.running)


_keeper: _Keeper | None = None


def checks_running() -> bool:
    """Whether a preview check of any panel (also of a closed dialog) is still running."""
    return _keeper is not None and _keeper.busy()


def _keep(task: _Check) -> None:
    global _keeper
    if _keeper is None:
        _keeper = _Keeper()
    _keeper.keep(task)


class _Check(QRunnable):
    """Builds and checks the cues on a pool thread; reports through a queued signal."""

    def __init__(self, generation: int, transcript: Transcript, rules: SubtitleRules) -> None:
        super().__init__()
        self.generation = generation
        self.transcript = transcript
        self.rules = rules
        self.signals = _CheckSignals()

    def run(self) -> None:
        try:
            cues = build_cues(self.transcript, self.rules)
            found = check_cues(cues, self.rules, self.transcript.language)
            located = [(v, cues[v.cue].segment_index, cues[v.cue].start_ms) for v in found]
            self.signals.done.emit(self.generation, cues[:PREVIEW_CUES], located)
        except Exception:  # a cue-builder bug must not leave the panel waiting forever
            log.exception("subtitle preview failed")
            self.signals.done.emit(self.generation, [], [])
        finally:
            self.signals.ended.emit(self)


class SubtitlePanel(QGroupBox):
    """Subtitle rules, preview and checker for one transcript. GUI thread (checks are pooled).

    Signals:
      jump_to_segment(int)  the user asked to see this transcript segment in the editor
      rules_changed()       the numbers changed (valid or not)
      checked()             the preview and the problem list show the current rules
    """

    jump_to_segment = Signal(int)
    rules_changed = Signal()
    checked = Signal()

    def __init__(self, transcript: Transcript, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Subtitles"))
        self._transcript = transcript
        self._language = language
        self._generation = 0
        self._tasks: dict[int, _Check] = {}
        self._problem = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_DELAY_MS)
        self._timer.timeout.connect(self._start_check)
        self._build()
        self._show_preset(DEFAULT_PRESET)

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        self.preset_combo = QComboBox(self)
        self.preset_combo.addItem(self.tr("Korean broadcast (default)"), DEFAULT_PRESET)
        self.preset_combo.addItem(self.tr("YouTube"), "youtube")
        self.preset_combo.addItem(self.tr("Custom"), CUSTOM)
        self.preset_combo.setAccessibleName(self.tr("Subtitle preset"))
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        labels = {
            "max_line_chars": self.tr("Characters a line"),
            "max_lines": self.tr("Lines"),
            "max_cps": self.tr("Characters a second"),
            "min_duration": self.tr("Shortest cue (s)"),
            "max_duration": self.tr("Longest cue (s)"),
            "min_gap_frames": self.tr("Gap (frames)"),
            "fps": self.tr("Frames a second"),
            "chain_gap": self.tr("Close gaps up to (s)"),
            "extend_out": self.tr("Extend out-times up to (s)"),
        }
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        grid = QGridLayout()
        for position, (name, decimals, low, high, step) in enumerate(_FIELDS):
            box: QSpinBox | QDoubleSpinBox
            if decimals == 0:
                box = QSpinBox(self)
                box.setRange(int(low), int(high))
                box.setSingleStep(int(step))
            else:
                box = QDoubleSpinBox(self)
                box.setDecimals(decimals)
                box.setRange(low, high)
                box.setSingleStep(step)
            box.setAccessibleName(labels[name])
            box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
            box.valueChanged.connect(self._value_edited)
            self.fields[name] = box
            label = QLabel(labels[name], self)
            label.setBuddy(box)
            row, column = divmod(position, 2)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(box, row, column * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        preset_row = QFormLayout()
        preset_label = QLabel(self.tr("&Preset:"), self)
        preset_label.setBuddy(self.preset_combo)
        preset_row.addRow(preset_label, self.preset_combo)

        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(self.tr("Preview of the first subtitles"))
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setMinimumHeight(120)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.problems = QListWidget(self)
        self.problems.setAccessibleName(self.tr("Subtitle rule problems"))
        self.problems.setMinimumHeight(90)
        self.problems.itemActivated.connect(self._jump_to_item)
        self.jump_button = QPushButton(self.tr("&Jump to segment"), self)
        self.jump_button.setEnabled(False)
        self.problems.currentItemChanged.connect(self._current_problem)
        self.jump_button.clicked.connect(lambda: self._jump_to_item(self.problems.currentItem()))
        problem_row = QHBoxLayout()
        problem_row.addWidget(self.summary, 1)
        problem_row.addWidget(self.jump_button)

        layout = QVBoxLayout(self)
        layout.addLayout(preset_row)
        layout.addLayout(grid)
        layout.addWidget(QLabel(self.tr("Preview"), self))
        layout.addWidget(self.preview, 2)
        layout.addLayout(problem_row)
        layout.addWidget(self.problems, 1)

    # ------------------------------------------------------------------ rules
    def preset_name(self) -> str:
        return str(self.preset_combo.currentData())

    def rules(self) -> SubtitleRules | None:
        """The rules the numbers describe, or ``None`` when they contradict each other."""
        base = PRESETS.get(self.preset_name(), PRESETS[DEFAULT_PRESET])
        values = {name: _exact(name, box.value()) for name, box in self.fields.items()}
        try:
            return dataclasses.replace(base, **values)  # type: ignore[arg-type]
        except SoriError as exc:
            self._problem = exc.describe(self._language)
            return None

    def problem(self) -> str:
        """Why the numbers are not usable ("" when they are)."""
        return "" if self.rules() is not None else self._problem

    def set_rules(self, preset_name: str, values: dict[str, float] | None = None) -> None:
        """Choose a preset (unknown names: the default) and, for "custom", its numbers."""
        if preset_name not in PRESETS and preset_name != CUSTOM:
            preset_name = DEFAULT_PRESET
        if preset_name == CUSTOM:
            self._select(CUSTOM)
            self._fill(values or {})
            self._changed()
        else:
            self._show_preset(preset_name)

    def values(self) -> dict[str, float]:
        return {name: float(box.value()) for name, box in self.fields.items()}

    def save(self, settings: QSettings) -> None:
        settings.setValue("export/subtitle_preset", self.preset_name())
        settings.setValue("export/subtitle_rules", json.dumps(self.values()))

    def restore(self, settings: QSettings) -> None:
        name = str(settings.value("export/subtitle_preset", DEFAULT_PRESET) or DEFAULT_PRESET)
        values: dict[str, float] = {}
        try:
            loaded = json.loads(str(settings.value("export/subtitle_rules", "{}") or "{}"))
            if isinstance(loaded, dict):
                values = {
                    k: float(v)
                    for k, v in loaded.items()
                    if k in self.fields and isinstance(v, (int, float))
                }
        except ValueError:
            values = {}
        self.set_rules(name, values)

    def _select(self, name: str) -> None:
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(name)))
        self.preset_combo.blockSignals(False)

    def _fill(self, values: dict[str, float]) -> None:
        for name, value in values.items():
            box = self.fields.get(name)
            if box is None:
                continue
            box.blockSignals(True)
            if isinstance(box, QSpinBox):
                box.setValue(round(value))
            else:
                box.setValue(value)
            box.blockSignals(False)

    def _show_preset(self, name: str) -> None:
        rules = PRESETS[name]
        self._select(name)
        self._fill({field: float(getattr(rules, field)) for field in self.fields})
        self._changed()

    def _preset_chosen(self) -> None:
        name = self.preset_name()
        if name == CUSTOM:
            self._changed()
        else:
            self._show_preset(name)

    def _value_edited(self) -> None:
        name = self.preset_name()
        if name != CUSTOM:
            preset = PRESETS[name]
            same = all(
                abs(box.value() - float(getattr(preset, field))) < 1e-3
                for field, box in self.fields.items()
            )
            if not same:
                self._select(CUSTOM)
        self._changed()

    def _changed(self) -> None:
        self._generation += 1
        self.rules_changed.emit()
        self._timer.start()

    # ----------------------------------------------------------------- check
    def refresh_now(self) -> None:
        """Start the check at once instead of after the typing pause."""
        self._timer.stop()
        self._start_check()

    def is_checking(self) -> bool:
        return bool(self._tasks) or self._timer.isActive()

    def _start_check(self) -> None:
        rules = self.rules()
        generation = self._generation
        if rules is None:
            self.preview.setPlainText("")
            self.problems.clear()
            self.summary.setText(self._problem)
            self.checked.emit()
            return
        task = _Check(generation, self._transcript, rules)
        task.setAutoDelete(False)
        task.signals.done.connect(self._show_check)
        self._tasks[generation] = task
        _keep(task)
        QThreadPool.globalInstance().start(task)

    def _show_check(self, generation: int, cues: list[Cue], located: list[object]) -> None:
        self._tasks.pop(generation, None)
        if generation != self._generation:
            return
        self.preview.setPlainText(preview_text(cues))
        self.problems.clear()
        korean = self._language == "ko"
        for entry in located[:MAX_LISTED]:
            violation, segment_index, start_ms = _located(entry)
            at = clock_ms(start_ms).split(".")[0]
            item = QListWidgetItem(f"{at}  {violation.describe('ko' if korean else 'en')}")
            item.setData(Qt.ItemDataRole.UserRole, int(segment_index))
            item.setToolTip(self.tr("Double-click to open segment {0}").format(segment_index + 1))
            self.problems.addItem(item)
        if len(located) > MAX_LISTED:
            more = QListWidgetItem(self.tr("… and {0} more").format(len(located) - MAX_LISTED))
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.problems.addItem(more)
        if located:
            self.summary.setText(self.tr("{0} rule problems in the subtitles").format(len(located)))
        else:
            self.summary.setText(self.tr("Every subtitle follows the rules."))
        self.problems.setVisible(bool(located))  # no empty box: the preview gets the room
        self.jump_button.setVisible(bool(located))
        self.jump_button.setEnabled(False)
        self.checked.emit()

    def _current_problem(self, item: QListWidgetItem | None) -> None:
        jumpable = item is not None and item.data(Qt.ItemDataRole.UserRole) is not None
        self.jump_button.setEnabled(jumpable)

    def _jump_to_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        segment = item.data(Qt.ItemDataRole.UserRole)
        if segment is not None:
            self.jump_to_segment.emit(int(segment))


def _exact(name: str, shown: float) -> float | int:
    """A preset's own value where the box shows it rounded (5/6 s appears as 0.833)."""
    decimals = next(d for field, d, *_ in _FIELDS if field == name)
    if decimals == 0:
        return round(shown)
    for rules in PRESETS.values():
        value = float(getattr(rules, name))
        if round(value, decimals) == round(shown, decimals):
            return value
    return shown


def _located(entry: object) -> tuple[Violation, int, int]:
    assert isinstance(entry, tuple) and isinstance(entry[0], Violation)
    return entry[0], int(entry[1]), int(entry[2])


def preview_text(cues: Sequence[Cue]) -> str:
    """The cues as a reader sees them: number, times, then the lines indented."""
    blocks = []
    for number, cue in enumerate(cues, 1):
        times = f"{clock_ms(cue.start_ms, ',')} → {clock_ms(cue.end_ms, ',')}"
        lines = "\n".join(f"    {line}" for line in cue.lines)
        blocks.append(f"{number:>3}  {times}\n{lines}")
    return "\n".join(blocks)
