"""Impossible values from services (negative, reversed, NaN, Infinity, far past the end, null
lists, numeric text) through every engine's parser and the engine-neutral finishing step, and
the notices for empty and truncated results."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.service_times import repair_times, service_number, service_text
from desktop_app.core.transcript import Segment, Transcript, Word
from desktop_app.providers.clova.speech_result import to_transcript as clova_transcript
from desktop_app.providers.clova.stream_results import PositionAssembler, parse_result
from desktop_app.providers.finish import finish_transcript
from desktop_app.providers.nhn.provider import NhnProvider
from desktop_app.providers.rtzr.batch import to_transcript as rtzr_transcript
from desktop_app.providers.rtzr.stream_wire import ResultTracker
from tests.media import make_media, speech_pcm

# What a service can send, as JSON text (Python's json reads NaN and Infinity as floats).
BAD_TIMES = [(-3000, 1000), (5000, 2000), ("NaN", 3000), (4000, "Infinity"), (1e15, 2e15)]


def valid_json(transcript: Transcript, duration: float) -> dict[str, Any]:
    """The JSON export, checked: parseable strictly, every time in [0, duration], no 'nan'."""
    text = json.dumps(transcript.to_dict(), allow_nan=False)
    data: dict[str, Any] = json.loads(text)
    for segment in data["segments"]:
        assert 0 <= segment["start"] <= segment["end"] <= duration
        assert segment["text"].lower() != "nan"
        for word in segment["words"]:
            assert 0 <= word["start"] <= word["end"] <= duration
    return data


def codes(transcript: Transcript) -> list[str]:
    return [n.code for n in transcript.notices]


def test_values_from_services() -> None:
    assert service_number("NaN") is None and service_number(math.inf) is None
    assert service_number(True) is None and service_number("12.5") == 12.5
    assert service_text(math.nan) == "" and service_text(None) == ""
    assert service_text(42) == "42" and service_text(" 네 ") == "네"


def test_repair_keeps_text_and_clamps_times() -> None:
    segments = [
        Segment(-3.0, 1.0, "하나"),
        Segment(5.0, 2.0, "둘"),
        Segment(math.nan, 3.0, "셋"),
        Segment(4.0, math.inf, "넷", words=[Word(-1.0, math.nan, "넷")]),
        Segment(1e12, 2e12, "다섯", confidence=math.nan),
    ]
    transcript = Transcript(segments=segments, duration=1e12)
    assert repair_times(transcript, 10.0) > 0
    data = valid_json(transcript, 10.0)
    assert sorted(s["text"] for s in data["segments"]) == sorted(["하나", "둘", "셋", "넷", "다섯"])
    assert transcript.duration == 10.0
    assert codes(transcript) == ["times-repaired"]
    assert repair_times(transcript, 10.0) == 0  # idempotent: nothing left to repair


def test_clova_speech_parser() -> None:
    raw = [
        {"start": s, "end": e, "text": f"말 {i}", "words": [[s, e, "말"]]}
        for i, (s, e) in enumerate(BAD_TIMES)
    ]
    raw.append({"start": 0, "end": 500, "text": math.nan})
    body = json.loads(json.dumps({"segments": raw, "text": "x"}))
    transcript = clova_transcript(body, source="a.wav", language="ko", duration=10.0)
    data = valid_json(transcript, 10.0)
    assert len(data["segments"]) == len(BAD_TIMES)
    assert "times-repaired" in codes(transcript)
    empty = clova_transcript({"segments": None}, source="a", language="ko", duration=10.0)
    assert empty.segments == [] and codes(empty) == ["empty-answer"]


def test_nhn_parser() -> None:
    result = {
        "text": [f"문장 {i}" for i in range(len(BAD_TIMES))] + [math.nan],
        "timeslot": [{"startTime": s, "endTime": e} for s, e in BAD_TIMES] + [{}],
        "confidence": [math.nan] * (len(BAD_TIMES) + 1),
        "inputLength": 1e15,
    }
    body = json.loads(json.dumps(result))
    transcript = NhnProvider()._transcript(body, "a.wav", 10.0)
    data = valid_json(transcript, 10.0)
    assert len(data["segments"]) == len(BAD_TIMES)
    assert all(s["confidence"] is None for s in data["segments"])
    assert data["duration"] == 10.0
    empty = NhnProvider()._transcript({"text": None}, "a.wav", 10.0)
    assert empty.segments == [] and codes(empty) == ["empty-answer"]


def test_rtzr_parser() -> None:
    utterances = [
        {"start_at": s, "duration": "NaN" if s == "NaN" else 1000, "msg": f"발화 {i}"}
        for i, (s, _e) in enumerate(BAD_TIMES)
    ]
    utterances.append({"start_at": 0, "duration": -500, "msg": math.nan})
    body = json.loads(json.dumps({"results": {"utterances": utterances}}))
    config = {"use_diarization": False, "language": "ko"}
    transcript = rtzr_transcript(body, config, engine="rtzr", source="a", duration=10.0)
    data = valid_json(transcript, 10.0)
    assert len(data["segments"]) == len(utterances)
    assert "nan" not in transcript.text.lower()
    empty = rtzr_transcript(
        {"results": {"utterances": None}}, config, engine="rtzr", source="a", duration=10.0
    )
    assert empty.segments == [] and codes(empty) == ["empty-answer"]


def test_stream_parsers() -> None:
    tracker = ResultTracker()
    message = json.loads(
        '{"seq": 0, "final": true, "start_at": 1e15, "duration": NaN,'
        ' "alternatives": [{"text": NaN, "words": []}]}'
    )
    event = tracker.apply(message, 4.0)
    assert event is not None
    assert event.segment.text != "nan" and 0 <= event.segment.start <= event.segment.end <= 5.0
    nest = parse_result(json.loads('{"transcription": {"text": NaN, "startTimestamp": NaN}}'))
    assert nest.text == "" and nest.start is None
    far = parse_result(
        json.loads('{"transcription": {"text": "먼 미래", "startTimestamp": -5000,'
                   ' "endTimestamp": 1e15, "epFlag": true}}')
    )  # fmt: skip
    events = PositionAssembler().apply(far, 3.0)
    segment = events[-1].segment
    assert segment.text == "먼 미래" and 0 <= segment.start <= segment.end <= 4.0


def test_finish_adds_no_speech_notice(korean_clip: Path) -> None:
    finished = finish_transcript(Transcript(), korean_clip)
    assert codes(finished) == ["no-speech"]
    assert finished.notices[0].describe("ko") == "음성이 인식되지 않았습니다."
    whole = finish_transcript(Transcript(segments=[Segment(0.5, 2.0, "안녕")]), korean_clip)
    assert whole.notices == []


@pytest.mark.parametrize("fmt", ["mp3", "flac"])
def test_finish_names_where_a_truncated_file_ends(tmp_path: Path, fmt: str) -> None:
    whole = make_media(tmp_path / f"whole.{fmt}", fmt, seconds=60, pcm=speech_pcm())
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{fmt}"
    cut.write_bytes(data[: len(data) * 6 // 10])
    late = Segment(50.0, 58.0, "끝부분")
    finished = finish_transcript(Transcript(segments=[Segment(1.0, 3.0, "앞"), late]), cut)
    notice = next(n for n in finished.notices if n.code == "truncated")
    assert "The file ends early at 00:3" in notice.message
    assert "일찍 끝납니다" in notice.describe("ko")
    assert finished.segments[-1].end <= 40.0  # times past the real end were clamped
    assert finish_transcript(Transcript(segments=[Segment(1.0, 3.0, "앞")]), whole).notices == []
