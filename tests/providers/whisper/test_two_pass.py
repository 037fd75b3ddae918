"""Two-pass live: the real Vosk model gives instant text, Whisper (the real packaged base model,
or a stand-in at the transcriber seam) replaces each finished utterance under the same key."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.errors import EngineUnavailableError
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.core.transcript import Segment
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.vosk.live import live_events
from desktop_app.providers.vosk.model import default_model_path, load_model
from desktop_app.providers.whisper.runner import DecodeOptions, WhisperRunner
from desktop_app.providers.whisper.two_pass import two_pass_live, two_pass_stream

CLIPS = ("kspon_000002", "kspon_000005", "kspon_000009")
PAUSE = b"\0\0" * int(1.5 * 16000)
CHUNK = BYTES_PER_SECOND // 10


@pytest.fixture(scope="module")
def vosk_model() -> Any:
    return load_model(default_model_path())


@pytest.fixture(scope="module")
def conversation(speech_ko: Path) -> tuple[bytes, str]:
    """Three real utterances with pauses between them, and their reference text."""
    audio = PAUSE.join((speech_ko / f"{name}.pcm").read_bytes() for name in CLIPS) + PAUSE
    text = " ".join((speech_ko / f"{name}.txt").read_text(encoding="utf-8") for name in CLIPS)
    return audio, text


async def chunks(audio: bytes) -> AsyncIterator[bytes]:
    for offset in range(0, len(audio), CHUNK):
        yield audio[offset : offset + CHUNK]
        await asyncio.sleep(0)


async def collect(events: AsyncIterator[StreamEvent]) -> list[StreamEvent]:
    return [event async for event in events]


def hangul(text: str) -> str:
    return "".join(re.findall(r"[가-힣0-9]", text))


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = hangul(reference), hangul(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1] / max(1, len(ref))


def final_text(events: list[StreamEvent]) -> str:
    assembler = TranscriptAssembler()
    for event in events:
        assembler.apply(event)
    return " ".join(segment.text for segment in assembler.final_segments)


class RecordingTranscriber:
    """A Whisper stand-in: answers "말 N" for the Nth utterance, keeping the audio it got."""

    def __init__(self, fail_on: int | None = None, silent_on: int | None = None) -> None:
        self.spans: list[int] = []
        self.fail_on = fail_on
        self.silent_on = silent_on
        self.release = threading.Event()
        self.release.set()
        self.first_end: float | None = None

    def transcribe_pcm(self, pcm: bytes, options: DecodeOptions) -> list[Segment]:
        if self.first_end is None:
            self.first_end = len(pcm) / BYTES_PER_SECOND  # the first stretch starts at 0
        self.release.wait(60)
        number = len(self.spans)
        self.spans.append(len(pcm))
        if number == self.fail_on:
            raise RuntimeError("the model broke")
        if number == self.silent_on:
            return []
        seconds = len(pcm) / BYTES_PER_SECOND
        return [Segment(start=0.1, end=max(0.1, seconds - 0.1), text=f"말 {number}")]


def test_two_passes_are_more_accurate_than_vosk(
    vosk_model: Any, conversation: tuple[bytes, str], runner: WhisperRunner
) -> None:
    audio, reference = conversation
    whisper = runner
    events = asyncio.run(
        collect(two_pass_stream(vosk_model, whisper, chunks(audio), DecodeOptions(beam_size=1)))
    )
    vosk_only = asyncio.run(collect(live_events(vosk_model, chunks(audio))))

    # Fed faster than real time, Whisper may get ahead of Vosk (then Vosk's text for audio
    # Whisper has done is never shown); how they replace each other is in test_two_pass_state.
    two_pass_text = final_text(events)
    assert hangul(two_pass_text)
    assert cer(reference, two_pass_text) < cer(reference, final_text(vosk_only))


def test_every_stretch_goes_to_whisper_once_and_replaces_all_vosk_text(
    vosk_model: Any, conversation: tuple[bytes, str]
) -> None:
    audio, _ = conversation
    whisper = RecordingTranscriber()
    events = asyncio.run(
        collect(two_pass_stream(vosk_model, whisper, chunks(audio), DecodeOptions()))
    )
    assert len(whisper.spans) >= 2
    assert sum(whisper.spans) <= len(audio)
    shown = final_text(events).split(" 말 ")
    expected = [f"말 {n}" for n in range(len(whisper.spans))]
    assert ["말 " + text.removeprefix("말 ") for text in shown] == expected


def test_vosk_text_stays_when_whisper_fails_or_hears_nothing(
    vosk_model: Any, conversation: tuple[bytes, str]
) -> None:
    audio, _ = conversation
    whisper = RecordingTranscriber(fail_on=0, silent_on=1)
    events = asyncio.run(
        collect(two_pass_stream(vosk_model, whisper, chunks(audio), DecodeOptions()))
    )
    assembler = TranscriptAssembler()
    for event in events:
        assembler.apply(event)
    shown = [segment.text for segment in assembler.final_segments]
    assert not shown[0].startswith("말 "), "the first utterance keeps Vosk's text"
    assert hangul(shown[0])
    assert shown[-1] == f"말 {len(whisper.spans) - 1}"


def test_partial_text_keeps_flowing_while_whisper_works(
    vosk_model: Any, conversation: tuple[bytes, str]
) -> None:
    audio, _ = conversation
    whisper = RecordingTranscriber()
    whisper.release.clear()

    async def run() -> list[StreamEvent]:
        seen: list[StreamEvent] = []
        stream = two_pass_stream(vosk_model, whisper, chunks(audio), DecodeOptions())
        async with contextlib.aclosing(stream) as events:
            async for event in events:
                seen.append(event)
                if whisper.first_end is not None and event.segment.start > whisper.first_end:
                    whisper.release.set()
        return seen

    events = asyncio.run(run())
    assert whisper.first_end is not None
    replacement = next(i for i, e in enumerate(events) if e.segment.text == "말 0")
    later = [i for i, e in enumerate(events) if e.segment.start > whisper.first_end]
    assert later and later[0] < replacement


def test_closing_early_stops_both_passes(vosk_model: Any, conversation: tuple[bytes, str]) -> None:
    audio, _ = conversation

    async def run() -> None:
        stream = two_pass_stream(vosk_model, RecordingTranscriber(), chunks(audio), DecodeOptions())
        async with contextlib.aclosing(stream) as events:
            async for event in events:
                if event.final:
                    break

    asyncio.run(run())
    # Both threads have returned; give them the moment a thread needs to end after that.
    live = [t for t in threading.enumerate() if t.name in ("sori-whisper-live", "sori-vosk-live")]
    for thread in live:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in live)


def test_two_pass_live_loads_both_models_then_streams(
    speech_ko: Path, runner: WhisperRunner
) -> None:
    audio = (speech_ko / "kspon_000005.pcm").read_bytes() + PAUSE
    events = asyncio.run(
        collect(two_pass_live(lambda: runner, chunks(audio), DecodeOptions(beam_size=1)))
    )
    assert hangul(final_text(events))


def test_a_model_that_cannot_load_is_reported(speech_ko: Path) -> None:
    def broken() -> WhisperRunner:
        raise EngineUnavailableError("The Whisper model could not be loaded")

    audio = (speech_ko / "kspon_000005.pcm").read_bytes()
    with pytest.raises(EngineUnavailableError, match="could not be loaded"):
        asyncio.run(collect(two_pass_live(broken, chunks(audio), DecodeOptions())))
