"""The offline engine ``whisper``, the default: faster-whisper (CTranslate2) on this computer.

A file is decoded with PyAV on one worker thread into windows of about ten minutes cut at pauses,
which another worker thread hands to the shared :class:`~desktop_app.providers.whisper.runner.
WhisperRunner` one after the other, so memory stays that of one or two windows whatever the
file's length while both cores decode batches of speech. Progress is the audio position reached,
with the time left estimated from the speed so far.

Options (``options.extra``): ``quality`` — ``fast`` (greedy), ``balanced`` (beam 5, default) or
``best`` (beam 5 with the largest installed model); ``model`` — a model name or a CTranslate2
model folder (empty: the built-in base model). Keywords become Whisper hotwords and a short
prompt. Settings (``ProviderConfig.settings``): ``model_path`` (as ``model``; the command line's
``--model``) and ``device`` (``auto``, ``cpu`` or ``cuda``).
"""

from __future__ import annotations

import asyncio
import importlib
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from desktop_app.audio.decode import decode_pcm, probe
from desktop_app.audio.splitting import AudioPiece, iter_pieces
from desktop_app.core.errors import EmptyAudioError, EngineUnavailableError
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.progress import Progress, ProgressCallback
from desktop_app.core.transcript import Transcript
from desktop_app.providers.base import (
    Provider,
    ProviderConfig,
    StreamEvent,
    normalise_language,
)
from desktop_app.providers.registry import register
from desktop_app.providers.threads import WorkerProgress, WorkerStopped, start_worker, wait_workers
from desktop_app.providers.whisper.bundled import ensure_base_model
from desktop_app.providers.whisper.description import DEFAULT_QUALITY, QUALITY_BEAMS, WHISPER
from desktop_app.providers.whisper.runner import (
    DecodeOptions,
    FileResult,
    WhisperRunner,
    check_model_folder,
    load_runner,
)
from desktop_app.providers.whisper.two_pass import two_pass_live

# Windows handed to the model: cut at a pause after 10 minutes, at the latest after 12. Each
# window's last batch is usually part-filled, so shorter windows cost CPU (measured: 5-minute
# windows took about 5 % more CPU than 10-minute ones); longer ones only cost memory.
WINDOW_TARGET_SECONDS = 600.0
WINDOW_MAX_SECONDS = 720.0
DECODE_CHUNK_SECONDS = 1.0
PROGRESS_INTERVAL = 0.2
# Keywords beyond this many characters are left out of the prompt (it shares Whisper's
# 448-token context with the text being written).
PROMPT_MAX_CHARS = 200
MODELS_MODULE = "desktop_app.providers.whisper.models"


def resolve_model_folder(spec: str | None, *, best: bool = False) -> Path:
    """The model folder for ``spec`` (a name, a folder or nothing), blocking.

    The model manager (:mod:`desktop_app.providers.whisper.models`, when present) resolves
    names with ``resolve_model(spec) -> Path`` and, for ``quality=best``, names the largest
    installed model with ``best_installed_model() -> str | None``; without it only the built-in
    base model and folders work.
    """
    spec = (spec or "").strip() or None
    try:
        models: Any = importlib.import_module(MODELS_MODULE)
    except ModuleNotFoundError:
        models = None
    if best and spec is None and models is not None and hasattr(models, "best_installed_model"):
        spec = models.best_installed_model() or None
    if models is not None and hasattr(models, "resolve_model"):
        return Path(models.resolve_model(spec))
    if spec is None or spec == "base":
        return ensure_base_model()
    folder = Path(spec).expanduser()
    if folder.exists() or "/" in spec or "\\" in spec:
        return check_model_folder(folder)
    raise EngineUnavailableError(
        f"The Whisper model '{spec}' is not installed",
        fix="Give the folder of a CTranslate2 Whisper model (--model DIR), or leave the model "
        "empty to use the built-in base model.",
        message_ko=f"Whisper 모델 '{spec}'이(가) 설치되어 있지 않습니다",
        fix_ko="CTranslate2 Whisper 모델 폴더를 지정하거나(--model 폴더), 모델을 비워 기본 base "
        "모델을 쓰세요.",
    )


def keyword_hints(keywords: list[Keyword]) -> tuple[str | None, str | None]:
    """``(hotwords, initial_prompt)`` for the words to boost (weights do not apply)."""
    words = list(dict.fromkeys(k.word.strip() for k in keywords if k.word.strip()))
    if not words:
        return None, None
    hotwords = ", ".join(words)
    prompt = ""
    for word in words:
        candidate = f"{prompt}, {word}" if prompt else word
        if len(candidate) > PROMPT_MAX_CHARS:
            break
        prompt = candidate
    return hotwords[: PROMPT_MAX_CHARS * 2], (f"{prompt}." if prompt else None)


class PositionRelay(WorkerProgress):
    """The audio position reached (any worker thread), with the time left from the speed so
    far."""

    def reached(self, seconds: float) -> None:
        with self._lock:
            if seconds <= self._seconds:
                return
            self._seconds = seconds
            self._post()

    def _report(self, elapsed: float) -> Progress:
        report = super()._report(elapsed)
        # The first seconds (warm-up, a window's first batch) say little about the speed.
        if self._total is None or elapsed < 3.0 or self._seconds <= 0:
            return report
        left = max(0.0, (self._total - self._seconds) * elapsed / self._seconds)
        return Progress("processing", report.fraction, time_left(left))


