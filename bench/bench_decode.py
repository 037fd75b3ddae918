"""Decode speed per format: how many times faster than real time, and peak memory.

Builds a file of Korean speech (the ../shared/speech-ko clips when present, else the short test
sentence repeated) in every format the tests use, then decodes each one to 16 kHz mono PCM in a
fresh child process, so the peak RSS printed is that of one decode alone::

    python -m bench.bench_decode                 # 60 s of speech, every format
    python -m bench.bench_decode --seconds 600 --formats mp3,wav --repeat 3
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.decode import decode_pcm, probe
from tests.media import FORMATS, SHARED_SPEECH, long_speech_pcm, make_media, missing_encoder


def _measure(path: str | None, repeat: int) -> dict[str, float]:
    """In the child: best decode time and probe time (s), audio seconds, peak RSS (KiB).
    Without a path, only the peak RSS of a process that imported everything."""
    result: dict[str, float] = {}
    if path is not None:
        best = float("inf")
        size = 0
        for _ in range(repeat):
            began = time.perf_counter()
            size = 0
            for chunk in decode_pcm(path, chunk_seconds=0.5):
                size += len(chunk)
            best = min(best, time.perf_counter() - began)
        began = time.perf_counter()
        probe(path)
        result = {
            "decode": best,
            "probe": time.perf_counter() - began,
            "seconds": size / BYTES_PER_SECOND,
        }
    result["rss"] = _peak_rss_kib()
    return result


def _peak_rss_kib() -> float:
    # VmHWM belongs to this program image; ru_maxrss would carry over the parent's peak, since
    # Linux keeps it across fork and exec.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _in_child(path: str | None, repeat: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.bench_decode", "--child", path or "", "--repeat"]
    done = subprocess.run([*command, str(repeat)], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the test audio")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats")
    parser.add_argument("--repeat", type=int, default=2, help="decodes per format (best counts)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(_measure(args.child or None, args.repeat)))
        return 0
    formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        parser.error(f"unknown formats: {', '.join(unknown)} (known: {', '.join(FORMATS)})")

    source = "speech-ko clips" if SHARED_SPEECH.is_dir() else "tests/data/ko_short.wav repeated"
    print(f"Decode to 16 kHz mono s16: {args.seconds:.0f} s of speech ({source})")
    pcm = long_speech_pcm(args.seconds)
    with tempfile.TemporaryDirectory(prefix="sori-bench-") as folder:
        baseline = _in_child(None, 1)["rss"]
        print(f"peak RSS of a child that decodes nothing: {baseline / 1024:.0f} MiB")
        print(
            f"{'format':<6} {'codec':<18} {'size':>9} {'decode':>9} {'speed':>9} "
            f"{'probe':>8} {'peak RSS':>9}"
        )
        for name in formats:
            spec = FORMATS[name]
            missing = missing_encoder(name)
            if missing:
                print(f"{name:<6} skipped: this FFmpeg has no {missing} encoder")
                continue
            path = Path(folder) / f"speech.{name}"
            make_media(path, name, pcm=pcm, video=spec.video_codec is not None)
            numbers = _in_child(str(path), args.repeat)
            elapsed, probe_time, seconds = numbers["decode"], numbers["probe"], numbers["seconds"]
            rss = numbers["rss"]
            codec = spec.audio_codec + (f"+{spec.video_codec}" if spec.video_codec else "")
            print(
                f"{name:<6} {codec:<18} {path.stat().st_size / 1e6:>7.2f}MB "
                f"{elapsed * 1000:>7.0f}ms {seconds / elapsed:>8.0f}x "
                f"{probe_time * 1000:>6.1f}ms {rss / 1024:>7.0f}MiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
