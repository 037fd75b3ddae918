"""The longest GUI-thread stall while the window runs a long offline job and a large upload.

The real main window (offscreen unless a display is set) queues, as a user would by dropping
files, a ``--minutes`` long WAV on the offline engine (Vosk) and then a ``--upload-mb`` WAV on
the RTZR cloud engine, which uploads it to the RTZR emulator running in another process (so the
emulator's own work does not count against this process). A 5 ms precise QTimer on the GUI
thread records the gap between its ticks; a gap much longer than 5 ms means the event loop could
not run: a stall the user would feel. Target: the longest gap ≤ 50 ms while both jobs run.

Reported: the gaps before any job (the machine's noise floor), while the upload and the
offline job run together, and over the whole run until a second after both jobs ended (what the
window does with a result counts), each as max / p99 / p50, plus when the longest gaps happened
and what the jobs were doing then, and how busy the machine was. The window is set up as
``run_app`` sets it up (:func:`desktop_app.ui.app.keep_gui_responsive`); ``--untuned`` leaves
that out, for comparison.

To find a stall's cause, ``--diagnose`` adds: how the GUI thread spent each long gap (on a CPU,
waiting for one, or asleep, which mostly means waiting for the GIL; Linux), the stacks of every
thread while the GUI thread is late, Python's slow garbage collections, and the window's slot
calls over 5 ms. ``--py-spy`` also dumps this process with py-spy (``pip install py-spy``) on
each gap over the target. ``--jobs local`` or ``--jobs rtzr`` runs one job alone.

    python -m bench.bench_gui_stall
    python -m bench.bench_gui_stall --minutes 2 --upload-mb 50     # a quick run
"""

from __future__ import annotations

import argparse
import compileall
import functools
import gc
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import wave
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0
TICK_MS = 5
TAIL_MS = 1000
SECOND_DROP_MS = 300
SETTLE_MS = 1000


def _prepare_environment(private: Path) -> None:
    """Private settings/data folders and the emulator's credentials, before the app loads."""
    from tests.emulators.credentials import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET

    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    os.environ["SORI_CONFIG_DIR"] = str(private / "config")
    os.environ["SORI_DATA_DIR"] = str(private / "data")
    os.environ["XDG_CONFIG_HOME"] = str(private / "xdg-config")
    os.environ["SORI_RTZR_CLIENT_ID"] = RTZR_CLIENT_ID
    os.environ["SORI_RTZR_CLIENT_SECRET"] = RTZR_CLIENT_SECRET


def _write_wav(path: Path, pcm: bytes, total_bytes: int) -> Path:
    """A 16 kHz mono WAV of ``total_bytes`` of audio: ``pcm`` repeated and cut to size."""
    total_bytes -= total_bytes % 2
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        written = 0
        while written < total_bytes:
            part = pcm[: total_bytes - written]
            out.writeframes(part)
            written += len(part)
    return path


