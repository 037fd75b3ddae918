"""The common runner, the fault knobs, the request log and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.emulators import (
    CSR_CLIENT_ID,
    CSR_CLIENT_SECRET,
    NHN_APP_KEY,
    NHN_SECRET_KEY,
    EmulatorServer,
    RtzrEmulator,
    start_emulator,
)
from tests.test_emulators.media import tones
from tests.test_emulators.servers import CsrServer, NhnServer, RtzrServer

REPO = Path(__file__).resolve().parents[2]
CSR_HEADERS = {
    "X-NCP-APIGW-API-KEY-ID": CSR_CLIENT_ID,
    "X-NCP-APIGW-API-KEY": CSR_CLIENT_SECRET,
    "Content-Type": "application/octet-stream",
}
AUDIO = tones((1.0, True))


def recognise(http: httpx.Client, server: CsrServer) -> httpx.Response:
    return http.post(f"{server.base_url}/recog/v1/stt?lang=Kor", content=AUDIO, headers=CSR_HEADERS)


def test_start_stop_and_base_url() -> None:
    server = EmulatorServer(RtzrEmulator())
    with pytest.raises(RuntimeError):
        _ = server.base_url
    with server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{server.base_url}/_emulator/requests").json() == []
    with pytest.raises(RuntimeError):
        _ = server.base_url


def test_two_servers_side_by_side() -> None:
    with start_emulator("nhn") as one, start_emulator("nhn") as two:
        assert one.port != two.port
        one.faults.http_error(503)
        assert (
            httpx.post(f"{two.base_url}/v2.0/appkeys/x/stt").json()["header"]["resultCode"] == 401
        )
        assert one.faults.pending() == 1


def test_busy_port_is_reported(csr: CsrServer) -> None:
    with pytest.raises(RuntimeError, match="could not start"):
        EmulatorServer(RtzrEmulator(), port=csr.port).start()


async def test_usable_from_async_tests() -> None:
    async with EmulatorServer(RtzrEmulator()) as server, httpx.AsyncClient() as client:
        response = await client.post(f"{server.base_url}/v1/authenticate", data={})
        assert response.json()["code"] == "H0001"


def test_rate_limit_retry_after_and_recovery(csr: CsrServer, http: httpx.Client) -> None:
    csr.faults.rate_limit(times=2, retry_after=1.5)
    statuses = [recognise(http, csr) for _ in range(3)]
    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].headers["Retry-After"] == "1.5"
    assert [r.fault for r in csr.requests.all()] == ["status", "status", None]
    assert [r.status for r in csr.requests.all()] == [429, 429, 200]
    assert csr.faults.pending() == 0


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_html(csr: CsrServer, http: httpx.Client, status: int) -> None:
    csr.faults.http_error(status)
    response = recognise(http, csr)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert str(status) in response.text


def test_match_and_skip_select_requests(rtzr: RtzrServer, http: httpx.Client) -> None:
    rtzr.faults.http_error(500, match=r"^GET /v1/transcribe/", skip=1)
    auth = http.post(f"{rtzr.base_url}/v1/authenticate", data={"client_id": "a"})
    assert auth.status_code == 400
    token, _ = rtzr.emulator.issue_token()
    headers = {"Authorization": f"Bearer {token}"}
    first = http.get(f"{rtzr.base_url}/v1/transcribe/abc", headers=headers)
    second = http.get(f"{rtzr.base_url}/v1/transcribe/abc", headers=headers)
    assert (first.status_code, second.status_code) == (404, 500)
    assert second.json() == {"code": "E500", "msg": "internal server error"}


def test_delay_then_normal_answer(csr: CsrServer, http: httpx.Client) -> None:
    csr.faults.delay(0.05)
    assert recognise(http, csr).status_code == 200
    assert csr.requests.last().fault == "delay"


def test_delay_lets_client_time_out(csr: CsrServer) -> None:
    csr.faults.delay(3)
    with httpx.Client(timeout=0.2) as short, pytest.raises(httpx.ReadTimeout):
        recognise(short, csr)


@pytest.mark.parametrize("stage", ["no_response", "after_headers", "mid_body"])
def test_dropped_connections(csr: CsrServer, http: httpx.Client, stage: str) -> None:
    csr.faults.drop_connection(stage=stage)  # type: ignore[arg-type]
    with pytest.raises(httpx.RemoteProtocolError):
        recognise(http, csr)
    assert recognise(http, csr).status_code == 200
    dropped = csr.requests.all()[0]
    assert dropped.fault == "drop" and dropped.status is None
    assert dropped.body_size == len(AUDIO)


def test_drop_happens_after_the_work(nhn: NhnServer, http: httpx.Client) -> None:
    nhn.faults.drop_connection(match="/stt/async$")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(
            f"{nhn.base_url}/v2.0/appkeys/{NHN_APP_KEY}/stt/async",
            json={"audioUrl": "http://127.0.0.1:9/a.wav"},
            headers={"Authorization": NHN_SECRET_KEY},
        )
    assert len(nhn.emulator.tasks) == 1
    nhn.wait_background()


def test_malformed_json(csr: CsrServer, http: httpx.Client) -> None:
    csr.faults.malformed_json()
    response = recognise(http, csr)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_fault_arguments_are_checked(csr: CsrServer) -> None:
    with pytest.raises(ValueError, match="unknown error code"):
        csr.faults.provider_error("H0002")
    with pytest.raises(ValueError):
        csr.faults.http_error(200)
    with pytest.raises(ValueError):
        csr.faults.delay(1, times=0)
    csr.faults.rate_limit()
    csr.faults.job_failure()
    csr.faults.clear()
    assert csr.faults.pending() == 0
    assert csr.faults.take_job_failure() is None


def test_control_endpoint(csr: CsrServer, http: httpx.Client) -> None:
    control = f"{csr.base_url}/_emulator/faults"
    added = http.post(control, json={"kind": "rate_limit", "times": 2, "retry_after": 3})
    assert added.json() == {"pending": 2}
    assert http.post(control, json={"kind": "explode"}).status_code == 400
    assert http.post(control, json={"kind": "delay", "secs": 1}).status_code == 400
    assert recognise(http, csr).headers["Retry-After"] == "3"
    assert http.delete(control).json() == {"pending": 0}
    assert recognise(http, csr).status_code == 200
    http.post(control, json={"kind": "provider_error", "code": "STT999"})
    assert recognise(http, csr).json()["error"]["errorCode"] == "STT999"
    log = http.get(f"{csr.base_url}/_emulator/requests").json()
    assert [entry["status"] for entry in log] == [429, 200, 500]
    assert log[0]["query"] == {"lang": "Kor"} and log[0]["body_size"] == len(AUDIO)
    http.delete(f"{csr.base_url}/_emulator/requests")
    assert csr.requests.count() == 0


def test_request_log_queries(csr: CsrServer, http: httpx.Client) -> None:
    recognise(http, csr)
    http.get(f"{csr.base_url}/elsewhere")
    assert csr.requests.count() == 2
    assert csr.requests.count(r"^POST /recog/v1/stt$") == 1
    assert csr.requests.last(r"^GET").path == "/elsewhere"
    assert csr.requests.last("POST").headers["x-ncp-apigw-api-key-id"] == CSR_CLIENT_ID
    with pytest.raises(LookupError):
        csr.requests.last("DELETE")


def test_command_line_prints_url_and_credentials() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.emulators", "clova_csr"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[0].startswith("clova_csr emulator at http://127.0.0.1:")
        base_url = lines[0].split(" at ")[1].strip()
        assert CSR_CLIENT_SECRET in "".join(process.stdout.readline() for _ in range(2))
        assert httpx.post(f"{base_url}/recog/v1/stt").status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_trickle_sends_the_normal_answer_slowly(csr: CsrServer) -> None:
    csr.faults.trickle(0.001, match="^POST /recog")
    with (
        httpx.Client(timeout=30) as http,
        http.stream(
            "POST", f"{csr.base_url}/recog/v1/stt?lang=Kor", content=AUDIO, headers=CSR_HEADERS
        ) as response,
    ):
        pieces = list(response.iter_raw())
    body = b"".join(pieces)
    assert "text" in json.loads(body)
    assert len(pieces) > 1  # arrived in several reads, not one


def test_huge_body_streams_the_size_asked(csr: CsrServer) -> None:
    csr.faults.huge_body(3 * 1024 * 1024, declared=False, match="^POST /recog")
    csr.faults.huge_body(1024, match="^POST /recog")
    with httpx.Client(timeout=30) as http:
        first = recognise(http, csr)
        second = recognise(http, csr)
    assert len(first.content) == 3 * 1024 * 1024 and "content-length" not in first.headers
    assert first.json()["text"].strip() == ""
    assert second.headers["content-length"] == "1024" and len(second.content) == 1024


def test_refused_url_refuses() -> None:
    from tests.emulators.server import refused_url

    with pytest.raises(httpx.ConnectError):
        httpx.get(refused_url(), timeout=5)
