"""Peak memory of the app while uploading a large file the way cloud engines do.

A sink server in another process reads and discards a multipart upload; this process streams a
file (default 1 GiB) to it with :class:`~desktop_app.providers.http.ProgressFile` and samples
its own RSS every 10 ms. Target: peak under 60 MB above the idle process.
Run: ``python -m bench.bench_upload [--size-mb 1024]``.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import BinaryIO, cast

import psutil

from desktop_app.core.progress import Progress
from desktop_app.providers.http import ProgressFile, make_client

SINK = """
import sys
from aiohttp import web

async def sink(request):
    total = 0
    reader = await request.multipart()
    async for part in reader:
        while chunk := await part.read_chunk(1 << 20):
            total += len(chunk)
    return web.json_response({"bytes": total})

app = web.Application(client_max_size=1 << 42)
app.router.add_post("/upload", sink)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SINK, str(port)])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            big = Path(tmp) / "big.bin"
            with open(big, "wb") as handle:
                handle.truncate(args.size_mb * 1024 * 1024)
            process = psutil.Process()
            idle = process.memory_info().rss
            peak = idle
            done = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, process.memory_info().rss)
                    time.sleep(0.01)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            reports: list[Progress] = []

            async def upload() -> int:
                async with make_client(f"http://127.0.0.1:{port}", timeout=600) as client:
                    with ProgressFile(big, reports.append) as handle:
                        response = await client.post(
                            "/upload", files={"file": (handle.name, cast(BinaryIO, handle))}
                        )
                return int(response.json()["bytes"])

            started = time.perf_counter()
            sent = asyncio.run(upload())
            elapsed = time.perf_counter() - started
            done.set()
            sampler.join()
        print(
            f"uploaded {sent / 2**20:.0f} MiB in {elapsed:.1f} s ({sent / 2**20 / elapsed:.0f} MiB/s)"
        )
        print(
            f"idle RSS {idle / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB, "
            f"increase {(peak - idle) / 2**20:.1f} MiB; {len(reports)} progress reports"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
