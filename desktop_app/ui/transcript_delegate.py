"""Painting and editing of transcript rows: a delegate instead of a widget per row.

:class:`SegmentDelegate` paints the time in a muted colour, the speaker as a coloured pill and
the text as rich text (low-confidence words, the word playing and search hits marked by span
classes the model puts in, coloured here to suit a light or dark palette). Laid-out text
documents are kept in a small LRU cache keyed by content and width, so scrolling repaints without
laying text out again. :class:`SegmentEditor` edits text in place: Enter commits, Escape cancels,
Ctrl+Enter (or its context menu) splits the segment at the cursor, Ctrl+Backspace at the start
merges it into the previous one.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import (
    QAbstractItemModel,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QContextMenuEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextEdit,
    QWidget,
)

from desktop_app.ui.transcript_model import (
    CURRENT_ROLE,
    RICH_TEXT_ROLE,
    SPEAKER_INDEX_ROLE,
    Column,
    ModelIndex,
    is_dark,
    muted_color,
    speaker_color,
)

PAD_X = 8
PAD_Y = 6
_CACHE_SIZE = 800

_LIGHT_SHEET = """
.low { background-color: #fde2c4; color: #7a3300; }
.playing { background-color: #bfe0ff; color: #00224d; text-decoration: underline; }
.match { background-color: #fff176; color: #000000; }
.current { background-color: #ff9632; color: #000000; }
"""
_DARK_SHEET = """
.low { background-color: #5c3a17; color: #ffd2a1; }
.playing { background-color: #1f4f80; color: #ffffff; text-decoration: underline; }
.match { background-color: #6b6200; color: #ffffff; }
.current { background-color: #c86400; color: #ffffff; }
"""


class SegmentEditor(QTextEdit):
    """In-place plain-text editor for one segment; grows downwards as the text wraps.
    GUI thread only.

    Signals:
      commit_requested()       Enter was pressed
      split_requested(int)     Ctrl+Enter or the menu: split at this character position
      merge_previous_requested()   Ctrl+Backspace with the cursor at the very start
    """

    commit_requested = Signal()
    split_requested = Signal(int)
    merge_previous_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cell = QRect()
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("SegmentEditor { border: 1px solid palette(highlight); }")
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().setDocumentMargin(0)
        self.setViewportMargins(PAD_X - 1, PAD_Y - 1, PAD_X - 1, PAD_Y - 1)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self.setAccessibleName(self.tr("Segment text"))
        self.setAccessibleDescription(
            self.tr("Enter saves, Escape cancels, Ctrl+Enter splits the segment at the cursor")
        )

    def place(self, cell: QRect) -> None:
        """Cover ``cell`` (the table cell), taller if the text needs it."""
        self._cell = QRect(cell)
        self.setGeometry(cell)
        self._fit_height()

    def _fit_height(self) -> None:
        if self._cell.isNull():
            return
        needed = int(self.document().size().height() + 0.999) + 2 * PAD_Y
        parent = self.parentWidget()
        room = parent.height() - self._cell.top() if parent is not None else needed
        height = max(self._cell.height(), min(needed, room))
        if height != self.height():
            self.resize(self._cell.width(), height)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.split_requested.emit(self.textCursor().position())
            else:
                self.commit_requested.emit()
            event.accept()
            return
        if (
            event.key() == Qt.Key.Key_Backspace
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and self.textCursor().position() == 0
            and not self.textCursor().hasSelection()
        ):
            self.merge_previous_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        position = self.cursorForPosition(event.pos()).position()
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            position = self.textCursor().position()
        menu.addSeparator()
        split = menu.addAction(self.tr("Split segment here"))
        split.setShortcut(Qt.Modifier.CTRL | Qt.Key.Key_Return)
        split.triggered.connect(lambda: self.split_requested.emit(position))
        menu.exec(event.globalPos())
        menu.deleteLater()


class SegmentDelegate(QStyledItemDelegate):
    """Paints and edits transcript rows. GUI thread only.

    Signals:
      split_requested(QPersistentModelIndex, int, str)   from the editor: the index, the cursor
                                                          position and the editor's text (the
                                                          editor is closed first, uncommitted)
      merge_previous_requested(QPersistentModelIndex, str)   from the editor: the index and the
                                                          editor's text (closed first, uncommitted)
    """

    split_requested = Signal(QPersistentModelIndex, int, str)
    merge_previous_requested = Signal(QPersistentModelIndex, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents: OrderedDict[tuple[str, int, str, bool], QTextDocument] = OrderedDict()

    # --------------------------------------------------------------- documents
    def _document(self, index: ModelIndex, width: int, font: QFont, dark: bool) -> QTextDocument:
        rich = index.data(RICH_TEXT_ROLE)
        content = rich if rich is not None else "\x00" + str(index.data() or "")
        key = (content, width, font.key(), dark)
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
            return document
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(font)
        if rich is not None:
            document.setDefaultStyleSheet(_DARK_SHEET if dark else _LIGHT_SHEET)
            document.setHtml(rich)
        else:
            document.setPlainText(content[1:])
        document.setTextWidth(max(1, width))
        self._documents[key] = document
        if len(self._documents) > _CACHE_SIZE:
            self._documents.popitem(last=False)
        return document

    def text_height(self, index: ModelIndex, column_width: int, font: QFont, dark: bool) -> int:
        """Row height the text of ``index`` needs in a column ``column_width`` wide."""
        document = self._document(index, column_width - 2 * PAD_X, font, dark)
        return int(document.size().height() + 0.999) + 2 * PAD_Y

    def char_position(
        self, index: ModelIndex, rect: QRect, point: QPoint, font: QFont, dark: bool
    ) -> int:
        """Character of the text at ``point`` (both in the view's coordinates), or -1."""
        document = self._document(index, rect.width() - 2 * PAD_X, font, dark)
        local = QPointF(point - rect.topLeft() - QPoint(PAD_X, PAD_Y))
        return int(document.documentLayout().hitTest(local, Qt.HitTestAccuracy.FuzzyHit))

    # ---------------------------------------------------------------- painting
    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        line = option.fontMetrics.height() + 2 * PAD_Y
        if index.column() != Column.TEXT:
            return QSize(
                option.fontMetrics.horizontalAdvance(str(index.data() or "")) + 2 * PAD_X, line
            )
        width = option.rect.width() if option.rect.width() > 0 else 400
        height = self.text_height(index, width, option.font, is_dark(option.palette))
        return QSize(width, max(line, height))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        # initStyleOption() is skipped on purpose: it asks the model for a dozen roles per cell,
        # which costs more than the painting itself; the option already has state and palette.
        opt = option
        text = "" if index.column() == Column.TEXT else str(index.data() or "")
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        palette: QPalette = opt.palette
        rect: QRect = opt.rect
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        dark = is_dark(palette)
        painter.save()
        if index.data(CURRENT_ROLE):
            self._paint_current(painter, rect, palette, index.column())
        inner = rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        if index.column() == Column.TIME:
            muted = muted_color(palette)
            painter.setPen(text_color if selected else muted)
            painter.setFont(opt.font)
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        elif index.column() == Column.SPEAKER:
            self._paint_speaker(painter, opt, inner, text, index.data(SPEAKER_INDEX_ROLE), dark)
        else:
            document = self._document(index, rect.width() - 2 * PAD_X, opt.font, dark)
            painter.translate(inner.topLeft())
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette.setColor(QPalette.ColorRole.Text, text_color)
            context.clip = QRectF(0, 0, inner.width(), rect.height())
            document.documentLayout().draw(painter, context)
        painter.restore()

    @staticmethod
    def _paint_current(painter: QPainter, rect: QRect, palette: QPalette, column: int) -> None:
        tint = QColor(palette.color(QPalette.ColorRole.Highlight))
        tint.setAlpha(48)
        painter.fillRect(rect, tint)
        if column == Column.TIME:
            bar = QColor(palette.color(QPalette.ColorRole.Highlight))
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), bar)

    @staticmethod
    def _paint_speaker(
        painter: QPainter,
        opt: QStyleOptionViewItem,
        inner: QRect,
        name: str,
        speaker: int | None,
        dark: bool,
    ) -> None:
        if not name or speaker is None:
            return
        metrics = opt.fontMetrics
        color = speaker_color(speaker, dark)
        pad = 6
        shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, inner.width() - 2 * pad)
        pill = QRect(
            inner.left() - 2,
            inner.top() - 2,
            min(inner.width() + 2, metrics.horizontalAdvance(shown) + 2 * pad),
            metrics.height() + 4,
        )
        background = QColor(color)
        background.setAlpha(70 if dark else 40)
        if opt.state & QStyle.StateFlag.State_Selected:
            background = QColor(opt.palette.color(QPalette.ColorRole.Base))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        font = QFont(opt.font)
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(color)
        painter.drawText(
            pill.adjusted(pad, 0, -pad, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            shown,
        )

    # ----------------------------------------------------------------- editing
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> QWidget:
        editor = SegmentEditor(parent)
        editor.setFont(option.font)
        persistent = QPersistentModelIndex(index)

        def commit() -> None:
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

        def split(position: int) -> None:
            text = editor.toPlainText()
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.split_requested.emit(persistent, position, text)

        def merge_previous() -> None:
            text = editor.toPlainText()
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.merge_previous_requested.emit(persistent, text)

        editor.commit_requested.connect(commit)
        editor.split_requested.connect(split)
        editor.merge_previous_requested.connect(merge_previous)
        return editor

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        if isinstance(editor, SegmentEditor):
            editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            editor.moveCursor(editor.textCursor().MoveOperation.End)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        if isinstance(editor, SegmentEditor):
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: ModelIndex
    ) -> None:
        if isinstance(editor, SegmentEditor):
            editor.place(option.rect)
        else:
            editor.setGeometry(option.rect)

    def clear_cache(self) -> None:
        """Forget laid-out text (after a font change)."""
        self._documents.clear()
