"""Emulator of RTZR (Return Zero / VITO) real-time recognition over a WebSocket
(API-NOTES §5 "Streaming — WebSocket"), mounted by :class:`tests.emulators.rtzr.RtzrEmulator` at
``GET /v1/transcribe:streaming`` on the same base URL as its REST endpoints (``ws://`` there).

Handshake, checked in this order (a refusal is a plain HTTP answer with the REST error body
``{"code", "msg"}``, so the client sees the status and the code before any WebSocket exists):

1. ``Authorization: Bearer <token from /v1/authenticate>`` (scheme case-insensitive) → else 401
   H0002 (``"token expired"`` for expired or revoked tokens);
2. query parameters (:func:`parse_query`) → else 400 H0001 with the reason in ``msg``. The
   documents do not say how the real service refuses bad parameters; refusing the handshake (rather
   than accepting it and closing at once) is the emulator's choice, made because it is what the
   service does for every other request;
3. more than :attr:`RtzrStreaming.max_concurrent_streams` (5, the free plan) streams open at once
   → 429 A0002 ``"Too many concurrent requests"``;
4. not a WebSocket upgrade → 400 H0001.

Query parameters: ``sample_rate`` required, an integer 8000–48000; ``encoding`` required, one of
``LINEAR16 FLAC MULAW ALAW AMR AMR_WB OGG_OPUS``; ``model_name`` ``sommers_ko`` (default),
``sommers_ja`` or ``whisper``; ``language`` only with whisper, a 2–3 letter code; ``domain``
``CALL`` (default) or ``MEETING``; ``use_itn``, ``use_disfluency_filter``,
``use_profanity_filter``, ``use_punctuation`` exactly ``true`` or ``false``; ``keywords``
(sommers_ko only): comma-separated ``word`` or ``word:score``, at most 100, each word 1–20
characters, score a number from -5 to 5; the third-party ``epd_time`` (seconds, 0 < t ≤ 10),
``noise_threshold`` and ``active_threshold`` (0–1). Unknown parameters are ignored.

After the handshake the client sends binary audio frames and finally the text frame ``EOS``.
Only LINEAR16 is decoded (little-endian 16-bit mono at ``sample_rate``); audio in another accepted
encoding is answered with close code 1003 ``"encoding X is not emulated"``. An odd-sized LINEAR16
frame closes with 1007, a text frame other than ``EOS`` with 1003.

Recognition is the online form of :mod:`tests.emulators.audio` and
:mod:`tests.emulators.recognition`: 20 ms frames (``sample_rate // 50`` samples; a partial frame
waits for more audio); a region opens at a voiced frame and closes once 15 silent frames (or
``epd_time`` rounded up to frames) follow its last voiced frame, when it reaches 750 frames (15 s;
the file rule splits long regions into equal parts instead, so only regions under 15 s match
:func:`~tests.emulators.recognition.expected_segments`), or at ``EOS``; regions under 5 frames are
dropped. Utterance ``seq`` counts closed regions of the stream from 0; region ``n = seq + 1``
reads ``구간 n (s–e초)`` plus, with keywords, the first keyword's word. Answers are JSON text
frames:

* partial — after each audio frame, for an open region of at least 5 frames whose end moved:
  ``{"seq", "start_at": ms, "duration": 0, "final": false, "alternatives": [{"text"}]}`` with
  the text up to its last voiced frame;
* final — when the region closes: ``duration`` in ms, ``"final": true`` and ``words``: each word
  of the text (spread as in the recognition rule) is one token ``"|" + word`` with confidence
  0.95, except a word ending in ``초)`` which is two tokens, ``"|" + head`` and ``"초)"`` (no bar,
  as RTZR writes sub-word pieces), splitting the word's span in two.

On ``EOS`` the open region is closed and answered, then the server closes with 1000.

Faults (:class:`StreamFaults`; the handshake faults of :class:`~tests.emulators.faults.Faults`
— ``http_error``, ``provider_error``, ``delay`` with ``match="streaming"`` — apply too):
``drop_after(frames)`` ends the TCP connection (FIN, no close frame) after answering that many
audio frames, ignoring anything sent later; ``error_after(frames, code)`` sends ``{"code", "msg"}`` and closes with 1011;
``close_after(frames, close_code, reason)`` closes with that code; ``delay(seconds,
final_only=False)`` waits before each answer until :meth:`StreamFaults.clear`. Each stream is
recorded as a :class:`StreamRecord` in :attr:`RtzrStreaming.streams`.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import WSMsgType, web

from tests.emulators.audio import (
    FRAME_MS,
    MAX_GAP_FRAMES,
    MAX_REGION_FRAMES,
    MIN_REGION_FRAMES,
    VOICED_RMS,
    Region,
)
from tests.emulators.recognition import CONFIDENCE, segment_text, spread_words

STREAM_PATH = "/v1/transcribe:streaming"
ENCODINGS = ("LINEAR16", "FLAC", "MULAW", "ALAW", "AMR", "AMR_WB", "OGG_OPUS")
MODELS = ("sommers_ko", "sommers_ja", "whisper")
DOMAINS = ("CALL", "MEETING")
FLAGS = ("use_itn", "use_disfluency_filter", "use_profanity_filter", "use_punctuation")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
MAX_KEYWORDS = 100
MAX_KEYWORD_CHARS = 20
MAX_MESSAGE = 1 << 22
DROP_LINGER = 10.0  # seconds a cut connection waits for the client to hang up
ERROR_MESSAGES = {"E500": "internal server error", "A0001": "usage exceeded"}

Authorize = Callable[[web.Request], web.Response | None]
Refuse = Callable[[str, str | None], web.Response]


class QueryRejected(Exception):
    """A handshake query the service would refuse (400 H0001 with this message)."""


@dataclass(frozen=True)
class StreamSettings:
    """The checked query of one stream."""

    sample_rate: int
    encoding: str
    model_name: str
    domain: str
    flags: dict[str, bool]
    keywords: tuple[tuple[str, float | None], ...]
    language: str | None = None
    epd_time: float | None = None

    @property
    def keyword(self) -> str | None:
        return self.keywords[0][0] if self.keywords else None

    @property
    def gap_frames(self) -> int:
        if self.epd_time is None:
            return MAX_GAP_FRAMES
        return max(1, math.ceil(self.epd_time * 1000 / FRAME_MS - 1e-9))


def _number(query: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise QueryRejected(f"{name} must be a number") from None
    if not (low <= value <= high) or not math.isfinite(value):
        raise QueryRejected(f"{name} must be between {low:g} and {high:g}")
    return value


def _keywords(raw: str) -> tuple[tuple[str, float | None], ...]:
    items = [item.strip() for item in raw.split(",")]
    if len(items) > MAX_KEYWORDS:
        raise QueryRejected(f"at most {MAX_KEYWORDS} keywords")
    parsed: list[tuple[str, float | None]] = []
    for item in items:
        word, sep, score_text = item.partition(":")
        score: float | None = None
        if sep:
            try:
                score = float(score_text)
            except ValueError:
                raise QueryRejected(f"keyword score of {word!r} must be a number") from None
            if not -5.0 <= score <= 5.0:
                raise QueryRejected(f"keyword score of {word!r} must be between -5 and 5")
        if not 1 <= len(word) <= MAX_KEYWORD_CHARS:
            raise QueryRejected("each keyword must have 1-20 characters")
        parsed.append((word, score))
    return tuple(parsed)


def parse_query(query: Mapping[str, str]) -> StreamSettings:
    """Check a streaming handshake's query; raises :class:`QueryRejected`."""
    raw_rate = query.get("sample_rate")
    if raw_rate is None:
        raise QueryRejected("sample_rate is required")
    if not raw_rate.isdigit() or not 8000 <= int(raw_rate) <= 48000:
        raise QueryRejected("sample_rate must be an integer from 8000 to 48000")
    encoding = query.get("encoding")
    if encoding is None:
        raise QueryRejected("encoding is required")
    if encoding not in ENCODINGS:
        raise QueryRejected("encoding must be one of " + ", ".join(ENCODINGS))
    model = query.get("model_name", "sommers_ko")
    if model not in MODELS:
        raise QueryRejected("model_name must be one of " + ", ".join(MODELS))
    language = query.get("language")
    if language is not None and (model != "whisper" or not LANGUAGE.match(language)):
        raise QueryRejected("language takes a 2-3 letter code and only works with whisper")
    domain = query.get("domain", "CALL")
    if domain not in DOMAINS:
        raise QueryRejected("domain must be CALL or MEETING")
    flags: dict[str, bool] = {}
    for name in FLAGS:
        value = query.get(name)
        if value is not None and value not in ("true", "false"):
            raise QueryRejected(f"{name} must be true or false")
        flags[name] = value == "true"
    keywords: tuple[tuple[str, float | None], ...] = ()
    if "keywords" in query:
        if model != "sommers_ko":
            raise QueryRejected("keywords only work with sommers_ko")
        keywords = _keywords(query["keywords"])
    epd_time = _number(query, "epd_time", 0.0, 10.0)
    if epd_time == 0.0:
        raise QueryRejected("epd_time must be more than 0")
    for name in ("noise_threshold", "active_threshold"):
        _number(query, name, 0.0, 1.0)
    return StreamSettings(
        sample_rate=int(raw_rate),
        encoding=encoding,
        model_name=model,
        domain=domain,
        flags=flags,
        keywords=keywords,
        language=language,
        epd_time=epd_time,
    )


