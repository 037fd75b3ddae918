"""The timeline widget driven with real mouse, wheel and key events (offscreen Qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QNativeGestureEvent, QPointingDevice, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.audio.peaks import Peaks
from desktop_app.ui.app import create_application
from desktop_app.ui.timeline import MIN_SEGMENT_SECONDS, Timeline
from desktop_app.ui.waveform import PeaksLoader
from tests.media import make_media
from tests.ui.samples import long_transcript, meeting

pytestmark = pytest.mark.gui


def make_timeline(qtbot: QtBot, width: int = 800) -> Timeline:
    create_application()
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(width, 160)
    timeline.set_transcript(meeting())
    timeline.show()
    qtbot.waitExposed(timeline)
    return timeline


def point(timeline: Timeline, seconds: float, y: int = 60) -> QPoint:
    return QPoint(round(timeline.x_for_time(seconds)), y)


def drag(timeline: Timeline, start: QPoint, end: QPoint, steps: int = 5) -> None:
    viewport = timeline.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * (k / steps))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def test_whole_file_fits_at_first(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    first, last = timeline.visible_range()
    assert first == pytest.approx(0.0)
    assert last == pytest.approx(31.0, abs=0.1)
    assert timeline.horizontalScrollBar().maximum() == 0


def test_click_seeks_and_selects(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    with (
        qtbot.waitSignal(timeline.seek_requested) as seek,
        qtbot.waitSignal(timeline.segment_clicked) as clicked,
    ):
        QTest.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=point(timeline, 12.0))
    assert seek.args is not None and seek.args[0] == pytest.approx(12.0, abs=0.1)
    assert clicked.args == [2]
    assert timeline.selected_segment() == 2
    # a click in a gap seeks without selecting anything new
    with qtbot.waitSignal(timeline.seek_requested) as seek:
        QTest.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=point(timeline, 14.25))
    assert seek.args is not None and seek.args[0] == pytest.approx(14.25, abs=0.1)


def test_drag_an_edge_retimes_and_scrubs(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    scrubbed: list[float] = []
    timeline.scrub_requested.connect(scrubbed.append)
    seeks: list[float] = []
    timeline.seek_requested.connect(seeks.append)
    with qtbot.waitSignal(timeline.segment_retimed) as retimed:
        drag(timeline, point(timeline, 14.0), point(timeline, 14.3))  # end of segment 2
    assert retimed.args is not None
    index, start, end = retimed.args
    assert index == 2 and start == pytest.approx(10.1)
    assert end == pytest.approx(14.3, abs=0.06)
    assert len(scrubbed) == 5 and scrubbed[-1] == pytest.approx(end)
    assert not seeks  # a drag is not a click
    assert timeline.segment_times(2) == (start, end)


def test_dragged_edges_stop_at_the_neighbours(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    with qtbot.waitSignal(timeline.segment_retimed) as retimed:
        drag(timeline, point(timeline, 14.0), point(timeline, 17.0))
    assert retimed.args is not None
    assert retimed.args[2] == pytest.approx(14.5)  # segment 3 starts at 14.5
    with qtbot.waitSignal(timeline.segment_retimed) as retimed:
        drag(timeline, point(timeline, 10.1), point(timeline, 2.0))  # start of segment 2
    assert retimed.args is not None
    assert retimed.args[1] == pytest.approx(9.8)  # segment 1 ends at 9.8
    # edges that touch: the pointer's side picks the segment; never past its own other edge
    with qtbot.waitSignal(timeline.segment_retimed) as retimed:
        drag(timeline, point(timeline, 9.8) + QPoint(2, 0), point(timeline, 30.0))
    assert retimed.args is not None
    assert retimed.args[1] == pytest.approx(14.5 - MIN_SEGMENT_SECONDS)


def test_escape_puts_a_dragged_edge_back(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    retimes: list[object] = []
    timeline.segment_retimed.connect(lambda *args: retimes.append(args))
    viewport = timeline.viewport()
    start = point(timeline, 4.2)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(8, 0))
    assert timeline.segment_times(0)[1] > 4.2
    QTest.keyClick(timeline, Qt.Key.Key_Escape)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert timeline.segment_times(0) == (0.0, 4.2)
    assert not retimes


def send_wheel(timeline: Timeline, x: float, steps: int, modifiers: Qt.KeyboardModifier) -> None:
    position = QPointF(x, 60)
    event = QWheelEvent(
        position,
        QPointF(timeline.viewport().mapToGlobal(position.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(timeline.viewport(), event)


def test_zoom_keeps_the_time_under_the_pointer_and_scrolls(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    fit = timeline.pixels_per_second()
    anchor_x = timeline.x_for_time(20.0)
    send_wheel(timeline, anchor_x, 4, Qt.KeyboardModifier.ControlModifier)
    assert timeline.pixels_per_second() == pytest.approx(fit * 1.25**4)
    assert timeline.time_at(anchor_x) == pytest.approx(20.0, abs=0.05)
    assert timeline.horizontalScrollBar().maximum() > 0
    first, _ = timeline.visible_range()
    send_wheel(timeline, anchor_x, -2, Qt.KeyboardModifier.NoModifier)  # plain wheel scrolls
    assert timeline.visible_range()[0] > first
    QTest.keyClick(timeline, Qt.Key.Key_Plus)
    assert timeline.pixels_per_second() == pytest.approx(fit * 1.25**5)
    QTest.keyClick(timeline, Qt.Key.Key_Minus)
    QTest.keyClick(timeline, Qt.Key.Key_Minus)
    assert timeline.pixels_per_second() == pytest.approx(fit * 1.25**3)
    QTest.keyClick(timeline, Qt.Key.Key_0)
    assert timeline.pixels_per_second() == pytest.approx(fit)
    for _ in range(5):  # cannot zoom out past the whole file
        QTest.keyClick(timeline, Qt.Key.Key_Minus)
    assert timeline.pixels_per_second() == pytest.approx(fit)


def test_pinch_and_arrow_keys(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    fit = timeline.pixels_per_second()
    at = QPointF(timeline.x_for_time(10.0), 60)
    pinch = QNativeGestureEvent(
        Qt.NativeGestureType.ZoomNativeGesture,
        QPointingDevice.primaryPointingDevice(),
        2,
        at,
        at,
        QPointF(timeline.viewport().mapToGlobal(at.toPoint())),
        1.0,
        QPointF(0, 0),
    )
    QApplication.sendEvent(timeline.viewport(), pinch)
    assert timeline.pixels_per_second() == pytest.approx(fit * 2)
    assert timeline.time_at(at.x()) == pytest.approx(10.0, abs=0.05)
    first = timeline.visible_range()[0]
    QTest.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.visible_range()[0] > first
    QTest.keyClick(timeline, Qt.Key.Key_Left)
    assert timeline.visible_range()[0] == pytest.approx(first)


def test_follows_the_playhead_when_asked(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    timeline.set_pixels_per_second(200)
    timeline.set_position(25.0)
    first, last = timeline.visible_range()
    assert first < 25.0 < last
    timeline.setProperty("follow_playhead", False)
    assert timeline.property("follow_playhead") is False
    timeline.set_position(1.0)
    assert timeline.visible_range()[0] == pytest.approx(first)
    timeline.select_segment(0)  # selecting scrolls the segment into view
    assert timeline.visible_range()[0] <= 0.5
    timeline.select_segment(99)
    assert timeline.selected_segment() is None


def test_paints_a_big_transcript_and_peaks(qtbot: QtBot) -> None:
    timeline = make_timeline(qtbot)
    transcript = long_transcript(10_000)
    timeline.set_transcript(transcript)
    rng = np.random.default_rng(1)
    base = rng.integers(-100, 100, size=(int(timeline.duration() * 100), 2), dtype=np.int8)
    base.sort(axis=1)
    timeline.set_peaks(Peaks(base))
    for pps in (timeline.min_pixels_per_second(), 5, 80, 1500):
        timeline.set_pixels_per_second(pps)
        image = timeline.viewport().grab().toImage()
        assert not image.isNull()
    timeline.set_transcript(None)
    timeline.viewport().grab()


def test_loader_reads_peaks_off_the_gui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    media = make_media(tmp_path / "tone.flac", "flac", seconds=6.0)
    loader = PeaksLoader(cache_folder=tmp_path / "cache")
    timeline = make_timeline(qtbot)
    loader.progress.connect(lambda peaks, _done: timeline.set_peaks(peaks))
    loader.loaded.connect(timeline.set_peaks)
    with qtbot.waitSignal(loader.loaded, timeout=30_000) as loaded:
        loader.load(media)
    peaks = loaded.args[0] if loaded.args else None
    assert isinstance(peaks, Peaks) and peaks.duration == pytest.approx(6.0)
    assert list((tmp_path / "cache").glob("*.npz"))
    broken = tmp_path / "broken.mp3"
    broken.write_text("no sound here " * 500, encoding="utf-8")
    with qtbot.waitSignal(loader.failed, timeout=30_000) as failed:
        loader.load(broken)
    assert failed.args and "broken.mp3" in failed.args[0]
    loader.wait(10)


def test_a_new_load_replaces_the_running_one(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    first = make_media(tmp_path / "first.wav", "wav", seconds=240.0)
    second = make_media(tmp_path / "second.wav", "wav", seconds=3.0)
    loader = PeaksLoader(cache_folder=tmp_path / "cache")
    results: list[float] = []
    loader.loaded.connect(lambda peaks: results.append(peaks.duration))
    loader.load(first)
    loader.load(second)  # cancels the first
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    loader.wait(30)
    qtbot.wait(50)
    assert results == [pytest.approx(3.0)]
    assert not loader.is_running()
