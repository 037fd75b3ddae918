"""The undoable edits of the transcript model, as :class:`QUndoCommand` objects.

Each command keeps the old and the new values and asks the model to put one or the other in
place (``redo``/``undo``); the model does the row bookkeeping and emits its signals. Segments are
swapped whole, never changed in place (see :mod:`desktop_app.ui.transcript_model`). GUI thread
only, like the model's undo stack that runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from desktop_app.core.transcript import Segment

if TYPE_CHECKING:
    from desktop_app.ui.transcript_model import TranscriptModel


class ReplaceSegments(QUndoCommand):
    """Put new segment values in existing rows (text edits, replace, speaker assignment)."""

    def __init__(
        self, model: TranscriptModel, changes: dict[int, tuple[Segment, Segment]], label: str
    ) -> None:
        super().__init__(label)
        self._model = model
        self._changes = changes

    def redo(self) -> None:
        self._model._put_segments({row: new for row, (_, new) in self._changes.items()})

    def undo(self) -> None:
        self._model._put_segments({row: old for row, (old, _) in self._changes.items()})


class ReplaceRows(QUndoCommand):
    """Swap a run of rows for another run (merging and splitting)."""

    def __init__(
        self,
        model: TranscriptModel,
        row: int,
        old: Sequence[Segment],
        new: Sequence[Segment],
        label: str,
    ) -> None:
        super().__init__(label)
        self._model = model
        self._row = row
        self._old = list(old)
        self._new = list(new)

    def redo(self) -> None:
        self._model._swap_rows(self._row, len(self._old), self._new)

    def undo(self) -> None:
        self._model._swap_rows(self._row, len(self._new), self._old)


class RenameSpeaker(QUndoCommand):
    """Show a speaker under a new name everywhere (undo brings the old name, or none, back)."""

    def __init__(self, model: TranscriptModel, speaker_id: str, name: str, label: str) -> None:
        super().__init__(label)
        self._model = model
        self._id = speaker_id
        self._name = name
        existing = next((s for s in model.transcript().speakers if s.id == speaker_id), None)
        self._old_name = existing.name if existing is not None else None

    def redo(self) -> None:
        self._model._set_speaker_name(self._id, self._name)

    def undo(self) -> None:
        self._model._set_speaker_name(self._id, self._old_name)
