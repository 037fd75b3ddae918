"""The process the kill-during-recording tests kill: records until it ends or is killed.

    python -m tests.audio_device.record_child --folder DIR [--input-file FILE --speed X]
                                              [--device NAME --samplerate HZ]

Prints ``recording <path>`` once the first chunk is on its way to the file, then
``written <seconds>`` after every chunk, so the parent knows how far it got.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from desktop_app.audio.microphone import MicrophoneSource
from desktop_app.audio.recorder import Recorder
from desktop_app.audio.sources import AudioSource, FileSource


async def record(args: argparse.Namespace) -> None:
    source: AudioSource
    if args.input_file:
        source = FileSource(args.input_file, realtime=args.speed)
    else:
        source = MicrophoneSource(args.device, samplerate=args.samplerate, channels=args.channels)
    async with source:
        recorder = Recorder(folder=Path(args.folder), name=args.name)
        announced = False
        async for _ in recorder.record(source):
            if not announced:
                print("recording", recorder.path, flush=True)
                announced = True
            print("written", f"{recorder.elapsed:.3f}", flush=True)
    print("done", recorder.path, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", required=True)
    parser.add_argument("--name", default="killed")
    parser.add_argument("--input-file")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--device")
    parser.add_argument("--samplerate", type=int)
    parser.add_argument("--channels", type=int)
    asyncio.run(record(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
