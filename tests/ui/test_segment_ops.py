"""Segment edits that keep word timings: realigning after an edit, merging, splitting."""

from __future__ import annotations

import pytest

from desktop_app.core.transcript import Segment, Word
from desktop_app.ui import segment_ops


def timed(*pairs: tuple[str, float]) -> list[Word]:
    """Consecutive words from (text, duration) pairs starting at 10 s."""
    words = []
    now = 10.0
    for text, length in pairs:
        words.append(Word(now, now + length, text, 0.9))
        now += length
    return words


def test_align_keeps_matching_words_and_times_new_ones() -> None:
    words = timed(("오늘", 1.0), ("회의를", 1.0), ("시작합니다", 2.0))
    aligned = segment_ops.align_words(words, "오늘 주간 회의를 시작합니다.", 10.0, 14.0)
    assert [w.text for w in aligned] == ["오늘", "주간", "회의를", "시작합니다."]
    assert aligned[0] is words[0]
    assert aligned[1].confidence is None  # typed by a person
    assert aligned[1].start == pytest.approx(11.0) and aligned[1].end == pytest.approx(11.0)
    assert aligned[3].start == 12.0 and aligned[3].confidence == 0.9  # punctuation ignored


def test_replaced_word_spreads_over_the_old_time() -> None:
    words = timed(("a", 1.0), ("bb", 2.0), ("c", 1.0))
    aligned = segment_ops.align_words(words, "a xx yyyy c", 10.0, 14.0)
    assert [(w.text, round(w.start, 3), round(w.end, 3)) for w in aligned] == [
        ("a", 10.0, 11.0),
        ("xx", 11.0, 11.667),
        ("yyyy", 11.667, 13.0),
        ("c", 13.0, 14.0),
    ]


def test_retext_without_words_drops_engine_confidence() -> None:
    segment = Segment(0.0, 2.0, "안넝하세요", None, 0.3)
    edited = segment_ops.retext(segment, "  안녕하세요 \n 여러분 ")
    assert edited.text == "안녕하세요 여러분"
    assert edited.confidence is None
    assert segment.text == "안넝하세요"  # the original is untouched


def test_split_between_words_uses_word_times() -> None:
    words = timed(("하나", 1.0), ("둘", 1.0), ("셋", 1.0))
    segment = Segment(10.0, 13.2, "하나 둘 셋", "S1", 0.9, words)
    first, second = segment_ops.split(segment, len("하나 둘 ")) or pytest.fail("no split")
    assert (first.text, first.start, first.end) == ("하나 둘", 10.0, 12.0)
    assert (second.text, second.start, second.end) == ("셋", 12.0, 13.2)
    assert [w.text for w in first.words] == ["하나", "둘"]
    assert second.speaker == "S1"


def test_split_inside_a_word_divides_its_time() -> None:
    words = timed(
        ("abcd", 4.0),
    )
    segment = Segment(10.0, 14.0, "abcd", None, None, words)
    first, second = segment_ops.split(segment, 1) or pytest.fail("no split")
    assert first.text == "a" and second.text == "bcd"
    assert first.end == pytest.approx(11.0) and second.start == pytest.approx(11.0)


def test_split_without_words_is_proportional() -> None:
    segment = Segment(0.0, 10.0, "0123456789", None, 0.7)
    first, second = segment_ops.split(segment, 4) or pytest.fail("no split")
    assert first.end == pytest.approx(4.0) and second.start == pytest.approx(4.0)
    assert first.confidence == second.confidence == 0.7


@pytest.mark.parametrize("position", [0, 3, 100, -5])
def test_split_at_an_edge_does_nothing(position: int) -> None:
    assert segment_ops.split(Segment(0.0, 1.0, "abc"), position) is None


def test_merge_joins_text_words_and_keeps_first_speaker() -> None:
    a = Segment(1.0, 2.0, "첫째", "S1", 0.8, [Word(1.0, 2.0, "첫째", 0.8)])
    b = Segment(2.5, 4.0, "둘째", "S2", 0.4)
    merged = segment_ops.merge([a, b])
    assert (merged.start, merged.end, merged.text, merged.speaker) == (1.0, 4.0, "첫째 둘째", "S1")
    assert [w.text for w in merged.words] == ["첫째", "둘째"]
    assert merged.words[1].start == pytest.approx(2.0)


def test_low_confidence_spans() -> None:
    segment = Segment(
        0.0, 3.0, "잘 들림 안들림", None, None, timed(("잘", 1), ("들림", 1), ("안들림", 1))
    )
    segment.words[2].confidence = 0.2
    assert segment_ops.low_confidence_spans(segment, 0.5) == [(5, 8)]
    whole = Segment(0.0, 1.0, "전부", None, 0.1)
    assert segment_ops.low_confidence_spans(whole, 0.5) == [(0, 2)]
    assert segment_ops.low_confidence_spans(whole, 0.05) == []


def _timed() -> Segment:
    words = [Word(1.0, 1.5, "하나", 0.9), Word(1.7, 2.2, "둘", 0.9), Word(2.6, 3.0, "셋", 0.9)]
    return Segment(1.0, 3.0, "하나 둘 셋", None, 0.9, words)


def test_retime_keeps_words_inside_the_new_times() -> None:
    moved = segment_ops.retime(_timed(), 1.6, 2.8)
    assert (moved.start, moved.end, moved.text) == (1.6, 2.8, "하나 둘 셋")
    assert [(w.start, w.end) for w in moved.words] == [(1.6, 1.6), (1.7, 2.2), (2.6, 2.8)]
    assert _timed().words[0].start == 1.0  # the argument is untouched


def test_the_word_playing_and_the_boundary_nearest_a_time() -> None:
    segment = _timed()
    assert segment_ops.word_span_at_time(segment, 1.2) == (0, 2)
    assert segment_ops.word_span_at_time(segment, 1.6) == (0, 2)  # a gap keeps the last word
    assert segment_ops.word_span_at_time(segment, 2.7) == (5, 6)
    assert segment_ops.word_span_at_time(segment, 3.5) is None
    assert segment_ops.token_span_from(segment.text, 3) == (3, 4)
    assert segment_ops.boundary_near(segment, 1.5) == 3  # between 하나 and 둘
    assert segment_ops.boundary_near(segment, 2.5) == 5  # between 둘 and 셋
    untimed = Segment(0.0, 1.0, "말 한마디", None, None, [])
    assert segment_ops.boundary_near(untimed, 0.5) is None
