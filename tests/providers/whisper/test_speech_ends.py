"""Finding the pauses that end utterances from loudness (synthetic and real speech)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.providers.whisper.speech_ends import Pause, SpeechEnds

RATE = 16000


def tone(seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * 220 * t)


def noise(seconds: float, amplitude: float, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, amplitude, int(seconds * RATE))


def pcm(samples: np.ndarray) -> bytes:
    return np.clip(samples, -32768, 32767).astype("<i2").tobytes()


def feed(ends: SpeechEnds, audio: bytes, chunk: int = 3200) -> list[Pause]:
    found: list[Pause] = []
    for offset in range(0, len(audio), chunk):
        found += ends.feed(audio[offset : offset + chunk])
    return found


def test_a_pause_after_speech_ends_the_utterance() -> None:
    audio = np.concatenate([np.zeros(RATE), tone(1.5, 6000), np.zeros(RATE)])
    [pause] = feed(SpeechEnds(pause=0.5), pcm(audio))
    assert pause.speech_start == pytest.approx(1.0, abs=0.06)
    assert pause.speech_end == pytest.approx(2.5, abs=0.06)


def test_short_gaps_do_not_end_it_and_clicks_are_not_speech() -> None:
    click = np.zeros(RATE // 2)
    click[100:400] = 20000
    audio = np.concatenate(
        [click, tone(0.8, 6000), np.zeros(int(0.3 * RATE)), tone(0.8, 6000), np.zeros(RATE)]
    )
    pauses = feed(SpeechEnds(pause=0.5), pcm(audio), chunk=1234)
    assert len(pauses) == 1
    assert pauses[0].speech_start == pytest.approx(0.5, abs=0.06)
    assert pauses[0].speech_end == pytest.approx(2.4, abs=0.06)


def test_speech_over_steady_noise_is_told_apart() -> None:
    background = noise(9.0, 300)
    speech = np.zeros_like(background)
    speech[3 * RATE : 5 * RATE] = tone(2.0, 4000)
    pauses = feed(SpeechEnds(), pcm(background + speech))
    assert [round(p.speech_end, 1) for p in pauses] == [5.0]


def test_silence_or_steady_noise_alone_never_ends_anything() -> None:
    assert feed(SpeechEnds(), pcm(np.zeros(5 * RATE))) == []
    assert feed(SpeechEnds(), pcm(noise(12.0, 2000)[RATE * 2 :])) == []


def test_real_clips_with_pauses_give_one_end_each_at_least(speech_ko: Path) -> None:
    clips = [(speech_ko / f"kspon_00000{n}.pcm").read_bytes() for n in (1, 5)]
    gap = b"\0\0" * RATE
    ends = SpeechEnds()
    pauses = feed(ends, gap.join(clips) + gap)
    first_end = len(clips[0]) / 2 / RATE
    assert any(abs(p.speech_end - first_end) < 0.6 for p in pauses)
    assert pauses[-1].speech_end <= (len(clips[0]) + len(clips[1])) / 2 / RATE + 1.0
