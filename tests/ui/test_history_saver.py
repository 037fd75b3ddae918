"""Edits in the transcript view reach the history a moment later, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.ui.app import create_application
from desktop_app.ui.history_saver import HistorySaver
from desktop_app.ui.transcript_model import Column
from desktop_app.ui.transcript_view import TranscriptView
from tests.ui.samples import meeting

pytestmark = pytest.mark.gui


def saved_text(store: HistoryStore, entry_id: int, row: int) -> str:
    record = store.load(entry_id)
    assert record is not None
    return record.transcript.segments[row].text


def test_edits_are_saved_after_a_pause(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    store = HistoryStore(tmp_path / "history.sqlite3")
    transcript = meeting()
    entry_id = store.save(transcript)
    view = TranscriptView()
    qtbot.addWidget(view)
    view.set_transcript(transcript)
    saver = HistorySaver(store, delay_ms=50)
    saver.track(entry_id, view.transcript())
    view.edited.connect(saver.schedule)

    with qtbot.waitSignal(saver.saved, timeout=10_000) as blocker:
        view.model.setData(view.model.index(0, Column.TEXT), "첫 번째 수정")
        view.model.setData(view.model.index(1, Column.TEXT), "두 번째 수정")
    assert blocker.args == [entry_id]
    assert not saver.has_pending_changes()
    reopened = HistoryStore(store.path)
    assert saved_text(reopened, entry_id, 0) == "첫 번째 수정"
    assert saved_text(reopened, entry_id, 1) == "두 번째 수정"

    view.model.rename_speaker("S1", "사회자")
    assert saver.has_pending_changes()
    saver.flush()  # e.g. the window closes before the delay is over
    assert not saver.has_pending_changes()
    record = reopened.load(entry_id)
    assert record is not None and record.transcript.speaker_name("S1") == "사회자"


def test_tracking_another_transcript_writes_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    store = HistoryStore(tmp_path / "history.sqlite3")
    first, second = meeting(), meeting()
    first_id, second_id = store.save(first), store.save(second)
    saver = HistorySaver(store, delay_ms=60_000)
    saver.track(first_id, first)
    first.segments[0] = first.segments[1]
    saver.schedule()
    saver.track(second_id, second)
    assert saved_text(store, first_id, 0) == first.segments[1].text
    assert saver.entry_id == second_id


def test_failure_is_reported(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    store = HistoryStore(tmp_path / "history.sqlite3")
    entry_id = store.save(meeting())
    saver = HistorySaver(store, delay_ms=10)
    saver.track(entry_id, meeting())
    store.path.unlink()
    (tmp_path / "history.sqlite3").mkdir()  # the file is gone and a folder is in its way
    with qtbot.waitSignal(saver.failed, timeout=10_000) as blocker:
        saver.schedule()
    assert blocker.args[0] == entry_id
    assert "history" in blocker.args[1]
