"""The offline engine ``local``: Vosk with the Korean model, no account and no network.

Files are decoded with PyAV to 16 kHz mono PCM on worker threads and fed to Vosk, through warm
recognizers borrowed from a per-model pool (a new one is slow for its first seconds of audio;
see :mod:`desktop_app.providers.vosk.model`). Short files go through one recognizer. Long files are cut at pauses into pieces of 25-40 s that several
recognizers (one per thread, all sharing the one loaded model; Vosk releases the GIL while it
computes) work on at once, fed through a small queue as decoding goes so memory stays bounded;
the pieces' transcripts are then merged in order. Live audio goes to one recognizer that sends
partial and final results (see :mod:`desktop_app.providers.vosk.live`).

Settings (``ProviderConfig.settings``): ``model_path`` — a Vosk model folder instead of the
built-in Korean one; ``threads`` — how many recognizers may run at once (default: up to 2).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import os
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.decode import decode_pcm, probe
from desktop_app.audio.splitting import AudioPiece, iter_pieces
from desktop_app.core.errors import ConfigurationError, EmptyAudioError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback, ignore_progress
from desktop_app.core.transcript import Segment, Transcript, merge_pieces
from desktop_app.providers.base import (
    Capabilities,
    MediaSource,
    Provider,
    ProviderConfig,
    StreamEvent,
    normalise_language,
)
from desktop_app.providers.registry import register
from desktop_app.providers.threads import (
    WorkerStopped,
    run_blocking,
    start_worker,
    wait_workers,
)
from desktop_app.providers.vosk.live import live_events
from desktop_app.providers.vosk.model import (
    FEED_BYTES,
    RecognizerPool,
    load_model,
    recognize,
    recognizer_pool,
    resolve_model_path,
    slices,
)

# Files shorter than this use one recognizer even when more threads are allowed.
PARALLEL_MIN_SECONDS = 60.0
PIECE_TARGET_SECONDS = 25.0
PIECE_MAX_SECONDS = 40.0
DECODE_CHUNK_SECONDS = 0.2
PROGRESS_INTERVAL = 0.1
DEFAULT_MAX_THREADS = 2


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, DEFAULT_MAX_THREADS))


class ProgressRelay:
    """Adds up audio seconds done from any number of worker threads and hands
    :class:`Progress` reports to the event loop thread, at most one per ``interval`` seconds of
    wall time, in increasing order, and none once the job has stopped."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        callback: ProgressCallback,
        total_seconds: float | None,
        stop: threading.Event,
        *,
        interval: float = PROGRESS_INTERVAL,
    ) -> None:
        self._loop = loop
        self._callback = callback
        self._total = total_seconds if total_seconds and total_seconds > 0 else None
        self._stop = stop
        self._interval = interval
        self._lock = threading.Lock()
        self._done = 0.0
        self._last_sent = float("-inf")

    def add(self, seconds: float) -> None:
        """Record ``seconds`` more audio processed (any thread)."""
        with self._lock:
            self._done += seconds
            now = self._loop.time()
            if now - self._last_sent < self._interval:
                return
            self._last_sent = now
            # Posting under the lock keeps reports in the order their fractions were computed.
            self._loop.call_soon_threadsafe(self._deliver, self._report())

    def segments(self, offset: float, segments: list[Segment]) -> None:
        """Report finished ``segments`` of the piece starting at ``offset`` seconds (any
        thread); never held back by the interval."""
        with self._lock:
            report = dataclasses.replace(
                self._report(), segments=tuple(s.shifted(offset) for s in segments)
            )
            self._loop.call_soon_threadsafe(self._deliver, report)

    def _report(self) -> Progress:
        if self._total is None:
            return Progress("processing", None, f"{self._done:.0f} s")
        return Progress("processing", min(0.999, self._done / self._total))

    def _deliver(self, report: Progress) -> None:
        if not self._stop.is_set():
            self._callback(report)


