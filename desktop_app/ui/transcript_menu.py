"""The context menu of a transcript segment (play, copy, edit, split, merge, speakers, undo).

Built fresh for each opening by :func:`build`, from the actions and edits the
:class:`~desktop_app.ui.transcript_view.TranscriptView` offers. GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from desktop_app.ui import segment_ops
from desktop_app.ui.transcript_model import Column

if TYPE_CHECKING:
    from desktop_app.ui.transcript_view import TranscriptView


def build(view: TranscriptView, index: QModelIndex, char_position: int = -1) -> QMenu:
    """The menu for the segment at ``index``; ``char_position`` (-1: none) enables "Split
    here"."""
    menu = QMenu(view)
    row = index.row()
    segment = view.model.segment(row)
    menu.addAction(
        QCoreApplication.translate("TranscriptView", "Play from here"),
        lambda: view.seek.emit(segment.start),
    )
    menu.addAction(view.copy_action)
    menu.addSeparator()
    edit = menu.addAction(QCoreApplication.translate("TranscriptView", "Edit text"))
    edit.setShortcut(QKeySequence(Qt.Key.Key_F2))
    edit.triggered.connect(lambda: view.table.edit(view.model.index(row, Column.TEXT)))
    split = menu.addAction(QCoreApplication.translate("TranscriptView", "Split here"))
    split.setEnabled(segment_ops.split(segment, char_position) is not None)
    split.triggered.connect(lambda: view.split_row(row, char_position))
    rows = view.selected_rows()
    contiguous = len(rows) > 1 and rows == list(range(rows[0], rows[-1] + 1))
    view.merge_action.setText(
        QCoreApplication.translate("TranscriptView", "Merge selected segments")
        if contiguous
        else QCoreApplication.translate("TranscriptView", "Merge with next segment")
    )
    view.merge_action.setEnabled(contiguous or row + 1 < view.model.rowCount())
    menu.addAction(view.merge_action)
    menu.addSeparator()
    if segment.speaker is not None:
        speaker_id = segment.speaker
        rename = menu.addAction(
            QCoreApplication.translate("TranscriptView", "Rename “{0}”…").format(
                view.model.speaker_name(speaker_id)
            )
        )
        rename.triggered.connect(lambda: view.rename_speaker_interactively(speaker_id))
    assign = menu.addMenu(QCoreApplication.translate("TranscriptView", "Assign to speaker"))
    for speaker in view.model.speakers():
        choice = assign.addAction(speaker.name)
        choice.setCheckable(True)
        choice.setChecked(speaker.id == segment.speaker)
        choice.triggered.connect(
            lambda _checked=False, sid=speaker.id: view.model.set_speaker(rows, sid)
        )
    assign.addSeparator()
    assign.addAction(
        QCoreApplication.translate("TranscriptView", "New speaker…"),
        lambda: view.assign_new_speaker(rows),
    )
    menu.addSeparator()
    menu.addAction(view.low_confidence_action)
    menu.addAction(view.follow_action)
    menu.addAction(view.undo_action)
    menu.addAction(view.redo_action)
    return menu
