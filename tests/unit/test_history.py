"""The transcript history: save, update, list, load, rename, delete, schema versions, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.history import SCHEMA_VERSION, HistoryStore, default_title
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.transcript import Segment, Speaker, Transcript, Word


def transcript(source: str = "/audio/회의록.m4a", text: str = "안녕하세요 여러분") -> Transcript:
    return Transcript(
        segments=[
            Segment(0.0, 1.5, text, "S1", 0.9, [Word(0.0, 0.7, "안녕하세요", 0.95)]),
            Segment(2.0, 3.0, "반갑습니다", "S2"),
        ],
        speakers=[Speaker("S1", "진행자"), Speaker("S2", "S2")],
        engine="local",
        source=source,
        duration=3.2,
    )


def test_save_then_load_in_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    options = TranscriptionOptions(diarization=True, keywords=[Keyword("소리", 2.0)])
    entry_id = HistoryStore(path).save(transcript(), options=options)

    record = HistoryStore(path).load(entry_id)
    assert record is not None
    assert record.transcript == transcript()
    assert record.entry.title == "회의록.m4a"
    assert record.entry.engine == "local"
    assert record.entry.source == "/audio/회의록.m4a"
    assert record.entry.duration == pytest.approx(3.2)
    assert record.entry.segments == 2
    assert record.options["diarization"] is True
    assert record.options["keywords"] == [["소리", 2.0]]


def test_update_keeps_edits_and_moves_entry_to_the_top(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    first = store.save(transcript("/a/first.wav"))
    second = store.save(transcript("/a/second.wav"))
    assert [e.id for e in store.entries()] == [second, first]

    edited = transcript("/a/first.wav", text="안녕하십니까 여러분")
    edited.rename_speaker("S2", "김 교수")
    assert store.update(first, edited)

    reopened = HistoryStore(path)
    entries = reopened.entries()
    assert [e.id for e in entries] == [first, second]
    assert entries[0].updated >= entries[0].created
    record = reopened.load(first)
    assert record is not None
    assert record.transcript.segments[0].text == "안녕하십니까 여러분"
    assert record.transcript.speaker_name("S2") == "김 교수"


def test_rename_delete_and_missing_entries(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    entry_id = store.save(transcript(), title="주간 회의")
    assert store.get(entry_id) is not None
    assert store.entries()[0].title == "주간 회의"
    assert store.rename(entry_id, "  월간 회의 ")
    assert store.entries()[0].title == "월간 회의"
    assert not store.rename(entry_id, "   ")
    assert store.delete(entry_id)
    assert store.entries() == []
    assert store.load(entry_id) is None
    assert not store.update(entry_id, transcript())
    assert not store.rename(entry_id, "x")
    assert not store.delete(entry_id)


def test_list_limit_and_default_location(tmp_path: Path) -> None:
    store = HistoryStore()  # tests/conftest.py points SORI_DATA_DIR at a private folder
    assert store.path.name == "history.sqlite3"
    local = HistoryStore(tmp_path / "h.sqlite3")
    for index in range(5):
        local.save(transcript(f"/a/{index}.wav"))
    assert [e.title for e in local.entries(limit=2)] == ["4.wav", "3.wav"]


def test_default_titles() -> None:
    assert default_title(transcript("https://example.com/talks/ep1.mp3?x=1")) == "ep1.mp3"
    assert default_title(transcript("")).startswith("Recording ")


def test_schema_is_versioned(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ConfigurationError) as caught:
        HistoryStore(path)
    assert "newer version" in caught.value.describe("en")
    assert "새로운" in caught.value.describe("ko")


def test_unusable_file_is_a_sori_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigurationError) as caught:
        HistoryStore(path)
    assert str(path) in caught.value.describe("en")


def test_damaged_entry_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    entry_id = store.save(transcript())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE transcripts SET transcript = '{broken' WHERE id = ?", (entry_id,))
    with pytest.raises(ConfigurationError, match="damaged"):
        store.load(entry_id)


def test_many_threads_save_and_update(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    ids: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            entry_id = store.save(transcript(f"/a/{n}.wav"))
            for round_ in range(5):
                store.update(entry_id, transcript(f"/a/{n}.wav", text=f"판 {round_}"))
            with lock:
                ids.append(entry_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(e.id for e in store.entries()) == sorted(ids)
    for entry_id in ids:
        record = store.load(entry_id)
        assert record is not None
        assert record.transcript.segments[0].text == "판 4"


def test_history_file_is_private_and_urls_lose_their_query(tmp_path: Path) -> None:
    import os
    import stat

    previous = os.umask(0o022)
    try:
        store = HistoryStore(tmp_path / "h.sqlite3")
        url = "https://bucket.invalid/meeting.m4a?X-Amz-Signature=deadbeef"
        entry_id = store.save(transcript(source=url))
        store.update(entry_id, transcript(source=url, text="고친 문장"))
    finally:
        os.umask(previous)
    record = store.load(entry_id)
    assert record is not None
    assert record.entry.source == record.transcript.source == "https://bucket.invalid/meeting.m4a"
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert b"deadbeef" not in path.read_bytes()


def test_an_existing_open_history_file_is_made_private(tmp_path: Path) -> None:
    import stat

    path = tmp_path / "h.sqlite3"
    HistoryStore(path)
    path.chmod(0o644)
    HistoryStore(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
