"""Time from launching the app to its main window being shown (target ≤ 1 s).

Each run starts ``python -m desktop_app`` as a new process with ``SORI_REPORT_SHOWN`` set, so
the app writes ``time.monotonic()`` (a system-wide clock) once its window has painted for the
first time (see :mod:`desktop_app.ui.app`); launch time = that moment minus the moment just
before the process was spawned, so interpreter start-up, imports, building the window and the
first paint are all inside it. The first run only warms the disk cache and is not counted.

For comparison, the same is measured for a bare PySide6 window (the floor any PySide6 app pays),
and ``--imports`` lists the heaviest modules the app imported before its window showed
(``python -X importtime``).

Runs offscreen unless a display is set; ``--xvfb`` starts a private Xvfb server first (its own
start-up is not counted) and runs the app on it through the xcb platform::

    python -m bench.bench_gui_launch
    python -m bench.bench_gui_launch --repeat 10 --imports
    python -m bench.bench_gui_launch --xvfb
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHOWN_TIMEOUT = 30.0

# A window with nothing in it, reporting its first paint the way the app does.
BARE_WINDOW = """
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Reporter(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.write)
        return False

    def write(self):
        with open(os.environ["SORI_REPORT_SHOWN"], "w") as handle:
            json.dump({"monotonic": time.monotonic()}, handle)

app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("Sori"))
reporter = Reporter()
window.installEventFilter(reporter)
window.resize(1200, 760)
window.show()
app.exec()
"""


def _environment(private: Path, report: Path, display: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["SORI_REPORT_SHOWN"] = str(report)
    env["SORI_CONFIG_DIR"] = str(private / "config")
    env["SORI_DATA_DIR"] = str(private / "data")
    env["XDG_CONFIG_HOME"] = str(private / "xdg-config")
    env["PYTHONPATH"] = str(REPO)
    # Bytecode cached as an installed app has it, in the private folder rather than the repo.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(private / "pycache")
    if display is not None:
        env["DISPLAY"] = display
        env["QT_QPA_PLATFORM"] = "xcb"
    elif not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def launch_once(
    command: list[str],
    private: Path,
    *,
    display: str | None = None,
    stderr_to: Path | None = None,
) -> float:
    """Seconds from spawning ``command`` to the window's first paint; the process is then ended."""
    report = private / "shown.json"
    report.unlink(missing_ok=True)
    env = _environment(private, report, display)
    errors = open(stderr_to, "wb") if stderr_to else subprocess.DEVNULL  # noqa: SIM115
    began = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        while True:
            if report.exists() and report.stat().st_size > 0:
                shown = float(json.loads(report.read_text())["monotonic"])
                return shown - began
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode} before showing")
            if time.monotonic() - began > SHOWN_TIMEOUT:
                raise RuntimeError(f"{command} showed no window within {SHOWN_TIMEOUT:.0f} s")
            time.sleep(0.002)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if stderr_to:
            errors.close()  # type: ignore[union-attr]


def measure(command: list[str], repeat: int, display: str | None) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="sori-launch-") as tmp:
        private = Path(tmp)
        launch_once(command, private, display=display)  # warm-up: disk cache, bytecode
        return [launch_once(command, private, display=display) for _ in range(repeat)]


@contextlib.contextmanager
def xvfb_display() -> Iterator[str]:
    """A private Xvfb server for the whole measurement (its own start-up is not the app's)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def heaviest_imports(top: int, display: str | None) -> list[tuple[float, str]]:
    """The slowest top-level packages (cumulative ms) imported before the window showed."""
    with tempfile.TemporaryDirectory(prefix="sori-launch-") as tmp:
        private = Path(tmp)
        log = private / "importtime.txt"
        command = [sys.executable, "-X", "importtime", "-m", "desktop_app"]
        launch_once(command, private, display=display)
        launch_once(command, private, display=display, stderr_to=log)
        totals: dict[str, float] = {}
        pattern = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| \s*(\S+)")
        for line in log.read_text(errors="replace").splitlines():
            match = pattern.match(line)
            # A root package's line carries everything it imported; ours and Qt's per module.
            if match and ("." not in match[2] or match[2].startswith(("desktop_app.", "PySide6."))):
                totals[match[2]] = int(match[1]) / 1000
        ranked = sorted(((ms, name) for name, ms in totals.items()), reverse=True)
        return ranked[:top]


def _summary(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return (
        f"{label:<34} median {statistics.median(ms):6.0f} ms   "
        f"min {ms[0]:6.0f}   max {ms[-1]:6.0f}   (n={len(ms)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="counted runs (after a warm-up)")
    parser.add_argument("--xvfb", action="store_true", help="a real X server (Xvfb)")
    parser.add_argument("--imports", action="store_true", help="list the slowest imports")
    args = parser.parse_args()
    if args.xvfb and shutil.which("Xvfb") is None:
        parser.error("Xvfb is not installed (apt-get install xvfb)")
    with xvfb_display() if args.xvfb else contextlib.nullcontext() as display:
        platform = "Xvfb" if display else "DISPLAY" if os.environ.get("DISPLAY") else "offscreen"
        print(f"launch → first paint of the main window ({platform}; target ≤ 1000 ms)")
        bare = measure([sys.executable, "-c", BARE_WINDOW], args.repeat, display)
        print(_summary("bare PySide6 window (floor)", bare))
        app = measure([sys.executable, "-m", "desktop_app"], args.repeat, display)
        print(_summary("python -m desktop_app", app))
        above = (statistics.median(app) - statistics.median(bare)) * 1000
        print(f"{'app above the floor':<34} median {above:6.0f} ms")
        if args.imports:
            print("\nslowest imports before the window showed (cumulative ms, -X importtime):")
            for ms, name in heaviest_imports(25, display):
                print(f"  {ms:7.1f}  {name}")


if __name__ == "__main__":
    main()
