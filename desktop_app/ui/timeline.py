"""The timeline editor: a media file's waveform with the transcript's segments, a playhead, zoom,
click to seek and drag-to-retime.

:class:`Timeline` is a :class:`QAbstractScrollArea` that paints its viewport itself rather than a
``QGraphicsView`` scene: a transcript can hold 10 000 segments, and a scene would keep (and index,
and transform on every zoom) an item per segment and per waveform column, while all the timeline
ever needs is "what lies between the first and the last pixel". Painting straight from sorted
segment times (bisection to the visible range, thin segments merged into one rectangle) and from
the peaks' mip levels keeps a paint well under a frame at any zoom, and the scroll area gives the
horizontal scroll bar and wheel handling for free. The drawing itself lives in
:mod:`desktop_app.ui.timeline_paint`.

Input: the wheel and the arrow keys scroll; Ctrl+wheel, a pinch (trackpad or touch screen) or
the ``+``/``-`` keys zoom around the pointer (``0`` fits the whole file); a click seeks and selects the segment under the pointer; dragging a
segment's edge retimes it, clamped so it neither overlaps its neighbours nor shrinks below
:data:`MIN_SEGMENT_SECONDS`; Escape during a drag puts the edge back.
"""

from __future__ import annotations

from PySide6.QtCore import Property, QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QGestureEvent, QPinchGesture, QWidget

from desktop_app.audio.peaks import Peaks
from desktop_app.core.transcript import Transcript
from desktop_app.ui.timeline_paint import (
    BAND_HEIGHT,
    RULER_HEIGHT,
    SegmentTimes,
    View,
    paint_playhead,
    paint_ruler,
    paint_segments,
    paint_selection,
    paint_waveform,
)

MIN_SEGMENT_SECONDS = 0.1
"""A dragged edge stops this close to the segment's other edge."""
MAX_PIXELS_PER_SECOND = 2000.0
EDGE_GRAB_PIXELS = 5
CLICK_SLOP_PIXELS = 3
ZOOM_STEP = 1.25
FOLLOW_MARGIN = 0.1
"""While following, the playhead is kept between this fraction of the width and its mirror."""


