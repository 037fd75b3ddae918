"""The settings file: round trip, atomic private writes, a damaged file set aside, the typed
general settings with their validation, and older key names read once."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.settings import GeneralSettings, Settings
from desktop_app.providers import factory, registry


def test_round_trip_per_engine(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    settings = Settings(path)
    settings.update_general(default_engine="rtzr")
    settings.set_engine("clova-speech", "invoke_url", "https://example.invalid/x/y")
    settings.save()
    again = Settings(path)
    assert again.general.default_engine == "rtzr"
    assert again.engine("clova-speech") == {"invoke_url": "https://example.invalid/x/y"}
    again.set_engine("clova-speech", "invoke_url", None)
    assert again.engine("clova-speech") == {}


def test_damaged_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{not json", encoding="utf-8")
    settings = Settings(path)
    assert settings.get("anything") is None
    assert (tmp_path / "s.json.broken").read_text(encoding="utf-8") == "{not json"
    settings.set("a", 1)
    settings.save()
    assert Settings(path).get("a") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "s.json.broken"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_file_is_private_and_folder_too(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    settings = Settings(folder / "settings.json")
    settings.update_general(output_folder=tmp_path)
    settings.save()
    assert stat.S_IMODE((folder / "settings.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    fresh = tmp_path / "new" / "deeper"
    Settings(fresh / "settings.json").save()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


def test_older_key_names_are_read_once_and_written_under_the_current_names(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"default_provider": "nhn", "output_dir": str(tmp_path), "ui_language": "ko"}),
        encoding="utf-8",
    )
    settings = Settings(path)
    assert settings.general == GeneralSettings("nhn", tmp_path, "ko")
    assert factory.default_engine(settings) == "nhn"
    settings.save()
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored == {"default_engine": "nhn", "output_folder": str(tmp_path), "ui_language": "ko"}


def test_current_name_wins_over_an_older_one(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"default_provider": "nhn", "default_engine": "rtzr"}), encoding="utf-8"
    )
    assert Settings(path).general.default_engine == "rtzr"


@pytest.mark.parametrize(
    "changes",
    [
        {"default_engine": ""},
        {"output_folder": Path("relative/folder")},
        {"ui_language": "fr"},
    ],
)
def test_bad_values_are_refused_with_a_message(tmp_path: Path, changes: dict[str, object]) -> None:
    settings = Settings(tmp_path / "s.json")
    settings.update_general(default_engine="rtzr")
    with pytest.raises(ConfigurationError) as caught:
        settings.update_general(**changes)
    assert caught.value.describe("ko") != caught.value.describe("en")
    assert settings.general.default_engine == "rtzr"  # nothing changed


def test_output_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="is a file"):
        GeneralSettings(output_folder=a_file)


def test_hand_edited_bad_values_are_ignored_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"default_engine": 7, "output_folder": "rel", "ui_language": "system"}),
        encoding="utf-8",
    )
    assert Settings(path).general == GeneralSettings()


def test_unknown_default_engine_falls_back_to_the_registry_default(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.json")
    settings.update_general(default_engine="an-engine-from-another-version")
    assert factory.default_engine(settings) == registry.DEFAULT_PROVIDER
    settings.update_general(default_engine="clova-csr")
    assert factory.default_engine(settings) == "clova-csr"


def test_the_command_line_uses_the_default_engine_from_settings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    korean_clip: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from desktop_app import cli
    from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET, start_emulator

    monkeypatch.setenv("SORI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SORI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SORI_RTZR_CLIENT_ID", RTZR_CLIENT_ID)
    monkeypatch.setenv("SORI_RTZR_CLIENT_SECRET", RTZR_CLIENT_SECRET)
    with start_emulator("rtzr") as server:
        settings = Settings()
        settings.update_general(default_engine="rtzr")
        settings.set_engine("rtzr", "endpoint", server.base_url)
        settings.set_engine("rtzr", "poll_interval", 0.05)
        settings.save()
        assert cli.main(["transcribe", "-q", str(korean_clip)]) == 0
        assert server.requests.count(r"^POST /v1/transcribe") == 1
    assert capsys.readouterr().out.strip()


def test_settings_stored_under_the_old_offline_name_reach_vosk(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.set_engine("local", "model_path", "/models/vosk-ko")
    settings.set("default_engine", "local")
    assert factory.provider_config("vosk", settings=settings).settings["model_path"] == (
        "/models/vosk-ko"
    )
    assert "model_path" not in factory.provider_config("local", settings=settings).settings
    assert factory.default_engine(settings) == "whisper"
