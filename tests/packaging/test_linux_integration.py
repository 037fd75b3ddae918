"""The Linux desktop integration files: valid for the freedesktop tools, in step with the app
(its id, version, the file types it opens), and installable by packaging/linux/install.sh."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop_app import APP_ID, __version__
from tests.packaging.conftest import PACKAGING

LINUX = PACKAGING / "linux"
DESKTOP = LINUX / "sori.desktop"
METAINFO = LINUX / "app.sori.Sori.metainfo.xml"
INSTALL = LINUX / "install.sh"
MIME_GLOBS = Path("/usr/share/mime/globs2")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def run_tool(*command: str | Path) -> subprocess.CompletedProcess[str]:
    if shutil.which(str(command[0])) is None:
        pytest.skip(f"{command[0]} is not installed (scripts/package installs it)")
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=120, check=False
    )


def test_desktop_file_is_valid() -> None:
    result = run_tool("desktop-file-validate", DESKTOP)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_is_valid() -> None:
    result = run_tool("appstreamcli", "validate", "--no-net", METAINFO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_names_and_command() -> None:
    entry = desktop_entry()
    assert DESKTOP.name == f"{APP_ID}.desktop"  # QGuiApplication.setDesktopFileName(APP_ID)
    assert entry["Name[ko]"] == "소리"
    assert entry["Comment[ko]"] and entry["GenericName[ko]"]
    assert entry["Exec"] == "sori %F"  # files opened with Sori arrive as `sori FILE...`
    assert entry["Icon"] == "sori"


def test_desktop_entry_opens_every_type_the_window_accepts() -> None:
    """Each suffix the drop zone accepts maps (in the shared MIME database) to a listed type."""
    if not MIME_GLOBS.is_file():
        pytest.skip("the shared MIME database (shared-mime-info) is not installed")
    from desktop_app.ui.drop_zone import MEDIA_SUFFIXES

    listed = set(desktop_entry()["MimeType"].strip(";").split(";"))
    globs: dict[str, set[str]] = {}
    for line in MIME_GLOBS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        _weight, mime, pattern = line.split(":")[:3]
        globs.setdefault(pattern.lower(), set()).add(mime)
    for suffix in MEDIA_SUFFIXES:
        types = globs.get(f"*{suffix}", set())
        assert types & listed, f"{suffix}: none of {sorted(types)} in MimeType"


def test_metainfo_matches_the_app() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("icon[@type='stock']") == desktop_entry()["Icon"]
    assert root.findtext("provides/binary") == "sori"
    versions = [release.get("version") for release in root.iterfind("releases/release")]
    assert versions[0] == __version__
    names = {element.get(XML_LANG): element.text for element in root.iterfind("name")}
    assert names == {None: "Sori", "ko": "소리"}
    assert any(e.get(XML_LANG) == "ko" for e in root.iterfind("summary"))
    listed = set(desktop_entry()["MimeType"].strip(";").split(";"))
    assert {e.text for e in root.iterfind("provides/mediatype")} <= listed


def test_install_and_uninstall_into_a_prefix(tmp_path: Path) -> None:
    prefix = tmp_path / "usr"
    result = subprocess.run(
        ["bash", str(INSTALL), "--prefix", str(prefix)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    share = prefix / "share"
    installed = share / "applications" / "sori.desktop"
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    assert (share / "icons/hicolor/scalable/apps/sori.svg").is_file()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert (share / f"icons/hicolor/{size}x{size}/apps/sori.png").is_file()
    assert "Exec=" in installed.read_text(encoding="utf-8")
    if shutil.which("appstreamcli"):
        tree = run_tool("appstreamcli", "validate-tree", "--no-net", tmp_path)
        assert tree.returncode == 0, tree.stdout + tree.stderr

    result = subprocess.run(
        ["bash", str(INSTALL), "--prefix", str(prefix), "--uninstall"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    left = [p for p in prefix.rglob("*") if p.is_file() and p.name != "mimeinfo.cache"]
    assert left == []
