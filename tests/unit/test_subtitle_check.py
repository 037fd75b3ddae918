"""The subtitle rule checker on hand-made cues: each kind of violation, and the summary line."""

from __future__ import annotations

import dataclasses

import pytest

from desktop_app.core.transcript import Segment, Transcript, Word
from desktop_app.export import PRESETS, Cue, check_cues, summarize
from desktop_app.export.subtitle_check import KINDS, subtitle_report

RULES = PRESETS["korean-broadcast"]


def cue(start: int, end: int, *lines: str) -> Cue:
    return Cue(start, end, lines, words=tuple(" ".join(lines).split()))


def kinds(cues: list[Cue]) -> list[tuple[int, str]]:
    return [(v.cue, v.kind) for v in check_cues(cues, RULES)]


def test_cues_that_follow_every_rule_have_no_violations() -> None:
    cues = [cue(0, 2000, "안녕하세요 여러분"), cue(2083, 4000, "오늘도 반갑습니다")]
    assert check_cues(cues, RULES) == []
    assert summarize([], cues) is None


@pytest.mark.parametrize(
    ("cues", "expected", "measured", "limit"),
    [
        ([cue(0, 3000, "가나다라마바사아자차카타파하가나다")], "line_too_wide", 17, 16),
        ([cue(0, 5000, "하나", "둘", "셋")], "too_many_lines", 3, 2),
        ([cue(0, 1000, "열세 글자를 넘어가는 문장이")], "too_fast", 13.5, 12),
        ([cue(0, 500, "네")], "too_short", 0.5, 5 / 6),
        ([cue(0, 7500, "음")], "too_long", 7.5, 7),
        ([cue(0, 1000, "하나"), cue(1050, 2000, "둘")], "gap_too_small", 0.05, 0.083),
        ([cue(0, 1200, "하나"), cue(1000, 2000, "둘")], "overlap", 0.2, 0),
    ],
)
def test_each_kind_of_violation(
    cues: list[Cue], expected: str, measured: float, limit: float
) -> None:
    (found,) = check_cues(cues, RULES)
    assert (found.cue, found.kind) == (0, expected)
    assert found.measured == pytest.approx(measured, abs=0.01)
    assert found.limit == pytest.approx(limit, abs=0.001)
    assert found.message.startswith("Cue 1: ") and found.describe("ko").startswith("자막 1: ")
    assert expected in KINDS


def test_a_too_wide_line_names_its_line() -> None:
    (found,) = check_cues([cue(0, 3000, "짧은 줄", "가나다라마바사아자차카타파하가나다")], RULES)
    assert (found.kind, found.line) == ("line_too_wide", 1)
    assert "line 2" in found.message and "2번째 줄" in found.message_ko


def test_speaker_labels_and_dashes_do_not_count_towards_reading_speed() -> None:
    labelled = Cue(0, 1000, ("아주아주아주긴이름의화자: 네 좋아요",), words=("네", "좋아요"))
    assert [v.kind for v in check_cues([labelled], RULES)] == ["line_too_wide"]


def test_the_checker_uses_the_rules_it_is_given() -> None:
    fast = [cue(0, 1000, "열세 글자를 넘어가는 문장이")]
    assert check_cues(fast, dataclasses.replace(RULES, max_cps=14)) == []
    english = [Cue(0, 3000, ("x" * 40,), words=("x" * 40,))]
    assert check_cues(english, dataclasses.replace(RULES, max_cps=20), "en") == []
    assert [v.kind for v in check_cues(english, dataclasses.replace(RULES, max_cps=20))] == [
        "line_too_wide"
    ]


def test_the_summary_counts_cues_per_kind_with_the_first_time() -> None:
    cues = [
        cue(60_000, 61_000, "하나"),
        cue(83_000, 84_000, "열세 글자를 넘어가는 문장이"),
        cue(90_000, 91_000, "열세 글자를 넘어가는 문장이"),
        cue(95_000, 96_000, "열세 글자를 넘어가는 문장이"),
    ]
    line = summarize(check_cues(cues, RULES), cues)
    assert line == "3 cues exceed 12 characters a second; first at 00:01:23"
    korean = summarize(check_cues(cues, RULES), cues, "ko")
    assert korean == "초당 12자를 넘는 자막 3개, 처음 00:01:23"
    cues[0] = cue(60_000, 60_500, "하나")
    line = summarize(check_cues(cues, RULES), cues)
    assert line == (
        "3 cues exceed 12 characters a second; first at 00:01:23. "
        "1 cue is shorter than 0.83 s; first at 00:01:00"
    )


def test_the_report_for_a_transcript_names_what_the_engine_could_not_fix() -> None:
    text = "아주 빠르게 지나가는 말이라서 도저히 읽을 수가 없습니다"
    words = [Word(i * 0.1, i * 0.1 + 0.09, w) for i, w in enumerate(text.split())]
    transcript = Transcript(
        segments=[Segment(0.0, 0.8, text, words=words), Segment(1.3, 3.0, "그 다음 문장은 천천히")]
    )
    report = subtitle_report(transcript, RULES)
    assert report is not None and report.startswith("1 cue exceeds 12 characters a second")
    assert subtitle_report(transcript, dataclasses.replace(RULES, max_cps=40)) is None