def _busy_cpu_seconds() -> float:
    """CPU time used by everything on the machine so far (Linux /proc/stat; 0 elsewhere)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    """CPU time of this process and its finished children (the emulator)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_emulator(port: int) -> subprocess.Popen[bytes]:
    # At the lowest priority: it stands in for a server on another machine, and its decoding
    # of the upload should take as little CPU from the app as possible.
    process = subprocess.Popen(
        ["nice", "-n", "19", sys.executable, "-m", "tests.emulators", "rtzr", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the RTZR emulator did not start") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the RTZR emulator did not start within 30 s")


@dataclass
class Stall:
    """One gap between timer ticks, with when it ended and what the jobs were doing, and (with
    ``--diagnose``, Linux) how the GUI thread spent it: on a CPU, or runnable but waiting for
    one (the machine is overloaded); the rest it slept (idle, or waiting for the GIL)."""

    ms: float
    at: float
    states: str
    cpu_ms: float | None = None
    runqueue_ms: float | None = None


def _schedstat_path() -> Path | None:
    """This thread's scheduler statistics (Linux): CPU ns, runqueue-wait ns, timeslices."""
    path = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
    return path if path.exists() else None


def _schedstat(path: Path | None) -> tuple[int, int]:
    if path is None:
        return 0, 0
    cpu, wait, _ = path.read_text().split()
    return int(cpu), int(wait)


@dataclass
class Phases:
    """Gaps (ms) grouped by what was running when each gap ended."""

    idle: list[float] = field(default_factory=list)
    both: list[float] = field(default_factory=list)
    jobs: list[float] = field(default_factory=list)
    worst: list[Stall] = field(default_factory=list)


def _stats(label: str, gaps: list[float]) -> str:
    if not gaps:
        return f"{label:<42} (no samples)"
    ordered = sorted(gaps)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (
        f"{label:<42} max {ordered[-1]:6.1f} ms   p99 {p99:5.1f}   "
        f"p50 {statistics.median(ordered):4.1f}   ({len(ordered)} ticks)"
    )


class Watchdog:
    """Samples every thread's stack while the GUI thread is late (runs on its own thread),
    and times garbage collections (on whichever thread collects)."""

    LATE_SECONDS = 0.03

    def __init__(self) -> None:
        self.last_tick = time.perf_counter()
        self.gui_thread = threading.get_ident()
        self.stacks: Counter[str] = Counter()
        self.collections: list[tuple[float, int, float]] = []  # (ms, generation, at)
        self._gc_started = 0.0
        self.origin = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)

    def start(self) -> None:
        self.origin = time.perf_counter()
        gc.callbacks.append(self._on_gc)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            took = (time.perf_counter() - self._gc_started) * 1000
            if took > 5:
                self.collections.append((took, info["generation"], time.perf_counter()))

    def _watch(self) -> None:
        names = {}
        while not self._stop.wait(0.005):
            if time.perf_counter() - self.last_tick < self.LATE_SECONDS:
                continue
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                lines = [
                    f"{Path(f.filename).name}:{f.lineno} {f.name}"
                    for f in traceback.extract_stack(frame)[-6:]
                ]
                label = "GUI" if ident == self.gui_thread else names.get(ident, str(ident))
                self.stacks[f"[{label}] " + " < ".join(reversed(lines))] += 1

    def report(self, top: int = 12) -> None:
        print("\nwatchdog: stacks seen while the GUI thread was late (samples every 5 ms):")
        for stack, count in self.stacks.most_common(top):
            print(f"  {count:4d}  {stack}")
        slow = sorted(self.collections, reverse=True)[:5]
        print("slowest garbage collections (ms, generation, seconds after queueing):")
        for ms, generation, when in slow:
            print(f"  {ms:6.1f}  gen {generation}  at {when - self.origin:.1f} s")


def time_gui_methods(
    methods: dict[type, tuple[str, ...]], record: list[tuple[float, str, float]]
) -> None:
    """Wrap these methods so calls on the GUI thread over 5 ms are recorded as (ms, name, when)
    — bench-side instrumentation for ``--diagnose`` only. Only methods whose parameters match
    the signals they are connected to: Qt passes a wrapper every argument a signal has."""
    gui = threading.get_ident()

    def wrap(owner: str, name: str, function: Any) -> Any:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != gui:
                return function(*args, **kwargs)
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                took = (time.perf_counter() - began) * 1000
                if took > 5:
                    record.append((took, f"{owner}.{name}", time.perf_counter()))

        return timed

    for cls, names in methods.items():
        for name in names:
            setattr(cls, name, wrap(cls.__name__, name, getattr(cls, name)))


