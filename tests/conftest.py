"""Test-wide set-up: Qt offscreen, private config/data folders, paths to shared test data."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before any QApplication exists: without a display pytest-qt would abort the run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_private = Path(tempfile.mkdtemp(prefix="sori-tests-"))
os.environ["SORI_CONFIG_DIR"] = str(_private / "config")
os.environ["SORI_DATA_DIR"] = str(_private / "data")
os.environ["XDG_CONFIG_HOME"] = str(_private / "xdg-config")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared"
SPEECH_KO = SHARED / "speech-ko"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def korean_clip() -> Path:
    """A 7.8 s Korean sentence spoken by espeak-ng (16 kHz mono WAV)."""
    return DATA / "ko_short.wav"


@pytest.fixture(scope="session")
def speech_ko() -> Path:
    """Real Korean speech clips with transcripts (../shared/speech-ko), or skip."""
    if not SPEECH_KO.is_dir():
        pytest.skip("../shared/speech-ko is not available on this machine")
    return SPEECH_KO
