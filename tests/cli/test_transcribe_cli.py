"""The command line, run as a real subprocess the way scripts and users run it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def sori(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=cwd,
        env=env,
    )


def test_version() -> None:
    result = sori("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sori ")


def test_providers_lists_the_offline_engine() -> None:
    result = sori("providers", "--verbose")
    assert result.returncode == 0
    assert "whisper" in result.stdout and "vosk" in result.stdout
    assert "(default)" in result.stdout
    assert "offline" in result.stdout


@pytest.mark.vosk
def test_transcribe_to_stdout(korean_clip: Path) -> None:
    result = sori("transcribe", korean_clip, "--quiet")
    assert result.returncode == 0, result.stderr
    assert HANGUL.search(result.stdout)
    assert result.stderr == ""


@pytest.mark.vosk
def test_transcribe_every_format_into_a_folder(korean_clip: Path, tmp_path: Path) -> None:
    formats = ["txt", "srt", "vtt", "json", "md", "csv", "docx"]
    args: list[str | Path] = ["transcribe", korean_clip, "-o", tmp_path / "out"]
    for fmt in formats:
        args += ["--format", fmt]
    result = sori(*args)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(f"ko_short.{ext}" for ext in formats)
    data = json.loads((tmp_path / "out" / "ko_short.json").read_text("utf-8"))
    assert data["engine"] == "whisper"
    assert set(data) >= {"engine", "source", "language", "duration", "text", "speakers"}
    assert data["segments"] and HANGUL.search(data["text"])
    for segment in data["segments"]:
        assert 0 <= segment["start"] <= segment["end"] <= data["duration"] + 0.5
    assert (tmp_path / "out" / "ko_short.srt").read_text("utf-8").startswith("1\n")


@pytest.mark.vosk
def test_several_inputs_continue_past_a_failure(korean_clip: Path, tmp_path: Path) -> None:
    missing = tmp_path / "없는 파일.mp3"
    out = tmp_path / "out"
    result = sori("transcribe", missing, korean_clip, "-o", out, "--format", "srt")
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "없는 파일.mp3" in lines[0]
    assert lines[1] == f"sori: wrote {out / 'ko_short.srt'}"
    assert (out / "ko_short.srt").exists()


def test_output_file_infers_its_format(tmp_path: Path) -> None:
    not_media = tmp_path / "notes.txt"
    not_media.write_text("hello", encoding="utf-8")
    result = sori("transcribe", not_media, "-o", tmp_path / "x.srt")
    assert result.returncode == 4
    assert "notes.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.srt").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--diarization"], "--diarization"),
        (["--provider", "vosk", "--keyword", "회의"], "--keyword"),
        (["--biasing", "차단기_차단계"], "--biasing"),
        (["--forbidden", "욕"], "--forbidden"),
        (["--endpoint", "http://127.0.0.1:9"], "--endpoint"),
        (["--option", "nonsense=1"], "nonsense"),
        (["--provider", "nope"], "Unknown engine"),
        (["--format", "docx"], "DOCX"),
        (["--format", "txt", "--format", "srt"], "Several formats"),
        (["--biasing", "novalue"], "ANSWER_RECOGNIZED"),
    ],
)
def test_bad_options_fail_early_with_exit_2(
    korean_clip: Path, args: list[str], needle: str
) -> None:
    result = sori("transcribe", korean_clip, *args)
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
