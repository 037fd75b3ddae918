"""``clova-stream``: NAVER Cloud CLOVA Speech real-time recognition over gRPC.

One bidirectional ``NestService/recognize`` call per session, to
``clovaspeech-gw.ncloud.com:50051`` over TLS with ``authorization: Bearer <secret>`` metadata
(the secret key of a CLOVA Speech long-form domain, credential group ``clova-speech``):

1. a CONFIG request with the JSON of :func:`~desktop_app.providers.clova.nest.build_config`,
   and its answer checked section by section before any audio goes out;
2. DATA requests with 16 kHz mono s16 PCM as it arrives, 0.1–1 s per request, each with
   ``extra_contents`` ``{"seqId": 0, "epFlag": false}``;
3. when the audio ends, one last DATA with ``epFlag: true`` and a non-zero ``seqId``; the result
   that answers that ``seqId`` is the last one (waited for at most ``final_timeout`` seconds),
   then the call and the channel are closed.

Results become :class:`~desktop_app.providers.base.StreamEvent` objects keyed by their
``position`` in the running text (see :mod:`desktop_app.providers.clova.stream_results` for the
partial / final rule and for revisions). A dropped connection raises
:class:`~desktop_app.core.errors.NetworkError` at once, with no retry here: the live session layer
reconnects and resends the audio that has no final result yet. :meth:`transcribe` sends a file's
decoded PCM through the same path as fast as the service takes it.

Endpoint (``--endpoint``): ``host:port`` or ``grpcs://host:port`` (TLS, certificates always
checked), ``grpc://127.0.0.1:port`` (plaintext, loopback only, for the emulator). Settings:
``final_timeout`` (10 s), ``config_timeout`` (15 s), ``write_timeout`` (30 s: a request that
cannot be sent for that long counts as a dropped connection), ``ca_file`` (PEM roots to trust instead of
the system's, e.g. a company proxy), ``keepalive_seconds`` (HTTP/2 pings to notice a dead
connection; off by default because servers may close connections that ping more often than they
allow).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from desktop_app import __version__
from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.errors import ConfigurationError, NetworkError, ServerError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import (
    StreamEvent,
)
from desktop_app.providers.clova.descriptions import STREAM
from desktop_app.providers.clova.nest import (
    ENGINE,
    NestTarget,
    build_config,
    check_config_ack,
    is_refusal,
    parse_contents,
    parse_endpoint,
    refusal_error,
    response_types,
    rpc_error,
    status_lost,
)
from desktop_app.providers.clova.stream_results import PositionAssembler, parse_result
from desktop_app.providers.registry import register
from desktop_app.providers.streaming import Outbox, StreamingProvider, StreamSession

if TYPE_CHECKING:  # gRPC and protobuf load when a stream starts, not with the window
    import grpc.aio

log = logging.getLogger(__name__)

MIN_SEND_BYTES: Final = BYTES_PER_SECOND // 10  # 0.1 s: smaller pieces wait for more audio
MAX_SEND_BYTES: Final = BYTES_PER_SECOND  # 1 s, as the service's own sample sends
FINAL_TIMEOUT: Final = 10.0
CONFIG_TIMEOUT: Final = 15.0
CLOSE_TIMEOUT: Final = 1.0
# A DATA request that cannot be sent for this long means the connection is dead.
WRITE_TIMEOUT: Final = 30.0
# Attempts to open a call whose end status gRPC lost (see NestSession._start).
START_ATTEMPTS: Final = 3


ENDED: Final = object()  # the receiver's word that the server ended the call


@register
class ClovaStreamProvider(StreamingProvider):
    """CLOVA Speech real-time. Coroutines run on the engine loop thread."""

    description = STREAM

    def target(self) -> NestTarget:
        """Where calls go: ``--endpoint`` when given, else the public service (TLS)."""
        return parse_endpoint(self.config.endpoint)

    def open_session(self, options: TranscriptionOptions) -> NestSession:
        """A session for ``options``; everything that can be checked offline is checked here."""
        self.check_options(options)
        config = build_config(options)
        target = self.target()
        secret = self.credentials()["secret"].strip()
        settings = self.config.settings
        return NestSession(
            target,
            secret,
            config,
            root_certificates=self._root_certificates(),
            final_timeout=float(settings.get("final_timeout", FINAL_TIMEOUT)),
            config_timeout=float(settings.get("config_timeout", CONFIG_TIMEOUT)),
            write_timeout=float(settings.get("write_timeout", WRITE_TIMEOUT)),
            keepalive_seconds=float(settings.get("keepalive_seconds", 0) or 0),
        )

    def _root_certificates(self) -> bytes | None:
        path = self.config.settings.get("ca_file")
        if not path:
            return None
        try:
            return Path(str(path)).expanduser().read_bytes()
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot read the certificate file '{path}': {exc.strerror or exc}",
                fix="Point the ca_file setting at a readable PEM file, or remove it.",
                message_ko=f"인증서 파일 '{path}'을(를) 읽을 수 없습니다: {exc.strerror or exc}",
                fix_ko="ca_file 설정을 읽을 수 있는 PEM 파일로 바꾸거나 지우세요.",
            ) from None


@dataclass(frozen=True, slots=True)
class _Call:
    """An open ``recognize`` call on its own channel, its CONFIG accepted."""

    channel: grpc.aio.Channel
    call: Any
    answers: AsyncIterator[Any]


class NestSession(StreamSession[_Call]):
    """One ``recognize`` call, from the CONFIG to the last result, on the streaming base
    (:class:`~desktop_app.providers.streaming.StreamSession`; engine loop thread)."""

    def __init__(
        self,
        target: NestTarget,
        secret: str,
        config: dict[str, Any],
        *,
        root_certificates: bytes | None = None,
        final_timeout: float = FINAL_TIMEOUT,
        config_timeout: float = CONFIG_TIMEOUT,
        write_timeout: float = WRITE_TIMEOUT,
        keepalive_seconds: float = 0.0,
    ) -> None:
        super().__init__(ENGINE, final_timeout=final_timeout)
        self.target = target
        self.config = config
        self._metadata = (("authorization", f"Bearer {secret}"),)
        self._root_certificates = root_certificates
        self._config_timeout = config_timeout
        self._write_timeout = write_timeout
        self._keepalive_seconds = keepalive_seconds
        self._assembler = PositionAssembler()
        self.flush_seq_id: int | None = None

    # -- opening and closing -------------------------------------------------------------------
    async def open(self) -> _Call:
        channel = self._open_channel()
        try:
            call, answers = await self._start(channel)
        except BaseException:
            await channel.close()
            raise
        return _Call(channel, call, answers)

    async def close(self, connection: _Call) -> None:
        try:
            await _finish(connection.call)
        finally:
            await connection.channel.close()

    def _open_channel(self) -> grpc.aio.Channel:
        import grpc
        import grpc.aio

        options: list[tuple[str, Any]] = [("grpc.primary_user_agent", f"Sori/{__version__}")]
        if self._keepalive_seconds > 0:
            options += [
                ("grpc.keepalive_time_ms", int(self._keepalive_seconds * 1000)),
                ("grpc.keepalive_timeout_ms", 10_000),
            ]
        address = self.target.address
        if not self.target.secure:
            return grpc.aio.insecure_channel(address, options=options)
        credentials = grpc.ssl_channel_credentials(root_certificates=self._root_certificates)
        return grpc.aio.secure_channel(address, credentials, options=options)

    async def _start(self, channel: grpc.aio.Channel) -> tuple[Any, AsyncIterator[Any]]:
        """Open the call, send the CONFIG and check its answer.

        When the server ends a call at once (a refused key, no free slot), our CONFIG may hit
        the closed stream, and gRPC then reports INTERNAL instead of the server's status. No
        audio has gone out yet, so such a call is simply opened again to learn the real status.
        """
        import grpc.aio

        from desktop_app.providers.clova.proto import nest_pb2, nest_pb2_grpc

        stub = nest_pb2_grpc.NestServiceStub(channel)
        request = nest_pb2.NestRequest(
            type=nest_pb2.CONFIG,
            config=nest_pb2.NestConfig(config=json.dumps(self.config, ensure_ascii=False)),
        )
        for attempt in range(1, START_ATTEMPTS + 1):
            call = stub.recognize(metadata=self._metadata)
            answers: AsyncIterator[Any] = call.__aiter__()
            try:
                await call.write(request)
                first = await asyncio.wait_for(anext(answers, None), self._config_timeout)
                if first is None:
                    raise ServerError(
                        f"{ENGINE}: CLOVA Speech closed the stream without answering the settings",
                        message_ko=f"{ENGINE}: CLOVA Speech가 설정 요청에 응답하지 않고 "
                        "스트림을 닫았습니다",
                    )
                check_config_ack(parse_contents(first.contents))
            except grpc.aio.AioRpcError as exc:
                await _finish(call)
                if status_lost(exc.code(), exc.details()) and attempt < START_ATTEMPTS:
                    log.debug("recognize call ended before its CONFIG was sent; opening again")
                    continue
                raise rpc_error(exc.code(), exc.details()) from None
            except TimeoutError:
                await _finish(call)
                raise NetworkError(
                    f"{ENGINE}: CLOVA Speech did not answer within {self._config_timeout:g} s",
                    message_ko=f"{ENGINE}: CLOVA Speech가 {self._config_timeout:g}초 안에 "
                    "응답하지 않았습니다",
                ) from None
            except BaseException:
                await _finish(call)
                raise
            return call, answers
        raise AssertionError("unreachable: the last attempt returns or raises")

    # -- the exchange --------------------------------------------------------------------------
    def handle(self, item: object) -> tuple[Iterable[StreamEvent], bool]:
        if item is ENDED:
            if self.flush_seq_id is None:
                raise NetworkError(
                    f"{ENGINE}: CLOVA Speech closed the stream before the audio ended",
                    message_ko=f"{ENGINE}: 오디오가 끝나기 전에 CLOVA Speech가 스트림을 닫았습니다",
                )
            return (), True
        if not isinstance(item, dict):
            return (), False
        if is_refusal(item):
            raise refusal_error(item)
        if "transcription" not in response_types(item):
            return (), False
        result = parse_result(item)
        events = self._assembler.apply(result, self.sent_seconds)
        return events, bool(result.ep_flag and result.seq_id == self.flush_seq_id)

    def settle(self) -> Iterable[StreamEvent]:
        return self._assembler.settle()

    @property
    def data_requests(self) -> int:
        return self.frames_sent

    async def send_audio(self, connection: _Call, audio: AsyncIterator[bytes]) -> None:
        """Send audio as it comes (0.1–1 s per request), then the final ``epFlag`` request."""
        tail: list[bytes] = []
        async for frame in self.frames(audio, MIN_SEND_BYTES, MAX_SEND_BYTES, tail):
            await self._write_data(connection.call, frame, 0, ep_flag=False)
        self.flush_seq_id = self.frames_sent + 1
        await self._write_data(connection.call, tail[0], self.flush_seq_id, ep_flag=True)

    def closed(self, error: Exception) -> bool:
        import grpc.aio

        return isinstance(error, (grpc.aio.AioRpcError, asyncio.InvalidStateError))

    def send_failed(self, error: Exception) -> BaseException:
        if isinstance(error, TimeoutError):
            return NetworkError(
                f"{ENGINE}: CLOVA Speech stopped taking audio for {self._write_timeout:g} s",
                message_ko=f"{ENGINE}: CLOVA Speech가 {self._write_timeout:g}초 동안 "
                "오디오를 받지 않았습니다",
            )
        return error

    async def _write_data(self, call: Any, pcm: bytes, seq_id: int, *, ep_flag: bool) -> None:
        from desktop_app.providers.clova.proto import nest_pb2

        extra = json.dumps({"seqId": seq_id, "epFlag": ep_flag})
        request = nest_pb2.NestRequest(
            type=nest_pb2.DATA, data=nest_pb2.NestData(chunk=pcm, extra_contents=extra)
        )
        await asyncio.wait_for(call.write(request), self._write_timeout)
        self.count_sent(len(pcm))

    async def receive(self, connection: _Call, outbox: Outbox) -> None:
        """Read every answer (messages that arrived before an error status come first)."""
        import grpc.aio

        try:
            async for answer in connection.answers:
                outbox.put_nowait(parse_contents(answer.contents))
            outbox.put_nowait(ENDED)
        except grpc.aio.AioRpcError as exc:
            outbox.put_nowait(rpc_error(exc.code(), exc.details()))
        except ServerError as exc:
            outbox.put_nowait(exc)

    async def finish(self, connection: _Call, receiver: asyncio.Task[None]) -> None:
        """Half-close the call and give the server a moment to end it cleanly."""
        import grpc.aio

        with contextlib.suppress(grpc.aio.AioRpcError, asyncio.InvalidStateError):
            await connection.call.done_writing()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(receiver), CLOSE_TIMEOUT)


async def _finish(call: Any) -> None:
    """Cancel ``call`` (nothing happens if it has ended) and wait until gRPC has recorded its
    end, so that no event of it is delivered after this event loop has gone."""
    call.cancel()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(call.code(), CLOSE_TIMEOUT)