class Timeline(QAbstractScrollArea):
    """Waveform and segment timeline of one transcript. GUI thread only.

    Signals:
      seek_requested(float)            a click asks the player to go to these seconds
      scrub_requested(float)           an edge is being dragged to these seconds (scrub audio)
      segment_retimed(int, float, float)  on release: segment index, new start, new end
      segment_clicked(int)             the segment under a click (also selected here)
      zoom_changed(float)              pixels per second after a zoom
    """

    seek_requested = Signal(float)
    scrub_requested = Signal(float)
    segment_retimed = Signal(int, float, float)
    segment_clicked = Signal(int)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Timeline"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.horizontalScrollBar().valueChanged.connect(lambda _value: self.viewport().update())
        self.viewport().setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumHeight(RULER_HEIGHT + BAND_HEIGHT + 60)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._times = SegmentTimes.build([], [], [], [])
        self._peaks: Peaks | None = None
        self._media_duration = 0.0
        self._pps = 0.0  # 0 until the first layout: then the whole file fits
        self._position = 0.0
        self._selected: int | None = None
        self._follow = True
        self._press: QPoint | None = None
        self._drag: tuple[int, str, float, float, float, float] | None = None
        # index, "start"/"end", lowest and highest allowed time, original start and end

    # ------------------------------------------------------------------ data
    def set_transcript(self, transcript: Transcript | None) -> None:
        """Show ``transcript``'s segments (``None`` clears them); the view keeps its zoom."""
        self._drag = None
        segments = transcript.segments if transcript is not None else []
        palette_order: dict[str, int] = {}
        if transcript is not None:
            for speaker in transcript.speakers:
                palette_order.setdefault(speaker.id, len(palette_order))
        speakers: list[int | None] = []
        for segment in segments:
            if segment.speaker is None:
                speakers.append(None)
            else:
                speakers.append(palette_order.setdefault(segment.speaker, len(palette_order)))
        self._times = SegmentTimes.build(
            [s.start for s in segments],
            [max(s.start, s.end) for s in segments],
            speakers,
            [" ".join(s.text.split()) for s in segments],
        )
        if transcript is not None and transcript.duration:
            self._media_duration = max(self._media_duration, transcript.duration)
        if self._selected is not None and self._selected >= len(self._times):
            self._selected = None
        self._update_scroll_range()
        self.viewport().update()

    def set_peaks(self, peaks: Peaks | None) -> None:
        """Draw ``peaks`` (also a partly filled one, again as it fills; ``None`` clears)."""
        self._peaks = peaks
        if peaks is not None:
            self._media_duration = max(self._media_duration, peaks.duration)
        self._update_scroll_range()
        self.viewport().update()

    def set_duration(self, seconds: float) -> None:
        """The media's length, when it is known before its peaks."""
        self._media_duration = max(0.0, seconds)
        self._update_scroll_range()
        self.viewport().update()

    def set_segment_times(self, index: int, start: float, end: float) -> None:
        """Follow a retime made elsewhere (the transcript editor, undo)."""
        if 0 <= index < len(self._times):
            self._times.starts[index] = start
            self._times.ends[index] = max(start, end)
            self._times.reindex()
            self.viewport().update()

    def set_segment_text(self, index: int, text: str) -> None:
        """Follow a text edit made elsewhere (the label on the segment's band)."""
        if 0 <= index < len(self._times):
            self._times.texts[index] = " ".join(text.split())
            self.viewport().update()

    def segment_count(self) -> int:
        return len(self._times)

    def segment_times(self, index: int) -> tuple[float, float]:
        return self._times.starts[index], self._times.ends[index]

    def duration(self) -> float:
        last_end = self._times.reach[-1] if self._times.reach else 0.0
        return max(self._media_duration, last_end, 1.0)

    # -------------------------------------------------------- position, selection
    def set_position(self, seconds: float) -> None:
        """Move the playhead; while following, scroll so it stays in view."""
        old = self._position
        self._position = max(0.0, seconds)
        if self._follow and self._drag is None and self._pps > 0:
            x = self._view().x(self._position)
            width = self.viewport().width()
            if x < 0 or x > width * (1 - FOLLOW_MARGIN):
                self._scroll_to(self._position * self._pps - width * FOLLOW_MARGIN)
        view = self._view()
        height = self.viewport().height()
        for moment in (old, self._position):
            self.viewport().update(QRect(int(view.x(moment)) - 3, 0, 7, height))

    def position(self) -> float:
        return self._position

    def select_segment(self, index: int | None) -> None:
        """Highlight segment ``index`` (``None``: none) and scroll it into view."""
        if index is not None and not 0 <= index < len(self._times):
            index = None
        self._selected = index
        if index is not None and self._pps > 0:
            view = self._view()
            start, end = self.segment_times(index)
            if view.x(end) < 0 or view.x(start) > view.width:
                self._scroll_to(start * self._pps - view.width * FOLLOW_MARGIN)
        self.viewport().update()

    def selected_segment(self) -> int | None:
        return self._selected

    def _get_follow(self) -> bool:
        return self._follow

    def _set_follow(self, on: bool) -> None:
        self._follow = bool(on)

    follow_playhead = Property(bool, _get_follow, _set_follow)
    """Whether the view scrolls with the playhead during playback."""

    # ------------------------------------------------------------- zoom, scroll
    def pixels_per_second(self) -> float:
        self._ensure_zoom()
        return self._pps

    def min_pixels_per_second(self) -> float:
        return max(1e-3, self.viewport().width() / self.duration())

    def set_pixels_per_second(self, pps: float, anchor_x: float | None = None) -> None:
        """Zoom to ``pps`` keeping the time under ``anchor_x`` (default: the centre) in place."""
        self._ensure_zoom()
        width = self.viewport().width()
        anchor = width / 2 if anchor_x is None else anchor_x
        anchored = self._view().time(anchor)
        pps = min(MAX_PIXELS_PER_SECOND, max(self.min_pixels_per_second(), pps))
        if pps == self._pps:
            return
        self._pps = pps
        self._update_scroll_range()
        self._scroll_to(anchored * pps - anchor)
        self.viewport().update()
        self.zoom_changed.emit(pps)

    def zoom_by(self, factor: float, anchor_x: float | None = None) -> None:
        self.set_pixels_per_second(self.pixels_per_second() * factor, anchor_x)

    def fit(self) -> None:
        self.set_pixels_per_second(self.min_pixels_per_second())

    def visible_range(self) -> tuple[float, float]:
        view = self._view()
        return view.first, view.last

    def x_for_time(self, seconds: float) -> float:
        return self._view().x(seconds)

    def time_at(self, x: float) -> float:
        return min(self.duration(), max(0.0, self._view().time(x)))

    def _ensure_zoom(self) -> None:
        if self._pps <= 0 and self.viewport().width() > 0:
            self._pps = self.min_pixels_per_second()
            self._update_scroll_range()

    def _view(self) -> View:
        self._ensure_zoom()
        return View(
            float(self.horizontalScrollBar().value()),
            self._pps or 1.0,
            self.viewport().width(),
            self.viewport().height(),
        )

    def _update_scroll_range(self) -> None:
        if self._pps <= 0:
            return
        self._pps = max(self._pps, self.min_pixels_per_second())
        bar = self.horizontalScrollBar()
        width = self.viewport().width()
        bar.setRange(0, max(0, round(self.duration() * self._pps) - width))
        bar.setPageStep(max(1, width))
        bar.setSingleStep(max(1, width // 20))

    def _scroll_to(self, offset: float) -> None:
        bar = self.horizontalScrollBar()
        bar.setValue(int(min(bar.maximum(), max(0, round(offset)))))

    # ----------------------------------------------------------------- events
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        palette = self.palette()
        view = self._view()
        painter.fillRect(event.rect(), palette.color(palette.ColorRole.Base))
        tint = paint_segments(painter, view, self._times, palette)
        paint_waveform(painter, view, self._peaks, palette, tint)
        paint_selection(painter, view, self._times, palette, self._selected)
        paint_ruler(painter, view, palette)
        paint_playhead(painter, view, self._position)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._ensure_zoom()
        self._update_scroll_range()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = delta.y() / 120
            if steps:
                self.zoom_by(ZOOM_STEP**steps, event.position().x())
            event.accept()
            return
        amount = delta.x() or delta.y()
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() - round(amount / 120 * bar.singleStep() * 3))
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if (
            isinstance(event, QNativeGestureEvent)
            and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):  # a trackpad pinch (macOS, Wayland)
            self.zoom_by(1.0 + event.value(), event.position().x())
            return True
        if isinstance(event, QGestureEvent):  # a touch-screen pinch
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                centre = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                self.zoom_by(pinch.scaleFactor(), centre.x())
                event.accept()
                return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            bar = self.horizontalScrollBar()
            step = bar.singleStep() if key == Qt.Key.Key_Right else -bar.singleStep()
            bar.setValue(bar.value() + step)
        elif key == Qt.Key.Key_Escape and self._drag is not None:
            index, _, _, _, start, end = self._drag
            self._drag = None
            self._times.starts[index], self._times.ends[index] = start, end
            self.viewport().unsetCursor()
            self.viewport().update()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._press = event.position().toPoint()
        grab = self._edge_at(event.position().x())
        if grab is not None:
            index, edge = grab
            self._drag = (index, edge, *self._limits(index, edge), *self.segment_times(index))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._drag is None:
            if self._press is None:
                near = self._edge_at(x) is not None
                cursor = Qt.CursorShape.SizeHorCursor if near else Qt.CursorShape.IBeamCursor
                self.viewport().setCursor(cursor)
            return
        index, edge, low, high, _, _ = self._drag
        seconds = min(high, max(low, self._view().time(x)))
        if edge == "start":
            self._times.starts[index] = seconds
        else:
            self._times.ends[index] = seconds
        self.scrub_requested.emit(seconds)
        self.viewport().update()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        press, self._press = self._press, None
        drag, self._drag = self._drag, None
        if drag is not None:
            index, _, _, _, old_start, old_end = drag
            start, end = self.segment_times(index)
            if (start, end) != (old_start, old_end):
                self._times.reindex()
                self.segment_retimed.emit(index, start, end)
                event.accept()
                return
        moved = press is not None and (event.position().toPoint() - press).manhattanLength()
        if press is not None and moved <= CLICK_SLOP_PIXELS:
            seconds = self.time_at(event.position().x())
            under = self._segment_at(seconds)
            if under is not None:
                self.select_segment(under)
                self.segment_clicked.emit(under)
            self.seek_requested.emit(seconds)
        event.accept()

    # ---------------------------------------------------------------- editing
    def _edge_at(self, x: float) -> tuple[int, str] | None:
        """The segment edge within grabbing distance of ``x`` (the nearest), if any."""
        view = self._view()
        slack = EDGE_GRAB_PIXELS / view.pps
        moment = view.time(x)
        best: tuple[float, int, int, str] | None = None
        times = self._times
        for position in times.visible(moment - slack, moment + slack):
            index = times.order[position]
            start, end = times.starts[index], times.ends[index]
            if (end - start) * view.pps < 3 * EDGE_GRAB_PIXELS:
                continue  # too narrow to tell its edges apart at this zoom
            outside = 0 if start <= moment <= end else 1  # touching edges: the pointer's side
            for edge, when in (("start", start), ("end", end)):
                distance = round(abs(view.x(when) - x))
                score = (distance, outside, index, edge)
                if distance <= EDGE_GRAB_PIXELS and (best is None or score < best):
                    best = score
        return None if best is None else (best[2], best[3])

    def _limits(self, index: int, edge: str) -> tuple[float, float]:
        """How far ``index``'s ``edge`` may move: up to its neighbours, never past itself."""
        times = self._times
        position = times.order.index(index)
        start, end = times.starts[index], times.ends[index]
        if edge == "start":
            low = 0.0
            if position > 0:
                low = min(start, times.ends[times.order[position - 1]])
            return low, max(start, end - MIN_SEGMENT_SECONDS)
        high = self.duration()
        if position + 1 < len(times.order):
            high = max(end, times.starts[times.order[position + 1]])
        return min(end, start + MIN_SEGMENT_SECONDS), high

    def _segment_at(self, seconds: float) -> int | None:
        times = self._times
        found = [
            times.order[p]
            for p in times.visible(seconds, seconds)
            if times.starts[times.order[p]] <= seconds <= times.ends[times.order[p]]
        ]
        return found[-1] if found else None
