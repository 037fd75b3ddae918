"""Transcribe long audio with engines that only take short requests (CLOVA CSR: 60 s / 3 MB).

The file is decoded on a worker thread and cut at pauses (:mod:`desktop_app.audio.splitting`);
each piece is encoded compactly (FLAC) and sent by an engine-supplied coroutine, with at most
``concurrency`` requests in flight. Memory stays bounded: decoding waits while that many pieces
are in flight. Pieces that hold only silence are not sent. Each piece's transcript is shifted
to its place in the source and all are merged in order.

A piece that fails for good (a permanent error, or retries exhausted) fails the whole job with
the same kind of error, naming the piece's time range ("the piece 01:00–02:00 failed: ...");
pieces in flight are cancelled and no further piece is sent. Pieces recognised before that are
kept on disk (:mod:`desktop_app.providers.piece_cache`), so a Retry sends only what is missing.
"""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.audio import SAMPLE_RATE
from desktop_app.audio.decode import decode_pcm, probe
from desktop_app.audio.encode import PieceFormat, encode_pcm
from desktop_app.audio.splitting import AudioPiece, iter_pieces
from desktop_app.core.errors import EmptyAudioError, SoriError
from desktop_app.core.progress import Progress, ProgressCallback
from desktop_app.core.transcript import Segment, Transcript, merge_pieces
from desktop_app.providers.finish import clock
from desktop_app.providers.piece_cache import PieceCache, source_fingerprint

if TYPE_CHECKING:  # NumPy loads on first use, not with the window
    import numpy as np
    import numpy.typing as npt

# Pieces quieter than this (peak, dBFS) hold no speech worth paying for.
SILENT_PEAK_DB = -45.0


@dataclass(frozen=True, slots=True)
class EncodedPiece:
    """One request's worth of audio: ``data`` is a complete file in ``fmt``."""

    index: int
    offset: float
    duration: float
    data: bytes
    fmt: PieceFormat
    speech_start: float = 0.0  # where sound begins and ends inside the piece, in seconds
    speech_end: float = 0.0

    def transcript_of(self, text: str) -> Transcript:
        """A piece-relative transcript of ``text`` from an engine that returns no times: one
        segment over the sound in the piece (the whole piece when that is unknown)."""
        text = text.strip()
        if not text:
            return Transcript()
        end = self.speech_end if self.speech_end > self.speech_start else self.duration
        return Transcript(segments=[Segment(self.speech_start, end, text)])


PieceRecognizer = Callable[[EncodedPiece], Awaitable[Transcript]]