def run(args: argparse.Namespace, private: Path) -> Phases:
    _prepare_environment(private)
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    from desktop_app.core.settings import Settings
    from desktop_app.providers.base import MediaSource
    from desktop_app.ui.app import create_application, keep_gui_responsive
    from desktop_app.ui.main_window import MainWindow
    from tests.media import long_speech_pcm

    speech = long_speech_pcm(args.minutes * 60)
    local_file = _write_wav(private / f"offline-{args.minutes:g}min.wav", speech, len(speech))
    big_file = _write_wav(private / "large-upload.wav", speech, args.upload_mb * 1024 * 1024)
    print(
        f"offline job: {local_file.name} ({args.minutes:g} min); "
        f"upload job: {big_file.name} ({big_file.stat().st_size / 2**20:.0f} MiB, RTZR emulator)"
    )
    port = _free_port()
    emulator = _start_emulator(port)
    try:
        settings = Settings()
        settings.set_engine("rtzr", "endpoint", f"http://127.0.0.1:{port}")
        settings.save()
        app = create_application()
        slow_calls: list[tuple[float, str, float]] = []
        if args.diagnose:
            from desktop_app.core.history import HistoryStore
            from desktop_app.ui.history_panel import HistoryPanel
            from desktop_app.ui.queue_table import QueueTable
            from desktop_app.ui.transcript_view import TranscriptView

            time_gui_methods(
                {
                    MainWindow: (
                        "_on_progress",
                        "_on_finished",
                        "_finish",
                        "_show_entry",
                        "enqueue",
                    ),
                    QueueTable: ("add", "refresh"),
                    HistoryStore: ("save",),
                    HistoryPanel: ("reload",),
                    TranscriptView: ("set_transcript",),
                },
                slow_calls,
            )
        window = MainWindow(settings=Settings(), resume_jobs=False)
        window.show()
        if not args.untuned:
            keep_gui_responsive()  # as run_app does
        for _ in range(5):
            app.processEvents()

        phases = Phases()
        states: dict[str, str] = {}
        job_names: dict[int, str] = {}
        done: set[str] = set()
        uploaded: set[str] = set()  # "rtzr" once its upload has been sent
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]
        started = [clock.nsecsElapsed() / 1e9 + SETTLE_MS / 1000 + args.idle_seconds]
        pyspy = shutil.which("py-spy") if args.py_spy else None
        dumps = [0]

        watchdog = Watchdog() if args.diagnose else None
        if watchdog is not None:
            watchdog.start()
        schedstat = _schedstat_path() if args.diagnose else None
        last_sched = [_schedstat(schedstat)]

        def tick() -> None:
            if watchdog is not None:
                watchdog.last_tick = time.perf_counter()
            now = clock.nsecsElapsed()
            gap = (now - last[0]) / 1e6
            last[0] = now
            sched = _schedstat(schedstat)
            cpu_ms = (sched[0] - last_sched[0][0]) / 1e6
            runqueue_ms = (sched[1] - last_sched[0][1]) / 1e6
            last_sched[0] = sched
            if not states:
                phases.idle.append(gap)
            else:
                running = [n for n in args.jobs if n not in done]
                phases.jobs.append(gap)
                if len(running) == 2 and "rtzr" in states and not uploaded:
                    phases.both.append(gap)
            if gap > 2 * TICK_MS:
                at = now / 1e9 - started[0]
                summary = ", ".join(f"{k} {v}" for k, v in sorted(states.items())) or "idle"
                stall = Stall(gap, at, summary)
                if schedstat is not None:
                    stall.cpu_ms, stall.runqueue_ms = cpu_ms, runqueue_ms
                phases.worst.append(stall)
                phases.worst.sort(key=lambda s: -s.ms)
                del phases.worst[10:]
            if pyspy and gap > TARGET_MS and dumps[0] < 5:
                dumps[0] += 1
                # Shows who holds the GIL right after the stall (best effort: it may be over).
                subprocess.Popen([pyspy, "dump", "--pid", str(os.getpid())])

        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)
        timer.timeout.connect(tick)

        def on_progress(job_id: int, stage: str, fraction: float) -> None:
            name = job_names.get(job_id)
            if name is not None:
                states[name] = stage if fraction < 0 else f"{stage} {fraction:.0%}"
            if name == "rtzr" and stage == "uploading" and fraction >= 1.0:
                uploaded.add(name)

        def on_end(name_state: str, job_id: int, *_: object) -> None:
            name = job_names.get(job_id)
            if name is not None:
                done.add(name)
                states[name] = name_state
                elapsed = clock.nsecsElapsed() / 1e9 - started[0]
                print(f"  {name} job {name_state} after {elapsed:.1f} s")

        window.runner.progress.connect(on_progress)
        window.runner.finished.connect(lambda job_id, _: on_end("done", job_id))
        window.runner.failed.connect(
            lambda job_id, message, _: on_end(f"failed ({message})", job_id)
        )

        def enqueue(engine: str, path: Path) -> None:
            window.engine_box.setCurrentIndex(window.engine_box.findData(engine))
            entry = window.enqueue(MediaSource(path=path), path.name)
            if entry is None or entry.job_id is None:
                raise RuntimeError(f"the window refused to queue {path.name} on {engine}")
            job_names[entry.job_id] = engine
            states[engine] = "queued"

        def start_jobs() -> None:
            started[0] = clock.nsecsElapsed() / 1e9
            if watchdog is not None:
                watchdog.origin = time.perf_counter()
            if "local" in args.jobs:
                enqueue("local", local_file)
            if "rtzr" in args.jobs:
                # A moment later, as a person would pick the other engine and drop the file.
                QTimer.singleShot(SECOND_DROP_MS, lambda: enqueue("rtzr", big_file))

        # The real event loop, as app.exec() runs it; idle first, for the machine's noise floor.
        loop = QEventLoop()

        def maybe_quit(*_: object) -> None:
            if len(done) == len(
                args.jobs
            ):  # go on a second: what the window does with a result counts too
                QTimer.singleShot(TAIL_MS, loop.quit)

        window.runner.finished.connect(maybe_quit)
        window.runner.failed.connect(maybe_quit)

        # The window's own start-up work (history, credentials) settles before measuring.
        def start_timer() -> None:
            last[0] = clock.nsecsElapsed()
            last_sched[0] = _schedstat(schedstat)
            timer.start()

        QTimer.singleShot(SETTLE_MS, start_timer)
        QTimer.singleShot(SETTLE_MS + int(args.idle_seconds * 1000), start_jobs)
        QTimer.singleShot(SETTLE_MS + int((args.idle_seconds + args.max_seconds) * 1000), loop.quit)
        loop.exec()
        timer.stop()
        if watchdog is not None:
            watchdog.stop()
            watchdog.report()
            print("GUI-thread calls over 5 ms (ms, method, seconds after queueing):")
            origin = time.perf_counter() - (clock.nsecsElapsed() / 1e9 - started[0])
            for ms, name, when in sorted(slow_calls, reverse=True)[:15]:
                print(f"  {ms:6.1f}  {name}  at {when - origin:.1f} s")
        if len(done) < len(args.jobs):
            print(f"  stopped measuring after {args.max_seconds:.0f} s with jobs still running")
        # Not window.close(): with a job left running it would ask the user first.
        window.runner.shutdown()
        window.live.shutdown()
        window.hide()
        return phases
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


