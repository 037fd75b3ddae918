"""The transcript rule every emulator shares: voiced regions from real decoded audio."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.emulators.audio import Region, UndecodableAudio, analyze
from tests.emulators.recognition import expected_segments, full_text, recognize
from tests.test_emulators.media import encode, pattern, tones


def test_regions_follow_tones_and_silence() -> None:
    analysis = analyze(tones((1.0, True), (1.0, False), (0.5, True), (0.5, False)))
    assert analysis.container == "wav"
    assert analysis.codec == "pcm_s16le"
    assert analysis.duration == pytest.approx(3.0)
    assert analysis.regions == (Region(0, 50), Region(100, 125))


def test_short_gaps_merge_and_blips_drop() -> None:
    # a 0.2 s gap is bridged; a 0.06 s blip alone is dropped
    audio = tones((1.0, True), (0.2, False), (1.0, True), (1.0, False), (0.06, True), (1, False))
    assert analyze(audio).regions == (Region(0, 110),)


def test_long_region_is_cut_into_equal_parts() -> None:
    analysis = analyze(tones((31.0, True)))
    assert analysis.regions == (Region(0, 516), Region(516, 1033), Region(1033, 1550))


def test_decoded_not_declared_length_counts() -> None:
    mp3 = encode(pattern((2.0, True)), "mp3", "libmp3lame")
    analysis = analyze(mp3)
    assert analysis.codec == "mp3float"
    assert analysis.duration == pytest.approx(2.0, abs=0.1)


def test_garbage_is_undecodable() -> None:
    with pytest.raises(UndecodableAudio):
        analyze(b"definitely not audio " * 50)
    with pytest.raises(UndecodableAudio):
        analyze(b"")


def test_segment_text_words_speakers_keyword_and_masking() -> None:
    segments = recognize(
        [Region(0, 62), Region(100, 150)], keyword="회의", forbidden=["구간"], speakers=2
    )
    assert [s.text for s in segments] == ["** 1 (0.0–1.2초) 회의", "** 2 (2.0–3.0초) 회의"]
    assert [s.speaker for s in segments] == [0, 1]
    words = segments[0].words
    assert [(w.start_ms, w.end_ms, w.text) for w in words] == [
        (0, 310, "**"),
        (310, 620, "1"),
        (620, 930, "(0.0–1.2초)"),
        (930, 1240, "회의"),
    ]
    assert full_text(segments) == "** 1 (0.0–1.2초) 회의 ** 2 (2.0–3.0초) 회의"


def test_korean_clip_gives_three_sentences(korean_clip: Path) -> None:
    segments = expected_segments(korean_clip)
    assert [(s.start_ms, s.end_ms) for s in segments] == [(0, 1240), (1660, 4600), (5080, 7360)]
    assert segments[1].text == "구간 2 (1.7–4.6초)"
    assert all(s.speaker is None for s in segments)
