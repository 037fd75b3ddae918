"""``sori live`` run as a subprocess: file input, Ctrl-C, outputs, recording, errors."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from tests.emulators import CSR_CLIENT_ID, CSR_CLIENT_SECRET, start_emulator

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "desktop_app", "live", *map(str, args)]


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as handle:
        return handle.getnframes() / handle.getframerate()


def saved_recording(stderr: str) -> Path:
    match = re.search(r"recording saved: (.+)", stderr)
    assert match, stderr
    return Path(match.group(1).strip())


@pytest.mark.vosk
def test_file_played_fast_gives_text_outputs_and_recording(
    korean_clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "live.json"
    result = subprocess.run(
        command("--input-file", korean_clip, "--fast", "-o", out),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert HANGUL.search(result.stdout)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["engine"] == "whisper" and data["segments"]  # two passes: Vosk, then Whisper
    recording = saved_recording(result.stderr)
    assert abs(wav_seconds(recording) - 7.84) < 0.2


@pytest.mark.vosk
def test_ctrl_c_stops_cleanly_and_keeps_what_was_heard(korean_clip: Path, tmp_path: Path) -> None:
    recording = tmp_path / "중단된 녹음.wav"
    process = subprocess.Popen(
        command(
            "--input-file",
            korean_clip,
            "--recording",
            recording,
            "--format",
            "txt",
            "-o",
            tmp_path / "out.txt",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (recording.exists() and recording.stat().st_size > 16000 * 2 * 3):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert 2.5 < wav_seconds(recording) < 7.5
    assert (tmp_path / "out.txt").exists()
    assert "Traceback" not in stderr


def test_live_with_a_cloud_engine_that_cuts_utterances(korean_clip: Path) -> None:
    env = dict(os.environ)
    env.update(
        SORI_CLOVA_CSR_CLIENT_ID=CSR_CLIENT_ID, SORI_CLOVA_CSR_CLIENT_SECRET=CSR_CLIENT_SECRET
    )
    with start_emulator("clova_csr") as server:
        result = subprocess.run(
            command(
                "--provider",
                "clova-csr",
                "--endpoint",
                server.base_url,
                "--input-file",
                korean_clip,
                "--fast",
            ),
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert "구간 1" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--provider", "rtzr"], "live mode"),
        (["--fast"], "--fast"),
        (["--provider", "vosk", "--endpoint", "http://127.0.0.1:1"], "--endpoint"),
    ],
)
def test_bad_live_options_exit_2(args: list[str], needle: str) -> None:
    result = subprocess.run(command(*args), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr
