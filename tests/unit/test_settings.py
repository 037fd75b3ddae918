"""The settings file: round trip, atomic writes, a damaged file set aside."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.settings import Settings


def test_round_trip_per_engine(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    settings = Settings(path)
    settings.set("default_provider", "local")
    settings.set_engine("clova-speech", "invoke_url", "https://example.invalid/x/y")
    settings.save()
    again = Settings(path)
    assert again.get("default_provider") == "local"
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
    assert not list(tmp_path.glob(".settings-*"))
