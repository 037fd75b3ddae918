"""Common machinery of the emulators: the provider base class and the background-thread runner.

:class:`BaseEmulator` builds one aiohttp application with

* a middleware that records each request (:class:`~tests.emulators.faults.RequestLog`), applies
  injected faults (:class:`~tests.emulators.faults.Faults`), turns unknown paths and methods into
  the provider's own 404/405 answers, and drains unread request bodies so error answers reach the
  client instead of a broken pipe;
* control endpoints, never recorded: ``POST /_emulator/faults`` (JSON ``{"kind": "rate_limit",
  "times": 2, ...}``; kinds are the :class:`Faults` method names), ``DELETE /_emulator/faults``,
  ``GET /_emulator/requests`` (the log as JSON) and ``DELETE /_emulator/requests``;
* helpers to read raw, JSON and multipart bodies with size caps, to fetch URLs (CLOVA/NHN URL
  input) and to run background jobs.

:class:`EmulatorServer` runs such an app on 127.0.0.1 (a free port unless one is given) in a
thread with its own event loop, so sync tests, async tests and a person at a shell can all use it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

import aiohttp
from aiohttp import web

from tests.emulators.faults import FaultRule, Faults, FileInfo, RecordedRequest, RequestLog

log = logging.getLogger(__name__)

RECORD_KEY = web.RequestKey("record", RecordedRequest)
# Bodies are streamed and capped by each handler; aiohttp's own cap must never fire first.
UNLIMITED_BODY = 1 << 42
BAD_GATEWAY_PAGE = (
    "<html><head><title>{code} {reason}</title></head><body><h1>{code} {reason}</h1></body></html>"
)
CHUNK = 1 << 16


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON answer with UTF-8 text as is (real services do not escape Hangul)."""
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


class BadBody(Exception):
    """The request body is not what its Content-Type claims (broken JSON or multipart)."""


class FetchFailed(Exception):
    """A URL given to the emulator could not be downloaded."""


class FetchTooLarge(FetchFailed):
    """A URL given to the emulator is larger than the provider accepts."""


