"""CLOVA Speech emulator (long form under the InvokeURL, and the short form), with plain httpx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulators import CLOVA_INVOKE_PATH, CLOVA_SPEECH_SECRET
from tests.test_emulators.media import tones
from tests.test_emulators.servers import ClovaServer, FileServer

KEY = {"X-CLOVASPEECH-API-KEY": CLOVA_SPEECH_SECRET, "Accept": "application/json;UTF-8"}
SYNC = {"language": "ko-KR", "completion": "sync"}
# What the documented official client sends: every key, nulls for the unset ones.
OFFICIAL_STYLE = {
    "language": "ko-KR",
    "completion": "sync",
    "callback": None,
    "userdata": None,
    "wordAlignment": True,
    "fullText": True,
    "forbiddens": None,
    "boostings": None,
    "diarization": None,
    "sed": None,
}


def invoke(server: ClovaServer, path: str) -> str:
    return f"{server.base_url}{CLOVA_INVOKE_PATH}/recognizer/{path}"


def upload(
    http: httpx.Client,
    server: ClovaServer,
    media: bytes,
    params: Any,
    *,
    params_name: str = "params",
    media_name: str = "media",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    text = params if isinstance(params, str) else json.dumps(params)
    files = {
        media_name: ("audio.wav", media, "audio/wav"),
        params_name: (None, text.encode(), "application/json"),
    }
    return http.post(
        invoke(server, "upload"), files=files, headers=KEY if headers is None else headers
    )


def post_json(
    http: httpx.Client, server: ClovaServer, path: str, body: dict[str, Any]
) -> httpx.Response:
    headers = {**KEY, "Content-Type": "application/json;UTF-8"}
    return http.post(invoke(server, path), content=json.dumps(body).encode(), headers=headers)


def poll(http: httpx.Client, server: ClovaServer, token: str) -> httpx.Response:
    return http.get(invoke(server, token), headers=KEY)


def test_sync_upload_with_all_options(
    clova: ClovaServer, http: httpx.Client, korean_clip: Path
) -> None:
    params = {
        **SYNC,
        "boostings": [{"words": "회의, 날씨"}],
        "forbiddens": "구간",
        "diarization": {"enable": True, "speakerCountMin": 1, "speakerCountMax": 2},
        "sed": {"enable": True},
        "userdata": {"job": 7},
    }
    response = upload(http, clova, korean_clip.read_bytes(), params)
    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["message"], body["progress"]) == ("COMPLETED", "Succeeded", 100)
    assert body["text"] == "** 1 (0.0–1.2초) 회의 ** 2 (1.7–4.6초) 회의 ** 3 (5.1–7.4초) 회의"
    first, second, third = body["segments"]
    assert (first["start"], first["end"], first["confidence"]) == (0, 1240, 0.95)
    assert first["words"] == [
        [0, 310, "**"],
        [310, 620, "1"],
        [620, 930, "(0.0–1.2초)"],
        [930, 1240, "회의"],
    ]
    assert first["speaker"] == {"label": "1", "name": "A", "edited": False}
    assert second["diarization"] == {"label": "2"}
    assert third["speaker"]["label"] == "1"
    assert body["speakers"] == [{"label": "1", "name": "A"}, {"label": "2", "name": "B"}]
    assert body["events"] == [] and body["eventTypes"] == []
    echo = body["params"]
    assert echo["diarization"] == {"enable": True, "speakerCountMin": 1, "speakerCountMax": 2}
    assert echo["userdata"]["job"] == 7 and echo["userdata"]["_ncp_TraceId"] == body["token"]
    record = clova.requests.last("upload$")
    assert record.json_part("params") == params
    assert record.files["media"][0].size == korean_clip.stat().st_size


def test_official_client_nulls_and_flags(clova: ClovaServer, http: httpx.Client) -> None:
    audio = tones((1.0, True), (1.0, False), (1.0, True))
    body = upload(http, clova, audio, OFFICIAL_STYLE).json()
    assert body["text"] == "구간 1 (0.0–1.0초) 구간 2 (2.0–3.0초)"
    assert "speaker" not in body["segments"][0] and body["speakers"] == []
    params = {**SYNC, "wordAlignment": False, "fullText": False}
    body = upload(http, clova, audio, params).json()
    assert body["segments"][0]["words"] == []
    assert "text" not in body and "confidence" not in body


def test_speaker_count_minimum_raises_speakers(clova: ClovaServer, http: httpx.Client) -> None:
    audio = tones(*[(0.5, True), (0.5, False)] * 3)
    params = {**SYNC, "diarization": {"enable": True, "speakerCountMin": 3}}
    labels = [s["speaker"]["label"] for s in upload(http, clova, audio, params).json()["segments"]]
    assert labels == ["1", "2", "3"]


def test_params_part_first_without_content_type(clova: ClovaServer, http: httpx.Client) -> None:
    files: list[tuple[str, Any]] = [
        ("params", (None, json.dumps(SYNC).encode())),
        ("media", ("audio.wav", tones((1.0, True)), "audio/wav")),
    ]
    response = http.post(invoke(clova, "upload"), files=files, headers=KEY)
    assert response.json()["result"] == "COMPLETED"


def code_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"completion": "sync"}, "STT004"),
        ({**SYNC, "language": "ko"}, "STT005"),
        ({**SYNC, "completion": "later"}, "400"),
        ({**SYNC, "wordAlignment": "true"}, "400"),
        ({**SYNC, "boostings": "회의"}, "400"),
        ({**SYNC, "boostings": [{"words": ["회의"]}]}, "400"),
        ({**SYNC, "forbiddens": ["a"]}, "400"),
        ({**SYNC, "diarization": {"enable": "yes"}}, "400"),
        (
            {**SYNC, "diarization": {"enable": True, "speakerCountMin": 3, "speakerCountMax": 2}},
            "400",
        ),
        ({**SYNC, "diarization": {"enable": True, "speakerCountMin": True}}, "400"),
        ({**SYNC, "sed": True}, "400"),
        ({"language": "ko-KR"}, "400"),
        ({"language": "ko-KR", "completion": "async"}, "400"),
        ("{not json", "400"),
        ([1, 2], "400"),
    ],
)
def test_params_validation(
    clova: ClovaServer, http: httpx.Client, params: Any, expected: str
) -> None:
    response = upload(http, clova, tones((1.0, True)), params)
    status = 400
    assert code_of(response) == (status, expected)
    assert clova.emulator.jobs == {}


def test_request_errors(clova: ClovaServer, http: httpx.Client) -> None:
    audio = tones((1.0, True))
    assert code_of(upload(http, clova, audio, SYNC, headers={})) == (401, "401")
    assert upload(http, clova, audio, SYNC, headers={}).json()["message"] == "Invalid secret"
    missing_media = upload(http, clova, audio, SYNC, media_name="file")
    assert code_of(missing_media) == (400, "400")
    assert "media" in missing_media.json()["detail"]
    assert code_of(upload(http, clova, audio, SYNC, params_name="config")) == (400, "400")
    as_json = http.post(invoke(clova, "upload"), json=SYNC, headers=KEY)
    assert code_of(as_json) == (400, "STT002")
    form_to_url = http.post(invoke(clova, "url"), data={"url": "x"}, headers=KEY)
    assert code_of(form_to_url) == (400, "STT002")


def test_media_problems_fail_the_job(clova: ClovaServer, http: httpx.Client) -> None:
    empty = upload(http, clova, b"", SYNC).json()
    assert (empty["result"], empty["message"]) == ("FAILED", "ERROR_AUDIO_EMPTY")
    garbage = upload(http, clova, b"garbage " * 100, SYNC).json()
    assert (garbage["result"], garbage["message"]) == ("FAILED", "ERROR_AUDIO_CONVERSION")


def test_upload_size_knob(clova: ClovaServer, http: httpx.Client) -> None:
    clova.emulator.max_upload_bytes = 1000
    assert code_of(upload(http, clova, tones((1.0, True)), SYNC)) == (413, "STT000")


def test_async_lifecycle_with_callback(
    clova: ClovaServer, http: httpx.Client, files: FileServer
) -> None:
    clova.emulator.processing_polls = 2
    params = {"language": "ko-KR", "completion": "async", "callback": files.base_url + "/done"}
    accepted = upload(http, clova, tones((1.0, True)), params)
    assert accepted.status_code == 200
    token = accepted.json()["token"]
    assert accepted.json()["result"] == "SUCCEEDED"
    states = [poll(http, clova, token).json() for _ in range(4)]
    assert [(s["result"], s["progress"]) for s in states] == [
        ("WAITING", 0),
        ("PROCESSING", 33),
        ("PROCESSING", 67),
        ("COMPLETED", 100),
    ]
    assert states[-1]["text"] == "구간 1 (0.0–1.0초)"
    assert poll(http, clova, token).json()["result"] == "COMPLETED"
    clova.wait_background()
    assert [(c.status, c.error) for c in clova.emulator.callbacks] == [(200, None)]
    path, payload = files.posts[0]
    assert path == "/done" and json.loads(payload) == states[-1]


def test_async_without_steps_and_result_to_obs(clova: ClovaServer, http: httpx.Client) -> None:
    clova.emulator.waiting_polls = 0
    clova.emulator.processing_polls = 0
    params = {"language": "ko-KR", "completion": "async", "resultToObs": True}
    token = upload(http, clova, tones((1.0, True)), params).json()["token"]
    assert poll(http, clova, token).json()["result"] == "COMPLETED"


def test_callback_requirement_can_be_relaxed(clova: ClovaServer, http: httpx.Client) -> None:
    clova.emulator.require_callback_for_async = False
    response = upload(http, clova, tones((1.0, True)), {"language": "ko-KR"})
    assert response.json()["result"] == "SUCCEEDED"


def test_unknown_token(clova: ClovaServer, http: httpx.Client) -> None:
    assert code_of(poll(http, clova, "0" * 32)) == (404, "ERROR_TOKEN_INVALID")
    assert poll(http, clova, "0" * 32).status_code == 404


def test_job_failures(clova: ClovaServer, http: httpx.Client) -> None:
    clova.faults.job_failure()
    clova.faults.job_failure(code="TIMEOUT", message="ERROR_GATEWAY_TIMEOUT")
    clova.emulator.waiting_polls = clova.emulator.processing_polls = 0
    first = upload(http, clova, tones((1.0, True)), SYNC).json()
    assert (first["result"], first["message"], first["segments"]) == (
        "FAILED",
        "ERROR_INTERNAL_ERROR",
        [],
    )
    params = {"language": "ko-KR", "completion": "async", "resultToObs": True}
    token = upload(http, clova, tones((1.0, True)), params).json()["token"]
    final = poll(http, clova, token).json()
    assert (final["result"], final["message"]) == ("TIMEOUT", "ERROR_GATEWAY_TIMEOUT")


def test_url_input(clova: ClovaServer, http: httpx.Client, files: FileServer) -> None:
    url = files.add("/media/a.wav", tones((1.0, True)))
    body = post_json(http, clova, "url", {**OFFICIAL_STYLE, "url": url}).json()
    assert body["text"] == "구간 1 (0.0–1.0초)"
    assert clova.requests.last("url$").json_body["url"] == url
    missing = post_json(http, clova, "url", {**SYNC, "url": files.base_url + "/nothing"}).json()
    assert (missing["result"], missing["message"]) == ("FAILED", "ERROR_DATA_NOT_FOUND")
    assert code_of(post_json(http, clova, "url", SYNC)) == (400, "400")


def test_url_input_async(clova: ClovaServer, http: httpx.Client, files: FileServer) -> None:
    url = files.add("/b.wav", tones((0.5, True)))
    params = {"language": "enko", "completion": "async", "resultToObs": True, "url": url}
    token = post_json(http, clova, "url", params).json()["token"]
    results = [poll(http, clova, token).json()["result"] for _ in range(3)]
    assert results == ["WAITING", "PROCESSING", "COMPLETED"]


def test_object_storage_input(clova: ClovaServer, http: httpx.Client) -> None:
    clova.emulator.put_object("bucket/a.wav", tones((1.0, True)))
    for key_name in ("dataKey", "datakey"):
        body = post_json(http, clova, "object-storage", {**SYNC, key_name: "bucket/a.wav"}).json()
        assert body["result"] == "COMPLETED"
    missing = post_json(http, clova, "object-storage", {**SYNC, "dataKey": "nope"}).json()
    assert (missing["result"], missing["message"]) == ("FAILED", "ERROR_DATA_NOT_FOUND")


def test_rate_limit_and_outside_invoke_url(clova: ClovaServer, http: httpx.Client) -> None:
    clova.faults.rate_limit(retry_after=2)
    limited = upload(http, clova, tones((1.0, True)), SYNC)
    assert code_of(limited) == (429, "ERROR_TOO_MANY_JOBS")
    assert limited.headers["Retry-After"] == "2"
    wrong = http.post(f"{clova.base_url}/external/v1/1/other/recognizer/upload", headers=KEY)
    assert wrong.status_code == 404 and wrong.json()["error"]["errorCode"] == "300"


def short(http: httpx.Client, server: ClovaServer, body: bytes, **params: str) -> httpx.Response:
    headers = {**KEY, "Content-Type": "application/octet-stream"}
    return http.post(
        f"{server.base_url}/recog/v1/stt", params=params, content=body, headers=headers
    )


def test_short_form(clova: ClovaServer, http: httpx.Client, korean_clip: Path) -> None:
    body = short(http, clova, korean_clip.read_bytes(), lang="Kor").json()
    assert body == {"text": "구간 1 (0.0–1.2초) 구간 2 (1.7–4.6초) 구간 3 (5.1–7.4초)", "quota": 1}
    audio = tones((1.0, True), (1.0, False))
    graded = short(http, clova, audio, lang="Eng", assessment="true", graph="true").json()
    assert graded["assessment_score"] == 50
    assert len(graded["usr_graph"]) == 100 and graded["usr_graph"][0] == 71
    assert graded["usr_graph"][-1] == 0 and graded["ref_graph"] == graded["usr_graph"]
    assert short(http, clova, tones((16.0, True)), lang="Jpn").json()["quota"] == 2


def test_short_form_errors(clova: ClovaServer, http: httpx.Client) -> None:
    audio = tones((1.0, True))
    assert code_of(short(http, clova, audio, lang="Kor", assessment="true")) == (400, "400")
    assert code_of(short(http, clova, audio, lang="Kor", graph="yes")) == (400, "400")
    assert code_of(short(http, clova, audio, lang="ko-KR")) == (400, "STT005")
    assert code_of(short(http, clova, audio)) == (400, "STT004")
    assert code_of(short(http, clova, tones((61.0, True)), lang="Kor")) == (413, "STT001")
    assert code_of(short(http, clova, b"", lang="Kor")) == (400, "STT003")
    no_key = http.post(f"{clova.base_url}/recog/v1/stt?lang=Kor", content=audio)
    assert code_of(no_key) == (401, "401")
