"""The sidebar's "Glossary" combo, and what a chosen glossary does to each job.

:class:`GlossaryChoice` lists the named glossaries (none by default) with a button to edit them.
When a job starts, :meth:`GlossaryChoice.prepare` compiles the chosen glossary into the engine's
own form (:func:`~desktop_app.providers.glossary_base.apply_glossary`); the notices that makes
(entries an engine skips, an engine with no native form) are added to the job's transcript when
it is done, and the glossary stays known for the job so its "heard as" fixes can be offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.core.glossary import Glossary
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Notice, Transcript
from desktop_app.providers import registry
from desktop_app.providers.glossary_base import apply_glossary
from desktop_app.ui.glossary_dialog import GlossaryDialog
from desktop_app.ui.glossary_store import GlossaryStore


@dataclass(slots=True)
class GlossaryUse:
    """The glossary a job was started with and the notices compiling it made."""

    name: str
    glossary: Glossary
    notices: list[Notice] = field(default_factory=list)


class GlossaryChoice(QWidget):
    """ "Glossary: none / NAME" with an Edit button. GUI thread only.

    Signals:
      edited()   glossaries were changed in the editor
    """

    edited = Signal()

    def __init__(self, store: GlossaryStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store or GlossaryStore()
        self._uses: dict[int, GlossaryUse] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("&Glossary:"))
        self.combo = QComboBox()
        self.combo.setAccessibleName(self.tr("Glossary"))
        label.setBuddy(self.combo)
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Create, edit, import or export glossaries"))
        row.addWidget(label)
        row.addWidget(self.combo, 1)
        row.addWidget(self.edit_button)
        self.edit_button.clicked.connect(self.open_editor)
        self.reload()

    def reload(self) -> None:
        chosen = self.chosen()
        self.combo.clear()
        self.combo.addItem(self.tr("none"), "")
        for name in self.store.names():
            self.combo.addItem(name, name)
        self.combo.setCurrentIndex(max(0, self.combo.findData(chosen or "")))

    def chosen(self) -> str | None:
        data = self.combo.currentData() if self.combo.count() else ""
        return str(data) if data else None

    def choose(self, name: str | None) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(name or "")))

    def open_editor(self) -> GlossaryDialog:
        dialog = GlossaryDialog(self.store, self)
        dialog.changed.connect(self.reload)
        dialog.changed.connect(self.edited)
        dialog.open()
        return dialog

    def prepare(
        self, engine: str, options: TranscriptionOptions, name: str | None = None
    ) -> tuple[TranscriptionOptions, GlossaryUse | None]:
        """``options`` with the glossary (``name``, else the chosen one) compiled in for
        ``engine``. Raises ConfigurationError naming the file and line when it cannot be."""
        name = name or self.chosen()
        if not name:
            return options, None
        glossary = self.store.load(name)
        options, notices = apply_glossary(registry.provider_class(engine), glossary, options)
        return options, GlossaryUse(name, glossary, notices)

    def remember(self, job_id: int | None, use: GlossaryUse | None) -> None:
        if job_id is not None and use is not None:
            self._uses[job_id] = use

    def use_of(self, job_id: int | None) -> GlossaryUse | None:
        return None if job_id is None else self._uses.get(job_id)

    def add_notices(self, job_id: int | None, transcript: Transcript) -> None:
        """Put the job's glossary notices into its finished transcript."""
        use = self.use_of(job_id)
        for notice in use.notices if use is not None else []:
            transcript.add_notice(notice)
