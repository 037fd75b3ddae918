"""The hallucination guards on their own (pure functions, no model)."""

from __future__ import annotations

from desktop_app.providers.whisper.guards import (
    Heard,
    compression_ratio,
    filter_heard,
    is_credit_phrase,
)


def heard(text: str, **numbers: float) -> Heard:
    values = {"avg_logprob": -0.3, "no_speech_prob": 0.05, "compression_ratio": 1.2}
    values.update(numbers)
    return Heard(
        0.0,
        3.0,
        text,
        values["avg_logprob"],
        values["no_speech_prob"],
        values["compression_ratio"],
        (0.9, 0.9),
    )


def speech(_start: float, _end: float) -> float:
    return 1.0


def no_speech(_start: float, _end: float) -> float:
    return 0.0


def test_credit_phrases_are_recognised() -> None:
    assert is_credit_phrase("시청해 주셔서 감사합니다.")
    assert is_credit_phrase("구독과 좋아요 부탁드립니다! 시청해주셔서 감사합니다")
    assert is_credit_phrase("Thank you for watching!")
    assert not is_credit_phrase("오늘 회의에 와 주셔서 감사합니다")
    assert not is_credit_phrase("")


def test_credit_lines_need_real_speech_under_them() -> None:
    line = heard("시청해 주셔서 감사합니다.")
    assert filter_heard([line], no_speech) == []
    assert filter_heard([line], speech) == [line]
    unsure = Heard(0.0, 3.0, line.text, -0.3, 0.05, 1.2, (0.9, 0.2))
    assert filter_heard([unsure], speech) == []


def test_silence_loops_and_repeats_are_dropped() -> None:
    real = heard("회의를 시작하겠습니다.")
    silent = heard("음.", no_speech_prob=0.9, avg_logprob=-1.5)
    looping = heard("네 " * 40)
    assert compression_ratio("네 " * 40) > 2.4
    assert filter_heard([real, silent, looping, heard("회의를 시작하겠습니다")], speech) == [real]


def test_a_short_confident_answer_may_come_twice() -> None:
    first, again = heard("네."), heard("네.")
    assert filter_heard([first, again], speech) == [first, again]
    vague = heard("네.", avg_logprob=-0.9)
    assert filter_heard([first, vague], speech) == [first]


def test_confident_speech_with_a_high_no_speech_probability_stays() -> None:
    # Whisper's rule needs both: a high no-speech probability and a low text probability.
    line = heard("안녕하세요.", no_speech_prob=0.9, avg_logprob=-0.2)
    assert filter_heard([line], speech) == [line]
