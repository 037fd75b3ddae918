"""Downloading Whisper models from the Hugging Face hub, resumably and verified.

:func:`download_model` asks the hub which files the model's repository holds (sizes, LFS
sha256, git blob ids), checks the free disk space, then fetches each missing file with
``huggingface_hub``'s HTTP transfer into ``<models>/.partial/<name>/FILE.part``. A finished
file is checked against the hub's checksum before it is renamed to ``FILE``; once every file is
there the whole folder is renamed to ``<models>/<name>`` in one step, so a loader never sees a
half-written model. Cancelling (a :class:`threading.Event`), Ctrl-C or a lost connection keeps
the ``.part`` files, and the next call continues from where they end (an HTTP Range request),
as long as the repository is still at the same revision.

``hf_hub_download``/``snapshot_download`` are not used for the transfer itself: they delete
partial files on failure, so a cancelled 3 GB download would start again from zero.

Everything here blocks: run it on a worker thread (the window) or the main thread (the CLI).
The hub's address comes from ``HF_ENDPOINT`` when set, read at each call.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import functools
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import httpx2
from huggingface_hub import HfApi, constants
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.file_download import get_hf_file_metadata, hf_hub_url, http_get
from huggingface_hub.utils import build_hf_headers

from desktop_app import __version__
from desktop_app.core.errors import (
    CancelledByUserError,
    ConfigurationError,
    EngineUnavailableError,
    NetworkError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.providers.whisper.models import (
    INSTALL_RECORD,
    MODEL_FILE_PATTERNS,
    check_model_folder,
    entry_for,
    folder_name,
    install_dir,
    installed_path,
    models_dir,
    read_json_object,
)

# (bytes present, bytes in total) — called from the downloading thread.
ByteProgress = Callable[[int, int], None]
FreeSpace = Callable[[Path], int]
STAGING_FOLDER = ".partial"
STAGING_RECORD = ".sori-download.json"
PART_SUFFIX = ".part"
# Room kept free beyond the model itself, so the download does not fill the disk to the brim.
SPARE_BYTES = 64 * 1024 * 1024
_HASH_BLOCK = 1 << 20
# http_get reads the body in steps of this constant, looked up at each call, and reports
# progress (where cancelling is noticed) once per step: 10 MiB steps would leave a slow
# connection's progress bar and Cancel button without effect for many seconds.
TRANSFER_STEP = 1 << 20
constants.DOWNLOAD_CHUNK_SIZE = min(constants.DOWNLOAD_CHUNK_SIZE, TRANSFER_STEP)


class NotEnoughDiskSpaceError(EngineUnavailableError):
    """The model does not fit on the disk holding the models folder."""


class DamagedDownloadError(NetworkError):
    """A downloaded file does not match the hub's checksum (it was removed; retrying helps)."""


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """One file of a model repository as the hub describes it."""

    name: str
    size: int
    sha256: str | None = None
    blob_id: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteModel:
    """The files of one revision of a model repository."""

    repo_id: str
    revision: str
    files: tuple[RemoteFile, ...] = field(default_factory=tuple)

    @property
    def total_bytes(self) -> int:
        return sum(item.size for item in self.files)


