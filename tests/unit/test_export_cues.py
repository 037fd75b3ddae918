"""Subtitle cue limits: line width, line count, duration, order, and where text is split."""

from __future__ import annotations

import itertools
import re

import pytest
import srt
import webvtt

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.export import Cue, ExportOptions, build_cues, render
from desktop_app.export.common import text_width

KOREAN_PARAGRAPH = (
    "오늘은 한국어 음성 인식 프로그램의 자막 내보내기 기능을 시험합니다. "
    "긴 문장은 여러 개의 자막으로 나뉘어야 하고 한 줄에 들어가는 글자 수에는 제한이 있습니다. "
    "자막 하나는 칠 초를 넘지 않아야 하며 두 줄을 넘으면 안 됩니다. "
    "단어 시간 정보가 있으면 단어 경계에서 나누고 없으면 글자 수에 비례해서 나눕니다."
)
KOREAN_NO_SPACES = KOREAN_PARAGRAPH.replace(" ", "")


def words_for(text: str, start: float, seconds_per_char: float = 0.16) -> list[Word]:
    """Word timings as an engine would give them: one per space-separated word, short pauses."""
    words: list[Word] = []
    now = start
    for token in text.split():
        length = len(token) * seconds_per_char
        words.append(Word(round(now, 3), round(now + length, 3), token, 0.8))
        now += length + 0.12
    return words


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_cue_limits(cues: list[Cue], options: ExportOptions, language: str) -> None:
    narrow = 0.5 if language == "ko" else 1.0
    limit = options.line_chars_for(language)
    max_ms = round(options.max_cue_seconds * 1000)
    for cue in cues:
        assert 1 <= len(cue.lines) <= options.max_lines, cue
        for line in cue.lines:
            assert line and line == line.strip(), cue
            assert text_width(line, narrow) <= limit, (line, text_width(line, narrow), limit)
        assert 0 < cue.end_ms - cue.start_ms <= max_ms, cue
    for earlier, later in itertools.pairwise(cues):
        assert earlier.start_ms < later.start_ms
        assert earlier.end_ms <= later.start_ms


def assert_min_duration(cues: list[Cue], options: ExportOptions) -> None:
    """Shorter than the minimum only when the next cue starts right at its end."""
    min_ms = round(options.min_cue_seconds * 1000)
    for index, cue in enumerate(cues):
        if cue.end_ms - cue.start_ms < min_ms:
            assert index + 1 < len(cues) and cues[index + 1].start_ms == cue.end_ms, cue


def korean(text: str, start: float = 10.0, end: float = 70.0, words: bool = False) -> Transcript:
    segment = Segment(start, end, text, words=words_for(text, start) if words else [])
    if words:
        segment.end = segment.words[-1].end
    return Transcript(segments=[segment], language="ko")


# --- limits on long Korean text ------------------------------------------------------------------


@pytest.mark.parametrize("with_words", [False, True], ids=["proportional", "word-timings"])
def test_long_korean_segment_respects_every_limit(with_words: bool) -> None:
    transcript = korean(KOREAN_PARAGRAPH, words=with_words)
    options = ExportOptions()
    cues = build_cues(transcript, options)
    assert len(cues) > 5
    assert_cue_limits(cues, options, "ko")
    assert_min_duration(cues, options)
    assert compact("".join(c.text for c in cues)) == compact(KOREAN_PARAGRAPH)
    assert options.line_chars_for("ko") == 16


def test_korean_without_spaces_is_still_wrapped_and_kept_whole() -> None:
    transcript = korean(KOREAN_NO_SPACES, 0.0, 25.0)
    options = ExportOptions()
    cues = build_cues(transcript, options)
    assert_cue_limits(cues, options, "ko")
    assert "".join("".join(c.lines) for c in cues) == KOREAN_NO_SPACES
    first = cues[0]
    assert len(first.lines) == 2 and text_width(first.lines[0], 0.5) <= 16


def test_word_timings_give_cue_times_and_word_boundaries() -> None:
    transcript = korean(KOREAN_PARAGRAPH, words=True)
    words = transcript.segments[0].words
    starts = {round(w.start * 1000) for w in words}
    ends = {round(w.end * 1000) for w in words}
    word_texts = {w.text for w in words}
    cues = build_cues(transcript, ExportOptions(min_cue_seconds=0))
    for cue in cues:
        assert cue.start_ms in starts
        assert cue.end_ms in ends
        for line in cue.lines:
            assert all(piece in word_texts for piece in line.split(" "))


