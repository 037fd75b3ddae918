"""The glossary editor: named glossaries on the left, the chosen one's text on the right, checked
as it is typed (the message names the line), with import and export of glossary files.

GUI thread only. The files are small text files in the config folder
(:class:`~desktop_app.ui.glossary_store.GlossaryStore`); reading and writing them is quick enough
to do on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.glossary import Glossary
from desktop_app.ui.glossary_store import GlossaryStore, check_name
from desktop_app.ui.i18n import current_language

EXAMPLE = "# WORD[:WEIGHT] = HEARD_AS, HEARD_AS\n차단기:3 = 차단계, 차단 게\n"


class GlossaryDialog(QDialog):
    """Edits the named glossaries. GUI thread only.

    Signals:
      changed()   a glossary was saved, added or deleted (the lists elsewhere reload)
    """

    changed = Signal()

    def __init__(self, store: GlossaryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Glossaries"))
        self.store = store
        self._current: str | None = None
        self._saved = ""
        self.names = QListWidget()
        self.names.setAccessibleName(self.tr("Glossaries"))
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(self.tr("Glossary entries"))
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlaceholderText(EXAMPLE)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.new_button = QPushButton(self.tr("New…"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.save_button = QPushButton(self.tr("Save"))
        left = QVBoxLayout()
        left.addWidget(self.names, 1)
        for button in (self.new_button, self.import_button, self.export_button, self.delete_button):
            button.setAutoDefault(False)
            left.addWidget(button)
        right = QVBoxLayout()
        right.addWidget(
            QLabel(self.tr("One entry a line: WORD[:WEIGHT] or WORD[:WEIGHT] = HEARD_AS, …"))
        )
        right.addWidget(self.editor, 1)
        right.addWidget(self.status)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.resize(720, 440)
        self.names.currentTextChanged.connect(self._open)
        self.editor.textChanged.connect(self.validate)
        self.new_button.clicked.connect(self._new)
        self.import_button.clicked.connect(self._import)
        self.export_button.clicked.connect(self._export)
        self.delete_button.clicked.connect(self._delete)
        self.save_button.clicked.connect(self.save)
        self._reload()

    def _reload(self, select: str | None = None) -> None:
        self.names.blockSignals(True)
        self.names.clear()
        self.names.addItems(self.store.names())
        self.names.blockSignals(False)
        items = self.names.findItems(select, Qt.MatchFlag.MatchExactly) if select else []
        if items:
            self.names.setCurrentItem(items[0])
        elif self.names.count():
            self.names.setCurrentRow(0)
        else:
            self._open("")

    def dirty(self) -> bool:
        return self._current is not None and self.editor.toPlainText() != self._saved

    def _keep_edits(self) -> bool:
        """Save the shown glossary's changes before leaving it; ``False`` (and the reason
        shown) when they cannot be saved, so nothing typed is lost."""
        return not self.dirty() or self.save()

    def _open(self, name: str) -> None:
        if name != self._current and not self._keep_edits():
            items = self.names.findItems(self._current or "", Qt.MatchFlag.MatchExactly)
            if items:
                self.names.blockSignals(True)
                self.names.setCurrentItem(items[0])
                self.names.blockSignals(False)
            return
        self._current = name or None
        self.editor.setEnabled(self._current is not None)
        for button in (self.export_button, self.delete_button, self.save_button):
            button.setEnabled(self._current is not None)
        self._saved = self.store.text(name) if name else ""
        self.editor.setPlainText(self._saved)
        self.validate()

    def validate(self) -> Glossary | None:
        """Check the text; the status line says how many entries, or what is wrong and where."""
        if self._current is None:
            self.status.setText(self.tr("Create or import a glossary."))
            return None
        try:
            glossary = Glossary.parse(self.editor.toPlainText(), self._current)
        except ConfigurationError as exc:
            self.status.setText("⚠ " + exc.describe(current_language()))
            self.save_button.setEnabled(False)
            return None
        self.save_button.setEnabled(True)
        heard = sum(len(e.heard_as) for e in glossary.entries)
        self.status.setText(
            self.tr("%n entries", "", len(glossary.entries))
            + ", "
            + self.tr("%n heard-as forms", "", heard)
        )
        return glossary

    def save(self) -> bool:
        if self._current is None or self.validate() is None:
            return False
        self.store.save(self._current, self.editor.toPlainText())
        self._saved = self.editor.toPlainText()
        self.changed.emit()
        return True

    def done(self, result: int) -> None:
        if not self._keep_edits():
            answer = QMessageBox.question(
                self,
                self.tr("Glossary not saved"),
                self.tr(
                    "The glossary has an error and cannot be saved. Close and lose the changes?"
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().done(result)

    def add(self, name: str, text: str = "") -> bool:
        """Create a glossary called ``name`` (a message says why not when the name is bad)."""
        try:
            name = check_name(name)
            if name in self.store.names():
                raise ConfigurationError(
                    f"A glossary called '{name}' exists already",
                    fix="Choose another name.",
                    message_ko=f"'{name}' 용어집이 이미 있습니다",
                    fix_ko="다른 이름을 고르세요.",
                )
            self.store.save(name, text)
        except ConfigurationError as exc:
            self.status.setText("⚠ " + exc.describe(current_language()))
            return False
        self._reload(name)
        self.changed.emit()
        return True

    def _new(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New glossary"), self.tr("Name:"))
        if ok:
            self.add(name)

    def import_path(self, path: Path) -> str | None:
        try:
            name = self.store.import_file(path)
        except ConfigurationError as exc:
            self.status.setText("⚠ " + exc.describe(current_language()))
            return None
        except OSError as exc:
            self.status.setText("⚠ " + (exc.strerror or str(exc)))
            return None
        self._reload(name)
        self.changed.emit()
        return name

    def export_path(self, path: Path) -> bool:
        if self._current is None or not self.save():
            return False
        try:
            self.store.export_file(self._current, path)
        except OSError as exc:
            self.status.setText("⚠ " + (exc.strerror or str(exc)))
            return False
        self.status.setText(self.tr("Exported to %s") % path)
        return True

    def _import(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a glossary"), "", self.tr("Text files (*.txt);;All files (*)")
        )
        if file:
            self.import_path(Path(file))

    def _export(self) -> None:
        if self._current is None:
            return
        file, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the glossary"),
            f"{self._current}.txt",
            self.tr("Text files (*.txt)"),
        )
        if file:
            self.export_path(Path(file))

    def _delete(self) -> None:
        if self._current is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete glossary"), self.tr("Delete the glossary '%s'?") % self._current
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.store.delete(self._current)
            self._current = None
            self._reload()
            self.changed.emit()
