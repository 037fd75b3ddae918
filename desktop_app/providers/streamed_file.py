"""Transcribe a file with a streaming-only engine (CLOVA real-time, RTZR streaming).

The file is decoded on worker threads and sent through the engine's own ``stream()`` as fast
as the engine takes it (no real-time pacing); the results are assembled exactly as in live mode,
and progress is the share of the audio sent. An empty file fails before any connection opens.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.sources import FileSource
from desktop_app.core.errors import EmptyAudioError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import Provider, normalise_language


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncGenerator[bytes, None]:
    yield first
    async for chunk in rest:
        yield chunk


async def transcribe_by_streaming(
    provider: Provider,
    path: Path,
    options: TranscriptionOptions,
    progress: ProgressCallback,
    *,
    chunk_seconds: float = 1.0,
) -> Transcript:
    """All of ``path`` through ``provider.stream``; the last version of every result."""
    assembler = TranscriptAssembler(
        engine=provider.name,
        source=path.name,
        language=normalise_language(options.language or "ko"),
    )
    progress(Progress("processing", 0.0, "connecting"))
    async with FileSource(path, realtime=False, chunk_seconds=chunk_seconds) as audio:
        first = await anext(audio, None)
        if first is None:
            raise EmptyAudioError(
                f"'{path.name}' contains no audio samples",
                message_ko=f"'{path.name}'에 오디오 샘플이 없습니다",
            )
        reported = 0.0

        async def counted() -> AsyncGenerator[bytes, None]:
            nonlocal reported
            async for chunk in _prepend(first, audio):
                yield chunk
                if audio.duration:
                    # Rounded, so a long file sends at most a thousand reports.
                    fraction = round(min(0.999, audio.elapsed / audio.duration), 3)
                    if fraction > reported:
                        reported = fraction
                        progress(Progress("processing", fraction))

        async with contextlib.aclosing(provider.stream(counted(), options)) as events:  # type: ignore[type-var]
            async for event in events:
                assembler.apply(event)
        duration = audio.elapsed
    progress(Progress("processing", 1.0))
    return assembler.transcript(duration or len(first) / BYTES_PER_SECOND)
