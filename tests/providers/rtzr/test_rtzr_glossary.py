"""A glossary reaches Return Zero in its own form: batch ``keywords`` (plain Hangul words) and
the streaming ``keywords`` query (``word:score``), checked on the emulators' wire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from desktop_app.core.glossary import Glossary
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.glossary_base import apply_glossary
from desktop_app.providers.rtzr.batch import RtzrProvider
from desktop_app.providers.rtzr.stream import RtzrStreamProvider
from tests.media import speech_pcm
from tests.providers.rtzr.support import CREDS, RtzrServer, rtzr_provider, rtzr_server, sent_config

__all__ = ["rtzr_server"]

GLOSSARY = """\
리턴제로:3 = 리턴 제로
에스티티:9
STT
소리:-8 = 쏘리
가나다라마바사아자차카타파하가나다라마바사
"""


def test_batch_receives_plain_hangul_keywords(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    glossary = Glossary.parse(GLOSSARY, "terms.txt")
    options, notices = apply_glossary(RtzrProvider, glossary, TranscriptionOptions())
    engine = rtzr_provider(rtzr_server)
    asyncio.run(engine.transcribe(MediaSource(path=korean_clip), options))
    assert sent_config(rtzr_server)["keywords"] == ["리턴제로", "에스티티", "소리"]
    skipped = next(n for n in notices if n.code == "glossary-skipped")
    assert "'STT' (terms.txt:3)" in skipped.message and "(terms.txt:5)" in skipped.message


async def test_stream_receives_weights_within_range(rtzr_server: RtzrServer) -> None:
    glossary = Glossary.parse(GLOSSARY, "terms.txt")
    options, _ = apply_glossary(RtzrStreamProvider, glossary, TranscriptionOptions())
    config = ProviderConfig(
        endpoint=rtzr_server.base_url,
        credentials=dict(CREDS),
        settings={"retry_attempts": 2, "retry_base_delay": 0.01},
    )
    pcm = speech_pcm()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(pcm), 3200):
            yield pcm[start : start + 3200]

    engine = RtzrStreamProvider(config)
    try:
        [event async for event in engine.stream(chunks(), options)]
    finally:
        await engine.aclose()
    query = rtzr_server.emulator.streaming.last_stream().query
    assert query["keywords"] == "리턴제로:3,에스티티:5,소리:-5"
