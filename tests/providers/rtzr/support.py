"""Shared set-up for the ``rtzr`` engine tests: the emulator, a configured engine, expectations."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.journal import JobJournal
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback, ignore_progress
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.rtzr.auth import clear_token_cache
from desktop_app.providers.rtzr.batch import RtzrProvider
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET, start_emulator
from tests.emulators.recognition import expected_segments
from tests.emulators.rtzr import RtzrEmulator
from tests.emulators.server import EmulatorServer

RtzrServer = EmulatorServer[RtzrEmulator]
CREDS = {"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET}
FAST = {"retry_attempts": 4, "retry_base_delay": 0.01, "poll_interval": 0.01, "busy_attempts": 4}
AUTH = r"^POST /v1/authenticate$"
UPLOAD = r"^POST /v1/transcribe$"
POLL = r"^GET /v1/transcribe/"

Row = tuple[float, float, str, str | None]


@pytest.fixture
def rtzr_server() -> Iterator[RtzrServer]:
    """A fresh RTZR emulator per test, with the process-wide token cache emptied around it."""
    clear_token_cache()
    with start_emulator("rtzr") as running:
        yield running
    clear_token_cache()


def rtzr_provider(
    server: RtzrServer,
    *,
    journal: JobJournal | None = None,
    credentials: dict[str, str] | None = None,
    **settings: Any,
) -> RtzrProvider:
    config = ProviderConfig(
        endpoint=server.base_url,
        credentials=dict(CREDS if credentials is None else credentials),
        settings={**FAST, **settings},
        journal=journal,
    )
    return RtzrProvider(config)


def transcribe(
    provider: RtzrProvider,
    path: Path,
    progress: ProgressCallback = ignore_progress,
    **options: Any,
) -> Transcript:
    return asyncio.run(
        provider.transcribe(MediaSource(path=path), TranscriptionOptions(**options), progress)
    )


def rows(transcript: Transcript) -> list[Row]:
    return [(s.start, s.end, s.text, s.speaker) for s in transcript.segments]


def expected_rows(
    path: Path, *, keyword: str | None = None, speakers: int | None = None
) -> list[Row]:
    """What the emulator recognises in ``path``, as (start s, end s, text, speaker id)."""
    return [
        (
            seg.start_ms / 1000,
            seg.end_ms / 1000,
            seg.text,
            None if seg.speaker is None else str(seg.speaker),
        )
        for seg in expected_segments(path, keyword=keyword, speakers=speakers)
    ]


def sent_config(server: RtzrServer) -> dict[str, Any]:
    config: dict[str, Any] = server.requests.last(UPLOAD).json_part("config")
    return config
