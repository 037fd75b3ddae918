"""The streaming base's session life cycle, with an in-memory connection.

The real engines run it over gRPC and WebSocket against the emulators (tests/providers); here a
session over a pair of queues checks the shared rules: results in order, the last answer waited
for at most ``final_timeout``, both tasks stopped and the connection closed on every way out.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

import pytest

from desktop_app.core.errors import NetworkError
from desktop_app.core.transcript import Segment
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.streaming import Outbox, StreamSession

END = "end"


class _Line:
    """Both directions of a fake connection."""

    def __init__(self) -> None:
        self.sent: list[bytes | str] = []
        self.answers: asyncio.Queue[str] = asyncio.Queue()
        self.closed = False


class _EchoSession(StreamSession[_Line]):
    """Answers every frame with a partial result, and END with a final one unless ``mute``."""

    def __init__(self, *, mute: bool = False, final_timeout: float = 5.0) -> None:
        super().__init__("echo", final_timeout=final_timeout)
        self.mute = mute
        self.line = _Line()
        self.finished = False
        self.partials: dict[int, str] = {}

    async def open(self) -> _Line:
        return self.line

    async def close(self, connection: _Line) -> None:
        connection.closed = True

    async def send_audio(self, connection: _Line, audio: AsyncIterator[bytes]) -> None:
        tail: list[bytes] = []
        async for frame in self.frames(audio, 4, 8, tail):
            connection.sent.append(frame)
            self.count_sent(len(frame))
            connection.answers.put_nowait(f"partial:{len(connection.sent)}")
        connection.sent.append(END)
        if not self.mute:
            connection.answers.put_nowait(END)

    async def receive(self, connection: _Line, outbox: Outbox) -> None:
        while True:
            answer = await connection.answers.get()
            if answer == "drop":
                outbox.put_nowait(NetworkError("dropped"))
                return
            outbox.put_nowait(answer)

    def handle(self, item: object) -> tuple[Iterable[StreamEvent], bool]:
        if item == END:
            return [_event(0, "final", final=True)], True
        key = int(str(item).split(":")[1])
        self.partials[key] = str(item)
        return [_event(key, str(item), final=False)], False

    def settle(self) -> Iterable[StreamEvent]:
        return [_event(key, text, final=True) for key, text in self.partials.items()]

    async def finish(self, connection: _Line, receiver: asyncio.Task[None]) -> None:
        self.finished = True


def _event(key: int, text: str, *, final: bool) -> StreamEvent:
    return StreamEvent(key, Segment(0.0, 0.1, text), final)


async def _audio(*chunks: bytes, error: Exception | None = None) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
    if error is not None:
        raise error


async def _collect(session: _EchoSession, audio: AsyncIterator[bytes]) -> list[StreamEvent]:
    return [event async for event in session.events(audio)]


async def test_results_then_settled_text_then_a_clean_close() -> None:
    session = _EchoSession()
    events = await _collect(session, _audio(b"\x01" * 6, b"\x02" * 7))
    assert [e.segment.text for e in events][-1] == "partial:2"
    assert [e.final for e in events] == [False, False, True, True, True]
    assert session.line.sent[0] == b"\x01" * 6 and session.line.sent[-1] == END
    assert session.sent_bytes == 12 and session.frames_sent == 2  # the odd byte is not sent
    assert session.finished and session.line.closed and session.audio_ended


async def test_a_missing_last_answer_ends_the_stream_after_final_timeout() -> None:
    session = _EchoSession(mute=True, final_timeout=0.05)
    events = await _collect(session, _audio(b"\x00" * 8))
    assert [e.final for e in events] == [False, True]  # the partial, then settled
    assert session.line.closed


async def test_a_failing_audio_source_fails_the_session_with_its_error() -> None:
    session = _EchoSession()
    with pytest.raises(OSError, match="microphone gone"):
        await _collect(session, _audio(b"\x00" * 8, error=OSError("microphone gone")))
    assert session.line.closed and not session.finished


async def test_an_error_from_the_service_ends_the_session() -> None:
    session = _EchoSession(mute=True)
    session.line.answers.put_nowait("drop")
    with pytest.raises(NetworkError):
        await _collect(session, _audio(b"\x00" * 8))
    assert session.line.closed


async def test_cancelling_stops_both_tasks_and_closes_the_connection() -> None:
    session = _EchoSession()
    endless = asyncio.Event()

    async def audio() -> AsyncIterator[bytes]:
        yield b"\x00" * 8
        await endless.wait()
        yield b""

    first = asyncio.Event()

    async def consume() -> None:
        async for _ in session.events(audio()):
            first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    before = {t for t in asyncio.all_tasks() if t.get_name().startswith("stream-")}
    assert len(before) == 2
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert all(t.done() for t in before) and session.line.closed
