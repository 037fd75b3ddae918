"""The transcript view and its model, driven as a user would (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import create_application
from desktop_app.ui.transcript_delegate import SegmentEditor
from desktop_app.ui.transcript_model import (
    CURRENT_ROLE,
    LOW_CONFIDENCE_ROLE,
    RICH_TEXT_ROLE,
    SPEAKER_INDEX_ROLE,
    Column,
    TranscriptModel,
    speaker_color,
)
from desktop_app.ui.transcript_view import TranscriptView
from tests.ui.samples import long_transcript, meeting

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[TranscriptView]:
    create_application()
    widget = TranscriptView()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.set_transcript(meeting())
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def text_index(view: TranscriptView, row: int) -> QModelIndex:
    return view.model.index(row, Column.TEXT)


def test_shows_time_speaker_and_text(view: TranscriptView) -> None:
    model = view.model
    assert model.rowCount() == 7
    assert model.index(1, Column.TIME).data() == "0:04"
    assert model.index(1, Column.SPEAKER).data() == "박민준"
    assert model.index(1, Column.TEXT).data().startswith("네 지난주에")
    indexes = [model.index(r, Column.SPEAKER).data(SPEAKER_INDEX_ROLE) for r in range(3)]
    assert indexes == [0, 1, 2]
    light = {speaker_color(i, dark=False).name() for i in range(3)}
    dark = {speaker_color(i, dark=True).name() for i in range(3)}
    assert len(light) == len(dark) == 3
    assert all(
        speaker_color(i, False).lightness() < speaker_color(i, True).lightness() for i in range(8)
    )


def test_edit_text_through_the_editor(view: TranscriptView, qtbot: QtBot) -> None:
    table = view.table
    index = text_index(view, 0)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.findChild(SegmentEditor)
    assert editor is not None
    editor.setPlainText("안녕하십니까 오늘 회의를 시작하겠습니다")
    with qtbot.waitSignal(view.edited):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    segment = view.transcript().segments[0]
    assert segment.text == "안녕하십니까 오늘 회의를 시작하겠습니다"
    assert [w.text for w in segment.words][:2] == ["안녕하십니까", "오늘"]
    assert segment.words[1].confidence == 0.95  # unchanged word keeps its data
    assert not table.editing()


def test_set_data_edits_in_place_and_undo_restores(view: TranscriptView, qtbot: QtBot) -> None:
    model = view.model
    original = view.transcript().segments[2].text
    with qtbot.waitSignal(model.edited):
        assert model.setData(text_index(view, 2), "배포는 다음 주 수요일로 잡혀 있습니다")
    assert view.transcript().segments[2].text.endswith("수요일로 잡혀 있습니다")
    assert not model.setData(text_index(view, 2), "배포는 다음 주 수요일로 잡혀 있습니다")
    with qtbot.waitSignal(model.edited):
        model.undo_stack.undo()
    assert view.transcript().segments[2].text == original
    model.undo_stack.redo()
    assert "수요일" in view.transcript().segments[2].text


def test_rename_speaker_everywhere_and_undo(view: TranscriptView, qtbot: QtBot) -> None:
    model = view.model
    with qtbot.waitSignal(view.edited):
        assert model.rename_speaker("S1", "사회자")
    rows = [r for r in range(model.rowCount()) if model.segment(r).speaker == "S1"]
    assert len(rows) == 3
    assert {model.index(r, Column.SPEAKER).data() for r in rows} == {"사회자"}
    assert view.transcript().speaker_name("S1") == "사회자"
    model.undo_stack.undo()
    assert view.transcript().speaker_name("S1") == "김지수"
    assert model.index(0, Column.SPEAKER).data() == "김지수"


def test_rename_unknown_speaker_adds_then_undo_removes(qtbot: QtBot) -> None:
    create_application()
    transcript = meeting()
    transcript.speakers.clear()
    model = TranscriptModel(transcript)
    assert model.index(0, Column.SPEAKER).data() == "S1"
    model.rename_speaker("S1", "첫 화자")
    assert [s.name for s in transcript.speakers] == ["첫 화자"]
    model.undo_stack.undo()
    assert transcript.speakers == []


def test_merge_and_split_with_times(view: TranscriptView, qtbot: QtBot) -> None:
    model = view.model
    first, second = model.segment(0), model.segment(1)
    view.select_row(0)
    with qtbot.waitSignal(view.edited):
        assert view.merge_selection()
    merged = model.segment(0)
    assert model.rowCount() == 6
    assert (merged.start, merged.end, merged.speaker) == (first.start, second.end, "S1")
    assert merged.text == f"{first.text} {second.text}"

    position = len(first.text) + 1  # at the start of the second sentence
    assert view.split_row(0, position)
    assert model.rowCount() == 7
    left, right = model.segment(0), model.segment(1)
    assert left.text == first.text and right.text == second.text
    assert left.end == pytest.approx(first.words[-1].end)
    assert right.start == pytest.approx(second.start)

    model.undo_stack.undo()
    model.undo_stack.undo()
    assert model.rowCount() == 7
    assert model.segment(0) is first and model.segment(1) is second


def test_merge_selected_run(view: TranscriptView) -> None:
    view.table.selectRow(2)
    view.table.selectionModel().select(
        view.model.index(4, 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows,
    )
    view.table.selectionModel().select(
        view.model.index(3, 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows,
    )
    assert view.selected_rows() == [2, 3, 4]
    assert view.merge_selection()
    assert view.model.rowCount() == 5
    assert (
        view.model.segment(2).text.startswith("배포는")
        and "누가 맡을까요" in view.model.segment(2).text
    )


def test_split_from_editor_with_ctrl_enter(view: TranscriptView, qtbot: QtBot) -> None:
    table = view.table
    index = text_index(view, 3)
    original = view.model.segment(3)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.findChild(SegmentEditor)
    assert editor is not None
    cursor = editor.textCursor()
    cursor.setPosition(len("테스트 서버에서 오류가 "))
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.model.rowCount() == 8)
    assert view.model.segment(3).text == "테스트 서버에서 오류가"
    assert view.model.segment(4).text == "두 건 있었는데 모두 고쳤습니다"
    assert view.model.segment(3).start == original.start
    assert view.model.segment(4).end == original.end
    view.model.undo_stack.undo()  # one step undoes the whole split
    assert view.model.rowCount() == 7
    assert view.model.segment(3) is original


def test_find_next_previous_and_wrap(view: TranscriptView, qtbot: QtBot) -> None:
    view.table.setCurrentIndex(text_index(view, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = view.find_bar
    assert bar.isVisible()
    qtbot.keyClicks(bar.find_edit, "GREAT")  # case-insensitive
    assert bar.current_match is not None and bar.current_match.row == 6
    assert view.table.currentIndex().row() == 6
    assert 'class="current"' in text_index(view, 6).data(RICH_TEXT_ROLE)

    bar.find_edit.setText("습니다")
    rows = []
    for _ in range(7):
        match = bar.find_next()
        assert match is not None
        rows.append(match.row)
    assert rows == [1, 2, 3, 4, 5, 0, 1]  # started at row 0, wrapped after row 5
    assert bar.status_label.text() == "2 of 6"


def test_find_previous_and_escape_closes(view: TranscriptView, qtbot: QtBot) -> None:
    view.open_find()
    bar = view.find_bar
    bar.find_edit.setText("회의")
    first = bar.current_match
    assert first is not None and first.row == 0
    previous = bar.find_previous()
    assert previous == first  # the only hit: searching backwards wraps round to it
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert text_index(view, 0).data(RICH_TEXT_ROLE) is None


def test_replace_and_replace_all_are_undoable(view: TranscriptView, qtbot: QtBot) -> None:
    view.open_find()
    bar = view.find_bar
    bar.find_edit.setText("습니다")
    bar.replace_edit.setText("어요")
    first = bar.current_match
    assert first is not None
    bar.replace()
    assert view.model.segment(first.row).text.endswith("시작하겠어요")
    count = bar.replace_all()
    assert count == 5
    assert view.model.count_matches("습니다") == 0
    assert bar.status_label.text() == "Replaced 5"
    view.model.undo_stack.undo()
    assert view.model.count_matches("습니다") == 5
    view.model.undo_stack.undo()
    assert view.model.count_matches("습니다") == 6


def test_click_and_enter_seek(view: TranscriptView, qtbot: QtBot) -> None:
    table = view.table
    rect = table.visualRect(text_index(view, 2))
    with qtbot.waitSignal(view.seek) as blocker:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [pytest.approx(10.1)]
    table.setCurrentIndex(text_index(view, 4))
    with qtbot.waitSignal(view.seek) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == [pytest.approx(19.8)]


def test_space_toggles_playback_only_when_not_editing(view: TranscriptView, qtbot: QtBot) -> None:
    table = view.table
    table.setCurrentIndex(text_index(view, 0))
    with qtbot.waitSignal(view.play_pause_requested):
        qtbot.keyClick(table, Qt.Key.Key_Space)
    table.edit(text_index(view, 0))
    editor = table.findChild(SegmentEditor)
    assert editor is not None
    with qtbot.assertNotEmitted(view.play_pause_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Space)
    assert editor.toPlainText().endswith(" ")


def test_current_time_highlights_and_scrolls(qtbot: QtBot) -> None:
    create_application()
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(700, 300)
    view.set_transcript(long_transcript(2000))
    view.show()
    qtbot.waitExposed(view)
    target = view.model.segment(1500)
    view.set_current_time((target.start + target.end) / 2)
    assert view.model.current_row == 1500
    assert view.model.index(1500, 0).data(CURRENT_ROLE) is True
    assert view.model.index(1499, 0).data(CURRENT_ROLE) is False
    table = view.table
    qtbot.waitUntil(
        lambda: (
            table.viewport()
            .rect()
            .intersects(table.visualRect(view.model.index(1500, Column.TEXT)))
        )
    )
    gap = (target.end + view.model.segment(1501).start) / 2  # the pause between segments
    view.set_current_time(gap)
    assert view.model.current_row is None


def test_low_confidence_role_and_toggle(view: TranscriptView) -> None:
    index = text_index(view, 2)  # "배포는 다음 주 화요일로 잡혀 있습니다", word 3 unsure
    assert index.data(LOW_CONFIDENCE_ROLE) == [(9, 13)]
    assert index.data()[9:13] == "화요일로"
    assert '<span class="low">화요일로</span>' in index.data(RICH_TEXT_ROLE)
    assert text_index(view, 0).data(RICH_TEXT_ROLE) is None
    view.low_confidence_action.setChecked(False)
    assert index.data(RICH_TEXT_ROLE) is None
    assert index.data(LOW_CONFIDENCE_ROLE) == [(9, 13)]
    view.set_low_confidence_visible(True, threshold=0.99)
    assert view.low_confidence_action.isChecked()
    assert text_index(view, 0).data(LOW_CONFIDENCE_ROLE)  # every word is below 0.99 now


def test_copy_selected_segments(view: TranscriptView, qtbot: QtBot) -> None:
    view.table.selectRow(0)
    view.table.selectionModel().select(
        view.model.index(6, 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows,
    )
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == (
        "[0:00] 김지수: 안녕하세요 오늘 회의를 시작하겠습니다\n[0:28] 김지수: Great, thanks everyone"
    )


def test_context_menu_actions(view: TranscriptView, qtbot: QtBot) -> None:
    view.select_row(5)
    index = text_index(view, 5)
    menu = view.context_menu(index, len("제가 "))
    labels = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert "Split here" in labels and "Merge with next segment" in labels
    assert any(label.startswith("Rename “이서연”") for label in labels)
    split = next(a for a in menu.actions() if a.text() == "Split here")
    split.trigger()
    assert view.model.segment(5).text == "제가"
    assert view.model.rowCount() == 8

    view.select_row(0)
    menu = view.context_menu(text_index(view, 0), -1)
    assert not next(a for a in menu.actions() if a.text() == "Split here").isEnabled()
    assign = next(a.menu() for a in menu.actions() if a.text() == "Assign to speaker")
    assert isinstance(assign, QMenu)
    next(a for a in assign.actions() if a.text() == "이서연").trigger()
    assert view.model.segment(0).speaker == "S3"


def test_right_click_position_maps_to_a_character(view: TranscriptView) -> None:
    index = text_index(view, 0)
    rect = view.table.visualRect(index)
    at_start = view.table.char_position_at(index, rect.topLeft() + QPoint(9, 10))
    at_end = view.table.char_position_at(index, QPoint(rect.right() - 2, rect.top() + 10))
    assert at_start == 0
    assert at_end == len(view.model.segment(0).text)


def test_large_transcript_rows_fit_their_text(qtbot: QtBot) -> None:
    create_application()
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.set_transcript(long_transcript(10_000))
    view.show()
    qtbot.waitExposed(view)
    table = view.table
    one_line = table.verticalHeader().defaultSectionSize()

    def wrapped(rows: range) -> bool:
        return any(table.rowHeight(r) > one_line for r in rows)

    qtbot.waitUntil(lambda: wrapped(range(10)))
    table.verticalScrollBar().setValue(9000)
    qtbot.waitUntil(lambda: wrapped(range(9000, 9010)))
    assert not wrapped(range(5000, 5100))  # never shown, never measured
