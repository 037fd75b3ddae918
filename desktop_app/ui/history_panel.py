"""The history list: finished transcripts kept in SQLite, newest first; open (one click),
rename, delete, and find a media file that was moved ("Locate file…").

GUI thread only; the store's reads are small and quick.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.history import HistoryEntry, HistoryStore
from desktop_app.providers import registry
from desktop_app.ui.inline_message import InlineMessage
from desktop_app.ui.queue_table import format_clock
from desktop_app.ui.transcript_model import muted_color

ID_ROLE = Qt.ItemDataRole.UserRole
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1
PADDING_X, PADDING_Y, LINE_GAP = 10, 7, 2


def engine_name(engine: str) -> str:
    """The engine's display name, or its stored name when this version doesn't know it."""
    cls = registry.made_by(engine)
    return cls.display_name if cls is not None else engine


class _EntryDelegate(QStyledItemDelegate):
    """Draws an entry as its title over a smaller, muted line of details (GUI thread)."""

    @staticmethod
    def _detail_font(font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.9)
        return small

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if index.data(DETAIL_ROLE) is None:
            return super().sizeHint(option, index)
        title = QFontMetrics(option.font)
        detail = QFontMetrics(self._detail_font(option.font))
        return QSize(0, title.height() + LINE_GAP + detail.height() + 2 * PADDING_Y)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        detail = index.data(DETAIL_ROLE)
        if detail is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        palette: QPalette = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        rect = opt.rect.adjusted(PADDING_X, PADDING_Y, -PADDING_X, -PADDING_Y)
        font: QFont = opt.font
        small = self._detail_font(font)
        title_metrics, detail_metrics = QFontMetrics(font), QFontMetrics(small)
        painter.save()
        painter.setFont(font)
        painter.setPen(
            palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        painter.drawText(
            rect.left(),
            rect.top() + title_metrics.ascent(),
            title_metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, rect.width()),
        )
        painter.setFont(small)
        if not selected:
            painter.setPen(muted_color(palette))
        painter.drawText(
            rect.left(),
            rect.top() + title_metrics.height() + LINE_GAP + detail_metrics.ascent(),
            detail_metrics.elidedText(str(detail), Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()


class HistoryPanel(QWidget):
    """The saved transcripts, newest first (GUI thread only).

    Signals:
      open_requested(int)        the user wants to see the transcript with this id
      media_located(int, Path)   the entry's moved media file was found here (already stored)
    """

    open_requested = Signal(int)
    compare_requested = Signal(int)
    media_located = Signal(int, Path)

    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("History"))
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(_EntryDelegate(self.list))
        # One click opens (Enter too); double clicks land here as well and change nothing.
        self.list.itemClicked.connect(self._activated)
        self.list.itemActivated.connect(self._activated)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self._missing_id: int | None = None
        self.missing = InlineMessage(self)
        self.locate_button = QPushButton(self.tr("Locate file…"), self)
        self.locate_button.clicked.connect(self._locate_missing)
        self.locate_button.hide()
        missing_row = QHBoxLayout()
        missing_row.setContentsMargins(4, 4, 4, 4)
        missing_row.addWidget(self.missing, 1)
        missing_row.addWidget(self.locate_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(missing_row)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for entry in self.store.entries():
            self.list.addItem(self._item(entry))
        if self.list.count() == 0:
            empty = QListWidgetItem(self.tr("Finished transcripts appear here."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            empty.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.list.addItem(empty)

    def _item(self, entry: HistoryEntry) -> QListWidgetItem:
        when = datetime.datetime.fromtimestamp(entry.updated).strftime("%Y-%m-%d %H:%M")
        length = format_clock(entry.duration) if entry.duration else ""
        details = " · ".join(part for part in (when, engine_name(entry.engine), length) if part)
        item = QListWidgetItem(entry.title)
        item.setData(ID_ROLE, entry.id)
        item.setData(DETAIL_ROLE, details)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{entry.title}, {details}")
        where = entry.media or entry.source
        item.setToolTip(f"{entry.title}\n{where}" if where else entry.title)
        return item

    def _activated(self, item: QListWidgetItem) -> None:
        entry_id = item.data(ID_ROLE)
        if entry_id is not None:
            self.hide_missing_media()
            self.open_requested.emit(int(entry_id))

    # ------------------------------------------------------------ moved media
    def show_missing_media(self, entry_id: int, path: Path) -> None:
        """Say that an entry's media file is gone, with a button to find it."""
        self._missing_id = entry_id
        self.missing.show_error(
            self.tr(
                "The media file is no longer at {path}: locate it to play, export with "
                "timing or transcribe it again."
            ).format(path=path)
        )
        self.locate_button.show()

    def hide_missing_media(self) -> None:
        self._missing_id = None
        self.missing.clear_message()
        self.locate_button.hide()

    def _locate_missing(self) -> None:
        if self._missing_id is not None:
            self.locate(self._missing_id)

    def locate(self, entry_id: int) -> Path | None:
        """Ask where an entry's media file is now; store and announce the answer."""
        entry = self.store.get(entry_id)
        if entry is None:
            return None
        old = Path(entry.media) if entry.media else None
        start = str(old.parent if old is not None and old.parent.is_dir() else Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Locate {name}").format(name=old.name if old else entry.title),
            start,
        )
        if not name:
            return None
        path = Path(name)
        self.store.set_media(entry_id, path)
        if self._missing_id == entry_id:
            self.hide_missing_media()
        self.media_located.emit(entry_id, path)
        return path

    def _menu(self, point: object) -> None:
        item = self.list.currentItem()
        if item is None or item.data(ID_ROLE) is None:
            return
        entry_id = int(item.data(ID_ROLE))
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.open_requested.emit(entry_id))
        menu.addAction(self.tr("Compare engines…"), lambda: self.compare_requested.emit(entry_id))
        menu.addAction(self.tr("Locate file…"), lambda: self.locate(entry_id))
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
