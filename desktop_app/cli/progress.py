"""A progress bar for the command line, drawn on stderr only when stderr is a terminal."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from desktop_app.core.progress import Progress

STAGE_LABELS = {
    "decoding": "decoding",
    "uploading": "uploading",
    "queued": "queued",
    "processing": "transcribing",
    "downloading": "downloading",
    "done": "done",
}


class ProgressBar:
    """Draws ``name  stage  [#####.....]  42%`` on one updating line. Not thread-safe: feed it
    from the thread that runs the job's event loop."""

    def __init__(self, name: str, stream: TextIO | None = None, *, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.name = name
        self._last_draw = 0.0
        self._drawn = False
        self._started = time.monotonic()

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last_draw < 0.1 and progress.fraction not in (0.0, 1.0):
            return
        self._last_draw = now
        width = shutil.get_terminal_size((80, 20)).columns
        label = STAGE_LABELS.get(progress.stage, progress.stage)
        elapsed = now - self._started
        if progress.fraction is None:
            tail = f"{label}  {elapsed:5.0f}s"
            line = f"{self.name}  {tail}"
        else:
            fraction = min(1.0, max(0.0, progress.fraction))
            tail = f"{label} {fraction * 100:5.1f}%  {elapsed:4.0f}s"
            bar_width = max(10, width - len(self.name) - len(tail) - 8)
            filled = int(bar_width * fraction)
            line = f"{self.name}  [{'#' * filled}{'.' * (bar_width - filled)}] {tail}"
        self.stream.write("\r" + line[: width - 1].ljust(width - 1))
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Clear the line so the next output starts clean."""
        if self.enabled and self._drawn:
            width = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.stream.flush()
            self._drawn = False
