"""Painting of the :class:`~desktop_app.ui.timeline.Timeline`: ruler, segment band, waveform,
selection and playhead, for the visible time range only.

Kept apart from the widget's input handling so each stays short. Every function runs on the GUI
thread inside ``paintEvent`` and draws only what lies between the view's first and last pixel:
segments are found by bisection, runs of segments narrower than a pixel are merged into one
rectangle, and the waveform is one vertical line per pixel column from the peaks' mip level that
matches the zoom.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette, QPen

from desktop_app.audio.peaks import Peaks
from desktop_app.ui.transcript_model import format_timestamp, is_dark, muted_color, speaker_color

RULER_HEIGHT = 18
BAND_HEIGHT = 24
LABEL_MIN_WIDTH = 48
"""Segments narrower than this many pixels get no text label (it would be a lone "…")."""
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint32]
BoolArray = npt.NDArray[np.bool_]
_TICK_STEPS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


@dataclass(slots=True)
class SegmentTimes:
    """The segments as the timeline draws them; lists indexed like ``transcript.segments``.

    ``order`` lists the indices by start time; ``reach`` is the running maximum of the ends in
    that order, so the first segment that may reach into a time is found by bisection. The
    ``by_*`` arrays hold starts, ends and speakers (-1: none) in that order, for painting.
    """

    starts: list[float]
    ends: list[float]
    speakers: list[int | None]
    texts: list[str]
    order: list[int] = field(default_factory=list)
    sorted_starts: list[float] = field(default_factory=list)
    reach: list[float] = field(default_factory=list)
    by_start: FloatArray = field(default_factory=lambda: np.zeros(0))
    by_end: FloatArray = field(default_factory=lambda: np.zeros(0))
    by_speaker: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def build(
        cls, starts: list[float], ends: list[float], speakers: list[int | None], texts: list[str]
    ) -> SegmentTimes:
        times = cls(starts, ends, speakers, texts)
        times.reindex()
        return times

    def reindex(self) -> None:
        self.order = sorted(range(len(self.starts)), key=lambda i: (self.starts[i], self.ends[i]))
        self.sorted_starts = [self.starts[i] for i in self.order]
        self.by_start = np.array(self.sorted_starts, dtype=np.float64)
        self.by_end = np.array([self.ends[i] for i in self.order], dtype=np.float64)
        self.reach = np.maximum.accumulate(self.by_end).tolist() if self.order else []
        speakers = [self.speakers[i] for i in self.order]
        self.by_speaker = np.array([-1 if s is None else s for s in speakers], dtype=np.int64)

    def visible(self, first: float, last: float) -> range:
        """Positions in ``order`` of the segments that may overlap ``first..last``."""
        return range(bisect_left(self.reach, first), bisect_right(self.sorted_starts, last))

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(slots=True)
class View:
    """What is on screen: ``offset`` pixels scrolled at ``pps`` pixels a second."""

    offset: float
    pps: float
    width: int
    height: int

    def x(self, seconds: float) -> float:
        return seconds * self.pps - self.offset

    def time(self, x: float) -> float:
        return (x + self.offset) / self.pps

    @property
    def first(self) -> float:
        return self.time(0)

    @property
    def last(self) -> float:
        return self.time(self.width)


def paint_ruler(painter: QPainter, view: View, palette: QPalette) -> None:
    painter.fillRect(0, 0, view.width, RULER_HEIGHT, palette.color(QPalette.ColorRole.Window))
    metrics = QFontMetrics(painter.font())
    label_width = metrics.horizontalAdvance("0:00:00") + 12
    step = next((s for s in _TICK_STEPS if s * view.pps >= label_width), _TICK_STEPS[-1])
    painter.setPen(muted_color(palette))
    tick = math.floor(view.first / step) * step
    with_hours = view.last >= 3600
    lines: list[QLineF] = []
    while tick <= view.last:
        x = view.x(tick)
        lines.append(QLineF(x, RULER_HEIGHT - 5, x, RULER_HEIGHT))
        if tick >= 0:
            label = format_timestamp(tick, with_hours)
            if step < 1:
                label += f".{round((tick % 1) * 10) % 10}"
            painter.drawText(QRectF(x + 3, 0, label_width, RULER_HEIGHT - 2), label)
        tick += step
    painter.drawLines(lines)


def _colour_table(palette: QPalette, speakers: int, strength: float) -> UIntArray:
    """Opaque RGB32 values: 0 no segment (the background), 1 a segment without a speaker,
    2 + n speaker n; each colour mixed into the background by ``strength`` (0..1), so the
    images drawn from them need no blending."""
    dark = is_dark(palette)
    base = palette.color(QPalette.ColorRole.Base)
    colours = [base, muted_color(palette)] + [speaker_color(n, dark) for n in range(speakers)]
    rgb = np.array([(c.red(), c.green(), c.blue()) for c in colours], dtype=np.float64)
    rgb[1:] = rgb[0] + (rgb[1:] - rgb[0]) * strength
    whole = np.round(rgb).astype(np.uint32)
    table: UIntArray = (
        np.uint32(0xFF000000)
        | (whole[:, 0] << np.uint32(16))
        | (whole[:, 1] << np.uint32(8))
        | whole[:, 2]
    )
    return table


def _columns(view: View, starts: FloatArray, ends: FloatArray) -> tuple[IntArray, BoolArray]:
    """For each pixel column: the position (in ``starts``) of the segment drawn there, and
    whether one is (the last column of a wide segment stays empty to part touching ones)."""
    x0 = np.floor(starts * view.pps - view.offset).astype(np.int64)
    x1 = np.maximum(np.ceil(ends * view.pps - view.offset).astype(np.int64), x0 + 1)
    cols = np.arange(view.width, dtype=np.int64)
    which: IntArray = np.clip(np.searchsorted(x0, cols, side="right") - 1, 0, None).astype(np.int64)
    covered = (x0[which] <= cols) & (x1[which] > cols)
    covered &= ~(((x1[which] - x0[which]) > 3) & (cols == x1[which] - 1))
    return which, covered


def paint_segments(
    painter: QPainter, view: View, times: SegmentTimes, palette: QPalette
) -> UIntArray:
    """Speaker-coloured regions in the band, with labels where they fit; returns the colour of
    each pixel column's tint for the waveform area (the background where no segment is).

    Colours are worked out per pixel column with NumPy and drawn as one image, so the cost does
    not grow with the number of segments on screen (10 000 at the widest zoom); only segments
    wide enough for a label are visited one by one.
    """
    top = RULER_HEIGHT
    count = int(times.by_speaker.max(initial=-1)) + 1
    codes = np.zeros(max(0, view.width), dtype=np.int64)
    visible = times.visible(view.first, view.last)
    if len(visible) and view.width > 0:
        starts = times.by_start[visible.start : visible.stop]
        ends = times.by_end[visible.start : visible.stop]
        speakers = times.by_speaker[visible.start : visible.stop]
        which, covered = _columns(view, starts, ends)
        codes = np.where(covered, speakers[which] + 2, 0)
        row = np.ascontiguousarray(_colour_table(palette, count, 1.0)[codes])
        image = QImage(row.data, view.width, 1, view.width * 4, QImage.Format.Format_RGB32)
        painter.drawImage(QRectF(0, top + 2, view.width, BAND_HEIGHT - 4), image)
        widths = (ends - starts) * view.pps
        painter.setPen(QColor(palette.color(QPalette.ColorRole.Base)))
        metrics = QFontMetrics(painter.font())
        for local in np.flatnonzero(widths > LABEL_MIN_WIDTH).tolist():
            index = times.order[visible.start + local]
            left = max(0.0, view.x(times.starts[index]))
            right = min(float(view.width), view.x(times.ends[index]))
            if right - left < LABEL_MIN_WIDTH:
                continue
            rect = QRectF(left + 4, top + 2, right - left - 9, BAND_HEIGHT - 4)
            elided = metrics.elidedText(
                times.texts[index], Qt.TextElideMode.ElideRight, int(rect.width())
            )
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided
            )
    tint: UIntArray = _colour_table(palette, count, 0.18)[codes]
    return tint


def paint_selection(
    painter: QPainter, view: View, times: SegmentTimes, palette: QPalette, selected: int | None
) -> None:
    if selected is None or not 0 <= selected < len(times):
        return
    top = RULER_HEIGHT
    wave_top = RULER_HEIGHT + BAND_HEIGHT
    left = view.x(times.starts[selected])
    right = max(left + 2, view.x(times.ends[selected]))
    if right >= 0 and left <= view.width:
        highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(QPen(highlight, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(left + 1, top + 1, right - left - 2, view.height - top - 2))
        highlight.setAlpha(40)
        painter.fillRect(QRectF(left, wave_top, right - left, view.height - wave_top), highlight)


def _mixed(top: QColor, under: QColor, amount: float) -> np.uint32:
    """``top`` laid over ``under`` at ``amount`` opacity, as one opaque RGB32 value."""
    red, green, blue = (
        round(b + (t - b) * amount)
        for t, b in (
            (top.red(), under.red()),
            (top.green(), under.green()),
            (top.blue(), under.blue()),
        )
    )
    return np.uint32(0xFF000000 | (red << 16) | (green << 8) | blue)


def paint_waveform(
    painter: QPainter, view: View, peaks: Peaks | None, palette: QPalette, tint: UIntArray
) -> None:
    """The waveform over the segments' tint, built as one image with NumPy (one column of
    pixels per peak pair) and drawn without scaling or blending."""
    wave_top = RULER_HEIGHT + BAND_HEIGHT
    height = view.height - wave_top
    if height <= 0 or view.width <= 0:
        return
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    ink = _mixed(text, base, 0.6)
    middle = height // 2
    if peaks is None:
        lows = highs = np.full(view.width, middle, dtype=np.int64)
    else:
        mins, maxes = peaks.columns(view.first, 1 / view.pps, view.width)
        scale = (height / 2 - 2) / 128
        highs = middle - np.round(maxes.astype(np.float64) * scale).astype(np.int64)
        lows = middle - np.round(mins.astype(np.float64) * scale).astype(np.int64)
    rows = np.arange(height, dtype=np.int64)[:, None]
    if peaks is not None and not peaks.complete:  # still being read: hatch what is not yet
        pending = ~peaks.ready_mask(view.first, 1 / view.pps, view.width)
        hatch = (np.arange(view.width)[None, :] + rows) % 8 == 0
        tint = np.where(pending[None, :] & hatch, _mixed(text, base, 0.3), tint[None, :])
    pixels = np.where((rows >= highs[None, :]) & (rows <= lows[None, :]), ink, tint)
    pixels = np.ascontiguousarray(np.broadcast_to(pixels, (height, view.width)), dtype=np.uint32)
    image = QImage(pixels.data, view.width, height, view.width * 4, QImage.Format.Format_RGB32)
    painter.drawImage(0, wave_top, image)


def paint_playhead(painter: QPainter, view: View, position: float) -> None:
    x = view.x(position)
    if -2 <= x <= view.width + 2:
        painter.setPen(QPen(QColor(220, 40, 40), 2))
        painter.drawLine(QLineF(x, 0, x, view.height))
