"""The Whisper engine's accuracy, speed and memory on real Korean speech (../shared/speech-ko).

Printed as tables::

    python -m bench.bench_whisper                       # everything (some 15 minutes on 2 cores)
    python -m bench.bench_whisper --skip 3 --clips 20   # a quicker look

1. CER per clip and on the clips joined into one long file, side by side: Vosk (a plain
   recognizer per clip; the app's engine on the joined file), Whisper greedy (quality=fast) and
   Whisper beam 5 (quality=balanced, the default). Whisper goes through the app's file path.
2. Speed of a ~10-minute file: the app's path (decode in windows, batched pipeline, guards)
   against the barest faster-whisper batched loop with the same model and settings (beam 5,
   word timestamps, batch 8, Silero VAD). The machine may be shared, so the two run in turn,
   ``--rounds`` times, each in a fresh process; ratios of the medians are printed with the load
   average. Peak RSS of each run is its process's own.
3. Memory flat in the file's length: peak RSS of the app on the ~10-minute file and on a
   ``--long-minutes`` file (greedy, to keep it short; windows are the same for any beam).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_vosk import (
    GAP_SECONDS,
    SPEECH_KO,
    Clip,
    bare_loop,
    load_clips,
    measured,
    peak_rss_mb,
    write_wav,
)
from desktop_app.audio import SAMPLE_RATE
from desktop_app.core.metrics import corpus_cer
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.vosk.model import load_model, resolve_model_path
from desktop_app.providers.vosk.provider import VoskProvider
from desktop_app.providers.whisper.bundled import ensure_base_model
from desktop_app.providers.whisper.runner import VAD_PARAMETERS, cpu_threads, load_runner


def whisper_app(path: Path, quality: str) -> str:
    from desktop_app.providers.whisper.provider import WhisperProvider

    options = TranscriptionOptions(extra={"quality": quality})
    transcript = asyncio.run(WhisperProvider().transcribe(MediaSource(path=path), options))
    return transcript.text


def vosk_app(path: Path) -> str:
    provider = VoskProvider(ProviderConfig(settings={"threads": 2}))
    transcript = asyncio.run(provider.transcribe(MediaSource(path=path), TranscriptionOptions()))
    return transcript.text


def joined_file(clips: list[Clip], minutes: float, folder: Path, name: str) -> tuple[Path, str]:
    """The clips with short pauses of room noise between them, repeated to ``minutes``."""
    rng = np.random.default_rng(0)
    parts: list[bytes] = []
    references: list[str] = []
    seconds = 0.0
    while seconds < minutes * 60 or not parts:
        for clip in clips:
            gap = rng.normal(0, 30, round(GAP_SECONDS * SAMPLE_RATE)).astype("<i2").tobytes()
            parts += [clip.pcm, gap]
            references.append(clip.reference)
            seconds += clip.seconds + GAP_SECONDS
            if minutes and seconds >= minutes * 60:
                break
    return write_wav(folder / name, b"".join(parts)), " ".join(references)


def accuracy(clips: list[Clip], folder: Path) -> None:
    audio = sum(c.seconds for c in clips)
    print(f"\n1. CER on {len(clips)} clips ({audio:.0f} s), per clip and joined into one file")
    vosk_model = load_model(resolve_model_path(None))
    load_runner(ensure_base_model())
    per_clip: dict[str, list[tuple[str, str]]] = {"vosk": [], "fast": [], "balanced": []}
    times = dict.fromkeys(per_clip, 0.0)
    for clip in clips:
        wav = write_wav(folder / f"{clip.name}.wav", clip.pcm)
        for name, pairs in per_clip.items():
            if name == "vosk":
                text, timing = measured(lambda c=clip: bare_loop(vosk_model, c.pcm))
            else:
                text, timing = measured(lambda w=wav, q=name: whisper_app(w, q))
            pairs.append((clip.reference, text))
            times[name] += timing.wall
    joined, reference = joined_file(clips, 0, folder, "joined.wav")
    joined_results = {}
    for name in per_clip:
        text, timing = measured(
            lambda q=name: vosk_app(joined) if q == "vosk" else whisper_app(joined, q)
        )
        joined_results[name] = (corpus_cer([(reference, text)]), timing.wall)
    labels = {"vosk": "Vosk", "fast": "Whisper greedy", "balanced": "Whisper beam 5 *"}
    print(f"{'engine':<18}{'CER clips':>10}{'RTF clips':>10}{'CER joined':>11}{'RTF joined':>11}")
    for name, label in labels.items():
        cer_joined, wall_joined = joined_results[name]
        print(
            f"{label:<18}{corpus_cer(per_clip[name]):>10.3f}{times[name] / audio:>10.3f}"
            f"{cer_joined:>11.3f}{wall_joined / audio:>11.3f}"
        )
    print("* the default (quality=balanced); target CER <= 0.25")


def _bare_run(path: str) -> tuple[float, float, float, str]:
    """In a fresh process: the plainest batched faster-whisper loop over the file."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    model = WhisperModel(
        str(ensure_base_model()), device="cpu", compute_type="int8", cpu_threads=cpu_threads()
    )
    pipeline = BatchedInferencePipeline(model)

    def run() -> str:
        segments, _ = pipeline.transcribe(
            path,
            language="ko",
            beam_size=5,
            word_timestamps=True,
            batch_size=8,
            vad_filter=True,
            vad_parameters=dict(VAD_PARAMETERS),
        )
        return " ".join(s.text for s in segments)

    text, timing = measured(run)
    return timing.wall, timing.cpu, peak_rss_mb(), text


