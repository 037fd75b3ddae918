"""The rules of the CLOVA Speech real-time emulator (:mod:`tests.emulators.clova_grpc`):
checking the config JSON and turning streamed PCM into results.

Config (seeds/clova-speech-grpc-streaming.txt §3): a JSON object whose top-level keys are among
``transcription``, ``keywordBoosting``, ``forbidden``, ``semanticEpd``, ``translation`` /
``translationEpd`` (the document uses both names) and ``diarization`` (API-NOTES, third-party
clients), each an object with the documented sub-keys and value types. Failures answer with
the documented status texts: ``Invalid request json format``, ``Unknown key: KEY`` (top level),
``Unknown key: TOP-SUB``, ``Invalid type: TOP-SUB``, ``Invalid language code: CODE`` (languages
``ko``, ``en``, ``ja``), ``Targets are empty``. The keyword is the first word of the first
boosting; forbidden words are the comma-separated ``forbiddens``.

Recognition, online, on 20 ms frames of the PCM received so far (thresholds of
:mod:`tests.emulators.audio`; a trailing partial frame waits for more audio):

* a frame is voiced when its RMS is at least ``VOICED_RMS``; a region opens at a voiced frame;
* an open region closes with ``epdType: "gap"`` once ``gap`` silent frames follow its last voiced
  frame (``semanticEpd.gapThreshold`` ms rounded up to frames; default 300 ms, the gap that
  separates regions in :mod:`tests.emulators.audio`), with ``"durationThreshold"`` when it
  reaches ``semanticEpd.durationThreshold`` ms (default 15 s), with ``"endPoint"`` on a request
  with ``epFlag: true`` or when the client ends its stream, and with ``"unvoice"`` when no request
  comes for ``unvoice_seconds``; regions shorter than 100 ms are dropped without a result;
* text (and alignInfos words) follow :mod:`tests.emulators.recognition`: region ``n`` reads
  ``구간 n (s–e초)`` plus the keyword, with forbidden words masked, so for audio whose regions
  are under 15 s the finals equal :func:`~tests.emulators.recognition.expected_segments`;
* positions: the running text is the finals joined with one space; a result's ``text`` starts at
  ``position`` of it (pieces after the first begin with that space);
* partials: after each DATA request, an open region of at least 100 ms whose end moved gets a
  result at the next position with the text so far (``s–e`` up to its last voiced frame), no
  ``epdType`` and ``epFlag: false``; the final at the same position replaces it;
* ``restate_previous`` (a knob): every second final is sent at the previous final's position with
  both texts, the way a later result revises earlier text;
* the result of a request with ``epFlag: true`` carries that request's ``seqId`` and ``epFlag:
  true`` (with empty text when no region was open), even with ``skipEmptyText``, so a client
  always learns that everything before it has been answered.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tests.emulators.audio import FRAME_MS, FRAME_SAMPLES, MIN_REGION_FRAMES, VOICED_RMS
from tests.emulators.recognition import CONFIDENCE, mask, segment_text, spread_words

LANGUAGES = ("ko", "en", "ja")
DEFAULT_GAP_MS = 300
DEFAULT_DURATION_MS = 15_000

# top-level key -> sub-key -> accepted JSON type ("int" excludes booleans).
SCHEMA: dict[str, dict[str, str]] = {
    "transcription": {"language": "str"},
    "keywordBoosting": {"boostings": "list"},
    "forbidden": {"forbiddens": "str"},
    "semanticEpd": {
        "skipEmptyText": "bool",
        "useWordEpd": "bool",
        "usePeriodEpd": "bool",
        "gapThreshold": "int",
        "durationThreshold": "int",
        "syllableThreshold": "int",
    },
    "translation": {
        "targets": "list",
        "mergedResult": "bool",
        "gapThreshold": "int",
        "durationThreshold": "int",
        "honorific": "bool",
        "glossaryKey": "str",
    },
    "diarization": {"enable": "bool"},
}
SCHEMA["translationEpd"] = SCHEMA["translation"]


class ConfigRejected(Exception):
    """The config cannot be used; ``str(exc)`` is the documented status text."""


@dataclass(frozen=True)
class StreamSettings:
    """What a valid config asks for."""

    language: str = "ko"
    keyword: str | None = None
    forbidden: tuple[str, ...] = ()
    gap_frames: int = DEFAULT_GAP_MS // FRAME_MS
    duration_frames: int = DEFAULT_DURATION_MS // FRAME_MS
    skip_empty: bool = False
    sections: tuple[str, ...] = ()


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, {"str": str, "bool": bool, "list": list}[kind])


def parse_config(text: str) -> tuple[dict[str, Any], StreamSettings]:
    """Check a config JSON; raises :class:`ConfigRejected` with the status text."""
    try:
        config = json.loads(text)
    except ValueError:
        raise ConfigRejected("Invalid request json format") from None
    if not isinstance(config, dict):
        raise ConfigRejected("Invalid request json format")
    for top, body in config.items():
        if top not in SCHEMA:
            raise ConfigRejected(f"Unknown key: {top}")
        if not isinstance(body, dict):
            raise ConfigRejected(f"Invalid type: {top}")
        for sub, value in body.items():
            if sub not in SCHEMA[top]:
                raise ConfigRejected(f"Unknown key: {top}-{sub}")
            if not _type_ok(value, SCHEMA[top][sub]):
                raise ConfigRejected(f"Invalid type: {top}-{sub}")
    language = config.get("transcription", {}).get("language", "ko")
    if language not in LANGUAGES:
        raise ConfigRejected(f"Invalid language code: {language}")
    keyword: str | None = None
    for boosting in config.get("keywordBoosting", {}).get("boostings", []):
        if not isinstance(boosting, dict) or set(boosting) - {"words", "weight"}:
            raise ConfigRejected("Invalid type: keywordBoosting-boostings")
        words, weight = boosting.get("words", ""), boosting.get("weight", 1.0)
        if not isinstance(words, str) or not _type_ok(weight, "float"):
            raise ConfigRejected("Invalid type: keywordBoosting-boostings")
        if keyword is None:
            keyword = next((w.strip() for w in words.split(",") if w.strip()), None)
    for name in ("translation", "translationEpd"):
        if name in config and not config[name].get("targets"):
            raise ConfigRejected("Targets are empty")
    forbiddens = config.get("forbidden", {}).get("forbiddens", "")
    epd = config.get("semanticEpd", {})
    settings = StreamSettings(
        language=language,
        keyword=keyword,
        forbidden=tuple(w.strip() for w in forbiddens.split(",") if w.strip()),
        gap_frames=max(1, math.ceil(epd.get("gapThreshold", DEFAULT_GAP_MS) / FRAME_MS)),
        duration_frames=max(
            MIN_REGION_FRAMES,
            math.ceil((epd.get("durationThreshold") or DEFAULT_DURATION_MS) / FRAME_MS),
        ),
        skip_empty=bool(epd.get("skipEmptyText", False)),
        sections=tuple(config),
    )
    return config, settings


@dataclass
class _Final:
    position: int
    piece: str
    start_ms: int
    words: list[dict[str, Any]]
    restated: bool


@dataclass
class StreamRecognizer:
    """Online version of the emulators' recognition rule for one recognize call."""

    settings: StreamSettings
    restate_previous: bool = False
    full_text: str = ""
    regions: int = 0
    _samples: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _frame: int = 0
    _start: int | None = None
    _last_voiced: int = 0
    _partial_end: int | None = None
    _previous: _Final | None = None

    @property
    def stream_ms(self) -> int:
        return self._frame * FRAME_MS

    def feed(self, pcm: bytes) -> list[dict[str, Any]]:
        """Take PCM; return the transcription objects it produces (finals, then a partial)."""
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
        self._samples = np.concatenate([self._samples, samples])
        count = len(self._samples) // FRAME_SAMPLES
        frames = self._samples[: count * FRAME_SAMPLES].reshape(count, FRAME_SAMPLES)
        self._samples = self._samples[count * FRAME_SAMPLES :]
        results: list[dict[str, Any]] = []
        for rms in np.sqrt(np.mean(frames * frames, axis=1)):
            results += self._step(bool(rms >= VOICED_RMS))
        partial = self._partial()
        if partial is not None:
            results.append(partial)
        return results

    def flush(self, seq_id: int, *, ep_flag: bool, epd_type: str) -> list[dict[str, Any]]:
        """Close the open region; with ``ep_flag`` always answer with ``seq_id``."""
        results = self._close(epd_type) if self._start is not None else []
        if not ep_flag:
            return results
        if results:
            results[-1].update(epFlag=True, seqId=seq_id)
            return results
        now = self.stream_ms
        return [self._result("", len(self.full_text), now, now, [], epd_type, True, seq_id)]

    def _step(self, voiced: bool) -> list[dict[str, Any]]:
        frame = self._frame
        self._frame += 1
        if voiced:
            if self._start is None:
                self._start = frame
            self._last_voiced = frame
        elif self._start is not None and frame - self._last_voiced >= self.settings.gap_frames:
            return self._close("gap")
        if self._start is not None and self._frame - self._start >= self.settings.duration_frames:
            return self._close("durationThreshold")
        return []

    def _text(self, number: int, start: int, end: int) -> str:
        text = segment_text(number, start * FRAME_MS, end * FRAME_MS)
        if self.settings.keyword:
            text = f"{text} {self.settings.keyword}"
        return mask(text, self.settings.forbidden)

    def _partial(self) -> dict[str, Any] | None:
        if self._start is None:
            return None
        end = self._last_voiced + 1
        if end - self._start < MIN_REGION_FRAMES or end == self._partial_end:
            return None
        self._partial_end = end
        text = self._text(self.regions + 1, self._start, end)
        piece = f" {text}" if self.full_text else text
        words = _align(text, self._start * FRAME_MS, end * FRAME_MS)
        start_ms, end_ms = self._start * FRAME_MS, end * FRAME_MS
        return self._result(piece, len(self.full_text), start_ms, end_ms, words, None, False, 0)

    def _close(self, epd_type: str) -> list[dict[str, Any]]:
        assert self._start is not None
        start, end = self._start, self._last_voiced + 1
        self._start = None
        self._partial_end = None
        if end - start < MIN_REGION_FRAMES:
            return []
        self.regions += 1
        text = self._text(self.regions, start, end)
        start_ms, end_ms = start * FRAME_MS, end * FRAME_MS
        words = _align(text, start_ms, end_ms)
        previous = self._previous
        restate = self.restate_previous and previous is not None and not previous.restated
        if restate and previous is not None:
            position = previous.position
            piece = f"{previous.piece} {text}"
            start_ms, words = previous.start_ms, previous.words + words
        else:
            position = len(self.full_text)
            piece = f" {text}" if self.full_text else text
        self.full_text = self.full_text[:position] + piece
        self._previous = _Final(position, piece, start_ms, words, restated=restate)
        return [self._result(piece, position, start_ms, end_ms, words, epd_type, False, 0)]

    @staticmethod
    def _result(
        text: str,
        position: int,
        start_ms: int,
        end_ms: int,
        words: list[dict[str, Any]],
        epd_type: str | None,
        ep_flag: bool,
        seq_id: int,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "text": text,
            "position": position,
            "periodPositions": [],
            "periodAlignIndices": [],
            "epFlag": ep_flag,
            "seqId": seq_id,
            "startTimestamp": start_ms,
            "endTimestamp": end_ms,
            "confidence": CONFIDENCE,
            "alignInfos": words,
        }
        if epd_type is not None:
            body["epdType"] = epd_type
        return body


def _align(text: str, start_ms: int, end_ms: int) -> list[dict[str, Any]]:
    """alignInfos for ``text``: its words, then a zero-length blank as in the document's sample."""
    infos: list[dict[str, Any]] = [
        {"word": w.text, "start": w.start_ms, "end": w.end_ms, "confidence": CONFIDENCE}
        for w in spread_words(text, start_ms, end_ms)
    ]
    infos.append({"word": " ", "start": end_ms, "end": end_ms, "confidence": CONFIDENCE})
    return infos
