"""A live session: an audio source, recorded to disk, streamed to an engine, text assembled.

``LiveSession.run()`` reads the source through a :class:`~desktop_app.audio.recorder.Recorder`
(so the recording is on disk whatever happens to the network), feeds the engine through
:func:`~desktop_app.live.resilient.resilient_stream` (reconnecting on transient failures), and
reports every result to ``on_event``. :meth:`LiveSession.stop` ends the source; the engine then
gets the end of the audio, sends its last results, and ``run()`` returns the transcript and the
recording's path. Used by ``sori live`` and the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.audio.recorder import Recorder
from desktop_app.audio.sources import AudioSource
from desktop_app.core.errors import SoriError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.stream import StreamEvent, TranscriptAssembler
from desktop_app.core.transcript import Transcript
from desktop_app.live.resilient import resilient_stream
from desktop_app.providers.base import Provider

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LiveResult:
    """What a finished session leaves: the transcript, the recording, and the error that ended
    it early (None when it ended because the audio ended or stop() was called)."""

    transcript: Transcript
    recording: Path | None
    error: SoriError | None = None


class LiveSession:
    """Runs on the engine event loop; ``stop``/``pause``/``resume`` may be called from any
    thread. Callbacks are called on the event loop thread."""

    def __init__(
        self,
        provider: Provider,
        source: AudioSource,
        options: TranscriptionOptions,
        *,
        recorder: Recorder | None = None,
        on_event: Callable[[StreamEvent], None] | None = None,
        on_reconnect: Callable[[SoriError, int], None] | None = None,
    ) -> None:
        self.provider = provider
        self.source = source
        self.options = options
        self.recorder = recorder or Recorder()
        self.assembler = TranscriptAssembler(
            engine=provider.name, source=source.label, language=options.language or "ko"
        )
        self._on_event = on_event
        self._on_reconnect = on_reconnect

    @property
    def elapsed(self) -> float:
        return self.source.elapsed

    def stop(self) -> None:
        """End the audio; the last results still arrive before ``run()`` returns."""
        self.source.close()

    def pause(self) -> None:
        self.source.pause()

    def resume(self) -> None:
        self.source.resume()

    async def run(self) -> LiveResult:
        error: SoriError | None = None
        chunks: asyncio.Queue[bytes | None] = asyncio.Queue()

        async def pump() -> None:
            # Recording runs in its own task, so it goes on even if the engine gives up.
            try:
                async for chunk in self.recorder.record(self.source):
                    chunks.put_nowait(chunk)
            finally:
                chunks.put_nowait(None)

        async def audio() -> AsyncIterator[bytes]:
            while (chunk := await chunks.get()) is not None:
                yield chunk

        async with self.source:
            recording = asyncio.create_task(pump())
            try:
                async for event in resilient_stream(
                    self.provider, audio(), self.options, on_reconnect=self._on_reconnect
                ):
                    self.assembler.apply(event)
                    if self._on_event is not None:
                        self._on_event(event)
            except SoriError as exc:
                error = exc
                log.warning("live engine stopped: %s", exc)
            except BaseException:
                recording.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await recording
                raise
            if error is not None:
                while await chunks.get() is not None:
                    pass  # keep the queue empty while the recording goes on
            try:
                await recording
            except SoriError as exc:
                error = error or exc
        if self.recorder.path is not None:
            self.assembler.source = self.recorder.path.name
        transcript = self.assembler.transcript(self.source.elapsed)
        return LiveResult(transcript, self.recorder.path, error)
