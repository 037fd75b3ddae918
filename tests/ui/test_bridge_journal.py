"""The window's job runner leaves a finished remote job in the journal until the window says
its transcript is saved (``release_remote``): a crash in between leaves it to collect again."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.journal import JobJournal
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import MediaSource
from desktop_app.ui.bridge import JobRunner
from tests.providers.rtzr.support import RtzrServer, rtzr_provider, rtzr_server

__all__ = ["rtzr_server"]  # the fixture, imported for pytest


def test_a_finished_remote_job_is_forgotten_only_once_saved(
    qtbot: QtBot, rtzr_server: RtzrServer, korean_clip: Path, tmp_path: Path
) -> None:
    path = tmp_path / "jobs.sqlite3"
    config = rtzr_provider(rtzr_server, journal=JobJournal(path)).config
    runner = JobRunner()
    try:
        with qtbot.waitSignal(runner.finished, timeout=60_000) as finished:
            job_id = runner.start("rtzr", MediaSource(path=korean_clip), TranscriptionOptions(),
                                  config)  # fmt: skip
        assert finished.args is not None and finished.args[1].segments
        (kept,) = JobJournal(path).pending()  # as a new start of the app would see it
        assert kept.engine == "rtzr"
        runner.release_remote(job_id)
        assert JobJournal(path).pending() == []
    finally:
        runner.shutdown()
