"""Replace a file all at once, so a failure never leaves half a file over an earlier one.

The bytes go to a hidden temporary file in the same folder (same file system, so the final
rename is atomic), are flushed to disk, and only then does :func:`os.replace` put the file in
place. The temporary file is created with the usual permissions (the process umask applies, not
the 0600 of :mod:`tempfile`), and an existing file's permission bits are kept.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from desktop_app.core.errors import OutputError

_MAX_NAME_TRIES = 100


def _open_temporary(target: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(_MAX_NAME_TRIES):
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return candidate, os.open(candidate, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows opening a folder."""
    if os.name != "posix":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_atomically(target: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``target``; if anything fails, ``target`` is left as it was.

    Creates missing parent folders. File-system failures become an :class:`OutputError`
    naming the file and what to do; any other exception (from producing ``chunks``, say)
    propagates unchanged after the temporary file is removed.
    """
    target = Path(target)
    if target.is_symlink():
        target = target.resolve()  # update the file the link points to, keep the link
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = _open_temporary(target)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise _write_error(target, exc) from exc
        raise
    _fsync_folder(target.parent)


def _write_error(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or exc.__class__.__name__
    if isinstance(exc, IsADirectoryError):
        fix, fix_ko = "Give a file name, not a folder.", "폴더가 아닌 파일 이름을 지정하세요."
    elif isinstance(exc, PermissionError):
        fix = "Choose a folder you can write to, or close the file in other programs."
        fix_ko = "쓰기 권한이 있는 폴더를 고르거나, 다른 프로그램에서 파일을 닫으세요."
    elif exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        fix, fix_ko = (
            "Free some disk space and export again.",
            "디스크 공간을 확보한 뒤 다시 내보내세요.",
        )
    else:
        fix = "Check the path and that the disk is available, then export again."
        fix_ko = "경로와 디스크 상태를 확인한 뒤 다시 내보내세요."
    return OutputError(
        f"Cannot write {target}: {reason}",
        fix=fix,
        message_ko=f"{target} 파일을 쓸 수 없습니다: {reason}",
        fix_ko=fix_ko,
    )
