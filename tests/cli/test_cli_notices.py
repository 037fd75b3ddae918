"""Notices about a finished transcript reach stderr: a silent file says no speech was
recognised, a file cut short says where it ends, and JSON keeps them with their Korean text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_transcribe_cli import sori
from tests.media import make_media, speech_pcm


@pytest.mark.vosk
def test_silent_file_says_no_speech_was_recognised(tmp_path: Path) -> None:
    silent = make_media(tmp_path / "silence.wav", "wav", seconds=3, pcm=b"\0\0" * 16000 * 3)
    out = tmp_path / "silence.json"
    result = sori("transcribe", silent, "--provider", "local", "-q", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "silence.wav: No speech was recognised." in result.stderr
    notices = json.loads(out.read_text(encoding="utf-8"))["notices"]
    assert notices[0]["code"] == "no-speech"
    assert notices[0]["message_ko"] == "음성이 인식되지 않았습니다."


@pytest.mark.vosk
@pytest.mark.slow
def test_truncated_mp3_says_where_it_ends(tmp_path: Path) -> None:
    whole = make_media(tmp_path / "whole.mp3", "mp3", seconds=20, pcm=speech_pcm())
    data = whole.read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(data[: len(data) // 2])
    result = sori("transcribe", cut, "--provider", "local", "-q")
    assert result.returncode == 0, result.stderr
    assert "cut.mp3: The file ends early at 00:" in result.stderr
