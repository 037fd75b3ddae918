"""Where speech stops, judged from loudness as live audio arrives.

Two-pass live hands an utterance to Whisper as soon as the speaker pauses, without waiting for
Vosk (which runs behind the microphone and ends utterances only after its own endpoint). A
frame is speech when it is clearly louder than the recent background: the noise floor is a low
percentile of the last seconds' frame levels, so a steady hum or room noise raises the bar with
it. An utterance ends after :attr:`SpeechEnds.pause` seconds without speech frames.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np

from desktop_app.audio import BYTES_PER_SECOND

FRAME_SECONDS = 0.05
_FRAME_BYTES = int(FRAME_SECONDS * BYTES_PER_SECOND)
# Speech is this many times the background level (RMS), and never quieter than MIN_SPEECH_RMS.
SPEECH_OVER_FLOOR = 3.0
MIN_SPEECH_RMS = 120.0
FLOOR_FRAMES = 200  # 10 s of frame levels for the noise floor
FLOOR_PERCENTILE = 15
# Frames of speech in a row before an utterance counts as started (a click is not speech).
START_FRAMES = 3


@dataclass(frozen=True, slots=True)
class Pause:
    """An utterance that ended: speech from ``speech_start`` to ``speech_end`` (stream seconds)."""

    speech_start: float
    speech_end: float


class SpeechEnds:
    """Feed 16 kHz mono s16 audio in order; get the pauses that end utterances. Not
    thread-safe (two-pass live uses it on the event loop)."""

    def __init__(self, pause: float = 0.5) -> None:
        self.pause = pause
        self._pending = bytearray()
        self._frames = 0  # frames judged so far
        self._levels: collections.deque[float] = collections.deque(maxlen=FLOOR_FRAMES)
        self._run = 0  # speech frames in a row
        self._quiet = 0  # quiet frames in a row since the last speech frame
        self._started: float | None = None
        self._last_speech_end = 0.0

    @property
    def in_speech(self) -> bool:
        return self._started is not None

    @property
    def last_speech_end(self) -> float:
        """Stream seconds where the latest speech frame ended (0 before any speech)."""
        return self._last_speech_end

    def feed(self, pcm: bytes) -> list[Pause]:
        self._pending += pcm
        usable = len(self._pending) - len(self._pending) % _FRAME_BYTES
        if usable < _FRAME_BYTES:
            return []
        samples = np.frombuffer(bytes(self._pending[:usable]), dtype=np.int16)
        del self._pending[:usable]
        frames = samples.reshape(-1, _FRAME_BYTES // 2).astype(np.float32)
        pauses: list[Pause] = []
        for level in np.sqrt(np.mean(frames * frames, axis=1)):
            pause = self._judge(float(level))
            if pause is not None:
                pauses.append(pause)
        return pauses

    def _judge(self, level: float) -> Pause | None:
        start = self._frames * FRAME_SECONDS
        self._frames += 1
        floor = float(np.percentile(self._levels, FLOOR_PERCENTILE)) if self._levels else 0.0
        self._levels.append(level)
        if level >= max(MIN_SPEECH_RMS, floor * SPEECH_OVER_FLOOR):
            self._run += 1
            self._quiet = 0
            if self._run >= START_FRAMES and self._started is None:
                self._started = start - (START_FRAMES - 1) * FRAME_SECONDS
            if self._started is not None:
                self._last_speech_end = start + FRAME_SECONDS
            return None
        self._run = 0
        if self._started is None:
            return None
        self._quiet += 1
        if self._quiet * FRAME_SECONDS < self.pause:
            return None
        pause = Pause(self._started, self._last_speech_end)
        self._started = None
        return pause
