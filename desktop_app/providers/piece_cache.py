"""Pieces of a split job that were already recognised, kept on disk so a Retry sends only the rest.

A split job (:mod:`desktop_app.providers.chunked`) fails as a whole when one piece fails for
good, but the pieces recognised before that cost money and time. Each one is stored as the
piece's :class:`~desktop_app.core.transcript.Transcript` (JSON) in ``<data folder>/pieces/``,
under a name derived from:

* the source's fingerprint: its resolved path, size and modification time (a changed file
  never reuses old text),
* the engine name and an engine-supplied description of every option that changes the result
  (language, host, ...),
* the piece's place in the file (offset and length, in milliseconds).

Splitting is deterministic for the same file, so a Retry with the same engine and options meets
the same pieces and finds them here. The folder is created 0700 and each file 0600, since a
transcript is private. When a job succeeds its entries are removed; entries older than
:data:`MAX_AGE_SECONDS` are swept at the start of every split job, so the cache stays small.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from pathlib import Path

from desktop_app.core.paths import data_dir
from desktop_app.core.transcript import Transcript

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 7 * 24 * 3600


def source_fingerprint(path: Path) -> str:
    """Path, size and modification time of ``path``: changes whenever the file does."""
    resolved = path.resolve()
    info = resolved.stat()
    return f"{resolved}\0{info.st_size}\0{info.st_mtime_ns}"


class PieceCache:
    """Recognised pieces of one job (one source, engine and set of options). Methods do small
    file operations and may run on the engine loop thread."""

    def __init__(self, fingerprint: str, engine: str, options_key: str, folder: Path | None = None):
        self.folder = folder if folder is not None else data_dir() / "pieces"
        job = hashlib.sha256(f"{fingerprint}\0{engine}\0{options_key}".encode()).hexdigest()
        self._job = job[:32]
        self._written: list[Path] = []

    def _path(self, offset: float, duration: float) -> Path:
        place = f"{round(offset * 1000)}-{round(duration * 1000)}"
        return self.folder / f"{self._job}-{place}.json"

    def get(self, offset: float, duration: float) -> Transcript | None:
        """The stored transcript of the piece at ``offset`` lasting ``duration``, if any."""
        path = self._path(offset, duration)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Transcript.from_dict(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable cached piece %s", path.name)
            return None

    def put(self, offset: float, duration: float, transcript: Transcript) -> None:
        """Store a recognised piece; a failure to write only costs a resend later."""
        path = self._path(offset, duration)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)
            temporary = path.with_suffix(".tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(transcript.to_dict(), out, ensure_ascii=False)
            os.replace(temporary, path)
            self._written.append(path)
        except OSError as exc:
            log.warning("cannot keep a recognised piece for a retry: %s", exc)

    def forget_job(self) -> None:
        """Remove every stored piece of this job (it finished, the text is in the result)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob(f"{self._job}-*.json"):
            with contextlib.suppress(OSError):
                path.unlink()

    def sweep(self, now: float | None = None) -> None:
        """Remove pieces of any job that were stored more than :data:`MAX_AGE_SECONDS` ago."""
        if not self.folder.is_dir():
            return
        limit = (time.time() if now is None else now) - MAX_AGE_SECONDS
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < limit:
                    path.unlink()
