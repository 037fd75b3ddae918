"""A glossary reaches NHN Cloud as ``biasingList`` parts ``WORD_HEARD_AS``, checked on the
emulator's wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.glossary import Glossary
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.glossary_base import apply_glossary
from desktop_app.providers.nhn.provider import NhnProvider
from tests.emulators import start_emulator
from tests.providers.nhn.support import SYNC, NhnServer, provider, transcribe


@pytest.fixture(scope="module")
def server() -> Iterator[NhnServer]:
    with start_emulator("nhn") as running:
        yield running


def test_heard_as_entries_become_biasing_parts(server: NhnServer, korean_clip: Path) -> None:
    glossary = Glossary.parse("회의 = 외의, 회 의\n차단기:2 = 차단계\n소리\n", "terms.txt")
    options, notices = apply_glossary(NhnProvider, glossary, TranscriptionOptions())
    transcribe(provider(server), korean_clip, biasing=options.biasing)
    assert server.requests.last(SYNC).form["biasingList"] == [
        "회의_외의",
        "회의_회 의",
        "차단기_차단계",
    ]
    assert [n.code for n in notices] == ["glossary-skipped"]
    assert "'소리' (terms.txt:3)" in notices[0].message
