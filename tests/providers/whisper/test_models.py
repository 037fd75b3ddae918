"""The Whisper model catalog: checking model folders, listing installed models, resolving
``--model NAME|DIR`` (real folders on disk, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.errors import EngineUnavailableError
from desktop_app.providers.whisper import models
from desktop_app.providers.whisper.models import (
    CATALOG,
    check_model_folder,
    install_dir,
    installed_models,
    resolve_model,
)
from tests.providers.whisper.model_files import model_files, write_model


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SORI_DATA_DIR", str(folder))
    return folder


def test_catalog_uses_the_conversions_faster_whisper_downloads() -> None:
    from faster_whisper.utils import _MODELS

    for name, entry in CATALOG.items():
        assert _MODELS[name] == entry.repo_id
    assert set(CATALOG) == {"small", "medium", "large-v3", "large-v3-turbo"}


def test_a_converted_folder_is_accepted(tmp_path: Path) -> None:
    folder = write_model(tmp_path / "m")
    assert check_model_folder(folder) == folder


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: (f / "model.bin").unlink(), "missing model.bin"),
        (lambda f: (f / "config.json").unlink(), "missing config.json"),
        (
            lambda f: [(f / n).unlink() for n in ("tokenizer.json", "vocabulary.txt")],
            "tokenizer.json or vocabulary.txt",
        ),
        (lambda f: (f / "config.json").write_text("{not json"), "config.json is not readable"),
    ],
)
def test_a_broken_folder_is_refused_with_the_reason(tmp_path: Path, change, reason: str) -> None:
    folder = write_model(tmp_path / "m")
    change(folder)
    with pytest.raises(EngineUnavailableError) as caught:
        check_model_folder(folder)
    assert reason in caught.value.describe("en")
    assert "ct2-transformers-converter" in caught.value.describe("en")
    assert "Whisper 모델이 아닙니다" in caught.value.describe("ko")


@pytest.mark.parametrize("content", [b"PK\x03\x04" * 100, b"", b"\0" * 1000])
def test_a_damaged_model_bin_is_refused_before_loading(tmp_path: Path, content: bytes) -> None:
    folder = write_model(tmp_path / "m")
    (folder / "model.bin").write_bytes(content)
    with pytest.raises(EngineUnavailableError) as caught:
        check_model_folder(folder)
    assert "could not be loaded" in caught.value.message
    assert "damaged or not a CTranslate2 model" in caught.value.message
    assert "손상" in caught.value.describe("ko")


def test_a_translation_model_is_not_taken_for_whisper(tmp_path: Path) -> None:
    folder = write_model(tmp_path / "m", model_files(spec="TransformerSpec"))
    with pytest.raises(EngineUnavailableError, match="TransformerSpec model, not Whisper"):
        check_model_folder(folder)


def test_a_missing_folder_or_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailableError, match="does not exist"):
        check_model_folder(tmp_path / "nowhere")
    file = tmp_path / "model.bin"
    file.write_bytes(b"x")
    with pytest.raises(EngineUnavailableError, match="a file, not a folder"):
        check_model_folder(file)


def test_a_catalog_name_not_downloaded_says_how_to_get_it() -> None:
    with pytest.raises(EngineUnavailableError) as caught:
        resolve_model("large-v3-turbo")
    assert "sori models download large-v3-turbo" in caught.value.describe("en")
    assert "Settings" in caught.value.describe("en")
    assert "내려받" in caught.value.describe("ko")


def test_an_installed_name_resolves_to_its_folder() -> None:
    folder = write_model(install_dir("small"))
    assert resolve_model("small") == folder
    assert resolve_model(" small ") == folder


def test_a_hub_repository_id_resolves_once_downloaded() -> None:
    with pytest.raises(EngineUnavailableError, match="sori models download owner/tiny-ko"):
        resolve_model("owner/tiny-ko")
    folder = write_model(install_dir("owner/tiny-ko"))
    assert folder.name == "owner--tiny-ko"
    assert resolve_model("owner/tiny-ko") == folder


def test_a_folder_path_is_checked_and_used(tmp_path: Path) -> None:
    folder = write_model(tmp_path / "my model")
    assert resolve_model(str(folder)) == folder
    with pytest.raises(EngineUnavailableError, match=r"missing model\.bin"):
        resolve_model(str(write_model(tmp_path / "half", {"config.json": b"{}"})))
    with pytest.raises(EngineUnavailableError, match="does not exist"):
        resolve_model(str(tmp_path / "gone" / "model"))


def test_an_unknown_name_lists_the_choices() -> None:
    with pytest.raises(EngineUnavailableError) as caught:
        resolve_model("huge")
    text = caught.value.describe("en")
    assert "not installed" in text
    assert "'huge'" in text
    for name in ("base", "small", "large-v3-turbo"):
        assert name in text
    assert "Whisper 모델이 없습니다" in caught.value.describe("ko")


def test_a_half_installed_folder_is_never_loaded() -> None:
    folder = write_model(install_dir("medium"))
    (folder / "model.bin").unlink()
    with pytest.raises(EngineUnavailableError, match="not downloaded yet"):
        resolve_model("medium")


def test_installed_models_lists_whole_models_with_their_sizes() -> None:
    small = write_model(install_dir("small"))
    write_model(install_dir("medium"), {"config.json": b"{}"})
    write_model(models.models_dir() / ".partial" / "large-v3")
    listed = installed_models()
    assert [item.name for item in listed] == ["small"]
    expected = sum(path.stat().st_size for path in small.iterdir())
    assert listed[0].size_bytes == expected
    assert listed[0].path == small


def test_best_installed_model_prefers_the_most_accurate() -> None:
    assert models.best_installed_model() is None
    write_model(install_dir("small"))
    assert models.best_installed_model() == "small"
    write_model(install_dir("large-v3-turbo"))
    write_model(install_dir("medium"))
    assert models.best_installed_model() == "large-v3-turbo"
    assert set(models.BEST_FIRST) == set(CATALOG)


def test_no_name_means_the_packaged_base_model(base_model: Path) -> None:
    assert resolve_model(None) == base_model
    assert resolve_model("base") == base_model
    assert resolve_model("") == base_model
    assert check_model_folder(base_model) == base_model
