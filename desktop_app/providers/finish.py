"""What every finished transcript goes through, whichever engine made it: the one place the job
runner, the command line and the window call after :meth:`Provider.transcribe`.

:func:`finish_transcript` (blocking: it may read the file's packet index; call it from a worker
thread) or :func:`finish_transcript_async` (from the engine loop):

* checks the times the service sent (:func:`desktop_app.core.service_times.repair_times`)
  against the media's real length, with a ``times-repaired`` notice when any were impossible;
* adds a ``truncated`` notice when the source file stops before the length its header promises
  ("the file ends early at 03:12"), from :func:`desktop_app.audio.completeness.audio_ends_early`;
* adds a ``no-speech`` notice when no text came back.

:func:`transcribe_and_finish` runs an engine and then all of the above.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from desktop_app.audio.completeness import audio_ends_early
from desktop_app.audio.decode import probe
from desktop_app.core.errors import AudioError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback, ignore_progress
from desktop_app.core.service_times import repair_times
from desktop_app.core.transcript import Notice, Transcript
from desktop_app.providers.base import MediaSource, Provider


def clock(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss``) for a position in a file."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


NO_SPEECH = Notice("no-speech", "No speech was recognised.", "음성이 인식되지 않았습니다.")
SILENT_RECORDING = Notice(
    "no-speech",
    "No speech was recognised in this recording. Check the microphone and its level.",
    "이 녹음에서 인식된 말이 없습니다. 마이크와 입력 음량을 확인하세요.",
)


def truncated_notice(at: float) -> Notice:
    return Notice(
        "truncated",
        f"The file ends early at {clock(at)}: it holds less audio than its header says (a "
        "download or copy cut short, or a damaged end). Only that part was transcribed.",
        f"파일이 {clock(at)}에서 일찍 끝납니다. 헤더에 적힌 길이보다 오디오가 짧습니다(내려받기나 "
        "복사가 중간에 끊겼거나 끝부분이 손상됨). 그 부분까지만 전사했습니다.",
    )


def finish_transcript(
    transcript: Transcript, source: MediaSource | Path | None = None
) -> Transcript:
    """Check ``transcript`` (in place) and add the notices a person should see; returns it."""
    path = source if isinstance(source, Path) else (source.path if source is not None else None)
    duration: float | None = None
    if path is not None:
        try:
            duration = probe(path).duration
        except AudioError:
            duration = None
        ends = audio_ends_early(path)
        if ends is not None:
            transcript.add_notice(truncated_notice(ends))
            duration = ends
    repair_times(transcript, duration)
    if not transcript.text.strip() and all(n.code != NO_SPEECH.code for n in transcript.notices):
        transcript.add_notice(NO_SPEECH)
    return transcript


async def finish_transcript_async(
    transcript: Transcript, source: MediaSource | Path | None = None
) -> Transcript:
    """:func:`finish_transcript` on a worker thread, for callers on the engine loop."""
    return await asyncio.to_thread(finish_transcript, transcript, source)


async def transcribe_and_finish(
    provider: Provider,
    source: MediaSource,
    options: TranscriptionOptions,
    progress: ProgressCallback = ignore_progress,
) -> Transcript:
    """``provider.transcribe`` followed by :func:`finish_transcript`."""
    transcript = await provider.transcribe(source, options, progress)
    return await finish_transcript_async(transcript, source)
