"""Live streams (RTZR WebSocket, CLOVA gRPC) to an address where nothing listens fail at once
with a network error naming the cause, however patient the retry settings are."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from desktop_app.core.errors import NetworkError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import Provider, ProviderConfig
from desktop_app.providers.clova.stream import ClovaStreamProvider
from desktop_app.providers.rtzr.auth import clear_token_cache
from desktop_app.providers.rtzr.stream import RtzrStreamProvider
from tests.emulators import CLOVA_SPEECH_SECRET, RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.emulators.server import refused_url

PATIENT = {"retry_attempts": 6, "retry_base_delay": 3.0}


async def audio() -> AsyncIterator[bytes]:
    for _ in range(50):
        yield b"\0" * 3200
        await asyncio.sleep(0.02)


async def drain(provider: Provider) -> None:
    async def run() -> None:
        async for _event in provider.stream(audio(), TranscriptionOptions()):
            pass

    try:
        await asyncio.wait_for(run(), 60)
    finally:
        await provider.aclose()


def test_rtzr_stream_refused() -> None:
    clear_token_cache()
    creds = {"client_id": RTZR_CLIENT_ID, "client_secret": RTZR_CLIENT_SECRET}
    provider = RtzrStreamProvider(ProviderConfig(refused_url(), creds, dict(PATIENT)))
    with pytest.raises(NetworkError) as caught:
        asyncio.run(drain(provider))
    assert "cannot connect" in str(caught.value)


def test_clova_grpc_stream_refused() -> None:
    endpoint = refused_url().replace("http://", "grpc://")
    provider = ClovaStreamProvider(
        ProviderConfig(endpoint, {"secret": CLOVA_SPEECH_SECRET}, dict(PATIENT))
    )
    with pytest.raises(NetworkError) as caught:
        asyncio.run(drain(provider))
    assert "failed or was lost" in str(caught.value) or "connect" in str(caught.value)
