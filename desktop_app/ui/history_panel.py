"""The history list: finished transcripts kept in SQLite, newest first; open, rename, delete.

GUI thread only; the store's reads are small and quick.
"""

from __future__ import annotations

import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.history import HistoryEntry, HistoryStore
from desktop_app.ui.queue_table import format_clock


class HistoryPanel(QWidget):
    """Signals:
    open_requested(int)   the user wants to see the transcript with this id
    """

    open_requested = Signal(int)

    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("History"))
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for entry in self.store.entries():
            self.list.addItem(self._item(entry))
        if self.list.count() == 0:
            empty = QListWidgetItem(self.tr("Finished transcripts appear here."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)

    def _item(self, entry: HistoryEntry) -> QListWidgetItem:
        when = datetime.datetime.fromtimestamp(entry.updated).strftime("%Y-%m-%d %H:%M")
        length = format_clock(entry.duration) if entry.duration else ""
        details = " · ".join(part for part in (when, entry.engine, length) if part)
        item = QListWidgetItem(f"{entry.title}\n{details}")
        item.setData(Qt.ItemDataRole.UserRole, entry.id)
        item.setToolTip(entry.source)
        return item

    def _activated(self, item: QListWidgetItem) -> None:
        entry_id = item.data(Qt.ItemDataRole.UserRole)
        if entry_id is not None:
            self.open_requested.emit(int(entry_id))

    def _menu(self, point: object) -> None:
        item = self.list.currentItem()
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        entry_id = int(item.data(Qt.ItemDataRole.UserRole))
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.open_requested.emit(entry_id))
        menu.addAction(self.tr("Rename…"), lambda: self._rename(entry_id))
        menu.addAction(self.tr("Delete"), lambda: self._delete(entry_id))
        menu.exec(self.list.viewport().mapToGlobal(self.list.visualItemRect(item).center()))

    def _rename(self, entry_id: int) -> None:
        entry = self.store.get(entry_id)
        if entry is None:
            return
        title, ok = QInputDialog.getText(
            self, self.tr("Rename"), self.tr("Title:"), text=entry.title
        )
        if ok and title.strip():
            self.store.rename(entry_id, title)
            self.reload()

    def _delete(self, entry_id: int) -> None:
        answer = QMessageBox.question(
            self, self.tr("Delete transcript"), self.tr("Delete this transcript from the history?")
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.store.delete(entry_id)
            self.reload()
