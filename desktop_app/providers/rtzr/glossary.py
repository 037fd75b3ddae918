"""A glossary in Return Zero's form: ``keywords`` for the sommers model.

The sommers model takes terms written in Hangul as they sound, at most
:data:`~desktop_app.providers.rtzr.config.MAX_KEYWORD_CHARS` characters each; other entries are
reported once and skipped. File transcription takes no weights (they are left out, with a
notice) and at most :data:`~desktop_app.providers.rtzr.config.MAX_KEYWORDS` terms; streaming
takes weights from -5 to 5 (weights outside are brought into the range, with a notice) and at
most :data:`MAX_STREAM_KEYWORDS` terms. Too many terms is an error naming the first one over.
With the whisper model nothing is sent.
"""

from __future__ import annotations

from desktop_app.core.glossary import Glossary, GlossaryEntry
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.transcript import Notice
from desktop_app.providers.glossary_base import CompiledGlossary, listed, skipped, too_many
from desktop_app.providers.rtzr.config import HANGUL_WORD, MAX_KEYWORD_CHARS, MAX_KEYWORDS
from desktop_app.providers.rtzr.stream_wire import MAX_WEIGHT, MIN_WEIGHT

MAX_STREAM_KEYWORDS = 100


def _fitting(engine: str, glossary: Glossary, notices: list[Notice]) -> list[GlossaryEntry]:
    fit = [
        e
        for e in glossary.entries
        if HANGUL_WORD.fullmatch(e.word) and len(e.word) <= MAX_KEYWORD_CHARS
    ]
    rest = [e for e in glossary.entries if e not in fit]
    if rest:
        notices.append(
            skipped(
                engine,
                rest,
                f"the sommers model takes Hangul as pronounced, up to {MAX_KEYWORD_CHARS} "
                "characters, without spaces",
                f"sommers 모델은 공백 없이 소리 나는 대로 쓴 {MAX_KEYWORD_CHARS}자 이하의 한글만 받습니다",
            )
        )
    return fit


def _whisper(engine: str, options: TranscriptionOptions) -> Notice | None:
    model = str(options.extra.get("model_name", "sommers"))
    if model.startswith("sommers"):
        return None
    return Notice(
        "glossary-skipped",
        f"{engine}: the {model} model takes no keywords; the glossary is not sent.",
        f"{engine}: {model} 모델은 키워드를 받지 않으므로 용어집을 보내지 않습니다.",
    )


def _usable(
    engine: str, glossary: Glossary, options: TranscriptionOptions, limit: int
) -> tuple[list[GlossaryEntry] | None, list[Notice]]:
    """The entries to send (None when the model takes no keywords) and the notices so far."""
    unusable = _whisper(engine, options)
    if unusable:
        return None, [unusable]
    notices: list[Notice] = []
    entries = _fitting(engine, glossary, notices)
    if len(entries) > limit:
        raise too_many(engine, entries, limit)
    return entries, notices


def compile_rtzr(glossary: Glossary, options: TranscriptionOptions) -> CompiledGlossary:
    entries, notices = _usable("rtzr", glossary, options, MAX_KEYWORDS)
    if entries is None:
        return CompiledGlossary(notices=notices)
    weighted = [e for e in entries if e.weight is not None]
    if weighted:
        notices.append(
            Notice(
                "glossary-weights-dropped",
                f"rtzr file transcription takes keywords without weights; the weights of "
                f"{listed(weighted)} are not sent.",
                f"rtzr 파일 전사는 가중치 없는 키워드만 받습니다. {listed(weighted)}의 가중치는 "
                "보내지 않습니다.",
            )
        )
    return CompiledGlossary(keywords=[Keyword(e.word) for e in entries], notices=notices)


def compile_rtzr_stream(glossary: Glossary, options: TranscriptionOptions) -> CompiledGlossary:
    entries, notices = _usable("rtzr-stream", glossary, options, MAX_STREAM_KEYWORDS)
    if entries is None:
        return CompiledGlossary(notices=notices)
    keywords = []
    clamped = []
    for entry in entries:
        weight = entry.weight
        if weight is not None and not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            clamped.append(entry)
            weight = min(MAX_WEIGHT, max(MIN_WEIGHT, weight))
        keywords.append(Keyword(entry.word, weight))
    if clamped:
        notices.append(
            Notice(
                "glossary-weights-clamped",
                f"rtzr-stream weights go from -5 to 5; {listed(clamped)} were brought into range.",
                f"rtzr-stream 가중치는 -5에서 5 사이입니다. {listed(clamped)}의 가중치를 범위 안으로 "
                "맞췄습니다.",
            )
        )
    return CompiledGlossary(keywords=keywords, notices=notices)
