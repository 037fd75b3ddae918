"""Comparing engines in the window: the dialog queues one job per engine against the NHN and RTZR
emulators and opens review mode; review goes to a difference, takes another engine's text or an
edit as one undo step, and exports the comparison."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.core.compare import compare_results
from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.providers.base import ProviderConfig
from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.review_edits import span_changes
from desktop_app.ui.review_window import ReviewWindow
from tests.emulators import (
    NHN_APP_KEY,
    NHN_SECRET_KEY,
    RTZR_CLIENT_ID,
    RTZR_CLIENT_SECRET,
    start_emulator,
)

pytestmark = pytest.mark.gui
FAST = {"retry_attempts": 4, "retry_base_delay": 0.01, "poll_interval": 0.01, "busy_attempts": 4}


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    create_application()
    win = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    for review in list(win.compare.reviews):
        review.close()
    win.live.shutdown()
    win.runner.shutdown()


def test_compare_two_engines_from_the_dialog(
    window: MainWindow, qtbot: QtBot, korean_clip: Path
) -> None:
    with start_emulator("nhn") as nhn, start_emulator("rtzr") as rtzr:
        configs = {
            "nhn": ProviderConfig(
                endpoint=nhn.base_url,
                credentials={"appkey": NHN_APP_KEY, "secret": NHN_SECRET_KEY},
                settings=dict(FAST),
            ),
            "rtzr": ProviderConfig(
                endpoint=rtzr.base_url,
                credentials={"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET},
                settings=dict(FAST),
            ),
        }
        window.compare.config_for = configs.get
        window.compare.set_credentials({"nhn": True, "rtzr": True, "clova-speech": False})
        dialog = window.compare.ask(korean_clip, korean_clip.name)
        assert not dialog.boxes["clova-speech"].isEnabled()
        assert dialog.keys_link.isVisibleTo(dialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        dialog.choose("nhn")
        assert not ok.isEnabled()
        dialog.choose("nhn", "rtzr")
        assert ok.isEnabled()
        with qtbot.waitSignal(window.compare.review_opened, timeout=120_000) as opened:
            ok.click()
        review: ReviewWindow = opened.args[0]
    assert sorted(review.comparison.engines) == ["nhn", "rtzr"]
    assert set(review.comparison.transcripts) == {"nhn", "rtzr"}
    assert "Agreement" in review.summary.text()
    rows = window.queue.entries
    assert sorted(e.engine for e in rows) == ["nhn", "rtzr"]
    assert all(e.state == "done" and "compare" in e.label for e in rows)
    # Each engine's transcript is kept on its own in the history.
    qtbot.waitUntil(lambda: len(window.history.entries()) == 2, timeout=10_000)


def _two_engines() -> tuple[Transcript, Transcript]:
    first = Transcript(
        segments=[
            Segment(0.0, 2.0, "오늘 회의는 세 시에 시작합니다."),
            Segment(2.0, 4.0, "차단기 교체 건을 논의합니다."),
        ],
        engine="nhn",
    )
    second = Transcript(
        segments=[
            Segment(0.0, 2.0, "오늘 회의는 네 시에 시작 합니다"),
            Segment(2.0, 4.0, "차단계 교체 건을 논의합니다."),
        ],
        engine="rtzr",
    )
    return first, second


def test_review_next_difference_choose_and_undo(qtbot: QtBot, tmp_path: Path) -> None:
    create_application()
    first, second = _two_engines()
    comparison = compare_results(["nhn", "rtzr"], {"nhn": first, "rtzr": second}, {})
    review = ReviewWindow(comparison, None, "회의.wav")
    qtbot.addWidget(review)
    review.show()
    qtbot.waitExposed(review)
    assert len(review.disagreements) == 2  # "세/네" and "차단기/차단계"; spacing does not count
    assert "2 of" in review.summary.text()
    assert review.position == 0
    review.activateWindow()
    qtbot.waitActive(review)
    qtbot.keyClick(review.text, Qt.Key.Key_F8)
    assert review.position == 1
    qtbot.keyClick(review.text, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert review.position == 0
    qtbot.mouseClick(review.choice_buttons["rtzr"], Qt.MouseButton.LeftButton)
    texts = [s.text for s in review.transcript().segments]
    assert texts[0] == "오늘 회의는 네 시에 시작합니다."
    assert "1 changed" in review.summary.text()
    review.next_button.click()
    review.edit.setText("차단기")
    review.use_edit.click()
    assert [s.text for s in review.transcript().segments] == texts  # already so: no step
    assert review.model.undo_stack.count() == 1
    qtbot.mouseClick(review.undo_button, Qt.MouseButton.LeftButton)
    assert review.transcript().segments[0].text == "오늘 회의는 세 시에 시작합니다."
    assert review.state.current == [s.texts["nhn"] for s in comparison.spans]
    review.redo_button.click()
    assert review.transcript().segments[0].text == texts[0]
    target = tmp_path / "회의.compare.html"
    review.write_html(target)
    page = target.read_text("utf-8")
    assert "논의합니다" in page and "<script src" not in page
    review.close()


def test_span_changes_across_segments_and_insertions() -> None:
    segments = [Segment(0, 1, "가나 다라."), Segment(1, 2, "마바 사아")]
    # "다라. 마바" spans the two segments: the first keeps the choice, the second the rest.
    changes = span_changes(segments, 2, 4, "다라마바")
    assert {row: new.text for row, (_, new) in changes.items()} == {0: "가나 다라마바", 1: "사아"}
    inserted = span_changes(segments, 2, 0, "하하")
    assert inserted[0][1].text == "가나 하하 다라."
    assert span_changes(segments, 0, 2, "가나") == {}


def test_compare_from_a_history_entry(window: MainWindow, korean_clip: Path) -> None:
    kept = window.history.save(
        Transcript([Segment(0, 1, "안녕하세요")], engine="rtzr", source=str(korean_clip))
    )
    gone = window.history.save(
        Transcript([Segment(0, 1, "안녕하세요")], engine="rtzr", source="/nowhere/회의.wav")
    )
    window.compare.set_credentials({"rtzr": True, "nhn": False})
    dialog = window.compare.compare_history(kept)
    assert dialog is not None and dialog.engines() == []
    assert not dialog.boxes["nhn"].isEnabled()
    dialog.reject()
    assert window.compare.compare_history(gone) is None
    assert "not there any more" in window.statusBar().currentMessage()


def test_a_reviewed_transcript_is_kept_in_the_history(window: MainWindow, qtbot: QtBot) -> None:
    first, second = _two_engines()
    comparison = compare_results(["nhn", "rtzr"], {"nhn": first, "rtzr": second}, {})
    review = window.compare.open_review(comparison, None, "회의.wav")
    review.close()  # nothing chosen: nothing to keep
    review = window.compare.open_review(comparison, None, "회의.wav")
    assert review.choose_engine("rtzr")
    review.close()
    qtbot.waitUntil(lambda: len(window.history.entries()) == 1, timeout=10_000)
    (entry,) = window.history.entries()
    assert entry.title == "회의.wav (reviewed)"
    record = window.history.load(entry.id)
    assert record is not None
    assert record.transcript.segments[0].text == "오늘 회의는 네 시에 시작합니다."
