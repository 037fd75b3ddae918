"""The engine event loop: one asyncio loop on a background thread for all network and engine work.

The window submits coroutines with :meth:`EngineLoop.submit` and gets a
:class:`concurrent.futures.Future` back; results travel to the GUI thread through Qt signals
(see ``desktop_app.ui.bridge``). The command line runs the same coroutines with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class EngineLoop:
    """Owns a daemon thread running an asyncio loop. Thread-safe: every method may be called
    from any thread."""

    def __init__(self, name: str = "sori-engine") -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._ready.set)
        self._loop.run_forever()
        # Finish what is still scheduled, then close.
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule a coroutine; cancel the returned future to cancel the task."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def call_soon(self, callback: Any, *args: Any) -> None:
        self._loop.call_soon_threadsafe(callback, *args)

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel running tasks and end the thread (waits at most ``timeout`` seconds)."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