def _compile_bytecode() -> None:
    """Bytecode for the app's modules, as an installed app has it: without it (for example
    under PYTHONDONTWRITEBYTECODE=1) the modules a job imports are compiled when it starts,
    on the engine's threads and holding the GIL, which is a stall no user sees."""
    sys.dont_write_bytecode = False
    compileall.compile_dir(str(REPO / "desktop_app"), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="offline job length")
    parser.add_argument("--upload-mb", type=int, default=200, help="size of the uploaded WAV")
    parser.add_argument(
        "--jobs",
        type=lambda text: tuple(text.split(",")),
        default=("local", "rtzr"),
        help="which jobs to run (default: local,rtzr; one alone helps to find a stall's cause)",
    )
    parser.add_argument("--idle-seconds", type=float, default=2.0)
    parser.add_argument("--max-seconds", type=float, default=900.0, help="stop measuring then")
    parser.add_argument(
        "--untuned", action="store_true", help="without keep_gui_responsive() (for comparison)"
    )
    parser.add_argument("--diagnose", action="store_true", help="stacks seen during stalls")
    parser.add_argument("--py-spy", action="store_true", help="py-spy dump on stalls > 50 ms")
    args = parser.parse_args()
    _compile_bytecode()
    load_before = os.getloadavg()[0]
    busy_before = _busy_cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="sori-stall-") as tmp:
        phases = run(args, Path(tmp))
    print(
        f"\nmachine: {os.cpu_count()} CPUs; load average {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after; other processes used "
        f"{max(0.0, _busy_cpu_seconds() - busy_before - _own_cpu_seconds()):.0f} CPU-seconds "
        "meanwhile"
    )
    print(f"\nGUI event-loop gaps ({TICK_MS} ms timer; target: max ≤ {TARGET_MS:.0f} ms)")
    print(_stats("idle window, no jobs", phases.idle))
    print(_stats("offline job + RTZR upload together", phases.both))
    print(_stats("whole run, until 1 s after both jobs ended", phases.jobs))
    print("longest gaps (seconds after queueing, negative: before; job states):")
    for stall in phases.worst:
        spent = ""
        if stall.cpu_ms is not None and stall.runqueue_ms is not None:
            spent = f"   [GUI thread: cpu {stall.cpu_ms:4.1f}, runqueue {stall.runqueue_ms:4.1f}]"
        print(f"  {stall.ms:6.1f} ms at {stall.at:6.1f} s   {stall.states}{spent}")


if __name__ == "__main__":
    main()
