"""An editor for one word list of an engine: boosted keywords, biasing pairs or forbidden words.

Entries are typed into a field (checked as you type, with the problem shown right under it),
added with Enter or the Add button, listed in a table (with a weight column for engines that
weigh keywords), and removed, cleared, imported from or saved to a UTF-8 text file with one
entry per line (``word:weight`` where weights apply; blank lines and ``#`` comments are skipped).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.options import Keyword, parse_biasing
from desktop_app.export.atomic import write_atomically
from desktop_app.ui.i18n import current_language
from desktop_app.ui.inline_message import InlineMessage

ListKind = Literal["keywords", "biasing", "forbidden"]
MAX_FILE_BYTES = 1_000_000  # a word list, not a book: refuse anything larger before reading


class WordListEditor(QWidget):
    """One editable list of entries. GUI thread only.

    Signals:
      changed()  the list of entries changed (added, removed, cleared, imported)
    """

    changed = Signal()

    def __init__(
        self, kind: ListKind, *, weights: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.weights = weights and kind == "keywords"
        self._entries: list[str] = []
        self.setObjectName(kind)
        self._build()
        self._update_buttons()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        entry_row = QHBoxLayout()
        self.entry = QLineEdit()
        self.entry.setObjectName(f"{self.kind}_entry")
        self.entry.setClearButtonEnabled(True)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setObjectName(f"{self.kind}_add")
        self.add_button.setAutoDefault(False)
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.add_button)
        layout.addLayout(entry_row)
        self.entry_error = InlineMessage()
        self.entry_error.setObjectName(f"{self.kind}_entry_error")
        layout.addWidget(self.entry_error)

        self.table = QTableWidget(0, 2 if self.weights else 1)
        self.table.setObjectName(f"{self.kind}_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setMinimumHeight(110)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if self.weights:
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.remove_button = QPushButton(self.tr("Remove"))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.save_button = QPushButton(self.tr("Save…"))
        for button in (self.remove_button, self.clear_button, self.import_button, self.save_button):
            button.setAutoDefault(False)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.file_message = InlineMessage()
        self.file_message.setObjectName(f"{self.kind}_file_message")
        layout.addWidget(self.file_message)

        self._set_texts()
        self.entry.textChanged.connect(self._check_entry)
        self.entry.returnPressed.connect(self.add_from_entry)
        self.add_button.clicked.connect(self.add_from_entry)
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button.clicked.connect(self.clear_entries)
        self.import_button.clicked.connect(self._choose_import)
        self.save_button.clicked.connect(self._choose_save)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(self._edit_item)
        remove = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_selected)

    def _set_texts(self) -> None:
        if self.kind == "keywords":
            what = self.tr("Keyword to boost")
            listed = self.tr("Boosted keywords")
            placeholder = (
                self.tr("Word, or word:weight (e.g. 소리:2)") if self.weights else self.tr("Word")
            )
            headers = (
                [self.tr("Keyword"), self.tr("Weight")] if self.weights else [self.tr("Keyword")]
            )
        elif self.kind == "biasing":
            what = self.tr("Biasing pair")
            listed = self.tr("Biasing pairs")
            placeholder = self.tr("Correct_misheard, e.g. 차단기_차단계")
            headers = [self.tr("Correct word _ what the engine hears")]
        else:
            what = self.tr("Forbidden word")
            listed = self.tr("Forbidden words")
            placeholder = self.tr("Word to leave out of the text")
            headers = [self.tr("Forbidden word")]
        self.entry.setPlaceholderText(placeholder)
        self.entry.setAccessibleName(what)
        self.entry.setToolTip(placeholder)
        self.add_button.setAccessibleName(self.tr("Add to the list"))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setAccessibleName(listed)
        self.remove_button.setAccessibleName(self.tr("Remove the selected entries"))
        self.clear_button.setAccessibleName(self.tr("Remove all entries"))
        self.import_button.setAccessibleName(self.tr("Import entries from a text file"))
        self.save_button.setAccessibleName(self.tr("Save the entries to a text file"))

    # ----------------------------------------------------------------- parsing
    def parse(self, text: str, *, drop_weights: bool = False) -> list[str]:
        """Entries in ``text`` in their stored form, or a ConfigurationError for the first bad
        one. Keywords and forbidden words may be separated by commas or new lines. With
        ``drop_weights``, weights are removed where the engine takes none instead of refused
        (lists remembered from, or saved for, another engine)."""
        raw = text.splitlines() if self.kind == "biasing" else text.replace("\n", ",").split(",")
        items = [item.strip() for item in raw if item.strip()]
        return [self._parse_one(item, drop_weights) for item in items]

    def _parse_one(self, item: str, drop_weights: bool) -> str:
        if self.kind == "biasing":
            return parse_biasing(item)
        if self.kind == "forbidden":
            return item
        keyword = Keyword.parse(item)
        if keyword.weight is not None and not self.weights:
            if drop_weights:
                return keyword.word
            raise ConfigurationError(
                f"This engine boosts words without weights: write '{keyword.word}' alone",
                message_ko=f"이 엔진은 가중치 없이 단어만 받습니다. '{keyword.word}'만 쓰세요",
            )
        return str(keyword)

    def _check_entry(self, text: str) -> None:
        try:
            self.parse(text)
        except ConfigurationError as exc:
            self.entry_error.show_error(exc.describe(current_language()))
        else:
            self.entry_error.clear_message()

    # ----------------------------------------------------------------- editing
    def entries(self) -> list[str]:
        """The entries in their stored form (``word``, ``word:weight``, ``A_B``)."""
        return list(self._entries)

    def keywords(self) -> list[Keyword]:
        return [Keyword.parse(entry) for entry in self._entries]

    def set_entries(self, entries: Iterable[str]) -> None:
        """Replace the list; entries that do not parse are dropped (e.g. an old settings file)."""
        kept: list[str] = []
        for entry in entries:
            try:
                parsed = self.parse(str(entry), drop_weights=True)
            except ConfigurationError:
                continue
            kept.extend(item for item in parsed if item not in kept)
        if kept != self._entries:
            self._entries = kept
            self._refresh()
            self.changed.emit()

    def add_entries(self, entries: Iterable[str]) -> int:
        """Append entries not already listed; returns how many were new."""
        added = [e for e in dict.fromkeys(entries) if e not in self._entries]
        if added:
            self._entries.extend(added)
            self._refresh()
            self.changed.emit()
        return len(added)

    def add_from_entry(self) -> None:
        text = self.entry.text()
        if not text.strip():
            return
        try:
            items = self.parse(text)
        except ConfigurationError as exc:
            self.entry_error.show_error(exc.describe(current_language()))
            return
        self.add_entries(items)
        self.entry.clear()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        for row in rows:
            del self._entries[row]
        self._refresh()
        self.changed.emit()

    def clear_entries(self) -> None:
        if self._entries:
            self._entries = []
            self._refresh()
            self.changed.emit()

    def _edit_item(self, item: QTableWidgetItem) -> None:
        """Double-click: take the entry back into the field to correct it."""
        row = item.row()
        entry = self._entries.pop(row)
        self._refresh()
        self.changed.emit()
        self.entry.setText(entry)
        self.entry.setFocus()

    def _refresh(self) -> None:
        self.table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            if self.weights:
                keyword = Keyword.parse(entry)
                weight = "" if keyword.weight is None else f"{keyword.weight:g}"
                self.table.setItem(row, 0, QTableWidgetItem(keyword.word))
                weight_item = QTableWidgetItem(weight)
                weight_item.setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                self.table.setItem(row, 1, weight_item)
            else:
                self.table.setItem(row, 0, QTableWidgetItem(entry))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectedIndexes()))
        self.clear_button.setEnabled(bool(self._entries))
        self.save_button.setEnabled(bool(self._entries))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the entry field adds; it must not also press the dialog's default button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.entry.hasFocus():
            event.accept()
            return
        super().keyPressEvent(event)

    # ----------------------------------------------------------------- files
    def import_file(self, path: Path) -> int:
        """Add the entries of a UTF-8 text file; returns how many were new. Lines that are not
        valid entries are skipped and named in the message under the list."""
        self.file_message.clear_message()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.file_message.show_error(
                    self.tr("%s is too large for a word list (more than 1 MB).") % path.name
                )
                return 0
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.file_message.show_error(
                self.tr("%s is not a UTF-8 text file. Save it as UTF-8 and try again.") % path.name
            )
            return 0
        except OSError as exc:
            self.file_message.show_error(
                self.tr("Cannot read %s: %s") % (path.name, exc.strerror or exc)
            )
            return 0
        found: list[str] = []
        bad: list[int] = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                found.extend(self.parse(stripped, drop_weights=True))
            except ConfigurationError:
                bad.append(number)
        added = self.add_entries(found)
        summary = self.tr("Imported %n new entries from %1.", "", added).replace("%1", path.name)
        if bad:
            lines = ", ".join(str(n) for n in bad[:10]) + ("…" if len(bad) > 10 else "")
            self.file_message.show_error(
                summary + " " + self.tr("Skipped lines that are not valid: %s.") % lines
            )
        else:
            self.file_message.show_success(summary)
        return added

    def save_file(self, path: Path) -> bool:
        """Write the entries, one per line, to a UTF-8 file (replaced all at once)."""
        self.file_message.clear_message()
        data = "".join(f"{entry}\n" for entry in self._entries).encode("utf-8")
        try:
            write_atomically(path, [data])
        except ConfigurationError as exc:
            self.file_message.show_error(exc.describe(current_language()))
            return False
        self.file_message.show_success(self.tr("Saved %s.") % path.name)
        return True

    def _file_filter(self) -> str:
        return self.tr("Text files (*.txt);;All files (*)")

    def _choose_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import word list"), os.path.expanduser("~"), self._file_filter()
        )
        if name:
            self.import_file(Path(name))

    def _choose_save(self) -> None:
        suggested = os.path.join(os.path.expanduser("~"), f"{self.kind}.txt")
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save word list"), suggested, self._file_filter()
        )
        if name:
            self.save_file(Path(name))
