"""Choosing a text for one span of a comparison, as an undoable edit of the reviewed transcript.

The reviewed transcript is one engine's (the *base*). Its span texts, joined, give back its whole
text ignoring white space (see :mod:`desktop_app.core.compare`), so span ``i`` is the stretch of
significant characters that follows those of spans ``0..i-1``. :class:`ReviewState` keeps the
base's current text per span (an engine's, or an edit) and :func:`span_changes` turns a choice into
new values for the segments the span covers; :class:`ChooseSpan` pushes them on the transcript
model's undo stack and keeps the state in step on undo and redo. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from desktop_app.core.compare import Comparison, is_significant, normalise
from desktop_app.core.transcript import Segment
from desktop_app.ui import segment_ops
from desktop_app.ui.transcript_model import TranscriptModel
from desktop_app.ui.transcript_undo import ReplaceSegments


class ReviewState:
    """Per span, the text the reviewed transcript has now (starts as the base engine's)."""

    def __init__(self, comparison: Comparison, base: str) -> None:
        self.comparison = comparison
        self.base = base
        self.current = [span.texts.get(base, "") for span in comparison.spans]

    def offset(self, index: int) -> int:
        return sum(len(normalise(text)) for text in self.current[:index])

    def resolved(self, index: int) -> bool:
        """Whether span ``index`` differs from what the base engine had."""
        return self.current[index] != self.comparison.spans[index].texts.get(self.base, "")


def _positions(segments: Sequence[Segment]) -> list[tuple[int, int]]:
    return [
        (r, j) for r, s in enumerate(segments) for j, c in enumerate(s.text) if is_significant(c)
    ]


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in punctuation touching the stretch (the span text carries its own)."""
    while start > 0 and not text[start - 1].isspace() and not is_significant(text[start - 1]):
        start -= 1
    while end < len(text) and not text[end].isspace() and not is_significant(text[end]):
        end += 1
    return start, end


def span_changes(
    segments: Sequence[Segment], offset: int, length: int, text: str
) -> dict[int, tuple[Segment, Segment]]:
    """Segment changes that put ``text`` where the ``length`` significant characters from
    ``offset`` are (an insertion after the character before ``offset`` when ``length`` is 0)."""
    if not segments:
        return {}
    positions = _positions(segments)
    text = " ".join(text.split())
    if length > 0 and offset + length <= len(positions):
        (first, start), (last, end) = positions[offset], positions[offset + length - 1]
        end += 1
        if first == last:
            start, end = _widen(segments[first].text, start, end)
        else:
            start = _widen(segments[first].text, start, start + 1)[0]
            end = _widen(segments[last].text, end - 1, end)[1]
    elif offset > 0 and offset <= len(positions):
        first, start = positions[offset - 1]
        start = end = _widen(segments[first].text, start, start + 1)[1]
        last = first
        text = " " + text if text else text
    else:
        first = last = positions[0][0] if positions else 0
        start = end = positions[0][1] if positions else 0
        text = text + " " if text and positions else text
    new_texts: dict[int, str] = {}
    if first == last:
        old = segments[first].text
        new_texts[first] = old[:start] + text + old[end:]
    else:
        new_texts[first] = segments[first].text[:start] + text
        for row in range(first + 1, last):
            new_texts[row] = ""
        new_texts[last] = segments[last].text[end:].lstrip()
    changes = {}
    for row, raw in new_texts.items():
        value = " ".join(raw.split())
        if value != segments[row].text:
            changes[row] = (segments[row], segment_ops.retext(segments[row], value))
    return changes


class ChooseSpan(ReplaceSegments):
    """One span's new text as an undo step; tells the review state and calls ``after``."""

    def __init__(
        self,
        model: TranscriptModel,
        state: ReviewState,
        index: int,
        text: str,
        label: str,
        after: Callable[[], None],
    ) -> None:
        segments = model.transcript().segments
        length = len(normalise(state.current[index]))
        super().__init__(model, span_changes(segments, state.offset(index), length, text), label)
        self.changes = self._changes
        self._state, self._index, self._after = state, index, after
        self._old, self._new = state.current[index], text

    def redo(self) -> None:
        super().redo()
        self._state.current[self._index] = self._new
        self._after()

    def undo(self) -> None:
        super().undo()
        self._state.current[self._index] = self._old
        self._after()


def choose(
    model: TranscriptModel,
    state: ReviewState,
    index: int,
    text: str,
    label: str,
    after: Callable[[], None] = lambda: None,
) -> bool:
    """Make ``text`` span ``index``'s text (undoable); ``False`` when it already is."""
    if " ".join(text.split()) == " ".join(state.current[index].split()):
        return False
    command = ChooseSpan(model, state, index, text, label, after)
    if not command.changes and normalise(text) != normalise(state.current[index]):
        return False  # no segment to carry it (the reviewed transcript is empty)
    model.undo_stack.push(command)
    return True
