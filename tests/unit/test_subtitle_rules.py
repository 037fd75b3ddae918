"""Subtitle presets, ``KEY=VALUE`` overrides and their validation, and the command-line flags."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import pytest

from desktop_app.core.errors import ConfigurationError
from desktop_app.export import PRESETS, SubtitleRules, rules_from
from desktop_app.export.subtitle_rules import OPTION_NAMES, preset, with_overrides


def test_the_default_preset_is_korean_broadcast() -> None:
    rules = rules_from()
    assert rules == PRESETS["korean-broadcast"] == SubtitleRules()
    assert (rules.max_line_chars, rules.max_lines, rules.max_cps) == (16, 2, 12)
    assert (rules.min_duration, rules.max_duration) == (5 / 6, 7.0)
    assert (rules.min_gap_frames, rules.fps, rules.min_gap_ms) == (2, 24.0, 83)
    assert (rules.chain_gap, rules.extend_out) == (0.5, 0.5)


def test_youtube_is_one_line_of_twenty_read_faster() -> None:
    rules = preset("YouTube")
    assert (rules.max_line_chars, rules.max_lines) == (20, 1)
    assert rules.max_cps > PRESETS["korean-broadcast"].max_cps


def test_every_option_can_be_overridden() -> None:
    values = {
        "max_line_chars": "18",
        "max_lines": "3",
        "max_cps": "14.5",
        "min_duration": "5/6",
        "max_duration": "6",
        "min_gap_frames": "3",
        "fps": "29.97",
        "chain_gap": "0.4",
        "extend_out": "0.25",
        "latin_line_chars": "37",
    }
    assert set(values) == set(OPTION_NAMES)
    rules = rules_from("youtube", [f"{k}={v}" for k, v in values.items()])
    assert rules.max_lines == 3 and isinstance(rules.max_lines, int)
    assert rules.min_duration == 5 / 6
    assert rules.fps == 29.97 and rules.min_gap_ms == 100
    assert rules.max_cps == 14.5
    assert with_overrides(rules, {}) is rules


@pytest.mark.parametrize(
    ("items", "needle"),
    [
        (["max_lines=0"], "max_lines"),
        (["max_lines=1.5"], "whole number"),
        (["max_line_chars=0"], "max_line_chars"),
        (["max_cps=-1"], "max_cps"),
        (["max_duration=0.1"], "max_duration"),
        (["min_duration=8"], "min_duration"),
        (["fps=nan"], "fps"),
        (["fps=fast"], "needs a number"),
        (["chain_gap=-0.1"], "chain_gap"),
        (["colour=red"], "Unknown subtitle option"),
        (["max_cps"], "KEY=VALUE"),
    ],
)
def test_bad_overrides_say_what_and_how_to_fix_in_both_languages(
    items: list[str], needle: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        rules_from(None, items)
    assert needle in caught.value.describe()
    assert caught.value.message_ko and caught.value.fix_ko
    assert caught.value.fix


def test_an_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(ConfigurationError) as caught:
        preset("cinema")
    for name in PRESETS:
        assert name in caught.value.describe()
        assert name in caught.value.describe("ko")


def _sori(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_flags_are_listed_and_checked_before_any_work(tmp_path: Path) -> None:
    helped = _sori("transcribe", "--help")
    assert "--subtitle-preset" in helped.stdout and "--subtitle-option" in helped.stdout
    clip = tmp_path / "silence.wav"
    with wave.open(str(clip), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * 1600)
    result = _sori("transcribe", clip, "--subtitle-option", "max_cps=zero")
    assert result.returncode == 2, result.stderr
    assert "max_cps" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = _sori("transcribe", clip, "--subtitle-preset", "cinema")
    assert result.returncode == 2 and "cinema" in result.stderr