def test_stale_word_timings_fall_back_to_proportional_split() -> None:
    segment = Segment(0.0, 20.0, "고쳐 쓴 문장은 단어와 다릅니다 그래서 비례 분할을 씁니다")
    segment.words = [Word(0.0, 1.0, "원래"), Word(1.0, 2.0, "단어")]
    cues = build_cues(Transcript(segments=[segment]), ExportOptions(max_line_chars=8))
    assert compact("".join(c.text for c in cues)) == compact(segment.text)
    assert cues[-1].end_ms == 20_000


def test_words_outside_the_segment_are_ignored() -> None:
    text = "하나 둘 셋"
    segment = Segment(100.0, 103.0, text, words=words_for(text, start=0.0))
    cues = build_cues(Transcript(segments=[segment]), ExportOptions())
    assert cues[0].start_ms == 100_000


def test_subword_timings_keep_the_segment_spelling() -> None:
    segment = Segment(
        0.0,
        2.0,
        "안녕하세요 여러분",
        words=[Word(0.0, 0.5, "안녕"), Word(0.5, 1.0, "하세요"), Word(1.1, 2.0, "여러분")],
    )
    cues = build_cues(Transcript(segments=[segment]), ExportOptions())
    assert cues[0].lines == ("안녕하세요 여러분",)


# --- property checks over limits and texts -------------------------------------------------------

TEXTS = {
    "korean": KOREAN_PARAGRAPH,
    "korean-no-spaces": KOREAN_NO_SPACES,
    "english": (
        "Subtitles should be easy to read, so every line stays short and each cue stays on "
        "screen long enough; a supercalifragilisticexpialidociouslylongword must still be "
        "broken somewhere sensible without losing a single character of it."
    ),
    "mixed": "회의에서 API endpoint https://example.com/very/long/path?query=1 를 확인했습니다.",
}


@pytest.mark.parametrize("text_name", list(TEXTS))
@pytest.mark.parametrize(
    "limits",
    [(None, 2, 7.0), (10, 1, 3.0), (20, 3, 5.0), (42, 2, 7.0), (5, 2, 1.5)],
    ids=lambda v: "x".join(str(x) for x in v),
)
@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("with_words", [False, True], ids=["proportional", "words"])
def test_limits_hold_for_many_settings(
    text_name: str, limits: tuple[int | None, int, float], language: str, with_words: bool
) -> None:
    line_chars, lines, seconds = limits
    text = TEXTS[text_name]
    transcript = korean(text, start=3600.0, end=3660.0, words=with_words)
    transcript.language = language
    options = ExportOptions(max_line_chars=line_chars, max_lines=lines, max_cue_seconds=seconds)
    cues = build_cues(transcript, options)
    assert_cue_limits(cues, options, language)
    assert_min_duration(cues, options)
    assert compact("".join(c.text for c in cues)) == compact(text)


# --- timing between segments ---------------------------------------------------------------------


def test_overlapping_and_simultaneous_segments_never_overlap() -> None:
    transcript = Transcript(
        segments=[
            Segment(5.0, 9.0, "두 번째 화자", speaker="b"),
            Segment(0.0, 6.0, "첫 번째 화자가 길게 말합니다", speaker="a"),
            Segment(5.0, 7.0, "동시에 말함", speaker="c"),
            Segment(8.0, 8.0, "순간", speaker="a"),
        ]
    )
    options = ExportOptions()
    cues = build_cues(transcript, options)
    assert_cue_limits(cues, options, "ko")
    assert [c.speaker for c in cues][:1] == ["a"]
    assert len(cues) == 4


def test_short_cues_are_lengthened_up_to_the_next_one() -> None:
    transcript = Transcript(
        segments=[Segment(1.0, 1.2, "네"), Segment(1.6, 1.8, "아니요"), Segment(10.0, 10.1, "끝")]
    )
    cues = build_cues(transcript, ExportOptions())
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 1600), (1600, 2600), (10000, 11000)]


def test_a_slow_single_word_is_cut_to_the_maximum_duration() -> None:
    cues = build_cues(Transcript(segments=[Segment(0.0, 30.0, "음")]), ExportOptions())
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 7000)]


