"""Live text while recording or streaming: settled text solid, provisional text grey and italic.

:class:`LiveView` is fed :class:`~desktop_app.providers.base.StreamEvent` objects (from the live
runner's ``event`` signal) and keeps them in a
:class:`~desktop_app.core.stream.TranscriptAssembler`. Each final segment is a paragraph;
the provisional (partial) text is the last paragraph(s) and is replaced in place whenever the
engine revises it. New final text is appended without touching what is already shown; only a
revision of an earlier final segment redraws the whole text.

The view follows the newest text until the user scrolls up; it stays put while they read and
resumes following when they scroll back to the bottom (or press "Jump to latest").
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtGui import (
    QFont,
    QPalette,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPushButton, QTextEdit, QVBoxLayout, QWidget

from desktop_app.core.stream import StreamEvent, TranscriptAssembler
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.ui.transcript_model import format_timestamp, is_dark, muted_color, speaker_color

_BOTTOM_SLACK = 8  # pixels from the end that still count as "at the bottom"


class LiveView(QWidget):
    """Shows a live transcript as events arrive. GUI thread only.

    Signals:
      following_changed(bool)   the view started or stopped following the newest text
    """

    following_changed = Signal(bool)

    def __init__(self, engine: str = "", source: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._assembler = TranscriptAssembler(engine=engine, source=source)
        self._rendered: list[Segment] = []
        self._partial_start = 0
        self._following = True
        self._updating = False
        self._speakers: dict[str, int] = {}

        self.text = QTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAcceptRichText(False)
        self.text.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() * 1.12)
        self.text.setFont(font)
        self.text.setPlaceholderText(self.tr("Text appears here as it is recognised."))
        self.text.setAccessibleName(self.tr("Live transcript"))
        self.text.setAccessibleDescription(
            self.tr("Grey italic text is provisional and may still change.")
        )
        self.text.document().setDocumentMargin(12)
        self.jump_button = QPushButton(self.tr("Jump to latest ↓"), self.text)
        self.jump_button.setAccessibleName(self.tr("Jump to the latest text"))
        self.jump_button.clicked.connect(self.follow)
        self.jump_button.hide()

        bar = self.text.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._range_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        self.setFocusProxy(self.text)

    # ----------------------------------------------------------------- public
    def reset(self, engine: str = "", source: str = "") -> None:
        """Start over for a new session."""
        self._assembler = TranscriptAssembler(engine=engine, source=source)
        self._rendered = []
        self._partial_start = 0
        self._speakers = {}
        self._updating = True
        self.text.clear()
        self._updating = False
        self.follow()

    def apply(self, event: StreamEvent) -> None:
        """Take one event (partial or final) and update the text."""
        self._assembler.apply(event)
        self._refresh()

    def apply_all(self, events: Iterable[StreamEvent]) -> None:
        """Take several events and update the text once."""
        for event in events:
            self._assembler.apply(event)
        self._refresh()

    def transcript(
        self, duration: float | None = None, *, include_partial: bool = True
    ) -> Transcript:
        """Everything so far (provisional text included unless asked not to)."""
        return self._assembler.transcript(duration, include_partial=include_partial)

    def final_text(self) -> str:
        return "\n".join(s.text for s in self._assembler.final_segments)

    def partial_text(self) -> str:
        return self._assembler.partial_text

    def is_following(self) -> bool:
        return self._following

    def follow(self) -> None:
        """Scroll to the newest text and keep following it."""
        self._set_following(True)
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())

    # --------------------------------------------------------------- drawing
    def _refresh(self) -> None:
        bar = self.text.verticalScrollBar()
        kept_value = bar.value()
        finals = self._assembler.final_segments
        count = len(self._rendered)
        appended = len(finals) >= count and all(
            a is b for a, b in zip(finals, self._rendered, strict=False)
        )
        self._updating = True
        try:
            cursor = QTextCursor(self.text.document())
            cursor.beginEditBlock()
            if appended:
                cursor.setPosition(self._partial_start)
                cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
                cursor.removeSelectedText()
                new = finals[count:]
            else:
                cursor.select(QTextCursor.SelectionType.Document)
                cursor.removeSelectedText()
                self._rendered = []
                new = finals
            for segment in new:
                self._insert(cursor, segment, final=True)
            self._rendered.extend(new)
            self._partial_start = cursor.position()
            for segment in self._assembler.partial_segments:
                self._insert(cursor, segment, final=False)
            cursor.endEditBlock()
        finally:
            self._updating = False
        bar.setValue(bar.maximum() if self._following else kept_value)

    def _insert(self, cursor: QTextCursor, segment: Segment, final: bool) -> None:
        palette = self.text.palette()
        muted = muted_color(palette)
        block_format = QTextBlockFormat()
        block_format.setBottomMargin(6)
        block_format.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        if cursor.position() > 0:
            cursor.insertBlock(block_format)
        else:
            cursor.setBlockFormat(block_format)
        time_format = QTextCharFormat()
        time_format.setForeground(muted)
        cursor.insertText(f"{format_timestamp(segment.start)}  ", time_format)
        if segment.speaker:
            index = self._speakers.setdefault(segment.speaker, len(self._speakers))
            speaker_format = QTextCharFormat()
            speaker_format.setForeground(speaker_color(index, is_dark(palette)))
            speaker_format.setFontWeight(QFont.Weight.DemiBold)
            cursor.insertText(f"{segment.speaker}: ", speaker_format)
        text_format = QTextCharFormat()
        if final:
            text_format.setForeground(palette.color(QPalette.ColorRole.Text))
        else:
            text_format.setForeground(muted)
            text_format.setFontItalic(True)
        cursor.insertText(segment.text, text_format)

    # -------------------------------------------------------------- following
    def _set_following(self, following: bool) -> None:
        changed = following != self._following
        self._following = following
        self.jump_button.setVisible(not following)
        if not following:
            self._place_jump_button()
        if changed:
            self.following_changed.emit(following)

    def _place_jump_button(self) -> None:
        # Floats over the text's bottom-right corner, so showing it never changes the layout.
        self.jump_button.adjustSize()
        viewport = self.text.viewport().geometry()
        size = self.jump_button.size()
        self.jump_button.move(
            viewport.right() - size.width() - 8, viewport.bottom() - size.height() - 8
        )
        self.jump_button.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_jump_button()

    def _scrolled(self, value: int) -> None:
        if self._updating:
            return
        bar = self.text.verticalScrollBar()
        self._set_following(value >= bar.maximum() - _BOTTOM_SLACK)

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._following:
            self.text.verticalScrollBar().setValue(maximum)
