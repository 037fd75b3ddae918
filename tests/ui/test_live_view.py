"""Live text: provisional text replaced as it is revised, final text solid, auto-scroll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from desktop_app.core.transcript import Segment
from desktop_app.providers.base import StreamEvent
from desktop_app.ui.app import create_application
from desktop_app.ui.live_view import LiveView

pytestmark = pytest.mark.gui


@pytest.fixture
def live(qtbot: QtBot) -> Iterator[LiveView]:
    create_application()
    widget = LiveView(engine="local", source="mic")
    qtbot.addWidget(widget)
    widget.resize(500, 240)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def event(key: int, text: str, final: bool, start: float | None = None) -> StreamEvent:
    begin = float(key * 3) if start is None else start
    return StreamEvent(key, Segment(begin, begin + 2.5, text), final)


def formats_of(live: LiveView, text: str) -> tuple[bool, str]:
    """(italic, colour name) of the characters of ``text`` in the document."""
    document = live.text.document()
    position = document.toPlainText().index(text)
    cursor = QTextCursor(document)
    cursor.setPosition(position + 1)
    char_format = cursor.charFormat()
    return char_format.fontItalic(), char_format.foreground().color().name()


def test_partial_is_provisional_and_replaced_then_final(live: LiveView) -> None:
    live.apply(event(0, "안녕", final=False))
    assert live.partial_text() == "안녕"
    assert "안녕" in live.text.toPlainText()
    italic, colour = formats_of(live, "안녕")
    assert italic
    live.apply(event(0, "안녕하세요 여러", final=False))
    assert live.text.toPlainText().count("안녕") == 1
    live.apply(event(0, "안녕하세요 여러분", final=True))
    assert live.partial_text() == ""
    assert live.final_text() == "안녕하세요 여러분"
    final_italic, final_colour = formats_of(live, "안녕하세요 여러분")
    assert not final_italic
    assert final_colour != colour
    live.apply(event(1, "오늘은", final=False))
    plain = live.text.toPlainText()
    assert plain.index("안녕하세요 여러분") < plain.index("오늘은")
    assert formats_of(live, "오늘은")[0]


def test_revising_an_earlier_final_redraws(live: LiveView) -> None:
    live.apply_all([event(0, "첫 문장", True), event(1, "둘째 문장", True)])
    live.apply(event(0, "첫 번째 문장", True))
    lines = [line for line in live.text.toPlainText().splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].endswith("첫 번째 문장") and lines[1].endswith("둘째 문장")
    live.apply(event(1, "", True))  # an empty event removes the utterance
    assert live.final_text() == "첫 번째 문장"
    assert "둘째" not in live.text.toPlainText()


def test_transcript_result(live: LiveView) -> None:
    live.apply_all([event(0, "하나", True), event(1, "둘", True), event(2, "셋 잠정", False)])
    result = live.transcript(duration=9.0)
    assert [s.text for s in result.segments] == ["하나", "둘", "셋 잠정"]
    assert result.engine == "local" and result.source == "mic" and result.duration == 9.0
    settled = live.transcript(include_partial=False)
    assert [s.text for s in settled.segments] == ["하나", "둘"]


def test_speaker_names_are_shown(live: LiveView) -> None:
    live.apply(StreamEvent(0, Segment(0.0, 1.0, "네 맞습니다", "S2"), True))
    assert "S2: 네 맞습니다" in live.text.toPlainText()


def test_auto_scroll_stops_when_scrolled_up_and_resumes_at_bottom(
    live: LiveView, qtbot: QtBot
) -> None:
    bar = live.text.verticalScrollBar()
    for key in range(60):
        live.apply(event(key, f"문장 번호 {key} 입니다", True))
    assert bar.maximum() > 0
    assert live.is_following()
    assert bar.value() == bar.maximum()

    with qtbot.waitSignal(live.following_changed) as stopped:
        bar.setValue(bar.maximum() // 3)  # the user scrolls up to read
    assert stopped.args == [False]
    assert live.jump_button.isVisible()
    reading = bar.value()
    for key in range(60, 70):
        live.apply(event(key, f"새 문장 {key}", True))
        live.apply(event(key + 1, "말하는 중", False))
    assert bar.value() == reading  # not yanked to the bottom
    assert not live.is_following()

    with qtbot.waitSignal(live.following_changed) as resumed:
        bar.setValue(bar.maximum())  # back at the bottom
    assert resumed.args == [True]
    live.apply(event(80, "마지막 문장", True))
    assert bar.value() == bar.maximum()
    assert not live.jump_button.isVisible()


def test_jump_button_resumes_following(live: LiveView) -> None:
    for key in range(60):
        live.apply(event(key, f"문장 {key}", True))
    bar = live.text.verticalScrollBar()
    bar.setValue(0)
    assert not live.is_following()
    live.jump_button.click()
    assert live.is_following() and bar.value() == bar.maximum()


def test_reset_starts_over(live: LiveView) -> None:
    live.apply(event(0, "이전 세션", True))
    live.reset(engine="rtzr", source="file.wav")
    assert live.text.toPlainText() == ""
    live.apply(event(0, "새 세션", True))
    assert live.transcript().engine == "rtzr"
    assert live.final_text() == "새 세션"
