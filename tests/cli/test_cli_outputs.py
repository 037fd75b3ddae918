"""Outputs of ``sori transcribe`` that cannot be written, and ``--resume`` writing what the first
run asked for: real subprocesses against the RTZR emulator, real folders and files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.journal import JobJournal
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.providers.rtzr.support import UPLOAD, RtzrServer, expected_rows, rtzr_server

__all__ = ["rtzr_server"]  # the fixture, imported for pytest

OUTPUT_ERROR = 7


def run(
    tmp_path: Path, *args: str | Path, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env.update(
        SORI_RTZR_CLIENT_ID=RTZR_CLIENT_ID,
        SORI_RTZR_CLIENT_SECRET=RTZR_CLIENT_SECRET,
        SORI_DATA_DIR=str(tmp_path / "data"),
        SORI_CONFIG_DIR=str(tmp_path / "config"),
    )
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        cwd=cwd,
    )


def rtzr(server: RtzrServer) -> list[str]:
    return ["--provider", "rtzr", "--endpoint", server.base_url, "--poll-interval", "0.02"]


def texts(path: Path) -> list[str]:
    return [s["text"] for s in json.loads(path.read_text("utf-8"))["segments"]]


# -- found before any work -------------------------------------------------------------------
def _unwritable_cases(tmp_path: Path) -> list[tuple[list[str], str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    a_folder = tmp_path / "a-folder"
    a_folder.mkdir()
    return [
        (["-o", str(tmp_path / "no-such-folder" / "x.srt")], "does not exist"),
        (["-o", f"{a_file}/"], "is a file"),
        (["-o", str(a_file / "x.srt")], "is a file"),
        (["--format", "srt", "--format", "txt", "-o", str(a_file / "deeper" / "out")], "a file"),
        (["-o", str(a_folder), "--format", "srt", "--format", "txt"], ""),  # writable: control
        (["-o", "/sys/sori-cannot-write-here.txt"], "read-only"),  # even for root
        (["-o", "/sys/sori-out/", "--format", "json"], "read-only"),
        (["-o", "/proc/sori-out.txt"], "no file can be created there"),
    ]


def test_an_unwritable_output_fails_before_any_work_with_one_exit_code(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    for args, needle in _unwritable_cases(tmp_path):
        result = run(tmp_path, "transcribe", korean_clip, *rtzr(rtzr_server), "-q", *args)
        if not needle:
            assert result.returncode == 0, result.stderr
            continue
        assert result.returncode == OUTPUT_ERROR, (args, result.stderr)
        assert needle in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert rtzr_server.requests.count(UPLOAD) == 1  # only the writable control was sent


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_refused_before_work(korean_clip: Path, tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run(tmp_path, "transcribe", tmp_path / "missing.mp3", "-o", folder / "x.txt")
    finally:
        folder.chmod(0o700)
    assert result.returncode == OUTPUT_ERROR and "read-only" in result.stderr


def test_a_missing_input_with_an_unwritable_output_names_the_output(tmp_path: Path) -> None:
    """The output is checked first: no time is spent on inputs whose text could not be kept."""
    result = run(tmp_path, "transcribe", tmp_path / "missing.mp3", "-o", "/proc/x/y.txt")
    assert result.returncode == OUTPUT_ERROR, result.stderr
    assert "/proc/x/y.txt" in result.stderr and "missing.mp3" not in result.stderr


# -- a failed write keeps the job; --resume writes the first run's outputs ---------------------
def test_a_write_that_fails_after_the_job_keeps_it_and_resume_writes_it(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    blocker = out / "ko_short.json"
    blocker.mkdir(parents=True)  # the folder is writable, the file name is taken by a folder
    first = run(tmp_path, "transcribe", korean_clip, *rtzr(rtzr_server), "-q",
                "--format", "json", "--format", "srt", "-o", f"{out}/")  # fmt: skip
    assert first.returncode == OUTPUT_ERROR, first.stderr
    assert "--resume" in first.stderr
    (job,) = JobJournal(tmp_path / "data" / "jobs.sqlite3").pending()
    assert job.outputs is not None and job.outputs["formats"] == ["json", "srt"]

    blocker.rmdir()
    (out / "ko_short.srt").unlink(missing_ok=True)
    resumed = run(tmp_path, "transcribe", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert texts(out / "ko_short.json") == [r[2] for r in expected_rows(korean_clip)]
    assert (out / "ko_short.srt").read_text("utf-8").startswith("1\n")
    assert f"sori: wrote {out / 'ko_short.json'}" in resumed.stderr.splitlines()
    assert rtzr_server.requests.count(UPLOAD) == 1
    assert JobJournal(tmp_path / "data" / "jobs.sqlite3").pending() == []


def test_resume_writes_beside_the_caller_when_the_folder_is_gone(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "gone"
    out.mkdir()
    target = out / "meeting.vtt"
    target.symlink_to("/sys/sori-nowhere/meeting.vtt")  # the write after the job fails
    first = run(tmp_path, "transcribe", korean_clip, *rtzr(rtzr_server), "-q", "-o", target)
    assert first.returncode == OUTPUT_ERROR, first.stderr
    target.unlink()
    out.rmdir()
    here = tmp_path / "here"
    here.mkdir()
    resumed = run(tmp_path, "transcribe", "--resume", cwd=here)
    assert resumed.returncode == 0, resumed.stderr
    assert (here / "meeting.vtt").read_text("utf-8").startswith("WEBVTT")
    assert str(target) in resumed.stderr and f"wrote {here / 'meeting.vtt'}" in resumed.stderr
    assert rtzr_server.requests.count(UPLOAD) == 1
    assert JobJournal(tmp_path / "data" / "jobs.sqlite3").pending() == []


def test_written_files_are_named_unless_quiet(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    target = tmp_path / "x.srt"
    first = run(tmp_path, "transcribe", korean_clip, *rtzr(rtzr_server), "-o", target)
    again = run(tmp_path, "transcribe", korean_clip, *rtzr(rtzr_server), "-o", target)
    quiet = run(tmp_path, "transcribe", korean_clip, *rtzr(rtzr_server), "-q", "-o", target)
    assert first.returncode == again.returncode == quiet.returncode == 0
    assert f"sori: wrote {target}" in first.stderr.splitlines()
    assert f"sori: replaced {target}" in again.stderr.splitlines()
    assert quiet.stderr == ""


def test_file_names_from_urls_stay_in_the_output_folder(tmp_path: Path) -> None:
    """Planning only (no engine): the name a hostile URL would get."""
    from desktop_app.cli.output import plan_outputs, write_outputs
    from desktop_app.core.transcript import Segment, Transcript
    from desktop_app.providers.base import MediaSource

    source = MediaSource(url="https://x.invalid/..%5C..%5Cevil.mp3?X-Amz-Signature=abc")
    out = tmp_path / "out"
    plan = plan_outputs([source], ["txt"], f"{out}/")
    transcript = Transcript([Segment(0, 1, "안녕")], source=source.url or "")
    (written,) = write_outputs(transcript, source, plan, quiet=True)
    assert written.parent == out and "\\" not in written.name and ".." not in written.name
