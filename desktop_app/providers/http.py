"""Shared HTTP plumbing for cloud engines: endpoint checks, clients, retries, upload progress.

* :func:`check_endpoint` allows plain ``http`` only for loopback addresses (local emulators);
  TLS verification is never turned off.
* :func:`with_retries` retries transient :class:`SoriError` s (network, 5xx, 429) with
  exponential backoff and full jitter, honouring ``Retry-After``; permanent errors fail at once.
* :func:`transport_error` converts httpx exceptions into the exception tree; :func:`send` sends
  one request with that conversion.
* :class:`ProgressFile` wraps a file so multipart uploads stream from disk and report bytes sent.
* :func:`make_client` gives every request an overall deadline (not only a per-read timeout, which
  a server trickling one byte at a time never trips) and caps the size of every answer
  (:class:`GuardedTransport`); connection refused is retried once, not with the full backoff.
* :func:`create_remote_job` sends a request that creates work on the service: a lost answer is
  retried at most once, and the caller adds :func:`duplicate_job_notice` to the transcript.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, TypeVar
from urllib.parse import urlsplit

import httpx

from desktop_app import __version__
from desktop_app.core.errors import (
    ConfigurationError,
    NetworkError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.core.progress import Progress, ProgressCallback
from desktop_app.core.transcript import Notice

log = logging.getLogger(__name__)
T = TypeVar("T")

USER_AGENT = f"Sori/{__version__}"


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(
    url: str,
    *,
    schemes: tuple[str, ...] = ("https", "http"),
    what: tuple[str, str] = ("a valid endpoint URL", "올바른 엔드포인트 URL"),
    fix: tuple[str, str] = (
        "Write it as https://host[/path].",
        "https://호스트[/경로] 형식으로 쓰세요.",
    ),
) -> str:
    """Validate a base URL (or another address Sori sends to, named by ``what``, with ``fix``
    in English and Korean) and return it without a trailing slash. Plain http only reaches
    this computer: anything else would cross the network unencrypted."""
    parts = urlsplit(url.strip())
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigurationError(
            f"'{url}' is not {what[0]}",
            fix=fix[0],
            message_ko=f"'{url}'은(는) {what[1]}이 아닙니다",
            fix_ko=fix[1],
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"Plain http is only allowed for this computer, not for {parts.hostname}",
            fix="Use an https:// address.",
            message_ko=f"암호화되지 않은 http는 이 컴퓨터 주소에만 쓸 수 있습니다({parts.hostname})",
            fix_ko="https:// 주소를 쓰세요.",
        )
    return url.strip().rstrip("/")


MAX_ANSWER_BYTES = 32 * 1024 * 1024
"""No service answer Sori reads is near this size; a larger one is refused, not buffered."""
UPLOAD_BYTES_PER_SECOND = 64 * 1024
"""Slowest upload rate allowed for in a request's deadline (a large file takes longer)."""
CONNECT_SECONDS = 8.0


class AnswerTooLargeError(httpx.TransportError):
    """An answer larger than the cap; raised inside httpx's reading so callers see it there."""


class DeadlineExceededError(httpx.ReadTimeout):
    """A request that did not finish within its overall deadline."""


