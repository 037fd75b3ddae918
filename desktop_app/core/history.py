"""The history of finished transcripts, kept in SQLite in the data folder.

Every finished transcript is saved with where it came from (source, engine, the options used),
when it was made and when it was last changed. Edits are saved by calling :meth:`HistoryStore.update`
again (the window does so about a second after the last edit), so reopening the app shows the
corrected text. Listing reads only the small columns, never the transcripts themselves.

The schema carries a version (``PRAGMA user_version``); :data:`MIGRATIONS` brings an older file
up to date, and a file written by a newer Sori is refused with a message instead of being
damaged. The file is private (0600), and a source URL is stored without its query string (a
presigned URL's signature would otherwise sit in the history). Every method may be called from any thread: each call opens its own connection, and
writes are serialised by a lock (SQLite's WAL journal lets readers run alongside).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.journal import options_to_dict
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.paths import create_private_file, data_dir
from desktop_app.core.secrets import public_source
from desktop_app.core.transcript import Transcript

FILE_NAME = "history.sqlite3"

MIGRATIONS: tuple[str, ...] = (
    # version 1
    """
    CREATE TABLE transcripts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        engine TEXT NOT NULL,
        duration REAL,
        segments INTEGER NOT NULL,
        options TEXT NOT NULL,
        transcript TEXT NOT NULL,
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE INDEX transcripts_updated ON transcripts (updated DESC);
    """,
    # version 2: the full path of the media (the source file, or the recording) for playback,
    # re-runs and export after a restart; the transcript's own source is only a file name.
    """
    ALTER TABLE transcripts ADD COLUMN media TEXT NOT NULL DEFAULT '';
    """,
)
"""SQL that takes the schema from version ``i`` to ``i + 1``; the length is the current version."""

SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of the history list (without the transcript itself)."""

    id: int
    title: str
    source: str
    engine: str
    duration: float | None
    segments: int
    created: float
    updated: float
    media: str = ""  # the full path of the audio or video file ("" when not known)

    @property
    def media_path(self) -> Path | None:
        """The media file's path when it is known and still there, else ``None``."""
        if not self.media:
            return None
        path = Path(self.media)
        return path if path.is_absolute() and path.is_file() else None


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """A saved transcript with everything stored about it."""

    entry: HistoryEntry
    transcript: Transcript
    options: dict[str, Any]


def default_title(transcript: Transcript, when: float | None = None) -> str:
    """The source's file name, or "Recording <date time>" for a recording without one."""
    source = transcript.source.strip().rstrip("/")
    if source:
        name = source.rsplit("/", 1)[-1].split("?", 1)[0] if "://" in source else Path(source).name
        if name:
            return name
    return time.strftime("Recording %Y-%m-%d %H:%M", time.localtime(when))


def _duration(transcript: Transcript) -> float | None:
    if transcript.duration is not None:
        return float(transcript.duration)
    return max((s.end for s in transcript.segments), default=None)


