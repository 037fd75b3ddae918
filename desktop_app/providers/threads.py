"""Run blocking engine work on worker threads from a coroutine, with cooperative cancellation.

CPU-bound engines (Vosk) and decoding run on plain daemon threads, never on the event loop
thread. A job shares one :class:`threading.Event` (``stop``) with its threads; they check it
between small steps. When the coroutine is cancelled (or one thread fails) :func:`wait_workers`
sets ``stop``, waits until every thread has returned, and then lets the exception travel on, so
a cancelled job leaves nothing running behind it.

The window asks for these threads to run at a lower CPU priority
(:func:`set_worker_niceness`): on a machine with few cores, Vosk and the decoder would otherwise
keep the GUI thread waiting for a CPU for tens of milliseconds at a time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from desktop_app.core.progress import Progress, ProgressCallback

T = TypeVar("T")


_niceness = 0


class WorkerStopped(Exception):
    """Raised inside a worker thread that noticed the job's stop event."""


def set_worker_niceness(niceness: int) -> None:
    """Run worker threads started from now on ``niceness`` steps below the thread starting
    them (Linux, where priority is per thread; elsewhere nothing changes). On an idle machine
    they run as fast as before; when the CPU is short, the scheduler serves the window first."""
    global _niceness
    _niceness = max(0, niceness)


def _lower_priority() -> None:
    if _niceness and sys.platform.startswith("linux"):
        thread = threading.get_native_id()
        with contextlib.suppress(OSError):
            current = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, current + _niceness))


def start_worker(work: Callable[[], T], name: str) -> concurrent.futures.Future[T]:
    """Run ``work`` on a new daemon thread; the future holds its result or exception."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        _lower_priority()
        try:
            result = work()
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


async def _drain(pending: set[asyncio.Future[T]]) -> None:
    """Wait until every future in ``pending`` is done (asyncio.wait never cancels them)."""
    while pending:
        _, pending = await asyncio.wait(pending)


async def wait_workers(
    futures: Sequence[concurrent.futures.Future[T]], stop: threading.Event
) -> list[T]:
    """Wait for all worker threads and return their results in order.

    If one fails, the others are stopped, waited for, and its exception is raised (a
    :class:`WorkerStopped` only when no thread had a better reason). If the waiting coroutine
    is cancelled, the threads are stopped and waited for before :class:`asyncio.CancelledError`
    propagates.
    """
    wrapped: list[asyncio.Future[T]] = [asyncio.wrap_future(f) for f in futures]
    pending: set[asyncio.Future[T]] = set(wrapped)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            if any(f.exception() is not None for f in done):
                break
    except asyncio.CancelledError:
        stop.set()
        await _drain(pending)
        _errors(wrapped)
        raise
    if pending:
        stop.set()
        await _drain(pending)
    errors = _errors(wrapped)
    if errors:
        real = [e for e in errors if not isinstance(e, WorkerStopped)]
        raise (real or errors)[0]
    return [f.result() for f in wrapped]


def _errors(futures: Sequence[asyncio.Future[T]]) -> list[BaseException]:
    """The exceptions of finished futures (which also marks them as seen for asyncio)."""
    found: list[BaseException] = []
    for future in futures:
        if future.done() and not future.cancelled():
            error = future.exception()
            if error is not None:
                found.append(error)
    return found


async def run_blocking(work: Callable[[], T], name: str, stop: threading.Event) -> T:
    """Run one blocking call on a worker thread (see :func:`wait_workers`)."""
    (result,) = await wait_workers([start_worker(work, name)], stop)
    return result


class WorkerProgress:
    """Audio seconds done on worker threads, handed to the event loop thread as
    :class:`Progress` reports: at most one per ``interval`` seconds of wall time, in increasing
    order, and none once the job has stopped. Subclasses update ``_seconds`` under ``_lock``
    and then call :meth:`_post`."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        callback: ProgressCallback,
        total_seconds: float | None,
        stop: threading.Event,
        *,
        interval: float,
    ) -> None:
        self._loop = loop
        self._callback = callback
        self._total = total_seconds if total_seconds and total_seconds > 0 else None
        self._stop = stop
        self._interval = interval
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._seconds = 0.0
        self._last_sent = float("-inf")

    def _post(self) -> None:
        """Send a report unless one went out less than ``interval`` ago; call with ``_lock``
        held: posting under the lock keeps reports in the order they were computed."""
        now = time.monotonic()
        if now - self._last_sent < self._interval:
            return
        self._last_sent = now
        self._loop.call_soon_threadsafe(self._deliver, self._report(now - self._started))

    def _report(self, elapsed: float) -> Progress:
        if self._total is None:
            return Progress("processing", None, f"{self._seconds:.0f} s")
        return Progress("processing", min(0.999, self._seconds / self._total))

    def _deliver(self, report: Progress) -> None:
        if not self._stop.is_set():
            self._callback(report)
