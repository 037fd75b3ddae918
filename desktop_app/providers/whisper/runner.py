"""One loaded faster-whisper model and the two ways Sori asks it for text.

:class:`WhisperRunner` owns a CTranslate2 Whisper model (int8 on the CPU; float16 on a CUDA GPU
when one is present and starts, else the CPU with a :class:`Notice` saying so) and offers:

* :meth:`WhisperRunner.transcribe_windows` — a long file, handed over as consecutive windows of
  16 kHz mono s16 PCM (minutes each, cut at pauses, see
  :func:`desktop_app.audio.splitting.iter_pieces`). Each window goes through faster-whisper's
  batched pipeline with its Silero voice-activity detector, so both cores work on up to
  ``batch_size`` 30-second chunks at once while memory stays that of one window, whatever the
  file's length. Times are shifted by the window's offset; the position reached is reported
  after every batch, and a stop request is honoured between batches.
* :meth:`WhisperRunner.transcribe_pcm` — one utterance of live audio (the two-pass live stream).

Both return :class:`~desktop_app.core.transcript.Segment` objects with word timings, after the
hallucination guards of :mod:`desktop_app.providers.whisper.guards`. A runner is shared by any
number of worker threads (CTranslate2 queues concurrent requests); loaded runners are cached per
model folder and device by :func:`load_runner`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.audio import SAMPLE_RATE
from desktop_app.audio.splitting import AudioPiece
from desktop_app.core.errors import EngineUnavailableError
from desktop_app.core.transcript import Notice, Segment, Word, mean_confidence
from desktop_app.providers.threads import WorkerStopped
from desktop_app.providers.whisper.guards import Heard, filter_heard

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float32]

# Whisper segments are split into subtitle-sized ones at pauses between words and by length.
SEGMENT_MAX_GAP = 1.0
SEGMENT_MAX_SECONDS = 12.0
# The batched pipeline's detector: short pauses end speech chunks, chunks fill 30-s windows.
VAD_PARAMETERS: dict[str, Any] = {"threshold": 0.5, "min_silence_duration_ms": 160}
# A stricter detector for judging whether a credit-like line sits on real speech.
STRICT_VAD: dict[str, Any] = {"threshold": 0.6, "min_silence_duration_ms": 100, "speech_pad_ms": 0}
MODEL_FILES = ("model.bin", "config.json")


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How to decode: ``language`` None detects it; ``beam_size`` 1 is greedy."""

    language: str | None = "ko"
    beam_size: int = 5
    hotwords: str | None = None
    initial_prompt: str | None = None
    batch_size: int = 8


@dataclass(slots=True)
class FileResult:
    """What :meth:`WhisperRunner.transcribe_windows` found."""

    segments: list[Segment] = field(default_factory=list)
    language: str | None = None
    seconds: float = 0.0  # audio fed


def check_model_folder(folder: Path) -> Path:
    """``folder`` resolved, or :class:`EngineUnavailableError` when it is not a CTranslate2
    Whisper model (faster-whisper would otherwise take the name for a hub download)."""
    folder = folder.expanduser()
    if not folder.is_dir():
        raise EngineUnavailableError(
            f"The Whisper model folder '{folder}' does not exist",
            fix="Choose an existing CTranslate2 Whisper model folder, or leave the model "
            "setting empty to use the built-in base model.",
            message_ko=f"Whisper 모델 폴더 '{folder}'이(가) 없습니다",
            fix_ko="있는 CTranslate2 Whisper 모델 폴더를 고르거나, 모델 설정을 비워 기본 base "
            "모델을 쓰세요.",
        )
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise EngineUnavailableError(
            f"'{folder}' is not a CTranslate2 Whisper model folder (missing {', '.join(missing)})",
            fix="Choose a folder converted with ct2-transformers-converter (it holds model.bin, "
            "config.json and tokenizer.json), or leave the setting empty for the base model.",
            message_ko=f"'{folder}'은(는) CTranslate2 Whisper 모델 폴더가 아닙니다"
            f"({', '.join(missing)} 없음)",
            fix_ko="ct2-transformers-converter로 변환한 폴더(model.bin, config.json, "
            "tokenizer.json 포함)를 고르거나, 설정을 비워 기본 모델을 쓰세요.",
        )
    return folder.resolve()


