"""Subtitle cues, one rule at a time, on constructed Korean transcripts with word timings."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
import srt
import webvtt

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.export import PRESETS, Cue, ExportOptions, SubtitleRules, build_cues, render
from desktop_app.export.common import text_width
from desktop_app.export.subtitle_check import check_cues
from desktop_app.export.subtitle_layout import layout

RULES = PRESETS["korean-broadcast"]
KOREAN_PARAGRAPH = (
    "오늘은 한국어 음성 인식 프로그램의 자막 내보내기 기능을 시험합니다. "
    "긴 문장은 여러 개의 자막으로 나뉘어야 하고 한 줄에 들어가는 글자 수에는 제한이 있습니다. "
    "자막 하나는 칠 초를 넘지 않아야 하며 두 줄을 넘으면 안 됩니다."
)


def timed(text: str, start: float, per_char: float = 0.16, pause: float = 0.12) -> list[Word]:
    """Word timings as an engine gives them: one per 어절, short pauses between."""
    words: list[Word] = []
    now = start
    for token in text.split():
        length = len(token) * per_char
        words.append(Word(round(now, 3), round(now + length, 3), token, 0.9))
        now += length + pause
    return words


def segment(text: str, start: float, speaker: str | None = None, **kw: float) -> Segment:
    words = timed(text, start, **kw)
    return Segment(start, words[-1].end, text, speaker=speaker, words=words)


def cues_of(*segments: Segment, rules: SubtitleRules = RULES, **kw: bool) -> list[Cue]:
    return build_cues(Transcript(segments=list(segments), language="ko"), rules, **kw)


def width(line: str) -> float:
    return text_width(line, 0.5)


# --- line width and line breaks ---------------------------------------------------------------


def test_hangul_counts_one_and_narrow_characters_half() -> None:
    assert width("가나다 abc, 12") == 3 + 0.5 * 8
    (cue,) = cues_of(segment("회의 API 3개 확인", 0.0))
    assert cue.lines == ("회의 API 3개 확인",)


def test_one_line_when_it_fits_and_two_when_it_does_not() -> None:
    (short,) = cues_of(segment("짧은 문장은 한 줄입니다.", 0.0))
    assert short.lines == ("짧은 문장은 한 줄입니다.",)
    (longer,) = cues_of(segment("이 문장은 한 줄에 다 들어가지 않아서 두 줄이 됩니다.", 0.0))
    assert len(longer.lines) == 2
    assert all(width(line) <= 16 for line in longer.lines)


def test_lines_are_balanced_and_break_between_words() -> None:
    text = "우리는 내일 아침 일찍 회의실에서 다시 만나기로 했습니다"
    (cue,) = cues_of(segment(text, 0.0))
    upper, lower = cue.lines
    assert f"{upper} {lower}" == text
    words = text.split()
    splits = [
        max(width(" ".join(words[:i])), width(" ".join(words[i:]))) for i in range(1, len(words))
    ]
    assert max(width(upper), width(lower)) == min(splits)


def test_a_break_after_punctuation_is_preferred() -> None:
    words = ["그건", "좋아요.", "그런데", "예산이", "조금", "부족합니다"]
    assert layout(words, "", RULES) == ("그건 좋아요.", "그런데 예산이 조금 부족합니다")
    words = ["회의는", "끝났고,", "내일", "다시", "모여서", "정리합시다"]
    assert layout(words, "", RULES) == ("회의는 끝났고,", "내일 다시 모여서 정리합시다")


def test_on_a_tie_the_lower_line_is_the_longer() -> None:
    assert layout(["가나다라마", "바사아자차카타", "파하가나다"], "", RULES) == (
        "가나다라마",
        "바사아자차카타 파하가나다",
    )


def test_a_word_wider_than_a_line_stays_whole_on_its_own_line_and_is_reported() -> None:
    wide = "초고속대용량데이터전송프로토콜구현작업을"  # 20 syllables, no space to break at
    cues = cues_of(segment(f"오늘 {wide} 마쳤습니다.", 0.0, per_char=0.1))
    assert any(cue.lines == (wide,) for cue in cues)
    assert " ".join(w for c in cues for w in c.words) == f"오늘 {wide} 마쳤습니다."
    problems = [v for v in check_cues(cues, RULES) if v.kind == "line_too_wide"]
    assert [(cues[v.cue].lines[v.line or 0], v.measured, v.limit) for v in problems] == [
        (wide, 20.0, 16.0)
    ]


def test_at_most_two_lines() -> None:
    cues = cues_of(segment(KOREAN_PARAGRAPH, 0.0))
    assert len(cues) > 3
    assert all(1 <= len(c.lines) <= 2 for c in cues)
    assert all(width(line) <= 16 for c in cues for line in c.lines)


# --- times from words ----------------------------------------------------------------------


def test_cue_times_come_from_word_timestamps() -> None:
    seg = segment(KOREAN_PARAGRAPH, 3.0)
    starts = {round(w.start * 1000) for w in seg.words}
    for cue in cues_of(seg):
        assert cue.start_ms in starts


def test_sub_word_timings_make_one_word() -> None:
    seg = Segment(
        0.0,
        2.0,
        "안녕하세요 여러분",
        words=[Word(0.0, 0.5, "안녕"), Word(0.5, 1.0, "하세요"), Word(1.1, 2.0, "여러분")],
    )
    (cue,) = cues_of(seg)
    assert cue.words == ("안녕하세요", "여러분")
    seg.words = [Word(0.0, 0.5, "안녕"), Word(0.5, 2.0, "하세요 여러분")]
    (cue,) = cues_of(seg)
    assert cue.words == ("안녕하세요", "여러분")


@pytest.mark.parametrize(
    "words",
    [[], [Word(0.0, 1.0, "원래"), Word(1.0, 2.0, "단어")], [Word(90.0, 91.0, "하나 둘 셋")]],
    ids=["none", "stale-text", "outside-segment"],
)
def test_segments_without_usable_words_are_timed_in_proportion(words: list[Word]) -> None:
    seg = Segment(0.0, 6.0, "하나 둘 셋", words=words)
    (cue,) = cues_of(seg)
    assert (cue.start_ms, cue.words) == (0, ("하나", "둘", "셋"))
    assert cue.end_ms >= 6000


# --- durations and reading speed --------------------------------------------------------------


def test_a_short_cue_lasts_at_least_five_sixths_of_a_second() -> None:
    (cue,) = cues_of(Segment(1.0, 1.2, "네."))
    assert cue.duration_ms >= 833


def test_a_slow_word_is_cut_to_seven_seconds() -> None:
    (cue,) = cues_of(Segment(0.0, 30.0, "음"))
    assert (cue.start_ms, cue.end_ms) == (0, 7000)


def test_long_speech_is_split_at_the_longest_pause() -> None:
    first = "저는 지난주에 부산에 다녀왔는데"
    second = "날씨가 정말 좋아서 바다를 오래 봤어요"
    words = [*timed(first, 0.0, per_char=0.3), *timed(second, 6.0, per_char=0.3)]
    seg = Segment(0.0, words[-1].end, f"{first} {second}", words=words)
    cues = cues_of(seg)
    assert [" ".join(c.words) for c in cues] == [first, second]


def test_out_time_extends_by_at_most_half_a_second_and_the_rest_is_reported() -> None:
    fast = segment("빠르게 말하는 아주 긴 문장입니다", 0.0, per_char=0.05, pause=0.02)
    (cue,) = cues_of(fast, rules=dataclasses.replace(RULES, min_duration=0.0))
    speech_end = round(fast.words[-1].end * 1000)
    assert cue.end_ms == speech_end + 500
    (problem,) = check_cues([cue], RULES)
    assert problem.kind == "too_fast" and problem.measured > 12


def test_out_time_extends_only_as_far_as_reading_needs() -> None:
    seg = segment("네 알겠습니다", 0.0, per_char=0.2)  # 6.5 characters
    (cue,) = cues_of(seg, rules=dataclasses.replace(RULES, min_duration=0.0))
    assert cue.end_ms == max(round(seg.words[-1].end * 1000), round(6.5 / 12 * 1000))


def test_short_neighbours_of_one_speaker_are_merged() -> None:
    cues = cues_of(Segment(0.0, 0.4, "네.", "a"), Segment(0.6, 1.0, "맞아요.", "a"))
    assert [c.lines for c in cues] == [("a: 네. 맞아요.",)]


def test_short_neighbours_far_apart_are_not_merged() -> None:
    cues = cues_of(Segment(0.0, 0.4, "네."), Segment(5.0, 5.4, "맞아요."))
    assert len(cues) == 2


# --- gaps -----------------------------------------------------------------------------------


def test_small_gaps_are_closed_to_two_frames() -> None:
    cues = cues_of(segment("첫 번째 자막입니다 조금 길게", 0.0), segment("두 번째 자막입니다", 2.8))
    first, second = cues
    assert second.start_ms - first.end_ms == 83


def test_larger_gaps_stay() -> None:
    first, second = cues_of(segment("첫 번째 자막입니다", 0.0), segment("두 번째 자막", 5.0))
    assert second.start_ms - first.end_ms > 500


def test_minimum_gap_follows_the_frame_rate() -> None:
    rules = dataclasses.replace(RULES, fps=25.0, min_gap_frames=3)
    cues = cues_of(segment("첫 번째 자막입니다", 0.0), segment("두 번째 자막", 1.4), rules=rules)
    assert cues[1].start_ms - cues[0].end_ms == 120


def test_overlapping_segments_never_overlap() -> None:
    cues = cues_of(
        Segment(5.0, 9.0, "두 번째 화자가 말합니다", speaker="b"),
        Segment(0.0, 6.0, "첫 번째 화자가 길게 말합니다", speaker="a"),
        Segment(5.0, 7.0, "동시에 말함", speaker="c"),
        Segment(8.0, 8.0, "순간", speaker="a"),
    )
    for earlier, later in itertools.pairwise(cues):
        assert later.start_ms - earlier.end_ms >= 83
    assert all(c.end_ms > c.start_ms for c in cues)


# --- speakers -------------------------------------------------------------------------------


def test_one_speaker_reads_name_colon_space_text_at_each_turn() -> None:
    transcript = Transcript(
        segments=[
            segment("안녕하세요 오늘 회의를 시작하겠습니다.", 0.0, "a"),
            segment("첫 번째 안건은 예산입니다.", 4.0, "a"),
            segment("네 좋습니다.", 8.0, "b"),
        ],
        speakers=[Speaker("a", "민수"), Speaker("b", "지영")],
    )
    cues = build_cues(transcript, RULES)
    assert cues[0].lines[0].startswith("민수: 안녕하세요")
    assert not any(line.startswith("민수") for line in cues[1].lines)
    assert cues[-1].lines == ("지영: 네 좋습니다.",)
    assert all("민수" not in c.words and "민수:" not in c.words for c in cues)
    off = build_cues(transcript, RULES, speaker_names=False)
    assert not any(":" in line for c in off for line in c.lines)


def test_two_speakers_in_one_cue_get_a_dash_per_line() -> None:
    transcript = Transcript(
        segments=[Segment(0.0, 0.5, "어디 가?", "a"), Segment(0.7, 1.2, "집에.", "b")],
        speakers=[Speaker("a", "민수"), Speaker("b", "지영")],
    )
    (cue,) = build_cues(transcript, RULES)
    assert cue.lines == ("- 민수: 어디 가?", "- 지영: 집에.")
    assert cue.line_speakers == ("민수", "지영")
    (plain,) = build_cues(transcript, RULES, speaker_labels=False)
    assert plain.lines == ("- 어디 가?", "- 집에.")
    vtt = render(transcript, "vtt").decode("utf-8")
    assert "<v 민수>- 어디 가?</v>\n<v 지영>- 집에.</v>" in vtt


def test_a_long_speaker_name_is_shortened_and_stays_on_its_line() -> None:
    transcript = Transcript(
        segments=[Segment(0.0, 3.0, "짧은 말입니다", speaker="x")],
        speakers=[Speaker("x", "아주아주아주아주긴이름을가진화자")],
    )
    (cue,) = build_cues(transcript, RULES)
    assert cue.lines[0].startswith("아주") and "…: 짧은" in cue.lines[0]
    assert all(width(line) <= 16 for line in cue.lines)
    assert cue.words == ("짧은", "말입니다")


# --- presets and formats --------------------------------------------------------------------


def test_youtube_preset_uses_one_line_of_twenty() -> None:
    rules = PRESETS["youtube"]
    cues = cues_of(segment(KOREAN_PARAGRAPH, 0.0), rules=rules)
    assert all(len(c.lines) == 1 and width(c.lines[0]) <= 20 for c in cues)
    assert any(width(c.lines[0]) > 16 for c in cues)


def test_latin_script_transcripts_count_every_character() -> None:
    text = "The quick brown fox jumps over the lazy dog and runs"
    transcript = Transcript(segments=[Segment(0.0, 5.0, text)], language="en")
    (cue,) = build_cues(transcript, RULES)
    assert len(cue.lines) == 2 and all(len(line) <= 42 for line in cue.lines)


def test_export_options_carry_the_rules_into_srt() -> None:
    transcript = Transcript(segments=[segment(KOREAN_PARAGRAPH, 0.0)])
    youtube = ExportOptions(subtitles=PRESETS["youtube"])
    parsed = list(srt.parse(render(transcript, "srt", youtube).decode("utf-8")))
    assert all("\n" not in s.content for s in parsed)
    default = list(srt.parse(render(transcript, "srt").decode("utf-8")))
    assert any("\n" in s.content for s in default)


def test_subtitle_files_parse_back_with_the_same_cues() -> None:
    transcript = Transcript(segments=[segment(KOREAN_PARAGRAPH, 3590.0)])
    cues = build_cues(transcript, RULES, speaker_labels=False)
    parsed_srt = list(srt.parse(render(transcript, "srt").decode("utf-8")))
    parsed_vtt = webvtt.from_string(render(transcript, "vtt").decode("utf-8")).captions
    assert [s.content for s in parsed_srt] == [c.text for c in cues]
    assert [v.text for v in parsed_vtt] == [c.text for c in cues]
    assert [round(s.start.total_seconds() * 1000) for s in parsed_srt] == [c.start_ms for c in cues]
    assert any(s.start.total_seconds() >= 3600 for s in parsed_srt)
