"""Where Sori keeps its files: the platform's config and data folders (platformdirs).

``SORI_CONFIG_DIR`` and ``SORI_DATA_DIR`` override them, which tests and portable setups use.
Both folders are private to the user (0700) and the files Sori keeps in them (settings, job
journal, history) are 0600: the journal names remote jobs whose results anyone holding the id
and the keys could fetch, and the history holds every transcript. On Windows the mode bits mean
little; the folders live in the user's profile, which is private already.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

import platformdirs

from desktop_app import APP_ID

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) if needed and make the folder itself 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR_MODE:
        with contextlib.suppress(OSError):  # a folder owned by someone else stays as it is
            os.chmod(path, PRIVATE_DIR_MODE)
    return path


def create_private_file(path: Path) -> Path:
    """Make sure ``path`` exists with mode 0600 before anything (SQLite, say) opens it; an
    existing file is tightened to 0600. SQLite gives its -wal and -shm files the same mode."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    os.close(handle)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE_MODE:
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_FILE_MODE)
    return path


def write_private_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the file is 0600 from its first byte."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(temporary, flags, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def config_dir() -> Path:
    """Folder for the settings file (created on demand, 0700)."""
    override = os.environ.get("SORI_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_ID, False))
    return private_dir(path)


def data_dir() -> Path:
    """Folder for recordings, history and pending remote jobs (created on demand, 0700)."""
    override = os.environ.get("SORI_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_ID, False))
    return private_dir(path)
