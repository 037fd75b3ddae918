"""Output file names made from sources stay inside their folder, on Windows too (checked with
``PureWindowsPath``, whatever system runs the test)."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

import pytest

from desktop_app.export.names import MAX_STEM_BYTES, safe_stem, source_stem

HOSTILE_SOURCES = [
    "https://x.invalid/..%5C..%5Cevil.mp3",
    "https://x.invalid/a/..%2F..%2Fevil.mp3?sig=1",
    "https://x.invalid/C:%5CWindows%5Cevil.mp3",
    "https://x.invalid/%5C%5Cserver%5Cshare%5Cevil.mp3",
    "obs://bucket/..\\..\\evil.m4a",
    "obs://C:evil.m4a",
    "obs://\\\\?\\C:\\evil.m4a",
    "../../evil.mp3",
    "..",
    "...",
    "con.mp3",
    "https://x.invalid/NUL.txt.mp3",
    "https://x.invalid/com1",
    "https://x.invalid/LPT9 .wav",
    "https://x.invalid/COM¹.wav",
    "name. . .mp3",
    "trailing .",
    'a:b*c?d"e<f>g|h\x01.wav',
    "https://x.invalid/",
    "",
]


@pytest.mark.parametrize("source", HOSTILE_SOURCES)
def test_names_from_hostile_sources_stay_in_the_folder(source: str) -> None:
    stem = source_stem(source)
    for extension in (".txt", ".srt"):
        name = f"{stem}{extension}"
        for folder in (PureWindowsPath("C:/Users/me/out"), PureWindowsPath("//srv/share/out")):
            target = folder / name
            assert target.parent == folder and target.name == name, (source, name)
            assert not target.is_reserved(), (source, name)
        posix = PurePosixPath("/home/me/out") / name
        assert posix.parent == PurePosixPath("/home/me/out"), (source, name)
        assert not name.startswith((".", " ")) and not stem.endswith((".", " "))
        assert not any(c in name for c in '\\/:*?"<>|'), (source, name)


@pytest.mark.parametrize(
    ("source", "stem"),
    [
        ("/home/me/회의 녹음.m4a", "회의 녹음"),
        ("https://x.invalid/dir/%ED%9A%8C%EC%9D%98.mp3?X-Amz-Signature=abc", "회의"),
        ("obs://meetings/2024-05-01.m4a", "2024-05-01"),
        ("C:\\Users\\me\\talk.wav", "talk"),
        ("https://x.invalid/..%5C..%5Cevil.mp3", "evil"),
        ("con.mp3", "_con"),
        ("https://x.invalid/", "transcript"),
        ("", "transcript"),
    ],
)
def test_ordinary_names_are_kept(source: str, stem: str) -> None:
    assert source_stem(source) == stem


def test_long_names_are_cut_to_whole_characters() -> None:
    stem = safe_stem("가" * 200)
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES and set(stem) == {"가"}


def test_reserved_device_names_with_extensions() -> None:
    for name in ("CON", "con.backup", "Aux", "nul ", "COM3", "lpt1.tar"):
        assert PureWindowsPath(f"{safe_stem(name)}.txt").is_reserved() is False, name
