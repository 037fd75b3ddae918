"""Downloading Whisper models through huggingface_hub from a local hub emulator (HF_ENDPOINT on
127.0.0.1): progress, cancel and resume, checksums, disk space, and the hub's errors."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.errors import (
    CancelledByUserError,
    ConfigurationError,
    EngineUnavailableError,
    NetworkError,
    ServerError,
)
from desktop_app.providers.whisper import download, models
from desktop_app.providers.whisper.download import (
    SPARE_BYTES,
    DamagedDownloadError,
    NotEnoughDiskSpaceError,
    download_model,
    partial_bytes,
    remove_model,
    staging_dir,
)
from desktop_app.providers.whisper.models import (
    CATALOG,
    check_model_folder,
    install_dir,
    installed_models,
    resolve_model,
)
from tests.emulators import EmulatorServer
from tests.emulators.hf_hub import HubEmulator
from tests.providers.whisper.model_files import BIG_MODEL_BYTES, model_files, start_hub

SMALL_REPO = CATALOG["small"].repo_id
MODEL_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SORI_DATA_DIR", str(folder))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    return folder


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer[HubEmulator]]:
    with start_hub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.base_url)
        yield server


@pytest.fixture(scope="module")
def big_files() -> dict[str, bytes]:
    return model_files(size=BIG_MODEL_BYTES)


class Reports:
    """Collects (done, total) progress reports; optionally sets ``cancel`` past a byte count."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.seen: list[tuple[int, int]] = []
        self.cancel = threading.Event()
        self._cancel_after = cancel_after

    def __call__(self, done: int, total: int) -> None:
        self.seen.append((done, total))
        if self._cancel_after is not None and done >= self._cancel_after:
            self.cancel.set()


def _same_files(folder: Path, files: dict[str, bytes]) -> bool:
    return all((folder / name).read_bytes() == files[name] for name in MODEL_FILES)


def test_a_model_downloads_with_progress_and_installs_whole(
    hub: EmulatorServer[HubEmulator], big_files: dict[str, bytes]
) -> None:
    hub.emulator.add_repo(SMALL_REPO, big_files)
    reports = Reports()
    folder = download_model("small", progress=reports, cancel=reports.cancel)

    assert folder == install_dir("small") and check_model_folder(folder) == folder
    assert _same_files(folder, big_files)
    assert not (folder / "README.md").exists()
    total = sum(len(big_files[name]) for name in MODEL_FILES)
    assert reports.seen[0] == (0, total) and reports.seen[-1] == (total, total)
    done = [seen for seen, _ in reports.seen]
    assert done == sorted(done) and len(done) > 3
    assert resolve_model("small") == folder
    [listed] = installed_models()
    assert (listed.name, listed.repo_id) == ("small", SMALL_REPO)
    assert listed.size_bytes >= total
    assert not staging_dir("small").exists()
    # Installed: asking again does not touch the network.
    hub.requests.clear()
    assert download_model("small") == folder
    assert hub.requests.count() == 0


def test_a_cancelled_download_keeps_its_part_and_resumes_with_a_range(
    hub: EmulatorServer[HubEmulator], big_files: dict[str, bytes]
) -> None:
    hub.emulator.add_repo(SMALL_REPO, big_files)
    first = Reports(cancel_after=3 * 1024 * 1024)
    with pytest.raises(CancelledByUserError) as caught:
        download_model("small", progress=first, cancel=first.cancel)
    assert "sori models download small" in caught.value.describe("en")
    assert "이어 받습니다" in caught.value.describe("ko")
    kept = partial_bytes("small")
    assert 3 * 1024 * 1024 <= kept < sum(len(data) for data in big_files.values())
    assert not install_dir("small").exists()
    with pytest.raises(EngineUnavailableError, match="not downloaded yet"):
        resolve_model("small")

    hub.requests.clear()
    second = Reports()
    folder = download_model("small", progress=second)
    assert _same_files(folder, big_files)
    assert second.seen[0][0] == kept
    ranged = [
        item.headers.get("range")
        for item in hub.requests.all(r"^GET /.*/resolve/.*/model\.bin$")
        if "range" in item.headers
    ]
    assert ranged, "the second run must continue the part file, not start again"
    assert partial_bytes("small") == 0


def test_a_connection_dropped_mid_file_is_resumed(
    hub: EmulatorServer[HubEmulator], big_files: dict[str, bytes]
) -> None:
    hub.emulator.add_repo(SMALL_REPO, big_files)
    hub.faults.drop_connection(stage="mid_body", match=r"^GET /.*/model\.bin$")
    folder = download_model("small")
    assert _same_files(folder, big_files)
    assert hub.requests.count(r"^GET /.*/model\.bin$") >= 2


def test_a_damaged_file_is_detected_removed_and_fetched_again(
    hub: EmulatorServer[HubEmulator],
) -> None:
    files = model_files()
    hub.emulator.add_repo(SMALL_REPO, files)
    hub.emulator.corrupt = {"model.bin"}
    with pytest.raises(DamagedDownloadError) as caught:
        download_model("small")
    assert "model.bin" in caught.value.describe("en")
    assert "체크섬" in caught.value.describe("ko")
    assert caught.value.transient
    assert not install_dir("small").exists()
    assert not (staging_dir("small") / "model.bin.part").exists()

    hub.emulator.corrupt = set()
    assert _same_files(download_model("small"), files)


