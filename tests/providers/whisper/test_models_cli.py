"""``sori models list|download|remove`` against the local hub emulator, in-process and as a
real ``python -m desktop_app`` process stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.providers.whisper.download import partial_bytes, staging_dir
from desktop_app.providers.whisper.models import CATALOG, install_dir, resolve_model
from tests.conftest import REPO
from tests.emulators import EmulatorServer
from tests.emulators.hf_hub import HubEmulator
from tests.providers.whisper.model_files import BIG_MODEL_BYTES, model_files, start_hub


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SORI_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer[HubEmulator]]:
    with start_hub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.base_url)
        yield server


def test_list_shows_every_size_and_what_is_installed(
    hub: EmulatorServer[HubEmulator], capsys: pytest.CaptureFixture[str]
) -> None:
    hub.emulator.add_repo(CATALOG["medium"].repo_id, model_files())
    assert main(["models", "download", "medium"]) == 0
    assert "medium: installed" in capsys.readouterr().out
    assert main(["models", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    by_name = {line.split()[0]: line for line in lines[1:]}
    assert set(by_name) == {"base", "small", "medium", "large-v3", "large-v3-turbo"}
    assert "installed" in by_name["medium"] and str(install_dir("medium")) in by_name["medium"]
    assert "available" in by_name["large-v3"] and "~3.09 GB" in by_name["large-v3"]
    assert "built in" in by_name["base"]


def test_remove_deletes_a_download(
    hub: EmulatorServer[HubEmulator], capsys: pytest.CaptureFixture[str]
) -> None:
    hub.emulator.add_repo(CATALOG["small"].repo_id, model_files())
    assert main(["models", "download", "small"]) == 0
    assert main(["models", "remove", "small"]) == 0
    assert "small: removed" in capsys.readouterr().out
    assert not install_dir("small").exists()
    assert main(["models", "remove", "small"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_bad_names_get_a_message_and_an_error_exit_code(
    hub: EmulatorServer[HubEmulator], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "download", "huge"]) == 6
    assert "no Whisper model called 'huge'" in capsys.readouterr().err
    assert main(["models", "remove", "base"]) == 2
    assert "built into Sori" in capsys.readouterr().err
    assert main(["models", "download", "nobody/nothing"]) == 2
    assert "no model repository 'nobody/nothing'" in capsys.readouterr().err
    assert hub.requests.count(r"/resolve/") == 0


def test_ctrl_c_keeps_the_partial_and_the_next_run_finishes(
    hub: EmulatorServer[HubEmulator], private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = model_files(size=BIG_MODEL_BYTES)
    hub.emulator.add_repo(CATALOG["small"].repo_id, files)
    hub.emulator.chunk_delay = 0.02
    env = {**os.environ, "PYTHONPATH": str(REPO), "SORI_DATA_DIR": str(private_data)}
    command = [sys.executable, "-m", "desktop_app", "models", "download", "small"]
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        part = staging_dir("small") / "model.bin.part"
        while not (part.is_file() and part.stat().st_size) and child.poll() is None:
            assert time.monotonic() < deadline, "the download never started"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert "Run 'sori models download small' again to continue" in err
    assert "Traceback" not in err
    assert partial_bytes("small") >= 1024 * 1024
    assert not install_dir("small").exists()
    assert main(["models", "list"]) == 0
    [row] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("small ")]
    assert "partial" in row and "'sori models download small' continues it" in row

    hub.emulator.chunk_delay = 0.0
    finished = subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    folder = resolve_model("small")
    assert (folder / "model.bin").read_bytes() == files["model.bin"]
    assert any("range" in item.headers for item in hub.requests.all(r"model\.bin$"))