@register
class LocalProvider(Provider):
    """Vosk on this computer. Coroutines run on the engine loop; recognition on worker threads."""

    name = "local"
    display_name = "Offline (Vosk)"
    description = "Korean speech recognition on this computer with Vosk; no account or network."
    capabilities = Capabilities(
        inputs=frozenset({"file", "stream"}),
        languages=("ko",),
        word_timestamps=True,
        live=True,
        offline=True,
    )

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

    def _load_pool(self) -> RecognizerPool:
        """Blocking: the warm recognizers of the configured model, loading it on first use."""
        return recognizer_pool(self._model_folder())

    def _load_model(self) -> Any:
        """Blocking: the configured model, loaded once per process."""
        return load_model(self._model_folder())

    async def transcribe(
        self,
        source: MediaSource,
        options: TranscriptionOptions,
        progress: ProgressCallback = ignore_progress,
    ) -> Transcript:
        self.check_options(options, source)
        assert source.path is not None  # guaranteed by check_options: only file input
        path = Path(source.path)
        loop = asyncio.get_running_loop()
        progress(Progress("processing", 0.0, "loading the speech model"))
        # Not stopped on cancellation: a load cannot be interrupted, and finishing it only fills
        # the shared model cache for the next job.
        preparing = start_worker(lambda: (probe(path), self._load_pool()), "sori-vosk-load")
        info, pool = await asyncio.wrap_future(preparing)
        stop = threading.Event()
        relay = ProgressRelay(loop, progress, info.duration, stop)
        long_file = info.duration is None or info.duration >= PARALLEL_MIN_SECONDS
        if self.threads > 1 and long_file:
            pieces, fed = await self._recognize_parallel(path, pool, relay, stop)
        else:
            segments, fed = await run_blocking(
                lambda: _recognize_file(pool, path, stop, relay), "sori-vosk-1", stop
            )
            pieces = [(0.0, segments)]
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

    async def _recognize_parallel(
        self, path: Path, pool: RecognizerPool, relay: ProgressRelay, stop: threading.Event
    ) -> tuple[list[tuple[float, list[Segment]]], int]:
        """Decode and split on one thread, recognize pieces on ``self.threads`` threads."""
        waiting: queue.Queue[AudioPiece] = queue.Queue(maxsize=self.threads)
        decoded = threading.Event()
        results: dict[int, tuple[float, list[Segment]]] = {}
        fed_total = [0]
        fed_lock = threading.Lock()

        def produce() -> None:
            try:
                with _decoded(path) as chunks:
                    pieces = iter_pieces(
                        chunks, target_seconds=PIECE_TARGET_SECONDS, max_seconds=PIECE_MAX_SECONDS
                    )
                    for piece in pieces:
                        _offer(waiting, piece, stop)
            finally:
                decoded.set()

        def consume() -> None:
            recognizer = pool.take()
            while True:
                if stop.is_set():
                    raise WorkerStopped
                try:
                    piece = waiting.get(timeout=0.1)
                except queue.Empty:
                    if decoded.is_set() and waiting.empty():
                        pool.give_back(recognizer)
                        return
                    continue
                segments, fed = recognize(
                    recognizer,
                    slices(piece.pcm, 2 * FEED_BYTES),
                    stop,
                    relay.add,
                    functools.partial(relay.segments, piece.offset_seconds),
                )
                results[piece.index] = (piece.offset_seconds, segments)
                with fed_lock:
                    fed_total[0] += fed

        workers = [start_worker(produce, "sori-decode")]
        workers += [start_worker(consume, f"sori-vosk-{n + 1}") for n in range(self.threads)]
        await wait_workers(workers, stop)
        return [results[index] for index in sorted(results)], fed_total[0]

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


def _recognize_file(
    pool: RecognizerPool, path: Path, stop: threading.Event, relay: ProgressRelay
) -> tuple[list[Segment], int]:
    """One recognizer over the whole file (blocking, worker thread)."""
    recognizer = pool.take()
    with _decoded(path) as chunks:
        result = recognize(recognizer, chunks, stop, relay.add, lambda s: relay.segments(0.0, s))
    pool.give_back(recognizer)
    return result


@contextlib.contextmanager
def _decoded(path: Path) -> Iterator[Iterator[bytes]]:
    """The file's PCM chunks; the decoder is closed on exit even when not read to the end."""
    chunks = decode_pcm(path, chunk_seconds=DECODE_CHUNK_SECONDS)
    try:
        yield chunks
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _offer(waiting: queue.Queue[AudioPiece], piece: AudioPiece, stop: threading.Event) -> None:
    """Put ``piece`` on the queue, waiting while it is full, until the job is stopped."""
    while True:
        if stop.is_set():
            raise WorkerStopped
        try:
            waiting.put(piece, timeout=0.1)
            return
        except queue.Full:
            continue
