"""Shared HTTP plumbing against a real local server: endpoint rules, retries, upload progress."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO, cast

import httpx
import pytest
from aiohttp import web

from desktop_app.core.errors import (
    AuthError,
    ConfigurationError,
    NetworkError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.core.progress import Progress
from desktop_app.providers.http import (
    ProgressFile,
    RetryPolicy,
    check_endpoint,
    http_status_error,
    make_client,
    parse_retry_after,
    transport_error,
    with_retries,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://clovaspeech-gw.ncloud.com/external/v1/1/abc",
        "http://127.0.0.1:8080",
        "http://localhost:1/",
        "http://[::1]:9000",
    ],
)
def test_allowed_endpoints(url: str) -> None:
    assert not check_endpoint(url).endswith("/")


@pytest.mark.parametrize(
    "url", ["http://example.com", "ftp://127.0.0.1", "nonsense", "http://10.0.0.1"]
)
def test_refused_endpoints(url: str) -> None:
    with pytest.raises(ConfigurationError):
        check_endpoint(url)


def test_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, dict[str, int]]]:
    state = {"flaky": 0, "uploaded": 0}

    async def flaky(request: web.Request) -> web.Response:
        state["flaky"] += 1
        if state["flaky"] <= 2:
            return web.Response(status=503)
        return web.json_response({"ok": True})

    async def upload(request: web.Request) -> web.Response:
        reader = await request.multipart()
        async for part in reader:
            while chunk := await part.read_chunk():  # type: ignore[union-attr]
                state["uploaded"] += len(chunk)
        return web.json_response({"bytes": state["uploaded"]})

    app = web.Application()
    app.router.add_get("/flaky", flaky)
    app.router.add_post("/upload", upload)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", state
    await runner.cleanup()


async def test_retries_transient_failures_then_succeeds(server: tuple[str, dict[str, int]]) -> None:
    base, state = server
    retries: list[float] = []
    async with make_client(base) as client:

        async def call() -> dict[str, bool]:
            response = await client.get("/flaky")
            error = http_status_error(response, "test")
            if error:
                raise error
            return response.json()

        result = await with_retries(
            call, RetryPolicy(attempts=4, base_delay=0.01), on_retry=lambda e, d: retries.append(d)
        )
    assert result == {"ok": True}
    assert state["flaky"] == 3 and len(retries) == 2


async def test_permanent_errors_are_not_retried() -> None:
    calls = 0

    async def call() -> None:
        nonlocal calls
        calls += 1
        raise AuthError("bad key")

    with pytest.raises(AuthError):
        await with_retries(call, RetryPolicy(attempts=5, base_delay=0.01))
    assert calls == 1


async def test_attempts_are_bounded() -> None:
    calls = 0

    async def call() -> None:
        nonlocal calls
        calls += 1
        raise RateLimitError("slow down", retry_after=0.0)

    with pytest.raises(RateLimitError):
        await with_retries(call, RetryPolicy(attempts=3, base_delay=0.01))
    assert calls == 3


async def test_upload_streams_from_disk_with_progress(
    server: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    base, _ = server
    big = tmp_path / "큰 파일.bin"
    big.write_bytes(b"\x01" * (3 * 1024 * 1024 + 17))
    reports: list[Progress] = []
    async with make_client(base) as client:
        with ProgressFile(big, reports.append) as handle:
            response = await client.post(
                "/upload", files={"media": (handle.name, cast(BinaryIO, handle))}
            )
    assert response.json()["bytes"] == big.stat().st_size
    fractions = [r.fraction for r in reports]
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)  # type: ignore[type-var]
    assert len(fractions) >= 2


async def test_connection_refused_becomes_network_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with make_client(f"http://127.0.0.1:{port}") as client:
        with pytest.raises(httpx.ConnectError) as info:
            await client.get("/")
    error: SoriError = transport_error(info.value, "test")
    assert isinstance(error, NetworkError) and error.transient
    assert "connect" in error.describe()


def test_status_mapping() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/")
    limited = http_status_error(
        httpx.Response(429, headers={"Retry-After": "7"}, request=request), "x"
    )
    assert isinstance(limited, RateLimitError) and limited.retry_after == 7.0
    assert isinstance(http_status_error(httpx.Response(502, request=request), "x"), ServerError)
    assert http_status_error(httpx.Response(400, request=request), "x") is None
