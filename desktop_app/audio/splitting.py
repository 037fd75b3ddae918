"""Cut 16 kHz mono s16 PCM into pieces at pauses, and notice where spoken utterances end.

Engines with a length limit (60 s per request for some) and the parallel offline path need long audio
in pieces that begin and end in silence, so no word is cut in half. :class:`SilenceSplitter`
(and its generator form :func:`iter_pieces`) does this while the audio streams in, holding at
most about ``max_seconds`` of it:

* Loudness is the short-time energy of 20 ms frames in dBFS. A frame is *quiet* when it is below
  the buffer's noise floor (10th percentile) plus a margin, or below an absolute silence level.
* Once a piece has reached ``target_seconds``, a finished pause of at least ``min_silence``
  seconds ends it at the pause's middle straight away.
* If the piece grows to ``max_seconds`` without one, it is cut in the middle of the longest quiet
  run between ``target_seconds`` and ``max_seconds`` (the quietest of equally long ones); only
  when there is no quiet frame there at all is it cut hard at ``max_seconds``.

:class:`PauseDetector` is the live counterpart: fed chunks as they are recorded, it reports the
moments where an utterance ended (speech followed by a pause), with a noise floor that adapts.

Everything here is plain numpy on ``bytes`` and safe to run on any thread (one object per thread).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.audio import SAMPLE_RATE, SAMPLE_WIDTH

if TYPE_CHECKING:  # NumPy loads when audio is first split, not with the window
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

# Power floor added before log10 so digital silence maps to -100 dBFS instead of -inf.
_POWER_FLOOR = 1e-10
_FULL_SCALE_SQUARED = 32768.0**2


def frame_energies_db(pcm: bytes | bytearray | memoryview, frame_samples: int) -> FloatArray:
    """Mean power of each complete ``frame_samples``-long frame of s16 PCM, in dBFS."""
    import numpy as np

    count = len(pcm) // (SAMPLE_WIDTH * frame_samples)
    if count == 0:
        return np.empty(0, dtype=np.float64)
    samples = np.frombuffer(pcm, dtype="<i2", count=count * frame_samples)
    frames = samples.astype(np.float64).reshape(count, frame_samples)
    power = np.einsum("ij,ij->i", frames, frames) / (frame_samples * _FULL_SCALE_SQUARED)
    return np.asarray(10.0 * np.log10(power + _POWER_FLOOR), dtype=np.float64)


def quiet_runs(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and end (exclusive) indices of each run of True values."""
    import numpy as np

    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


@dataclass(frozen=True, slots=True)
class AudioPiece:
    """A stretch of the source: ``pcm`` starts ``offset_seconds`` after the source's start."""

    index: int
    offset_seconds: float
    pcm: bytes

    @property
    def duration_seconds(self) -> float:
        return len(self.pcm) / (SAMPLE_WIDTH * SAMPLE_RATE)

    @property
    def end_seconds(self) -> float:
        return self.offset_seconds + self.duration_seconds


class SilenceSplitter:
    """Push-style splitter: :meth:`feed` chunks in order, then :meth:`finish` once.

    Not thread-safe; use each instance from one thread at a time.
    """

    def __init__(
        self,
        *,
        target_seconds: float = 25.0,
        max_seconds: float = 40.0,
        min_silence: float = 0.5,
        frame_seconds: float = 0.02,
        margin_db: float = 10.0,
        silence_db: float = -55.0,
    ) -> None:
        if frame_seconds <= 0 or frame_seconds > 0.1:
            raise ValueError("frame_seconds must be in (0, 0.1]")
        if target_seconds < frame_seconds or max_seconds < target_seconds:
            raise ValueError("need frame_seconds <= target_seconds <= max_seconds")
        if min_silence < 0:
            raise ValueError("min_silence must not be negative")
        import numpy as np

        self._frame_samples = max(1, round(frame_seconds * SAMPLE_RATE))
        self._frame_bytes = self._frame_samples * SAMPLE_WIDTH
        self._target_frames = max(1, round(target_seconds * SAMPLE_RATE / self._frame_samples))
        self._max_frames = max(
            self._target_frames, int(max_seconds * SAMPLE_RATE // self._frame_samples)
        )
        self._min_silence_frames = max(1, round(min_silence * SAMPLE_RATE / self._frame_samples))
        self._margin_db = margin_db
        self._silence_db = silence_db
        self._buffer = bytearray()
        self._energies: FloatArray = np.empty(0, dtype=np.float64)
        self._emitted_samples = 0
        self._index = 0
        self._finished = False

    def feed(self, chunk: bytes) -> list[AudioPiece]:
        """Add audio; return the pieces that are complete now (usually none)."""
        import numpy as np

        if self._finished:
            raise RuntimeError("feed() after finish()")
        self._buffer += chunk
        known = len(self._energies)
        complete = len(self._buffer) // self._frame_bytes
        if complete > known:
            fresh = memoryview(self._buffer)[
                known * self._frame_bytes : complete * self._frame_bytes
            ]
            self._energies = np.concatenate(
                (self._energies, frame_energies_db(fresh, self._frame_samples))
            )
            fresh.release()
        pieces: list[AudioPiece] = []
        while (cut := self._find_cut(at_end=False)) is not None:
            pieces.append(self._emit(cut))
        return pieces

    def finish(self) -> list[AudioPiece]:
        """The remaining pieces once the audio has ended."""
        if self._finished:
            return []
        self._finished = True
        pieces: list[AudioPiece] = []
        while (cut := self._find_cut(at_end=True)) is not None:
            pieces.append(self._emit(cut))
        if self._buffer:
            pieces.append(self._emit_bytes(len(self._buffer)))
        return pieces

    def _find_cut(self, *, at_end: bool) -> int | None:
        """Frame index where the current piece should end, or None to wait for more audio."""
        frames = len(self._energies)
        exact_frames = len(self._buffer) / self._frame_bytes
        if frames < self._target_frames or (at_end and exact_frames <= self._max_frames):
            return None
        starts, ends = quiet_runs(self._energies < self._threshold())
        # Runs that touch the window [target, max]; a cut is placed in the window.
        touching = (ends > self._target_frames) & (starts < self._max_frames)
        starts, ends = starts[touching], ends[touching]
        if frames < self._max_frames and not at_end:
            # Early cut: a pause that is long enough and already over (speech came after it).
            done = (ends < frames) & (ends - starts >= self._min_silence_frames)
            starts, ends = starts[done], ends[done]
            if len(starts) == 0:
                return None
        elif len(starts) == 0:
            return self._max_frames
        best = self._best_run(starts, ends)
        middle = (int(starts[best]) + int(ends[best])) // 2
        return min(max(middle, self._target_frames), self._max_frames)

    def _best_run(self, starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]) -> int:
        """Index of the longest run; among equally long ones, the quietest on average."""
        import numpy as np

        means = np.array([self._energies[a:b].mean() for a, b in zip(starts, ends, strict=True)])
        # lexsort sorts by the last key first: length descending, then mean energy ascending.
        return int(np.lexsort((means, -(ends - starts)))[0])

    def _threshold(self) -> float:
        import numpy as np

        floor, loud = np.percentile(self._energies, [10.0, 90.0])
        # With no spread between quiet and loud frames there is nothing to call a pause, except
        # real silence (below silence_db).
        relative = floor + self._margin_db if loud - floor >= self._margin_db else -np.inf
        return float(max(relative, self._silence_db))

    def _emit(self, cut_frame: int) -> AudioPiece:
        self._energies = self._energies[cut_frame:]
        return self._emit_bytes(cut_frame * self._frame_bytes)

    def _emit_bytes(self, count: int) -> AudioPiece:
        pcm = bytes(self._buffer[:count])
        del self._buffer[:count]
        piece = AudioPiece(self._index, self._emitted_samples / SAMPLE_RATE, pcm)
        self._index += 1
        self._emitted_samples += count // SAMPLE_WIDTH
        return piece


