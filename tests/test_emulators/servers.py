"""Helpers for the emulator self-tests: typed server aliases and a tiny real HTTP file server
on 127.0.0.1 (serves bytes for URL input, records POSTs for callbacks)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.emulators import (
    ClovaCsrEmulator,
    ClovaSpeechEmulator,
    EmulatorServer,
    NhnEmulator,
    RtzrEmulator,
)

CsrServer = EmulatorServer[ClovaCsrEmulator]
ClovaServer = EmulatorServer[ClovaSpeechEmulator]
NhnServer = EmulatorServer[NhnEmulator]
RtzrServer = EmulatorServer[RtzrEmulator]


class FileServer:
    """Serves registered byte strings by path and records POSTed bodies (runs its own thread)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.posts: list[tuple[str, bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = owner.files.get(self.path)
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                owner.posts.append((self.path, self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def add(self, path: str, data: bytes) -> str:
        self.files[path] = data
        return self.base_url + path

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
