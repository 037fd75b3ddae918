"""Access tokens for the Return Zero (RTZR / VITO) OpenAPI, shared by the batch and live engines.

``POST {base}/v1/authenticate`` with the form fields ``client_id`` and ``client_secret`` answers
``{"access_token": "<JWT>", "expire_at": <Unix seconds>}``; every other call then carries
``Authorization: Bearer <token>``. A token lives six hours, so one is fetched per process and
client, kept in memory only (never on disk, never in a log), reused by every job, and replaced
when it comes within :data:`REFRESH_MARGIN` seconds of ``expire_at`` or when the service answers
401 (H0002: expired or revoked). Jobs that run at the same time share one refresh: the first
takes an :class:`asyncio.Lock` and fetches, the others wait on it and then use the new token.

The cache is keyed by base URL, client id and a digest of the secret, so a wrong secret never
rides on a token fetched with the right one. Sign-in errors: 400 H0001 and 401 H0002 are
:class:`~desktop_app.core.errors.AuthError` (the keys are wrong or missing); 500 E500, 429 and
network failures are retried with backoff.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from desktop_app.core.errors import AuthError, ServerError
from desktop_app.providers.http import (
    RetryPolicy,
    check_endpoint,
    make_client,
    send,
    with_retries,
)
from desktop_app.providers.rtzr.errors import SIGN_IN_FIX, error_body, rtzr_error

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://openapi.vito.ai"
REFRESH_MARGIN = 300.0
"""Seconds before ``expire_at`` at which a token is no longer handed out (at most half of its
lifetime)."""
FALLBACK_LIFETIME = 3600.0
"""Assumed lifetime when neither the answer nor the token says when it expires."""

CacheKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A bearer token, when it expires and when to stop handing it out (Unix seconds)."""

    value: str = field(repr=False)
    expire_at: float
    refresh_at: float

    @classmethod
    def issued(cls, value: str, expire_at: float, now: float, margin: float) -> AccessToken:
        # A token shorter-lived than twice the margin is still used for half its life, so a
        # service that hands out short tokens is not asked again before every request.
        lifetime = max(0.0, expire_at - now)
        return cls(value, expire_at, expire_at - min(margin, lifetime / 2))

    def usable(self, now: float) -> bool:
        return now < self.refresh_at


_tokens: dict[CacheKey, AccessToken] = {}
_guard = threading.Lock()
# asyncio locks belong to one event loop; the app has one engine loop, tests start many.
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[CacheKey, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)
_fetches = 0


def clear_token_cache() -> None:
    """Forget every cached token (after credentials change, and between tests)."""
    with _guard:
        _tokens.clear()


def tokens_fetched() -> int:
    """How many tokens this process has fetched so far (for diagnostics and tests)."""
    with _guard:
        return _fetches


def _claimed_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT, read without verifying it (only to schedule a refresh)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return float(claims["exp"])
    except (ValueError, KeyError, TypeError):
        return None


class RtzrAuth:
    """Hands out valid tokens for one base URL and client. Its coroutines run on the engine
    loop thread; the token cache behind it is shared by all threads and loops of the process."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        engine: str = "rtzr",
        policy: RetryPolicy | None = None,
        margin: float = REFRESH_MARGIN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = check_endpoint(base_url)
        self.engine = engine
        self._client_id = client_id
        self._secret = client_secret
        self._policy = policy or RetryPolicy()
        self._margin = margin
        self._clock = clock
        digest = hashlib.sha256(client_secret.encode("utf-8")).hexdigest()[:16]
        self._key: CacheKey = (self.base_url, client_id, digest)

    def __repr__(self) -> str:
        return f"RtzrAuth(base_url={self.base_url!r}, client_id={self._client_id!r})"

    @staticmethod
    def headers(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def cached(self) -> AccessToken | None:
        """The cached token if it is still good for more than the refresh margin."""
        with _guard:
            token = _tokens.get(self._key)
        if token is not None and token.usable(self._clock()):
            return token
        return None

    def forget(self) -> None:
        """Drop this client's cached token."""
        with _guard:
            _tokens.pop(self._key, None)

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with _guard:
            per_loop = _locks.setdefault(loop, {})
            return per_loop.setdefault(self._key, asyncio.Lock())

    async def token(self, client: httpx.AsyncClient | None = None) -> str:
        """A token valid for at least the refresh margin, fetching one only when needed."""
        cached = self.cached()
        if cached is not None:
            return cached.value
        async with self._lock():
            cached = self.cached()  # another job may have fetched it while we waited
            if cached is not None:
                return cached.value
            return (await self._fetch(client)).value

    async def refresh(self, stale: str, client: httpx.AsyncClient | None = None) -> str:
        """A new token after the service refused ``stale``; concurrent callers share one fetch."""
        async with self._lock():
            with _guard:
                current = _tokens.get(self._key)
                if current is not None and current.value == stale:
                    del _tokens[self._key]
                    current = None
            if current is not None and current.usable(self._clock()):
                return current.value
            return (await self._fetch(client)).value

    async def send(
        self,
        client: httpx.AsyncClient,
        request: Callable[[dict[str, str]], Awaitable[httpx.Response]],
    ) -> httpx.Response:
        """Run ``request(auth_headers)``; on a 401 refresh the token once and run it again."""
        token = await self.token(client)
        response = await request(self.headers(token))
        if response.status_code != 401:
            return response
        log.info("%s: token refused (HTTP 401), signing in again", self.engine)
        token = await self.refresh(token, client)
        return await request(self.headers(token))

    async def _fetch(self, client: httpx.AsyncClient | None) -> AccessToken:
        if client is not None:
            return await with_retries(lambda: self._authenticate(client), self._policy)
        async with make_client(self.base_url) as own:
            return await with_retries(lambda: self._authenticate(own), self._policy)

    async def _authenticate(self, client: httpx.AsyncClient) -> AccessToken:
        global _fetches
        response = await send(
            client,
            "POST",
            f"{self.base_url}/v1/authenticate",
            engine=self.engine,
            data={"client_id": self._client_id, "client_secret": self._secret},
            headers={"Accept": "application/json"},
        )
        if response.status_code in (400, 401, 403):
            code, _ = error_body(response)
            raise AuthError(
                f"{self.engine}: the Client ID or Client Secret was refused",
                fix=SIGN_IN_FIX[0],
                message_ko=f"{self.engine}: Client ID 또는 Client Secret이 거부되었습니다",
                fix_ko=SIGN_IN_FIX[1],
                code=code,
            )
        if response.status_code != 200:
            raise rtzr_error(response, self.engine)
        token = self._parse(response)
        with _guard:
            _tokens[self._key] = token
            _fetches += 1
        remaining = token.expire_at - self._clock()
        log.info("%s: signed in; token valid for %.0f s", self.engine, remaining)
        return token

    def _parse(self, response: httpx.Response) -> AccessToken:
        try:
            body: Any = response.json()
            value = body["access_token"]
            if not isinstance(value, str) or not value:
                raise TypeError("access_token is not a string")
        except (ValueError, KeyError, TypeError):
            raise ServerError(
                f"{self.engine}: the sign-in answer could not be read",
                message_ko=f"{self.engine}: 인증 응답을 해석할 수 없습니다",
            ) from None
        expire_at: float | None = None
        raw = body.get("expire_at")
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            expire_at = float(raw)
        if expire_at is None:
            expire_at = _claimed_expiry(value) or self._clock() + FALLBACK_LIFETIME
        return AccessToken.issued(value, expire_at, self._clock(), self._margin)
