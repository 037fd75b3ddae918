"""RTZR tokens (one sign-in shared by jobs, refresh near expiry and after 401), error mapping and
the upload-format decision, against the RTZR emulator where a server is involved."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import httpx
import pytest

from desktop_app.audio.decode import MediaInfo
from desktop_app.core.errors import (
    AuthError,
    ConfigurationError,
    RateLimitError,
    ServerError,
)
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.providers.base import MediaSource
from desktop_app.providers.http import RetryPolicy
from desktop_app.providers.rtzr.auth import RtzrAuth, tokens_fetched
from desktop_app.providers.rtzr.errors import (
    RemoteJobFailedError,
    job_failure_error,
    rtzr_error,
)
from desktop_app.providers.rtzr.media import MAX_BYTES, MP4_FAMILY, upload_reason
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET
from tests.providers.rtzr.support import (
    AUTH,
    POLL,
    UPLOAD,
    RtzrServer,
    expected_rows,
    rows,
    rtzr_provider,
    rtzr_server,
    transcribe,
)

__all__ = ["rtzr_server"]  # the fixture, imported for pytest

FAST = RetryPolicy(attempts=3, base_delay=0.01)


def test_one_sign_in_serves_several_jobs(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    for _ in range(3):
        transcribe(rtzr_provider(rtzr_server), korean_clip)
    assert rtzr_server.requests.count(AUTH) == 1
    assert rtzr_server.requests.count(UPLOAD) == 3
    sign_in = rtzr_server.requests.last(AUTH)
    assert sign_in.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert sign_in.form == {"client_id": [RTZR_CLIENT_ID], "client_secret": [RTZR_CLIENT_SECRET]}


def test_concurrent_jobs_share_one_sign_in(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    provider = rtzr_provider(rtzr_server)
    rtzr_server.faults.delay(0.2, match=AUTH)  # keep the first sign-in in flight

    async def jobs() -> list[list[tuple[float, float, str, str | None]]]:
        done = await asyncio.gather(
            *(
                provider.transcribe(MediaSource(path=korean_clip), TranscriptionOptions())
                for _ in range(4)
            )
        )
        return [rows(t) for t in done]

    results = asyncio.run(jobs())
    assert results == [expected_rows(korean_clip)] * 4
    assert rtzr_server.requests.count(AUTH) == 1


def test_expired_token_is_refreshed_once_and_the_call_repeated(
    rtzr_server: RtzrServer, korean_clip: Path
) -> None:
    provider = rtzr_provider(rtzr_server)
    transcribe(provider, korean_clip)
    rtzr_server.emulator.expire_all_tokens()
    transcript = transcribe(provider, korean_clip)
    assert rows(transcript) == expected_rows(korean_clip)
    assert rtzr_server.requests.count(AUTH) == 2
    statuses = [r.status for r in rtzr_server.requests.all(UPLOAD)]
    assert statuses == [200, 401, 200]
    assert len(rtzr_server.emulator.jobs) == 2


def test_token_expiring_while_polling_is_refreshed(
    rtzr_server: RtzrServer, korean_clip: Path
) -> None:
    rtzr_server.emulator.transcribing_polls = 3
    expired: list[bool] = []

    def expire_once(progress: Progress) -> None:
        if progress.stage == "processing" and not expired:
            expired.append(True)
            rtzr_server.emulator.expire_all_tokens()

    transcript = transcribe(rtzr_provider(rtzr_server), korean_clip, expire_once)
    assert rows(transcript) == expected_rows(korean_clip)
    assert [r.status for r in rtzr_server.requests.all(POLL)] == [200, 401, 200, 200, 200]
    assert rtzr_server.requests.count(AUTH) == 2


def test_concurrent_jobs_share_one_refresh_after_expiry(
    rtzr_server: RtzrServer, korean_clip: Path
) -> None:
    provider = rtzr_provider(rtzr_server)
    transcribe(provider, korean_clip)
    rtzr_server.emulator.expire_all_tokens()

    async def jobs() -> None:
        await asyncio.gather(
            *(
                provider.transcribe(MediaSource(path=korean_clip), TranscriptionOptions())
                for _ in range(3)
            )
        )

    asyncio.run(jobs())
    assert rtzr_server.requests.count(AUTH) == 2


def test_a_short_lived_token_is_still_shared(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    rtzr_server.emulator.token_lifetime = 120  # shorter than the 5-minute refresh margin
    provider = rtzr_provider(rtzr_server)
    transcribe(provider, korean_clip)
    transcribe(provider, korean_clip)
    assert rtzr_server.requests.count(AUTH) == 1
    assert all(r.status == 200 for r in rtzr_server.requests.all(UPLOAD))


def test_refresh_margin_follows_the_clock(rtzr_server: RtzrServer) -> None:
    now = [1_000_000.0]
    real_expiry: list[float] = []

    async def scenario() -> list[str]:
        auth = RtzrAuth(
            rtzr_server.base_url,
            RTZR_CLIENT_ID,
            RTZR_CLIENT_SECRET,
            policy=FAST,
            clock=lambda: now[0],
        )
        first = await auth.token()
        cached = auth.cached()
        assert cached is not None
        real_expiry.append(cached.expire_at)
        now[0] = cached.expire_at - 301  # still outside the margin: the same token
        second = await auth.token()
        now[0] = cached.expire_at - 299  # inside the margin: a new one
        third = await auth.token()
        return [first, second, third]

    before = tokens_fetched()
    first, second, third = asyncio.run(scenario())
    assert first == second != third
    assert tokens_fetched() - before == 2
    assert rtzr_server.requests.count(AUTH) == 2


def test_a_short_lived_token_is_replaced_half_way(rtzr_server: RtzrServer) -> None:
    rtzr_server.emulator.token_lifetime = 120
    now = [time.time()]

    async def scenario() -> list[str]:
        auth = RtzrAuth(
            rtzr_server.base_url,
            RTZR_CLIENT_ID,
            RTZR_CLIENT_SECRET,
            policy=FAST,
            clock=lambda: now[0],
        )
        first = await auth.token()
        cached = auth.cached()
        assert cached is not None
        now[0] = cached.expire_at - 61
        second = await auth.token()
        now[0] = cached.expire_at - 59
        return [first, second, await auth.token()]

    first, second, third = asyncio.run(scenario())
    assert first == second != third
    assert rtzr_server.requests.count(AUTH) == 2


def test_wrong_secret_is_refused_even_with_a_cached_token(
    rtzr_server: RtzrServer, korean_clip: Path
) -> None:
    transcribe(rtzr_provider(rtzr_server), korean_clip)
    wrong = {"client_id": RTZR_CLIENT_ID, "client_secret": "wrong-secret-value"}
    with pytest.raises(AuthError) as info:
        transcribe(rtzr_provider(rtzr_server, credentials=wrong), korean_clip)
    text = info.value.describe() + info.value.describe("ko")
    assert "Client Secret" in text and "H0002" in text and "wrong-secret-value" not in text
    assert rtzr_server.requests.count(AUTH) == 2
    assert rtzr_server.requests.count(UPLOAD) == 1


def test_a_token_refused_twice_is_an_auth_error(rtzr_server: RtzrServer, korean_clip: Path) -> None:
    rtzr_server.faults.http_error(401, times=2, match=UPLOAD)
    with pytest.raises(AuthError, match="H0002"):
        transcribe(rtzr_provider(rtzr_server), korean_clip)
    assert rtzr_server.requests.count(AUTH) == 2
    assert rtzr_server.requests.count(UPLOAD) == 2


def test_server_failure_while_signing_in_is_retried(rtzr_server: RtzrServer) -> None:
    rtzr_server.faults.provider_error("E500", times=2, match=AUTH)
    auth = RtzrAuth(rtzr_server.base_url, RTZR_CLIENT_ID, RTZR_CLIENT_SECRET, policy=FAST)
    assert asyncio.run(auth.token()).count(".") == 2
    rtzr_server.faults.provider_error("E500", times=5, match=AUTH)
    auth.forget()
    with pytest.raises(ServerError, match="E500"):
        asyncio.run(auth.token())


def test_tokens_and_secrets_never_reach_the_log(
    rtzr_server: RtzrServer, korean_clip: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rtzr_server.emulator.transcribing_polls = 2
    transcribe(rtzr_provider(rtzr_server), korean_clip)
    token = rtzr_server.requests.last(UPLOAD).headers["authorization"].split()[1]
    assert "signed in" in caplog.text
    assert token not in caplog.text and RTZR_CLIENT_SECRET not in caplog.text
    auth = RtzrAuth(rtzr_server.base_url, RTZR_CLIENT_ID, RTZR_CLIENT_SECRET)
    asyncio.run(auth.token())
    assert token not in repr(auth.cached()) and RTZR_CLIENT_SECRET not in repr(auth)


# -- error mapping (no server needed) ------------------------------------------------------------
def answer(status: int, body: object = None, text: str = "", **headers: str) -> httpx.Response:
    if body is not None:
        return httpx.Response(status, json=body, headers=headers)
    return httpx.Response(status, text=text, headers=headers)


def test_error_bodies_map_by_code_then_status() -> None:
    h0001 = rtzr_error(answer(400, {"code": "H0001", "msg": "keywords too long"}), "rtzr")
    assert isinstance(h0001, ConfigurationError) and "keywords too long" in str(h0001)
    busy = rtzr_error(answer(429, {"code": "A0002", "msg": "x"}, **{"Retry-After": "7"}), "rtzr")
    assert isinstance(busy, RateLimitError) and busy.retry_after == 7.0 and busy.transient
    gateway = rtzr_error(answer(502, text="<html>Bad Gateway</html>"), "rtzr")
    assert isinstance(gateway, ServerError) and gateway.transient
    odd = rtzr_error(answer(418, {"code": "Z9999"}), "rtzr")
    assert isinstance(odd, ConfigurationError) and "418" in str(odd)
    for error in (h0001, busy, gateway, odd):
        assert error.message_ko and error.fix and error.fix_ko


def test_failed_job_is_never_transient() -> None:
    failed = job_failure_error({"code": "E500", "message": "engine crashed"}, "rtzr")
    assert isinstance(failed, RemoteJobFailedError) and not failed.transient
    assert "engine crashed" in str(failed) and failed.code == "E500"
    unknown = job_failure_error(None, "rtzr")
    assert isinstance(unknown, RemoteJobFailedError)


# -- what is uploaded as it is ---------------------------------------------------------------------
def info(name: str, container: str, codec: str, *, video: bool = False) -> MediaInfo:
    return MediaInfo(Path(name), 60.0, container, codec, 16000, 1, video)


@pytest.mark.parametrize(
    ("media", "size", "brand", "as_is"),
    [
        (info("a.wav", "wav", "pcm_s16le"), 1000, None, True),
        (info("a.wav", "wav", "adpcm_ima_wav"), 1000, None, False),
        (info("a.wav", "wav", "pcm_s16le"), MAX_BYTES + 1, None, False),
        (info("a.mp3", "mp3", "mp3float"), 1000, None, True),
        (info("a.mp3", "wav", "pcm_s16le"), 1000, None, False),
        (info("a.m4a", MP4_FAMILY, "aac"), 1000, "M4A ", True),
        (info("a.mp4", MP4_FAMILY, "aac"), 1000, "qt  ", False),
        (info("a.mp4", MP4_FAMILY, "opus"), 1000, "isom", False),
        (info("a.mp4", MP4_FAMILY, "aac", video=True), 1000, "isom", False),
        (info("a.amr", "amr", "amrnb"), 1000, None, True),
        (info("a.ogg", "ogg", "vorbis"), 1000, None, False),
        (info("a", "flac", "flac"), 1000, None, False),
    ],
)
def test_upload_reason(media: MediaInfo, size: int, brand: str | None, as_is: bool) -> None:
    assert (upload_reason(media, size, brand) is None) == as_is
