"""Word documents (``.docx``) built with python-docx.

Layout: the source name as the title, a metadata line, then one paragraph per segment holding
the start time, the speaker's name in bold and the text.

Word picks the font for each character by script. Hangul uses the *East Asian* slot
(``w:rFonts/@w:eastAsia``), which the python-docx template leaves to the theme; without an
explicit face Word on a non-Korean system may choose a font without Hangul. So the document
defaults and the styles used here name ``ExportOptions.docx_east_asian_font`` ("Malgun Gothic",
which every Windows since Vista has) in that slot, drop the theme reference that would override
it, and mark East-Asian text as Korean.

The page is A4 (Korea and most of the world) unless the system locale is in the United States
or Canada, where it is Letter; ``ExportOptions.paper`` overrides that. The python-docx template
itself is Letter-sized, which printed Korean documents with odd margins.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop_app.core.transcript import Transcript
from desktop_app.export.common import (
    clock,
    metadata_items,
    normalize_text,
    source_title,
    speaker_label,
    xml_safe,
)
from desktop_app.export.options import ExportOptions, base_language

if TYPE_CHECKING:  # python-docx loads when a document is written, not with the window
    from docx.document import Document as DocumentObject
    from lxml.etree import _Element

_TIMESTAMP_RGB = (0x59, 0x59, 0x59)
_STYLES_WITH_FONTS = ("Normal", "Title", "Heading 1")
_EAST_ASIAN_LOCALE = {"ko": "ko-KR", "ja": "ja-JP", "zh": "zh-CN"}
_LETTER_REGIONS = frozenset({"US", "CA"})
_PAGE_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
_MARGIN_MM = 25.0


def paper_for_locale(locale_name: str) -> str:
    """ "Letter" for a US or Canadian locale name (``en_US.UTF-8``, ``fr-CA``), else "A4"."""
    base = locale_name.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    region = base.split("_", 1)[1] if "_" in base else ""
    return "Letter" if region.upper() in _LETTER_REGIONS else "A4"


def system_paper() -> str:
    """The page size the system's locale asks for (the variables the C library reads)."""
    for variable in ("LC_ALL", "LC_PAPER", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return paper_for_locale(value)
    return "A4"


def _set_page(document: DocumentObject, paper: str) -> None:
    from docx.shared import Mm

    width, height = _PAGE_MM.get(paper, _PAGE_MM["A4"])
    for section in document.sections:
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.left_margin = section.right_margin = Mm(_MARGIN_MM)
        section.top_margin = section.bottom_margin = Mm(_MARGIN_MM)


def _set_east_asian_font(rpr: _Element, font: str, locale: str) -> None:
    """Name ``font`` for East-Asian text in a ``w:rPr`` and tag that text's language."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    rfonts.set(qn("w:eastAsia"), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        # w:lang comes after everything but eastAsianLayout, specVanish and oMath.
        later = [rpr.find(qn(tag)) for tag in ("w:eastAsianLayout", "w:specVanish", "w:oMath")]
        anchor = next((el for el in later if el is not None), None)
        if anchor is None:
            rpr.append(lang)
        else:
            anchor.addprevious(lang)
    lang.set(qn("w:eastAsia"), locale)


def _prepare_fonts(document: DocumentObject, font: str, locale: str) -> None:
    from docx.oxml.ns import qn

    styles_element = document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
    if rpr is not None:
        _set_east_asian_font(rpr, font, locale)
    for name in _STYLES_WITH_FONTS:
        style = document.styles[name]
        _set_east_asian_font(style.element.get_or_add_rPr(), font, locale)


def render_docx(transcript: Transcript, options: ExportOptions) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    document = Document()
    locale = _EAST_ASIAN_LOCALE.get(base_language(transcript.language), "ko-KR")
    _prepare_fonts(document, options.docx_east_asian_font, locale)
    _set_page(document, options.paper or system_paper())

    title = xml_safe(source_title(transcript.source))
    properties = document.core_properties
    properties.title = title
    properties.author = ""
    properties.comments = ""
    properties.language = transcript.language or ""
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    properties.created = now
    properties.modified = now
    properties.last_modified_by = ""

    document.add_heading(title, level=0)
    meta = " · ".join(
        f"{label}: {value}" for label, value in metadata_items(transcript, options.engine_name)
    )
    meta_run = document.add_paragraph().add_run(xml_safe(meta))
    meta_run.italic = True

    for segment in transcript.segments:
        text = xml_safe(normalize_text(segment.text).strip())
        if not text:
            continue
        paragraph = document.add_paragraph()
        stamp = paragraph.add_run(f"[{clock(segment.start)}] ")
        stamp.font.color.rgb = RGBColor(*_TIMESTAMP_RGB)
        stamp.font.size = Pt(9)
        name = speaker_label(transcript, segment.speaker) if options.speaker_names else None
        if name:
            paragraph.add_run(xml_safe(name)).bold = True
            paragraph.add_run(": ")
        paragraph.add_run(text)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
