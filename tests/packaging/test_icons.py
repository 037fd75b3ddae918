"""The icon files: every size present and readable, the Windows and macOS containers parse, and
all of them are what packaging/icons.py renders from the SVG today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.packaging.conftest import PACKAGING, REPO

Image = pytest.importorskip("PIL.Image", reason="Pillow (dev extra) reads the icon files")

ICONS = REPO / "desktop_app" / "resources" / "icons"
ICO = PACKAGING / "windows" / "sori.ico"
ICNS = PACKAGING / "macos" / "sori.icns"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def test_png_sizes() -> None:
    for size in PNG_SIZES:
        with Image.open(ICONS / f"sori-{size}.png") as image:
            assert image.format == "PNG"
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            assert image.getpixel((0, 0))[3] == 0  # transparent corner: the tile is rounded


def test_windows_icon_parses() -> None:
    with Image.open(ICO) as icon:
        assert icon.format == "ICO"
        assert set(icon.info["sizes"]) == {(s, s) for s in (16, 24, 32, 48, 64, 128, 256)}
        for size in icon.info["sizes"]:
            icon.size = size
            icon.load()
            assert icon.size == size


def test_macos_icon_parses() -> None:
    with Image.open(ICNS) as icon:
        assert icon.format == "ICNS"
        sizes = set(icon.info["sizes"])
        assert {(512, 512, 2), (256, 256, 1), (128, 128, 1), (16, 16, 2)} <= sizes
        icon.size = (512, 512)
        icon.load(scale=2)
        assert icon.size == (1024, 1024)


def _difference(left: Path, right: Path) -> int:
    """The largest difference of any channel of any pixel between two images."""
    with Image.open(left) as a, Image.open(right) as b:
        assert a.size == b.size
        pixels_a = np.asarray(a.convert("RGBA"), dtype=np.int16)
        pixels_b = np.asarray(b.convert("RGBA"), dtype=np.int16)
        return int(np.abs(pixels_a - pixels_b).max())


def test_icons_are_up_to_date(tmp_path: Path) -> None:
    """Rendering again gives the committed files (a few levels of antialiasing noise allowed,
    for a different Qt build)."""
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "icons.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for size in PNG_SIZES:
        name = f"desktop_app/resources/icons/sori-{size}.png"
        assert _difference(REPO / name, tmp_path / name) <= 8, name
    for relative in ("packaging/windows/sori.ico", "packaging/macos/sori.icns"):
        fresh, committed = tmp_path / relative, REPO / relative
        if fresh.read_bytes() != committed.read_bytes():
            with Image.open(fresh) as a, Image.open(committed) as b:
                assert a.info["sizes"] == b.info["sizes"], relative