def default_free_space(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def hub_endpoint() -> str | None:
    """The hub address to use: ``HF_ENDPOINT`` at call time, else the library's default."""
    value = os.environ.get("HF_ENDPOINT", "").strip().rstrip("/")
    return value or None


def staging_dir(name: str) -> Path:
    """Where the download of ``name`` is assembled (never loaded from)."""
    return models_dir() / STAGING_FOLDER / folder_name(name)


def partial_bytes(name: str) -> int:
    """Bytes already fetched by an unfinished download of ``name`` (0 when there is none)."""
    folder = staging_dir(name)
    if not folder.is_dir():
        return 0
    return sum(item.stat().st_size for item in folder.iterdir() if not item.name.startswith("."))


def fetch_manifest(repo_id: str, revision: str = "main") -> RemoteModel:
    """Ask the hub for the model files of ``repo_id`` with their sizes and checksums."""
    with _hub_errors(repo_id):
        info = HfApi(endpoint=hub_endpoint(), library_name="sori", library_version=__version__)
        details = info.model_info(repo_id, revision=revision, files_metadata=True, token=False)
    files: list[RemoteFile] = []
    for sibling in details.siblings or []:
        name = sibling.rfilename
        if not any(fnmatch.fnmatch(name, pattern) for pattern in MODEL_FILE_PATTERNS):
            continue
        lfs = sibling.lfs
        size = lfs.size if lfs is not None else sibling.size
        if size is None:
            raise _hub_answer_error(repo_id, f"no size given for {name}")
        files.append(
            RemoteFile(
                name=name,
                size=int(size),
                sha256=lfs.sha256 if lfs is not None else None,
                blob_id=sibling.blob_id,
            )
        )
    if not any(item.name == "model.bin" for item in files):
        raise ConfigurationError(
            f"The hub repository '{repo_id}' holds no CTranslate2 model (no model.bin)",
            fix="Choose a faster-whisper conversion, such as Systran/faster-whisper-small.",
            message_ko=f"허브 저장소 '{repo_id}'에 CTranslate2 모델(model.bin)이 없습니다",
            fix_ko="Systran/faster-whisper-small 같은 faster-whisper 변환 모델을 고르세요.",
        )
    if not details.sha:
        raise _hub_answer_error(repo_id, "no revision given")
    return RemoteModel(repo_id=repo_id, revision=details.sha, files=tuple(files))


def download_model(
    name: str,
    *,
    progress: ByteProgress | None = None,
    cancel: threading.Event | None = None,
    free_space: FreeSpace = default_free_space,
) -> Path:
    """Download the model ``name`` (a catalog name or hub repository id) and install it.

    Returns the installed folder at once when it is already installed. Raises
    :class:`CancelledByUserError` when ``cancel`` is set (what was fetched is kept for the next
    call), :class:`NotEnoughDiskSpaceError` before starting when the rest does not fit, and
    :class:`DamagedDownloadError`, :class:`NetworkError`, :class:`ServerError` or
    :class:`ConfigurationError` (unknown model) otherwise.
    """
    entry = entry_for(name)
    existing = installed_path(name)
    if existing is not None:
        return existing
    stop = cancel or threading.Event()
    remote = fetch_manifest(entry.repo_id)
    staging = _prepare_staging(name, remote)
    present = sum(_present_bytes(staging, item) for item in remote.files)
    _check_space(remote.total_bytes - present, staging, free_space)
    counter = _Counter(remote.total_bytes, present, progress, stop, name)
    counter.report()
    for item in remote.files:
        if stop.is_set():
            raise _cancelled(name)
        _fetch_file(remote, item, staging, counter)
    _write_record(staging / INSTALL_RECORD, name, remote)
    check_model_folder(staging)
    return _install(staging, install_dir(name))


def _prepare_staging(name: str, remote: RemoteModel) -> Path:
    """The staging folder for ``remote``; leftovers of another revision are thrown away."""
    staging = staging_dir(name)
    record = read_json_object(staging / STAGING_RECORD)
    if staging.exists() and record.get("revision") != remote.revision:
        shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, exist_ok=True)
    _write_record(staging / STAGING_RECORD, name, remote)
    return staging


def _present_bytes(staging: Path, item: RemoteFile) -> int:
    done = staging / item.name
    if done.is_file() and done.stat().st_size == item.size:
        return item.size
    part = staging / (item.name + PART_SUFFIX)
    if part.is_file():
        size = part.stat().st_size
        return size if size <= item.size else 0
    return 0


def _check_space(needed: int, staging: Path, free_space: FreeSpace) -> None:
    if needed <= 0:
        return
    free = free_space(staging)
    if needed + SPARE_BYTES <= free:
        return
    want, have = _size_text(needed + SPARE_BYTES), _size_text(free)
    raise NotEnoughDiskSpaceError(
        f"Not enough disk space for the model: it needs {want} and {have} is free "
        f"in {staging.parent.parent}",
        fix="Free some space on that disk, or set SORI_DATA_DIR to a folder on a larger disk, "
        "then download again.",
        message_ko=f"모델을 저장할 디스크 공간이 부족합니다. {want}이(가) 필요하지만 "
        f"{staging.parent.parent}에는 {have}만 남아 있습니다",
        fix_ko="디스크 공간을 확보하거나 SORI_DATA_DIR을 더 큰 디스크의 폴더로 지정한 뒤 "
        "다시 내려받으세요.",
    )


