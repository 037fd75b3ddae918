"""Shared HTTP plumbing for cloud engines: endpoint checks, clients, retries, upload progress.

* :func:`check_endpoint` allows plain ``http`` only for loopback addresses (local emulators);
  TLS verification is never turned off.
* :func:`with_retries` retries transient :class:`SoriError` s (network, 5xx, 429) with
  exponential backoff and full jitter, honouring ``Retry-After``; permanent errors fail at once.
* :func:`transport_error` converts httpx exceptions into the exception tree.
* :class:`ProgressFile` wraps a file so multipart uploads stream from disk and report bytes sent.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TypeVar
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


def check_endpoint(url: str, *, schemes: tuple[str, ...] = ("https", "http")) -> str:
    """Validate a base URL and return it without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigurationError(
            f"'{url}' is not a valid endpoint URL",
            fix="Write it as https://host[/path].",
            message_ko=f"'{url}'은(는) 올바른 엔드포인트 URL이 아닙니다",
            fix_ko="https://호스트[/경로] 형식으로 쓰세요.",
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"Plain http is only allowed for this computer, not for {parts.hostname}",
            fix="Use an https:// address.",
            message_ko=f"암호화되지 않은 http는 이 컴퓨터 주소에만 쓸 수 있습니다({parts.hostname})",
            fix_ko="https:// 주소를 쓰세요.",
        )
    return url.strip().rstrip("/")


def make_client(
    base_url: str, *, timeout: float = 60.0, connect: float = 15.0
) -> httpx.AsyncClient:
    """An AsyncClient with certificate checks on and sane time limits."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=connect),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
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
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(
            f"{engine}: the service did not answer in time",
            message_ko=f"{engine}: 서비스가 제시간에 응답하지 않았습니다",
        )
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(
            f"{engine}: cannot connect to the service",
            message_ko=f"{engine}: 서비스에 연결할 수 없습니다",
        )
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return NetworkError(
            f"{engine}: the connection was dropped",
            message_ko=f"{engine}: 연결이 끊어졌습니다",
        )
    return NetworkError(
        f"{engine}: network error ({type(exc).__name__})",
        message_ko=f"{engine}: 네트워크 오류({type(exc).__name__})",
    )


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
            if not exc.transient or attempt >= policy.attempts:
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