class OnlineRegions:
    """Voiced regions found while audio arrives (the module rule); one per stream."""

    def __init__(self, sample_rate: int, gap_frames: int) -> None:
        self.frame_samples = max(1, sample_rate // 50)
        self.gap_frames = gap_frames
        self.frame = 0
        self.start: int | None = None
        self.last_voiced = 0
        self._rest = np.zeros(0)

    def feed(self, pcm: bytes) -> list[Region]:
        """Take PCM; return the regions it closed."""
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
        self._rest = np.concatenate([self._rest, samples])
        count = len(self._rest) // self.frame_samples
        frames = self._rest[: count * self.frame_samples].reshape(count, self.frame_samples)
        self._rest = self._rest[count * self.frame_samples :]
        closed: list[Region] = []
        for rms in np.sqrt(np.mean(frames * frames, axis=1)):
            region = self._step(bool(rms >= VOICED_RMS))
            if region is not None:
                closed.append(region)
        return closed

    def open_region(self) -> Region | None:
        """The open region up to its last voiced frame, once it is long enough to report."""
        if self.start is None or self.last_voiced + 1 - self.start < MIN_REGION_FRAMES:
            return None
        return Region(self.start, self.last_voiced + 1)

    def finish(self) -> Region | None:
        """Close the open region (end of stream)."""
        return self._close() if self.start is not None else None

    def _step(self, voiced: bool) -> Region | None:
        index = self.frame
        self.frame += 1
        if voiced:
            if self.start is None:
                self.start = index
            self.last_voiced = index
            if self.frame - self.start >= MAX_REGION_FRAMES:
                return self._close()
        elif self.start is not None and index - self.last_voiced >= self.gap_frames:
            return self._close()
        return None

    def _close(self) -> Region | None:
        assert self.start is not None
        region = Region(self.start, self.last_voiced + 1)
        self.start = None
        return region if region.end_frame - region.start_frame >= MIN_REGION_FRAMES else None


def _tokens(text: str, start_ms: int, end_ms: int) -> list[dict[str, Any]]:
    tokens: list[dict[str, Any]] = []
    for word in spread_words(text, start_ms, end_ms):
        pieces = [("|" + word.text, word.start_ms, word.end_ms)]
        if word.text.endswith("초)") and len(word.text) > 2:
            middle = word.start_ms + (word.end_ms - word.start_ms) // 2
            pieces = [("|" + word.text[:-2], word.start_ms, middle), ("초)", middle, word.end_ms)]
        for piece, start, end in pieces:
            tokens.append(
                {
                    "text": piece,
                    "start_at": start,
                    "duration": end - start,
                    "confidence": CONFIDENCE,
                }
            )
    return tokens


class StreamTranscriber:
    """Turns one stream's audio into RTZR answers; used on the server loop."""

    def __init__(self, settings: StreamSettings) -> None:
        self.settings = settings
        self.regions = OnlineRegions(settings.sample_rate, settings.gap_frames)
        self.seq = 0
        self._partial_end: int | None = None

    def feed(self, pcm: bytes) -> list[dict[str, Any]]:
        answers = [self._final(region) for region in self.regions.feed(pcm)]
        region = self.regions.open_region()
        if region is not None and region.end_frame != self._partial_end:
            self._partial_end = region.end_frame
            answers.append(self._result(region, final=False))
        return answers

    def finish(self) -> list[dict[str, Any]]:
        region = self.regions.finish()
        return [self._final(region)] if region is not None else []

    def _final(self, region: Region) -> dict[str, Any]:
        answer = self._result(region, final=True)
        self.seq += 1
        self._partial_end = None
        return answer

    def _result(self, region: Region, *, final: bool) -> dict[str, Any]:
        text = segment_text(self.seq + 1, region.start_ms, region.end_ms)
        if self.settings.keyword:
            text = f"{text} {self.settings.keyword}"
        alternative: dict[str, Any] = {"text": text}
        if final:
            alternative["words"] = _tokens(text, region.start_ms, region.end_ms)
        return {
            "seq": self.seq,
            "start_at": region.start_ms,
            "duration": region.end_ms - region.start_ms if final else 0,
            "final": final,
            "alternatives": [alternative],
        }


@dataclass
class _Rule:
    kind: str
    times: int
    frames: int = 0
    code: str = ""
    close_code: int = 1000
    reason: str = ""


class StreamFaults:
    """Faults for the WebSocket streams; filled from tests, taken on the server loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._delay = 0.0
        self._final_delay = 0.0

    def _add(self, rule: _Rule) -> None:
        if rule.times < 1 or rule.frames < 0:
            raise ValueError("times must be at least 1 and frames not negative")
        with self._lock:
            self._rules.append(rule)

    def drop_after(self, frames: int, *, times: int = 1) -> None:
        """Close the TCP connection (no close frame) after answering ``frames`` audio frames."""
        self._add(_Rule("drop", times, frames=frames))

    def error_after(self, frames: int, code: str = "E500", *, times: int = 1) -> None:
        """Send an error frame ``{"code", "msg"}`` and close with 1011 after ``frames``."""
        self._add(_Rule("error", times, frames=frames, code=code))

    def close_after(
        self, frames: int, close_code: int, reason: str = "", *, times: int = 1
    ) -> None:
        """Close with ``close_code`` and ``reason`` after ``frames`` audio frames."""
        self._add(_Rule("close", times, frames=frames, close_code=close_code, reason=reason))

    def delay(self, seconds: float, *, final_only: bool = False) -> None:
        """Wait before every answer (or only before finals) until :meth:`clear`."""
        with self._lock:
            if final_only:
                self._final_delay = seconds
            else:
                self._delay = seconds

    def delay_for(self, answer: dict[str, Any]) -> float:
        with self._lock:
            return self._delay + (self._final_delay if answer.get("final") else 0.0)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._delay = self._final_delay = 0.0

    def take_for_stream(self) -> _Rule | None:
        """One use of the first pending rule, for a new stream."""
        with self._lock:
            for rule in self._rules:
                if rule.times > 0:
                    rule.times -= 1
                    self._rules = [r for r in self._rules if r.times > 0]
                    return rule
        return None


@dataclass
class StreamRecord:
    """One accepted stream (written on the server loop; read by tests once ``finished``)."""

    query: dict[str, str]
    settings: StreamSettings
    frame_sizes: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None
    outcome: str = "running"
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def audio_bytes(self) -> int:
        return sum(self.frame_sizes)

    def finals(self) -> list[dict[str, Any]]:
        return [answer for answer in self.answers if answer.get("final")]


class _Over(Exception):
    """The stream has ended (the reason is the record's outcome)."""


class RtzrStreaming:
    """The streaming endpoint. Its handler runs on the emulator's loop; ``faults``,
    ``max_concurrent_streams`` and ``streams`` may be used from the test thread."""

    def __init__(self, authorize: Authorize, refuse: Refuse) -> None:
        self._authorize = authorize
        self._refuse = refuse
        self.faults = StreamFaults()
        self.max_concurrent_streams = 5
        self.streams: list[StreamRecord] = []
        self.active = 0
        self._open: set[web.WebSocketResponse] = set()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(STREAM_PATH, self.handle)

    def last_stream(self, timeout: float = 10.0) -> StreamRecord:
        """The latest stream, once the server has finished with it."""
        record = self.streams[-1]
        if not record.finished.wait(timeout):
            raise TimeoutError("the emulator's last stream is still running")
        return record

    async def shutdown(self, app: web.Application) -> None:
        for ws in list(self._open):
            await ws.close(code=1001, message=b"server shutting down")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        refusal = self._authorize(request)
        if refusal is not None:
            return refusal
        try:
            settings = parse_query(request.query)
        except QueryRejected as exc:
            return self._refuse("H0001", str(exc))
        if self.active >= self.max_concurrent_streams:
            return self._refuse("A0002", None)
        ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, autoping=True)
        if not ws.can_prepare(request).ok:
            return self._refuse("H0001", "a WebSocket upgrade is required")
        record = StreamRecord(query=dict(request.query), settings=settings)
        self.streams.append(record)
        self.active += 1
        self._open.add(ws)
        try:
            await ws.prepare(request)
            await self._serve(request, ws, record)
        except _Over:
            pass
        finally:
            self.active -= 1
            self._open.discard(ws)
            if record.outcome == "running":
                record.outcome = "client went away"
            record.close_code = ws.close_code
            record.finished.set()
        return ws

    async def _serve(
        self, request: web.Request, ws: web.WebSocketResponse, record: StreamRecord
    ) -> None:
        settings = record.settings
        transcriber = StreamTranscriber(settings)
        fault = self.faults.take_for_stream()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                record.texts.append(message.data)
                if message.data != "EOS":
                    await self._close(ws, record, 1003, "unexpected text frame")
                for answer in transcriber.finish():
                    await self._send(ws, record, answer)
                await self._close(ws, record, 1000, "", outcome="ok")
            if message.type != WSMsgType.BINARY:
                continue
            data: bytes = message.data
            record.frame_sizes.append(len(data))
            if settings.encoding != "LINEAR16":
                await self._close(ws, record, 1003, f"encoding {settings.encoding} is not emulated")
            if len(data) % 2:
                await self._close(ws, record, 1007, "LINEAR16 frames hold whole 16-bit samples")
            for answer in transcriber.feed(data):
                await self._send(ws, record, answer)
            if fault is not None and len(record.frame_sizes) >= fault.frames:
                await self._fault(request, ws, record, fault)

    async def _fault(
        self, request: web.Request, ws: web.WebSocketResponse, record: StreamRecord, rule: _Rule
    ) -> None:
        if rule.kind == "drop":
            record.outcome = "dropped"
            await _cut(request, ws)
            raise _Over
        if rule.kind == "error":
            message = ERROR_MESSAGES.get(rule.code, "error")
            await self._send(ws, record, {"code": rule.code, "msg": message})
            await self._close(ws, record, 1011, rule.code)
        await self._close(ws, record, rule.close_code, rule.reason)

    async def _send(
        self, ws: web.WebSocketResponse, record: StreamRecord, answer: dict[str, Any]
    ) -> None:
        delay = self.faults.delay_for(answer)
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            await ws.send_str(json.dumps(answer, ensure_ascii=False))
        except ConnectionError as exc:
            raise _Over from exc
        record.answers.append(answer)

    @staticmethod
    async def _close(
        ws: web.WebSocketResponse,
        record: StreamRecord,
        code: int,
        reason: str,
        *,
        outcome: str | None = None,
    ) -> None:
        record.outcome = outcome or f"closed {code} {reason}".strip()
        await ws.close(code=code, message=reason.encode())
        raise _Over


async def _cut(request: web.Request, ws: web.WebSocketResponse) -> None:
    """End the connection the way a failing network path does: FIN, no close frame. What the
    client still sends is read and thrown away until it hangs up, because closing a socket with
    unread data would reset it and lose the answers already on their way."""
    transport = request.transport
    if transport is None:
        return
    if transport.can_write_eof():
        transport.write_eof()
    try:
        async with asyncio.timeout(DROP_LINGER):
            async for _ in ws:
                pass
    except (TimeoutError, RuntimeError, ConnectionError):
        pass
    finally:
        transport.close()
