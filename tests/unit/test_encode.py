"""Encoding PCM pieces: every format decodes back to about the same audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.audio.decode import decode_pcm
from desktop_app.audio.encode import encode_pcm


@pytest.fixture(scope="module")
def pcm(korean_clip: Path) -> bytes:
    return b"".join(decode_pcm(korean_clip))


@pytest.mark.parametrize("fmt", ["flac", "wav", "mp3", "ogg"])
def test_round_trip(pcm: bytes, fmt: str, tmp_path: Path) -> None:
    encoded = encode_pcm(pcm, fmt)  # type: ignore[arg-type]
    path = tmp_path / f"piece.{fmt}"
    path.write_bytes(encoded)
    back = b"".join(decode_pcm(path))
    assert abs(len(back) - len(pcm)) <= 16000 * 2 * 0.1  # codec padding under 0.1 s
    if fmt in {"flac", "wav"}:
        assert back == pcm
    else:
        a = np.frombuffer(pcm, "<i2").astype(float)
        b = np.frombuffer(back, "<i2").astype(float)[: len(a)]
        energy = lambda x: np.sqrt(np.mean(x**2))  # noqa: E731
        assert energy(b) == pytest.approx(energy(a[: len(b)]), rel=0.35)


def test_flac_is_smaller_than_wav(pcm: bytes) -> None:
    assert len(encode_pcm(pcm, "flac")) < len(encode_pcm(pcm, "wav")) * 0.8