def _app_run(path: str, quality: str) -> tuple[float, float, float, str]:
    """In a fresh process: the app's file path (model loaded first, outside the timing)."""
    load_runner(ensure_base_model())
    text, timing = measured(lambda: whisper_app(Path(path), quality))
    return timing.wall, timing.cpu, peak_rss_mb(), text


def in_fresh_process(function: Any, *args: Any) -> Any:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def speed(clips: list[Clip], minutes: float, rounds: int, folder: Path) -> Path:
    path, reference = joined_file(clips, minutes, folder, "ten.wav")
    seconds = os.path.getsize(path) / (2 * SAMPLE_RATE)
    runs: dict[str, list[tuple[float, float, float, str]]] = {"app": [], "bare": []}
    loads = [os.getloadavg()[0]]
    for n in range(rounds):
        order = ["app", "bare"] if n % 2 == 0 else ["bare", "app"]
        for name in order:
            if name == "app":
                runs[name].append(in_fresh_process(_app_run, str(path), "balanced"))
            else:
                runs[name].append(in_fresh_process(_bare_run, str(path)))
            loads.append(os.getloadavg()[0])
    print(f"\n2. {seconds / 60:.1f}-minute file, beam 5 + word timestamps, {rounds} rounds each")
    print(
        f"   load average during the runs: {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'path':<6}{'wall s':>9}{'cpu s':>9}{'RTF':>8}{'CER':>8}{'peak RSS MB':>13}")
    medians = {}
    for name, results in runs.items():
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[1] for r in results)
        rss = max(r[2] for r in results)
        medians[name] = (wall, cpu, rss)
        cer = corpus_cer([(reference, results[-1][3])])
        print(f"{name:<6}{wall:>9.1f}{cpu:>9.1f}{wall / seconds:>8.3f}{cer:>8.3f}{rss:>13.0f}")
        for wall_n, cpu_n, _, _ in results:
            print(f"{'':<6}{wall_n:>9.1f}{cpu_n:>9.1f}")
    wall_ratio = medians["app"][0] / medians["bare"][0]
    cpu_ratio = medians["app"][1] / medians["bare"][1]
    print(f"app / bare: wall {wall_ratio:.3f}, cpu {cpu_ratio:.3f} (target <= 1.10)")
    print(f"app / bare peak RSS: {medians['app'][2] / medians['bare'][2]:.3f} (target <= 1.0)")
    return path


def memory(clips: list[Clip], ten: Path, long_minutes: float, folder: Path) -> None:
    longer, _ = joined_file(clips, long_minutes, folder, "longer.wav")
    print(f"\n3. Peak RSS, app path, greedy: 10 min vs {long_minutes:.0f} min")
    print(f"{'file':<10}{'wall s':>9}{'RTF':>8}{'peak RSS MB':>13}")
    for label, path in (("10 min", ten), (f"{long_minutes:.0f} min", longer)):
        wall, _, rss, _ = in_fresh_process(_app_run, str(path), "fast")
        seconds = os.path.getsize(path) / (2 * SAMPLE_RATE)
        print(f"{label:<10}{wall:>9.1f}{wall / seconds:>8.3f}{rss:>13.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clips", type=int, default=None, help="use only the first N clips")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the speed file")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each path in part 2")
    parser.add_argument("--long-minutes", type=float, default=60.0, help="part 3's long file")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: 1,2,3")
    args = parser.parse_args(argv)
    if not SPEECH_KO.is_dir():
        print(f"Skipped: {SPEECH_KO} is not available on this machine.")
        return 0
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    clips = load_clips(args.clips)
    started = time.perf_counter()
    print(f"Whisper engine on {len(clips)} clips from {SPEECH_KO} ({os.cpu_count()} CPUs)")
    folder_model, build = measured(ensure_base_model)
    print(f"base model ready in {build.wall:.2f} s at {folder_model}")
    with tempfile.TemporaryDirectory(prefix="sori-bench-") as tmp:
        folder = Path(tmp)
        if "1" not in skip:
            accuracy(clips, folder)
        ten = folder / "ten.wav"
        if "2" not in skip:
            ten = speed(clips, args.minutes, args.rounds, folder)
        elif "3" not in skip:
            ten, _ = joined_file(clips, args.minutes, folder, "ten.wav")
        if "3" not in skip:
            memory(clips, ten, args.long_minutes, folder)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
