"""Run a live session (record + stream) on the engine loop and report to the GUI through signals.

The session's audio, disk writing and engine traffic all happen off the GUI thread; the level
meter and elapsed time are read from thread-safe properties by a GUI timer.
"""

from __future__ import annotations

import concurrent.futures
import copy
import dataclasses
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.audio.microphone import MicrophoneSource
from desktop_app.audio.recorder import Recorder
from desktop_app.audio.sources import AudioSource, FileSource
from desktop_app.core.errors import SoriError
from desktop_app.core.loop import EngineLoop
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.secrets import redact
from desktop_app.core.settings import Settings
from desktop_app.live.session import LiveResult, LiveSession
from desktop_app.providers import registry
from desktop_app.providers.base import ProviderConfig
from desktop_app.providers.factory import provider_config
from desktop_app.ui.notices import silent_recording

log = logging.getLogger(__name__)


class LiveRunner(QObject):
    """Lives on the GUI thread; the session runs on the engine loop thread.

    Signals (delivered on the GUI thread):
      result(StreamEvent)          a partial or final result
      reconnecting(message, n)     the engine connection dropped; trying again (n-th time)
      finished(LiveResult)         the session ended (``result.error`` set if the engine gave up)
      failed(message)              the session could not run (no device, bad options, …)
    """

    result = Signal(object)
    reconnecting = Signal(str, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, loop_provider: EngineLoop | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._loop = loop_provider
        self._session: LiveSession | None = None
        self._source: AudioSource | None = None
        self._future: concurrent.futures.Future[LiveResult] | None = None
        self.language = "en"
        self.settings: Settings | None = None  # None: the settings file

    def _engine_loop(self) -> EngineLoop:
        if self._loop is None:
            self._loop = EngineLoop("sori-live")
        return self._loop

    @property
    def running(self) -> bool:
        return self._future is not None and not self._future.done()

    @property
    def source(self) -> AudioSource | None:
        return self._source

    def start(
        self,
        provider_name: str,
        options: TranscriptionOptions,
        *,
        config: ProviderConfig | None = None,
        device: int | str | None = None,
        input_file: Path | None = None,
        recording: Path | None = None,
    ) -> None:
        """Begin recording (or playing ``input_file``) and streaming to the engine."""
        if self.running:
            return
        try:
            provider = registry.provider_class(provider_name)(
                config or provider_config(provider_name, settings=self.settings)
            )
            provider.check_options(options)
        except SoriError as exc:
            self.failed.emit(exc.describe(self.language))
            return
        source: AudioSource
        if input_file is not None:
            source = FileSource(input_file, realtime=True)
        else:
            source = MicrophoneSource(device)
        session = LiveSession(
            provider,
            source,
            options,
            recorder=Recorder(recording) if recording else Recorder(),
            on_event=self.result.emit,
            on_reconnect=lambda exc, n: self.reconnecting.emit(exc.describe(self.language), n),
        )
        self._session = session
        self._source = source

        async def run() -> LiveResult:
            try:
                return await session.run()
            finally:
                await provider.aclose()

        future = self._engine_loop().submit(run())
        self._future = future
        future.add_done_callback(self._done)

    def _done(self, future: concurrent.futures.Future[LiveResult]) -> None:
        # Called on the engine loop thread; signals cross to the GUI thread queued.
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            result = future.result()
            if result.error is None and not result.transcript.text.strip():
                result.transcript.add_notice(silent_recording())
            # The GUI gets its own copy: the session's objects stay on this thread.
            self.finished.emit(
                dataclasses.replace(result, transcript=copy.deepcopy(result.transcript))
            )
        elif isinstance(exc, SoriError):
            self.failed.emit(redact(exc.describe(self.language)))
        else:
            log.error("live session failed", exc_info=exc)
            self.failed.emit(redact(f"{type(exc).__name__}: {exc}"))

    def stop(self) -> None:
        """End the audio; the last results and ``finished`` follow."""
        if self._session is not None:
            self._session.stop()

    def pause(self) -> None:
        if self._session is not None:
            self._session.pause()

    def resume(self) -> None:
        if self._session is not None:
            self._session.resume()

    def shutdown(self) -> None:
        """Stop any session and wait briefly so the recording is closed properly."""
        if self._future is not None and not self._future.done():
            self.stop()
            try:
                self._future.result(timeout=5)
            except Exception:  # the outcome no longer matters when the app is closing
                self._future.cancel()
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
