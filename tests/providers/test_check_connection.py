"""``Provider.check_connection`` (Settings' Test connection) against the local emulators.

Each engine makes one cheap real request: right keys pass, wrong keys give an AuthError that
names the fix without echoing the secret, a wrong address gives a ConfigurationError or a
NetworkError. The offline engine checks its model folder; engines without a test say so.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.errors import (
    AuthError,
    ConfigurationError,
    EngineUnavailableError,
    NetworkError,
    SoriError,
    UnsupportedOptionError,
)
from desktop_app.providers import registry
from desktop_app.providers.base import ProviderConfig
from desktop_app.providers.rtzr.auth import clear_token_cache
from tests.emulators import (
    CLOVA_INVOKE_PATH,
    CLOVA_SPEECH_SECRET,
    CSR_CLIENT_ID,
    CSR_CLIENT_SECRET,
    NHN_APP_KEY,
    NHN_SECRET_KEY,
    RTZR_CLIENT_ID,
    RTZR_CLIENT_SECRET,
    start_emulator,
)
from tests.emulators.server import BaseEmulator, EmulatorServer

FAST = {"retry_attempts": 2, "retry_base_delay": 0.01}

# engine → (emulator, path under the base URL, right credentials, the secret field's name)
CASES: dict[str, tuple[str, str, dict[str, str], str]] = {
    "clova-csr": (
        "clova_csr",
        "",
        {"client_id": CSR_CLIENT_ID, "client_secret": CSR_CLIENT_SECRET},
        "client_secret",
    ),
    "clova-speech": ("clova_speech", CLOVA_INVOKE_PATH, {"secret": CLOVA_SPEECH_SECRET}, "secret"),
    "nhn": ("nhn", "", {"appkey": NHN_APP_KEY, "secret": NHN_SECRET_KEY}, "secret"),
    "rtzr": (
        "rtzr",
        "",
        {"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET},
        "client_secret",
    ),
}
WRONG_SECRET = "wrong-secret-0123456789"


@pytest.fixture(params=sorted(CASES))
def engine(request: pytest.FixtureRequest) -> Iterator[tuple[str, EmulatorServer[BaseEmulator]]]:
    clear_token_cache()
    with start_emulator(CASES[request.param][0]) as server:
        yield request.param, server
    clear_token_cache()


def check(name: str, endpoint: str, credentials: dict[str, str], **settings: Any) -> None:
    config = ProviderConfig(
        endpoint=endpoint, credentials=credentials, settings={**FAST, **settings}
    )
    provider = registry.create(name, config)

    async def run() -> None:
        try:
            await provider.check_connection()
        finally:
            await provider.aclose()

    asyncio.run(run())


def test_right_keys_pass_with_one_request(
    engine: tuple[str, EmulatorServer[BaseEmulator]],
) -> None:
    name, server = engine
    _, path, creds, _ = CASES[name]
    check(name, server.base_url + path, dict(creds))
    assert len(server.requests.all()) == 1
    assert not server.emulator.internal_errors


def test_wrong_secret_is_an_auth_error_without_the_secret(
    engine: tuple[str, EmulatorServer[BaseEmulator]],
) -> None:
    name, server = engine
    _, path, creds, secret_field = CASES[name]
    with pytest.raises(AuthError) as info:
        check(name, server.base_url + path, {**creds, secret_field: WRONG_SECRET})
    for language in ("en", "ko"):
        text = info.value.describe(language)
        assert WRONG_SECRET not in text
        assert text.strip()


def test_clova_speech_wrong_invoke_url_names_it() -> None:
    with start_emulator("clova_speech") as server, pytest.raises(ConfigurationError) as info:
        check("clova-speech", server.base_url + "/external/v1/1/nope", {"secret": "x" * 12})
    assert info.value.code == "300"
    assert "InvokeURL" in info.value.describe()


def test_clova_speech_without_invoke_url_says_where_to_set_it() -> None:
    config = ProviderConfig(credentials={"secret": CLOVA_SPEECH_SECRET})
    provider = registry.create("clova-speech", config)
    with pytest.raises(ConfigurationError) as info:
        asyncio.run(provider.check_connection())
    assert "InvokeURL" in info.value.describe()


def test_nhn_wrong_app_key_is_an_auth_error() -> None:
    with start_emulator("nhn") as server, pytest.raises(AuthError) as info:
        check("nhn", server.base_url, {"appkey": "NotTheAppKey", "secret": NHN_SECRET_KEY})
    assert info.value.code == "4010001"


def test_nothing_listening_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError):
        check("nhn", f"http://127.0.0.1:{port}", {"appkey": "a", "secret": "b"})


def test_offline_engine_checks_its_model(tmp_path: Path) -> None:
    check("local", "", {})
    with pytest.raises(EngineUnavailableError) as info:
        check("local", "", {}, model_path=str(tmp_path / "missing"))
    assert "missing" in info.value.describe()


def test_engines_without_a_test_say_so() -> None:
    cls = registry.provider_class("clova-stream")
    assert not cls.can_check_connection()
    with pytest.raises(UnsupportedOptionError):
        asyncio.run(cls(ProviderConfig()).check_connection())
    for name in ("local", "clova-csr", "clova-speech", "nhn", "rtzr"):
        assert registry.provider_class(name).can_check_connection()


class _NotTheService(BaseHTTPRequestHandler):
    """Some other web server at the configured address: every path answers ``status`` with an
    HTML page, whatever the keys."""

    status = 404

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b"<html><body>Not Found</body></html>"
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _FriendlyPage(_NotTheService):
    status = 200


@pytest.mark.parametrize("handler", [_NotTheService, _FriendlyPage], ids=["404", "200"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_another_web_server_does_not_pass(name: str, handler: type[_NotTheService]) -> None:
    """A plain 404 (or a friendly 200 page) proves neither the address nor the keys."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        _emulator, path, credentials, _secret = CASES[name]
        endpoint = f"http://127.0.0.1:{httpd.server_address[1]}{path}"
        clear_token_cache()
        with pytest.raises(SoriError) as info:
            check(name, endpoint, dict(credentials))
        assert info.value.describe().strip()
        assert info.value.describe("ko").strip()
    finally:
        httpd.shutdown()
        httpd.server_close()
        clear_token_cache()