def _frame_levels(pcm: bytes, frame: int) -> npt.NDArray[np.float64]:
    """dB level of each whole frame, computed block by block so a long piece never needs a
    float copy of all its samples at once."""
    import numpy as np

    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    count = samples.size // frame
    levels = np.empty(count, dtype=np.float64)
    block = max(1, (SAMPLE_RATE * 5) // frame)  # frames per 5 s block
    for first in range(0, count, block):
        last = min(count, first + block)
        part = samples[first * frame : last * frame].astype(np.float32).reshape(-1, frame)
        levels[first:last] = 10 * np.log10(np.mean(part * part, axis=1, dtype=np.float64) + 1e-9)
    return levels


def voiced_bounds(pcm: bytes, frame_seconds: float = 0.02) -> tuple[float, float]:
    """Seconds where the loud part of ``pcm`` starts and ends (frames within 30 dB of its
    loudest frame), so a piece's text can be timed to its speech, not to the pauses around it."""
    import numpy as np

    frame = max(1, int(SAMPLE_RATE * frame_seconds))
    level = _frame_levels(pcm, frame)
    if level.size == 0:
        return 0.0, len(pcm) / 2 / SAMPLE_RATE
    loud = np.flatnonzero(level >= level.max() - 30.0)
    return float(loud[0] * frame_seconds), float((loud[-1] + 1) * frame_seconds)


def is_silent(pcm: bytes) -> bool:
    import numpy as np

    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    if samples.size == 0:
        return True
    peak = max(int(samples.max()), -int(samples.min()))
    return peak <= 0 or 20 * np.log10(peak / 32768.0) < SILENT_PEAK_DB


def piece_failed(exc: SoriError, start: float, end: float) -> SoriError:
    """The same kind of error as ``exc`` (so callers still pick behaviour by type), saying
    which stretch of the file it belongs to."""
    where = f"{clock(start)}–{clock(end)}"
    failed = copy.copy(exc.__dict__)
    error = type(exc).__new__(type(exc))
    error.__dict__.update(failed)
    error.message = f"the piece {where} failed: {exc.message}"
    error.message_ko = f"{where} 구간을 인식하지 못했습니다: {exc.message_ko or exc.message}"
    error.args = (error.message,)
    return error


async def transcribe_in_pieces(
    path: Path,
    recognize: PieceRecognizer,
    *,
    engine: str,
    language: str,
    progress: ProgressCallback,
    concurrency: int = 4,
    target_seconds: float = 15.0,
    max_seconds: float = 55.0,
    max_bytes: int | None = None,
    fmt: PieceFormat = "flac",
    options_key: str = "",
) -> Transcript:
    """Split ``path`` at pauses, recognise the pieces concurrently, merge the results.

    ``options_key`` describes every option that changes a piece's text (language, host, ...):
    pieces recognised by an earlier failed run with the same file, engine and key are reused
    (:mod:`desktop_app.providers.piece_cache`). A piece that fails for good fails the job at
    once with an error naming its time range; pieces not yet sent are not sent.
    """
    info = await asyncio.to_thread(probe, path)
    total = info.duration or 0.0
    progress(Progress("processing", 0.0))
    stop = threading.Event()

    def pieces() -> Iterator[AudioPiece]:
        for piece in iter_pieces(
            decode_pcm(path, chunk_seconds=0.5),
            target_seconds=target_seconds,
            max_seconds=max_seconds,
        ):
            if stop.is_set():
                return
            yield piece

    source = pieces()

    def next_encoded() -> tuple[AudioPiece, EncodedPiece | None] | None:
        piece = next(source, None)
        if piece is None:
            return None
        if is_silent(piece.pcm):
            return piece, None
        used: PieceFormat = fmt
        data = encode_pcm(piece.pcm, fmt)
        if max_bytes is not None and len(data) > max_bytes:
            # Rare for FLAC at 16 kHz mono; fall back to the most compact format we have.
            used = "mp3"
            data = encode_pcm(piece.pcm, used)
        start, end = voiced_bounds(piece.pcm)
        encoded = EncodedPiece(
            piece.index, piece.offset_seconds, piece.duration_seconds, data, used, start, end
        )
        return piece, encoded

    slots = asyncio.Semaphore(max(1, concurrency))
    results: dict[int, tuple[float, Transcript]] = {}
    done_seconds = 0.0
    decoded_seconds = 0.0
    running: set[asyncio.Task[None]] = set()
    cache = PieceCache(source_fingerprint(path), engine, options_key)
    await asyncio.to_thread(cache.sweep)

    def report() -> None:
        denominator = max(total, decoded_seconds, 1e-6)
        progress(Progress("processing", min(1.0, done_seconds / denominator)))

    async def run_piece(piece: EncodedPiece) -> None:
        nonlocal done_seconds
        try:
            transcript = await recognize(piece)
        except SoriError as exc:
            raise piece_failed(exc, piece.offset, piece.offset + piece.duration) from exc
        finally:
            slots.release()
        results[piece.index] = (piece.offset, transcript)
        cache.put(piece.offset, piece.duration, transcript)
        done_seconds += piece.duration
        report()

    def raise_first_failure(finished: Iterable[asyncio.Task[None]]) -> None:
        for task in sorted(finished, key=lambda t: t.get_name()):
            running.discard(task)
            task.result()  # re-raises the piece's error: the job fails, naming the piece

    try:
        while True:
            await slots.acquire()
            # Fail fast: a piece that failed for good ends the job before another is sent.
            raise_first_failure([t for t in running if t.done()])
            item = await asyncio.to_thread(next_encoded)
            if item is None:
                slots.release()
                break
            raw, encoded = item
            decoded_seconds = raw.end_seconds
            kept = None if encoded is None else cache.get(encoded.offset, encoded.duration)
            if encoded is None or kept is not None:
                slots.release()
                if kept is not None:
                    results[raw.index] = (raw.offset_seconds, kept)
                done_seconds += raw.duration_seconds
                report()
                continue
            running.add(asyncio.create_task(run_piece(encoded), name=f"{encoded.index:09d}"))
        while running:
            finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_EXCEPTION)
            raise_first_failure(finished)
    except BaseException:
        stop.set()
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        raise
    if decoded_seconds <= 0:
        raise EmptyAudioError(
            f"{path.name} contains no audio samples",
            message_ko=f"{path.name}에 오디오 샘플이 없습니다",
        )
    progress(Progress("processing", 1.0))
    await asyncio.to_thread(cache.forget_job)
    ordered = [results[index] for index in sorted(results)]
    return merge_pieces(
        ordered,
        engine=engine,
        source=path.name,
        language=language,
        duration=total or decoded_seconds,
    )
