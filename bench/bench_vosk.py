"""Offline engine speed, accuracy and memory on real Korean speech (../shared/speech-ko).

Three measurements, printed as tables::

    python -m bench.bench_vosk                      # everything (a few minutes)
    python -m bench.bench_vosk --clips 10 --long-minutes 3

1. The app's file path (decode + engine, one recognizer in a child process per job) against the
   plainest Vosk loop (the same PCM in 0.1 s chunks, with a new recognizer per clip and with one
   reused for all): wall and CPU time, real-time factor and CER. Per short clip the app pays a
   model load in its child process (2-3 s); on long files that cost vanishes.
2. Does Vosk release the GIL? Two plain recognizers on two threads against the same work done
   one after the other.
3. A long file (the clips joined, repeated to ``--long-minutes``) with one recognizer against the
   parallel split path (``threads`` recognizers): time, speed-up (target >= 1.7x on 2 cores),
   CER and peak RSS. Each run is a fresh process, so its peak RSS is its own.

Times are wall-clock on a machine that may be shared; CPU seconds are printed beside them because
they suffer less from other work running at the same time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE
from desktop_app.core.metrics import corpus_cer
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.vosk.model import load_model, resolve_model_path, vosk_module
from desktop_app.providers.vosk.provider import VoskProvider

SPEECH_KO = Path(__file__).resolve().parents[1].parent / "shared" / "speech-ko"
GAP_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Clip:
    name: str
    pcm: bytes
    reference: str

    @property
    def seconds(self) -> float:
        return len(self.pcm) / BYTES_PER_SECOND


@dataclass(frozen=True, slots=True)
class Timing:
    wall: float
    cpu: float


def load_clips(limit: int | None) -> list[Clip]:
    paths = sorted(SPEECH_KO.glob("*.pcm"))[:limit]
    return [
        Clip(p.stem, p.read_bytes(), p.with_suffix(".txt").read_text(encoding="utf-8").strip())
        for p in paths
    ]


def write_wav(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm)
    return path


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the current program image, while
    ru_maxrss survives exec and would report the parent's peak in a spawned child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured(work: Any) -> tuple[Any, Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, Timing(time.perf_counter() - wall, time.process_time() - cpu)


def bare_loop(model: Any, pcm: bytes, recognizer: Any = None) -> str:
    """The plainest use of Vosk: 0.1 s chunks into a recognizer (a new one unless given)."""
    if recognizer is None:
        recognizer = vosk_module().KaldiRecognizer(model, SAMPLE_RATE)
        recognizer.SetWords(True)
    texts = []
    for start in range(0, len(pcm), 3200):
        if recognizer.AcceptWaveform(pcm[start : start + 3200]):
            texts.append(json.loads(recognizer.Result())["text"])
    texts.append(json.loads(recognizer.FinalResult())["text"])
    return " ".join(t for t in texts if t)


def app_path(path: Path, threads: int) -> str:
    provider = VoskProvider(ProviderConfig(settings={"threads": threads}))
    transcript = asyncio.run(provider.transcribe(MediaSource(path=path), TranscriptionOptions()))
    return transcript.text


def compare_with_bare_loop(model: Any, clips: list[Clip], folder: Path) -> None:
    """Each clip through each path, the order rotating so background load hits all alike."""
    reused = vosk_module().KaldiRecognizer(model, SAMPLE_RATE)
    reused.SetWords(True)
    paths: dict[str, Any] = {
        "plain, new": lambda clip, wav: bare_loop(model, clip.pcm),
        "plain, reused": lambda clip, wav: bare_loop(model, clip.pcm, reused),
        "app": lambda clip, wav: app_path(wav, 1),
    }
    times = {name: Timing(0.0, 0.0) for name in paths}
    pairs: dict[str, list[tuple[str, str]]] = {name: [] for name in paths}
    names = list(paths)
    for n, clip in enumerate(clips):
        wav = write_wav(folder / f"{clip.name}.wav", clip.pcm)
        for name in names[n % 3 :] + names[: n % 3]:
            text, timing = measured(lambda run=paths[name], c=clip, w=wav: run(c, w))
            times[name] = Timing(times[name].wall + timing.wall, times[name].cpu + timing.cpu)
            pairs[name].append((clip.reference, text))
    audio = sum(c.seconds for c in clips)
    print(f"\n1. App file path vs plain Vosk loop: {len(clips)} clips, {audio:.0f} s of speech")
    print("   (plain, new: a new recognizer per clip; plain, reused: one for all clips; the app")
    print("   starts a child process per job, model load included, so the same file always gives")
    print("   the same text)")
    print(f"{'path':<15}{'wall s':>9}{'cpu s':>9}{'RTF':>8}{'CER':>8}")
    for name in names:
        timing = times[name]
        cer = corpus_cer(pairs[name])
        print(
            f"{name:<15}{timing.wall:>9.1f}{timing.cpu:>9.1f}{timing.wall / audio:>8.3f}{cer:>8.3f}"
        )
    for baseline in ("plain, new", "plain, reused"):
        wall = times["app"].wall / times[baseline].wall
        cpu = times["app"].cpu / times[baseline].cpu
        verdict = "ok" if min(wall, cpu) <= 1.10 else "over target"
        print(f"app / {baseline}: wall {wall:.3f}, cpu {cpu:.3f} (target <= 1.10: {verdict})")


def gil_check(model: Any, pcm: bytes) -> None:
    """Two recognizers one after the other, then the same two on two threads at once."""

    def both_in_turn() -> None:
        bare_loop(model, pcm)
        bare_loop(model, pcm)

    def both_at_once() -> None:
        threads = [threading.Thread(target=bare_loop, args=(model, pcm)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    _, in_turn = measured(both_in_turn)
    _, at_once = measured(both_at_once)
    seconds = len(pcm) / BYTES_PER_SECOND
    print(f"\n2. GIL: two plain recognizers on {seconds:.0f} s each")
    print(f"{'mode':<20}{'wall s':>9}{'cpu s':>9}")
    print(f"{'one after the other':<20}{in_turn.wall:>9.1f}{in_turn.cpu:>9.1f}")
    print(f"{'two threads at once':<20}{at_once.wall:>9.1f}{at_once.cpu:>9.1f}")
    print(f"speed-up from threads: {in_turn.wall / at_once.wall:.2f}x (2.0 = GIL fully released)")


def long_file(clips: list[Clip], minutes: float, folder: Path) -> tuple[Path, str, float]:
    """The clips joined with short pauses of room noise, repeated to at least ``minutes``."""
    rng = np.random.default_rng(0)
    parts: list[bytes] = []
    references: list[str] = []
    seconds = 0.0
    while seconds < minutes * 60:
        for clip in clips:
            gap = rng.normal(0, 30, round(GAP_SECONDS * SAMPLE_RATE)).astype("<i2").tobytes()
            parts += [clip.pcm, gap]
            references.append(clip.reference)
            seconds += clip.seconds + GAP_SECONDS
    return write_wav(folder / "long.wav", b"".join(parts)), " ".join(references), seconds


def _long_run(path: str, threads: int) -> tuple[float, float, str, float]:
    """In a fresh process: wall and CPU time of one transcription, its text, and peak memory
    (MB): this process's own plus ``threads`` times the largest recognition child's (the
    children run at the same time)."""
    text, timing = measured(lambda: app_path(Path(path), threads))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return timing.wall, timing.cpu, text, peak_rss_mb() + threads * children


def compare_parallel(clips: list[Clip], minutes: float, threads: int, folder: Path) -> None:
    path, reference, seconds = long_file(clips, minutes, folder)
    context = multiprocessing.get_context("spawn")
    results = {}
    for count in (1, threads):
        with context.Pool(1) as pool:
            results[count] = pool.apply(_long_run, (str(path), count))
    print(f"\n3. Long file: {seconds / 60:.1f} min, one recognizer vs {threads} in parallel")
    print(f"{'recognizers':<12}{'wall s':>9}{'cpu s':>9}{'RTF':>8}{'CER':>8}{'peak RSS MB':>13}")
    for count, (wall, cpu, text, rss) in results.items():
        cer = corpus_cer([(reference, text)])
        print(f"{count:<12}{wall:>9.1f}{cpu:>9.1f}{wall / seconds:>8.3f}{cer:>8.3f}{rss:>13.0f}")
    speedup = results[1][0] / results[threads][0]
    verdict = "ok" if speedup >= 1.7 else "below target"
    print(f"speed-up: {speedup:.2f}x (target >= 1.7x on 2 cores: {verdict})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clips", type=int, default=None, help="use only the first N clips")
    parser.add_argument("--long-minutes", type=float, default=10.0, help="length of the long file")
    parser.add_argument("--threads", type=int, default=2, help="recognizers in the parallel run")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: 1,2,3")
    args = parser.parse_args(argv)
    if not SPEECH_KO.is_dir():
        print(f"Skipped: {SPEECH_KO} is not available on this machine.")
        return 0
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    clips = load_clips(args.clips)
    print(f"Vosk offline engine on {len(clips)} clips from {SPEECH_KO} ({os.cpu_count()} CPUs)")
    model, load = measured(lambda: load_model(resolve_model_path(None)))
    print(f"model load: {load.wall:.1f} s, peak RSS {peak_rss_mb():.0f} MB")
    with tempfile.TemporaryDirectory(prefix="sori-bench-") as tmp:
        folder = Path(tmp)
        if "1" not in skip:
            compare_with_bare_loop(model, clips, folder)
        if "2" not in skip:
            joined = b"".join(c.pcm for c in clips)[: 60 * BYTES_PER_SECOND]
            gil_check(model, joined)
        print(f"(peak RSS of this process so far: {peak_rss_mb():.0f} MB)")
        if "3" not in skip:
            compare_parallel(clips, args.long_minutes, args.threads, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
