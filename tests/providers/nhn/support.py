"""Helpers shared by the ``nhn`` engine tests: emulator-bound providers, audio files, expectations."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path
from typing import Any

from desktop_app.core.journal import JobJournal
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback, ignore_progress
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.nhn.provider import NhnProvider
from tests.emulators import NHN_APP_KEY, NHN_SECRET_KEY
from tests.emulators.nhn import NhnEmulator
from tests.emulators.recognition import RecognizedSegment
from tests.emulators.server import EmulatorServer

NhnServer = EmulatorServer[NhnEmulator]
CREDS = {"appkey": NHN_APP_KEY, "secret": NHN_SECRET_KEY}
FAST = {"retry_attempts": 4, "retry_base_delay": 0.01, "poll_interval": 0.01}
SYNC = r"^POST /v2\.0/appkeys/[^/]+/stt$"
ASYNC = r"^POST /v2\.0/appkeys/[^/]+/stt/async$"
STATUS = r"^GET /v2\.0/appkeys/[^/]+/stt/async/[^/]+/status$"
RETRY = r"^GET /v2\.0/appkeys/[^/]+/stt/async/[^/]+/retry$"


def provider(server: NhnServer, journal: JobJournal | None = None, **settings: Any) -> NhnProvider:
    config = ProviderConfig(
        endpoint=server.base_url,
        credentials=dict(CREDS),
        settings={**FAST, **settings},
        journal=journal,
    )
    return NhnProvider(config)


def transcribe(
    p: NhnProvider,
    source: Path | str,
    progress: ProgressCallback = ignore_progress,
    **options: Any,
) -> Transcript:
    media = MediaSource(url=source) if isinstance(source, str) else MediaSource(path=source)
    return asyncio.run(p.transcribe(media, TranscriptionOptions(**options), progress))


def write_wav(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm)
    return path


def silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(16000 * seconds)


def timed(transcript: Transcript) -> list[tuple[float, float, str]]:
    return [(s.start, s.end, s.text) for s in transcript.segments]


def expected(
    segments: list[RecognizedSegment], offset: float = 0.0
) -> list[tuple[float, float, str]]:
    return [(offset + s.start_ms / 1000, offset + s.end_ms / 1000, s.text) for s in segments]


def spans(transcript: Transcript) -> list[tuple[float, float]]:
    return [(round(s.start, 3), round(s.end, 3)) for s in transcript.segments]


def expected_spans(
    segments: list[RecognizedSegment], offset: float = 0.0
) -> list[tuple[float, float]]:
    return [
        (round(offset + s.start_ms / 1000, 3), round(offset + s.end_ms / 1000, 3)) for s in segments
    ]


def stages(reports: list[Progress]) -> list[str]:
    """Stages in order, consecutive repeats collapsed."""
    names: list[str] = []
    for report in reports:
        if not names or names[-1] != report.stage:
            names.append(report.stage)
    return names
