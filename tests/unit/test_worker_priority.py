"""Engine worker threads can run below the priority of the thread that starts them (Linux)."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator

import pytest

from desktop_app.providers.threads import set_worker_niceness, start_worker

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="thread priorities are per thread on Linux only"
)


def _own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.fixture
def restore_niceness() -> Iterator[None]:
    yield
    set_worker_niceness(0)


def test_workers_run_at_the_starting_threads_priority_by_default() -> None:
    worker = start_worker(_own_niceness, "test-default")
    assert worker.result(timeout=10) == _own_niceness()


def test_workers_run_the_set_steps_lower(restore_niceness: None) -> None:
    set_worker_niceness(5)
    worker = start_worker(_own_niceness, "test-lowered")
    assert worker.result(timeout=10) == min(19, _own_niceness() + 5)


def test_lowest_priority_is_the_floor(restore_niceness: None) -> None:
    set_worker_niceness(40)
    worker = start_worker(_own_niceness, "test-floor")
    assert worker.result(timeout=10) == 19


def test_negative_values_never_raise_priority(restore_niceness: None) -> None:
    set_worker_niceness(-5)
    worker = start_worker(_own_niceness, "test-negative")
    assert worker.result(timeout=10) == _own_niceness()