def _fetch_file(remote: RemoteModel, item: RemoteFile, staging: Path, counter: _Counter) -> None:
    done = staging / item.name
    if done.is_file() and done.stat().st_size == item.size:
        return
    part = staging / (item.name + PART_SUFFIX)
    part.parent.mkdir(parents=True, exist_ok=True)
    resume = part.stat().st_size if part.is_file() else 0
    if resume > item.size:
        part.unlink()
        resume = 0
    if resume < item.size:
        endpoint = hub_endpoint()
        url = hf_hub_url(remote.repo_id, item.name, revision=remote.revision, endpoint=endpoint)
        headers = build_hf_headers(token=False, library_name="sori", library_version=__version__)
        with _hub_errors(remote.repo_id, item.name):
            metadata = get_hf_file_metadata(url, token=False, headers=headers, endpoint=endpoint)
            with part.open("ab") as file:
                http_get(
                    metadata.location,
                    file,
                    resume_size=resume,
                    headers=headers,
                    expected_size=item.size,
                    displayed_filename=item.name,
                    tqdm_class=cast(Any, functools.partial(_BarAdapter, counter=counter)),
                )
    if not _matches(part, item):
        counter.discard(item.size)
        part.unlink(missing_ok=True)
        raise DamagedDownloadError(
            f"The downloaded file {item.name} of {remote.repo_id} does not match the hub's "
            "checksum",
            fix="The damaged file was removed; run the download again.",
            message_ko=f"내려받은 {remote.repo_id}의 {item.name} 파일이 허브의 체크섬과 "
            "맞지 않습니다",
            fix_ko="손상된 파일은 지웠습니다. 다시 내려받으세요.",
        )
    part.replace(done)


def _matches(path: Path, item: RemoteFile) -> bool:
    """Whether ``path`` has the hub's LFS sha256 (large files) or git blob id (small ones)."""
    if path.stat().st_size != item.size:
        return False
    if item.sha256:
        digest = hashlib.sha256()
        expected = item.sha256.lower()
    elif item.blob_id:
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(b"blob %d\0" % item.size)
        expected = item.blob_id.lower()
    else:
        return True
    with path.open("rb") as file:
        while block := file.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest() == expected


def _install(staging: Path, target: Path) -> Path:
    """Move the complete ``staging`` folder to ``target`` in one rename."""
    (staging / STAGING_RECORD).unlink(missing_ok=True)
    if target.exists():
        old = target.with_name(f".old-{target.name}")
        shutil.rmtree(old, ignore_errors=True)
        target.replace(old)
        staging.replace(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.replace(target)
    return target


def remove_model(name: str) -> int:
    """Delete the installed model ``name`` and any unfinished download of it; bytes freed."""
    freed = 0
    for folder in (install_dir(name), staging_dir(name)):
        if folder.is_dir():
            freed += sum(item.stat().st_size for item in folder.rglob("*") if item.is_file())
            shutil.rmtree(folder)
    return freed


class _Counter:
    """Adds up bytes across the files of one download and checks for cancellation."""

    def __init__(
        self,
        total: int,
        present: int,
        progress: ByteProgress | None,
        stop: threading.Event,
        name: str,
    ) -> None:
        self.name = name
        self.total = total
        self.done = present
        self._progress = progress
        self._stop = stop

    def add(self, count: int) -> None:
        # Raised before the chunk is written: the .part file holds only whole, received data.
        if self._stop.is_set():
            raise _cancelled(self.name)
        self.done += count
        self.report()

    def discard(self, count: int) -> None:
        self.done = max(0, self.done - count)
        self.report()

    def report(self) -> None:
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total)


class _BarAdapter:
    """Stands in for the tqdm bar ``http_get`` draws, feeding a :class:`_Counter` instead."""

    def __init__(self, *, counter: _Counter, **_: Any) -> None:
        self._counter = counter

    def __enter__(self) -> _BarAdapter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def update(self, count: int) -> None:
        if count < 0:
            self._counter.discard(-count)
        else:
            self._counter.add(count)


def _cancelled(name: str) -> CancelledByUserError:
    return CancelledByUserError(
        f"The download of {name} was cancelled",
        fix=f"Run 'sori models download {name}' again to continue where it stopped.",
        message_ko=f"{name} 내려받기를 취소했습니다",
        fix_ko=f"'sori models download {name}'을(를) 다시 실행하면 멈춘 곳부터 이어 받습니다.",
    )


def _write_record(path: Path, name: str, remote: RemoteModel) -> None:
    data = {"name": name, "repo_id": remote.repo_id, "revision": remote.revision}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.replace(path)


