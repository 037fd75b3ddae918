"""Fixtures for the Whisper tests: a private model cache, the loaded base model, audio builders."""

from __future__ import annotations

import os
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop_app.audio import SAMPLE_RATE
from desktop_app.providers.whisper.bundled import ensure_base_model
from desktop_app.providers.whisper.runner import WhisperRunner, load_runner


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private cache folder for the session, so tests never touch the user's models."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("SORI_CACHE_DIR")
    os.environ["SORI_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("SORI_CACHE_DIR", None)
    else:
        os.environ["SORI_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def base_model(model_cache: Path) -> Path:
    return ensure_base_model()


@pytest.fixture(scope="session")
def runner(base_model: Path) -> WhisperRunner:
    return load_runner(base_model, device="cpu")


def write_wav(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return path


def silence(seconds: float) -> bytes:
    return bytes(2 * int(seconds * SAMPLE_RATE))


def white_noise(seconds: float, level: float = 0.1, seed: int = 1) -> bytes:
    samples = np.random.default_rng(seed).normal(0.0, level, int(seconds * SAMPLE_RATE))
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def pink_noise(seconds: float, level: float = 0.1, seed: int = 2) -> bytes:
    """1/f noise: white noise shaped in the frequency domain."""
    count = int(seconds * SAMPLE_RATE)
    spectrum = np.fft.rfft(np.random.default_rng(seed).normal(0.0, 1.0, count))
    spectrum /= np.sqrt(np.maximum(np.arange(spectrum.size), 1))
    samples = np.fft.irfft(spectrum, count)
    samples *= level / (np.std(samples) or 1.0)
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def speech_clip(speech_ko: Path, number: int) -> tuple[bytes, str]:
    """One clip of ../shared/speech-ko and its reference text."""
    path = speech_ko / f"kspon_{number:06d}.pcm"
    return path.read_bytes(), path.with_suffix(".txt").read_text(encoding="utf-8").strip()
