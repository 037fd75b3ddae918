"""``sori compare`` and ``--glossary`` on the command line, against the NHN and RTZR emulators
(run as a real subprocess where engines run; usage errors in-process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli import main
from tests.emulators import (
    NHN_APP_KEY,
    NHN_SECRET_KEY,
    RTZR_CLIENT_ID,
    RTZR_CLIENT_SECRET,
    start_emulator,
)
from tests.emulators.nhn import NhnEmulator
from tests.emulators.rtzr import RtzrEmulator
from tests.emulators.server import EmulatorServer

NHN_SYNC = r"^POST /v2\.0/appkeys/[^/]+/stt$"
RTZR_UPLOAD = r"^POST /v1/transcribe$"


@pytest.fixture(scope="module")
def nhn() -> Iterator[EmulatorServer[NhnEmulator]]:
    with start_emulator("nhn") as running:
        yield running


@pytest.fixture(scope="module")
def rtzr() -> Iterator[EmulatorServer[RtzrEmulator]]:
    with start_emulator("rtzr") as running:
        yield running


def sori(
    tmp_path: Path, *args: str | Path, rtzr_secret: str = RTZR_CLIENT_SECRET
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env.update(
        SORI_NHN_APPKEY=NHN_APP_KEY,
        SORI_NHN_SECRET=NHN_SECRET_KEY,
        SORI_RTZR_CLIENT_ID=RTZR_CLIENT_ID,
        SORI_RTZR_CLIENT_SECRET=rtzr_secret,
        SORI_CONFIG_DIR=str(tmp_path / "config"),
        SORI_DATA_DIR=str(tmp_path / "data"),
    )
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def engines(nhn: EmulatorServer[NhnEmulator], rtzr: EmulatorServer[RtzrEmulator]) -> list[str]:
    return [
        "--provider", "nhn", "--provider", "rtzr",
        "--endpoint", f"nhn={nhn.base_url}", "--endpoint", f"rtzr={rtzr.base_url}",
        "--poll-interval", "0.02",
    ]  # fmt: skip


def test_compare_into_a_folder_with_a_glossary(
    nhn: EmulatorServer[NhnEmulator],
    rtzr: EmulatorServer[RtzrEmulator],
    korean_clip: Path,
    tmp_path: Path,
) -> None:
    glossary = tmp_path / "terms.txt"
    glossary.write_text("# 용어\n회의:2 = 구간\nSTT\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = sori(
        tmp_path, "compare", korean_clip, *engines(nhn, rtzr),
        "--glossary", glossary, "--glossary-fix", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "ko_short.compare.json",
        "ko_short.nhn.json",
        "ko_short.rtzr.json",
    ]
    assert nhn.requests.last(NHN_SYNC).form["biasingList"] == ["회의_구간"]
    config = rtzr.requests.last(RTZR_UPLOAD).json_part("config")
    assert config["keywords"] == ["회의"]
    assert "'STT'" in result.stderr and "rtzr" in result.stderr
    data = json.loads((out / "ko_short.compare.json").read_text(encoding="utf-8"))
    assert data["engines"] == ["nhn", "rtzr"] and data["failures"] == {}
    assert set(data["transcripts"]) == {"nhn", "rtzr"}
    for name in ("nhn", "rtzr"):
        alone = json.loads((out / f"ko_short.{name}.json").read_text(encoding="utf-8"))
        assert alone["text"] == data["transcripts"][name]["text"]
        assert "구간" not in alone["text"]  # fixed by the glossary
        joined = "".join(span["texts"][name] for span in data["spans"])
        assert "".join(joined.split()) == "".join(alone["text"].split())
    assert data["agreement"] == 1.0  # both engines were told about 회의


def test_a_failing_engine_is_named_and_the_others_kept(
    nhn: EmulatorServer[NhnEmulator],
    rtzr: EmulatorServer[RtzrEmulator],
    korean_clip: Path,
    tmp_path: Path,
) -> None:
    page = tmp_path / "review.html"
    result = sori(
        tmp_path, "compare", korean_clip, *engines(nhn, rtzr), "-o", page, "-q",
        rtzr_secret="not-the-secret",
    )  # fmt: skip
    assert result.returncode == 3
    assert "rtzr" in result.stderr and "not-the-secret" not in result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "failed:" in html
    assert (tmp_path / "review.nhn.json").is_file()
    assert not (tmp_path / "review.rtzr.json").exists()


def test_json_to_stdout(
    nhn: EmulatorServer[NhnEmulator],
    rtzr: EmulatorServer[RtzrEmulator],
    korean_clip: Path,
    tmp_path: Path,
) -> None:
    result = sori(tmp_path, "compare", korean_clip, *engines(nhn, rtzr), "--keyword", "회의", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["engines"] == ["nhn", "rtzr"]
    assert 0 < data["agreement"] < 1  # only rtzr takes keywords
    differing = [s for s in data["spans"] if not s["agree"]]
    assert differing and all(s["texts"]["rtzr"].endswith("회의") for s in differing)
    assert all("회의" not in s["texts"]["nhn"] for s in differing)


def test_transcribe_with_a_glossary_and_fixes(
    nhn: EmulatorServer[NhnEmulator], korean_clip: Path, tmp_path: Path
) -> None:
    glossary = tmp_path / "terms.txt"
    glossary.write_text("부분 = 구간\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    result = sori(
        tmp_path, "transcribe", korean_clip, "--provider", "nhn", "--endpoint", nhn.base_url,
        "--biasing", "회의_외의", "--glossary", glossary, "--glossary-fix", "-o", out, "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert nhn.requests.last(NHN_SYNC).form["biasingList"] == ["회의_외의", "부분_구간"]
    text = out.read_text(encoding="utf-8")
    assert "부분 1" in text and "구간" not in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--provider", "nhn"], "at least two engines"),
        (["--provider", "nhn", "--provider", "nope"], "Unknown engine 'nope'"),
        (["--provider", "nhn", "--provider", "rtzr", "--endpoint", "x"], "NAME=URL"),
        (["--provider", "nhn", "--provider", "rtzr", "--option", "nope=1"], "option 'nope'"),
        (["--provider", "nhn", "--provider", "rtzr", "--option", "clova-csr:host=gov"],
         "not compared"),
        (["--provider", "nhn", "--provider", "rtzr", "--glossary", "missing.txt"],
         "missing.txt"),
        (["--provider", "nhn", "--provider", "rtzr", "--glossary-fix"], "needs a glossary"),
    ],
)  # fmt: skip
def test_usage_errors(
    args: list[str], needle: str, korean_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(korean_clip), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_glossary_errors_name_the_line(
    korean_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary = tmp_path / "bad.txt"
    glossary.write_text("좋은말\n차단기 =\n", encoding="utf-8")
    code = main(["transcribe", str(korean_clip), "--glossary", str(glossary)])
    assert code == 2
    assert f"{glossary}:2" in capsys.readouterr().err


def test_a_missing_file_fails_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "없는파일.wav"
    assert main(["compare", str(missing), "--provider", "nhn", "--provider", "rtzr"]) == 4
    err = capsys.readouterr().err
    assert "없는파일.wav" in err and len(err.strip().splitlines()) == 1
