"""The HTML and JSON exports of a comparison."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from desktop_app.core.compare import align
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.export.compare_html import render_comparison_json, render_html
from desktop_app.export.json_data import render_json
from desktop_app.export.options import ExportOptions


def transcript(*texts: str, source: str = "meeting.m4a") -> Transcript:
    return Transcript(
        segments=[Segment(i * 3.0, (i + 1) * 3.0, x) for i, x in enumerate(texts)],
        source=source,
        duration=3.0 * len(texts),
    )


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.marks: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_mark = tag == "mark"

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark:
            self.marks.append(data)


def parse(page: bytes) -> _Collector:
    collector = _Collector()
    collector.feed(page.decode("utf-8"))
    return collector


def test_page_is_self_contained_with_summary_and_marks() -> None:
    comparison = align(
        {
            "local": transcript("오늘 회의는 세 시에 합니다"),
            "rtzr": transcript("오늘 회의는 네 시에 합니다"),
        }
    )
    page = render_html(comparison)
    parsed = parse(page)
    text = "".join(parsed.text)
    assert "90.9%" in text and "meeting.m4a" in text and "local, rtzr" in text
    assert sorted(parsed.marks) == ["네", "세"]
    rows = [attrs for tag, attrs in parsed.tags if tag == "tr" and attrs.get("class") == "differ"]
    assert len(rows) == 1
    for tag, attrs in parsed.tags:
        assert tag not in {"link", "img", "iframe"}
        assert "src" not in attrs and "href" not in attrs
    assert not re.search(rb"https?://", page)


def test_everything_is_escaped() -> None:
    hostile = "<script>alert('x')</script> & <b>굵게</b>"
    comparison = align(
        {"a": transcript(hostile, source="<img src=x>.wav"), "b": transcript("다른 말 & 그")}
    )
    comparison.failures["nhn"] = "<script>bad</script>"
    page = render_html(comparison).decode("utf-8")
    assert "<script>alert" not in page and "<b>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x&gt;.wav" in page
    assert page.count("<script>") == 1  # only the page's own key handling
    parsed = parse(page.encode())
    assert "failed: <script>bad</script>" in "".join(parsed.text)


def test_no_script_when_everything_agrees() -> None:
    comparison = align({"a": transcript("같은 말"), "b": transcript("같은  말")})
    page = render_html(comparison).decode("utf-8")
    assert "<script>" not in page and "100.0%" in page


def test_json_keeps_the_schema() -> None:
    comparison = align({"a": transcript("가 나 다"), "b": transcript("가 너 다")})
    data = json.loads(render_comparison_json(comparison))
    assert data["engines"] == ["a", "b"]
    assert data["transcripts"]["a"] == json.loads(
        render_json(comparison.transcripts["a"], ExportOptions())
    )
    assert [s["agree"] for s in data["spans"]] == [True, False, True]
    assert data["spans"][1]["texts"] == {"a": "나", "b": "너"}
