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
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen

from desktop_app.audio.peaks import Peaks
from desktop_app.ui.transcript_model import format_timestamp, is_dark, muted_color, speaker_color

RULER_HEIGHT = 18
BAND_HEIGHT = 24
_TICK_STEPS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


@dataclass(slots=True)
class SegmentTimes:
    """The segments as the timeline draws them; lists indexed like ``transcript.segments``.

    ``order`` lists the indices by start time; ``reach`` is the running maximum of the ends in
    that order, so the first segment that may reach into a time is found by bisection.
    """

    starts: list[float]
    ends: list[float]
    speakers: list[int | None]
    texts: list[str]
    order: list[int]
    sorted_starts: list[float]
    reach: list[float]

    @classmethod
    def build(
        cls, starts: list[float], ends: list[float], speakers: list[int | None], texts: list[str]
    ) -> SegmentTimes:
        times = cls(starts, ends, speakers, texts, [], [], [])
        times.reindex()
        return times

    def reindex(self) -> None:
        self.order = sorted(range(len(self.starts)), key=lambda i: (self.starts[i], self.ends[i]))
        self.sorted_starts = [self.starts[i] for i in self.order]
        reach: list[float] = []
        top = -math.inf
        for i in self.order:
            top = max(top, self.ends[i])
            reach.append(top)
        self.reach = reach

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


def paint_segments(
    painter: QPainter,
    view: View,
    times: SegmentTimes,
    palette: QPalette,
    selected: int | None,
) -> None:
    """Speaker-coloured regions: solid in the band, tinted over the waveform."""
    dark = is_dark(palette)
    top = RULER_HEIGHT
    wave_top = RULER_HEIGHT + BAND_HEIGHT
    wave_height = view.height - wave_top
    neutral = muted_color(palette)
    metrics = QFontMetrics(painter.font())
    text_pen = QColor(palette.color(QPalette.ColorRole.Base))
    run: tuple[int, int, int | None] | None = None  # x0, x1, speaker of merged thin segments
    labels: list[tuple[QRectF, str]] = []

    def flush() -> None:
        if run is None:
            return
        x0, x1, speaker = run
        color = neutral if speaker is None else speaker_color(speaker, dark)
        painter.fillRect(x0, top + 2, x1 - x0, BAND_HEIGHT - 4, color)
        tint = QColor(color)
        tint.setAlpha(46)
        painter.fillRect(x0, wave_top, x1 - x0, wave_height, tint)

    for position in times.visible(view.first, view.last):
        index = times.order[position]
        x0 = max(-1, math.floor(view.x(times.starts[index])))
        x1 = min(view.width + 1, math.ceil(view.x(times.ends[index])))
        if x1 <= x0:
            x1 = x0 + 1
        speaker = times.speakers[index]
        if run is not None and speaker == run[2] and x0 <= run[1]:
            run = (run[0], max(run[1], x1), speaker)
            continue
        flush()
        if x1 - x0 > 3:  # a one-pixel gap keeps touching neighbours apart
            x1 -= 1
        run = (x0, x1, speaker)
        if x1 - x0 > 28:
            labels.append(
                (QRectF(x0 + 4, top + 2, x1 - x0 - 8, BAND_HEIGHT - 4), times.texts[index])
            )
    flush()
    painter.setPen(text_pen)
    for rect, text in labels:
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
    if selected is not None and 0 <= selected < len(times):
        left = view.x(times.starts[selected])
        right = max(left + 2, view.x(times.ends[selected]))
        if right >= 0 and left <= view.width:
            highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
            pen = QPen(highlight, 2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(left + 1, top + 1, right - left - 2, view.height - top - 2))
            highlight.setAlpha(40)
            painter.fillRect(QRectF(left, wave_top, right - left, wave_height), highlight)


def paint_waveform(painter: QPainter, view: View, peaks: Peaks | None, palette: QPalette) -> None:
    wave_top = RULER_HEIGHT + BAND_HEIGHT
    height = view.height - wave_top
    middle = wave_top + height / 2
    color = QColor(palette.color(QPalette.ColorRole.Text))
    color.setAlpha(150)
    painter.setPen(QPen(color, 1))
    if peaks is None:
        painter.drawLine(QLineF(0, middle, view.width, middle))
        return
    mins, maxes = peaks.columns(view.first, 1 / view.pps, view.width)
    scale = (height / 2 - 2) / 128
    lines = [
        QLineF(x + 0.5, middle - int(hi) * scale - 0.5, x + 0.5, middle - int(lo) * scale + 0.5)
        for x, (lo, hi) in enumerate(zip(mins.tolist(), maxes.tolist(), strict=True))
    ]
    painter.drawLines(lines)


def paint_playhead(painter: QPainter, view: View, position: float) -> None:
    x = view.x(position)
    if -2 <= x <= view.width + 2:
        painter.setPen(QPen(QColor(220, 40, 40), 2))
        painter.drawLine(QLineF(x, 0, x, view.height))
