"""Vosk file recognition in child processes, so the same file always gives the same text.

Vosk's words for a stretch of audio depend on what the *process* computed before: a new
recognizer, even on a newly loaded model, writes different words for the same clip after other
audio was decoded (measured: the first result in a fresh process is always the same, later ones
vary with the history). The tiny numeric differences come from inside Vosk's native code, so
the only reliable cure is a fresh process per job with a fixed order of work:

* one child loads the model, decodes the file and recognizes it with one new recognizer; or
* for long files, ``parts`` children each decode the whole file (cheap next to recognition), cut
  it at the same pauses, and recognize every ``parts``-th piece in order, each piece with a new
  recognizer. Which piece goes where depends only on the audio, never on thread timing.

Children report progress (seconds recognized), each segment once final, finished pieces and
errors through a queue; a cancelled job terminates them, which also frees their copy of the model (about 540 MB each).
"""

from __future__ import annotations

import functools
import multiprocessing
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.errors import EngineUnavailableError
from desktop_app.core.transcript import Segment
from desktop_app.providers.threads import WorkerStopped

POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class ChildJob:
    """What one child does: pieces ``part``, ``part + parts``, ... of the file (all of it, in
    one stretch, when ``parts`` is 0)."""

    path: str
    model_folder: str
    part: int
    parts: int
    piece_target: float
    piece_max: float
    decode_chunk: float


def run_child(job: ChildJob, out: Any) -> None:
    """The child's whole life (module-level so the spawn start method can find it)."""
    try:
        _work(job, out)
    except BaseException as exc:
        out.put(("error", type(exc), exc.args, dict(getattr(exc, "__dict__", {}))))
    else:
        out.put(("done",))


def _work(job: ChildJob, out: Any) -> None:
    from desktop_app.audio.decode import decode_pcm
    from desktop_app.audio.splitting import iter_pieces
    from desktop_app.providers.vosk.model import (
        FEED_BYTES,
        PieceRecognizer,
        load_model,
        recognize,
        slices,
    )

    model = load_model(Path(job.model_folder))
    never = threading.Event()
    chunks = decode_pcm(job.path, chunk_seconds=job.decode_chunk)
    if job.parts == 0:
        segments, fed = recognize(
            PieceRecognizer(model),
            chunks,
            never,
            lambda s: out.put(("audio", s)),
            lambda found: out.put(("segments", 0.0, found)),
        )
        out.put(("piece", 0, 0.0, segments, fed))
        return
    for piece in iter_pieces(chunks, target_seconds=job.piece_target, max_seconds=job.piece_max):
        if piece.index % job.parts != job.part:
            continue
        report = functools.partial(_report_segments, out, piece.offset_seconds)
        segments, fed = recognize(
            PieceRecognizer(model),
            slices(piece.pcm, 2 * FEED_BYTES),
            never,
            lambda s: out.put(("audio", s)),
            report,
        )
        out.put(("piece", piece.index, piece.offset_seconds, segments, fed))


def _report_segments(out: Any, offset: float, found: list[Segment]) -> None:
    out.put(("segments", offset, found))


@dataclass(slots=True)
class ChildResults:
    pieces: dict[int, tuple[float, list[Segment]]]
    fed: int


def supervise(
    job: ChildJob,
    stop: threading.Event,
    on_audio: Callable[[float], None],
    results: ChildResults,
    lock: threading.Lock,
    on_segments: Callable[[float, list[Segment]], None] | None = None,
) -> None:
    """Run one child and collect what it sends (blocking, on a worker thread). Terminates the
    child and raises :class:`WorkerStopped` soon after ``stop`` is set; re-raises the child's
    error in this process."""
    context = multiprocessing.get_context("spawn")
    out: Any = context.Queue()
    process = context.Process(
        target=run_child, args=(job, out), name=f"sori-vosk-{job.part + 1}", daemon=True
    )
    process.start()
    try:
        while True:
            if stop.is_set():
                raise WorkerStopped
            try:
                message = out.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not process.is_alive() and out.empty():
                    raise _died(process.exitcode) from None
                continue
            kind = message[0]
            if kind == "audio":
                on_audio(message[1])
            elif kind == "segments":
                if on_segments is not None:
                    on_segments(message[1], message[2])
            elif kind == "piece":
                _, index, offset, segments, fed = message
                with lock:
                    results.pieces[index] = (offset, segments)
                    results.fed += fed
            elif kind == "error":
                raise _rebuilt(*message[1:])
            else:
                return
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        out.close()


def _rebuilt(cls: type[BaseException], args: tuple[Any, ...], attrs: dict[str, Any]) -> Exception:
    error: Any = cls.__new__(cls)
    error.args = args
    error.__dict__.update(attrs)
    return error if isinstance(error, Exception) else RuntimeError(*args)


def _died(exit_code: int | None) -> EngineUnavailableError:
    return EngineUnavailableError(
        f"The Vosk recognition process ended unexpectedly (exit code {exit_code})",
        fix="The computer may be short of memory (Vosk needs about 600 MB per process); close "
        "other programs, set the offline engine's threads to 1, or use the Whisper engine.",
        message_ko=f"Vosk 인식 프로세스가 예기치 않게 끝났습니다(종료 코드 {exit_code})",
        fix_ko="메모리가 부족할 수 있습니다(Vosk는 프로세스마다 약 600 MB 필요). 다른 프로그램을 "
        "닫거나, 스레드 수를 1로 하거나, Whisper 엔진을 쓰세요.",
    )
