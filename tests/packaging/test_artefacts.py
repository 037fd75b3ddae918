"""Smoke tests of the built wheel and bundle, run the way a user runs them: the version, the
engine list, an offline transcription of a Korean clip, cloud engines over real HTTP and gRPC
(the local emulators), and the window starting and quitting, offscreen and on an X server."""

from __future__ import annotations

import ctypes.util
import json
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from desktop_app import __version__
from tests.emulators import CSR_CLIENT_ID, CSR_CLIENT_SECRET, start_emulator
from tests.emulators.clova_grpc import start_clova_grpc
from tests.emulators.credentials import CLOVA_SPEECH_SECRET
from tests.packaging.conftest import Artefact

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CLIP = Path(__file__).resolve().parents[1] / "data" / "ko_short.wav"


def test_version(artefact: Artefact, tmp_path: Path) -> None:
    result = artefact.run("--version", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sori {__version__}"


def test_providers_lists_every_engine(artefact: Artefact, tmp_path: Path) -> None:
    result = artefact.run("providers", home=tmp_path)
    assert result.returncode == 0, result.stderr
    names = re.findall(r"^(\S+)", result.stdout, flags=re.MULTILINE)
    assert names[0] == "whisper" and "(default)" in result.stdout.splitlines()[0]
    expected = {"vosk", "clova-csr", "clova-speech", "clova-stream", "nhn", "rtzr", "rtzr-stream"}
    assert set(names) >= expected


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["whisper", "vosk"])
def test_offline_transcription_of_korean_speech(
    artefact: Artefact, tmp_path: Path, engine: str
) -> None:
    """Both offline engines, with no network: Whisper builds its model from the bundled parts
    into the (empty) cache on first use; Vosk recognizes in a child process."""
    out = tmp_path / "clip.json"
    result = artefact.run(
        "transcribe", CLIP, "--provider", engine, "-o", out, home=tmp_path,
        env={"SORI_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["engine"] == engine
    assert HANGUL.search(" ".join(segment["text"] for segment in data["segments"]))


def test_http_engine_against_the_emulator(artefact: Artefact, tmp_path: Path) -> None:
    """httpx with its certificate bundle, and the CSR engine's splitting and encoding."""
    with start_emulator("clova_csr") as server:
        result = artefact.run(
            "transcribe", CLIP, "--provider", "clova-csr", "--endpoint", server.base_url,
            "--quiet", home=tmp_path,
            env={"SORI_CLOVA_CSR_CLIENT_ID": CSR_CLIENT_ID,
                 "SORI_CLOVA_CSR_CLIENT_SECRET": CSR_CLIENT_SECRET},
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "구간 1" in result.stdout


def test_grpc_engine_against_the_emulator(artefact: Artefact, tmp_path: Path) -> None:
    """grpcio and the generated protocol code are inside the artefact and work."""
    with start_clova_grpc() as server:
        result = artefact.run(
            "transcribe", CLIP, "--provider", "clova-stream", "--endpoint", server.endpoint,
            "--quiet", home=tmp_path, env={"SORI_CLOVA_SPEECH_SECRET": CLOVA_SPEECH_SECRET},
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert re.search(r"구간 \d", result.stdout), result.stdout


@pytest.mark.skipif(
    ctypes.util.find_library("portaudio") is None, reason="the system has no PortAudio"
)
def test_recording_devices_can_be_listed(artefact: Artefact, tmp_path: Path) -> None:
    """sounddevice is inside and finds the system's PortAudio: it lists the devices, or says
    plainly that there are none (exit 6) where the machine has no sound system."""
    result = artefact.run("live", "--list-devices", home=tmp_path)
    if result.returncode == 6:
        assert "no input devices found" in result.stderr
        assert "PortAudio" not in result.stderr  # the library itself was found
    else:
        assert result.returncode == 0, result.stderr


def _shown(
    artefact: Artefact,
    home: Path,
    *args: str | Path,
    prefix: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> dict[str, object]:
    """Start the window with quit-after-shown; returns the app's first-paint report."""
    stamp = home / "shown.json"
    run_env = {"SORI_QUIT_AFTER_SHOWN": "1", "SORI_REPORT_SHOWN": str(stamp), **(env or {})}
    result = artefact.run(*args, home=home, env=run_env, prefix=prefix, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert stamp.is_file(), f"the window never painted:\n{result.stderr[-3000:]}"
    report: dict[str, object] = json.loads(stamp.read_text(encoding="utf-8"))
    return report


def test_window_starts_offscreen_and_quits(artefact: Artefact, tmp_path: Path) -> None:
    report = _shown(artefact, tmp_path)
    assert isinstance(report["pid"], int)


def test_window_starts_with_a_file_to_queue(artefact: Artefact, tmp_path: Path) -> None:
    """``sori FILE`` (what the desktop entry runs for an opened file) starts the window."""
    _shown(artefact, tmp_path, CLIP)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is a Linux test")
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_window_starts_on_an_x_server(artefact: Artefact, tmp_path: Path) -> None:
    """The xcb platform plugin and the libraries it needs load from the artefact."""
    _shown(
        artefact,
        tmp_path,
        prefix=["xvfb-run", "-a", "-s", "-screen 0 1280x800x24"],
        env={"QT_QPA_PLATFORM": "xcb"},
    )
