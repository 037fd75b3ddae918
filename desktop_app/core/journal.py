"""The job journal: remote jobs written down the moment a provider accepts them.

Cloud engines that work asynchronously give back a job id (a token, a task id, an id). The journal stores it in SQLite in the data folder before polling starts, so after
a crash, a killed process or a restart, ``sori transcribe --resume`` (and the window) poll the
same job again instead of uploading the audio a second time. A job is identified locally by a
*fingerprint* of the engine, the source (path, size, modification time, or URL) and the options.

An engine that has collected a result does not delete the entry: it calls :meth:`collected`, and
the caller calls :meth:`release_collected` once the result is safe (outputs written, history
saved). A failed write or a crash in between leaves the job to ``--resume``, since the service
still holds the result. Where the results of a ``sori transcribe`` run were to be written is
stored with the job (:attr:`JobJournal.outputs`), so ``--resume`` writes the same files.
The file is private (0600): the stored source is a URL without its query string (a presigned
URL's signature stays out), but a job id alone can still fetch a transcript.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.paths import create_private_file, data_dir
from desktop_app.core.secrets import public_source

# Cancelling a job's task with this message means "the app is closing", not "the user cancelled
# the job": engines then keep the journal entry, so the job is collected on the next start.
SHUTDOWN = "sori:shutdown"


def is_shutdown(cancel: BaseException) -> bool:
    """Whether a CancelledError came from the app closing (see :data:`SHUTDOWN`)."""
    return SHUTDOWN in getattr(cancel, "args", ())


SCHEMA = """
CREATE TABLE IF NOT EXISTS remote_jobs (
    fingerprint TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    source TEXT NOT NULL,
    options TEXT NOT NULL,
    endpoint TEXT,
    created REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'running'
);
"""
# Added later: where ``sori transcribe`` was asked to write the result (JSON, or NULL).
OUTPUTS_COLUMN = "ALTER TABLE remote_jobs ADD COLUMN outputs TEXT"


@dataclass(frozen=True, slots=True)
class RemoteJob:
    """A job a provider accepted and that has not been collected yet."""

    fingerprint: str
    engine: str
    remote_id: str
    source: str
    options: dict[str, Any]
    endpoint: str | None
    created: float
    outputs: dict[str, Any] | None = None


def options_to_dict(options: TranscriptionOptions) -> dict[str, Any]:
    data = asdict(options)
    data["keywords"] = [[k["word"], k["weight"]] for k in data["keywords"]]
    return data


def options_from_dict(data: dict[str, Any]) -> TranscriptionOptions:
    from desktop_app.core.options import Keyword

    values = dict(data)
    values["keywords"] = [Keyword(word, weight) for word, weight in values.get("keywords", [])]
    return TranscriptionOptions(**values)


def fingerprint(engine: str, source: str, options: TranscriptionOptions) -> str:
    """Stable id of "this engine, this audio, these options"."""
    described = source
    path = Path(source)
    if "://" not in source and path.exists():
        stat = path.stat()
        described = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    payload = json.dumps([engine, described, options_to_dict(options)], sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class JobJournal:
    """SQLite-backed; safe to use from any thread (one connection per call)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (data_dir() / "jobs.sqlite3")
        self._lock = threading.Lock()
        # Results an engine handed back through this journal that nobody has released yet.
        self._held: set[tuple[str, str]] = set()
        # Stored with every job recorded through this journal (see ``sori transcribe``).
        self.outputs: dict[str, Any] | None = None
        create_private_file(self.path)
        with self._connect() as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(remote_jobs)")}
            if "outputs" not in columns:
                db.execute(OUTPUTS_COLUMN)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def record(
        self,
        engine: str,
        source: str,
        options: TranscriptionOptions,
        remote_id: str,
        endpoint: str | None = None,
    ) -> RemoteJob:
        job = RemoteJob(
            fingerprint(engine, source, options),
            engine,
            remote_id,
            public_source(source),
            options_to_dict(options),
            endpoint,
            time.time(),
            self.outputs,
        )
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO remote_jobs (fingerprint, engine, remote_id, source, "
                "options, endpoint, created, state, outputs) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (
                    job.fingerprint,
                    engine,
                    remote_id,
                    job.source,
                    json.dumps(job.options, ensure_ascii=False),
                    endpoint,
                    job.created,
                    None if job.outputs is None else json.dumps(job.outputs, ensure_ascii=False),
                ),
            )
        return job

    def find(self, engine: str, source: str, options: TranscriptionOptions) -> RemoteJob | None:
        key = fingerprint(engine, source, options)
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT * FROM remote_jobs WHERE fingerprint = ? AND state = 'running'", (key,)
            ).fetchone()
        return self._job(row) if row else None

    def finish(self, engine: str, remote_id: str) -> None:
        """Forget a job that failed for good, was cancelled or is unknown to the service."""
        self._held.discard((engine, remote_id))
        with self._lock, self._connect() as db:
            db.execute(
                "DELETE FROM remote_jobs WHERE engine = ? AND remote_id = ?", (engine, remote_id)
            )

    def collected(self, engine: str, remote_id: str) -> None:
        """An engine got the job's result: keep the entry until :meth:`release_collected`."""
        self._held.add((engine, remote_id))

    def holds_results(self) -> bool:
        """Whether results came back through this journal that are not released yet."""
        return bool(self._held)

    def release_collected(self) -> None:
        """Forget every job whose result came back through this journal: call it once the
        results are safe (outputs written, history saved)."""
        held, self._held = self._held, set()
        for engine, remote_id in held:
            self.finish(engine, remote_id)

    def forget(self, job: RemoteJob) -> None:
        """Forget one journaled job (its result was written)."""
        self.finish(job.engine, job.remote_id)

    def pending(self, engine: str | None = None) -> list[RemoteJob]:
        """Jobs not yet collected, oldest first; after a crash, also those whose result was
        collected but not saved. Results this journal holds unreleased are left out."""
        query = "SELECT * FROM remote_jobs WHERE state = 'running'"
        args: tuple[str, ...] = ()
        if engine is not None:
            query += " AND engine = ?"
            args = (engine,)
        with self._lock, self._connect() as db:
            rows = db.execute(query + " ORDER BY created", args).fetchall()
        jobs = [self._job(row) for row in rows]
        return [job for job in jobs if (job.engine, job.remote_id) not in self._held]

    @staticmethod
    def _job(row: tuple[Any, ...]) -> RemoteJob:
        return RemoteJob(
            fingerprint=row[0],
            engine=row[1],
            remote_id=row[2],
            source=row[3],
            options=json.loads(row[4]),
            endpoint=row[5],
            created=row[6],
            outputs=json.loads(row[8]) if len(row) > 8 and row[8] else None,
        )
