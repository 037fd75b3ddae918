"""Fixtures for the packaging tests: the built artefacts, named by environment variables.

- ``SORI_WHEEL=dist/sori-<version>-py3-none-any.whl``: the wheel is installed into a fresh
  virtual environment (its dependencies come from the package index, or pip's cache) and its
  ``sori`` is run from there, away from the source tree.
- ``SORI_BUNDLE=out/pyinstaller/dist/sori``: the PyInstaller one-folder bundle.

``scripts/package`` builds both and sets these. Without them the artefact tests are skipped;
the checks of the packaging sources (desktop file, metadata, icons, spec) always run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"

# Variables that would make a child process use the source tree or this test's environment.
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "QT_PLUGIN_PATH")


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a run of a built artefact: private settings and data folders."""
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    env.update(
        SORI_CONFIG_DIR=str(home / "config"),
        SORI_DATA_DIR=str(home / "data"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.update(extra)
    return env


@dataclass(frozen=True)
class Artefact:
    """A built Sori: ``kind`` is "wheel" or "bundle", ``sori`` its executable."""

    kind: str
    sori: Path

    def run(
        self,
        *args: str | Path,
        home: Path,
        env: dict[str, str] | None = None,
        prefix: Sequence[str] = (),
        timeout: float = 600,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``sori ARGS`` (after ``prefix``, e.g. xvfb-run) from ``home``, not the repo."""
        home.mkdir(parents=True, exist_ok=True)
        return subprocess.run(
            [*prefix, str(self.sori), *map(str, args)],
            cwd=home,
            env=child_env(home, **(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _artefact_path(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        pytest.skip(f"{variable} is not set (scripts/package builds the artefacts and sets it)")
    path = Path(value).resolve()
    if not path.exists():
        pytest.fail(f"{variable}={value} does not exist")
    return path


@pytest.fixture(scope="session")
def wheel_file() -> Path:
    return _artefact_path("SORI_WHEEL")


@pytest.fixture(scope="session")
def wheel_venv(wheel_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel (and its dependencies) installed."""
    target = tmp_path_factory.mktemp("wheel-venv")
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    python = target / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    result = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(wheel_file),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in _LEAKY},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return target


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    return _artefact_path("SORI_BUNDLE")


def _executable(folder: Path, name: str) -> Path:
    return folder / (f"{name}.exe" if sys.platform == "win32" else name)


@pytest.fixture(scope="session")
def wheel_artefact(wheel_venv: Path) -> Artefact:
    return Artefact(
        "wheel", _executable(wheel_venv / ("Scripts" if os.name == "nt" else "bin"), "sori")
    )


@pytest.fixture(scope="session")
def bundle_artefact(bundle_dir: Path) -> Artefact:
    return Artefact("bundle", _executable(bundle_dir, "sori"))


@pytest.fixture(params=["wheel", "bundle"])
def artefact(request: pytest.FixtureRequest) -> Iterator[Artefact]:
    """Each built artefact in turn (skipped when its variable is not set)."""
    yield request.getfixturevalue(f"{request.param}_artefact")
