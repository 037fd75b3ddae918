"""Waveform peaks: real files decoded to min/max pairs, mip levels, progress, cancel, the cache."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from desktop_app.audio import peaks as peaks_module
from desktop_app.audio.peaks import (
    LEVEL_FACTOR,
    PEAKS_PER_SECOND,
    Peaks,
    cache_key,
    compute_peaks,
    load_peaks,
    read_cache,
    write_cache,
)
from desktop_app.core.errors import AudioError, CancelledByUserError
from tests.media import SOURCE_RATE, make_media


def loud_then_quiet(seconds: float) -> bytes:
    """Full-scale square wave for the first half, silence for the second."""
    count = int(seconds * SOURCE_RATE)
    samples = np.zeros(count, dtype="<i2")
    half = count // 2
    samples[:half] = np.where((np.arange(half) // 20) % 2 == 0, 20000, -20000)
    return samples.tobytes()


def test_peaks_follow_the_sound(tmp_path: Path) -> None:
    media = make_media(tmp_path / "a.wav", "wav", pcm=loud_then_quiet(4.0))
    result = compute_peaks(media)
    base = result.levels[0]
    assert result.complete
    assert base.dtype == np.int8 and base.shape == (4 * PEAKS_PER_SECOND, 2)
    assert result.duration == pytest.approx(4.0)
    assert base[10, 1] == 20000 >> 8 and base[10, 0] == -20000 >> 8
    assert np.all(base[250:, :] == 0)  # the silent half
    mins, maxes = result.columns(0.0, 0.5, 8)
    assert list(maxes[:4]) == [78] * 4 and list(maxes[4:]) == [0] * 4
    assert list(mins[:4]) == [-79] * 4


def test_levels_summarise_the_level_below(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(-128, 127, size=(70_001, 2), dtype=np.int8)
    base.sort(axis=1)
    result = Peaks(base)
    assert len(result.levels) >= 3
    for below, here in zip(result.levels, result.levels[1:], strict=False):
        assert len(here) == -(-len(below) // LEVEL_FACTOR)
        assert here[5, 0] == below[20:24, 0].min() and here[5, 1] == below[20:24, 1].max()
        assert here[-1, 1] == below[(len(here) - 1) * LEVEL_FACTOR :, 1].max()
    # a zoomed-out column reads a coarse level and still sees every extreme under it
    mins, maxes = result.columns(0.0, 100.0, 7)
    assert maxes[0] == base[:10_000, 1].max() and mins[0] == base[:10_000, 0].min()


def test_long_file_in_parallel_pieces_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(peaks_module, "PIECE_SECONDS", 3.0)
    monkeypatch.setattr(peaks_module, "FIRST_PIECE_SECONDS", 2.0)  # pieces: 0, 2, 5, 8 s
    pcm = loud_then_quiet(10.0)
    media = make_media(tmp_path / "long.mp3", "mp3", pcm=pcm)
    seen: list[float] = []
    masks: list[int] = []

    def progress(partial: Peaks, done: float) -> None:
        seen.append(done)
        masks.append(int(partial.ready_mask(0.0, 0.5, 20).sum()))
        assert not partial.complete

    result = compute_peaks(media, workers=1, progress=progress)
    assert masks == [4, 10, 16, 20]  # half-second columns of the pieces read so far, in order
    assert result.complete and result.ready_mask(0.0, 0.5, 20).all()
    seen.clear()
    result = compute_peaks(media, workers=2, progress=lambda p, done: seen.append(done))
    in_order = compute_peaks(media, workers=1)  # the same pieces, one after the other
    assert np.array_equal(in_order.levels[0], result.levels[0])
    monkeypatch.setattr(peaks_module, "PIECE_SECONDS", 100.0)
    single = compute_peaks(media)  # one piece, no seeks
    assert len(seen) == 4 and seen == sorted(seen)
    assert seen[-1] == pytest.approx(result.duration, abs=0.05)
    assert abs(len(result.levels[0]) - len(single.levels[0])) <= 2
    size = min(len(result.levels[0]), len(single.levels[0]))
    # piece edges decode with a seek: allow the codec's few ms of difference
    assert np.abs(result.levels[0][:size].astype(int) - single.levels[0][:size]).mean() < 2
    assert result.levels[0][100:450, 1].min() > 60 and result.levels[0][600:950, 1].max() < 4


def test_cancel_stops_the_work(tmp_path: Path) -> None:
    media = make_media(tmp_path / "c.wav", "wav", seconds=30.0)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledByUserError):
        compute_peaks(media, cancel=cancel)


def test_bad_files_raise_audio_errors(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("not audio at all " * 400, encoding="utf-8")
    with pytest.raises(AudioError):
        compute_peaks(text)
    with pytest.raises(AudioError):
        load_peaks(tmp_path / "missing.wav", folder=tmp_path / "cache")


def test_cache_is_used_and_invalidated(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    media = make_media(tmp_path / "m.wav", "wav", pcm=loud_then_quiet(2.0))
    first = load_peaks(media, folder=cache)
    entries = list(cache.glob("*.npz"))
    assert len(entries) == 1
    cached = read_cache(media, cache)
    assert cached is not None and np.array_equal(cached.levels[0], first.levels[0])

    # a changed file (new size and time) is a new key; the old entry is not used for it
    make_media(media, "wav", pcm=loud_then_quiet(3.0))
    os.utime(media, ns=(1_000_000_000, 1_000_000_000))
    assert read_cache(media, cache) is None
    second = load_peaks(media, folder=cache)
    assert len(second.levels[0]) == 3 * PEAKS_PER_SECOND

    # the same bytes touched later is a new key too (mtime is part of it)
    key = cache_key(media)
    os.utime(media, ns=(2_000_000_000, 2_000_000_000))
    assert cache_key(media) != key


def test_a_corrupt_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    media = make_media(tmp_path / "m.wav", "wav", pcm=loud_then_quiet(2.0))
    good = load_peaks(media, folder=cache)
    entry = cache / f"{cache_key(media)}.npz"
    entry.write_bytes(entry.read_bytes()[:100])
    assert read_cache(media, cache) is None
    assert not entry.exists()
    again = load_peaks(media, folder=cache)
    assert np.array_equal(again.levels[0], good.levels[0])
    assert entry.exists()

    # an entry that is a valid archive of the wrong shape is not trusted either
    with entry.open("wb") as stream:
        np.savez(stream, key=np.array(cache_key(media)), base=np.zeros(5, dtype=np.int16))
    assert read_cache(media, cache) is None


def test_an_unwritable_cache_folder_only_costs_a_recomputation(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    media = make_media(tmp_path / "m.wav", "wav", seconds=1.0)
    result = Peaks(np.zeros((10, 2), dtype=np.int8))
    assert write_cache(media, result, blocker) is None
    assert load_peaks(media, folder=blocker).duration == pytest.approx(1.0)
