"""Silence splitting and pause detection on synthetic speech-like signals."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE
from desktop_app.audio.splitting import (
    AudioPiece,
    PauseDetector,
    SilenceSplitter,
    frame_energies_db,
    iter_pieces,
)

Layout = list[tuple[str, float]]


def synth(
    layout: Layout,
    *,
    seed: int = 1,
    noise: float = 20.0,
    voice: float = 6000.0,
    syllables: bool = True,
) -> bytes:
    """PCM for a layout of ("speech" | "pause", seconds): noise at a "voice" level, modulated
    like syllables (dips of 14 dB, 4 per second) unless told not to, over a noise floor."""
    rng = np.random.default_rng(seed)
    parts = []
    for kind, seconds in layout:
        n = round(seconds * SAMPLE_RATE)
        signal = rng.normal(0.0, noise, n)
        if kind == "speech":
            t = np.arange(n) / SAMPLE_RATE
            depth = 0.4 if syllables else 0.0
            envelope = 0.6 + depth * np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6))
            signal += rng.normal(0.0, voice, n) * envelope
        parts.append(signal)
    samples = np.clip(np.concatenate(parts), -32768, 32767).astype("<i2")
    return samples.tobytes()


def pauses_of(layout: Layout) -> list[tuple[float, float]]:
    spans, t = [], 0.0
    for kind, seconds in layout:
        if kind == "pause":
            spans.append((t, t + seconds))
        t += seconds
    return spans


def chunked(pcm: bytes, seconds: float = 0.5) -> Iterator[bytes]:
    size = int(seconds * BYTES_PER_SECOND)
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


def cut_times(pieces: list[AudioPiece]) -> list[float]:
    return [p.end_seconds for p in pieces[:-1]]


def inside_any(t: float, spans: list[tuple[float, float]]) -> bool:
    return any(a <= t <= b for a, b in spans)


def test_pieces_give_back_the_input_exactly() -> None:
    rng = np.random.default_rng(7)
    layout: Layout = []
    for _ in range(40):
        layout.append(("speech", float(rng.uniform(0.5, 6.0))))
        layout.append(("pause", float(rng.uniform(0.05, 1.2))))
    pcm = synth(layout)
    sizes = rng.integers(1, 20000, size=10_000) * 2
    chunks, pos = [], 0
    for size in sizes:
        if pos >= len(pcm):
            break
        chunks.append(pcm[pos : pos + int(size)])
        pos += int(size)
    pieces = list(iter_pieces(chunks, target_seconds=10, max_seconds=20))
    assert b"".join(p.pcm for p in pieces) == pcm
    assert [p.index for p in pieces] == list(range(len(pieces)))
    offset = 0.0
    for piece in pieces:
        assert piece.offset_seconds == pytest.approx(offset, abs=1e-9)
        offset += piece.duration_seconds
    for piece in pieces[:-1]:
        assert 10.0 - 0.02 <= piece.duration_seconds <= 20.0 + 1e-9


def test_a_long_enough_pause_after_the_target_ends_the_piece() -> None:
    layout: Layout = [("speech", 22.0), ("pause", 0.8), ("speech", 12.0)]
    layout += [("pause", 1.0), ("speech", 9.0)]
    pieces = list(iter_pieces(chunked(synth(layout)), target_seconds=20, max_seconds=40))
    # Cut in the middle of the first pause, without waiting for max; the 1 s pause comes before
    # the second piece reaches its target, so the rest is one piece.
    assert len(pieces) == 2
    assert pieces[0].end_seconds == pytest.approx(22.4, abs=0.05)
    assert pieces[1].duration_seconds == pytest.approx(22.4, abs=0.05)


def test_the_longest_quiet_run_wins_when_no_pause_is_long_enough() -> None:
    # Short gaps only (below min_silence): the cut waits for max and takes the longest gap.
    layout: Layout = [("speech", 22.0), ("pause", 0.15), ("speech", 6.0), ("pause", 0.4)]
    layout += [("speech", 5.0), ("pause", 0.2), ("speech", 15.0)]
    pcm = synth(layout)
    pieces = list(iter_pieces(chunked(pcm), target_seconds=20, max_seconds=40, min_silence=0.5))
    start, end = pauses_of(layout)[1]
    assert start < pieces[0].end_seconds < end
    assert b"".join(p.pcm for p in pieces) == pcm


def test_syllable_dips_are_used_before_a_hard_cut() -> None:
    # Continuous speech: the quiet dips between syllables are the best places there are.
    pcm = synth([("speech", 45.0)], noise=0.0)
    pieces = list(iter_pieces(chunked(pcm), target_seconds=20, max_seconds=30))
    energies = frame_energies_db(pcm, 320)
    cut_frame = round(pieces[0].end_seconds / 0.02)
    assert 20.0 <= pieces[0].end_seconds < 30.0
    assert energies[cut_frame] < np.percentile(energies, 25)


def test_cut_is_inside_a_pause_that_began_before_the_target() -> None:
    layout: Layout = [("speech", 19.0), ("pause", 2.0), ("speech", 25.0)]
    pieces = list(iter_pieces(chunked(synth(layout)), target_seconds=20, max_seconds=30))
    assert inside_any(pieces[0].end_seconds, pauses_of(layout))
    assert pieces[0].end_seconds >= 20.0


def test_hard_cut_at_max_only_without_any_pause() -> None:
    pcm = synth([("speech", 100.0)], noise=0.0, syllables=False)
    pieces = list(iter_pieces(chunked(pcm), target_seconds=20, max_seconds=30))
    assert [round(p.duration_seconds, 3) for p in pieces] == [30.0, 30.0, 30.0, 10.0]


def test_cuts_land_in_pauses_of_a_long_conversation() -> None:
    rng = np.random.default_rng(3)
    layout: Layout = []
    while sum(s for _, s in layout) < 600:
        layout.append(("speech", float(rng.uniform(1.0, 9.0))))
        layout.append(("pause", float(rng.uniform(0.3, 1.5))))
    pcm = synth(layout, noise=200.0)  # a noisy room: floor around -44 dBFS
    pieces = list(iter_pieces(chunked(pcm, 0.2), target_seconds=25, max_seconds=40))
    spans = pauses_of(layout)
    assert len(pieces) >= 15
    assert all(inside_any(t, spans) for t in cut_times(pieces))
    assert all(p.duration_seconds <= 40.0 for p in pieces)


def test_digital_silence_is_cut_within_the_window() -> None:
    pcm = bytes(int(95 * BYTES_PER_SECOND))
    pieces = list(iter_pieces(chunked(pcm), target_seconds=20, max_seconds=40))
    assert b"".join(p.pcm for p in pieces) == pcm
    assert all(20.0 <= p.duration_seconds <= 40.0 for p in pieces[:-1])


def test_short_and_empty_input() -> None:
    pcm = synth([("speech", 3.0)])
    pieces = list(iter_pieces(chunked(pcm), target_seconds=20, max_seconds=40))
    assert len(pieces) == 1
    assert pieces[0].pcm == pcm
    assert pieces[0].offset_seconds == 0.0
    assert list(iter_pieces([], target_seconds=20, max_seconds=40)) == []


def test_memory_is_bounded_by_max_seconds() -> None:
    consumed = 0

    def endless_speech() -> Iterator[bytes]:
        nonlocal consumed
        chunk = synth([("speech", 1.0)], noise=0.0, syllables=False)
        while True:
            consumed += 1
            yield chunk

    pieces = iter_pieces(endless_speech(), target_seconds=20, max_seconds=30)
    first = next(pieces)
    assert first.duration_seconds == pytest.approx(30.0)
    assert consumed <= 31  # the piece came out as soon as it was decided

    splitter = SilenceSplitter(target_seconds=5, max_seconds=8)
    held = 0
    for chunk in chunked(synth([("speech", 60.0)]), 0.5):
        splitter.feed(chunk)
        held = max(held, len(splitter._buffer))
    assert held <= 8.5 * BYTES_PER_SECOND


def test_feed_after_finish_and_bad_parameters() -> None:
    splitter = SilenceSplitter()
    splitter.feed(b"\0\0" * 100)
    assert len(splitter.finish()) == 1
    assert splitter.finish() == []
    with pytest.raises(RuntimeError):
        splitter.feed(b"\0\0")
    with pytest.raises(ValueError):
        SilenceSplitter(target_seconds=50, max_seconds=40)
    with pytest.raises(ValueError):
        SilenceSplitter(frame_seconds=0)
    with pytest.raises(ValueError):
        SilenceSplitter(min_silence=-1)


def test_frame_energies() -> None:
    full_scale = (np.ones(320) * 32767).astype("<i2").tobytes()
    silent = bytes(640)
    energies = frame_energies_db(full_scale + silent + b"\1", 320)
    assert len(energies) == 2
    assert energies[0] == pytest.approx(0.0, abs=0.01)
    assert energies[1] == pytest.approx(-100.0)


def test_pause_detector_reports_utterance_ends() -> None:
    layout: Layout = [("pause", 0.5), ("speech", 1.0), ("pause", 1.0), ("speech", 0.6)]
    layout += [("pause", 0.3), ("speech", 0.5), ("pause", 1.0)]
    pcm = synth(layout, noise=50.0)
    detector = PauseDetector(min_pause=0.6)
    ends: list[float] = []
    for chunk in chunked(pcm, 0.13):
        ends.extend(detector.feed(chunk))
    # The 0.3 s gap does not end the second utterance; it ends at the final pause.
    assert ends == [pytest.approx(1.5, abs=0.04), pytest.approx(3.9, abs=0.04)]
    assert not detector.in_speech

    whole = PauseDetector(min_pause=0.6)
    assert whole.feed(pcm) == ends


def test_pause_detector_ignores_clicks_and_adapts_to_noise() -> None:
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 400, 3 * SAMPLE_RATE)
    noise[SAMPLE_RATE : SAMPLE_RATE + 320] += 20000  # a 20 ms click
    detector = PauseDetector()
    assert detector.feed(np.clip(noise, -32768, 32767).astype("<i2").tobytes()) == []
    assert not detector.in_speech
    with pytest.raises(ValueError):
        PauseDetector(min_pause=0)
