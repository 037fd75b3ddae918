"""CLOVA Speech Recognition (CSR) emulator, driven with plain httpx."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.emulators import CSR_CLIENT_ID, CSR_CLIENT_SECRET
from tests.test_emulators.media import encode, pattern, tones, video_mp4
from tests.test_emulators.servers import CsrServer

HEADERS = {
    "x-ncp-apigw-api-key-id": CSR_CLIENT_ID,
    "X-NCP-APIGW-API-KEY": CSR_CLIENT_SECRET,
    "Content-Type": "application/octet-stream",
}


def post(
    http: httpx.Client,
    server: CsrServer,
    body: bytes,
    *,
    lang: str | None = "Kor",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    params = {"lang": lang} if lang is not None else {}
    return http.post(
        f"{server.base_url}/recog/v1/stt",
        params=params,
        content=body,
        headers=HEADERS if headers is None else headers,
    )


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["errorCode"])


def test_recognises_korean_clip(csr: CsrServer, http: httpx.Client, korean_clip: Path) -> None:
    response = post(http, csr, korean_clip.read_bytes())
    assert response.status_code == 200
    assert response.json() == {"text": "구간 1 (0.0–1.2초) 구간 2 (1.7–4.6초) 구간 3 (5.1–7.4초)"}
    record = csr.requests.last(r"^POST /recog/v1/stt$")
    assert record.query == {"lang": "Kor"}
    assert record.body_size == korean_clip.stat().st_size


@pytest.mark.parametrize(
    "body",
    [
        encode(pattern((1.0, True)), "mp3", "libmp3lame"),
        encode(pattern((1.0, True)), "flac", "flac"),
        encode(pattern((1.0, True)), "adts", "aac"),
        encode(pattern((1.0, True)), "ipod", "aac"),
        encode(pattern((1.0, True), rate=48000), "ogg", "libopus", rate=48000),
    ],
    ids=["mp3", "flac", "aac", "m4a", "ogg"],
)
def test_accepts_documented_formats(csr: CsrServer, http: httpx.Client, body: bytes) -> None:
    response = post(http, csr, body)
    assert response.status_code == 200
    assert response.json()["text"].startswith("구간 1 (0.")


def test_silence_gives_empty_text(csr: CsrServer, http: httpx.Client) -> None:
    assert post(http, csr, tones((2.0, False))).json() == {"text": ""}


def test_authentication_failure_is_gateway_401(csr: CsrServer, http: httpx.Client) -> None:
    wrong = {**HEADERS, "X-NCP-APIGW-API-KEY": "nope"}
    response = post(http, csr, tones((1.0, True)), headers=wrong)
    assert response.status_code == 401
    assert response.json()["error"] == {
        "errorCode": "200",
        "message": "Authentication Failed",
        "details": "Invalid authentication information.",
    }
    missing = {k: v for k, v in HEADERS.items() if k != "x-ncp-apigw-api-key-id"}
    assert post(http, csr, tones((1.0, True)), headers=missing).status_code == 401


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"headers": {**HEADERS, "Content-Type": "audio/wav"}}, 400, "STT002"),
        ({"lang": None}, 400, "STT004"),
        ({"lang": ""}, 400, "STT004"),
        ({"lang": "kor"}, 400, "STT005"),
        ({"lang": "Fra"}, 400, "STT005"),
    ],
)
def test_request_errors(
    csr: CsrServer, http: httpx.Client, kwargs: dict, status: int, code: str
) -> None:
    response = post(http, csr, tones((1.0, True)), **kwargs)
    assert (response.status_code, error_code(response)) == (status, code)


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (b"", 400, "STT003", "Empty Sound Data"),
        (tones((61.0, True)), 413, "STT001", "Exceed Sound Data length"),
        (tones((0.2, True)), 400, "STT007", "Too Short Sound Data"),
        (b"not audio at all " * 40, 500, "STT006", "Failed to pre-processing"),
        (encode(pattern((1.0, True)), "webm", "libopus", rate=48000), 500, "STT006", None),
        (video_mp4(), 500, "STT006", None),
    ],
    ids=["empty", "61s", "0.2s", "garbage", "webm", "video"],
)
def test_audio_errors_on_real_audio(
    csr: CsrServer,
    http: httpx.Client,
    body: bytes,
    status: int,
    code: str,
    message: str | None,
) -> None:
    response = post(http, csr, body)
    assert response.status_code == status
    assert error_code(response) == code
    if message:
        assert response.json()["error"]["message"] == message


def test_size_limit_is_3_mib_of_bytes(csr: CsrServer, http: httpx.Client) -> None:
    big = tones((100.0, True))  # 3.2 MB of WAV
    response = post(http, csr, big)
    assert (response.status_code, error_code(response)) == (413, "STT000")


def test_limits_can_be_lowered(csr: CsrServer, http: httpx.Client) -> None:
    csr.emulator.limits.max_seconds = 1.0
    response = post(http, csr, tones((1.5, True)))
    assert error_code(response) == "STT001"


def test_job_failure_and_provider_errors(csr: CsrServer, http: httpx.Client) -> None:
    csr.faults.job_failure()
    response = post(http, csr, tones((1.0, True)))
    assert (response.status_code, error_code(response)) == (500, "STT998")
    csr.faults.provider_error("410")
    response = post(http, csr, tones((1.0, True)))
    assert (response.status_code, error_code(response)) == (429, "410")
    assert post(http, csr, tones((1.0, True))).status_code == 200


def test_injected_status_errors(csr: CsrServer, http: httpx.Client) -> None:
    csr.faults.rate_limit()
    csr.faults.http_error(500)
    first = post(http, csr, tones((1.0, True)))
    assert (first.status_code, error_code(first)) == (429, "400")
    assert first.json()["error"]["message"] == "Quota Exceed"
    assert "Retry-After" not in first.headers
    second = post(http, csr, tones((1.0, True)))
    assert (second.status_code, error_code(second)) == (500, "STT999")


def test_unknown_path_is_gateway_404(csr: CsrServer, http: httpx.Client) -> None:
    response = http.post(f"{csr.base_url}/recog/v2/stt", headers=HEADERS)
    assert (response.status_code, error_code(response)) == (404, "300")
