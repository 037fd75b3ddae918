"""Hallucination guards: keep Whisper from writing text where nobody spoke.

Whisper was trained on subtitles, so on silence, music or noise it likes to write the lines that
end videos ("시청해 주셔서 감사합니다", "구독과 좋아요") or to repeat one line over and over. The
batched pipeline already skips audio its voice-activity detector calls silence; what gets through
is judged here, segment by segment, with the numbers the decoder reports:

* no speech: the model's no-speech probability is high *and* its confidence in the text is low
  (Whisper's own rule, which the batched pipeline reports but does not apply);
* looping: the text compresses too well (the same syllables again and again);
* repeats: a line identical to the one before it is dropped when it is long or heard with
  little confidence (a person may well answer "네." twice; Whisper's loops are longer or vaguer);
* credits: a known outro or credit phrase is dropped unless the audio under it really is speech
  (checked again with a stricter voice-activity threshold) and the words were heard with
  confidence.

Whisper's batched pipeline never conditions a window on the text before it, so a hallucination
cannot carry on across a long gap either.

The functions are pure (numpy in, lists out) and run on the worker thread that decodes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from desktop_app.core.metrics import normalise_for_cer

NO_SPEECH_THRESHOLD = 0.6
LOG_PROB_THRESHOLD = -1.0
COMPRESSION_RATIO_THRESHOLD = 2.4
# A repeated line is kept only when short and heard at least this surely.
REPEAT_MAX_CHARS = 8
REPEAT_LOG_PROB = -0.7
REPEAT_NO_SPEECH = 0.3
# Credit lines survive only over audio that is mostly speech and words heard this surely.
CREDIT_SPEECH_FRACTION = 0.5
CREDIT_WORD_PROBABILITY = 0.6

# Lines Whisper writes over silence and music, normalised like CER text (letters and digits).
CREDIT_PHRASES: tuple[str, ...] = tuple(
    normalise_for_cer(phrase)
    for phrase in (
        "시청해 주셔서 감사합니다",
        "시청해주셔서 감사합니다",
        "구독과 좋아요 부탁드립니다",
        "구독 좋아요 알림설정",
        "좋아요와 구독 부탁드립니다",
        "다음 영상에서 만나요",
        "오늘도 시청해 주셔서 감사합니다",
        "자막 제공",
        "한글자막",
        "MBC 뉴스",
        "KBS 뉴스",
        "SBS 뉴스",
        "Thank you for watching",
        "Thanks for watching",
        "Please subscribe",
        "ご視聴ありがとうございました",
    )
)


@dataclass(frozen=True, slots=True)
class Heard:
    """One decoded segment with the decoder's own numbers (times in seconds of the window)."""

    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    word_probabilities: tuple[float, ...] = ()


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def is_silence(heard: Heard) -> bool:
    return heard.no_speech_prob > NO_SPEECH_THRESHOLD and heard.avg_logprob < LOG_PROB_THRESHOLD


def is_looping(heard: Heard) -> bool:
    return max(heard.compression_ratio, compression_ratio(heard.text)) > (
        COMPRESSION_RATIO_THRESHOLD
    )


def is_credit_phrase(text: str) -> bool:
    """True when ``text`` is nothing but known outro/credit lines (one or more)."""
    rest = normalise_for_cer(text)
    if not rest:
        return False
    changed = True
    while rest and changed:
        changed = False
        for phrase in CREDIT_PHRASES:
            if phrase and rest.startswith(phrase):
                rest = rest[len(phrase) :]
                changed = True
    return not rest


def keep(
    heard: Heard,
    previous_text: str | None,
    speech_fraction: Callable[[float, float], float],
) -> bool:
    """Whether ``heard`` is real speech worth writing down; ``speech_fraction(start, end)`` is
    how much of that stretch a strict voice-activity check calls speech (asked only for
    credit-like lines, since it costs a little)."""
    if not heard.text.strip() or is_silence(heard) or is_looping(heard):
        return False
    if previous_text is not None and normalise_for_cer(previous_text) == normalise_for_cer(
        heard.text
    ):
        plausible = (
            len(normalise_for_cer(heard.text)) <= REPEAT_MAX_CHARS
            and heard.avg_logprob >= REPEAT_LOG_PROB
            and heard.no_speech_prob <= REPEAT_NO_SPEECH
        )
        if not plausible:
            return False
    if is_credit_phrase(heard.text):
        sure = bool(heard.word_probabilities) and min(heard.word_probabilities) >= (
            CREDIT_WORD_PROBABILITY
        )
        return sure and speech_fraction(heard.start, heard.end) >= CREDIT_SPEECH_FRACTION
    return True


def filter_heard(
    items: Iterable[Heard], speech_fraction: Callable[[float, float], float]
) -> list[Heard]:
    """The segments that pass every guard, in order."""
    kept: list[Heard] = []
    for heard in items:
        previous = kept[-1].text if kept else None
        if keep(heard, previous, speech_fraction):
            kept.append(heard)
    return kept
