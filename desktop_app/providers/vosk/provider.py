"""The offline engine ``vosk``: Vosk with the Korean model, no account and no network.

Files are recognized in child processes (see :mod:`desktop_app.providers.vosk.isolated`): Vosk's
words depend on what its process computed before, and a fresh process per job is what makes the
same file always give the same text. Short files go through one recognizer in one child. Long
files are cut at pauses into pieces of 60-90 s; with ``threads`` > 1 that many children each
take every n-th piece, so the work is spread over the cores in an order that depends only on
the audio. The pieces' transcripts are merged in order. Memory: one model per child (about
540 MB), freed when the job ends. Live audio goes to one recognizer that sends
partial and final results (see :mod:`desktop_app.providers.vosk.live`).

Settings (``ProviderConfig.settings``): ``model_path`` — a Vosk model folder instead of the
built-in Korean one; ``threads`` — how many recognizers may run at once (default: up to 2).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.decode import probe
from desktop_app.core.errors import ConfigurationError, EmptyAudioError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback
from desktop_app.core.transcript import Segment, Transcript, merge_pieces
from desktop_app.providers.base import (
    Provider,
    ProviderConfig,
    StreamEvent,
    normalise_language,
)
from desktop_app.providers.registry import register
from desktop_app.providers.threads import (
    WorkerProgress,
    start_worker,
    wait_workers,
)
from desktop_app.providers.vosk.description import VOSK
from desktop_app.providers.vosk.isolated import ChildJob, ChildResults, supervise
from desktop_app.providers.vosk.live import live_events
from desktop_app.providers.vosk.model import (
    load_model,
    resolve_model_path,
)

# Files shorter than this use one recognizer even when more threads are allowed.
PARALLEL_MIN_SECONDS = 60.0
PIECE_TARGET_SECONDS = 60.0
PIECE_MAX_SECONDS = 90.0
DECODE_CHUNK_SECONDS = 0.2
PROGRESS_INTERVAL = 0.1
DEFAULT_MAX_THREADS = 2


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, DEFAULT_MAX_THREADS))


class ProgressRelay(WorkerProgress):
    """Adds up audio seconds done from any number of worker threads."""

    def add(self, seconds: float) -> None:
        """Record ``seconds`` more audio processed (any thread)."""
        with self._lock:
            self._seconds += seconds
            self._post()

    def segments(self, offset: float, segments: list[Segment]) -> None:
        """Report finished ``segments`` of the piece starting at ``offset`` seconds (any
        thread); never held back by the interval."""
        with self._lock:
            report = dataclasses.replace(
                self._report(time.monotonic() - self._started),
                segments=tuple(s.shifted(offset) for s in segments),
            )
            self._loop.call_soon_threadsafe(self._deliver, report)


@register
class VoskProvider(Provider):
    """Vosk on this computer. Coroutines run on the engine loop; recognition on worker threads."""

    description = VOSK
    former_names = ("local",)  # the offline default's name before Whisper took it over

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.threads = self._thread_setting(self.config.settings.get("threads"))

    @staticmethod
    def _thread_setting(value: Any) -> int:
        if value is None or value == "":
            return default_threads()
        try:
            threads = int(value)
        except (TypeError, ValueError):
            threads = 0
        if threads < 1 or str(threads) != str(value).strip():
            raise ConfigurationError(
                f"'{value}' is not a valid number of threads for the offline engine",
                fix="Use a whole number of 1 or more (1 = one recognizer, slower but lighter).",
                message_ko=f"'{value}'은(는) 오프라인 엔진의 스레드 수로 쓸 수 없습니다",
                fix_ko="1 이상의 정수를 쓰세요(1 = 인식기 하나, 느리지만 가벼움).",
            )
        return threads

    def _language(self, options: TranscriptionOptions) -> str:
        return normalise_language(options.language) if options.language else "ko"

    def _model_folder(self) -> Path:
        return resolve_model_path(self.config.settings.get("model_path"))

    def _load_model(self) -> Any:
        """Blocking: the configured model, loaded once per process."""
        return load_model(self._model_folder())

    async def transcribe_file(
        self, path: Path, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        loop = asyncio.get_running_loop()
        progress(Progress("processing", 0.0, "loading the speech model"))
        # Not stopped on cancellation: a load cannot be interrupted, and finishing it only fills
        # the shared model cache for the next job.
        info = await asyncio.wrap_future(start_worker(lambda: probe(path), "sori-vosk-probe"))
        folder = self._model_folder()
        stop = threading.Event()
        relay = ProgressRelay(loop, progress, info.duration, stop, interval=PROGRESS_INTERVAL)
        long_file = info.duration is None or info.duration >= PARALLEL_MIN_SECONDS
        parts = self.threads if self.threads > 1 and long_file else 0
        results = ChildResults({}, 0)
        lock = threading.Lock()

        def child(part: int) -> Callable[[], None]:
            job = ChildJob(
                str(path),
                str(folder),
                part,
                parts,
                PIECE_TARGET_SECONDS,
                PIECE_MAX_SECONDS,
                DECODE_CHUNK_SECONDS,
            )
            return lambda: supervise(job, stop, relay.add, results, lock, relay.segments)

        workers = [
            start_worker(child(part), f"sori-vosk-{part + 1}") for part in range(max(1, parts))
        ]
        await wait_workers(workers, stop)
        pieces = [results.pieces[index] for index in sorted(results.pieces)]
        fed = results.fed
        stop.set()  # the work is done: drop any report still on its way, 1.0 comes last
        if fed == 0:
            raise EmptyAudioError(
                f"'{path.name}' contains no audio samples",
                message_ko=f"'{path.name}'에 오디오 샘플이 없습니다",
            )
        progress(Progress("processing", 1.0))
        language = self._language(options)
        return merge_pieces(
            (
                (offset, Transcript(segments=segments, language=language))
                for offset, segments in pieces
            ),
            engine=self.name,
            source=path.name,
            language=language,
            duration=fed / BYTES_PER_SECOND,
        )

    async def check_connection(self) -> None:
        """Nothing to connect to: check that the speech model folder is there and complete."""
        resolve_model_path(self.config.settings.get("model_path"))

    async def stream(
        self, audio: AsyncIterator[bytes], options: TranscriptionOptions
    ) -> AsyncIterator[StreamEvent]:
        self.check_options(options)
        model = await asyncio.wrap_future(start_worker(self._load_model, "sori-vosk-load"))
        async with contextlib.aclosing(live_events(model, audio)) as events:
            async for event in events:
                yield event
