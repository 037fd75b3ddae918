"""Every export format, read back with a real parser, plus the registry and atomic writing."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import stat
from pathlib import Path

import pytest
import srt
import webvtt
from docx import Document
from docx.oxml.ns import qn

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.export import FORMATS, ExportOptions, export_transcript, get_format, render
from desktop_app.export.atomic import write_atomically


def sample() -> Transcript:
    """Two speakers, a turn of two segments, markup characters, an hour mark and no-speaker."""
    return Transcript(
        segments=[
            Segment(
                0.0,
                2.5,
                "안녕하세요, 여러분.",
                speaker="S1",
                confidence=0.91,
                words=[Word(0.0, 1.2, "안녕하세요,", 0.9), Word(1.3, 2.5, "여러분.", -0.2)],
            ),
            Segment(2.5, 5.0, "오늘은 *특별한* 날 <b>&</b> [링크](x)", speaker="S1"),
            Segment(5.2, 9.0, "네, 반갑습니다.", speaker="S2", confidence=None),
            Segment(9.0, 9.5, "   ", speaker="S2"),
            Segment(3725.25, 3728.0, "한 시간이 지났습니다", speaker=None),
        ],
        speakers=[Speaker("S1", "김민수"), Speaker("S2", "이지영")],
        language="ko",
        engine="local",
        source="/recordings/회의 녹음.mp3",
        duration=3730.0,
    )


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# --- registry ------------------------------------------------------------------------------------


def test_registry_names_extensions_and_descriptions() -> None:
    assert list(FORMATS) == ["txt", "srt", "vtt", "json", "md", "csv", "docx"]
    for name, spec in FORMATS.items():
        assert spec.name == name
        assert spec.extension == f".{name}"
        assert spec.description and spec.description_ko
    assert [n for n, s in FORMATS.items() if s.binary] == ["docx"]


@pytest.mark.parametrize("alias", ["SRT", ".srt", " srt "])
def test_format_lookup_ignores_case_and_dot(alias: str) -> None:
    assert get_format(alias).name == "srt"


def test_unknown_format_lists_valid_ones() -> None:
    with pytest.raises(ConfigurationError) as caught:
        render(sample(), "pdf")
    for name in FORMATS:
        assert name in str(caught.value)
        assert name in caught.value.describe("ko")
    assert "pdf" in (caught.value.message_ko or "")


@pytest.mark.parametrize(
    "bad",
    [
        {"subtitles": "korean-broadcast"},  # subtitle numbers: tests/unit/test_subtitle_rules.py
        {"docx_east_asian_font": " "},
    ],
)
def test_invalid_options_are_configuration_errors(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ExportOptions(**bad)  # type: ignore[arg-type]
    assert caught.value.message_ko


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize(
    "transcript",
    [
        Transcript(),
        Transcript(segments=[Segment(0, 1, ""), Segment(1, 2, " \n ")], source=""),
    ],
    ids=["empty", "only-blank-segments"],
)
def test_every_format_handles_a_transcript_without_text(fmt: str, transcript: Transcript) -> None:
    data = render(transcript, fmt)
    if fmt == "srt":
        assert list(srt.parse(data.decode("utf-8"))) == []
    elif fmt == "vtt":
        assert len(webvtt.from_string(data.decode("utf-8"))) == 0
    elif fmt == "json":
        assert Transcript.from_dict(json.loads(data)) == transcript
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
            ["start", "end", "speaker", "text"]
        ]
    elif fmt == "docx":
        paragraphs = Document(io.BytesIO(data)).paragraphs
        assert paragraphs[0].text == "Transcript"
        assert len(paragraphs) == 2
    elif fmt == "md":
        assert data.decode("utf-8").startswith("# Transcript\n")
    else:
        assert data == b""


# --- TXT -----------------------------------------------------------------------------------------


def test_txt_default_has_names_without_timestamps() -> None:
    lines = render(sample(), "txt").decode("utf-8").splitlines()
    assert lines == [
        "김민수: 안녕하세요, 여러분.",
        "김민수: 오늘은 *특별한* 날 <b>&</b> [링크](x)",
        "이지영: 네, 반갑습니다.",
        "한 시간이 지났습니다",
    ]


def test_txt_timestamps_cover_hours_and_names_can_be_hidden() -> None:
    options = ExportOptions(timestamps=True, speaker_names=False)
    lines = render(sample(), "txt", options).decode("utf-8").splitlines()
    assert lines[0] == "[00:00:00] 안녕하세요, 여러분."
    assert lines[-1] == "[01:02:05] 한 시간이 지났습니다"
    assert all("김민수" not in line for line in lines)


def test_txt_speaker_without_table_entry_shows_its_id() -> None:
    transcript = Transcript(segments=[Segment(0, 1, "텍스트\n둘째 줄", speaker="spk3")])
    assert render(transcript, "txt").decode("utf-8") == "spk3: 텍스트 둘째 줄\n"


# --- SRT -----------------------------------------------------------------------------------------


def test_srt_parses_back_with_names_at_turn_changes() -> None:
    subtitles = list(srt.parse(render(sample(), "srt").decode("utf-8")))
    contents = [s.content for s in subtitles]
    assert contents[0].startswith("김민수:")
    assert not any(c.startswith("김민수:") for c in contents[1:])
    assert sum(c.startswith("이지영:") for c in contents) == 1
    joined = " ".join(c.replace("\n", " ") for c in contents)
    assert "오늘은 *특별한* 날 <b>&</b> [링크](x)" in joined
    assert "한 시간이 지났습니다" in joined
    last = subtitles[-1]
    assert last.start.total_seconds() == pytest.approx(3725.25)
    assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))


def test_srt_hours_timestamp_text() -> None:
    text = render(sample(), "srt").decode("utf-8")
    assert "01:02:05,250 --> 01:02:08,000" in text


def test_srt_without_names_has_no_prefix() -> None:
    text = render(sample(), "srt", ExportOptions(speaker_names=False)).decode("utf-8")
    assert "김민수" not in text and "이지영" not in text


# --- WebVTT --------------------------------------------------------------------------------------


def test_vtt_parses_back_with_voices_and_escaping() -> None:
    data = render(sample(), "vtt").decode("utf-8")
    assert data.startswith("WEBVTT\n\n")
    captions = webvtt.from_string(data).captions
    assert captions[0].voice == "김민수"
    assert any(c.voice == "이지영" for c in captions)
    assert captions[-1].voice is None
    text = " ".join(html.unescape(c.text).replace("\n", " ") for c in captions)
    assert "오늘은 *특별한* 날 <b>&</b> [링크](x)" in text
    assert "<b>" not in data and "&amp;" in data and "&lt;b&gt;" in data
    assert captions[-1].start == "01:02:05.250"
    assert captions[-1].end == "01:02:08.000"


def test_vtt_escapes_speaker_names_and_timing_arrows() -> None:
    transcript = Transcript(
        segments=[Segment(0, 2, "a --> b & c", speaker="x")],
        speakers=[Speaker("x", "A&B <C>")],
        language="en",
    )
    data = render(transcript, "vtt").decode("utf-8")
    caption = webvtt.from_string(data).captions[0]
    assert html.unescape(caption.voice or "") == "A&B <C>"
    assert html.unescape(caption.text) == "a --> b & c"
    assert data.count("-->") == 1


# --- JSON ----------------------------------------------------------------------------------------


def test_json_is_exactly_to_dict_and_round_trips() -> None:
    transcript = sample()
    data = render(transcript, "json")
    assert "회의 녹음".encode() in data  # not \\u-escaped
    assert json.loads(data) == transcript.to_dict()
    assert (
        data.decode("utf-8")
        == json.dumps(transcript.to_dict(), ensure_ascii=False, indent=2) + "\n"
    )
    assert Transcript.from_dict(json.loads(data)) == transcript


def test_json_writes_non_finite_numbers_as_null() -> None:
    transcript = Transcript(segments=[Segment(0, 1, "가", confidence=float("nan"))])
    loaded = json.loads(render(transcript, "json"))
    assert loaded["segments"][0]["confidence"] is None


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_title_metadata_and_turns() -> None:
    blocks = render(sample(), "md").decode("utf-8").strip().split("\n\n")
    assert blocks[0] == "# 회의 녹음"
    assert blocks[1] == "*Engine: local · Language: ko · Duration: 01:02:10*"
    assert len(blocks) == 2 + 3  # two segments of 김민수 share one paragraph
    first = blocks[2]
    assert first.startswith("**\\[00:00:00\\] 김민수:** 안녕하세요, 여러분. 오늘은")
    assert blocks[3].startswith("**\\[00:00:05\\] 이지영:**")
    assert blocks[4] == "**\\[01:02:05\\]** 한 시간이 지났습니다"


def test_markdown_escapes_markup() -> None:
    paragraph = render(sample(), "md").decode("utf-8").split("\n\n")[2]
    assert "\\*특별한\\*" in paragraph
    assert "\\<b\\>\\&\\</b\\>" in paragraph
    assert "\\[링크\\](x)" in paragraph
    assert "오늘은 *특별한* 날 <b>&</b> [링크](x)" in unescape_markdown(paragraph)


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_has_bom_header_and_quoted_rows() -> None:
    transcript = sample()
    transcript.segments.append(Segment(3729.0, 3729.9996, 'He said "hi",\nthen left', "S2"))
    data = render(transcript, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["start", "end", "speaker", "text"]
    assert rows[1] == ["0.000", "2.500", "김민수", "안녕하세요, 여러분."]
    assert rows[4] == ["3725.250", "3728.000", "", "한 시간이 지났습니다"]
    assert rows[5] == ["3729.000", "3730.000", "이지영", 'He said "hi",\nthen left']
    assert len(rows) == 6  # the blank segment is skipped


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_layout_bold_speakers_and_order() -> None:
    document = Document(io.BytesIO(render(sample(), "docx")))
    paragraphs = document.paragraphs
    assert paragraphs[0].style is not None and paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == "회의 녹음"
    assert paragraphs[1].text == "Engine: local · Language: ko · Duration: 01:02:10"
    body = paragraphs[2:]
    assert [p.text for p in body] == [
        "[00:00:00] 김민수: 안녕하세요, 여러분.",
        "[00:00:02] 김민수: 오늘은 *특별한* 날 <b>&</b> [링크](x)",
        "[00:00:05] 이지영: 네, 반갑습니다.",
        "[01:02:05] 한 시간이 지났습니다",
    ]
    bold = [[r.text for r in p.runs if r.bold] for p in body]
    assert bold == [["김민수"], ["김민수"], ["이지영"], []]
    assert all(not r.bold for p in body for r in p.runs if r.text.startswith("["))
    assert document.core_properties.title == "회의 녹음"


def test_docx_names_an_east_asian_font() -> None:
    options = ExportOptions(docx_east_asian_font="맑은 고딕")
    document = Document(io.BytesIO(render(sample(), "docx", options)))
    for name in ("Normal", "Title"):
        rpr = document.styles[name].element.rPr
        assert rpr is not None
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts is not None
        assert fonts.get(qn("w:eastAsia")) == "맑은 고딕"
        assert fonts.get(qn("w:eastAsiaTheme")) is None
        lang = rpr.find(qn("w:lang"))
        assert lang is not None and lang.get(qn("w:eastAsia")) == "ko-KR"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    default_fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default_fonts is not None and default_fonts.get(qn("w:eastAsia")) == "맑은 고딕"


def test_docx_drops_characters_xml_cannot_hold() -> None:
    transcript = Transcript(segments=[Segment(0, 1, "벨\x07소리\x00", speaker="s")])
    document = Document(io.BytesIO(render(transcript, "docx")))
    assert document.paragraphs[-1].text == "[00:00:00] s: 벨소리"


# --- Korean text and odd values ------------------------------------------------------------------


def test_decomposed_hangul_is_composed_in_text_formats() -> None:
    decomposed = "\u1112\u1161\u11ab\u1100\u1173\u11af"  # 한글 as jamo
    transcript = Transcript(segments=[Segment(0, 1, decomposed)])
    for fmt in ("txt", "srt", "vtt", "md", "csv"):
        assert "한글" in render(transcript, fmt).decode("utf-8-sig"), fmt


def test_negative_times_and_confidences_are_tolerated() -> None:
    transcript = Transcript(
        segments=[
            Segment(-0.5, 1.0, "앞", confidence=-1.0),
            Segment(1.0, 2.0, "뒤", confidence=None),
        ]
    )
    first = next(srt.parse(render(transcript, "srt").decode("utf-8")))
    assert first.start.total_seconds() == 0
    rows = list(csv.reader(io.StringIO(render(transcript, "csv").decode("utf-8-sig"))))
    assert rows[1][:2] == ["-0.500", "1.000"]
    assert json.loads(render(transcript, "json"))["segments"][0]["confidence"] == -1.0


# --- writing files -------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_writes_the_rendered_bytes(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "nested" / f"회의{FORMATS[fmt].extension}"
    written = export_transcript(sample(), fmt, target)
    assert written == target
    if fmt == "docx":
        assert Document(str(target)).paragraphs[0].text == "회의 녹음"
    else:
        assert target.read_bytes() == render(sample(), fmt)
    assert leftovers(target.parent) == []


def test_failed_render_leaves_the_earlier_export(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    export_transcript(sample(), "txt", target)
    before = target.read_bytes()
    broken = Transcript(segments=[Segment(0, 1, None)])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        export_transcript(broken, "txt", target)
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_failure_while_writing_keeps_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "out.srt"
    target.write_bytes(b"old contents")

    def chunks():
        yield b"half of a new "
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_atomically(target, chunks())
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_permissions_are_kept_or_follow_umask(tmp_path: Path) -> None:
    existing = tmp_path / "shared.txt"
    existing.write_bytes(b"x")
    existing.chmod(0o640)
    export_transcript(sample(), "txt", existing)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640

    fresh = tmp_path / "fresh.txt"
    old_umask = os.umask(0o022)
    try:
        export_transcript(sample(), "txt", fresh)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_a_symlinked_export_updates_the_linked_file(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(b"old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    export_transcript(sample(), "txt", link)
    assert link.is_symlink()
    assert real.read_bytes() == render(sample(), "txt")


def test_writing_onto_a_folder_is_a_configuration_error(tmp_path: Path) -> None:
    folder = tmp_path / "out.txt"
    folder.mkdir()
    with pytest.raises(ConfigurationError) as caught:
        export_transcript(sample(), "txt", folder)
    assert str(folder) in str(caught.value)
    assert caught.value.message_ko and caught.value.fix_ko


def test_unwritable_location_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigurationError) as caught:
        export_transcript(sample(), "txt", blocker / "out.txt")
    assert "out.txt" in str(caught.value)


def test_no_format_carries_a_presigned_urls_signature() -> None:
    url = "https://bucket.invalid/%ED%9A%8C%EC%9D%98.m4a?X-Amz-Signature=deadbeef&token=AKIAX"
    transcript = Transcript([Segment(0.0, 1.0, "안녕하세요", "S1")], source=url, duration=1.0)
    for name in FORMATS:
        data = render(transcript, name, ExportOptions())
        assert b"deadbeef" not in data and b"AKIAX" not in data, name
    exported = json.loads(render(transcript, "json", ExportOptions()))
    assert exported["source"] == "https://bucket.invalid/%ED%9A%8C%EC%9D%98.m4a"


def test_write_failures_have_one_exit_code(tmp_path: Path) -> None:
    from desktop_app.core.errors import OutputError

    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError) as caught:
        write_atomically(tmp_path / "taken", [b"x"])
    assert caught.value.exit_code == 7 and isinstance(caught.value, ConfigurationError)
