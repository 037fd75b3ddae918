"""The longest GUI-thread stall when a folder of thousands of files is dropped on the window.

A folder tree of ``--media`` media files among ``--other`` files that are not is built in a
temporary folder; the real main window (offscreen unless a display is set) gets it through
``add_paths``, as a drop delivers it. Jobs are accepted but not run (a runner that only numbers
them), so what is measured is the window's own work: searching the folder and adding the rows.
A 5 ms precise QTimer on the GUI thread records the gaps between its ticks; the longest gap is
the stall a user would feel. Reported: the time until every file is queued, and the gaps as
max / p99 / p50.

    python -m bench.bench_folder_drop
    python -m bench.bench_folder_drop --media 5000 --other 5000
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.ui.main_window import MainWindow
from tests.helpers.held_jobs import HeldJobs

TICK_MS = 5


def build_tree(root: Path, media: int, other: int) -> None:
    for n in range(media + other):
        folder = root / f"part{n % 10}" / f"day{n % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / (f"clip{n:06d}" + (".wav" if n < media else ".txt"))).write_bytes(b"")


def measure(app: QApplication, root: Path, expected: int, private: Path) -> dict[str, float]:
    window = MainWindow(
        HeldJobs(),
        settings=Settings(private / "settings.json"),
        history=HistoryStore(private / "history.sqlite3"),
        resume_jobs=False,
    )
    window.show()
    for _ in range(20):
        app.processEvents()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(TICK_MS)
    began = time.perf_counter()
    last[0] = began
    window.add_paths([root])
    while len(window.queue.entries) < expected:
        app.processEvents()
        time.sleep(0.001)
    queued = time.perf_counter() - began
    timer.stop()
    tick()
    gaps.sort()
    for entry in list(window.queue.entries):
        window.queue.remove(entry)
    window.close()
    window.deleteLater()
    app.processEvents()
    return {
        "queued": queued,
        "max": gaps[-1],
        "p99": gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))],
        "p50": statistics.median(gaps),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--media", type=int, default=3000)
    parser.add_argument("--other", type=int, default=3000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "drop"
        build_tree(root, args.media, args.other)
        private = Path(tmp) / "private"
        private.mkdir()
        result = measure(app, root, args.media, private)
    print(
        f"folder drop, {args.media} media files among {args.media + args.other}, "
        f"platform {app.platformName()}"
    )
    print(f"  all queued after:  {result['queued'] * 1000:8.1f} ms")
    print(
        f"  GUI gaps:          max {result['max']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"p50 {result['p50']:.1f} ms (timer every {TICK_MS} ms)"
    )


if __name__ == "__main__":
    main()
