"""clova-csr on a 10-minute file: sequential vs concurrent pieces against a 1 s/request emulator.

Run: ``python -m bench.bench_csr [--minutes 10] [--delay 1.0]``. Prints wall time per
concurrency level and the speed-up (target ≥ 3.5× with concurrency 4).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import wave
from pathlib import Path

from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.clova.csr import ClovaCsrProvider
from tests.emulators import CSR_CLIENT_ID, CSR_CLIENT_SECRET, start_emulator
from tests.media import long_speech_pcm


def write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--delay", type=float, default=1.0, help="emulator seconds per request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "long.wav"
        write_wav(audio, long_speech_pcm(args.minutes * 60))
        results: dict[int, tuple[float, int]] = {}
        with start_emulator("clova_csr") as server:
            for concurrency in (1, 4):
                server.faults.clear()
                server.requests.clear()
                server.faults.delay(args.delay, times=10_000)
                provider = ClovaCsrProvider(
                    ProviderConfig(
                        endpoint=server.base_url,
                        credentials={
                            "client_id": CSR_CLIENT_ID,
                            "client_secret": CSR_CLIENT_SECRET,
                        },
                        settings={"concurrency": concurrency},
                    )
                )
                started = time.perf_counter()
                transcript = asyncio.run(
                    provider.transcribe(MediaSource(path=audio), TranscriptionOptions())
                )
                elapsed = time.perf_counter() - started
                results[concurrency] = (elapsed, server.requests.count(r"^POST /recog/v1/stt"))
                print(
                    f"concurrency {concurrency}: {elapsed:6.1f} s, "
                    f"{results[concurrency][1]} requests, {len(transcript.segments)} segments"
                )
        speedup = results[1][0] / results[4][0]
        print(
            f"{args.minutes:g}-minute file, {args.delay:g} s per request: speed-up {speedup:.2f}x"
        )


if __name__ == "__main__":
    main()