def _size_text(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _hub_answer_error(repo_id: str, detail: str) -> ServerError:
    return ServerError(
        f"The hub's answer about {repo_id} is incomplete ({detail})",
        fix="If HF_ENDPOINT is set, check that it points to a Hugging Face hub or mirror; "
        "otherwise try again later.",
        message_ko=f"{repo_id}에 대한 허브의 응답이 불완전합니다({detail})",
        fix_ko="HF_ENDPOINT를 설정했다면 허깅페이스 허브나 미러를 가리키는지 확인하고, "
        "아니면 나중에 다시 시도하세요.",
    )


class _hub_errors(contextlib.AbstractContextManager["_hub_errors"]):
    """Turns huggingface_hub, HTTP and disk errors into Sori's errors, naming the repository."""

    def __init__(self, repo_id: str, filename: str | None = None) -> None:
        self.repo_id = repo_id
        self.what = f"{repo_id}/{filename}" if filename else repo_id

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None or isinstance(exc, SoriError | KeyboardInterrupt):
            return
        converted = self.convert(exc)
        if converted is not None:
            raise converted from exc

    def convert(self, exc: BaseException) -> SoriError | None:
        repo = self.repo_id
        if isinstance(exc, GatedRepoError):
            return ConfigurationError(
                f"The hub repository '{repo}' needs an account and accepted terms",
                fix="Choose a model from 'sori models list', or download it yourself and give "
                "its folder with --model DIR.",
                message_ko=f"허브 저장소 '{repo}'은(는) 계정과 약관 동의가 필요합니다",
                fix_ko="'sori models list'의 모델을 고르거나, 직접 내려받아 --model 폴더로 "
                "지정하세요.",
            )
        if isinstance(exc, RepositoryNotFoundError):
            return ConfigurationError(
                f"The hub has no model repository '{repo}'",
                fix="Check the name; 'sori models list' shows the models Sori knows.",
                message_ko=f"허브에 '{repo}' 모델 저장소가 없습니다",
                fix_ko="이름을 확인하세요. 'sori models list'에 Sori가 아는 모델이 나옵니다.",
            )
        if isinstance(exc, RevisionNotFoundError | RemoteEntryNotFoundError):
            return ServerError(
                f"The hub no longer has {self.what}",
                fix="The repository changed while downloading; run the download again.",
                message_ko=f"허브에 {self.what}이(가) 더 이상 없습니다",
                fix_ko="내려받는 동안 저장소가 바뀌었습니다. 다시 내려받으세요.",
            )
        if isinstance(exc, OfflineModeIsEnabled):
            return NetworkError(
                "Downloads are switched off (HF_HUB_OFFLINE is set)",
                fix="Unset HF_HUB_OFFLINE to download, or use the built-in 'base' model.",
                message_ko="내려받기가 꺼져 있습니다(HF_HUB_OFFLINE 설정됨)",
                fix_ko="HF_HUB_OFFLINE을 해제하거나 내장 'base' 모델을 쓰세요.",
            )
        if isinstance(exc, HfHubHTTPError):
            status = exc.response.status_code if exc.response is not None else 0
            return self._http_status(status)
        if isinstance(exc, httpx2.TimeoutException | httpx2.TransportError):
            return NetworkError(
                f"Could not reach the model hub while downloading {self.what} "
                f"({type(exc).__name__})",
                message_ko=f"{self.what}을(를) 내려받는 중 모델 허브에 연결할 수 없습니다",
            )
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return NotEnoughDiskSpaceError(
                f"The disk filled up while downloading {self.what}",
                fix="Free some space, then run the download again; it continues where it stopped.",
                message_ko=f"{self.what}을(를) 내려받는 중 디스크가 가득 찼습니다",
                fix_ko="공간을 확보한 뒤 다시 내려받으면 멈춘 곳부터 이어 받습니다.",
            )
        if isinstance(exc, OSError) and exc.errno is None:
            # http_get's own check: the server sent fewer or more bytes than announced.
            return NetworkError(
                f"The download of {self.what} ended early ({exc})".split("\n", 1)[0],
                fix="Run the download again; it continues where it stopped.",
                message_ko=f"{self.what} 내려받기가 중간에 끊겼습니다",
                fix_ko="다시 내려받으면 멈춘 곳부터 이어 받습니다.",
            )
        return None

    def _http_status(self, status: int) -> SoriError:
        if status == 429:
            return RateLimitError(
                "The model hub is refusing requests for now (too many requests)",
                message_ko="모델 허브가 지금은 요청을 받지 않습니다(요청이 너무 많음)",
            )
        if status in (401, 403):
            return ConfigurationError(
                f"The hub refused access to {self.what} (HTTP {status})",
                fix="Choose a public model from 'sori models list'.",
                message_ko=f"허브가 {self.what}에 대한 접근을 거부했습니다(HTTP {status})",
                fix_ko="'sori models list'의 공개 모델을 고르세요.",
            )
        return ServerError(
            f"The model hub failed while serving {self.what} (HTTP {status})",
            message_ko=f"모델 허브가 {self.what}을(를) 보내는 중 실패했습니다(HTTP {status})",
        )
