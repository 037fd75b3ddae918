"""The history keeps the full path of each transcript's media, so playback, re-runs and export
work after a restart; an old (version 1) history file gains the column without losing entries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_app.core.history import MIGRATIONS, SCHEMA_VERSION, HistoryStore
from tests.ui.samples import meeting


def test_media_path_is_kept_and_can_be_changed(tmp_path: Path) -> None:
    media = tmp_path / "회의 녹음.wav"
    media.write_bytes(b"RIFF")
    store = HistoryStore(tmp_path / "history.sqlite3")
    entry_id = store.save(meeting(), media=media)
    entry = store.get(entry_id)
    assert entry is not None and entry.media == str(media) and entry.media_path == media
    record = store.load(entry_id)
    assert record is not None and record.entry.media == str(media)
    moved = tmp_path / "moved" / media.name
    moved.parent.mkdir()
    media.rename(moved)
    assert HistoryStore(store.path).entries()[0].media_path is None  # gone: not offered
    assert store.set_media(entry_id, moved)
    assert store.entries()[0].media_path == moved
    assert not store.set_media(entry_id + 1, moved)


def test_version_1_history_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute(
            "INSERT INTO transcripts (title, source, engine, duration, segments, options, "
            "transcript, created, updated) VALUES ('old', 'a.wav', 'vosk', 1.0, 0, '{}', "
            "'{\"segments\": []}', 1, 1)"
        )
        db.execute("PRAGMA user_version = 1")
    store = HistoryStore(path)
    entry = store.entries()[0]
    assert entry.title == "old" and entry.media == "" and entry.media_path is None
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
