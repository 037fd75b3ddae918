"""``clova-csr``: NAVER Cloud CLOVA Speech Recognition (CSR) REST API.

``POST {host}/recog/v1/stt?lang=Kor|Eng|Jpn|Chn`` with the raw audio as
``application/octet-stream`` and the application's keys in ``X-NCP-APIGW-API-KEY-ID`` /
``X-NCP-APIGW-API-KEY``; the answer is ``{"text": ...}``. One request takes at most 60 s and
3 MB of audio, so longer audio is cut at pauses into pieces of up to 55 s, encoded as FLAC,
sent several at a time and merged with each piece's time range (see
:mod:`desktop_app.providers.chunked`). An hour of audio therefore works and comes back as timed
segments, one per piece. Live mode sends each utterance as a pause ends it
(:mod:`desktop_app.providers.utterances`).

Settings: ``host`` = ``public`` (default), ``gov`` or ``fin`` (government and financial
clouds, Korean only); ``concurrency`` (default 4) requests in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from desktop_app.audio.encode import encode_pcm
from desktop_app.core.errors import ConfigurationError, ServerError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.providers.base import (
    StreamEvent,
    normalise_language,
)
from desktop_app.providers.chunked import EncodedPiece, transcribe_in_pieces, voiced_bounds
from desktop_app.providers.clova.descriptions import CSR, HOSTS, MAX_BYTES
from desktop_app.providers.clova.errors import clova_error
from desktop_app.providers.http import (
    make_client,
    not_the_service,
    with_retries,
)
from desktop_app.providers.registry import register
from desktop_app.providers.remote_job import HttpProvider
from desktop_app.providers.utterances import stream_by_utterances

PIECE_MAX_SECONDS = 55.0  # headroom under the 60 s limit for codec padding
LANGUAGES = {"ko": "Kor", "en": "Eng", "ja": "Jpn", "zh": "Chn"}


@register
class ClovaCsrProvider(HttpProvider):
    """CLOVA Speech Recognition. Coroutines run on the engine loop thread."""

    description = CSR

    def base_url(self, options: TranscriptionOptions | None = None) -> str:
        return self.chosen_host(options, HOSTS, "public")

    def _language(self, options: TranscriptionOptions, base: str) -> str:
        code = normalise_language(options.language or "ko")
        lang = LANGUAGES.get(code)
        if lang is None:
            raise ConfigurationError(
                f"clova-csr cannot recognise '{options.language}'",
                fix="Use ko, en, ja or zh.",
                message_ko=f"clova-csr는 '{options.language}' 언어를 인식할 수 없습니다",
                fix_ko="ko, en, ja, zh 중 하나를 쓰세요.",
            )
        if lang != "Kor" and base in (HOSTS["gov"], HOSTS["fin"]):
            raise ConfigurationError(
                "The government and financial clouds recognise Korean only",
                fix="Choose Korean or the public host.",
                message_ko="공공/금융 클라우드는 한국어만 인식합니다",
                fix_ko="한국어를 고르거나 일반(public) 호스트를 쓰세요.",
            )
        return lang

    def request_headers(self) -> dict[str, str]:
        creds = self.credentials()
        return {
            "X-NCP-APIGW-API-KEY-ID": creds["client_id"],
            "X-NCP-APIGW-API-KEY": creds["client_secret"],
            "Content-Type": "application/octet-stream",
        }

    async def recognize_bytes(
        self, client: httpx.AsyncClient, data: bytes, lang: str, headers: dict[str, str]
    ) -> str:
        """One request: audio bytes (≤ 60 s, ≤ 3 MB) to text, retried when it may help."""

        async def call() -> str:
            response = await self.send(
                client,
                "POST",
                "/recog/v1/stt",
                params={"lang": lang},
                content=data,
                headers=headers,
            )
            if response.status_code != 200:
                raise clova_error(response, self.name, "clova-csr")
            try:
                text = response.json()["text"]
            except (ValueError, KeyError, TypeError):
                raise ServerError(
                    f"{self.name}: the service sent an answer Sori cannot read",
                    message_ko=f"{self.name}: 서비스 응답을 해석할 수 없습니다",
                ) from None
            return str(text or "")

        return await with_retries(call, self.retry_policy())

    async def transcribe_file(
        self, path: Path, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        base = self.base_url(options)
        lang = self._language(options, base)
        headers = self.request_headers()
        concurrency = int(self.config.settings.get("concurrency", 4))
        async with self.client(base) as client:

            async def recognize(piece: EncodedPiece) -> Transcript:
                text = await self.recognize_bytes(client, piece.data, lang, headers)
                return piece.transcript_of(text)

            return await transcribe_in_pieces(
                path,
                recognize,
                engine=self.name,
                language=normalise_language(options.language or "ko"),
                progress=progress,
                concurrency=concurrency,
                max_seconds=PIECE_MAX_SECONDS,
                max_bytes=MAX_BYTES,
                options_key=f"{base}|{lang}",
            )

    async def check_connection(self) -> None:
        """Send half a second of silence once: a transcript, or the speech service's own
        complaint about the audio (it got past the key check), proves host and keys."""
        silence = encode_pcm(bytes(16_000), "flac")  # 0.5 s of 16 kHz mono s16
        headers = self.request_headers()
        async with self.client(self.base_url(), timeout=30.0) as client:
            response = await self.send(
                client,
                "POST",
                "/recog/v1/stt",
                params={"lang": "Kor"},
                content=silence,
                headers=headers,
            )
        if response.status_code == 200:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and "text" in body:
                return
            raise not_the_service(self.name, 200, "endpoint")
        error = clova_error(response, self.name, "clova-csr")
        if error.code not in ("STT003", "STT006", "STT007"):
            raise error

    def stream(
        self, audio: AsyncIterator[bytes], options: TranscriptionOptions
    ) -> AsyncIterator[StreamEvent]:
        return self._stream(audio, options)

    async def _stream(
        self, audio: AsyncIterator[bytes], options: TranscriptionOptions
    ) -> AsyncIterator[StreamEvent]:
        base = self.base_url(options)
        lang = self._language(options, base)
        headers = self.request_headers()
        async with make_client(base) as client:

            async def recognize(pcm: bytes) -> Transcript:
                data = encode_pcm(pcm, "flac")
                text = (await self.recognize_bytes(client, data, lang, headers)).strip()
                if not text:
                    return Transcript()
                start, end = voiced_bounds(pcm)
                return Transcript(segments=[Segment(start, end, text)])

            async for event in stream_by_utterances(
                audio, recognize, max_seconds=PIECE_MAX_SECONDS
            ):
                yield event
