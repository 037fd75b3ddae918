"""Live transcription from the real capture device: a Korean clip played into the null sink is
recorded to disk and turned into Hangul text by the offline engine while it plays."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import pytest

from desktop_app.audio.microphone import MicrophoneSource
from desktop_app.audio.recorder import Recorder
from desktop_app.core.options import TranscriptionOptions
from desktop_app.live.session import LiveSession
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.vosk.provider import VoskProvider
from tests.audio_device.conftest import Player

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.slow
@pytest.mark.vosk
async def test_live_text_while_the_clip_plays(
    korean_clip: Path, tmp_path: Path, play: Player
) -> None:
    source = MicrophoneSource(samplerate=16000, channels=1)
    session_events: list[StreamEvent] = []
    session = LiveSession(
        VoskProvider(),
        source,
        TranscriptionOptions(),
        recorder=Recorder(tmp_path / "live.wav"),
        on_event=session_events.append,
    )
    player: subprocess.Popen[bytes] | None = None

    async def conduct() -> None:
        nonlocal player
        while source.elapsed < 0.3:
            await asyncio.sleep(0.05)
        player = play(korean_clip)
        while player.poll() is None:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        session.stop()

    conductor = asyncio.create_task(conduct())
    result = await asyncio.wait_for(session.run(), 120)
    await conductor
    assert result.error is None
    assert result.recording == tmp_path / "live.wav"
    assert result.recording.stat().st_size > 16000 * 2 * 7
    assert HANGUL.search(result.transcript.text)
    assert any(not event.final for event in session_events), "no partial text while speaking"
    assert any(event.final for event in session_events)
