"""The short-form (단문) API of CLOVA Speech: one clip of at most 60 s per request.

``POST {origin}/recog/v1/stt?lang=Kor|Eng|Jpn|Chn`` with the clip as the raw body
(``application/octet-stream``; MP3, AAC, AC3, OGG, FLAC or WAV) and ``X-CLOVASPEECH-API-KEY``;
the answer is ``{"text": ..., "quota": ...}`` and errors carry the STT codes it shares with CSR.
:func:`post_clip` sends one clip with retries; :func:`transcribe_file` cuts a longer file at
pauses into FLAC pieces under the limit and merges the answers as timed segments
(:mod:`desktop_app.providers.chunked`); :class:`ClientPerLoop` keeps one connection pool for
repeated clips (live mode) on whichever event loop is running.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from desktop_app.core.progress import ProgressCallback
from desktop_app.core.transcript import Transcript
from desktop_app.providers.chunked import EncodedPiece, transcribe_in_pieces
from desktop_app.providers.clova.speech_errors import ENGINE, speech_error
from desktop_app.providers.clova.speech_result import read_body, unreadable
from desktop_app.providers.http import RetryPolicy, make_client, send, with_retries

DEFAULT_ORIGIN = "https://clovaspeech-gw.ncloud.com"
PATH = "/recog/v1/stt"
MAX_BYTES = 3 * 1024 * 1024
PIECE_MAX_SECONDS = 55.0  # headroom under the 60 s limit for codec padding


async def post_clip(
    client: httpx.AsyncClient,
    data: bytes,
    lang: str,
    headers: dict[str, str],
    policy: RetryPolicy,
) -> str:
    """One clip to text; ``client`` is based at the API's origin, ``headers`` carry the key."""
    sent = {**headers, "Content-Type": "application/octet-stream"}

    async def call() -> str:
        response = await send(
            client, "POST", PATH, engine=ENGINE, params={"lang": lang}, content=data, headers=sent
        )
        if response.status_code != 200:
            raise speech_error(response, short_form=True)
        text = read_body(response).get("text")
        if text is not None and not isinstance(text, str):
            raise unreadable("an answer")
        return text or ""

    return await with_retries(call, policy)


async def transcribe_file(
    client: httpx.AsyncClient,
    path: Path,
    lang: str,
    headers: dict[str, str],
    policy: RetryPolicy,
    *,
    language: str,
    progress: ProgressCallback,
    concurrency: int,
) -> Transcript:
    """A whole file through the short-form API, in pieces sent ``concurrency`` at a time."""

    async def recognize(piece: EncodedPiece) -> Transcript:
        return piece.transcript_of(await post_clip(client, piece.data, lang, headers, policy))

    return await transcribe_in_pieces(
        path,
        recognize,
        engine=ENGINE,
        language=language,
        progress=progress,
        concurrency=concurrency,
        max_seconds=PIECE_MAX_SECONDS,
        max_bytes=MAX_BYTES,
        options_key=f"{client.base_url}|{lang}",
    )


class ClientPerLoop:
    """One AsyncClient for the running event loop (a client cannot move between loops).
    Used from the engine loop thread."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self, base_url: str) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._client
        if client is None or client.is_closed or self._loop is not loop:
            client = make_client(base_url)
            self._client, self._loop = client, loop
        return client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is None or client.is_closed:
            return
        try:
            same_loop = self._loop is asyncio.get_running_loop()
        except RuntimeError:
            same_loop = False
        if same_loop:
            await client.aclose()
