"""Shared set-up for tests on a real capture device: skip unless scripts/test-session started
PulseAudio with the ``vsink`` null sink (``SORI_TEST_PULSE=1``), and play clips into it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SINK = "vsink"


def _pulse_ready() -> str | None:
    """None when the null sink is there to play into, else why not."""
    if os.environ.get("SORI_TEST_PULSE") != "1":
        return "SORI_TEST_PULSE is not set (scripts/test starts PulseAudio and sets it)"
    if not shutil.which("pactl") or not shutil.which("paplay"):
        return "pactl/paplay are not installed"
    try:
        sinks = subprocess.run(
            ["pactl", "list", "short", "sinks"],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"pactl does not work: {exc}"
    if sinks.returncode != 0 or SINK not in sinks.stdout:
        return f"PulseAudio has no '{SINK}' sink"
    return None


@pytest.fixture(autouse=True)
def _needs_pulse() -> None:
    reason = _pulse_ready()
    if reason:
        pytest.skip(reason)


Player = Callable[[Path], subprocess.Popen[bytes]]


@pytest.fixture
def play() -> Iterator[Player]:
    """Start playing a file into the null sink (paplay); stopped after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(path: Path) -> subprocess.Popen[bytes]:
        player = subprocess.Popen(["paplay", f"--device={SINK}", str(path)])
        started.append(player)
        return player

    yield start
    for player in started:
        if player.poll() is None:
            player.kill()
        player.wait()