def test_a_damaged_small_file_fails_its_git_blob_id(hub: EmulatorServer[HubEmulator]) -> None:
    hub.emulator.add_repo(SMALL_REPO, model_files())
    hub.emulator.corrupt = {"vocabulary.txt"}
    with pytest.raises(DamagedDownloadError, match="vocabulary"):
        download_model("small")


def test_not_enough_disk_space_is_refused_before_downloading(
    hub: EmulatorServer[HubEmulator], big_files: dict[str, bytes]
) -> None:
    hub.emulator.add_repo(SMALL_REPO, big_files)
    asked: list[Path] = []

    def tiny_disk(folder: Path) -> int:
        asked.append(folder)
        return 3 * 1024 * 1024

    with pytest.raises(NotEnoughDiskSpaceError) as caught:
        download_model("small", free_space=tiny_disk)
    text = caught.value.describe("en")
    assert "needs 70.0 MB" in text and "3.0 MB is free" in text
    assert "SORI_DATA_DIR" in text
    assert "디스크 공간이 부족합니다" in caught.value.describe("ko")
    assert asked and hub.requests.count(r"/resolve/") == 0


def test_the_space_check_counts_what_is_already_downloaded(
    hub: EmulatorServer[HubEmulator], big_files: dict[str, bytes]
) -> None:
    hub.emulator.add_repo(SMALL_REPO, big_files)
    first = Reports(cancel_after=1)
    with pytest.raises(CancelledByUserError):
        download_model("small", progress=first, cancel=first.cancel)
    total = sum(len(big_files[name]) for name in MODEL_FILES)
    rest = total - partial_bytes("small")
    folder = download_model("small", free_space=lambda _: rest + SPARE_BYTES)
    assert _same_files(folder, big_files)


def test_an_unknown_name_never_reaches_the_hub(hub: EmulatorServer[HubEmulator]) -> None:
    with pytest.raises(EngineUnavailableError, match="no Whisper model called 'huge'"):
        download_model("huge")
    assert hub.requests.count() == 0


def test_a_repository_the_hub_does_not_have(hub: EmulatorServer[HubEmulator]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        download_model("nobody/no-such-model")
    assert "no model repository 'nobody/no-such-model'" in caught.value.describe("en")
    assert "sori models list" in caught.value.describe("en")
    assert "저장소가 없습니다" in caught.value.describe("ko")


def test_a_repository_without_a_ctranslate2_model(hub: EmulatorServer[HubEmulator]) -> None:
    files = {"config.json": b"{}", "pytorch_model.bin": b"\0" * 100}
    hub.emulator.add_repo("someone/plain-whisper", files)
    with pytest.raises(ConfigurationError, match="no CTranslate2 model"):
        download_model("someone/plain-whisper")


def test_server_errors_are_named_and_keep_the_partial(
    hub: EmulatorServer[HubEmulator], big_files: dict[str, bytes]
) -> None:
    hub.emulator.add_repo(SMALL_REPO, big_files)
    hub.faults.http_error(500, match=r"^GET /api/models/")
    with pytest.raises(ServerError, match="HTTP 500"):
        download_model("small")

    first = Reports(cancel_after=1)
    with pytest.raises(CancelledByUserError):
        download_model("small", progress=first, cancel=first.cancel)
    kept = partial_bytes("small")
    hub.faults.http_error(503, match=r"^GET /.*/model\.bin$")
    with pytest.raises(ServerError) as caught:
        download_model("small")
    assert "HTTP 503" in caught.value.describe("en")
    assert caught.value.transient
    assert partial_bytes("small") >= kept
    assert _same_files(download_model("small"), big_files)


def test_an_unreachable_hub_is_a_network_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with start_hub() as server:
        address = server.base_url
    monkeypatch.setenv("HF_ENDPOINT", address)
    with pytest.raises(NetworkError) as caught:
        download_model("small")
    assert "인터넷 연결" in caught.value.describe("ko")


def test_a_new_revision_discards_the_old_partial(
    hub: EmulatorServer[HubEmulator], big_files: dict[str, bytes]
) -> None:
    hub.emulator.add_repo(SMALL_REPO, big_files, commit="a" * 40)
    first = Reports(cancel_after=1)
    with pytest.raises(CancelledByUserError):
        download_model("small", progress=first, cancel=first.cancel)
    assert partial_bytes("small") > 0
    changed = model_files()
    hub.emulator.add_repo(SMALL_REPO, changed, commit="b" * 40)
    folder = download_model("small")
    assert _same_files(folder, changed)
    assert models.read_install_record(folder)["revision"] == "b" * 40


def test_remove_deletes_the_model_and_its_partial(hub: EmulatorServer[HubEmulator]) -> None:
    files = model_files()
    hub.emulator.add_repo(SMALL_REPO, files)
    folder = download_model("small")
    freed = remove_model("small")
    assert freed >= sum(len(files[name]) for name in MODEL_FILES)
    assert not folder.exists()
    assert remove_model("small") == 0


def test_checksums_are_the_hubs(hub: EmulatorServer[HubEmulator]) -> None:
    files = model_files()
    hub.emulator.add_repo(SMALL_REPO, files)
    manifest = download.fetch_manifest(SMALL_REPO)
    by_name = {item.name: item for item in manifest.files}
    assert set(by_name) == set(MODEL_FILES)
    assert by_name["model.bin"].sha256 == hashlib.sha256(files["model.bin"]).hexdigest()
    assert by_name["config.json"].sha256 is None and by_name["config.json"].blob_id