class _GuardedStream(httpx.AsyncByteStream):
    """An answer body read under the request's deadline and size cap (engine loop thread)."""

    def __init__(
        self, inner: httpx.AsyncByteStream, request: httpx.Request, deadline: float, cap: int
    ) -> None:
        self._inner = inner
        self._request = request
        self._deadline = deadline
        self._cap = cap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        chunks = self._inner.__aiter__()
        while True:
            try:
                async with asyncio.timeout_at(self._deadline):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise DeadlineExceededError("overall deadline", request=self._request) from None
            received += len(chunk)
            if received > self._cap:
                raise AnswerTooLargeError(f"over {self._cap} bytes", request=self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """Wraps httpx's transport: each request must end within ``deadline`` seconds (plus time
    for its upload at :data:`UPLOAD_BYTES_PER_SECOND`) and its answer within ``max_bytes``."""

    def __init__(self, deadline: float, max_bytes: int = MAX_ANSWER_BYTES) -> None:
        self._inner = httpx.AsyncHTTPTransport(retries=0)
        self.deadline = deadline
        self.max_bytes = max_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        upload = int(request.headers.get("Content-Length") or 0)
        read = (request.extensions.get("timeout") or {}).get("read")
        # A request given a longer read timeout of its own (a synchronous recognition) gets
        # a deadline to match.
        base = self.deadline if read is None else max(self.deadline, 2 * float(read))
        budget = base + upload / UPLOAD_BYTES_PER_SECOND
        deadline = asyncio.get_running_loop().time() + budget
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._inner.handle_async_request(request)
        except TimeoutError:
            raise DeadlineExceededError("overall deadline", request=request) from None
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await response.aclose()
            raise AnswerTooLargeError(f"{declared} bytes declared", request=request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_GuardedStream(response.stream, request, deadline, self.max_bytes),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def make_client(
    base_url: str,
    *,
    timeout: float = 60.0,
    connect: float = CONNECT_SECONDS,
    deadline: float | None = None,
    max_bytes: int = MAX_ANSWER_BYTES,
) -> httpx.AsyncClient:
    """An AsyncClient with certificate checks on, sane time limits, an overall deadline per
    request (``deadline``, default twice ``timeout``) and a cap on the size of answers."""
    overall = deadline if deadline is not None else 2 * timeout
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=connect),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        transport=GuardedTransport(overall, max_bytes),
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def transport_error(exc: httpx.HTTPError, engine: str) -> SoriError:
    """A user-facing error for an httpx failure that has no HTTP response."""
    if isinstance(exc, AnswerTooLargeError):
        return OversizedAnswerError(
            f"{engine}: the service sent an answer too large to read ({exc})",
            fix="Check the endpoint address in Settings; it may not be the speech service.",
            message_ko=f"{engine}: 서비스 응답이 너무 커서 읽지 않았습니다({exc})",
            fix_ko="설정의 엔드포인트 주소를 확인하세요. 음성 인식 서비스가 아닐 수 있습니다.",
        )
    for kinds, error, message, message_ko in _TRANSPORT_ERRORS:
        if isinstance(exc, kinds):
            return error(f"{engine}: {message}", message_ko=f"{engine}: {message_ko}")
    name = type(exc).__name__
    return NetworkError(
        f"{engine}: network error ({name})", message_ko=f"{engine}: 네트워크 오류({name})"
    )


def not_the_service(engine: str, status: int, address: str) -> ConfigurationError:
    """For a connection test answered by something that is not the speech service."""
    return ConfigurationError(
        f"{engine}: the address answered (HTTP {status}), but not the way the service does, so "
        "it proves neither the address nor the keys",
        fix=f"Check the {address} in Settings.",
        message_ko=f"{engine}: 주소가 응답했지만(HTTP {status}) 서비스의 응답 형식이 아니어서 "
        "주소와 키를 확인할 수 없습니다",
        fix_ko=f"설정에서 {address}을(를) 확인하세요.",
    )


class CannotConnectError(NetworkError):
    """The service's address refused or did not take the connection; retried only once, so a
    wrong address or a service that is down fails within seconds."""


class OversizedAnswerError(ServerError):
    """An answer over the size cap: permanent, a retry would fetch the same."""

    transient = False


class ResponseLostError(NetworkError):
    """The request went out but its answer did not come back (dropped, timed out): the
    service may have acted on it. See :func:`create_remote_job`."""


class RepeatedLossError(NetworkError):
    """A job-creating request whose answer was lost twice; not retried again."""

    transient = False


CONNECT_ATTEMPTS = 2

_DROPPED = ("the connection was dropped", "연결이 끊어졌습니다")
# httpx failure → (error, English, Korean) for transport_error; the first match wins.
_TRANSPORT_ERRORS: tuple[
    tuple[type[Exception] | tuple[type[Exception], ...], type[SoriError], str, str], ...
] = (
    (DeadlineExceededError, ResponseLostError, "the service did not finish answering in time",
     "서비스가 제시간에 응답을 마치지 않았습니다"),
    (httpx.ConnectTimeout, CannotConnectError, "the service did not take the connection in time",
     "서비스가 제시간에 연결을 받지 않았습니다"),
    (httpx.TimeoutException, ResponseLostError, "the service did not answer in time",
     "서비스가 제시간에 응답하지 않았습니다"),
    (httpx.ConnectError, CannotConnectError, "cannot connect to the service",
     "서비스에 연결할 수 없습니다"),
    (httpx.WriteError, NetworkError, *_DROPPED),
    ((httpx.RemoteProtocolError, httpx.ReadError), ResponseLostError, *_DROPPED),
)  # fmt: skip


def duplicate_job_notice(engine: str) -> Notice:
    """The notice for a transcript whose job request was sent twice after a lost answer."""
    return Notice(
        "duplicate-job",
        f"{engine}: the answer to the job request was lost and the request was sent again, so "
        "the service may have received it twice; check its console for a second job and its "
        "cost.",
        f"{engine}: 작업 요청의 응답이 사라져 요청을 다시 보냈으므로 서비스가 작업을 두 번 받았을 "
        "수 있습니다. 콘솔에서 중복 작업과 요금을 확인하세요.",
    )


async def create_remote_job(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    engine: str,
) -> tuple[T, bool]:
    """Send a request that creates work on the service (a job, a synchronous recognition).

    Failures before the service could have acted (refused, 5xx, 429) are retried as usual; a
    lost answer (:class:`ResponseLostError`) is retried at most once, since the service may
    have created the job. Returns the result and whether a lost answer was retried; the caller
    then adds :func:`duplicate_job_notice` to the transcript.
    """
    lost = 0

    async def guarded() -> T:
        nonlocal lost
        try:
            return await call()
        except ResponseLostError as exc:
            lost += 1
            if lost == 1:
                log.warning(
                    "%s: the answer to a job request was lost; sending it once more, so the "
                    "service may receive it twice",
                    engine,
                )
                raise
            raise RepeatedLossError(
                f"{exc.message} (twice; the service may hold the job twice)",
                fix="Check the service's console for the job before trying again.",
                message_ko=f"{exc.message_ko or exc.message} (두 번; 서비스에 작업이 두 번 있을 수 "
                "있습니다)",
                fix_ko="다시 시도하기 전에 서비스 콘솔에서 작업을 확인하세요.",
            ) from None

    result = await with_retries(guarded, policy)
    return result, lost > 0


def http_status_error(response: httpx.Response, engine: str) -> SoriError | None:
    """Generic mapping for statuses an engine did not map itself (429, 5xx)."""
    if response.status_code == 429:
        return RateLimitError(
            f"{engine}: too many requests",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            message_ko=f"{engine}: 요청이 너무 많습니다",
        )
    if response.status_code >= 500:
        return ServerError(
            f"{engine}: the service failed (HTTP {response.status_code})",
            message_ko=f"{engine}: 서비스 오류(HTTP {response.status_code})",
        )
    return None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(self.max_delay, retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> RetryPolicy:
        """The policy an engine's settings ask for (``retry_attempts``, ``retry_base_delay``)."""
        return cls(
            attempts=int(settings.get("retry_attempts", 5)),
            base_delay=float(settings.get("retry_base_delay", 0.5)),
        )


async def send(
    client: httpx.AsyncClient, method: str, url: str, *, engine: str, **kwargs: Any
) -> httpx.Response:
    """One request; an httpx failure with no answer becomes a :class:`SoriError`."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise transport_error(exc, engine) from None


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy = RetryPolicy(),
    *,
    on_retry: Callable[[SoriError, float], None] | None = None,
) -> T:
    """Run ``call`` until it succeeds, a permanent error occurs or attempts run out."""
    attempt = 0
    while True:
        try:
            return await call()
        except SoriError as exc:
            attempt += 1
            limit = CONNECT_ATTEMPTS if isinstance(exc, CannotConnectError) else policy.attempts
            if not exc.transient or attempt >= min(limit, policy.attempts):
                raise
            retry_after = exc.retry_after if isinstance(exc, RateLimitError) else None
            wait = policy.delay(attempt - 1, retry_after)
            log.info("retrying after %s (%.2fs, attempt %d)", type(exc).__name__, wait, attempt)
            if on_retry is not None:
                on_retry(exc, wait)
            await asyncio.sleep(wait)


class ProgressFile:
    """A read-only file that reports bytes read, so httpx streams uploads from disk in chunks
    and the UI sees upload progress. Used from the engine loop thread."""

    def __init__(self, path: Path, progress: ProgressCallback, *, stage: str = "uploading") -> None:
        self._file: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by close()/__exit__
        self.name = path.name
        self.size = path.stat().st_size
        self._progress = progress
        self._sent = 0
        self._last = 0.0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._sent = self._file.tell()
        now = time.monotonic()
        if now - self._last >= 0.1 or not data or self._sent >= self.size:
            self._last = now
            fraction = self._sent / self.size if self.size else 1.0
            self._progress(Progress("uploading", min(1.0, fraction)))
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def fileno(self) -> int:
        return self._file.fileno()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ProgressFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
