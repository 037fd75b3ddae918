"""The table model behind the transcript view: one row per segment (time, speaker, text).

:class:`TranscriptModel` works directly on a :class:`~desktop_app.core.transcript.Transcript`
(its ``segments`` list is edited in place, so whoever holds the transcript sees the edits and an
export made afterwards reflects them). Every edit goes through a :class:`QUndoStack`: text edits
(``setData``), renaming a speaker everywhere, assigning segments to a speaker, merging adjacent
segments, splitting one at a character position, and find/replace. The commands are in
:mod:`~desktop_app.ui.transcript_undo`, the search itself in
:mod:`~desktop_app.ui.transcript_find`. Segments are replaced, never changed in place, so
snapshots that share them stay consistent (see :func:`snapshot_transcript`).

Nothing here creates a widget per row: the view paints rows with a delegate and asks the model
for plain data and a few custom roles (rich text with highlights, the speaker's colour index,
whether a row is the one playing). Rich text is built only for rows being painted and cached.
"""

from __future__ import annotations

import bisect
import dataclasses
import html
import itertools
from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPalette, QUndoCommand, QUndoStack

from desktop_app.core.transcript import Segment, Speaker, Transcript
from desktop_app.ui import segment_ops, transcript_find
from desktop_app.ui.transcript_find import FindMatch
from desktop_app.ui.transcript_undo import RenameSpeaker, ReplaceRows, ReplaceSegments

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    TIME = 0
    SPEAKER = 1
    TEXT = 2


_USER = int(Qt.ItemDataRole.UserRole)
SEGMENT_ROLE = _USER + 1
"""The :class:`Segment` of the row."""
START_ROLE = _USER + 2
"""Start time in seconds (float)."""
SPEAKER_INDEX_ROLE = _USER + 3
"""Index into the speaker palette (int), or ``None`` for a segment without a speaker."""
RICH_TEXT_ROLE = _USER + 4
"""HTML of the text with ``low``/``playing``/``match``/``current`` spans, or ``None`` when plain
text will do."""
LOW_CONFIDENCE_ROLE = _USER + 5
"""``[(start, end), ...]`` character ranges of low-confidence words (independent of the toggle)."""
CURRENT_ROLE = _USER + 6
"""``True`` on the row that is playing."""

DEFAULT_LOW_CONFIDENCE = 0.5

_HUES = (212, 24, 140, 328, 266, 44, 184, 0)


