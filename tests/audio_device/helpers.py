"""Signal helpers for the capture-device tests: PCM to arrays, and finding where a played clip
starts inside a recording."""

from __future__ import annotations

import numpy as np


def pcm_array(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def find_offset(recorded: np.ndarray, reference: np.ndarray) -> int:
    """Where ``reference`` starts inside ``recorded`` (cross-correlation by FFT)."""
    size = 1 << int(np.ceil(np.log2(len(recorded) + len(reference))))
    spectrum = np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(reference, size))
    correlation = np.fft.irfft(spectrum, size)[: len(recorded)]
    return int(np.argmax(correlation))