# --- where cues and lines break ------------------------------------------------------------------


def test_cues_prefer_to_end_at_a_sentence() -> None:
    text = "짧은 문장입니다. 그 다음에는 조금 더 긴 문장이 이어집니다"
    cues = build_cues(korean(text, 0.0, 8.0), ExportOptions(max_line_chars=12, max_lines=2))
    assert cues[0].text.endswith("문장입니다.")


@pytest.mark.parametrize("with_words", [False, True])
def test_sentence_ends_close_cues(with_words: bool) -> None:
    cues = build_cues(korean(KOREAN_PARAGRAPH, 0.0, 40.0, words=with_words), ExportOptions())
    for cue in cues:
        assert cue.text.count(".") == (1 if cue.text.endswith(".") else 0), cue


def test_short_sentences_share_a_cue() -> None:
    transcript = Transcript(segments=[Segment(0.0, 4.0, "네. 맞아요. 그렇죠.", speaker="a")])
    (subtitle,) = srt.parse(render(transcript, "srt").decode("utf-8"))
    assert subtitle.content == "a: 네. 맞아요. 그렇죠."


def test_a_short_tail_is_evened_out() -> None:
    text = "하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉 열 열하나"
    cues = build_cues(korean(text, 0.0, 10.0), ExportOptions(max_line_chars=12, max_lines=1))
    widths = [text_width(c.text, 0.5) for c in cues]
    assert min(widths) >= 3


def test_two_lines_are_balanced() -> None:
    text = "The quick brown fox jumps over the lazy dog and then runs away fast"
    transcript = Transcript(segments=[Segment(0.0, 4.0, text)], language="en")
    (cue,) = build_cues(transcript, ExportOptions())
    upper, lower = cue.lines
    words = text.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    assert max(len(upper), len(lower)) == min(max(len(a), len(b)) for a, b in splits)


def test_on_a_tie_the_lower_line_is_the_longer() -> None:
    transcript = Transcript(segments=[Segment(0.0, 4.0, "aaaa bbbbbb cccc")], language="en")
    (cue,) = build_cues(transcript, ExportOptions(max_line_chars=12))
    assert cue.lines == ("aaaa", "bbbbbb cccc")


def test_language_picks_the_default_line_length() -> None:
    text = "가나다라마바사아자차카타파하" * 2  # 28 syllables
    ko = build_cues(korean(text, 0.0, 5.0), ExportOptions())
    en = Transcript(segments=[Segment(0.0, 5.0, text)], language="en")
    assert len(ko[0].lines) == 2
    assert build_cues(en, ExportOptions())[0].lines == (text,)
    assert ExportOptions().line_chars_for("ko-KR") == 16
    assert ExportOptions().line_chars_for("ja") == 13
    assert ExportOptions().line_chars_for("en-US") == 42
    assert ExportOptions(max_line_chars=30).line_chars_for("ko") == 30


def test_long_speaker_names_are_shortened_in_srt() -> None:
    transcript = Transcript(
        segments=[Segment(0.0, 3.0, "짧은 말", speaker="x")],
        speakers=[Speaker("x", "아주아주아주아주긴이름을가진화자")],
    )
    (subtitle,) = srt.parse(render(transcript, "srt").decode("utf-8"))
    first_line = subtitle.content.split("\n")[0]
    assert first_line.startswith("아주아주") and "…:" in first_line
    assert text_width(first_line, 0.5) <= 16


def test_subtitle_files_parse_back_with_the_same_cues() -> None:
    transcript = korean(KOREAN_PARAGRAPH, start=3590.0, end=3650.0, words=True)
    cues = build_cues(transcript, ExportOptions())
    parsed_srt = list(srt.parse(render(transcript, "srt").decode("utf-8")))
    parsed_vtt = webvtt.from_string(render(transcript, "vtt").decode("utf-8")).captions
    assert [s.content for s in parsed_srt] == [c.text for c in cues]
    assert [v.text for v in parsed_vtt] == [c.text for c in cues]
    assert [round(s.start.total_seconds() * 1000) for s in parsed_srt] == [c.start_ms for c in cues]
    assert [v.start_time.in_milliseconds() for v in parsed_vtt] == [c.start_ms for c in cues]
    assert any(s.start.total_seconds() >= 3600 for s in parsed_srt)
