"""The RTZR streaming wire format frame by frame: word tokens, result frames without ``seq`` or
times, error frames, close codes and refused handshakes (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_app.core.errors import (
    AuthError,
    NetworkError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.providers.rtzr.stream_wire import (
    ResultTracker,
    close_error,
    frame_error,
    handshake_error,
    parse_words,
)


def test_word_tokens_join_into_words() -> None:
    tokens = [
        {"text": "|안녕", "start_at": 100, "duration": 200, "confidence": 0.9},
        {"text": "하세요", "start_at": 300, "duration": 200, "confidence": 0.8},
        {"text": "|리턴|제로", "start_at": 600, "duration": 400},
        {"text": "|", "start_at": 1000, "duration": 10},
        {"text": "입니다", "start_at": 1010, "duration": 300, "confidence": 1},
        {"text": "|무시", "start_at": "soon", "duration": 1},
        "not a token",
    ]
    words = parse_words(tokens)
    assert [(w.text, w.start, w.end, w.confidence) for w in words] == [
        ("안녕하세요", 0.1, 0.5, 0.9),
        ("리턴", 0.6, 1.0, None),
        ("제로입니다", 0.6, 1.31, None),
    ]


def test_results_without_seq_or_times_still_get_keys_and_places() -> None:
    tracker = ResultTracker()
    first = tracker.apply({"final": False, "alternatives": [{"text": "안|녕"}]}, 0.5)
    assert first is not None and (first.key, first.segment.text, first.segment.end) == (
        0,
        "안 녕",
        0.5,
    )
    done = tracker.apply(
        {"start_at": 200, "duration": 700, "final": True, "alternatives": [{"text": "안녕"}]}, 1.0
    )
    assert done is not None and done.final and (done.key, done.segment.start) == (0, 0.2)
    later = tracker.apply({"final": False, "alternatives": [{"text": "다음"}]}, 1.5)
    assert later is not None and (later.key, later.segment.start) == (1, 0.9)
    assert tracker.apply({"type": "vad", "state": "speech"}, 2.0) is None
    assert [(e.key, e.final, e.segment.text) for e in tracker.settle()] == [(1, True, "다음")]
    assert tracker.settle() == []


@pytest.mark.parametrize(
    ("frame", "kind", "code"),
    [
        ({"code": "H0002", "msg": "invalid token"}, AuthError, "H0002"),
        ({"error": "A0002 too many"}, RateLimitError, "A0002"),
        ({"error": {"code": "E500", "message": "boom"}}, ServerError, "E500"),
        ({"type": "error", "message": "model crashed"}, ServerError, None),
        ({"code": "X1", "msg": "new thing"}, ServerError, "X1"),
    ],
)
def test_error_frames(frame: dict[str, Any], kind: type[SoriError], code: str | None) -> None:
    error = frame_error(frame, "rtzr-stream")
    assert type(error) is kind and error.code == code and error.message_ko
    assert frame_error({"seq": 0, "final": True, "alternatives": []}, "rtzr-stream") is None
    assert frame_error({"error": None, "seq": 1}, "rtzr-stream") is None


def test_close_codes_and_refusals() -> None:
    assert close_error(1000, "", "e", eos_sent=True) is None
    assert close_error(1001, "", "e", eos_sent=True) is None
    assert isinstance(close_error(None, "", "e", eos_sent=True), NetworkError)
    assert isinstance(close_error(1006, "", "e", eos_sent=False), NetworkError)
    quota = close_error(1008, "A0001 usage exceeded", "e", eos_sent=True)
    assert isinstance(quota, QuotaExceededError)
    busy = handshake_error(429, {"Retry-After": "7"}, b"<html>busy</html>", "e")
    assert isinstance(busy, RateLimitError) and busy.retry_after == 7 and busy.code == "A0002"
    gone = handshake_error(404, {}, b'{"code": "H0004", "msg": "not found"}', "e")
    assert gone.code == "H0004" and not gone.transient
