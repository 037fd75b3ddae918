"""What the two RTZR engines declare about themselves (see :mod:`desktop_app.providers.description`):
file transcription and real-time recognition, which share one pair of keys."""

from __future__ import annotations

from desktop_app.core.secrets import CredentialField
from desktop_app.providers.base import Capabilities
from desktop_app.providers.description import (
    CredentialGroup,
    Endpoint,
    EngineDescription,
    ErrorTable,
    SettingsFields,
    Text,
)
from desktop_app.providers.rtzr.auth import DEFAULT_BASE_URL
from desktop_app.providers.rtzr.config import EXTRA_OPTIONS
from desktop_app.providers.rtzr.errors import RTZR_ERRORS
from desktop_app.providers.rtzr.stream_wire import STREAM_OPTIONS

RTZR_KEYS = CredentialGroup(
    "rtzr",
    (
        CredentialField("client_id", "Client ID", "클라이언트 ID", "SORI_RTZR_CLIENT_ID", False),
        CredentialField(
            "client_secret", "Client Secret", "클라이언트 시크릿", "SORI_RTZR_CLIENT_SECRET"
        ),
    ),
)
ERRORS = (ErrorTable("RTZR", RTZR_ERRORS),)

BATCH = EngineDescription(
    id="rtzr",
    name=Text("Return Zero (RTZR) file transcription", "리턴제로(RTZR) 파일 전사"),
    summary=Text(
        "Return Zero (VITO): long files, speakers, keywords and word times. Keys from the RTZR "
        "developer console.",
        "리턴제로(VITO): 긴 파일, 화자 분리, 키워드, 단어별 시간. 키는 RTZR 개발자 콘솔에서 "
        "받으세요.",
    ),
    credentials=RTZR_KEYS,
    capabilities=Capabilities(
        inputs=frozenset({"file"}),
        languages=("ko", "ja", "en", "zh", "detect", "multi"),
        diarization=True,
        speaker_count="exact",
        keywords=True,
        word_timestamps=True,
        extra_options=EXTRA_OPTIONS,
    ),
    settings=SettingsFields(endpoint=Endpoint(DEFAULT_BASE_URL), poll_interval=5.0),
    errors=ERRORS,
)

STREAM = EngineDescription(
    id="rtzr-stream",
    name=Text("Return Zero (RTZR) real-time", "리턴제로(RTZR) 실시간"),
    summary=Text(
        "Return Zero (VITO) real-time recognition over a WebSocket: text while you speak.",
        "리턴제로(VITO) 실시간 인식(WebSocket): 말하는 동안 텍스트가 나옵니다.",
    ),
    credentials=RTZR_KEYS,
    capabilities=Capabilities(
        inputs=frozenset({"stream", "file"}),
        languages=("ko", "ja"),
        keywords=True,
        keyword_weights=True,
        word_timestamps=True,
        live=True,
        extra_options=STREAM_OPTIONS,
    ),
    settings=SettingsFields(endpoint=Endpoint(DEFAULT_BASE_URL)),
    errors=ERRORS,
)