@dataclass
class Part:
    """One multipart part; ``data`` holds at most the caller's cap, ``size`` the true size."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes
    size: int

    @property
    def truncated(self) -> bool:
        return self.size > len(self.data)

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


class BaseEmulator(ABC):
    """One provider's server logic. Handlers run on the EmulatorServer's loop thread; the public
    knobs (plain attributes, ``faults``, ``requests``) may be changed from the test thread."""

    name: ClassVar[str]
    known_error_codes: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.faults = Faults(self.known_error_codes)
        self.requests = RequestLog()
        self.internal_errors: list[str] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._session: aiohttp.ClientSession | None = None

    # -- what each provider supplies -------------------------------------------------------
    @abstractmethod
    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Register the provider's endpoints."""

    @abstractmethod
    def credentials(self) -> dict[str, str]:
        """The fixed test credentials, by the provider's own names."""

    @abstractmethod
    def endpoints(self, base_url: str) -> dict[str, str]:
        """Human-readable map of what is served where (for ``python -m tests.emulators``)."""

    @abstractmethod
    def status_error(self, status: int) -> web.Response:
        """The provider's answer for an injected HTTP error ``status`` (4xx/500)."""

    @abstractmethod
    def code_error(self, code: str) -> web.Response:
        """The provider's answer carrying documented error ``code``."""

    def not_found(self, request: web.Request) -> web.Response:
        return self.status_error(404)

    def method_not_allowed(self, request: web.Request) -> web.Response:
        return self.status_error(405)

    # -- application -----------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=UNLIMITED_BODY)
        app.router.add_post("/_emulator/faults", self._control_add_fault)
        app.router.add_delete("/_emulator/faults", self._control_clear_faults)
        app.router.add_get("/_emulator/requests", self._control_requests)
        app.router.add_delete("/_emulator/requests", self._control_clear_requests)
        self.add_routes(app.router)
        app.on_cleanup.append(self._cleanup)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/_emulator/"):
            response: web.StreamResponse = await handler(request)
            return response
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers={key.lower(): value for key, value in request.headers.items()},
        )
        request[RECORD_KEY] = record
        self.requests.append(record)
        rule = self.faults.take(request.method, request.path)
        if rule is not None:
            record.fault = rule.kind
            if rule.kind == "delay":
                await asyncio.sleep(rule.seconds)
            elif rule.kind in ("status", "provider_error"):
                await drain(request)
                refusal = self._fault_answer(rule)
                record.status = refusal.status
                return refusal
        answer: web.StreamResponse
        try:
            answer = await handler(request)
        except web.HTTPMethodNotAllowed:
            answer = self.method_not_allowed(request)
        except web.HTTPNotFound:
            answer = self.not_found(request)
        except Exception as exc:
            log.exception("emulator %s failed on %s", self.name, record.line)
            self.internal_errors.append(f"{record.line}: {type(exc).__name__}: {exc}")
            answer = self.status_error(500)
        await drain(request)
        if rule is not None and rule.kind == "malformed_json":
            answer = _truncated(answer)
        if rule is not None and rule.kind == "drop":
            return await _drop(request, answer, rule.stage)
        if rule is not None and rule.kind == "trickle":
            return await _trickle(request, answer, rule.seconds)
        if rule is not None and rule.kind == "huge_body":
            return await _huge(request, rule.size, declared=rule.declared)
        record.status = answer.status
        return answer

    def _fault_answer(self, rule: FaultRule) -> web.Response:
        if rule.kind == "provider_error":
            answer = self.code_error(rule.code)
        elif rule.status in (502, 503, 504):
            reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
            page = BAD_GATEWAY_PAGE.format(code=rule.status, reason=reason[rule.status])
            answer = web.Response(status=rule.status, text=page, content_type="text/html")
        else:
            answer = self.status_error(rule.status)
        if rule.retry_after is not None:
            answer.headers["Retry-After"] = f"{rule.retry_after:g}"
        return answer

    async def _control_add_fault(self, request: web.Request) -> web.Response:
        try:
            self.faults.add_from_json(await request.json())
        except (ValueError, TypeError) as exc:
            return json_response({"error": str(exc)}, status=400)
        return json_response({"pending": self.faults.pending()})

    async def _control_clear_faults(self, request: web.Request) -> web.Response:
        self.faults.clear()
        return json_response({"pending": 0})

    async def _control_requests(self, request: web.Request) -> web.Response:
        return json_response([item.to_dict() for item in self.requests.all()])

    async def _control_clear_requests(self, request: web.Request) -> web.Response:
        self.requests.clear()
        return json_response({"cleared": True})

    # -- helpers for handlers --------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a background job on the server loop, keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait_background(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def fetch(self, url: str, max_bytes: int) -> bytes:
        """Download ``url``; raises :class:`FetchFailed` or :class:`FetchTooLarge`."""
        if not url.startswith(("http://", "https://")):
            raise FetchFailed(f"unsupported URL scheme in {url!r}")
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        try:
            async with self._session.get(url) as response:
                if response.status != 200:
                    raise FetchFailed(f"HTTP {response.status} from {url}")
                data = bytearray()
                async for chunk in response.content.iter_chunked(CHUNK):
                    data += chunk
                    if len(data) > max_bytes:
                        raise FetchTooLarge(f"{url} is larger than {max_bytes} bytes")
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise FetchFailed(f"{type(exc).__name__} while fetching {url}: {exc}") from exc

    async def _cleanup(self, app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._session is not None:
            await self._session.close()


# -- body readers ------------------------------------------------------------------------------
async def drain(request: web.Request) -> None:
    """Read and discard whatever the handler left unread, counting it in the record."""
    record = request.get(RECORD_KEY)
    while True:
        chunk = await request.content.readany()
        if not chunk:
            return
        if record is not None:
            record.body_size += len(chunk)


async def read_raw(request: web.Request, cap: int) -> tuple[bytes, int]:
    """The raw body, keeping at most ``cap`` bytes; returns (kept bytes, true size)."""
    record = request[RECORD_KEY]
    data = bytearray()
    size = 0
    while chunk := await request.content.read(CHUNK):
        size += len(chunk)
        if len(data) <= cap:
            data += chunk[: cap + 1 - len(data)]
    record.body_size += size
    record.files.setdefault("<body>", []).append(
        FileInfo(None, request.headers.get("Content-Type"), size)
    )
    return bytes(data), size


async def read_json(request: web.Request, cap: int = 1 << 20) -> Any:
    """The JSON body; raises :class:`BadBody` when it is not JSON or larger than ``cap``."""
    data, size = await read_raw(request, cap)
    record = request[RECORD_KEY]
    record.files.pop("<body>", None)
    if size > cap:
        raise BadBody("JSON body too large")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadBody(f"body is not JSON: {exc}") from exc
    record.json_body = value
    return value


async def read_multipart(request: web.Request, file_fields: set[str], cap: int) -> list[Part]:
    """All parts of a multipart body, each kept up to ``cap`` bytes. Parts named in
    ``file_fields`` (or carrying a filename) are recorded as files, the rest as text fields."""
    record = request[RECORD_KEY]
    parts: list[Part] = []
    try:
        reader = await request.multipart()
        while (item := await reader.next()) is not None:
            if not isinstance(item, aiohttp.BodyPartReader):
                raise BadBody("nested multipart is not accepted")
            data = bytearray()
            size = 0
            while chunk := await item.read_chunk(CHUNK):
                size += len(chunk)
                if len(data) <= cap:
                    data += chunk[: cap + 1 - len(data)]
            record.body_size += size
            part = Part(
                name=item.name or "",
                filename=item.filename,
                content_type=item.headers.get("Content-Type"),
                data=bytes(data[:cap]) if size > cap else bytes(data),
                size=size,
            )
            parts.append(part)
            if part.name in file_fields or part.filename is not None:
                info = FileInfo(part.filename, part.content_type, size)
                record.files.setdefault(part.name, []).append(info)
            else:
                record.form.setdefault(part.name, []).append(part.text())
    except (ValueError, AssertionError, RuntimeError, KeyError) as exc:
        raise BadBody(f"body is not valid multipart/form-data: {exc}") from exc
    return parts


def content_type_is(request: web.Request, *accepted: str) -> bool:
    """Whether the request's media type (parameters ignored) is one of ``accepted``."""
    return "Content-Type" in request.headers and request.content_type in accepted


# -- broken answers ------------------------------------------------------------------------------
def _body_bytes(answer: web.StreamResponse) -> bytes:
    body = getattr(answer, "body", None)
    return body if isinstance(body, bytes) else b""


def _truncated(answer: web.StreamResponse) -> web.StreamResponse:
    body = _body_bytes(answer)
    broken = web.Response(status=answer.status, body=body[: len(body) // 2])
    broken.content_type = "application/json"
    for key, value in answer.headers.items():
        if key.lower() not in ("content-type", "content-length"):
            broken.headers[key] = value
    return broken


async def _drop(request: web.Request, answer: web.StreamResponse, stage: str) -> web.StreamResponse:
    transport = request.transport
    if stage == "no_response":
        if transport is not None:
            transport.close()
        return answer
    body = _body_bytes(answer)
    stream = web.StreamResponse(status=answer.status)
    for key, value in answer.headers.items():
        if key.lower() != "content-length":
            stream.headers[key] = value
    stream.content_length = len(body)
    await stream.prepare(request)
    if stage == "mid_body":
        await stream.write(body[: len(body) // 2])
    if transport is not None:
        transport.close()
    return stream


async def _trickle(
    request: web.Request, answer: web.StreamResponse, seconds: float
) -> web.StreamResponse:
    body = _body_bytes(answer)
    stream = web.StreamResponse(status=answer.status)
    for key, value in answer.headers.items():
        if key.lower() != "content-length":
            stream.headers[key] = value
    stream.content_length = len(body)
    await stream.prepare(request)
    try:
        for index in range(len(body)):
            await stream.write(body[index : index + 1])
            await asyncio.sleep(seconds)
    except (ConnectionError, RuntimeError):
        return stream  # the client gave up, as it should
    await stream.write_eof()
    return stream


async def _huge(request: web.Request, size: int, *, declared: bool) -> web.StreamResponse:
    stream = web.StreamResponse(status=200)
    stream.content_type = "application/json"
    if declared:
        stream.content_length = size
    await stream.prepare(request)
    block = b" " * (1 << 20)
    try:
        await stream.write(b'{"text": "')
        sent = 10
        while sent < size - 2:
            part = block[: min(len(block), size - 2 - sent)]
            await stream.write(part)
            sent += len(part)
        await stream.write(b'"}')
    except (ConnectionError, RuntimeError):
        return stream
    await stream.write_eof()
    return stream


def refused_url() -> str:
    """An http://127.0.0.1 address where nothing listens: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# -- runner --------------------------------------------------------------------------------------
E = TypeVar("E", bound=BaseEmulator)


class EmulatorServer(Generic[E]):
    """Serves one emulator on 127.0.0.1 from a dedicated thread running its own asyncio loop.

    ``start()`` returns once the socket listens; ``stop()`` shuts the app down and joins the
    thread. Usable as a context manager (sync or async); entering an already started server
    (e.g. from :func:`tests.emulators.start_emulator`) just stops it on exit."""

    def __init__(self, emulator: E, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self.host = host
        self._requested_port = port
        self.port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("the emulator is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def faults(self) -> Faults:
        return self.emulator.faults

    @property
    def requests(self) -> RequestLog:
        return self.emulator.requests

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(
            target=self._run, name=f"emulator-{self.emulator.name}", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise RuntimeError(f"emulator could not start: {self._error}") from self._error
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        self._thread = None
        self.port = 0

    def wait_background(self, timeout: float = 30.0) -> None:
        """Block until the emulator's background jobs (downloads, decoding, callbacks) end."""
        if self._loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(self.emulator.wait_background(), self._loop)
        future.result(timeout)

    def __enter__(self) -> Self:
        return self if self._thread is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        if self._thread is not None:
            return self
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        finally:
            loop.close()
            self._ready.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        runner = web.AppRunner(
            self.emulator.build_app(), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self._requested_port, reuse_address=True)
            await site.start()
            self.port = int(runner.addresses[0][1])
        except OSError as exc:
            self._error = exc
            await runner.cleanup()
            return
        finally:
            self._ready.set()
        await self._stop.wait()
        await runner.cleanup()
