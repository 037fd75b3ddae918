"""NHN Cloud Speech to Text v2.0 emulator, with plain httpx."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulators import NHN_APP_KEY, NHN_SECRET_KEY
from tests.emulators.nhn import NHN_MESSAGES
from tests.test_emulators.media import encode, pattern, tones, video_mp4
from tests.test_emulators.servers import FileServer, NhnServer

AUTH = {"Authorization": NHN_SECRET_KEY}


def root(server: NhnServer, app_key: str = NHN_APP_KEY) -> str:
    return f"{server.base_url}/v2.0/appkeys/{app_key}/stt"


def sync(
    http: httpx.Client,
    server: NhnServer,
    audio: bytes | None,
    biasing: Sequence[str] = (),
    *,
    headers: dict[str, str] = AUTH,
    app_key: str = NHN_APP_KEY,
    audio_name: str = "audio",
) -> httpx.Response:
    parts: list[tuple[str, Any]] = []
    if audio is not None:
        parts.append((audio_name, ("sample.wav", audio, "audio/wav")))
    parts += [("biasingList", (None, item.encode())) for item in biasing]
    if not parts:
        parts.append(("other", (None, b"x")))
    return http.post(root(server, app_key), files=parts, headers=headers)


def head(response: httpx.Response) -> tuple[int, bool, int]:
    body = response.json()["header"]
    return response.status_code, body["isSuccessful"], body["resultCode"]


def test_sync_success_with_biasing(nhn: NhnServer, http: httpx.Client, korean_clip: Path) -> None:
    response = sync(http, nhn, korean_clip.read_bytes(), ["회의_외의", "안전운행_안전 운행"])
    assert head(response) == (200, True, 0)
    assert response.json()["header"]["resultMessage"] == "Success"
    result = response.json()["result"]
    assert result["inputLength"] == pytest.approx(7.84, abs=0.001)
    assert result["fileType"] == "pcm_s16le"
    assert result["text"] == [
        "구간 1 (0.0–1.2초) 회의",
        "구간 2 (1.7–4.6초) 회의",
        "구간 3 (5.1–7.4초) 회의",
    ]
    assert result["timeslot"][1] == {"startTime": "1660", "endTime": "4600"}
    assert result["confidence"] == [0.95, 0.95, 0.95]
    assert nhn.requests.last().form["biasingList"] == ["회의_외의", "안전운행_안전 운행"]


def test_sync_mp3_file_type_and_quoted_biasing(nhn: NhnServer, http: httpx.Client) -> None:
    mp3 = encode(pattern((1.0, True)), "mp3", "libmp3lame")
    result = sync(http, nhn, mp3, ['"차단기_차단계"']).json()["result"]
    assert result["fileType"] == "mp3float"
    assert result["text"] == ["구간 1 (0.0–1.0초) 차단기"]


@pytest.mark.parametrize(
    ("audio", "code"),
    [
        (b"", 4000004),
        (b"not audio " * 100, 4000201),
        (encode(pattern((1.0, True)), "ipod", "aac"), 4000003),
        (video_mp4(), 4000003),
        (tones((0.3, True)), 4000203),
        (tones((2.0, False)), 4000204),
    ],
    ids=["empty", "garbage", "m4a", "video", "0.3s", "silence"],
)
def test_audio_errors(nhn: NhnServer, http: httpx.Client, audio: bytes, code: int) -> None:
    response = sync(http, nhn, audio)
    assert head(response) == (200, False, code)
    assert response.json()["header"]["resultMessage"] == NHN_MESSAGES[code]
    assert "result" not in response.json()


def test_accepted_formats(nhn: NhnServer, http: httpx.Client) -> None:
    for container, codec, rate in [
        ("webm", "libopus", 48000),
        ("ogg", "libopus", 48000),
        ("flac", "flac", 16000),
        ("adts", "aac", 16000),
    ]:
        audio = encode(pattern((1.0, True), rate=rate), container, codec, rate=rate)
        assert head(sync(http, nhn, audio)) == (200, True, 0), container


def test_length_and_size_limits(nhn: NhnServer, http: httpx.Client) -> None:
    assert head(sync(http, nhn, tones((0.36, True)))) == (200, True, 0)
    nhn.emulator.limits.max_seconds = 2.0
    assert head(sync(http, nhn, tones((2.5, True)))) == (200, False, 4000202)
    nhn.emulator.limits.max_bytes = 10_000
    assert head(sync(http, nhn, tones((1.0, True)))) == (200, False, 4000002)


def test_request_errors(nhn: NhnServer, http: httpx.Client) -> None:
    audio = tones((1.0, True))
    assert head(sync(http, nhn, audio, headers={})) == (200, False, 401)
    assert head(sync(http, nhn, audio, headers={"Authorization": "nope"})) == (200, False, 4010001)
    bearer = {"Authorization": f"Bearer {NHN_SECRET_KEY}"}
    assert head(sync(http, nhn, audio, headers=bearer)) == (200, False, 4010001)
    assert head(sync(http, nhn, audio, app_key="OtherKey")) == (200, False, 4010001)
    assert head(sync(http, nhn, audio, audio_name="file")) == (200, False, 4000001)
    assert head(sync(http, nhn, audio, ["no-underscore"])) == (200, False, 4000001)
    assert head(sync(http, nhn, audio, ["_x"])) == (200, False, 4000001)
    as_json = http.post(root(nhn), json={"audio": "x"}, headers=AUTH)
    assert head(as_json) == (200, False, 415)
    wrong_path = http.post(f"{nhn.base_url}/v2.1/appkeys/{NHN_APP_KEY}/stt", headers=AUTH)
    assert head(wrong_path) == (200, False, 404)
    assert wrong_path.json()["header"]["resultMessage"] == "Please check your API Url, HTTP Method."


def start_async(
    http: httpx.Client, server: NhnServer, body: Any, headers: dict[str, str] = AUTH
) -> httpx.Response:
    return http.post(f"{root(server)}/async", json=body, headers=headers)


def status(http: httpx.Client, server: NhnServer, task_id: str) -> dict[str, Any]:
    response = http.get(f"{root(server)}/async/{task_id}/status", headers=AUTH)
    assert response.status_code == 200
    return response.json()


def test_async_lifecycle_and_retry(nhn: NhnServer, http: httpx.Client, files: FileServer) -> None:
    url = files.add("/a.wav", tones((1.0, True), (1.0, False), (1.0, True)))
    accepted = start_async(http, nhn, {"audioUrl": url, "biasingList": ["회의_외의"]})
    assert head(accepted) == (200, True, 0)
    task_id = accepted.json()["taskId"]
    uuid.UUID(task_id)
    states = [status(http, nhn, task_id) for _ in range(4)]
    assert [s["taskStatus"] for s in states] == ["PENDING", "IN_PROGRESS", "COMPLETED", "COMPLETED"]
    assert states[2]["taskId"] == task_id
    assert states[2]["result"]["text"] == ["구간 1 (0.0–1.0초) 회의", "구간 2 (2.0–3.0초) 회의"]
    retried = http.get(f"{root(nhn)}/async/{task_id}/retry", headers=AUTH)
    assert head(retried) == (200, True, 0)
    new_id = retried.json()["result"]["taskId"]
    assert new_id != task_id
    nhn.emulator.pending_polls = nhn.emulator.in_progress_polls = 0
    assert status(http, nhn, new_id)["taskStatus"] == "COMPLETED"
    post_retry = http.post(f"{root(nhn)}/async/{task_id}/retry", headers=AUTH)
    assert head(post_retry) == (200, False, 405)


def test_async_failures(nhn: NhnServer, http: httpx.Client, files: FileServer) -> None:
    nhn.emulator.pending_polls = nhn.emulator.in_progress_polls = 0
    silent = files.add("/silent.wav", tones((1.0, False)))
    cases = [
        (silent, 4000204),
        (files.base_url + "/missing.wav", 5000005),
        (files.add("/empty.wav", b""), 4000004),
    ]
    for url, code in cases:
        task_id = start_async(http, nhn, {"audioUrl": url}).json()["taskId"]
        final = status(http, nhn, task_id)
        assert final["taskStatus"] == "FAILED"
        assert final["header"]["isSuccessful"] is False
        assert final["header"]["resultCode"] == code
        assert "result" not in final
    nhn.emulator.limits.max_bytes = 100
    task_id = start_async(http, nhn, {"audioUrl": silent}).json()["taskId"]
    assert status(http, nhn, task_id)["header"]["resultCode"] == 4000002
    nhn.faults.job_failure(code="5004003")
    nhn.emulator.limits.max_bytes = 10**9
    task_id = start_async(http, nhn, {"audioUrl": files.add("/ok.wav", tones((1.0, True)))}).json()
    final = status(http, nhn, task_id["taskId"])
    assert final["header"]["resultCode"] == 5004003
    assert final["header"]["resultMessage"] == NHN_MESSAGES[5004003]


def test_async_request_errors(nhn: NhnServer, http: httpx.Client) -> None:
    assert head(start_async(http, nhn, {})) == (200, False, 4000001)
    assert head(start_async(http, nhn, {"audioUrl": 5})) == (200, False, 4000001)
    bad_list = {"audioUrl": "http://127.0.0.1:1/a", "biasingList": "a_b"}
    assert head(start_async(http, nhn, bad_list)) == (200, False, 4000001)
    assert head(start_async(http, nhn, [])) == (200, False, 4000001)
    assert head(start_async(http, nhn, {"audioUrl": "x"}, headers={})) == (200, False, 401)
    form = http.post(f"{root(nhn)}/async", data={"audioUrl": "x"}, headers=AUTH)
    assert head(form) == (200, False, 415)
    broken = http.post(
        f"{root(nhn)}/async",
        content=b"{broken",
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert head(broken) == (200, False, 4000001)


def test_task_id_errors(nhn: NhnServer, http: httpx.Client) -> None:
    assert status(http, nhn, "not-a-uuid")["header"]["resultCode"] == 4010002
    assert status(http, nhn, str(uuid.uuid4()))["header"]["resultCode"] == 4010006
    retry = http.get(f"{root(nhn)}/async/{uuid.uuid4()}/retry", headers=AUTH)
    assert head(retry) == (200, False, 4010006)


@pytest.mark.parametrize("code", [c for c in NHN_MESSAGES if c not in (0,)])
def test_every_documented_code_is_reachable(nhn: NhnServer, http: httpx.Client, code: int) -> None:
    nhn.faults.provider_error(code)
    response = sync(http, nhn, tones((1.0, True)))
    assert head(response) == (200, False, code)
    assert response.json()["header"]["resultMessage"] == NHN_MESSAGES[code]


def test_injected_http_errors_keep_the_header_shape(nhn: NhnServer, http: httpx.Client) -> None:
    nhn.faults.rate_limit(retry_after=0.5)
    nhn.faults.http_error(500)
    limited = sync(http, nhn, tones((1.0, True)))
    assert head(limited) == (429, False, 429)
    assert limited.headers["Retry-After"] == "0.5"
    assert head(sync(http, nhn, tones((1.0, True)))) == (500, False, 500)
    assert head(sync(http, nhn, tones((1.0, True)))) == (200, True, 0)
