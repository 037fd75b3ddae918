"""The job journal survives a new process and identifies jobs by audio and options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
