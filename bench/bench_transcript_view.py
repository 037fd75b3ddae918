"""Time to show a long transcript in the transcript view and to scroll through all of it.

Builds a transcript of ``--segments`` segments (1–40 words each, three speakers, word timings,
some low-confidence words), then measures on the GUI thread:

* *show*: ``set_transcript`` + ``show`` + the event processing that lays out and paints the
  first screen (target ≤ 300 ms for 10 000 segments);
* *scroll*: one page down at a time from the top to the bottom, each step processed and
  painted — the mean and the slowest step, and the whole traversal;
* *jump*: to the end and back to the top.

Runs offscreen unless a display is set::

    python -m bench.bench_transcript_view
    xvfb-run -a python -m bench.bench_transcript_view --segments 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from desktop_app.ui.transcript_view import TranscriptView
from tests.ui.samples import long_transcript


class _PaintCounter(QObject):
    """Counts paint events of the table's viewport (to be sure every step was painted)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _settle(app: QApplication) -> None:
    # Twice: the first pass runs the zero-delay row fitting, the second paints its result.
    app.processEvents()
    app.processEvents()


def measure(app: QApplication, segments: int) -> dict[str, float]:
    transcript = long_transcript(segments)
    view = TranscriptView()
    view.resize(1000, 700)
    painted = _PaintCounter()
    view.table.viewport().installEventFilter(painted)
    began = time.perf_counter()
    view.set_transcript(transcript)
    view.show()
    _settle(app)
    shown = time.perf_counter() - began
    if painted.count == 0:
        raise RuntimeError("the view was not painted; the measurement would be meaningless")

    bar = view.table.verticalScrollBar()
    steps: list[float] = []
    traverse_began = time.perf_counter()
    while bar.value() < bar.maximum():
        step_began = time.perf_counter()
        bar.setValue(bar.value() + max(1, bar.pageStep()))
        _settle(app)
        steps.append(time.perf_counter() - step_began)
    traverse = time.perf_counter() - traverse_began
    if painted.count < len(steps):
        raise RuntimeError(f"only {painted.count} paints for {len(steps)} scroll steps")

    jump_began = time.perf_counter()
    bar.setValue(0)
    _settle(app)
    bar.setValue(bar.maximum())
    _settle(app)
    jump = time.perf_counter() - jump_began
    view.close()
    view.deleteLater()
    app.processEvents()
    return {
        "show": shown,
        "steps": float(len(steps)),
        "step_mean": statistics.fmean(steps) if steps else 0.0,
        "step_max": max(steps, default=0.0),
        "traverse": traverse,
        "jump": jump,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    print(
        f"transcript view, {args.segments} segments, platform {app.platformName()}, "
        f"best of {args.repeat}"
    )
    runs = [measure(app, args.segments) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["show"])
    print(f"  show (set + first paint): {best['show'] * 1000:7.1f} ms   (target ≤ 300 ms)")
    print(
        f"  scroll one page:          {best['step_mean'] * 1000:7.1f} ms mean, "
        f"{best['step_max'] * 1000:.1f} ms slowest, {int(best['steps'])} pages"
    )
    print(f"  scroll top to bottom:     {best['traverse'] * 1000:7.1f} ms")
    print(f"  jump top, then bottom:    {best['jump'] * 1000:7.1f} ms")
    worst_show = max(r["show"] for r in runs)
    shows = ", ".join(f"{r['show'] * 1000:.1f}" for r in runs)
    print(f"  show, all runs:           {shows} ms")
    if worst_show > 0.3:
        print("  NOTE: a run exceeded the 300 ms target")


if __name__ == "__main__":
    main()
