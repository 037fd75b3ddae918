"""CPU use of the process while it records and nothing is playing (an idle microphone).

Records from an input device (by default the system's default one; on the test machines that is
the monitor of the PulseAudio null sink) into a WAV file in a temporary folder, and prints the
process's CPU time per second of wall time, once with the device at its own sample rate
(resampled to 16 kHz) and once opened at 16 kHz directly::

    python -m bench.bench_recording                       # 20 s per configuration
    python -m bench.bench_recording --seconds 5 --device pulse
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import psutil

from desktop_app.audio import SAMPLE_RATE
from desktop_app.audio.devices import find_input_device, recording_available
from desktop_app.audio.microphone import MicrophoneSource
from desktop_app.audio.recorder import Recorder


async def measure(
    device: str | None, samplerate: int | None, seconds: float, folder: Path, record: bool
) -> tuple[float, float, MicrophoneSource]:
    """Record for ``seconds`` after the first chunk; return (CPU %, audio seconds, source)."""
    process = psutil.Process()
    source = MicrophoneSource(device, samplerate=samplerate)
    began_cpu = began_wall = 0.0
    async with source:
        chunks = Recorder(folder=folder).record(source) if record else source
        first = True
        async for _ in chunks:
            if first:
                times = process.cpu_times()
                began_cpu, began_wall = times.user + times.system, time.monotonic()
                first = False
            elif time.monotonic() - began_wall >= seconds:
                source.close()
    times = process.cpu_times()
    wall = time.monotonic() - began_wall
    cpu = (times.user + times.system - began_cpu) / wall * 100
    return cpu, source.elapsed, source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="recording per configuration")
    parser.add_argument("--device", help="input device number or name (default: the default)")
    args = parser.parse_args(argv)
    available, reason = recording_available()
    if not available:
        print(f"cannot record here: {reason}", file=sys.stderr)
        return 1
    info = find_input_device(args.device)
    print(
        f"Idle recording, {args.seconds:.0f} s each, device {info.id} '{info.name}' "
        f"({info.default_samplerate:.0f} Hz), {psutil.cpu_count()} CPUs; "
        "CPU % = process CPU time / wall time (100 % = one core)"
    )
    configs = [
        ("own rate, source only", None, False),
        ("own rate + recorder", None, True),
        (f"{SAMPLE_RATE} Hz + recorder", SAMPLE_RATE, True),
    ]
    print(f"{'configuration':<24} {'rate':>7} {'ch':>3} {'CPU':>7} {'audio':>8} {'lost':>5}")
    with tempfile.TemporaryDirectory(prefix="sori-bench-") as folder:
        for label, rate, record in configs:
            cpu, audio, source = asyncio.run(
                measure(args.device, rate, args.seconds, Path(folder), record)
            )
            print(
                f"{label:<24} {source.samplerate or 0:>7} {source.channels or 0:>3} "
                f"{cpu:>6.2f}% {audio:>7.1f}s {source.overflows:>5}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
