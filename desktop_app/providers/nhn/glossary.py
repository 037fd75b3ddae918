"""A glossary in NHN Cloud's form: one ``biasingList`` item ``WORD_HEARD_AS`` per heard-as form.

NHN biasing only corrects what the engine hears, so terms without ``= HEARD_AS`` are not sent
(one notice lists them).
"""

from __future__ import annotations

from desktop_app.core.glossary import Glossary
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.glossary_base import CompiledGlossary, biasing_pairs, skipped


def compile_nhn(glossary: Glossary, options: TranscriptionOptions) -> CompiledGlossary:
    del options
    plain = [e for e in glossary.entries if not e.heard_as]
    notices = []
    if plain:
        notices.append(
            skipped(
                "nhn",
                plain,
                "NHN only takes corrections: WORD = HEARD_AS",
                "NHN은 '단어 = 잘못 들은 말' 형식의 교정만 받습니다",
            )
        )
    return CompiledGlossary(biasing=biasing_pairs("nhn", glossary), notices=notices)
