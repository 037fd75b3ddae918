"""How soon Whisper's text replaces Vosk's in two-pass live, playing real speech in real time.

Joins clips of ../shared/speech-ko with pauses into a WAV file and plays it through
:class:`~desktop_app.audio.sources.FileSource` at real-time pace into
:func:`~desktop_app.providers.whisper.two_pass.two_pass_stream` (the packaged base model, int8
on the CPU, and the Vosk model). For each utterance Whisper replaced, the delay is the time
from the moment the utterance's last word was played (Vosk's word end) to Whisper's text coming
out; Vosk's own final is timed the same way. Also prints the CER of Vosk alone and of the two
passes against the clips' transcripts. Target: Whisper delay ≤ 1.5 s on 2 cores.

Run: ``python -m bench.bench_two_pass [--clips 8] [--pause 1.5] [--beam 1] [--end-pause 0.5]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from desktop_app.audio.sources import FileSource
from desktop_app.audio.wavfile import wav_header
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.core.transcript import Segment
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.vosk.live import live_events
from desktop_app.providers.vosk.model import default_model_path, load_model
from desktop_app.providers.whisper.bundled import ensure_base_model
from desktop_app.providers.whisper.runner import DecodeOptions, load_runner
from desktop_app.providers.whisper.two_pass import two_pass_stream

SPEECH_KO = Path(__file__).resolve().parents[2] / "shared" / "speech-ko"


def hangul(text: str) -> str:
    return "".join(re.findall(r"[가-힣A-Za-z0-9]", text))


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = hangul(reference), hangul(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1] / max(1, len(ref))


def build_conversation(clips: int, pause: float, folder: Path) -> tuple[Path, str, float]:
    names = sorted(SPEECH_KO.glob("kspon_*.pcm"))[:clips]
    silence = b"\0\0" * int(pause * 16000)
    pcm = silence.join(path.read_bytes() for path in names) + silence
    reference = " ".join(path.with_suffix(".txt").read_text(encoding="utf-8") for path in names)
    wav = folder / "conversation.wav"
    wav.write_bytes(wav_header(len(pcm), 16000, 1, 2) + pcm)
    return wav, reference, len(pcm) / 32000


class TimedWhisper:
    """Passes calls to the runner, noting the text of each answer as two-pass joins it."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self.texts: set[str] = set()
        self.seconds: list[float] = []

    def transcribe_pcm(self, pcm: bytes, options: DecodeOptions) -> list[Segment]:
        started = time.monotonic()
        found: list[Segment] = self.runner.transcribe_pcm(pcm, options)
        self.seconds.append(time.monotonic() - started)
        self.texts.add(" ".join(s.text.strip() for s in found if s.text.strip()))
        return found


async def play(
    wav: Path, vosk: Any, whisper: TimedWhisper, beam: int, pause: float
) -> dict[str, Any]:
    source = FileSource(wav, realtime=True)
    anchor: float | None = None

    async def audio() -> AsyncIterator[bytes]:
        nonlocal anchor
        async with source:
            async for chunk in source:
                if anchor is None:
                    anchor = time.monotonic() - len(chunk) / 32000
                yield chunk

    arrivals: list[tuple[float, StreamEvent]] = []
    assembler = TranscriptAssembler()
    options = DecodeOptions(beam_size=beam)
    async for event in two_pass_stream(vosk, whisper, audio(), options, pause=pause):
        arrivals.append((time.monotonic(), event))
        assembler.apply(event)
    assert anchor is not None
    return {
        "anchor": anchor,
        "arrivals": arrivals,
        "two_pass_text": " ".join(s.text for s in assembler.final_segments),
    }


async def vosk_alone(wav_pcm: bytes, vosk: Any) -> str:
    async def chunks() -> AsyncIterator[bytes]:
        for offset in range(0, len(wav_pcm), 3200):
            yield wav_pcm[offset : offset + 3200]

    assembler = TranscriptAssembler()
    async for event in live_events(vosk, chunks()):
        assembler.apply(event)
    return " ".join(s.text for s in assembler.final_segments)


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: none"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (
        f"{label}: median {statistics.median(values):.2f} s, p90 {p90:.2f} s, "
        f"max {max(values):.2f} s (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--pause", type=float, default=1.5, help="seconds between clips")
    parser.add_argument("--beam", type=int, default=1, help="Whisper beam size (1 = greedy)")
    parser.add_argument(
        "--end-pause", type=float, default=0.5, help="quiet seconds that end an utterance"
    )
    parser.add_argument("--verbose", action="store_true", help="log when utterances are queued")
    args = parser.parse_args()

    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)8.0f ms %(message)s")
    started = time.monotonic()
    vosk = load_model(default_model_path())
    runner = load_runner(ensure_base_model())
    print(f"models loaded in {time.monotonic() - started:.1f} s (Whisper on {runner.device})")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    whisper = TimedWhisper(runner)
    with tempfile.TemporaryDirectory() as folder:
        wav, reference, seconds = build_conversation(args.clips, args.pause, Path(folder))
        print(f"playing {seconds:.1f} s of speech ({args.clips} clips) in real time")
        result = asyncio.run(play(wav, vosk, whisper, args.beam, args.end_pause))
        vosk_text = asyncio.run(vosk_alone(wav.read_bytes()[44:], vosk))

    anchor = result["anchor"]
    vosk_delays: list[float] = []
    whisper_delays: list[float] = []
    for arrived, event in result["arrivals"]:
        text = event.segment.text.strip()
        if not event.final or not text:
            continue
        delay = arrived - (anchor + event.segment.end)
        if text in whisper.texts:
            whisper_delays.append(delay)
            print(f"  {event.segment.end:6.1f} s  Whisper +{delay:.2f} s  {text[:50]}")
        else:
            vosk_delays.append(delay)
            print(f"  {event.segment.end:6.1f} s  Vosk    +{delay:.2f} s  {text[:50]}")
    print(summary("Vosk final after its last word", vosk_delays))
    print(summary("Whisper text after its last word", whisper_delays))
    print(summary("Whisper decoding time per call", whisper.seconds))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(
        f"CER: Vosk alone {cer(reference, vosk_text):.3f}, "
        f"two passes {cer(reference, result['two_pass_text']):.3f}"
    )


if __name__ == "__main__":
    main()
