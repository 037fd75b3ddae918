"""Run blocking engine work on worker threads from a coroutine, with cooperative cancellation.

CPU-bound engines (Vosk) and decoding run on plain daemon threads, never on the event loop
thread. A job shares one :class:`threading.Event` (``stop``) with its threads; they check it
between small steps. When the coroutine is cancelled (or one thread fails) :func:`wait_workers`
sets ``stop``, waits until every thread has returned, and then lets the exception travel on, so
a cancelled job leaves nothing running behind it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


class WorkerStopped(Exception):
    """Raised inside a worker thread that noticed the job's stop event."""


def start_worker(work: Callable[[], T], name: str) -> concurrent.futures.Future[T]:
    """Run ``work`` on a new daemon thread; the future holds its result or exception."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
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