def cpu_threads() -> int:
    return max(1, os.cpu_count() or 1)


class WhisperRunner:
    """A loaded model; methods are blocking and run on worker threads, never the GUI thread.

    ``device`` is ``auto`` (CUDA when a GPU is present, else CPU), ``cuda`` or ``cpu``.
    ``notices`` lists what a person should know about how it runs (the GPU fell back).
    """

    def __init__(self, model_dir: Path, *, device: str = "auto") -> None:
        self.model_dir = check_model_folder(model_dir)
        self.notices: list[Notice] = []
        self.model, self.device = self._load(device)

    def _load(self, device: str) -> tuple[Any, str]:
        from faster_whisper import WhisperModel

        if device == "auto":
            import ctranslate2

            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        if device == "cuda":
            try:
                return WhisperModel(
                    str(self.model_dir), device="cuda", compute_type="float16"
                ), "cuda"
            except (RuntimeError, ValueError, OSError) as exc:
                self.notices.append(
                    Notice(
                        "gpu-fallback",
                        f"The GPU could not be used ({exc}); Whisper ran on the CPU instead, "
                        "which is slower. Update the NVIDIA driver and CUDA libraries to use it.",
                        f"GPU를 쓸 수 없어({exc}) Whisper를 CPU로 실행했습니다(더 느림). "
                        "GPU를 쓰려면 NVIDIA 드라이버와 CUDA 라이브러리를 업데이트하세요.",
                    )
                )
        try:
            model = WhisperModel(
                str(self.model_dir), device="cpu", compute_type="int8", cpu_threads=cpu_threads()
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise EngineUnavailableError(
                f"The Whisper model in '{self.model_dir}' could not be loaded ({exc})",
                fix="The model files may be damaged or incomplete; choose another model folder, "
                "or leave the setting empty to use the built-in base model.",
                message_ko=f"'{self.model_dir}'의 Whisper 모델을 불러오지 못했습니다({exc})",
                fix_ko="모델 파일이 손상되었거나 불완전할 수 있습니다. 다른 모델 폴더를 고르거나 "
                "설정을 비워 기본 base 모델을 쓰세요.",
            ) from exc
        return model, "cpu"

    def transcribe_pcm(self, pcm: bytes, options: DecodeOptions) -> list[Segment]:
        """One utterance of 16 kHz mono s16 PCM; times from its start."""
        segments, _ = self._window(
            _float_samples(pcm), 0.0, options, threading.Event(), lambda _: None
        )
        return segments

    def transcribe_windows(
        self,
        windows: Iterable[AudioPiece],
        options: DecodeOptions,
        *,
        stop: threading.Event,
        on_position: Callable[[float], None],
    ) -> FileResult:
        """Consecutive windows of a file; ``on_position`` gets the seconds reached (increasing).
        With ``options.language`` None the language found in the first window with speech is
        kept for the rest. Raises :class:`WorkerStopped` soon after ``stop`` is set."""
        result = FileResult(language=options.language)
        for window in windows:
            if stop.is_set():
                raise WorkerStopped
            decode = DecodeOptions(
                result.language,
                options.beam_size,
                options.hotwords,
                options.initial_prompt,
                options.batch_size,
            )
            offset, end = window.offset_seconds, window.end_seconds
            audio = _float_samples(window.pcm)
            del window  # the s16 copy is not needed while the model works
            segments, language = self._window(audio, offset, decode, stop, on_position)
            del audio
            if result.language is None and segments:
                result.language = language
            result.segments.extend(segments)
            result.seconds = end
            on_position(end)
        return result

    def _window(
        self,
        audio: FloatArray,
        offset: float,
        options: DecodeOptions,
        stop: threading.Event,
        on_position: Callable[[float], None],
    ) -> tuple[list[Segment], str]:
        from faster_whisper import BatchedInferencePipeline

        if audio.size == 0:
            return [], options.language or ""
        pipeline = BatchedInferencePipeline(self.model)
        raw, info = pipeline.transcribe(
            audio,
            language=options.language,
            beam_size=options.beam_size,
            best_of=1,
            temperature=0.0,
            word_timestamps=True,
            vad_filter=True,
            vad_parameters=dict(VAD_PARAMETERS),
            batch_size=options.batch_size,
            hotwords=options.hotwords,
            initial_prompt=options.initial_prompt,
            without_timestamps=True,
        )
        found: list[tuple[Heard, list[Word]]] = []
        for item in raw:  # one batch is decoded per step of this generator
            if stop.is_set():
                raise WorkerStopped
            words = [
                Word(
                    float(w.start),
                    float(max(w.start, w.end)),
                    w.word,
                    min(1.0, max(0.0, float(w.probability))),
                )
                for w in item.words or ()
            ]
            heard = Heard(
                float(item.start),
                float(item.end),
                item.text.strip(),
                float(item.avg_logprob),
                float(item.no_speech_prob),
                float(item.compression_ratio),
                tuple(w.confidence or 0.0 for w in words),
            )
            found.append((heard, words))
            on_position(offset + float(item.end))
        words_of = {id(heard): words for heard, words in found}
        kept = filter_heard((heard for heard, _ in found), _speech_fraction(audio))
        segments: list[Segment] = []
        for heard in kept:
            for piece in _split(words_of[id(heard)], heard):
                segments.append(piece.shifted(offset) if offset else piece)
        return segments, info.language


def _float_samples(pcm: bytes) -> FloatArray:
    import numpy as np

    usable = len(pcm) - len(pcm) % 2
    samples = np.frombuffer(pcm, dtype="<i2", count=usable // 2).astype(np.float32)
    samples *= 1.0 / 32768.0  # in place: a window is tens of MB
    return samples


def _speech_fraction(audio: FloatArray) -> Callable[[float, float], float]:
    def fraction(start: float, end: float) -> float:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        span = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        if span.size == 0:
            return 0.0
        found = get_speech_timestamps(span, VadOptions(**STRICT_VAD))
        return sum(chunk["end"] - chunk["start"] for chunk in found) / span.size

    return fraction


def _split(words: list[Word], heard: Heard) -> list[Segment]:
    """A decoded segment as subtitle-sized segments at word pauses; text keeps Whisper's own
    spacing and punctuation (each word carries its leading space)."""
    if not words:
        return [Segment(heard.start, heard.end, heard.text)]
    groups: list[list[Word]] = []
    for word in words:
        current = groups[-1] if groups else None
        if (
            current is None
            or word.start - current[-1].end >= SEGMENT_MAX_GAP
            or word.end - current[0].start > SEGMENT_MAX_SECONDS
        ):
            groups.append([word])
        else:
            current.append(word)
    segments = []
    for group in groups:
        text = "".join(w.text for w in group).strip()
        if not text:
            continue
        clean = [Word(w.start, w.end, w.text.strip(), w.confidence) for w in group]
        segments.append(
            Segment(
                start=clean[0].start,
                end=max(w.end for w in clean),
                text=text,
                confidence=mean_confidence(clean),
                words=[w for w in clean if w.text],
            )
        )
    return segments


_runners: dict[tuple[Path, str], WhisperRunner] = {}
_runners_lock = threading.Lock()


def load_runner(model_dir: Path, *, device: str = "auto") -> WhisperRunner:
    """The shared runner for ``model_dir`` on ``device``, loading it on first use (blocking,
    thread-safe; concurrent callers wait for one load)."""
    key = (check_model_folder(model_dir), device)
    with _runners_lock:
        runner = _runners.get(key)
        if runner is None:
            runner = _runners[key] = WhisperRunner(key[0], device=device)
        return runner
