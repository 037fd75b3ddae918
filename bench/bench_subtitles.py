"""Subtitle cues for a long transcript: time to build, check and write SRT, per preset.

Run: ``python -m bench.bench_subtitles [--hours 1]``. The transcript repeats the reference
texts of ../shared/speech-ko with word times spread over each clip (synthetic Korean words when
the clips are absent). Prints seconds per step, cues, and the rule checker's counts.
"""

from __future__ import annotations

import argparse
import collections
import random
import time

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.export import PRESETS, build_cues, check_cues
from desktop_app.export.subrip import srt_text
from tests.unit.test_subtitle_end_to_end import SPEECH_KO, reference_transcript


def synthetic(seconds: float) -> Transcript:
    rng = random.Random(7)
    syllables = "가나다라마바사아자차카타파하회의자료발표예산정리확인"
    segments: list[Segment] = []
    now = 0.0
    while now < seconds:
        texts = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 5))) for _ in range(9)]
        words = []
        for text in texts:
            words.append(Word(now, now + 0.12 * len(text), text))
            now += 0.12 * len(text) + 0.08
        segments.append(Segment(words[0].start, words[-1].end, " ".join(texts), "a", None, words))
        now += 0.4
    return Transcript(segments=segments, speakers=[Speaker("a", "민수")])


def long_transcript(hours: float) -> Transcript:
    seconds = hours * 3600
    if not SPEECH_KO.is_dir():
        return synthetic(seconds)
    base = reference_transcript(60)
    length = base.duration or 1.0
    copies = max(1, round(seconds / length))
    segments = [s.shifted(k * length) for k in range(copies) for s in base.segments]
    return Transcript(segments=segments, speakers=base.speakers, language="ko")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=1.0)
    args = parser.parse_args()
    transcript = long_transcript(args.hours)
    words = sum(len(s.text.split()) for s in transcript.segments)
    print(f"{len(transcript.segments)} segments, {words} words, about {args.hours:g} h")
    for name, rules in PRESETS.items():
        began = time.perf_counter()
        cues = build_cues(transcript, rules)
        built = time.perf_counter()
        violations = check_cues(cues, rules)
        checked = time.perf_counter()
        srt_text(cues)
        written = time.perf_counter()
        kinds = dict(collections.Counter(v.kind for v in violations))
        print(
            f"{name}: {len(cues)} cues; build {built - began:.2f} s, check "
            f"{checked - built:.3f} s, SRT {written - checked:.3f} s; violations {kinds or 0}"
        )


if __name__ == "__main__":
    main()
