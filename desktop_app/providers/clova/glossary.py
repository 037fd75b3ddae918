"""A glossary in the CLOVA engines' forms.

* ``clova-speech`` (long-form): ``boostings`` words without weights — the API has none, so
  weights are left out with a notice; the short-form mode takes no keywords at all;
* ``clova-stream`` (real-time gRPC): ``keywordBoosting`` with each term's weight.

Both join words with commas, so a term holding a comma is refused, naming its line. CSR has no
word boosting and uses the generic notice.
"""

from __future__ import annotations

from desktop_app.core.glossary import Glossary, GlossaryEntry
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.transcript import Notice
from desktop_app.providers.glossary_base import CompiledGlossary, bad_entry, listed


def _checked(engine: str, glossary: Glossary) -> list[GlossaryEntry]:
    for entry in glossary.entries:
        if "," in entry.word:
            raise bad_entry(
                engine,
                entry,
                "commas separate the boosted words",
                "쉼표는 강조 단어를 나누는 기호입니다",
            )
    return glossary.entries


def compile_clova_speech(glossary: Glossary, options: TranscriptionOptions) -> CompiledGlossary:
    if str(options.extra.get("mode", "long")) == "short":
        return CompiledGlossary(
            notices=[
                Notice(
                    "glossary-skipped",
                    "clova-speech: the short-form API takes no keywords; the glossary is not sent.",
                    "clova-speech: 단문 API는 키워드를 받지 않으므로 용어집을 보내지 않습니다.",
                )
            ]
        )
    entries = _checked("clova-speech", glossary)
    weighted = [e for e in entries if e.weight is not None]
    notices = []
    if weighted:
        notices.append(
            Notice(
                "glossary-weights-dropped",
                f"clova-speech boosts words without weights; the weights of {listed(weighted)} "
                "are not sent.",
                f"clova-speech는 가중치 없이 단어를 강조합니다. {listed(weighted)}의 가중치는 "
                "보내지 않습니다.",
            )
        )
    return CompiledGlossary(keywords=[Keyword(e.word) for e in entries], notices=notices)


def compile_clova_stream(glossary: Glossary, options: TranscriptionOptions) -> CompiledGlossary:
    del options
    entries = _checked("clova-stream", glossary)
    return CompiledGlossary(keywords=[Keyword(e.word, e.weight) for e in entries])
