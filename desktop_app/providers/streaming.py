"""The streaming base: one live recognition session over any bidirectional connection.

:class:`StreamingProvider` is the base of the real-time engines: they only say how to open a
session (:meth:`StreamingProvider.open_session`, where everything that can be checked offline
is checked); ``stream()`` runs it and ``transcribe()`` sends a file's decoded audio through it.

:class:`StreamSession` is what the real-time engines (CLOVA Speech over gRPC, RTZR over
WebSocket) share: open the connection, run a sending task (audio in frames, then the engine's
end-of-stream) and a receiving task (the service's answers) that both report to one queue, turn
answers into :class:`~desktop_app.providers.base.StreamEvent` objects, wait at most
``final_timeout`` seconds for the last answer after the end of the audio, and on the way out —
finished, failed or cancelled — stop both tasks and close the connection. Everything runs on the
engine loop thread.

An engine overrides:

* :meth:`StreamSession.open` / :meth:`StreamSession.close` — the connection (after the handshake
  and any settings exchange), and its release;
* :meth:`StreamSession.send_audio` — write the audio (use :meth:`StreamSession.frames` and
  :meth:`StreamSession.count_sent`) and the end-of-stream message; :meth:`StreamSession.closed`
  says which errors mean the connection has ended (the receiver then reports why) and
  :meth:`StreamSession.send_failed` converts any other;
* :meth:`StreamSession.receive` — put every answer (or an error) into the outbox;
* :meth:`StreamSession.handle` — one answer to events, and whether it was the last;
  :meth:`StreamSession.settle` — what is still provisional when the stream ends;
* optionally :meth:`StreamSession.finish` — a clean goodbye after the last answer.

Reconnecting after a drop, resending the audio that has no final result and shifting times stay
one level up, in :mod:`desktop_app.live.resilient`, which works the same for every engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import Provider, StreamEvent

log = logging.getLogger(__name__)

C = TypeVar("C")


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


AUDIO_ENDED: Final = _Marker("end of audio sent")
"""Put into the outbox by the sending task once the end-of-stream message has gone out."""

Outbox = asyncio.Queue[object]
FILE_CHUNK_SECONDS: Final = 1.0


class StreamingProvider(Provider):
    """Base of the real-time engines; coroutines run on the engine loop thread."""

    @abstractmethod
    def open_session(self, options: TranscriptionOptions) -> StreamSession[Any]:
        """A session for ``options``, checked as far as can be without connecting."""

    async def stream(
        self, audio: AsyncIterator[bytes], options: TranscriptionOptions
    ) -> AsyncIterator[StreamEvent]:
        session = self.open_session(options)
        async with contextlib.aclosing(session.events(audio)) as events:
            async for event in events:
                yield event

    async def transcribe_file(
        self, path: Path, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        """A file sent through a session as fast as the service takes it."""
        from desktop_app.providers.streamed_file import transcribe_by_streaming

        return await transcribe_by_streaming(
            self, path, options, progress, chunk_seconds=FILE_CHUNK_SECONDS
        )


class StreamSession(ABC, Generic[C]):
    """One connection's life, from opening to the last answer (engine loop thread).

    ``C`` is the engine's connection object. Counters: ``sent_bytes`` (audio written),
    ``frames_sent``; ``on_sent``, when set, is called with ``sent_bytes`` after each write."""

    def __init__(self, engine: str, *, final_timeout: float) -> None:
        self.engine = engine
        self.final_timeout = final_timeout
        self.sent_bytes = 0
        self.frames_sent = 0
        self.audio_ended = False
        self.on_sent: Callable[[int], None] | None = None

    # -- hooks -----------------------------------------------------------------------------
    @abstractmethod
    async def open(self) -> C:
        """Connect and get the connection ready for audio."""

    @abstractmethod
    async def close(self, connection: C) -> None:
        """Release the connection (it may have failed)."""

    @abstractmethod
    async def send_audio(self, connection: C, audio: AsyncIterator[bytes]) -> None:
        """Write all of ``audio``, then the end-of-stream message."""

    @abstractmethod
    async def receive(self, connection: C, outbox: Outbox) -> None:
        """Put each answer into ``outbox``, then what ended the connection."""

    @abstractmethod
    def handle(self, item: object) -> tuple[Iterable[StreamEvent], bool]:
        """Events for one item the receiver put, and whether the stream is over; raises the
        engine's error for an answer that is one."""

    @abstractmethod
    def settle(self) -> Iterable[StreamEvent]:
        """Events that end what is still provisional when the stream is over."""

    def closed(self, error: Exception) -> bool:
        """Whether a sending error means the connection has ended (the receiver says why)."""
        return False

    def send_failed(self, error: Exception) -> BaseException:
        """The error a sending failure ends the session with (an audio source's own error by
        default)."""
        return error

    async def finish(self, connection: C, receiver: asyncio.Task[None]) -> None:
        """After the last answer, before :meth:`close`: say goodbye if the protocol has one."""

    # -- helpers for send_audio ------------------------------------------------------------
    @staticmethod
    async def frames(
        audio: AsyncIterator[bytes], min_bytes: int, max_bytes: int, tail: list[bytes]
    ) -> AsyncIterator[bytes]:
        """``audio`` cut into frames of ``min_bytes``..``max_bytes`` whole samples; what is
        left at the end (fewer than ``min_bytes``, whole samples) is put into ``tail``."""
        pending = bytearray()
        async for chunk in audio:
            pending += chunk
            while len(pending) >= min_bytes:
                size = min(len(pending), max_bytes) & ~1
                yield bytes(pending[:size])
                del pending[:size]
        tail.append(bytes(pending[: len(pending) & ~1]))

    def count_sent(self, size: int) -> None:
        self.frames_sent += 1
        self.sent_bytes += size
        if self.on_sent is not None:
            self.on_sent(self.sent_bytes)

    @property
    def sent_seconds(self) -> float:
        return self.sent_bytes / BYTES_PER_SECOND

    # -- the session -----------------------------------------------------------------------
    async def events(self, audio: AsyncIterator[bytes]) -> AsyncGenerator[StreamEvent, None]:
        """Recognise ``audio`` (16 kHz mono s16 chunks); ends after the last result."""
        connection = await self.open()
        try:
            async with contextlib.aclosing(self._exchange(connection, audio)) as events:
                async for event in events:
                    yield event
        finally:
            await self.close(connection)

    async def _exchange(
        self, connection: C, audio: AsyncIterator[bytes]
    ) -> AsyncGenerator[StreamEvent, None]:
        loop = asyncio.get_running_loop()
        outbox: Outbox = asyncio.Queue()
        sender = asyncio.create_task(self._sending(connection, audio, outbox), name="stream-send")
        receiver = asyncio.create_task(self.receive(connection, outbox), name="stream-receive")

        def report_crash(task: asyncio.Task[None]) -> None:
            error = None if task.cancelled() else task.exception()
            if error is not None:
                outbox.put_nowait(error)

        sender.add_done_callback(report_crash)
        receiver.add_done_callback(report_crash)
        deadline: float | None = None
        try:
            while True:
                timeout = None if deadline is None else max(0.0, deadline - loop.time())
                try:
                    item = await asyncio.wait_for(outbox.get(), timeout)
                except TimeoutError:
                    log.warning("%s: no last answer within %g s of the end of the audio; "
                                "ending the stream", self.engine, self.final_timeout)  # fmt: skip
                    break
                if item is AUDIO_ENDED:
                    deadline = loop.time() + self.final_timeout
                    continue
                if isinstance(item, BaseException):
                    raise item
                events, over = self.handle(item)
                for event in events:
                    yield event
                if over:
                    break
            for event in self.settle():
                yield event
            await self.finish(connection, receiver)
        finally:
            for task in (sender, receiver):
                task.cancel()
            await asyncio.gather(sender, receiver, return_exceptions=True)

    async def _sending(self, connection: C, audio: AsyncIterator[bytes], outbox: Outbox) -> None:
        try:
            await self.send_audio(connection, audio)
        except Exception as exc:
            if not self.closed(exc):
                outbox.put_nowait(self.send_failed(exc))
            return
        self.audio_ended = True
        outbox.put_nowait(AUDIO_ENDED)