class HistoryStore:
    """Saved transcripts in ``data_dir()/history.sqlite3``. Safe to use from any thread."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (data_dir() / FILE_NAME)
        self._lock = threading.Lock()
        try:
            create_private_file(self.path)
        except OSError as exc:
            raise self._storage_error(exc) from exc
        with self._lock, self._connect() as db:
            self._migrate(db)

    # ----------------------------------------------------------- connection
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:  # one transaction: committed on success, rolled back on error
                yield db
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from exc
        finally:
            db.close()

    def _storage_error(self, exc: sqlite3.Error | OSError) -> ConfigurationError:
        return ConfigurationError(
            f"Cannot use the transcript history {self.path}: {exc}",
            fix="Check that the data folder is writable and the disk has space; if the file "
            "is damaged, move it away and restart Sori (a new history starts empty).",
            message_ko=f"기록 파일 {self.path}을(를) 사용할 수 없습니다: {exc}",
            fix_ko="데이터 폴더에 쓰기 권한과 디스크 공간이 있는지 확인하세요. 파일이 손상되었다면 "
            "다른 곳으로 옮긴 뒤 Sori를 다시 시작하세요(새 기록은 비어 있습니다).",
        )

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version < SCHEMA_VERSION:
            # Upgrade in one transaction; another process may have done it while we waited.
            db.execute("BEGIN IMMEDIATE")
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"The transcript history {self.path} was written by a newer version of Sori "
                f"(schema {version}, this version knows {SCHEMA_VERSION})",
                fix="Update Sori, or move the file away to start a new history.",
                message_ko=f"기록 파일 {self.path}은(는) 더 새로운 Sori 버전에서 만들어졌습니다"
                f"(스키마 {version}, 현재 버전은 {SCHEMA_VERSION}까지 지원)",
                fix_ko="Sori를 업데이트하거나, 파일을 옮겨 새 기록을 시작하세요.",
            )
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")

    # --------------------------------------------------------------- writing
    def save(
        self,
        transcript: Transcript,
        *,
        options: TranscriptionOptions | Mapping[str, Any] | None = None,
        title: str | None = None,
        media: Path | None = None,
    ) -> int:
        """Store a finished transcript (``media``: the file it came from); returns its id."""
        now = time.time()
        source = public_source(transcript.source)
        data = transcript.to_dict()
        data["source"] = source
        options_data = (
            options_to_dict(options)
            if isinstance(options, TranscriptionOptions)
            else dict(options or {})
        )
        row = (
            title.strip() if title and title.strip() else default_title(transcript, now),
            source,
            transcript.engine,
            _duration(transcript),
            len(transcript.segments),
            json.dumps(options_data, ensure_ascii=False),
            json.dumps(data, ensure_ascii=False),
            now,
            now,
            str(media.absolute()) if media is not None else "",
        )
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT INTO transcripts (title, source, engine, duration, segments, options, "
                "transcript, created, updated, media) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            new_id = cursor.lastrowid
        assert new_id is not None
        return int(new_id)

    def update(self, entry_id: int, transcript: Transcript) -> bool:
        """Replace a saved transcript with its edited version; ``False`` if it was deleted."""
        saved = transcript.to_dict()
        saved["source"] = public_source(transcript.source)
        data = json.dumps(saved, ensure_ascii=False)
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "UPDATE transcripts SET transcript = ?, duration = ?, segments = ?, updated = ? "
                "WHERE id = ?",
                (data, _duration(transcript), len(transcript.segments), time.time(), entry_id),
            )
            return cursor.rowcount > 0

    def rename(self, entry_id: int, title: str) -> bool:
        """Give an entry a new title; ``False`` if it does not exist or the title is empty."""
        if not title.strip():
            return False
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "UPDATE transcripts SET title = ?, updated = ? WHERE id = ?",
                (title.strip(), time.time(), entry_id),
            )
            return cursor.rowcount > 0

    def set_media(self, entry_id: int, media: Path) -> bool:
        """Point an entry at its media file again (it was moved); ``False`` if no such entry."""
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "UPDATE transcripts SET media = ? WHERE id = ?", (str(media.absolute()), entry_id)
            )
            return cursor.rowcount > 0

    def delete(self, entry_id: int) -> bool:
        with self._lock, self._connect() as db:
            return db.execute("DELETE FROM transcripts WHERE id = ?", (entry_id,)).rowcount > 0

    # --------------------------------------------------------------- reading
    _ENTRY_COLUMNS = "id, title, source, engine, duration, segments, created, updated, media"

    def entries(self, limit: int | None = None) -> list[HistoryEntry]:
        """Entries, most recently changed first."""
        query = f"SELECT {self._ENTRY_COLUMNS} FROM transcripts ORDER BY updated DESC, id DESC"
        args: tuple[int, ...] = ()
        if limit is not None:
            query += " LIMIT ?"
            args = (limit,)
        with self._connect() as db:
            rows = db.execute(query, args).fetchall()
        return [_entry(row) for row in rows]

    def get(self, entry_id: int) -> HistoryEntry | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {self._ENTRY_COLUMNS} FROM transcripts WHERE id = ?", (entry_id,)
            ).fetchone()
        return _entry(row) if row else None

    def load(self, entry_id: int) -> HistoryRecord | None:
        """The saved transcript and its details, or ``None`` if there is no such entry."""
        with self._connect() as db:
            row = db.execute(
                f"SELECT {self._ENTRY_COLUMNS}, options, transcript FROM transcripts WHERE id = ?",
                (entry_id,),
            ).fetchone()
        if row is None:
            return None
        try:
            transcript = Transcript.from_dict(json.loads(row[10]))
            options = json.loads(row[9])
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(
                f"The saved transcript #{entry_id} in {self.path} is damaged ({exc})",
                fix="Delete this entry from the history; the others are not affected.",
                message_ko=f"{self.path}에 저장된 전사 #{entry_id}이(가) 손상되었습니다({exc})",
                fix_ko="기록에서 이 항목을 삭제하세요. 다른 항목은 영향을 받지 않습니다.",
            ) from exc
        return HistoryRecord(
            _entry(row[:9]), transcript, options if isinstance(options, dict) else {}
        )


def _entry(row: tuple[Any, ...]) -> HistoryEntry:
    return HistoryEntry(
        id=int(row[0]),
        title=str(row[1]),
        source=str(row[2]),
        engine=str(row[3]),
        duration=None if row[4] is None else float(row[4]),
        segments=int(row[5]),
        created=float(row[6]),
        updated=float(row[7]),
        media=str(row[8] or ""),
    )
