"""Fast, clear failures of the command line: typos, unknown options, no display, no devices,
missing or echoed credentials; and ``--help`` that documents every option. Real subprocesses."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import build_parser
from desktop_app.cli.live import LiveScreen, columns, fit_line
from desktop_app.core.transcript import Segment
from desktop_app.providers.base import StreamEvent


def sori(
    *args: str | Path, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SORI_")}
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        environment.pop(name, None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        env=environment,
    )


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["transcrib", "x.mp3"], "transcribe"),
        (["lvie"], "live"),
        (["provider"], "providers"),
        (["credential", "show", "rtzr"], "credentials"),
    ],
)
def test_a_mistyped_command_suggests_the_command_and_opens_no_window(
    args: list[str], meant: str, tmp_path: Path
) -> None:
    result = sori(*args, cwd=tmp_path, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"sori: '{args[0]}' is not a command; did you mean '{meant}'? (see 'sori --help')"
    ]


def test_a_word_that_is_neither_command_nor_file_is_a_usage_error(tmp_path: Path) -> None:
    result = sori("zzzz", cwd=tmp_path, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 2 and "neither a command" in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland only")
@pytest.mark.parametrize("args", [[], ["talk.wav"]])
def test_no_display_says_so_in_one_line(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "talk.wav").write_bytes(b"")
    result = sori(*args, cwd=tmp_path)
    assert result.returncode == 6, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "no display found" in line and "sori transcribe FILE" in line


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["transcribe", "--formt", "srt", "x.mp3"], "--format"),
        (["transcribe", "x.mp3", "--provder=rtzr"], "--provider"),
        (["live", "--list-dvices"], "--list-devices"),
        (["transcribe", "--format", "srtt", "x.mp3"], "srt"),
        (["transcribe", "--format=vt", "x.mp3"], "vtt"),
    ],
)
def test_unknown_options_exit_2_with_a_suggestion(args: list[str], meant: str) -> None:
    result = sori(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith(f"did you mean '{meant}'?")


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_option_of_every_command_is_documented() -> None:
    undocumented = [
        f"{parser.prog} {action.option_strings or action.dest}"
        for parser in _parsers(build_parser())
        for action in parser._actions
        if not action.help
    ]
    assert undocumented == []


def test_live_help_names_every_option() -> None:
    result = sori("live", "--help")
    assert result.returncode == 0
    for option in ("--provider", "--language", "--keyword", "--forbidden", "--option",
                   "--endpoint", "--format", "--recording", "--device"):  # fmt: skip
        line = next(text for text in result.stdout.splitlines() if option in text)
        assert len(line.split()) > 2 or option == "--format", line


def test_list_devices_with_none_says_so(tmp_path: Path) -> None:
    """No PulseAudio to reach and no sound card here: nothing to record from."""
    result = sori("live", "--list-devices", XDG_RUNTIME_DIR=str(tmp_path / "none"))
    if result.returncode == 0 and result.stdout.strip():
        pytest.skip("this machine has a sound card")
    assert result.returncode == 6, result.stderr
    assert result.stderr.strip().splitlines() == [
        "sori: no input devices found (no microphone, or the sound system sees none); "
        "use --input-file FILE to transcribe a recording"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["transcribe", "--provider", "rtzr", "a.wav", "b.wav"],
        ["live", "--provider", "rtzr-stream", "--input-file", "a.wav", "--fast"],
        ["transcribe", "--provider", "nhn", "https://x.invalid/a.wav"],
    ],
)
def test_missing_credentials_are_reported_once_before_any_work(
    args: list[str], tmp_path: Path
) -> None:
    for name in ("a.wav", "b.wav"):
        (tmp_path / name).write_bytes(b"")
    result = sori(
        *args,
        cwd=tmp_path,
        PYTHON_KEYRING_BACKEND="tests.helpers.keyrings.MemoryKeyring",
        PYTHONPATH=os.pathsep.join(sys.path),
        SORI_DATA_DIR=str(tmp_path / "data"),
    )
    assert result.returncode == 3, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "needs credentials that are not set" in line
    assert not (tmp_path / "data" / "recordings").exists() or not any(
        (tmp_path / "data" / "recordings").iterdir()
    )


def test_cli_errors_mask_credential_values(korean_clip: Path, tmp_path: Path) -> None:
    secret = "sori-test-secret-5f2c9a"
    result = sori(
        "transcribe",
        korean_clip,
        "--provider",
        "rtzr",
        "--endpoint",
        f"http://{secret}.invalid/",
        SORI_RTZR_CLIENT_ID="client-id-1",
        SORI_RTZR_CLIENT_SECRET=secret,
        SORI_DATA_DIR=str(tmp_path / "data"),
    )
    assert result.returncode == 2, result.stderr
    assert secret not in result.stderr and "Plain http" in result.stderr


# -- the live terminal line -------------------------------------------------------------------
def test_hangul_is_measured_in_terminal_columns() -> None:
    assert columns("안녕하세요") == 10 and columns("abc") == 3 and columns("가a") == 3
    line = "가나다라마바사아자차카타파하" * 10
    fitted = fit_line(line, 39)
    assert fitted.startswith("…") and columns(fitted) <= 39
    assert line.endswith(fitted[1:]) and columns(fitted) >= 38
    assert fit_line("짧은 말", 39) == "짧은 말"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_provisional_line_fits_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = _Terminal()
    screen = LiveScreen(out, show_partial=True)
    screen.update(StreamEvent(1, Segment(0, 1, "한국어 음성 인식 " * 12), final=False))
    drawn = out.getvalue().rsplit("\r", 1)[-1]
    assert columns(drawn) <= 38 and drawn.startswith("…")
