"""Aligning two transcripts of one hour: seconds per comparison (target ≤ 2 s).

Run: ``python -m bench.bench_compare [--hours 1] [--words 10000]``. The first transcript is
built from the reference texts of ../shared/speech-ko repeated to ``--words`` words (generated
Korean when the clips are absent); the second is a copy with realistic edits — about 4 % words
replaced, 3 % dropped, 3 % inserted, 10 % spacing changes, punctuation dropped — in its own
segmentation with times shifted by up to half a second. Prints the time of each run, spans,
disagreements and the agreement.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from desktop_app.core.compare import align
from desktop_app.core.transcript import Segment, Transcript

SPEECH_KO = Path(__file__).resolve().parents[1].parent / "shared" / "speech-ko"
SYLLABLES = "가나다라마바사아자차카타파하회의자료발표예산정리확인는을를이에서고"


def source_words(count: int, rng: random.Random) -> list[str]:
    words: list[str] = []
    if SPEECH_KO.is_dir():
        for path in sorted(SPEECH_KO.glob("*.txt")):
            words.extend(path.read_text(encoding="utf-8").split())
    if not words:
        words = ["".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(2000)]
    return [words[i % len(words)] for i in range(count)]


def edit(words: list[str], rng: random.Random) -> list[str]:
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < 0.03:
            continue
        if roll < 0.07:
            out.append("".join(rng.choices(SYLLABLES, k=max(1, len(word)))))
        elif roll < 0.10:
            out.extend([word, rng.choice(words)])
        elif roll < 0.20 and out:
            out[-1] += word
        else:
            out.append(word.rstrip(".,?!"))
    return out


def segmented(words: list[str], seconds: float, rng: random.Random, jitter: float) -> Transcript:
    segments = []
    i = 0
    per_word = seconds / max(1, len(words))
    while i < len(words):
        size = rng.randint(5, 25)
        start = i * per_word + rng.uniform(0, jitter)
        end = min(len(words), i + size) * per_word
        segments.append(Segment(start, max(start, end), " ".join(words[i : i + size])))
        i += size
    return Transcript(segments=segments, duration=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(14)
    seconds = args.hours * 3600
    words = source_words(args.words, rng)
    first = segmented(words, seconds, rng, 0.0)
    second = segmented(edit(words, rng), seconds, rng, 0.5)
    chars = sum(len(s.text) for s in first.segments)
    print(f"{len(words)} words, {chars} characters, {seconds / 3600:g} h")
    for run in range(args.runs):
        began = time.perf_counter()
        comparison = align({"a": first, "b": second})
        took = time.perf_counter() - began
        print(
            f"run {run + 1}: {took:.3f} s, {len(comparison.spans)} spans, "
            f"{len(comparison.disagreements)} disagreements, "
            f"agreement {comparison.agreement:.3f}"
        )


if __name__ == "__main__":
    main()
