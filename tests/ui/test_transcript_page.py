"""The transcript page inside the real window: the timeline under the transcript (drag to
retime, undo), selection in both directions, the playing word, splitting at the cursor, merging,
the playback keys, one Ctrl+F, and the export checker's jump."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.ui.app import create_application
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.queue_table import QueueEntry
from desktop_app.ui.shortcuts_dialog import shortcut_rows
from desktop_app.ui.transcript_delegate import SegmentEditor
from desktop_app.ui.transcript_model import RICH_TEXT_ROLE, Column
from desktop_app.ui.transcript_page import TIMELINE_VISIBLE_KEY
from tests.ui.samples import meeting
from tests.ui.test_timeline import drag, point

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, korean_clip: Path) -> Iterator[MainWindow]:
    create_application()
    QSettings().remove(TIMELINE_VISIBLE_KEY)
    win = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    win.transcript_page.peaks_loader._cache_folder = tmp_path / "peaks"
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    entry = QueueEntry("회의.wav", "local", "Offline")
    entry.state, entry.fraction, entry.transcript = "done", 1.0, meeting()
    entry.audio = korean_clip
    win.queue.add(entry)
    win.queue.select(entry)
    qtbot.waitUntil(lambda: win.views.currentWidget() is win.transcript_page)
    yield win
    win.transcript_page.shutdown()
    win.live.shutdown()
    win.runner.shutdown()
    QSettings().remove(TIMELINE_VISIBLE_KEY)


def test_the_timeline_shows_the_entry_with_its_waveform(window: MainWindow, qtbot: QtBot) -> None:
    timeline = window.timeline
    assert timeline.isVisible()
    qtbot.waitUntil(lambda: timeline._peaks is not None, timeout=20_000)
    assert timeline.segment_times(2) == (pytest.approx(10.1), pytest.approx(14.0))
    assert timeline.duration() == pytest.approx(31.0)


def test_dragging_an_edge_retimes_the_segment_and_undo_restores_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    model, timeline = window.transcript_view.model, window.timeline
    qtbot.waitUntil(lambda: timeline.pixels_per_second() > 0)
    drag(timeline, point(timeline, 14.0), point(timeline, 14.3))  # the end of segment 2
    segment = model.segment(2)
    assert segment.end == pytest.approx(14.3, abs=0.06) and segment.start == pytest.approx(10.1)
    assert all(segment.start <= w.start <= w.end <= segment.end for w in segment.words)
    assert model.undo_stack.count() == 1
    assert window.queue.entries[0].transcript is model.transcript()
    window.transcript_view.table.setFocus()
    QTest.keyClick(window.transcript_view.table, Qt.Key.Key_Z, CTRL)
    assert model.segment(2).end == pytest.approx(14.0)
    qtbot.waitUntil(lambda: timeline.segment_times(2)[1] == pytest.approx(14.0))


def test_selection_goes_both_ways(window: MainWindow, qtbot: QtBot) -> None:
    view, timeline = window.transcript_view, window.timeline
    qtbot.waitUntil(lambda: timeline.pixels_per_second() > 0)
    QTest.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=point(timeline, 20.5))
    assert view.selected_rows() == [4]
    assert timeline.position() == pytest.approx(20.5, abs=0.1)
    view.select_row(1)
    assert timeline.selected_segment() == 1


def test_the_playing_word_is_highlighted_and_scrolling_stops_following(
    window: MainWindow,
) -> None:
    view = window.transcript_view
    view.set_current_time(5.5)  # segment 1, "네 지난주에 말씀드린 …": the second word
    html = str(view.model.data(view.model.index(1, Column.TEXT), RICH_TEXT_ROLE))
    assert '<span class="playing">지난주에</span>' in html
    assert view.model.current_row == 1
    assert view.follow_action.isChecked()
    view.table.verticalScrollBar().triggerAction(
        view.table.verticalScrollBar().SliderAction.SliderSingleStepAdd
    )
    assert not view.follow_action.isChecked()


def test_split_at_the_cursor_then_merge_back(window: MainWindow, qtbot: QtBot) -> None:
    view = window.transcript_view
    original = view.model.segment(0)
    view.table.setFocus()
    view.table.edit(view.model.index(0, Column.TEXT))
    editor = QApplication.focusWidget()
    assert isinstance(editor, SegmentEditor)
    cursor = editor.textCursor()
    cursor.setPosition(len("안녕하세요 오늘"))
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL | SHIFT)
    assert view.model.rowCount() == 8
    first, second = view.model.segment(0), view.model.segment(1)
    assert (first.text, second.text) == ("안녕하세요 오늘", "회의를 시작하겠습니다")
    assert first.end == pytest.approx(original.words[1].end)
    assert second.start == pytest.approx(original.words[2].start)
    assert view.selected_rows() == [1]
    # Ctrl+Backspace at the start of the second part's text joins them again
    view.table.edit(view.model.index(1, Column.TEXT))
    editor = QApplication.focusWidget()
    assert isinstance(editor, SegmentEditor)
    editor.moveCursor(editor.textCursor().MoveOperation.Start)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace, CTRL)
    assert view.model.rowCount() == 7
    assert view.model.segment(0).text == original.text


def test_split_at_the_playhead_and_merge_keys(window: MainWindow) -> None:
    view, page = window.transcript_view, window.transcript_page
    view.select_row(2)  # "배포는 다음 주 화요일로 잡혀 있습니다", 10.1..14.0, six words
    page.seek(11.4)
    view.table.setFocus()
    QTest.keyClick(view.table, Qt.Key.Key_S, CTRL | SHIFT)
    assert view.model.segment(2).text == "배포는 다음"
    assert view.model.segment(3).text == "주 화요일로 잡혀 있습니다"
    view.select_row(3)
    QTest.keyClick(view.table, Qt.Key.Key_Backspace, CTRL | SHIFT)  # merge with previous
    assert view.model.segment(2).text == "배포는 다음 주 화요일로 잡혀 있습니다"
    QTest.keyClick(view.table, Qt.Key.Key_M, CTRL | SHIFT)  # merge with next
    assert view.model.rowCount() == 6
    assert view.model.segment(2).end == pytest.approx(19.2)
    view.undo_stack.undo()
    view.undo_stack.undo()
    view.undo_stack.undo()
    assert view.model.rowCount() == 7


def test_playback_keys_move_between_segments_and_seconds(window: MainWindow) -> None:
    view, timeline = window.transcript_view, window.timeline
    view.select_row(0)
    view.table.setFocus()
    QTest.keyClick(view.table, Qt.Key.Key_Down, ALT)
    assert view.selected_rows() == [1]
    assert timeline.position() == pytest.approx(4.6)
    QTest.keyClick(view.table, Qt.Key.Key_Right, ALT)
    assert timeline.position() == pytest.approx(6.6)
    QTest.keyClick(view.table, Qt.Key.Key_Left, ALT)
    QTest.keyClick(view.table, Qt.Key.Key_Left, ALT)
    assert timeline.position() == pytest.approx(2.6)
    QTest.keyClick(view.table, Qt.Key.Key_Up, ALT)
    assert view.selected_rows() == [0]
    rows = dict(shortcut_rows(window.menuBar().actions()))
    assert rows["Play/pause"] == QKeySequence("Ctrl+Space").toString(
        QKeySequence.SequenceFormat.NativeText
    )
    assert "Next segment" in rows and "Merge with next segment" in rows


def test_ctrl_f_once_opens_the_one_find_bar(window: MainWindow, qtbot: QtBot) -> None:
    bound = [
        action
        for widget in [window, *window.findChildren(type(window.transcript_view))]
        for action in widget.actions()
        if QKeySequence(QKeySequence.StandardKey.Find) in action.shortcuts()
    ]
    assert len(bound) == 1
    view = window.transcript_view
    view.table.setFocus()
    QTest.keyClick(view.table, Qt.Key.Key_F, CTRL)
    assert view.find_bar.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.find_bar.find_edit)
    # also from elsewhere in the window (the timeline has the focus)
    QTest.keyClick(view.find_bar.find_edit, Qt.Key.Key_Escape)
    assert not view.find_bar.isVisible()
    window.timeline.setFocus()
    QTest.keyClick(window.timeline, Qt.Key.Key_F, CTRL)
    assert view.find_bar.isVisible()


def test_timeline_can_be_hidden_and_the_choice_is_remembered(window: MainWindow) -> None:
    page = window.transcript_page
    page.timeline_action.trigger()
    assert not window.timeline.isVisible()
    assert QSettings().value(TIMELINE_VISIBLE_KEY, type=bool) is False
    page.timeline_action.trigger()
    assert window.timeline.isVisible()


def test_the_export_checker_jumps_to_a_segment(window: MainWindow, qtbot: QtBot) -> None:
    window.export_selected()
    export = window.findChild(ExportDialog)
    assert export is not None
    export.jump_to_segment.emit(5)
    assert window.transcript_view.selected_rows() == [5]
    assert window.timeline.selected_segment() == 5
    export.reject()


def test_edits_reach_the_timeline(window: MainWindow, qtbot: QtBot) -> None:
    model, times = window.transcript_view.model, window.timeline._times
    model.set_text(0, "안녕하세요 여러분")
    qtbot.waitUntil(lambda: window.timeline._times.texts[0] == "안녕하세요 여러분")
    assert window.timeline._times is times  # one row: updated in place, not rebuilt
    model.set_speaker([0], "S2")
    qtbot.waitUntil(lambda: window.timeline._times.speakers[0] == 1)  # S2's colour
    model.split_row(1, len("네 지난주에"))
    qtbot.waitUntil(lambda: window.timeline.segment_count() == 8)


def test_a_partial_transcript_refuses_edits(window: MainWindow, qtbot: QtBot) -> None:
    page, timeline = window.transcript_page, window.timeline
    page.show_partial(meeting(), None)
    model = window.transcript_view.model
    assert model.read_only and not model.set_text(0, "바꿈")
    qtbot.waitUntil(lambda: timeline.pixels_per_second() > 0)
    drag(timeline, point(timeline, 14.0), point(timeline, 14.3))
    assert model.segment(2).end == pytest.approx(14.0)
    assert timeline.segment_times(2)[1] == pytest.approx(14.0)  # the edge went back
    assert model.undo_stack.count() == 0
    assert not page.split_action.isVisible()
