"""Subtitle rules that hold for every transcript: randomized transcripts with a fixed seed.

For each generated transcript (Korean words with word timings, sub-word timings or none,
punctuation, Latin words, words wider than a line, one to three speakers) and generated rules:
cues never overlap, are at least the minimum gap apart, keep their lines and duration limits,
never exceed the line width except with a single word wider than a line, show exactly the
transcript's words in order, and the checker reports whatever rule a cue still breaks.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import re

import pytest

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.export import PRESETS, Cue, SubtitleRules, build_cues, check_cues
from desktop_app.export.common import one_line, text_width

SYLLABLES = "가나다라마바사아자차카타파하국민회의자료발표예산정리확인오늘내일우리는그런데"
LATIN = ["API", "OK", "2024년", "3.5%", "GPU", "email"]
PUNCTUATION = ["", "", "", "", ".", ",", "?", "!", "…"]
NAMES = {"a": "민수", "b": "지영", "c": "아주아주긴이름을가진화자"}
LABEL = re.compile(r"^(- )?([^ ]+?…?: )?")


def random_word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(17, 24)))
    if roll < 0.1:
        return rng.choice(LATIN)
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 6)))
    return word + rng.choice(PUNCTUATION)


def sub_words(word: Word) -> list[Word]:
    """An engine's sub-word pieces: the word cut in two, glued without a space."""
    if len(word.text) < 2:
        return [word]
    cut = len(word.text) // 2
    middle = round((word.start + word.end) / 2, 3)
    return [Word(word.start, middle, word.text[:cut]), Word(middle, word.end, word.text[cut:])]


def random_transcript(rng: random.Random) -> Transcript:
    segments: list[Segment] = []
    now = rng.uniform(0, 5)
    for _ in range(rng.randint(1, 8)):
        texts = [random_word(rng) for _ in range(rng.randint(1, 30))]
        per_char = rng.choice([0.03, 0.08, 0.15, 0.3])
        start = now
        words: list[Word] = []
        for text in texts:
            length = max(0.02, len(text) * per_char * rng.uniform(0.5, 1.5))
            words.append(Word(round(now, 3), round(now + length, 3), text))
            now += length + rng.choice([0.0, 0.05, 0.1, 0.3, 0.8, 2.0])
        end = words[-1].end
        kind = rng.random()
        if kind < 0.2:
            words = []  # no word timings: proportional timing
        elif kind < 0.3:
            words = words[:-1]  # stale words: proportional timing
        elif kind < 0.45:
            words = [piece for word in words for piece in sub_words(word)]
        speaker = rng.choice([None, "a", "b", "c"])
        segments.append(Segment(start, end, " ".join(texts), speaker=speaker, words=words))
        now = end + rng.choice([0.0, 0.04, 0.2, 0.5, 1.0, 4.0])
    rng.shuffle(segments)
    speakers = [Speaker(k, v) for k, v in NAMES.items()]
    language = rng.choice(["ko", "ko", "ko", "en"])
    return Transcript(segments=segments, speakers=speakers, language=language)


def random_rules(rng: random.Random) -> SubtitleRules:
    base = rng.choice(list(PRESETS.values()))
    return dataclasses.replace(
        base,
        max_line_chars=rng.choice([base.max_line_chars, 10.0, 13.0, 24.0]),
        max_lines=rng.choice([base.max_lines, 1, 2, 3]),
        max_cps=rng.choice([base.max_cps, 9.0, 17.0]),
        min_duration=rng.choice([base.min_duration, 0.0, 1.5]),
        max_duration=rng.choice([base.max_duration, 3.0, 10.0]),
        min_gap_frames=rng.choice([2, 0, 3, 12]),
        fps=rng.choice([24.0, 23.976, 25.0, 30.0, 60.0]),
        chain_gap=rng.choice([0.5, 0.0, 1.0]),
        extend_out=rng.choice([0.5, 0.0, 1.0]),
    )


def spoken_words(transcript: Transcript) -> list[str]:
    ordered = sorted(transcript.segments, key=lambda s: s.start)
    return [w for s in ordered for w in one_line(s.text).split()]


def assert_rules_hold(transcript: Transcript, rules: SubtitleRules, cues: list[Cue]) -> None:
    applied = rules.for_language(transcript.language)
    weight = applied.narrow_weight
    violations = {(v.cue, v.kind) for v in check_cues(cues, rules, transcript.language)}
    assert [w for c in cues for w in c.words] == spoken_words(transcript)
    for index, cue in enumerate(cues):
        assert cue.end_ms > cue.start_ms, cue
        assert cue.end_ms - cue.start_ms <= round(applied.max_duration * 1000), cue
        assert 1 <= len(cue.lines) <= applied.max_lines, cue
        shown = [
            LABEL.sub("", line, count=1) if cue.is_dialogue or n == 0 else line
            for n, line in enumerate(cue.lines)
        ]
        assert " ".join(shown).split() == list(cue.words), cue
        for line, text in zip(cue.lines, shown, strict=True):
            if text_width(line, weight) > applied.max_line_chars + 1e-9:
                assert len(text.split()) == 1, (line, cue)
                assert (index, "line_too_wide") in violations
        seconds = (cue.end_ms - cue.start_ms) / 1000
        reading = text_width(" ".join(cue.words), weight)
        if reading / seconds > applied.max_cps + 0.01:
            assert (index, "too_fast") in violations
        if cue.end_ms - cue.start_ms < applied.min_duration * 1000 - 1:
            assert (index, "too_short") in violations
    for earlier, later in itertools.pairwise(cues):
        assert later.start_ms - earlier.end_ms >= applied.min_gap_ms, (earlier, later)
    assert not any(kind in ("overlap", "gap_too_small", "too_long") for _, kind in violations)


@pytest.mark.parametrize("seed", range(40))
def test_random_transcripts_keep_the_rules(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(8):
        transcript = random_transcript(rng)
        rules = random_rules(rng)
        names = rng.random() < 0.8
        labels = rng.random() < 0.7
        cues = build_cues(transcript, rules, speaker_names=names, speaker_labels=labels)
        assert_rules_hold(transcript, rules, cues)
