"""``rtzr`` jobs that outlive one call: resume after a crash (in process and through the
command line), credentials from the keyring and the environment, and the command line itself."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from desktop_app.core.errors import AuthError, ServerError
from desktop_app.core.journal import JobJournal
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.secrets import CredentialStore
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.helpers.keyrings import MemoryKeyring
from tests.providers.rtzr.support import (
    POLL,
    UPLOAD,
    RtzrServer,
    expected_rows,
    rows,
    rtzr_provider,
    rtzr_server,
    sent_config,
    transcribe,
)

__all__ = ["rtzr_server"]  # the fixture, imported for pytest


# -- resume ----------------------------------------------------------------------------------
def test_resume_after_a_lasting_outage_polls_without_uploading_again(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    rtzr_server.faults.http_error(503, times=4, match=POLL)
    with pytest.raises(ServerError):
        transcribe(rtzr_provider(rtzr_server, journal=journal), korean_clip, diarization=True)
    (job,) = journal.pending("rtzr")
    assert job.endpoint == rtzr_server.base_url and job.source == str(korean_clip)
    transcript = asyncio.run(rtzr_provider(rtzr_server, journal=journal).resume(job))
    assert rows(transcript) == expected_rows(korean_clip, speakers=2)
    assert transcript.speakers and transcript.duration == pytest.approx(7.84, abs=0.01)
    assert rtzr_server.requests.count(UPLOAD) == 1
    assert journal.pending() == []


def test_transcribing_again_picks_up_the_journaled_job(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    rtzr_server.faults.drop_connection(times=4, stage="no_response", match=POLL)
    with pytest.raises(Exception, match="connection"):
        transcribe(rtzr_provider(rtzr_server, journal=journal), korean_clip)
    transcript = transcribe(rtzr_provider(rtzr_server, journal=journal), korean_clip)
    assert rows(transcript) == expected_rows(korean_clip)
    assert rtzr_server.requests.count(UPLOAD) == 1
    assert journal.pending() == []


def test_a_journaled_job_that_is_gone_is_uploaded_again(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    journal.record("rtzr", str(korean_clip), TranscriptionOptions(), "no-such-job")
    transcript = transcribe(rtzr_provider(rtzr_server, journal=journal), korean_clip)
    assert rows(transcript) == expected_rows(korean_clip)
    assert rtzr_server.requests.count(UPLOAD) == 1
    assert journal.pending() == []


def cli_env(tmp_path: Path, secret: str = RTZR_CLIENT_SECRET) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SORI_RTZR_CLIENT_ID=RTZR_CLIENT_ID,
        SORI_RTZR_CLIENT_SECRET=secret,
        SORI_DATA_DIR=str(tmp_path / "data"),
        SORI_CONFIG_DIR=str(tmp_path / "config"),
    )
    return env


def test_cli_crash_then_resume(rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path) -> None:
    """A killed ``sori transcribe`` leaves its job in the journal; ``--resume`` collects it."""
    rtzr_server.emulator.transcribing_polls = 10**6
    env = cli_env(tmp_path)
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(korean_clip), "-q"]
    command += ["--provider", "rtzr", "--endpoint", rtzr_server.base_url, "--poll-interval", "0.05"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while rtzr_server.requests.count(POLL) < 1 and process.poll() is None:
            assert time.monotonic() < deadline, "the CLI never started polling"
            time.sleep(0.05)
    finally:
        process.kill()
        _, stderr = process.communicate()
    assert rtzr_server.requests.count(POLL) >= 1, stderr
    journal = JobJournal(tmp_path / "data" / "jobs.sqlite3")
    (job,) = journal.pending("rtzr")
    rtzr_server.emulator.transcribing_polls = 0
    out = tmp_path / "out"
    resume = [sys.executable, "-m", "desktop_app", "transcribe", "--resume", "-q"]
    resume += ["--format", "json", "-o", f"{out}/"]
    result = subprocess.run(resume, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "ko_short.json").read_text(encoding="utf-8"))
    assert [s["text"] for s in data["segments"]] == [r[2] for r in expected_rows(korean_clip)]
    assert rtzr_server.requests.count(UPLOAD) == 1
    assert journal.pending() == [] and job.remote_id in rtzr_server.emulator.jobs


# -- credentials -------------------------------------------------------------------------------
@pytest.fixture
def rtzr_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for name in ("SORI_RTZR_CLIENT_ID", "SORI_RTZR_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_credentials_from_keyring(
    rtzr_server: RtzrServer, korean_clip: Path, rtzr_keyring: MemoryKeyring
) -> None:
    provider = rtzr_provider(rtzr_server, credentials={})
    with pytest.raises(AuthError, match="sori credentials set rtzr"):
        transcribe(provider, korean_clip)
    assert rtzr_server.requests.count() == 0
    store = CredentialStore()
    store.set("rtzr", "client_id", RTZR_CLIENT_ID)
    store.set("rtzr", "client_secret", RTZR_CLIENT_SECRET)
    assert rows(transcribe(provider, korean_clip)) == expected_rows(korean_clip)


def test_credentials_from_environment(
    rtzr_server: RtzrServer,
    korean_clip: Path,
    rtzr_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SORI_RTZR_CLIENT_ID", RTZR_CLIENT_ID)
    monkeypatch.setenv("SORI_RTZR_CLIENT_SECRET", RTZR_CLIENT_SECRET)
    provider = rtzr_provider(rtzr_server, credentials={})
    assert rows(transcribe(provider, korean_clip)) == expected_rows(korean_clip)
    assert rtzr_keyring.items == {}


# -- command line ------------------------------------------------------------------------------
def test_cli_happy_path_and_wrong_secret(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "회의록.json"
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(korean_clip), "-q"]
    command += ["--provider", "rtzr", "--endpoint", rtzr_server.base_url, "--poll-interval", "0.05"]
    command += ["--diarization", "--speakers", "2", "--keyword", "리턴제로"]
    command += ["--option", "domain=CALL", "--option", "use_itn=false", "-o", str(out)]
    result = subprocess.run(
        command, env=cli_env(tmp_path), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    expected = expected_rows(korean_clip, keyword="리턴제로", speakers=2)
    assert [(s["text"], s["speaker"]) for s in data["segments"]] == [(r[2], r[3]) for r in expected]
    assert {s["name"] for s in data["speakers"]} == {"화자 1", "화자 2"}
    config = sent_config(rtzr_server)
    assert config["domain"] == "CALL" and config["use_itn"] is False
    assert config["keywords"] == ["리턴제로"] and config["diarization"] == {"spk_count": 2}

    wrong = cli_env(tmp_path, secret="not-the-rtzr-secret")
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(korean_clip), "-q"]
    command += ["--provider", "rtzr", "--endpoint", rtzr_server.base_url]
    result = subprocess.run(command, env=wrong, capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert "Client Secret" in result.stderr and "not-the-rtzr-secret" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_rejects_weighted_keywords_before_sending(
    rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "desktop_app", "transcribe", str(korean_clip), "-q"]
    command += ["--provider", "rtzr", "--endpoint", rtzr_server.base_url]
    command += ["--keyword", "에스티티:3"]
    result = subprocess.run(
        command, env=cli_env(tmp_path), capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "에스티티:3" in result.stderr and "weights" in result.stderr
    assert rtzr_server.requests.count() == 0
