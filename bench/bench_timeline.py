"""Waveform peaks for a long file, and timeline paint times with 10 000 segments.

Run: ``python -m bench.bench_timeline [--hours 1] [--workers 2]``. Offscreen unless a display is
set.

*Peaks*: encodes ``--hours`` of the ../shared/speech-ko clips (looped; a tone when they are
absent) to a 44.1 kHz stereo 128 kbit/s MP3 once (kept in the temporary folder for later runs),
then times, with an empty cache: the first decoded piece (what a newly opened file shows first)
and the whole file, with 1 and with ``--workers`` decoding threads; then the same file read back
from the cache. Target: ready within 3 s of opening.

*Paint*: a :class:`~desktop_app.ui.timeline.Timeline` of 1000 × 160 pixels showing those peaks
and 10 000 segments spread over the same hour; times ``paintEvent`` alone while scrolling
through the file a page at a time at several zoom levels, and while zooming in and out around
the pointer. Prints p50/p95/max milliseconds. Target: ≤ 16 ms per paint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

import av
import numpy as np
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication

from desktop_app.audio.peaks import Peaks, compute_peaks, load_peaks, write_cache
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.ui.timeline import Timeline
from tests.media import long_speech_pcm, tone_pcm
from tests.ui.samples import long_transcript

SOURCE_RATE = 16000


def long_mp3(hours: float) -> Path:
    """A looped-speech MP3 of ``hours`` (made once, then reused from the temporary folder)."""
    path = Path(tempfile.gettempdir()) / f"sori-bench-timeline-{hours:g}h.mp3"
    if path.exists() and path.stat().st_size > 0:
        return path
    seconds = hours * 3600
    try:
        loop = np.frombuffer(long_speech_pcm(300.0), dtype="<i2")
    except OSError:
        loop = np.frombuffer(tone_pcm(60.0), dtype="<i2")
    partial = path.with_suffix(".partial.mp3")
    started = time.perf_counter()
    with av.open(str(partial), "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=44100, layout="stereo")
        stream.bit_rate = 128_000
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=44100)
        done = 0
        total = int(seconds * SOURCE_RATE)
        while done < total:
            count = min(SOURCE_RATE * 20, total - done)
            samples = loop[np.arange(done, done + count) % len(loop)]
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SOURCE_RATE
            frame.pts = done
            for resampled in resampler.resample(frame):
                container.mux(stream.encode(resampled))
            done += count
        container.mux(stream.encode(None))
    partial.replace(path)
    print(
        f"made {path.name}: {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s"
    )
    return path


def bench_peaks(path: Path, workers: int) -> Peaks:
    peaks: Peaks | None = None
    for threads in sorted({1, workers}):
        first: list[float] = []
        started = time.perf_counter()

        def progress(
            _peaks: Peaks, _done: float, started: float = started, first: list[float] = first
        ) -> None:
            if not first:
                first.append(time.perf_counter() - started)

        peaks = compute_peaks(path, workers=threads, progress=progress)
        total = time.perf_counter() - started
        print(
            f"peaks, {threads} thread(s): first piece {first[0]:.2f} s, whole file {total:.2f} s "
            f"({peaks.duration / total:.0f}x real time; {len(peaks.levels)} levels, "
            f"{sum(level.nbytes for level in peaks.levels) / 1e6:.1f} MB)"
        )
    assert peaks is not None
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write_cache(path, peaks, Path(folder))
        written = time.perf_counter() - started
        started = time.perf_counter()
        cached = load_peaks(path, folder=Path(folder))
        warm = time.perf_counter() - started
        size = sum(f.stat().st_size for f in Path(folder).iterdir()) / 1e6
    print(
        f"cache: write {written * 1000:.0f} ms, reopen (load_peaks from the cache) "
        f"{warm * 1000:.0f} ms ({size:.1f} MB)"
    )
    assert len(cached.levels[0]) == len(peaks.levels[0])
    return cached


class TimedTimeline(Timeline):
    """The real widget, with the time of each paintEvent recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.paint_ms: list[float] = []

    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        super().paintEvent(event)
        self.paint_ms.append((time.perf_counter() - started) * 1000)


def dense_transcript(count: int, seconds: float) -> Transcript:
    """``count`` segments of varied length and three speakers, squeezed into ``seconds``."""
    base = long_transcript(count)
    scale = seconds / (base.duration or seconds)
    segments = [
        Segment(s.start * scale, s.end * scale, s.text, s.speaker, None, []) for s in base.segments
    ]
    return Transcript(segments=segments, speakers=base.speakers, duration=seconds)


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{label:<34} {len(samples):>4} paints  p50 {statistics.median(samples):5.2f} ms  "
        f"p95 {p95:5.2f} ms  max {ordered[-1]:5.2f} ms"
    )


def bench_paint(app: QApplication, peaks: Peaks, segments: int) -> None:
    timeline = TimedTimeline()
    timeline.resize(1000, 160)
    timeline.set_transcript(dense_transcript(segments, peaks.duration))
    timeline.set_peaks(peaks)
    timeline.show()
    app.processEvents()
    every: list[float] = []
    fit = timeline.min_pixels_per_second()
    for pps in (fit, 1.0, 10.0, 100.0, 1000.0):
        timeline.set_pixels_per_second(pps)
        app.processEvents()
        timeline.paint_ms.clear()
        bar = timeline.horizontalScrollBar()
        steps = 60
        for k in range(steps + 1):
            bar.setValue(round(bar.maximum() * k / steps))
            timeline.viewport().repaint()
        report(f"scroll at {pps:.3g} px/s", timeline.paint_ms)
        every += timeline.paint_ms
    timeline.fit()
    timeline.paint_ms.clear()
    for factor in [1.25] * 40 + [0.8] * 40:
        timeline.zoom_by(factor, 700)
        timeline.viewport().repaint()
    report("zoom in and out around x=700", timeline.paint_ms)
    every += timeline.paint_ms
    report("all", every)
    timeline.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--segments", type=int, default=10_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    path = long_mp3(args.hours)
    print(
        f"file: {path} ({path.stat().st_size / 1e6:.0f} MB); cores: {os.cpu_count()}; "
        f"threads now: {threading.active_count()}"
    )
    peaks = bench_peaks(path, args.workers)
    bench_paint(app, peaks, args.segments)


if __name__ == "__main__":
    main()
