"""Latency the app adds in live mode, and its CPU use while streaming.

Plays the Korean test sentence (repeated) at real-time pace in 0.1 s chunks through the app's live
path (``resilient_stream`` + ``TranscriptAssembler``, as ``sori live`` and the window use it) to
the local CLOVA real-time (gRPC) emulator, which answers instantly. For each result, the latency
is the time from the newest chunk being handed to the app to the result coming out of it.
Target: p95 ≤ 30 ms. Run: ``python -m bench.bench_live_latency [--seconds 30]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import AsyncIterator

import psutil

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.live.resilient import resilient_stream
from desktop_app.providers.base import ProviderConfig
from desktop_app.providers.clova.stream import ClovaStreamProvider
from tests.emulators.clova_grpc import start_clova_grpc
from tests.emulators.credentials import CLOVA_SPEECH_SECRET
from tests.media import speech_pcm

CHUNK = BYTES_PER_SECOND // 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(endpoint: str, seconds: float) -> tuple[list[float], float, float]:
    speech = speech_pcm() + b"\x00\x00" * 16000
    audio = (speech * (int(seconds / 8.8) + 1))[: int(seconds * BYTES_PER_SECOND)]
    last_chunk = 0.0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal last_chunk
        start = time.perf_counter()
        for index, offset in enumerate(range(0, len(audio), CHUNK)):
            await asyncio.sleep(max(0.0, start + index * 0.1 - time.perf_counter()))
            last_chunk = time.perf_counter()
            yield audio[offset : offset + CHUNK]

    provider = ClovaStreamProvider(
        ProviderConfig(endpoint=endpoint, credentials={"secret": CLOVA_SPEECH_SECRET})
    )
    assembler = TranscriptAssembler()
    latencies: list[float] = []
    process = psutil.Process()
    cpu_before = process.cpu_times()
    wall_before = time.perf_counter()
    async for event in resilient_stream(provider, chunks(), TranscriptionOptions()):
        latencies.append((time.perf_counter() - last_chunk) * 1000)
        assembler.apply(event)
    wall = time.perf_counter() - wall_before
    cpu_after = process.cpu_times()
    await provider.aclose()
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    return latencies, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with start_clova_grpc() as server:
        latencies, wall, cpu = asyncio.run(measure(server.endpoint, args.seconds))
    print(f"clova-stream, {args.seconds:g} s of audio at real-time pace, {len(latencies)} results")
    print(
        f"added latency: p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
    )
    print(f"CPU (this process, emulator included): {100 * cpu / wall:.1f} % of one core")


if __name__ == "__main__":
    main()
