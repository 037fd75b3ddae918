"""RTZR streaming emulator (``GET /v1/transcribe:streaming``) checked with a plain WebSocket
client (websockets' sync API) against the documents: handshake checks, partial and final
answers, ``EOS``, bad frames and the injected faults."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from desktop_app.audio.encode import wav_bytes
from tests.emulators import EmulatorServer, RtzrEmulator
from tests.emulators.recognition import CONFIDENCE, expected_segments
from tests.emulators.rtzr_stream import STREAM_PATH
from tests.media import speech_pcm
from tests.test_emulators.media import pattern
from tests.test_emulators.servers import RtzrServer

FRAME = 3200  # 0.1 s of 16 kHz s16
QUERY = {"sample_rate": "16000", "encoding": "LINEAR16"}


def url(server: RtzrServer, **params: str) -> str:
    query = urlencode({**QUERY, **params}, quote_via=quote, safe=":,")
    return "ws" + server.base_url.removeprefix("http") + STREAM_PATH + "?" + query


def auth(server: RtzrServer) -> dict[str, str]:
    token, _ = server.emulator.issue_token()
    return {"Authorization": f"Bearer {token}"}


def pcm16(samples: np.ndarray) -> bytes:
    return bytes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def send_all(ws: ClientConnection, pcm: bytes, *, eos: bool = True) -> None:
    for start in range(0, len(pcm), FRAME):
        ws.send(pcm[start : start + FRAME])
    if eos:
        ws.send("EOS")


def answers(ws: ClientConnection) -> list[dict[str, Any]]:
    """Every answer until the server closes (raises if it closes abnormally)."""
    return [json.loads(message) for message in ws]


def refusal(server: RtzrServer, headers: dict[str, str] | None, **params: str) -> tuple[int, Any]:
    with pytest.raises(InvalidStatus) as caught:
        connect(url(server, **params), additional_headers=headers, open_timeout=10)
    response = caught.value.response
    return response.status_code, json.loads(response.body or b"null")


def test_partials_then_finals_follow_the_file_rule(rtzr: RtzrServer) -> None:
    pcm = speech_pcm()
    with connect(url(rtzr), additional_headers=auth(rtzr)) as ws:
        send_all(ws, pcm)
        received = answers(ws)
        assert ws.close_code == 1000
    expected = expected_segments(wav_bytes(pcm))
    finals = [a for a in received if a["final"]]
    assert [
        (f["seq"], f["start_at"], f["duration"], f["alternatives"][0]["text"]) for f in finals
    ] == [(i, s.start_ms, s.end_ms - s.start_ms, s.text) for i, s in enumerate(expected)]
    seen_final: set[int] = set()
    for answer in received:
        assert answer["seq"] not in seen_final  # nothing about an utterance after its final
        if answer["final"]:
            seen_final.add(answer["seq"])
        else:
            assert answer["duration"] == 0 and "words" not in answer["alternatives"][0]
    partial_seqs = {a["seq"] for a in received if not a["final"]}
    assert partial_seqs == {0, 1, 2}
    for final, segment in zip(finals, expected, strict=True):
        tokens = final["alternatives"][0]["words"]
        assert "".join(t["text"] for t in tokens).replace("|", " ").strip() == segment.text
        assert tokens[0]["start_at"] == segment.start_ms
        assert tokens[-1]["start_at"] + tokens[-1]["duration"] == segment.end_ms
        assert {t["confidence"] for t in tokens} == {CONFIDENCE}
        assert [t["text"] for t in tokens if not t["text"].startswith("|")] == ["초)"]
    record = rtzr.emulator.streaming.last_stream()
    assert record.outcome == "ok" and record.audio_bytes == len(pcm) and record.texts == ["EOS"]
    assert record.close_code == 1000 and rtzr.emulator.streaming.active == 0


def test_eos_closes_the_open_region(rtzr: RtzrServer) -> None:
    pcm = pcm16(pattern((0.2, False), (0.6, True)))  # still speaking when the audio ends
    with connect(url(rtzr), additional_headers=auth(rtzr)) as ws:
        send_all(ws, pcm, eos=False)
        first = json.loads(ws.recv(timeout=10))
        assert first["final"] is False and first["start_at"] == 200
        ws.send("EOS")
        rest = answers(ws)
    assert rest[-1]["final"] is True
    assert (rest[-1]["start_at"], rest[-1]["duration"]) == (200, 600)


def test_keywords_options_and_the_request_log(rtzr: RtzrServer) -> None:
    params = {
        "keywords": "소리:2.5,리턴제로,음성:-5",
        "domain": "MEETING",
        "use_itn": "false",
        "use_punctuation": "true",
        "model_name": "sommers_ko",
    }
    with connect(url(rtzr, **params), additional_headers=auth(rtzr)) as ws:
        send_all(ws, speech_pcm())
        received = answers(ws)
    assert all(a["alternatives"][0]["text"].endswith(" 소리") for a in received)
    settings = rtzr.emulator.streaming.last_stream().settings
    assert settings.keywords == (("소리", 2.5), ("리턴제로", None), ("음성", -5.0))
    assert settings.domain == "MEETING" and settings.flags["use_punctuation"]
    assert not settings.flags["use_itn"]
    logged = rtzr.requests.last(r"^GET /v1/transcribe:streaming$")
    assert logged.query["keywords"] == params["keywords"] and logged.status == 101
    assert logged.headers["authorization"].startswith("Bearer ")


def test_epd_time_sets_the_pause_that_ends_an_utterance(rtzr: RtzrServer) -> None:
    pcm = pcm16(pattern((0.5, True), (0.2, False), (0.5, True), (0.5, False)))
    for params, count in (({}, 1), ({"epd_time": "0.1"}, 2)):
        with connect(url(rtzr, **params), additional_headers=auth(rtzr)) as ws:
            send_all(ws, pcm)
            finals = [a for a in answers(ws) if a["final"]]
        assert len(finals) == count


def test_other_sample_rates_use_20_ms_frames(rtzr: RtzrServer) -> None:
    samples = pattern((0.3, False), (0.5, True), (0.5, False), rate=8000)
    with connect(url(rtzr, sample_rate="8000"), additional_headers=auth(rtzr)) as ws:
        send_all(ws, pcm16(samples))
        finals = [a for a in answers(ws) if a["final"]]
    assert [(f["start_at"], f["duration"]) for f in finals] == [(300, 500)]


def test_token_checks(rtzr: RtzrServer) -> None:
    assert refusal(rtzr, None) == (401, {"code": "H0002", "msg": "invalid token"})
    assert refusal(rtzr, {"Authorization": "Bearer a.b.c"})[1]["code"] == "H0002"
    headers = auth(rtzr)
    rtzr.emulator.expire_all_tokens()
    assert refusal(rtzr, headers) == (401, {"code": "H0002", "msg": "token expired"})
    lower = {"Authorization": "bearer " + auth(rtzr)["Authorization"].split()[1]}
    with connect(url(rtzr), additional_headers=lower) as ws:
        ws.send("EOS")
        assert answers(ws) == []


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"sample_rate": ""}, "sample_rate must be"),
        ({"sample_rate": "7999"}, "sample_rate must be"),
        ({"sample_rate": "48001"}, "sample_rate must be"),
        ({"encoding": "MP3"}, "encoding must be"),
        ({"model_name": "sommers"}, "model_name must be"),
        ({"domain": "GENERAL"}, "domain must be"),
        ({"use_itn": "True"}, "use_itn must be"),
        ({"use_punctuation": "1"}, "use_punctuation must be"),
        ({"keywords": "소리:6"}, "between -5 and 5"),
        ({"keywords": "소리:x"}, "must be a number"),
        ({"keywords": "가" * 21}, "1-20 characters"),
        ({"keywords": "소리,,음성"}, "1-20 characters"),
        ({"keywords": ",".join(["소리"] * 101)}, "at most 100"),
        ({"keywords": "소리", "model_name": "sommers_ja"}, "only work with sommers_ko"),
        ({"language": "en"}, "only works with whisper"),
        ({"language": "english", "model_name": "whisper"}, "2-3 letter code"),
        ({"epd_time": "0"}, "more than 0"),
        ({"epd_time": "11"}, "between 0 and 10"),
        ({"noise_threshold": "2"}, "between 0 and 1"),
    ],
)
def test_query_checks(rtzr: RtzrServer, params: dict[str, str], reason: str) -> None:
    status, body = refusal(rtzr, auth(rtzr), **params)
    assert status == 400 and body["code"] == "H0001" and reason in body["msg"]


def test_missing_required_parameters(rtzr: RtzrServer) -> None:
    token = auth(rtzr)
    base = "ws" + rtzr.base_url.removeprefix("http") + STREAM_PATH
    for query, reason in (("encoding=LINEAR16", "sample_rate"), ("sample_rate=16000", "encoding")):
        with pytest.raises(InvalidStatus) as caught:
            connect(f"{base}?{query}", additional_headers=token)
        body = json.loads(caught.value.response.body or b"{}")
        assert caught.value.response.status_code == 400 and reason in body["msg"]


def test_whisper_with_a_language_is_accepted(rtzr: RtzrServer) -> None:
    with connect(
        url(rtzr, model_name="whisper", language="en"), additional_headers=auth(rtzr)
    ) as ws:
        ws.send("EOS")
        answers(ws)
    assert rtzr.emulator.streaming.last_stream().settings.language == "en"


def test_concurrent_streams_are_limited(rtzr: RtzrServer) -> None:
    rtzr.emulator.streaming.max_concurrent_streams = 1
    headers = auth(rtzr)
    with connect(url(rtzr), additional_headers=headers) as ws:
        assert refusal(rtzr, headers) == (
            429,
            {"code": "A0002", "msg": "Too many concurrent requests"},
        )
        ws.send("EOS")
        answers(ws)
    rtzr.emulator.streaming.last_stream()
    with connect(url(rtzr), additional_headers=headers) as again:
        again.send("EOS")
        answers(again)


def test_common_faults_refuse_the_handshake(rtzr: RtzrServer) -> None:
    rtzr.faults.provider_error("A0002", match="streaming")
    rtzr.faults.http_error(500, match="streaming")
    headers = auth(rtzr)
    assert refusal(rtzr, headers)[0] == 429
    assert refusal(rtzr, headers) == (500, {"code": "E500", "msg": "internal server error"})


def test_not_a_websocket_request(rtzr: RtzrServer) -> None:
    import httpx

    response = httpx.get(rtzr.base_url + STREAM_PATH, params=QUERY, headers=auth(rtzr), timeout=10)
    assert response.status_code == 400 and response.json()["code"] == "H0001"


@pytest.mark.parametrize(
    ("send", "params", "code"),
    [
        (b"\x00\x01\x02", {}, 1007),
        ("HELLO", {}, 1003),
        (b"\x00\x00", {"encoding": "FLAC"}, 1003),
    ],
)
def test_bad_frames_close_the_stream(
    rtzr: RtzrServer, send: bytes | str, params: dict[str, str], code: int
) -> None:
    with connect(url(rtzr, **params), additional_headers=auth(rtzr)) as ws:
        ws.send(send)
        with pytest.raises(ConnectionClosedError) as caught:
            ws.recv(timeout=10)
    assert caught.value.rcvd is not None and caught.value.rcvd.code == code


def test_drop_after_frames_closes_without_a_close_frame(rtzr: RtzrServer) -> None:
    rtzr.emulator.stream_faults.drop_after(25)
    received: list[dict[str, Any]] = []
    with connect(url(rtzr), additional_headers=auth(rtzr)) as ws:
        with contextlib.suppress(ConnectionClosed):  # sending may fail once the drop is seen
            send_all(ws, speech_pcm())
        time.sleep(0.2)  # let the cut arrive: messages queued before it are still read below
        with pytest.raises(ConnectionClosed) as caught:
            for message in ws:
                received.append(json.loads(message))
    assert caught.value.rcvd is None
    record = rtzr.emulator.streaming.last_stream()
    assert record.outcome == "dropped" and len(record.frame_sizes) == 25
    assert [a["seq"] for a in received if a["final"]] == [0]
    assert rtzr.emulator.streaming.active == 0


def test_error_and_close_faults(rtzr: RtzrServer) -> None:
    faults = rtzr.emulator.stream_faults
    faults.error_after(3, "A0001")
    faults.close_after(2, 1008, "H0002 token expired")
    with connect(url(rtzr), additional_headers=auth(rtzr)) as ws:
        received: list[Any] = []
        with pytest.raises(ConnectionClosedError) as caught:
            send_all(ws, speech_pcm()[: FRAME * 3], eos=False)
            received.extend(json.loads(message) for message in ws)
    assert received[-1] == {"code": "A0001", "msg": "usage exceeded"}
    assert all("alternatives" in answer for answer in received[:-1])
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1011
    with (
        connect(url(rtzr), additional_headers=auth(rtzr)) as ws,
        pytest.raises(ConnectionClosedError) as caught,
    ):
        send_all(ws, speech_pcm()[: FRAME * 2], eos=False)
        answers(ws)
    assert caught.value.rcvd is not None
    assert (caught.value.rcvd.code, caught.value.rcvd.reason) == (1008, "H0002 token expired")
    assert faults.take_for_stream() is None


def test_delay_fault_holds_answers_until_cleared(rtzr: RtzrServer) -> None:
    faults = rtzr.emulator.stream_faults
    faults.delay(0.05, final_only=True)
    assert faults.delay_for({"final": True}) == 0.05 and faults.delay_for({"final": False}) == 0
    with connect(url(rtzr), additional_headers=auth(rtzr)) as ws:
        send_all(ws, speech_pcm())
        assert len([a for a in answers(ws) if a["final"]]) == 3
    faults.clear()
    assert faults.delay_for({"final": True}) == 0


def test_server_shutdown_closes_open_streams() -> None:
    server = EmulatorServer(RtzrEmulator()).start()
    try:
        with connect(url(server), additional_headers=auth(server)) as ws:
            ws.send(b"\x00\x00" * 1600)
            server.stop()
            with pytest.raises(ConnectionClosed) as caught:
                ws.recv(timeout=10)
    finally:
        server.stop()
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1001


def test_endpoints_list_the_websocket(rtzr: RtzrServer) -> None:
    listed = rtzr.emulator.endpoints(rtzr.base_url)["streaming (WebSocket)"]
    assert listed == "ws" + rtzr.base_url.removeprefix("http") + STREAM_PATH
