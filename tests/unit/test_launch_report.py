"""``SORI_REPORT_SHOWN``: the app writes when its window first painted (for the launch bench)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


def test_the_app_reports_the_moment_its_window_is_shown(tmp_path: Path) -> None:
    report = tmp_path / "shown.json"
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        SORI_CONFIG_DIR=str(tmp_path / "config"),
        SORI_DATA_DIR=str(tmp_path / "data"),
        SORI_REPORT_SHOWN=str(report),
        SORI_QUIT_AFTER_SHOWN="1",
    )
    before = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "desktop_app"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    after = time.monotonic()
    assert process.returncode == 0, process.stderr.decode(errors="replace")
    shown = json.loads(report.read_text(encoding="utf-8"))
    # time.monotonic() is one clock for every process, so the moment lies within the run.
    assert before < shown["monotonic"] < after
    assert isinstance(shown["pid"], int) and shown["pid"] != os.getpid()
