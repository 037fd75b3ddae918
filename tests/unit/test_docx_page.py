"""DOCX pages are A4 (Korea and most places) unless the locale is US or Canadian (Letter), and
the metadata line names the engine as people know it, not by its id."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.shared import Mm

from desktop_app.export import ExportOptions, render
from desktop_app.export.word_docx import paper_for_locale, system_paper
from tests.ui.samples import meeting


@pytest.mark.parametrize(
    ("name", "paper"),
    [
        ("ko_KR.UTF-8", "A4"),
        ("ko-KR", "A4"),
        ("en_GB.UTF-8", "A4"),
        ("de_DE@euro", "A4"),
        ("C.UTF-8", "A4"),
        ("", "A4"),
        ("en_US.UTF-8", "Letter"),
        ("es_US", "Letter"),
        ("fr_CA.UTF-8", "Letter"),
        ("en-ca", "Letter"),
    ],
)
def test_paper_follows_the_locale(name: str, paper: str) -> None:
    assert paper_for_locale(name) == paper


def page_mm(data: bytes) -> tuple[float, float]:
    section = Document(io.BytesIO(data)).sections[0]
    assert section.page_width is not None and section.page_height is not None
    return round(section.page_width / Mm(1), 1), round(section.page_height / Mm(1), 1)


def test_korean_locale_gives_a4_and_us_gives_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LC_ALL", "LC_PAPER"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert system_paper() == "A4"
    assert page_mm(render(meeting(), "docx", ExportOptions())) == (210.0, 297.0)
    monkeypatch.setenv("LC_PAPER", "en_US.UTF-8")
    assert page_mm(render(meeting(), "docx", ExportOptions())) == (215.9, 279.4)
    assert page_mm(render(meeting(), "docx", ExportOptions(paper="A4"))) == (210.0, 297.0)


def test_metadata_names_the_engine_for_people() -> None:
    data = render(meeting(), "docx", ExportOptions(engine_name="Offline (Vosk)"))
    meta = Document(io.BytesIO(data)).paragraphs[1].text
    assert meta.startswith("Engine: Offline (Vosk) · ")
