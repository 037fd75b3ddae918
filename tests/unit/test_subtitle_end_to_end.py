"""End to end: Korean reference transcripts with word times, written as SRT and WebVTT files,
parsed back, and held against the rules (anything a cue breaks must be in the checker's list).

The text is the reference transcripts of ../shared/speech-ko; each clip's length comes from its
PCM file (16 kHz, 16-bit mono) and its words are timed across it in proportion to their
characters, with short pauses. Two speakers take turns by clip.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
import srt
import webvtt

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.export import PRESETS, ExportOptions, build_cues, check_cues, export_transcript
from desktop_app.export.common import text_width

SPEECH_KO = Path(__file__).resolve().parents[2].parent / "shared" / "speech-ko"
LABEL = re.compile(r"^(- )?([^ ]+?: )?")


def reference_transcript(limit: int = 40) -> Transcript:
    segments: list[Segment] = []
    offset = 0.0
    for number, text_file in enumerate(sorted(SPEECH_KO.glob("kspon_*.txt"))[:limit]):
        text = " ".join(text_file.read_text(encoding="utf-8").split())
        seconds = text_file.with_suffix(".pcm").stat().st_size / 32000
        tokens = text.split()
        if not tokens:
            continue
        speech = max(0.3, seconds - 0.3)
        total = sum(len(t) for t in tokens) + 0.5 * (len(tokens) - 1)
        now = offset + 0.15
        words = []
        for token in tokens:
            length = speech * len(token) / total
            words.append(Word(round(now, 3), round(now + length, 3), token, 0.9))
            now += length + speech * 0.5 / total
        speaker = "a" if number % 2 == 0 else "b"
        segments.append(Segment(words[0].start, words[-1].end, text, speaker, 0.9, words))
        offset += seconds + 0.2
    return Transcript(
        segments=segments,
        speakers=[Speaker("a", "민수"), Speaker("b", "지영")],
        language="ko",
        engine="reference",
        duration=offset,
    )


@pytest.mark.skipif(not SPEECH_KO.is_dir(), reason="../shared/speech-ko is not available")
@pytest.mark.parametrize("preset", list(PRESETS))
def test_srt_from_reference_transcripts_keeps_the_rules(preset: str, tmp_path: Path) -> None:
    transcript = reference_transcript()
    rules = PRESETS[preset]
    options = ExportOptions(subtitles=rules)
    path = export_transcript(transcript, "srt", tmp_path / "out.srt", options)
    parsed = list(srt.parse(path.read_text(encoding="utf-8")))
    cues = build_cues(transcript, rules)
    assert [s.content for s in parsed] == [c.text for c in cues]
    reported = {(v.cue, v.kind) for v in check_cues(cues, rules)}

    spoken = [w for s in transcript.segments for w in s.text.split()]
    shown: list[str] = []
    for index, subtitle in enumerate(parsed):
        lines = subtitle.content.split("\n")
        texts = [LABEL.sub("", line, count=1) for line in lines]
        shown.extend(" ".join(texts).split())
        if len(lines) > 1 and all(line.startswith("- ") for line in lines):
            assert len(lines) == 2
        for line, text in zip(lines, texts, strict=True):
            if text_width(line, 0.5) > rules.max_line_chars:
                assert len(text.split()) == 1 and (index, "line_too_wide") in reported
        assert len(lines) <= rules.max_lines
        seconds = (subtitle.end - subtitle.start).total_seconds()
        assert seconds <= rules.max_duration
        if seconds < rules.min_duration - 0.001:
            assert (index, "too_short") in reported
        if text_width(" ".join(texts), 0.5) / seconds > rules.max_cps + 0.01:
            assert (index, "too_fast") in reported
    assert shown == spoken
    for earlier, later in itertools.pairwise(parsed):
        gap = (later.start - earlier.end).total_seconds()
        assert gap >= rules.min_gap_ms / 1000 - 1e-9
        if gap <= rules.chain_gap and gap * 1000 > rules.min_gap_ms:
            # Only a cue already at its longest may leave a small gap unchained.
            assert (earlier.end - earlier.start).total_seconds() == pytest.approx(
                rules.max_duration
            )
    assert parsed[0].content.startswith("민수: ")
    # Most cues follow every rule; the checker names the rest.
    assert len({i for i, _ in reported}) < len(cues) / 2


@pytest.mark.skipif(not SPEECH_KO.is_dir(), reason="../shared/speech-ko is not available")
def test_webvtt_from_reference_transcripts_parses_with_voices(tmp_path: Path) -> None:
    transcript = reference_transcript(10)
    path = export_transcript(transcript, "vtt", tmp_path / "out.vtt")
    captions = webvtt.read(str(path)).captions
    cues = build_cues(transcript, PRESETS["korean-broadcast"], speaker_labels=False)
    assert len(captions) == len(cues)
    assert all(
        c.start_time.in_milliseconds() == cue.start_ms
        for c, cue in zip(captions, cues, strict=True)
    )
    assert "<v 민수>" in path.read_text(encoding="utf-8")


def test_json_keeps_every_word_with_times_in_milliseconds(tmp_path: Path) -> None:
    words = [Word(0.1 + 0.2, 0.6000000000000001, "안녕하세요", 0.93), Word(0.7, 1.23456, "여러분")]
    transcript = Transcript(
        segments=[Segment(0.30000000000000004, 1.23456, "안녕하세요 여러분", "a", 0.9, words)]
    )
    path = export_transcript(transcript, "json", tmp_path / "out.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    (segment,) = data["segments"]
    assert (segment["start"], segment["end"]) == (0.3, 1.235)
    assert segment["words"] == [
        {"start": 0.3, "end": 0.6, "text": "안녕하세요", "confidence": 0.93},
        {"start": 0.7, "end": 1.235, "text": "여러분", "confidence": None},
    ]
    assert segment["confidence"] == 0.9
