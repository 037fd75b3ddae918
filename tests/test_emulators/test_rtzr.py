"""Return Zero (RTZR) emulator: authentication, batch transcription and polling, with httpx."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.test_emulators.media import encode, pattern, tones
from tests.test_emulators.servers import RtzrServer


def authenticate(http: httpx.Client, server: RtzrServer) -> str:
    response = http.post(
        f"{server.base_url}/v1/authenticate",
        data={"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET},
    )
    assert response.status_code == 200
    return str(response.json()["access_token"])


def submit(
    http: httpx.Client,
    server: RtzrServer,
    token: str,
    audio: bytes | None,
    config: Any = None,
    *,
    scheme: str = "bearer",
) -> httpx.Response:
    parts: list[tuple[str, Any]] = []
    if config is not None:
        text = config if isinstance(config, str) else json.dumps(config)
        parts.append(("config", (None, text.encode())))
    if audio is not None:
        parts.append(("file", ("sample.wav", audio, "audio/wav")))
    return http.post(
        f"{server.base_url}/v1/transcribe",
        files=parts,
        headers={"Authorization": f"{scheme} {token}"},
    )


def poll(http: httpx.Client, server: RtzrServer, token: str, job_id: str) -> httpx.Response:
    return http.get(
        f"{server.base_url}/v1/transcribe/{job_id}", headers={"Authorization": f"Bearer {token}"}
    )


def code_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_token_is_a_jwt_with_expiry(rtzr: RtzrServer, http: httpx.Client) -> None:
    before = int(time.time())
    response = http.post(
        f"{rtzr.base_url}/v1/authenticate",
        data={"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET},
    )
    body = response.json()
    assert before + 6 * 3600 <= body["expire_at"] <= int(time.time()) + 6 * 3600
    _header, claims, _signature = body["access_token"].split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert decoded["exp"] == body["expire_at"] and decoded["sub"] == RTZR_CLIENT_ID
    assert rtzr.requests.last().form["client_id"] == [RTZR_CLIENT_ID]


def test_authentication_errors(rtzr: RtzrServer, http: httpx.Client) -> None:
    url = f"{rtzr.base_url}/v1/authenticate"
    wrong = http.post(url, data={"client_id": RTZR_CLIENT_ID, "client_secret": "x"})
    assert wrong.status_code == 401
    assert wrong.json() == {"code": "H0002", "msg": "invalid credential"}
    assert code_of(http.post(url, data={"client_id": RTZR_CLIENT_ID})) == (400, "H0001")
    as_json = http.post(
        url, json={"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET}
    )
    assert code_of(as_json) == (400, "H0001")


def test_batch_success_with_options(
    rtzr: RtzrServer, http: httpx.Client, korean_clip: Path
) -> None:
    token = authenticate(http, rtzr)
    config = {
        "use_diarization": True,
        "diarization": {"spk_count": 3},
        "use_word_timestamp": True,
        "keywords": ["회의", "날씨"],
        "use_itn": False,
        "paragraph_splitter": {"max": 50},
        "domain": "CALL",
    }
    accepted = submit(http, rtzr, token, korean_clip.read_bytes(), config)
    assert accepted.status_code == 200
    job_id = accepted.json()["id"]
    first = poll(http, rtzr, token, job_id).json()
    assert first == {"id": job_id, "status": "transcribing"}
    done = poll(http, rtzr, token, job_id).json()
    assert done["status"] == "completed"
    utterances = done["results"]["utterances"]
    assert [(u["start_at"], u["duration"], u["spk"]) for u in utterances] == [
        (0, 1240, 0),
        (1660, 2940, 1),
        (5080, 2280, 2),
    ]
    assert utterances[0]["msg"] == "구간 1 (0.0–1.2초) 회의"
    assert utterances[0]["lang"] == "ko"
    assert utterances[0]["words"][0] == {"start_at": 0, "duration": 310, "text": "구간"}
    record = rtzr.requests.last(r"^POST /v1/transcribe$")
    assert record.json_part("config") == config
    assert record.files["file"][0].size == korean_clip.stat().st_size


def test_defaults_without_diarization_or_words(rtzr: RtzrServer, http: httpx.Client) -> None:
    rtzr.emulator.transcribing_polls = 0
    token = authenticate(http, rtzr)
    mp3 = encode(pattern((1.0, True), (1.0, False), (1.0, True)), "mp3", "libmp3lame")
    job_id = submit(http, rtzr, token, mp3, {}, scheme="Bearer").json()["id"]
    utterances = poll(http, rtzr, token, job_id).json()["results"]["utterances"]
    assert [u["spk"] for u in utterances] == [0, 0]
    assert all("words" not in u for u in utterances)


@pytest.mark.parametrize(
    "config",
    [
        "{",
        "[]",
        {"model_name": "nova"},
        {"language": "en"},
        {"model_name": "whisper", "language": "English"},
        {"model_name": "whisper", "keywords": ["회의"]},
        {"language_candidates": ["ko", "en"]},
        {"use_diarization": "true"},
        {"diarization": {"spk_count": -1}},
        {"diarization": {"spk_count": 1.5}},
        {"paragraph_splitter": {"max": 0}},
        {"domain": "MEETING"},
        {"keywords": "회의"},
        {"keywords": ["가" * 21]},
        {"keywords": ["회의"] * 101},
    ],
)
def test_config_validation(rtzr: RtzrServer, http: httpx.Client, config: Any) -> None:
    token = authenticate(http, rtzr)
    assert code_of(submit(http, rtzr, token, tones((1.0, True)), config)) == (400, "H0001")


def test_whisper_detect_with_candidates(rtzr: RtzrServer, http: httpx.Client) -> None:
    token = authenticate(http, rtzr)
    config = {"model_name": "whisper", "language": "detect", "language_candidates": ["ko", "en"]}
    assert submit(http, rtzr, token, tones((1.0, True)), config).status_code == 200


def test_request_errors(rtzr: RtzrServer, http: httpx.Client) -> None:
    token = authenticate(http, rtzr)
    audio = tones((1.0, True))
    assert code_of(submit(http, rtzr, token, audio, None)) == (400, "H0001")
    assert code_of(submit(http, rtzr, token, None, {})) == (400, "H0001")
    assert code_of(submit(http, rtzr, token, b"", {})) == (400, "H0001")
    assert code_of(submit(http, rtzr, token, b"junk " * 100, {})) == (400, "H0010")
    ogg = encode(pattern((1.0, True), rate=48000), "ogg", "libopus", rate=48000)
    assert code_of(submit(http, rtzr, token, ogg, {})) == (400, "H0010")
    not_multipart = http.post(
        f"{rtzr.base_url}/v1/transcribe",
        json={"config": {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert code_of(not_multipart) == (400, "H0001")
    assert code_of(poll(http, rtzr, token, "missing")) == (404, "H0004")


def test_token_errors(rtzr: RtzrServer, http: httpx.Client) -> None:
    token = authenticate(http, rtzr)
    audio = tones((1.0, True))
    for bad in ("-", "abc", token[:-3] + "AAA"):
        response = submit(http, rtzr, bad, audio, {})
        assert response.json() == {"code": "H0002", "msg": "invalid token"}
        assert response.status_code == 401
    assert code_of(submit(http, rtzr, token, audio, {}, scheme="Basic")) == (401, "H0002")
    job_id = submit(http, rtzr, token, audio, {}).json()["id"]
    rtzr.emulator.expire_all_tokens()
    expired = poll(http, rtzr, token, job_id)
    assert expired.json() == {"code": "H0002", "msg": "token expired"}
    fresh = authenticate(http, rtzr)
    assert poll(http, rtzr, fresh, job_id).status_code == 200


def test_short_token_lifetime(rtzr: RtzrServer, http: httpx.Client) -> None:
    rtzr.emulator.token_lifetime = 0
    token = authenticate(http, rtzr)
    assert submit(http, rtzr, token, tones((1.0, True)), {}).json()["msg"] == "token expired"


def test_limits(rtzr: RtzrServer, http: httpx.Client) -> None:
    token = authenticate(http, rtzr)
    rtzr.emulator.limits.max_seconds = 2.0
    assert code_of(submit(http, rtzr, token, tones((2.5, True)), {})) == (413, "H0006")
    rtzr.emulator.limits.max_bytes = 1000
    assert code_of(submit(http, rtzr, token, tones((1.0, True)), {})) == (413, "H0005")


def test_concurrency_limit_counts_unfinished_jobs(rtzr: RtzrServer, http: httpx.Client) -> None:
    rtzr.emulator.max_concurrent_jobs = 2
    token = authenticate(http, rtzr)
    audio = tones((0.5, True))
    ids = [submit(http, rtzr, token, audio, {}).json()["id"] for _ in range(2)]
    third = submit(http, rtzr, token, audio, {})
    assert third.json() == {"code": "A0002", "msg": "Too many concurrent requests"}
    assert third.status_code == 429
    assert poll(http, rtzr, token, ids[0]).json()["status"] == "transcribing"
    assert poll(http, rtzr, token, ids[0]).json()["status"] == "completed"
    assert submit(http, rtzr, token, audio, {}).status_code == 200


def test_polling_too_fast_and_expired_result(rtzr: RtzrServer, http: httpx.Client) -> None:
    token = authenticate(http, rtzr)
    job_id = submit(http, rtzr, token, tones((0.5, True)), {}).json()["id"]
    rtzr.emulator.min_poll_interval = 3600
    assert poll(http, rtzr, token, job_id).status_code == 200
    assert code_of(poll(http, rtzr, token, job_id)) == (429, "A0003")
    rtzr.emulator.min_poll_interval = 0
    rtzr.emulator.expire_result(job_id)
    assert code_of(poll(http, rtzr, token, job_id)) == (410, "H0007")


def test_failed_job(rtzr: RtzrServer, http: httpx.Client) -> None:
    rtzr.emulator.transcribing_polls = 0
    rtzr.faults.job_failure()
    rtzr.faults.job_failure(code="H0010", message="bad audio")
    token = authenticate(http, rtzr)
    for expected in (
        {"code": "E500", "message": "internal server error"},
        {"code": "H0010", "message": "bad audio"},
    ):
        job_id = submit(http, rtzr, token, tones((0.5, True)), {}).json()["id"]
        body = poll(http, rtzr, token, job_id).json()
        assert body == {"id": job_id, "status": "failed", "error": expected}


@pytest.mark.parametrize("code", ["H0003", "A0001", "A0002", "A0003", "E500", "H0007"])
def test_provider_errors(rtzr: RtzrServer, http: httpx.Client, code: str) -> None:
    rtzr.faults.provider_error(code, match="^POST /v1/transcribe$")
    token = authenticate(http, rtzr)
    assert submit(http, rtzr, token, tones((0.5, True)), {}).json()["code"] == code
