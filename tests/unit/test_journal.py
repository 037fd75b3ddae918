"""The job journal survives a new process and identifies jobs by audio and options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.journal import JobJournal, fingerprint, options_from_dict
from desktop_app.core.options import Keyword, TranscriptionOptions


def test_record_find_finish(tmp_path: Path) -> None:
    audio = tmp_path / "회의 녹음.wav"
    audio.write_bytes(b"RIFF....")
    options = TranscriptionOptions(diarization=True, keywords=[Keyword("소리", 2.0)])
    journal = JobJournal(tmp_path / "j.sqlite3")
    journal.record("rtzr", str(audio), options, "job-1", "http://127.0.0.1:1")
    found = journal.find("rtzr", str(audio), options)
    assert found is not None and found.remote_id == "job-1"
    assert options_from_dict(found.options) == options
    assert journal.find("rtzr", str(audio), TranscriptionOptions()) is None
    assert journal.find("nhn", str(audio), options) is None
    journal.finish("rtzr", "job-1")
    assert journal.pending() == []


def test_changed_file_is_a_different_job(tmp_path: Path) -> None:
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"one")
    before = fingerprint("nhn", str(audio), TranscriptionOptions())
    audio.write_bytes(b"two!")
    assert fingerprint("nhn", str(audio), TranscriptionOptions()) != before


def test_another_process_sees_pending_jobs(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    code = (
        "from desktop_app.core.journal import JobJournal;"
        "from desktop_app.core.options import TranscriptionOptions;"
        f"JobJournal(__import__('pathlib').Path({str(db)!r}))"
        ".record('clova-speech', 'https://example.invalid/a.mp3', TranscriptionOptions(), 'tok')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    pending = JobJournal(db).pending("clova-speech")
    assert [job.remote_id for job in pending] == ["tok"]


def test_a_collected_job_stays_until_its_result_is_released(tmp_path: Path) -> None:
    """Engines hand a result back with ``collected``; only the caller, once the outputs are
    written, forgets the job. Another process (a later ``--resume``) still sees it."""
    db = tmp_path / "j.sqlite3"
    journal = JobJournal(db)
    journal.record("rtzr", "/a.wav", TranscriptionOptions(), "job-1")
    journal.collected("rtzr", "job-1")
    assert journal.holds_results() and journal.pending() == []
    (elsewhere,) = JobJournal(db).pending()
    assert elsewhere.remote_id == "job-1"
    journal.release_collected()
    assert not journal.holds_results() and JobJournal(db).pending() == []


def test_a_failed_job_is_forgotten_even_if_it_was_collected(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    journal.record("nhn", "https://x.invalid/a.wav", TranscriptionOptions(), "t-1")
    journal.collected("nhn", "t-1")
    journal.finish("nhn", "t-1")
    assert not journal.holds_results() and JobJournal(journal.path).pending() == []


def test_outputs_are_stored_with_the_job(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "j.sqlite3")
    journal.outputs = {"mode": "dir", "formats": ["srt", "json"], "path": "/out"}
    journal.record("rtzr", "/a.wav", TranscriptionOptions(), "job-1")
    (job,) = JobJournal(journal.path).pending()
    assert job.outputs == {"mode": "dir", "formats": ["srt", "json"], "path": "/out"}


def test_a_journal_from_before_outputs_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    from desktop_app.core.journal import SCHEMA

    db = tmp_path / "j.sqlite3"
    with sqlite3.connect(db) as old:
        old.executescript(SCHEMA)
        old.execute(
            "INSERT INTO remote_jobs VALUES ('f', 'rtzr', 'job-0', '/a.wav', '{}', NULL, 1.0, "
            "'running')"
        )
    (job,) = JobJournal(db).pending()
    assert job.remote_id == "job-0" and job.outputs is None


def test_presigned_urls_are_stored_without_their_signature(tmp_path: Path) -> None:
    url = "https://bucket.invalid/a%20b.m4a?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA#t"
    journal = JobJournal(tmp_path / "j.sqlite3")
    journal.record("nhn", url, TranscriptionOptions(), "t-1")
    assert journal.find("nhn", url, TranscriptionOptions()) is not None
    (job,) = journal.pending()
    assert job.source == "https://bucket.invalid/a%20b.m4a"
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"deadbeef" not in raw and b"AKIA" not in raw


def test_the_journal_file_and_its_folder_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import stat

    monkeypatch.setenv("SORI_DATA_DIR", str(tmp_path / "data"))
    previous = os.umask(0o022)
    try:
        journal = JobJournal()
        journal.record("rtzr", "/a.wav", TranscriptionOptions(), "job-1")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    for path in (tmp_path / "data").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
