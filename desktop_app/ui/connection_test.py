"""Test connection: run an engine's :meth:`~desktop_app.providers.base.Provider.check_connection`
on the engine loop and report the outcome back on the GUI thread.

The settings dialog builds a provider from what is typed on the page (falling back to what is
stored), hands it to :class:`ConnectionTester`, and shows the ``finished`` signal's message next
to the button. The GUI thread never waits: the check runs as a task on the
:class:`~desktop_app.core.loop.EngineLoop` (the window's, when it gives one). A service's answer
can quote what it was sent, so every credential value the provider holds (typed or stored) is
masked in the message before it is shown.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging

from PySide6.QtCore import QObject, Signal

from desktop_app.core.errors import SoriError
from desktop_app.core.loop import EngineLoop
from desktop_app.core.secrets import mask
from desktop_app.providers.base import Provider

log = logging.getLogger(__name__)


def mask_values(text: str, values: list[str]) -> str:
    """``text`` with each of ``values`` (longest first, so one inside another is caught)
    replaced by its masked form."""
    for value in sorted((v for v in values if v and len(v) >= 4), key=len, reverse=True):
        text = text.replace(value, mask(value))
    return text


class ConnectionTester(QObject):
    """Lives on the GUI thread; the checks run on the engine loop thread.

    Signals (delivered on the GUI thread):
      finished(engine, ok, message)  ``message`` is empty on success, else the cause and fix
    """

    finished = Signal(str, bool, str)

    def __init__(
        self, loop: EngineLoop | None = None, language: str = "en", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.language = language
        self._loop = loop
        self._owns_loop = loop is None
        self._running: dict[str, concurrent.futures.Future[None]] = {}

    def _engine_loop(self) -> EngineLoop:
        if self._loop is None:
            self._loop = EngineLoop(name="sori-connection-test")
        return self._loop

    def is_running(self, engine: str) -> bool:
        return engine in self._running

    def start(self, engine: str, provider: Provider) -> None:
        """Check ``provider`` (already configured) in the background; one check per engine."""
        self.cancel(engine)
        future = self._engine_loop().submit(self._check(engine, provider))
        self._running[engine] = future
        future.add_done_callback(functools.partial(self._forget, engine))

    def _forget(self, engine: str, future: concurrent.futures.Future[None]) -> None:
        # Runs on the engine thread; single dict operations are atomic under the GIL.
        if self._running.get(engine) is future:
            self._running.pop(engine, None)

    async def _check(self, engine: str, provider: Provider) -> None:
        secrets = list(provider.config.credentials.values())
        try:
            await provider.check_connection()
        except SoriError as exc:
            self._report(engine, False, mask_values(exc.describe(self.language), secrets))
        except Exception as exc:  # an engine bug must not look like a working connection
            log.error("connection test of %s failed unexpectedly: %s", engine, type(exc).__name__)
            message = mask_values(f"{type(exc).__name__}: {exc}", secrets)
            self._report(engine, False, message)
        else:
            self._report(engine, True, "")
        finally:
            await provider.aclose()

    def _report(self, engine: str, ok: bool, message: str) -> None:
        try:
            self.finished.emit(engine, ok, message)
        except RuntimeError:
            log.debug("connection test of %s ended after its dialog closed", engine)

    def cancel(self, engine: str) -> None:
        future = self._running.pop(engine, None)
        if future is not None:
            future.cancel()

    def shutdown(self) -> None:
        """Cancel running checks, and stop the loop if this tester started it."""
        for engine in list(self._running):
            self.cancel(engine)
        if self._owns_loop and self._loop is not None:
            self._loop.stop()
            self._loop = None
