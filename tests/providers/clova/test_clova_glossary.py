"""A glossary reaches the CLOVA engines in their forms: long-form ``boostings`` (words without
weights) and the real-time stream's ``keywordBoosting`` (words grouped by weight), checked on the
emulators' wire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from desktop_app.core.glossary import Glossary
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.clova.speech import ClovaSpeechProvider
from desktop_app.providers.clova.stream import ClovaStreamProvider
from desktop_app.providers.glossary_base import apply_glossary
from tests.emulators import CLOVA_INVOKE_PATH, CLOVA_SPEECH_SECRET, start_emulator
from tests.emulators.clova_grpc import start_clova_grpc
from tests.media import speech_pcm

GLOSSARY = "회의:2 = 회 의\n날씨\nSori:2\n소리:1.5\n"


def test_long_form_receives_boostings_without_weights(korean_clip: Path) -> None:
    options, notices = apply_glossary(
        ClovaSpeechProvider, Glossary.parse(GLOSSARY, "t.txt"), TranscriptionOptions()
    )
    assert [n.code for n in notices] == ["glossary-weights-dropped"]
    with start_emulator("clova_speech") as server:
        config = ProviderConfig(
            endpoint=server.base_url + CLOVA_INVOKE_PATH,
            credentials={"secret": CLOVA_SPEECH_SECRET},
            settings={"retry_attempts": 2, "retry_base_delay": 0.01, "poll_interval": 0.01},
        )
        engine = ClovaSpeechProvider(config)
        asyncio.run(engine.transcribe(MediaSource(path=korean_clip), options))
        params = server.requests.last(r"^POST /external/v1/").json_part("params")
    assert params["boostings"] == [{"words": "회의, 날씨, Sori, 소리"}]


async def test_stream_receives_keyword_weights() -> None:
    options, notices = apply_glossary(
        ClovaStreamProvider, Glossary.parse(GLOSSARY, "t.txt"), TranscriptionOptions()
    )
    assert notices == []
    pcm = speech_pcm()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(pcm), 3200):
            yield pcm[start : start + 3200]

    with start_clova_grpc() as server:
        config = ProviderConfig(
            endpoint=server.endpoint, credentials={"secret": CLOVA_SPEECH_SECRET}
        )
        engine = ClovaStreamProvider(config)
        try:
            [event async for event in engine.stream(chunks(), options)]
        finally:
            await engine.aclose()
        sent = server.last_call().config
    assert sent is not None
    assert sent["keywordBoosting"] == {
        "boostings": [
            {"words": "회의,Sori", "weight": 2.0},
            {"words": "날씨"},
            {"words": "소리", "weight": 1.5},
        ]
    }
