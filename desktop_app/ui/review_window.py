"""Review mode: one file's comparison, disagreement by disagreement.

The reviewed transcript (the first engine's, or the first that finished) is shown span by span
with the spans where the engines differ highlighted. F8 / Shift+F8 (and the buttons) go to the
next / previous difference; each plays its stretch of audio and offers every engine's text, or
an edit. A choice becomes the transcript as one undoable edit (the transcript model's undo stack,
see :mod:`desktop_app.ui.review_edits`), ready to export; the comparison itself exports to HTML.
GUI thread only.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.compare import Comparison
from desktop_app.core.transcript import Transcript
from desktop_app.export.atomic import write_atomically
from desktop_app.export.compare_html import render_html
from desktop_app.providers import registry
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.player import Player
from desktop_app.ui.review_edits import ReviewState, choose
from desktop_app.ui.transcript_model import (
    TranscriptModel,
    format_timestamp,
    is_dark,
    snapshot_transcript,
)

# (differing, current difference, chosen) backgrounds on light and on dark themes
_LIGHT = ("#ffe9a8", "#ffb74d", "#c8e6c9")
_DARK = ("#5c4a00", "#8a5300", "#1e4620")


def engine_label(name: str) -> str:
    try:
        return registry.provider_class(name).display_name
    except Exception:  # an engine from an older history may be gone
        return name


class ReviewWindow(QWidget):
    """Review of one comparison (a top-level window). GUI thread only.

    Signals:
      reviewed(object)   the reviewed transcript after each change
      closed(object)     the window closes with changes kept (the reviewed transcript)
    """

    reviewed = Signal(object)
    closed = Signal(object)

    def __init__(
        self,
        comparison: Comparison,
        audio: Path | None = None,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.comparison = comparison
        self.title = title
        self.audio = audio
        self.setWindowTitle(
            self.tr("Compare engines — %s") % title if title else self.tr("Compare engines")
        )
        # The first engine that heard anything: its segments carry the choices.
        heard = [e for e in comparison.engines if e in comparison.transcripts]
        self.base = next((e for e in heard if comparison.transcripts[e].text.strip()), heard[0])
        transcript = snapshot_transcript(comparison.transcripts[self.base])
        self.model = TranscriptModel(transcript, self)
        self.state = ReviewState(comparison, self.base)
        self.disagreements = comparison.disagreements
        self.position: int | None = None  # index into self.disagreements
        self._stop_at: float | None = None
        self._build()
        self.model.edited.connect(lambda: self.reviewed.emit(self.model.transcript()))
        self.refresh()
        if self.disagreements:
            self.go(0, play=False)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.summary = QLabel()
        self.summary.setObjectName("review_summary")
        self.summary.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setAccessibleName(self.tr("Reviewed transcript"))
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._clicked)
        self.previous_button = QPushButton(self.tr("◀ Previous"))
        self.previous_button.setToolTip(self.tr("Previous difference (Shift+F8)"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.setToolTip(self.tr("Next difference (F8)"))
        self.play_button = QPushButton(self.tr("Play span"))
        self.where = QLabel()
        self.undo_button = QPushButton(self.tr("Undo"))
        self.redo_button = QPushButton(self.tr("Redo"))
        self.export_button = QPushButton(self.tr("Export transcript…"))
        self.html_button = QPushButton(self.tr("Export comparison (HTML)…"))
        nav = QHBoxLayout()
        for widget in (self.previous_button, self.next_button, self.play_button, self.where):
            nav.addWidget(widget)
        nav.addStretch()
        for widget in (self.undo_button, self.redo_button, self.export_button, self.html_button):
            nav.addWidget(widget)
        self.choices = QGridLayout()
        self.choice_buttons: dict[str, QPushButton] = {}
        for row, engine in enumerate(self.comparison.engines):
            if engine not in self.comparison.transcripts:
                continue
            name = QLabel(engine_label(engine))
            button = QPushButton()
            button.setObjectName(f"choose_{engine}")
            button.setStyleSheet("text-align: left; padding: 4px 8px;")
            button.clicked.connect(lambda _=False, e=engine: self.choose_engine(e))
            self.choice_buttons[engine] = button
            self.choices.addWidget(name, row, 0)
            self.choices.addWidget(button, row, 1)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(self.tr("Your text for this span"))
        self.edit.setPlaceholderText(self.tr("Or type the text for this span"))
        self.use_edit = QPushButton(self.tr("Use my text"))
        edit_row = len(self.comparison.engines)
        self.choices.addWidget(QLabel(self.tr("Edit")), edit_row, 0)
        edit_line = QHBoxLayout()
        edit_line.addWidget(self.edit, 1)
        edit_line.addWidget(self.use_edit)
        self.choices.addLayout(edit_line, edit_row, 1)
        self.choices.setColumnStretch(1, 1)
        self.player = Player()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.text, 1)
        layout.addLayout(nav)
        layout.addLayout(self.choices)
        layout.addWidget(self.player)
        self.resize(960, 640)

        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.play_button.clicked.connect(self.play_span)
        self.use_edit.clicked.connect(self.choose_edit)
        self.edit.returnPressed.connect(self.choose_edit)
        self.undo_button.clicked.connect(self.model.undo_stack.undo)
        self.redo_button.clicked.connect(self.model.undo_stack.redo)
        self.model.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.model.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_transcript)
        self.html_button.clicked.connect(self.export_html)
        for keys, slot in (("F8", self.next), ("Shift+F8", self.previous)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        self.player.set_source(self.audio)
        self.player.position_changed.connect(self._playing_at)

    # ------------------------------------------------------------------ showing
    def summary_text(self) -> str:
        differ, total = len(self.disagreements), len(self.comparison.spans)
        text = self.tr("Agreement %1% — %2 of %3 spans differ.")
        text = text.replace("%1", f"{self.comparison.agreement * 100:.1f}")
        text = text.replace("%2", str(differ)).replace("%3", str(total))
        chosen = sum(1 for i in self.disagreements if self.state.resolved(i))
        if chosen:
            text += " " + self.tr("%n changed.", "", chosen)
        for engine, reason in self.comparison.failures.items():
            text += "\n" + self.tr("%1 failed: %2").replace("%1", engine_label(engine)).replace(
                "%2", reason
            )
        return text

    def refresh(self) -> None:
        """Redraw the transcript with the differences marked (and the summary)."""
        dark = is_dark(self.palette())
        differ, current, chosen = _DARK if dark else _LIGHT
        here = self.current_span()
        parts = []
        for index, span in enumerate(self.comparison.spans):
            body = html.escape(self.state.current[index]) or "&#8203;…"
            if span.agree:
                parts.append(body)
                continue
            colour = current if index == here else chosen if self.state.resolved(index) else differ
            style = f"background:{colour};" + ("font-weight:bold;" if index == here else "")
            parts.append(f'<a href="span:{index}" style="{style}color:inherit;'
                         f'text-decoration:none">{body}</a>')  # fmt: skip
        self.text.setHtml(f"<div style='font-size:12pt;line-height:150%'>{' '.join(parts)}</div>")
        self.summary.setText(self.summary_text())
        self._show_choices()

    def _show_choices(self) -> None:
        index = self.current_span()
        total = len(self.disagreements)
        if index is None or self.position is None:
            self.where.setText(self.tr("No differences") if not total else "")
        else:
            span = self.comparison.spans[index]
            self.where.setText(
                self.tr("Difference %1 of %2 at %3")
                .replace("%1", str(self.position + 1))
                .replace("%2", str(total))
                .replace("%3", format_timestamp(span.start))
            )
        for engine, button in self.choice_buttons.items():
            text = "" if index is None else self.comparison.spans[index].texts.get(engine, "")
            button.setText(text or ("—" if index is not None else ""))
            button.setEnabled(index is not None)
            button.setDefault(index is not None and text == self.state.current[index])
        self.edit.setEnabled(index is not None)
        self.use_edit.setEnabled(index is not None)
        self.play_button.setEnabled(index is not None and self.player.source is not None)
        self.previous_button.setEnabled(bool(total))
        self.next_button.setEnabled(bool(total))

    def current_span(self) -> int | None:
        return None if self.position is None else self.disagreements[self.position]

    # ------------------------------------------------------------------ moving
    def go(self, position: int, play: bool = True) -> None:
        if not self.disagreements:
            return
        self.position = position % len(self.disagreements)
        index = self.disagreements[self.position]
        self.edit.setText(self.state.current[index])
        self.refresh()
        self.text.scrollToAnchor(f"span:{index}")
        if play:
            self.play_span()

    def next(self) -> None:
        self.go(0 if self.position is None else self.position + 1)

    def previous(self) -> None:
        self.go(-1 if self.position is None else self.position - 1)

    def _clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("span:"):
            index = int(target.removeprefix("span:"))
            if index in self.disagreements:
                self.go(self.disagreements.index(index))

    def play_span(self) -> None:
        index = self.current_span()
        if index is None or self.player.source is None:
            return
        span = self.comparison.spans[index]
        self._stop_at = span.end
        self.player.play_from(span.start)

    def _playing_at(self, seconds: float) -> None:
        if self._stop_at is not None and seconds >= self._stop_at:
            self._stop_at = None
            self.player.pause()

    # ------------------------------------------------------------------ choosing
    def choose_text(self, text: str) -> bool:
        index = self.current_span()
        if index is None:
            return False
        return choose(self.model, self.state, index, text, self.tr("Choose text"), self._chosen)

    def choose_engine(self, engine: str) -> bool:
        index = self.current_span()
        if index is None:
            return False
        return self.choose_text(self.comparison.spans[index].texts.get(engine, ""))

    def choose_edit(self) -> bool:
        return self.choose_text(self.edit.text())

    def _chosen(self) -> None:
        index = self.current_span()
        if index is not None:
            self.edit.setText(self.state.current[index])
        self.refresh()

    def transcript(self) -> Transcript:
        return self.model.transcript()

    # ------------------------------------------------------------------ export
    def export_transcript(self) -> ExportDialog:
        folder = str(self.audio.parent) if self.audio is not None else None
        dialog = ExportDialog(self.transcript(), folder, self)
        dialog.open()
        return dialog

    def write_html(self, path: Path) -> None:
        write_atomically(path, [render_html(self.comparison, self.title)])

    def export_html(self) -> None:
        stem = Path(self.title).stem or "comparison"
        file, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the comparison"),
            f"{stem}.compare.html",
            self.tr("Web page (*.html)"),
        )
        if not file:
            return
        try:
            self.write_html(Path(file))
        except OSError as exc:
            self.summary.setText(self.summary_text() + "\n⚠ " + (exc.strerror or str(exc)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The shortcuts take F8 first; this serves keys sent straight to a child widget.
        if event.key() == Qt.Key.Key_F8:
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.previous() if shift else self.next()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: object) -> None:
        self.player.stop()
        if not self.model.undo_stack.isClean():
            self.model.undo_stack.setClean()
            self.closed.emit(self.transcript())
        super().closeEvent(event)  # type: ignore[arg-type]
