"""Provider tests: each test gets its own data folder, so pieces a split job kept for a Retry
(:mod:`desktop_app.providers.piece_cache`) never leak from one test into the next."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "sori-data"
    monkeypatch.setenv("SORI_DATA_DIR", str(folder))
    return folder