def iter_pieces(chunks: Iterable[bytes], **settings: float) -> Iterator[AudioPiece]:
    """Pieces of the audio in ``chunks``, cut at pauses (see the module docstring);
    ``settings`` are :class:`SilenceSplitter`'s keyword arguments.

    Streaming: a piece is yielded as soon as it is decided, and at most about ``max_seconds`` of
    audio (plus one chunk) is held. Concatenating the pieces' PCM gives back the input exactly.
    """
    splitter = SilenceSplitter(**settings)
    for chunk in chunks:
        yield from splitter.feed(chunk)
    yield from splitter.finish()


class PauseDetector:
    """Live end-of-utterance detection by energy: :meth:`feed` PCM chunks in recording order and
    get back the times (seconds since the first chunk) where an utterance ended.

    An utterance starts after ``min_speech`` seconds of loud frames and ends at the first quiet
    frame of a pause lasting ``min_pause`` seconds. The noise floor follows the quietest frames:
    it drops at once and rises slowly, so a speaker's voice does not become the floor. Not
    thread-safe; use from the thread that receives the audio.
    """

    def __init__(
        self,
        *,
        min_pause: float = 0.6,
        min_speech: float = 0.2,
        frame_seconds: float = 0.02,
        margin_db: float = 10.0,
        silence_db: float = -55.0,
        floor_rise_db_per_second: float = 2.0,
    ) -> None:
        if frame_seconds <= 0 or min_pause <= 0 or min_speech <= 0:
            raise ValueError("frame_seconds, min_pause and min_speech must be positive")
        self._frame_samples = max(1, round(frame_seconds * SAMPLE_RATE))
        self._frame_bytes = self._frame_samples * SAMPLE_WIDTH
        frame_time = self._frame_samples / SAMPLE_RATE
        self._min_pause_frames = max(1, round(min_pause / frame_time))
        self._min_speech_frames = max(1, round(min_speech / frame_time))
        self._margin_db = margin_db
        self._silence_db = silence_db
        self._floor_rise = floor_rise_db_per_second * frame_time
        self._floor: float | None = None
        self._pending = bytearray()
        self._frame_index = 0
        self._loud_run = 0
        self._quiet_run = 0
        self.in_speech = False

    def feed(self, chunk: bytes) -> list[float]:
        """Add audio; return the end times of utterances that ended within it."""
        self._pending += chunk
        usable = len(self._pending) // self._frame_bytes * self._frame_bytes
        energies = frame_energies_db(memoryview(self._pending)[:usable], self._frame_samples)
        del self._pending[:usable]
        ended: list[float] = []
        for energy in energies.tolist():
            if self._floor is None or energy < self._floor:
                self._floor = energy
            else:
                self._floor += self._floor_rise
            loud = energy > max(self._floor + self._margin_db, self._silence_db)
            self._frame_index += 1
            if loud:
                self._loud_run += 1
                self._quiet_run = 0
                if not self.in_speech and self._loud_run >= self._min_speech_frames:
                    self.in_speech = True
            else:
                self._quiet_run += 1
                self._loud_run = 0
                if self.in_speech and self._quiet_run >= self._min_pause_frames:
                    self.in_speech = False
                    pause_start = self._frame_index - self._quiet_run
                    ended.append(pause_start * self._frame_samples / SAMPLE_RATE)
        return ended
