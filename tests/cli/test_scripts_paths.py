"""``scripts/run`` and ``scripts/test`` take paths relative to where they are called from.

Both are run with ``SORI_SCRIPTS_DRY_RUN=1``, which prints what they would run instead of
setting up the machine (the real runs install packages and re-point the virtualenv)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def dry_run(script: str, *args: str, cwd: Path) -> list[str]:
    env = {**os.environ, "SORI_SCRIPTS_DRY_RUN": "1"}
    result = subprocess.run(
        [str(REPO / "scripts" / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.splitlines()


def test_scripts_parse() -> None:
    for script in ("run", "test", "lib/caller-paths.sh"):
        subprocess.run(["bash", "-n", str(REPO / "scripts" / script)], check=True)


def test_run_keeps_the_callers_folder(tmp_path: Path) -> None:
    talk = tmp_path / "talk.mp3"
    talk.write_bytes(b"")
    here = tmp_path / "here"
    here.mkdir()
    folder, command, *args = dry_run("run", "../talk.mp3", "--flag", cwd=here)
    assert Path(folder) == here  # sori runs where it was called: ../talk.mp3 is the caller's
    assert command == str(REPO / ".venv" / "bin" / "sori")
    assert args == ["../talk.mp3", "--flag"]
    assert (Path(folder) / args[0]).resolve() == talk


def test_test_makes_the_callers_paths_absolute(tmp_path: Path) -> None:
    tests = tmp_path / "work" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_x.py").write_text("", encoding="utf-8")
    (tmp_path / "with space.py").write_text("", encoding="utf-8")
    args = dry_run(
        "test",
        "tests/test_x.py::test_y",
        "-k",
        "resume and not slow",
        "../with space.py",
        "-q",
        "no-such-path",
        cwd=tmp_path / "work",
    )
    assert args == [
        f"{tmp_path / 'work'}/tests/test_x.py::test_y",
        "-k",
        "resume and not slow",
        f"{tmp_path / 'work'}/../with space.py",
        "-q",
        "no-such-path",
    ]


def test_test_with_no_arguments(tmp_path: Path) -> None:
    assert dry_run("test", cwd=tmp_path) == []
