"""``rtzr-stream``: Return Zero (RTZR / VITO) real-time recognition over a WebSocket.

One WebSocket per session (API-NOTES §5 "Streaming — WebSocket"), on the base URL of the batch
engine with ``https`` → ``wss`` (``http`` → ``ws`` only for this computer, for the emulator):

1. ``GET {base}/v1/transcribe:streaming?sample_rate=16000&encoding=LINEAR16&model_name=…`` with
   ``Authorization: Bearer <token>``; the token comes from :mod:`~desktop_app.providers.rtzr.auth`
   (credential group ``rtzr``, shared with the batch engine). A handshake refused with 401 gets a
   fresh token and one more try; other refusals (403, 429 A0002 "too many streams", 5xx) become
   errors at once. Query parameters: :func:`~desktop_app.providers.rtzr.stream_wire.stream_query`.
2. Binary frames of 16 kHz mono s16 PCM as the audio arrives, 0.1 s each (smaller chunks are
   gathered, larger ones cut), then the text frame ``EOS``.
3. JSON result frames, partial and final, keyed by ``seq``
   (:class:`~desktop_app.providers.rtzr.stream_wire.ResultTracker`), until the server closes the
   connection after its last result; Sori waits at most ``final_timeout`` seconds for that after
   ``EOS`` and then closes itself, keeping the last partial text as final.

A connection that drops (no close frame, a reset, the service going away) raises
:class:`~desktop_app.core.errors.NetworkError` at once; nothing is retried here, because the live
session layer (:mod:`desktop_app.live.resilient`) reconnects and resends the audio that has no
final result yet. Error frames and close codes become the matching errors. :meth:`transcribe`
streams a file's decoded audio as fast as the service takes it and keeps the finals.

Settings: ``final_timeout`` (10 s), ``open_timeout`` (15 s), ``frame_seconds`` (0.1 s),
``retry_attempts`` / ``retry_base_delay`` (signing in).
"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_WIDTH
from desktop_app.core.errors import (
    ConfigurationError,
    NetworkError,
    ServerError,
    SoriError,
)
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import (
    MediaSource,
    StreamEvent,
    check_options,
)
from desktop_app.providers.http import (
    USER_AGENT,
    CannotConnectError,
    RetryPolicy,
    check_endpoint,
)
from desktop_app.providers.registry import register
from desktop_app.providers.rtzr.auth import DEFAULT_BASE_URL, RtzrAuth
from desktop_app.providers.rtzr.descriptions import STREAM
from desktop_app.providers.rtzr.stream_wire import (
    ResultTracker,
    close_error,
    frame_error,
    handshake_error,
    stream_query,
)
from desktop_app.providers.streaming import Outbox, StreamingProvider, StreamSession

if TYPE_CHECKING:  # websockets loads when a stream opens, not with the window
    from websockets.asyncio.client import ClientConnection

log = logging.getLogger(__name__)

STREAM_PATH: Final = "/v1/transcribe:streaming"
FRAME_SECONDS: Final = 0.1
FINAL_TIMEOUT: Final = 10.0
OPEN_TIMEOUT: Final = 15.0
CLOSE_TIMEOUT: Final = 2.0
MAX_MESSAGE: Final = 1 << 22  # a result frame is a few kB; anything near this is not one


def stream_url(base_url: str, query: dict[str, str]) -> str:
    """The WebSocket address for a REST base URL (``https`` → ``wss``, loopback ``http`` → ``ws``)."""
    parts = urlsplit(check_endpoint(base_url))
    scheme = "wss" if parts.scheme == "https" else "ws"
    path = parts.path.rstrip("/") + STREAM_PATH
    return urlunsplit(
        (scheme, parts.netloc, path, urlencode(query, quote_via=quote, safe=":,"), "")
    )


@dataclass(frozen=True, slots=True)
class _Closed:
    """The connection ended; ``code`` is None when no close frame arrived."""

    code: int | None
    reason: str


class _Refused(Exception):
    """A handshake the service answered with an HTTP error."""

    def __init__(self, status: int, error: SoriError) -> None:
        super().__init__(error.message)
        self.status = status
        self.error = error


@register
class RtzrStreamProvider(StreamingProvider):
    """RTZR real-time recognition. Coroutines run on the engine loop thread."""

    description = STREAM

    @classmethod
    def check_options(
        cls, options: TranscriptionOptions, source: MediaSource | None = None
    ) -> None:
        # whisper takes other languages than ko/ja, so stream_query checks the language per model.
        check_options(replace(options, language=None), cls.capabilities, cls.name, source)
        stream_query(options)

    def base_url(self) -> str:
        return check_endpoint(self.config.endpoint or DEFAULT_BASE_URL)

    def open_session(self, options: TranscriptionOptions) -> RtzrStreamSession:
        """A session for ``options``; everything that can be checked offline is checked here."""
        self.check_options(options)
        base = self.base_url()
        url = stream_url(base, stream_query(options))
        keys = self.credentials()
        settings: dict[str, Any] = self.config.settings
        policy = RetryPolicy.from_settings(settings)
        auth = RtzrAuth(
            base, keys["client_id"], keys["client_secret"], engine=self.name, policy=policy
        )
        frame_seconds = float(settings.get("frame_seconds", FRAME_SECONDS))
        return RtzrStreamSession(
            url,
            auth,
            engine=self.name,
            frame_bytes=max(SAMPLE_WIDTH, round(frame_seconds * BYTES_PER_SECOND) & ~1),
            final_timeout=float(settings.get("final_timeout", FINAL_TIMEOUT)),
            open_timeout=float(settings.get("open_timeout", OPEN_TIMEOUT)),
        )


class RtzrStreamSession(StreamSession["ClientConnection"]):
    """One WebSocket session, from the handshake to the server's close, on the streaming base
    (:class:`~desktop_app.providers.streaming.StreamSession`; engine loop thread)."""

    def __init__(
        self,
        url: str,
        auth: RtzrAuth,
        *,
        engine: str,
        frame_bytes: int = round(FRAME_SECONDS * BYTES_PER_SECOND),
        final_timeout: float = FINAL_TIMEOUT,
        open_timeout: float = OPEN_TIMEOUT,
    ) -> None:
        super().__init__(engine, final_timeout=final_timeout)
        self.url = url
        self._auth = auth
        self._frame_bytes = frame_bytes
        self._open_timeout = open_timeout
        self._tracker = ResultTracker()

    @property
    def eos_sent(self) -> bool:
        return self.audio_ended

    # -- opening and closing -----------------------------------------------------------------
    async def close(self, connection: ClientConnection) -> None:
        await connection.close()

    async def open(self) -> ClientConnection:
        token = await self._auth.token()
        try:
            return await self._open(token)
        except _Refused as refused:
            if refused.status != 401:
                raise refused.error from None
        log.info("%s: token refused by the streaming endpoint, signing in again", self.engine)
        token = await self._auth.refresh(token)
        try:
            return await self._open(token)
        except _Refused as refused:
            raise refused.error from None

    async def _open(self, token: str) -> ClientConnection:
        from websockets.asyncio.client import connect
        from websockets.exceptions import (
            InvalidHandshake,
            InvalidMessage,
            InvalidStatus,
            InvalidURI,
        )

        engine = self.engine
        try:
            return await connect(
                self.url,
                additional_headers=RtzrAuth.headers(token),
                user_agent_header=USER_AGENT,
                compression=None,  # PCM does not compress; deflate would only cost CPU
                open_timeout=self._open_timeout,
                close_timeout=CLOSE_TIMEOUT,
                max_size=MAX_MESSAGE,
            )
        except InvalidStatus as exc:
            response = exc.response
            error = handshake_error(
                response.status_code, response.headers, response.body or b"", engine
            )
            raise _Refused(response.status_code, error) from None
        except InvalidURI:
            address = self.url.split("?")[0]
            raise ConfigurationError(
                f"{engine}: '{address}' is not a usable streaming address",
                fix="Check the endpoint setting (https://host[/path]).",
                message_ko=f"{engine}: '{address}'은(는) 쓸 수 없는 스트리밍 주소입니다",
                fix_ko="엔드포인트 설정(https://호스트[/경로])을 확인하세요.",
            ) from None
        except InvalidMessage:
            raise NetworkError(
                f"{engine}: the connection closed while opening the live stream",
                message_ko=f"{engine}: 실시간 스트림을 여는 중에 연결이 끊어졌습니다",
            ) from None
        except InvalidHandshake as exc:
            raise ServerError(
                f"{engine}: the service did not accept the live stream ({exc})",
                message_ko=f"{engine}: 서비스가 실시간 스트림을 받아들이지 않았습니다({exc})",
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise NetworkError(
                f"{engine}: the service's certificate could not be verified ({exc.verify_message})",
                fix="Check the system clock and any proxy that intercepts HTTPS.",
                message_ko=f"{engine}: 서비스 인증서를 확인할 수 없습니다({exc.verify_message})",
                fix_ko="시스템 시계와 HTTPS를 가로채는 프록시가 있는지 확인하세요.",
            ) from None
        except TimeoutError:
            raise NetworkError(
                f"{engine}: the service did not answer within {self._open_timeout:g} s",
                message_ko=f"{engine}: 서비스가 {self._open_timeout:g}초 안에 응답하지 않았습니다",
            ) from None
        except OSError as exc:
            raise CannotConnectError(
                f"{engine}: cannot connect to the service ({exc.strerror or exc})",
                message_ko=f"{engine}: 서비스에 연결할 수 없습니다({exc.strerror or exc})",
            ) from None

    # -- the exchange ------------------------------------------------------------------------
    def handle(self, item: object) -> tuple[Iterable[StreamEvent], bool]:
        if isinstance(item, _Closed):
            error = close_error(item.code, item.reason, self.engine, eos_sent=self.eos_sent)
            if error is not None:
                raise error
            return (), True
        if not isinstance(item, str):
            return (), False
        event = self._result(item)
        return ([] if event is None else [event]), False

    def settle(self) -> Iterable[StreamEvent]:
        return self._tracker.settle()

    def _result(self, text: str) -> StreamEvent | None:
        try:
            message: Any = json.loads(text)
        except ValueError:
            log.warning("%s: ignoring a text frame that is not JSON", self.engine)
            return None
        if not isinstance(message, dict):
            return None
        error = frame_error(message, self.engine)
        if error is not None:
            raise error
        return self._tracker.apply(message, self.sent_seconds)

    async def send_audio(self, connection: ClientConnection, audio: AsyncIterator[bytes]) -> None:
        """Send audio in frames of ``frame_bytes`` as it comes, then ``EOS``."""
        tail: list[bytes] = []
        async for frame in self.frames(audio, self._frame_bytes, self._frame_bytes, tail):
            await connection.send(frame)
            self.count_sent(len(frame))
        if tail[0]:
            await connection.send(tail[0])
            self.count_sent(len(tail[0]))
        await connection.send("EOS")

    def closed(self, error: Exception) -> bool:
        from websockets.exceptions import ConnectionClosed

        return isinstance(error, ConnectionClosed)

    async def receive(self, connection: ClientConnection, outbox: Outbox) -> None:
        from websockets.exceptions import ConnectionClosedError

        try:
            async for message in connection:
                if isinstance(message, str):
                    outbox.put_nowait(message)
        except ConnectionClosedError as exc:
            received = exc.rcvd
            if received is None:
                outbox.put_nowait(_Closed(None, ""))
            else:
                outbox.put_nowait(_Closed(received.code, received.reason))
            return
        outbox.put_nowait(_Closed(connection.close_code, connection.close_reason or ""))