def time_left(seconds: float) -> str:
    if seconds < 60:
        return f"about {max(5, round(seconds / 5) * 5)} s left"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"about {minutes} min {rest:02d} s left"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes:02d} min left"


@register
class WhisperProvider(Provider):
    """Whisper on this computer. Coroutines run on the engine loop; decoding and recognition
    on worker threads."""

    description = WHISPER

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        self.device = str(self.config.settings.get("device") or "auto")

    def _model_spec(self, options: TranscriptionOptions) -> str | None:
        chosen = options.extra.get("model") or self.config.settings.get("model_path")
        return str(chosen) if chosen else None

    def load(self, options: TranscriptionOptions) -> WhisperRunner:
        """Blocking: the runner for the chosen model, loading it on first use."""
        best = options.extra.get("quality") == "best"
        return load_runner(
            resolve_model_folder(self._model_spec(options), best=best), device=self.device
        )

    def decode_options(self, options: TranscriptionOptions) -> DecodeOptions:
        language = normalise_language(options.language) if options.language else "ko"
        hotwords, prompt = keyword_hints(options.keywords)
        quality = str(options.extra.get("quality") or DEFAULT_QUALITY)
        return DecodeOptions(
            language=None if language.lower() == "auto" else language,
            beam_size=QUALITY_BEAMS.get(quality, QUALITY_BEAMS[DEFAULT_QUALITY]),
            hotwords=hotwords,
            initial_prompt=prompt,
        )

    def stream(
        self, audio: AsyncIterator[bytes], options: TranscriptionOptions
    ) -> AsyncIterator[StreamEvent]:
        """Live in two passes: Vosk's provisional text at once, each finished utterance then
        replaced by Whisper's (:mod:`desktop_app.providers.whisper.two_pass`)."""
        self.check_options(options)
        return two_pass_live(lambda: self.load(options), audio, self.decode_options(options))

    async def transcribe_file(
        self, path: Path, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        decode = self.decode_options(options)
        progress(Progress("processing", 0.0, "loading the speech model"))
        # Not stopped on cancellation: a load cannot be interrupted, and finishing it fills the
        # shared cache for the next job.
        preparing = start_worker(lambda: (probe(path), self.load(options)), "sori-whisper-load")
        info, runner = await asyncio.wrap_future(preparing)
        stop = threading.Event()
        relay = PositionRelay(
            asyncio.get_running_loop(), progress, info.duration, stop, interval=PROGRESS_INTERVAL
        )
        waiting: queue.Queue[AudioPiece | None] = queue.Queue(maxsize=1)

        def produce() -> None:
            chunks = decode_pcm(path, chunk_seconds=DECODE_CHUNK_SECONDS)
            try:
                for window in iter_pieces(
                    chunks, target_seconds=WINDOW_TARGET_SECONDS, max_seconds=WINDOW_MAX_SECONDS
                ):
                    _offer(waiting, window, stop)
                    del window  # not kept while the next one is decoded
            finally:
                chunks.close()  # type: ignore[attr-defined]
                _offer(waiting, None, stop, final=True)

        def consume() -> FileResult:
            return runner.transcribe_windows(
                _taken(waiting, stop), decode, stop=stop, on_position=relay.reached
            )

        workers: list[Any] = [
            start_worker(produce, "sori-whisper-decode"),
            start_worker(consume, "sori-whisper"),
        ]
        _, found = await wait_workers(workers, stop)
        stop.set()  # the work is done: drop any report still on its way, 1.0 comes last
        result: FileResult = found
        if result.seconds <= 0:
            raise EmptyAudioError(
                f"'{path.name}' contains no audio samples",
                message_ko=f"'{path.name}'에 오디오 샘플이 없습니다",
            )
        progress(Progress("processing", 1.0))
        transcript = Transcript(
            segments=result.segments,
            language=result.language or decode.language or "ko",
            engine=self.name,
            source=path.name,
            duration=result.seconds,
        )
        for notice in runner.notices:
            transcript.add_notice(notice)
        return transcript  # "no speech" is added for every engine by providers/finish.py

    async def check_connection(self) -> None:
        """Nothing to connect to: check that the model is there, complete and loads."""
        options = TranscriptionOptions()
        await asyncio.wrap_future(start_worker(lambda: self.load(options), "sori-whisper-load"))


def _offer(
    waiting: queue.Queue[AudioPiece | None],
    item: AudioPiece | None,
    stop: threading.Event,
    *,
    final: bool = False,
) -> None:
    """Put ``item`` on the queue, waiting while it is full, until the job is stopped."""
    while not stop.is_set():
        try:
            waiting.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
    if not final:
        raise WorkerStopped


def _taken(waiting: queue.Queue[AudioPiece | None], stop: threading.Event) -> Iterator[AudioPiece]:
    """Windows from the queue until the decoder's end mark, or until the job is stopped."""
    while True:
        if stop.is_set():
            raise WorkerStopped
        try:
            window = waiting.get(timeout=0.1)
        except queue.Empty:
            continue
        if window is None:
            return
        # Handed over without keeping a reference here, so the window's memory goes as soon
        # as the runner has converted it.
        box = [window]
        del window
        yield box.pop()