def speaker_color(index: int, dark: bool) -> QColor:
    """A colour for speaker number ``index`` that reads well on a light or a dark background.

    The first eight speakers get clearly different hues; later ones shift them a little.
    """
    hue = (_HUES[index % len(_HUES)] + 17 * (index // len(_HUES))) % 360
    return QColor.fromHsl(hue, 170 if dark else 190, 178 if dark else 92)


def is_dark(palette: QPalette) -> bool:
    """Whether the palette is a dark theme (judged by the colour text is painted on)."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def muted_color(palette: QPalette) -> QColor:
    """Text colour toned halfway towards the background (for times and provisional text)."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 11 + base.red() * 9) // 20,
        (text.green() * 11 + base.green() * 9) // 20,
        (text.blue() * 11 + base.blue() * 9) // 20,
    )


def format_timestamp(seconds: float, with_hours: bool = False) -> str:
    """``m:ss``, or ``h:mm:ss`` when asked or when the time reaches an hour."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours or with_hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def snapshot_transcript(transcript: Transcript) -> Transcript:
    """A copy that later edits through the model cannot change, cheap enough for 10 000 rows.

    The model replaces segments instead of changing them, so copying the list (and the mutable
    speaker entries) is enough; use it before handing a transcript to another thread.
    """
    return dataclasses.replace(
        transcript,
        segments=list(transcript.segments),
        speakers=[dataclasses.replace(s) for s in transcript.speakers],
    )


class TranscriptModel(QAbstractTableModel):
    """Rows of a transcript for a QTableView. GUI thread only.

    Signals:
      edited()   after any change to the transcript (an edit, an undo or a redo), so the owner
                 can save; not emitted by :meth:`set_transcript`.
    """

    edited = Signal()

    def __init__(self, transcript: Transcript | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._transcript = Transcript()
        self._segments: list[Segment] = self._transcript.segments
        self._names: dict[str, str] = {}
        self._speaker_order: dict[str, int] = {}
        self._with_hours = False
        self._current_row: int | None = None
        self._playing_word: tuple[int, int] | None = None  # row, character span start
        self._low_visible = True
        self._low_threshold = DEFAULT_LOW_CONFIDENCE
        self._pattern = segment_ops.search_pattern("")
        self._current_match: FindMatch | None = None
        self._rich_cache: dict[int, str | None] = {}
        self.read_only = False
        """While set (a job's partial transcript), every edit is refused."""
        if transcript is not None:
            self.set_transcript(transcript)

    # ------------------------------------------------------------------ content
    def set_transcript(self, transcript: Transcript) -> None:
        """Show ``transcript`` (edits go into this very object); clears undo history."""
        self.beginResetModel()
        self._transcript = transcript
        self._segments = transcript.segments
        self._current_row = None
        self._playing_word = None
        self._current_match = None
        self._rich_cache.clear()
        self._speaker_order = {}
        for speaker in transcript.speakers:
            self._speaker_order.setdefault(speaker.id, len(self._speaker_order))
        for segment in self._segments:
            if segment.speaker is not None and segment.speaker not in self._speaker_order:
                self._speaker_order[segment.speaker] = len(self._speaker_order)
        self._names = {s.id: s.name for s in transcript.speakers}
        last = max((s.end for s in self._segments), default=0.0)
        self._with_hours = max(last, transcript.duration or 0.0) >= 3600
        self.endResetModel()
        self.undo_stack.clear()

    def transcript(self) -> Transcript:
        """The transcript being shown, with every edit applied."""
        return self._transcript

    def segment(self, row: int) -> Segment:
        return self._segments[row]

    def speaker_name(self, speaker_id: str | None) -> str:
        if speaker_id is None:
            return ""
        return self._names.get(speaker_id, speaker_id)

    def speakers(self) -> list[Speaker]:
        """Every speaker of the transcript (named or only seen on segments), in palette order."""
        return [Speaker(sid, self.speaker_name(sid)) for sid in self._speaker_order]

    def speaker_index(self, speaker_id: str) -> int:
        """The speaker's palette index (stable for the transcript)."""
        return self._speaker_order.setdefault(speaker_id, len(self._speaker_order))

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._segments)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Time"), self.tr("Speaker"), self.tr("Text"))[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Column.TEXT and not self.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._segments):
            return None
        row, column = index.row(), index.column()
        segment = self._segments[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == Column.TIME:
                return format_timestamp(segment.start, self._with_hours)
            if column == Column.SPEAKER:
                return self.speaker_name(segment.speaker)
            return segment.text
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.TIME:
            start = format_timestamp(segment.start, self._with_hours)
            return f"{start} – {format_timestamp(segment.end, self._with_hours)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible_text(segment, column)
        return self._custom_data(row, segment, role)

    def _custom_data(self, row: int, segment: Segment, role: int) -> Any:
        if role == SEGMENT_ROLE:
            return segment
        if role == START_ROLE:
            return segment.start
        if role == SPEAKER_INDEX_ROLE:
            return None if segment.speaker is None else self.speaker_index(segment.speaker)
        if role == CURRENT_ROLE:
            return row == self._current_row
        if role == LOW_CONFIDENCE_ROLE:
            return segment_ops.low_confidence_spans(segment, self._low_threshold)
        if role == RICH_TEXT_ROLE:
            if row not in self._rich_cache:
                self._rich_cache[row] = self._rich_text(row, segment)
            return self._rich_cache[row]
        return None

    def _accessible_text(self, segment: Segment, column: int) -> str:
        if column == Column.TIME:
            return format_timestamp(segment.start, self._with_hours)
        if column == Column.SPEAKER:
            return self.speaker_name(segment.speaker)
        return segment.text

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or index.column() != Column.TEXT
            or not isinstance(value, str)
        ):
            return False
        return self.set_text(index.row(), value)

    # ------------------------------------------------------------------- edits
    def set_text(self, row: int, text: str) -> bool:
        """Replace one segment's text (undoable); ``False`` if nothing changed."""
        old = self._segments[row]
        new = segment_ops.retext(old, text)
        if new.text == old.text:
            return False
        return self._push(ReplaceSegments(self, {row: (old, new)}, self.tr("Edit text")))

    def rename_speaker(self, speaker_id: str, name: str) -> bool:
        """Show ``speaker_id`` as ``name`` everywhere (undoable)."""
        name = name.strip()
        if not name or self.speaker_name(speaker_id) == name:
            return False
        return self._push(RenameSpeaker(self, speaker_id, name, self.tr("Rename speaker")))

    def set_speaker(self, rows: Iterable[int], speaker_id: str | None) -> bool:
        """Attribute the segments in ``rows`` to ``speaker_id`` (undoable)."""
        changes = {
            row: (self._segments[row], dataclasses.replace(self._segments[row], speaker=speaker_id))
            for row in sorted(set(rows))
            if self._segments[row].speaker != speaker_id
        }
        if not changes:
            return False
        if speaker_id is not None:
            self.speaker_index(speaker_id)
        return self._push(ReplaceSegments(self, changes, self.tr("Change speaker")))

    def merge_rows(self, first: int, last: int) -> bool:
        """Merge rows ``first..last`` (inclusive, at least two) into one segment (undoable)."""
        if not 0 <= first < last < len(self._segments):
            return False
        old = self._segments[first : last + 1]
        label = self.tr("Merge segments")
        return self._push(ReplaceRows(self, first, old, [segment_ops.merge(old)], label))

    def split_row(self, row: int, position: int) -> bool:
        """Split a segment at character ``position`` of its text (undoable)."""
        if not 0 <= row < len(self._segments):
            return False
        parts = segment_ops.split(self._segments[row], position)
        if parts is None:
            return False
        old = [self._segments[row]]
        return self._push(ReplaceRows(self, row, old, list(parts), self.tr("Split segment")))

    def retime_row(self, row: int, start: float, end: float) -> bool:
        """Give a segment new start and end times (undoable); its words are kept inside them."""
        if not 0 <= row < len(self._segments) or end <= start:
            return False
        old = self._segments[row]
        if (round(old.start, 3), round(old.end, 3)) == (round(start, 3), round(end, 3)):
            return False
        new = segment_ops.retime(old, start, end)
        return self._push(ReplaceSegments(self, {row: (old, new)}, self.tr("Change timing")))

    def _push(self, command: QUndoCommand) -> bool:
        if self.read_only:
            return False
        self.undo_stack.push(command)
        return True

    # -------------------------------------------------------- called by commands
    def _put_segments(self, values: dict[int, Segment]) -> None:
        for row, segment in values.items():
            self._segments[row] = segment
            self._rich_cache.pop(row, None)
        if values:
            top = self.index(min(values), 0)
            bottom = self.index(max(values), len(Column) - 1)
            self.dataChanged.emit(top, bottom)
        self.edited.emit()

    def _swap_rows(self, row: int, count: int, new: Sequence[Segment]) -> None:
        self._current_row = None
        self._playing_word = None
        self._current_match = None
        self._rich_cache.clear()
        if count:
            self.beginRemoveRows(QModelIndex(), row, row + count - 1)
            del self._segments[row : row + count]
            self.endRemoveRows()
        if new:
            self.beginInsertRows(QModelIndex(), row, row + len(new) - 1)
            self._segments[row:row] = list(new)
            self.endInsertRows()
        self.edited.emit()

    def _set_speaker_name(self, speaker_id: str, name: str | None) -> None:
        speakers = self._transcript.speakers
        if name is None:
            speakers[:] = [s for s in speakers if s.id != speaker_id]
            self._names.pop(speaker_id, None)
        else:
            self._transcript.rename_speaker(speaker_id, name)
            self._names[speaker_id] = name
        if self._segments:
            self.dataChanged.emit(
                self.index(0, Column.SPEAKER), self.index(len(self._segments) - 1, Column.SPEAKER)
            )
        self.edited.emit()

    # ------------------------------------------------------------ playback row
    def row_at_time(self, seconds: float) -> int | None:
        """The row whose segment is playing at ``seconds``, or ``None`` in a pause."""
        row = bisect.bisect_right(self._segments, seconds, key=_segment_start) - 1
        for candidate in (row, row - 1):
            if 0 <= candidate < len(self._segments):
                segment = self._segments[candidate]
                if segment.start <= seconds < segment.end:
                    return candidate
        return None

    @property
    def current_row(self) -> int | None:
        return self._current_row

    def set_current_row(self, row: int | None) -> None:
        """Mark ``row`` as the one playing (``None`` for none)."""
        if row == self._current_row:
            return
        previous, self._current_row = self._current_row, row
        for changed in (previous, row):
            if changed is not None and 0 <= changed < len(self._segments):
                self.dataChanged.emit(
                    self.index(changed, 0), self.index(changed, len(Column) - 1), [CURRENT_ROLE]
                )

    def set_playing_time(self, seconds: float) -> int | None:
        """Mark the segment and the word playing at ``seconds``; returns the row (or ``None``)."""
        row = self.row_at_time(seconds)
        self.set_current_row(row)
        word = None
        if row is not None:
            span = segment_ops.word_span_at_time(self._segments[row], seconds)
            word = (row, span[0]) if span is not None else None
        if word != self._playing_word:
            previous, self._playing_word = self._playing_word, word
            for changed in {w[0] for w in (previous, word) if w is not None}:
                if changed < len(self._segments):
                    self._rich_cache.pop(changed, None)
                    index = self.index(changed, Column.TEXT)
                    self.dataChanged.emit(index, index, [RICH_TEXT_ROLE])
        return row

    @property
    def playing_word(self) -> tuple[int, int] | None:
        """``(row, character offset)`` of the word playing now, or ``None``."""
        return self._playing_word

    # -------------------------------------------------------- low confidence
    @property
    def low_confidence_visible(self) -> bool:
        return self._low_visible

    @property
    def low_confidence_threshold(self) -> float:
        return self._low_threshold

    def set_low_confidence(self, visible: bool, threshold: float | None = None) -> None:
        """Show or hide the highlighting of words below ``threshold`` (0..1)."""
        self._low_visible = visible
        if threshold is not None:
            self._low_threshold = float(threshold)
        self._refresh_text_column()

    # ------------------------------------------------------------ find/replace
    def set_search(self, term: str) -> None:
        """Highlight every case-insensitive occurrence of ``term`` (empty: none)."""
        self._pattern = segment_ops.search_pattern(term)
        self._current_match = None
        self._refresh_text_column()

    def set_current_match(self, match: FindMatch | None) -> None:
        previous, self._current_match = self._current_match, match
        for changed in {m.row for m in (previous, match) if m is not None}:
            if 0 <= changed < len(self._segments):
                self._rich_cache.pop(changed, None)
                index = self.index(changed, Column.TEXT)
                self.dataChanged.emit(index, index, [RICH_TEXT_ROLE])

    def count_matches(self, term: str) -> int:
        return transcript_find.count_matches(self._segments, term)

    def match_ordinal(self, term: str, match: FindMatch) -> int:
        """1-based number of ``match`` among all hits of ``term`` in reading order."""
        return transcript_find.match_ordinal(self._segments, term, match)

    def find(self, term: str, row: int, position: int, backwards: bool = False) -> FindMatch | None:
        """The next (or previous) hit from ``row``/``position``, wrapping around the end."""
        return transcript_find.find(self._segments, term, row, position, backwards)

    def replace_match(self, term: str, match: FindMatch, replacement: str) -> bool:
        """Replace one hit if the text there still matches ``term`` (undoable)."""
        text = transcript_find.replaced_text(self._segments, term, match, replacement)
        return text is not None and self.set_text(match.row, text)

    def replace_all(self, term: str, replacement: str) -> int:
        """Replace every hit in one undoable step; returns how many were replaced."""
        changes, total = transcript_find.replace_everywhere(self._segments, term, replacement)
        if changes and not self._push(ReplaceSegments(self, changes, self.tr("Replace all"))):
            return 0
        return total

    # ---------------------------------------------------------------- copy
    def copy_text(self, rows: Iterable[int]) -> str:
        """Rows as text, one line each: ``[time] Speaker: text``."""
        lines = []
        for row in sorted(set(rows)):
            segment = self._segments[row]
            stamp = format_timestamp(segment.start, self._with_hours)
            speaker = self.speaker_name(segment.speaker)
            lines.append(
                f"[{stamp}] {speaker}: {segment.text}" if speaker else f"[{stamp}] {segment.text}"
            )
        return "\n".join(lines)

    # ------------------------------------------------------------- rendering
    def _refresh_text_column(self) -> None:
        self._rich_cache.clear()
        if self._segments:
            self.dataChanged.emit(
                self.index(0, Column.TEXT),
                self.index(len(self._segments) - 1, Column.TEXT),
                [RICH_TEXT_ROLE],
            )

    def _rich_text(self, row: int, segment: Segment) -> str | None:
        text = segment.text
        marks: list[tuple[int, int, int]] = []  # start, end, priority
        if self._low_visible:
            marks += [
                (a, b, 1) for a, b in segment_ops.low_confidence_spans(segment, self._low_threshold)
            ]
        if self._playing_word is not None and self._playing_word[0] == row:
            span = segment_ops.token_span_from(segment.text, self._playing_word[1])
            if span is not None:
                marks.append((span[0], span[1], 2))
        if self._pattern is not None:
            current = self._current_match
            for hit in self._pattern.finditer(text):
                is_current = current is not None and (current.row, current.start) == (
                    row,
                    hit.start(),
                )
                marks.append((hit.start(), hit.end(), 4 if is_current else 3))
        if not marks:
            return None
        return _marked_html(text, marks)


_CLASSES = {1: "low", 2: "playing", 3: "match", 4: "current"}


def _marked_html(text: str, marks: Sequence[tuple[int, int, int]]) -> str:
    """HTML of ``text`` with each stretch in the span class of its strongest mark."""
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    parts = []
    for begin, end in itertools.pairwise(cuts):
        piece = html.escape(text[begin:end])
        strongest = max((p for a, b, p in marks if a <= begin and end <= b), default=0)
        parts.append(f'<span class="{_CLASSES[strongest]}">{piece}</span>' if strongest else piece)
    return "".join(parts)


def _segment_start(segment: Segment) -> float:
    return segment.start
