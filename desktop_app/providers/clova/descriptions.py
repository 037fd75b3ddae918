"""What the three CLOVA engines declare about themselves (see :mod:`desktop_app.providers.description`):
CSR (short clips), CLOVA Speech long-form and its real-time gRPC stream, which share one key."""

from __future__ import annotations

from desktop_app.core.secrets import CredentialField
from desktop_app.providers.base import Capabilities, OptionSpec
from desktop_app.providers.clova.errors import GATEWAY_ERRORS, STT_ERRORS
from desktop_app.providers.clova.nest import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    EPD_OPTIONS,
    LANGUAGES,
    parse_endpoint,
)
from desktop_app.providers.clova.speech_errors import LONG_FORM_OVERRIDES, SERVICE_CODES
from desktop_app.providers.clova.speech_params import SPEECH_OPTIONS
from desktop_app.providers.description import (
    CredentialGroup,
    Endpoint,
    EngineDescription,
    ErrorTable,
    SettingsFields,
    Text,
)

SPEECH_KEYS = CredentialGroup(
    "clova-speech",
    (CredentialField("secret", "Secret key", "시크릿 키", "SORI_CLOVA_SPEECH_SECRET"),),
)
HOSTS = {
    "public": "https://naveropenapi.apigw.ntruss.com",
    "gov": "https://naveropenapi.apigw.gov-ntruss.com",
    "fin": "https://naveropenapi.apigw-pub.fin-ntruss.com",
}
MAX_SECONDS = 60.0
MAX_BYTES = 3 * 1024 * 1024


def checked_target(text: str) -> str:
    """A typed endpoint as stored, once :func:`parse_endpoint` accepts it."""
    parse_endpoint(text)
    return text.strip()


CSR = EngineDescription(
    id="clova-csr",
    name=Text("CLOVA Speech Recognition (CSR)", "CLOVA Speech Recognition(CSR)"),
    summary=Text(
        "NAVER Cloud CLOVA Speech Recognition: short clips; Sori cuts long recordings at "
        "pauses. Keys from the NAVER Cloud console (Application > Client ID/Secret).",
        "NAVER Cloud CLOVA Speech Recognition: 짧은 음성용이며, 긴 녹음은 Sori가 말이 끊기는 "
        "곳에서 나눠 보냅니다. 키는 NAVER Cloud 콘솔(Application > Client ID/Secret)에서 "
        "받으세요.",
    ),
    credentials=CredentialGroup(
        "clova-csr",
        (
            CredentialField(
                "client_id", "Client ID", "클라이언트 ID", "SORI_CLOVA_CSR_CLIENT_ID", False
            ),
            CredentialField(
                "client_secret",
                "Client Secret",
                "클라이언트 시크릿",
                "SORI_CLOVA_CSR_CLIENT_SECRET",
            ),
        ),
    ),
    capabilities=Capabilities(
        inputs=frozenset({"file", "stream"}),
        languages=("ko", "en", "ja", "zh"),
        max_duration=MAX_SECONDS,
        max_bytes=MAX_BYTES,
        live=True,
        extra_options=(
            OptionSpec(
                "host", "choice", "public", "Region (public, gov, fin)", "리전(공공/금융)",
                choices=tuple(HOSTS),
                help="Which NAVER Cloud region the keys belong to.",
                help_ko="키가 속한 NAVER Cloud 리전입니다.",
                choice_labels=(
                    ("public", "Public cloud", "일반(공용) 클라우드"),
                    ("gov", "Government cloud (Korean only)", "공공기관용 클라우드(한국어만)"),
                    ("fin", "Financial cloud (Korean only)", "금융 클라우드(한국어만)"),
                ),
                in_settings=True,
            ),
        ),
    ),
    settings=SettingsFields(
        endpoint=Endpoint(HOSTS["public"]),
        hosts=HOSTS,
    ),
    errors=(
        ErrorTable("CSR (STT…)", STT_ERRORS),
        ErrorTable("API Gateway", GATEWAY_ERRORS),
    ),
)  # fmt: skip


SPEECH = EngineDescription(
    id="clova-speech",
    name=Text("CLOVA Speech (long-form)", "CLOVA Speech(장문)"),
    summary=Text(
        "NAVER Cloud CLOVA Speech long-form: files, URLs, speakers and word times. Needs the "
        "InvokeURL and secret key of your CLOVA Speech domain.",
        "NAVER Cloud CLOVA Speech 장문 인식: 파일, URL, 화자 분리, 단어별 시간. CLOVA Speech "
        "도메인의 InvokeURL과 시크릿 키가 필요합니다.",
    ),
    credentials=SPEECH_KEYS,
    capabilities=Capabilities(
        inputs=frozenset({"file", "url", "object_storage"}),
        languages=("ko", "en", "ja", "zh", "zh-tw", "enko"),
        diarization=True,
        speaker_count="range",
        keywords=True,
        keyword_weights=False,
        forbidden=True,
        word_timestamps=True,
        extra_options=SPEECH_OPTIONS,
    ),
    settings=SettingsFields(
        endpoint=Endpoint(
            "https://clovaspeech-gw.ncloud.com/external/v1/…",
            env="SORI_CLOVA_SPEECH_INVOKE_URL",
            label=Text("InvokeURL", "InvokeURL"),
            required=True,
        ),
        poll_interval=3.0,
    ),
    errors=(
        ErrorTable("CLOVA Speech", SERVICE_CODES),
        ErrorTable("CLOVA Speech long-form", LONG_FORM_OVERRIDES),
    ),
)  # fmt: skip


STREAM = EngineDescription(
    id="clova-stream",
    name=Text("CLOVA Speech real-time (gRPC)", "CLOVA Speech 실시간(gRPC)"),
    summary=Text(
        "NAVER Cloud CLOVA Speech real-time recognition over gRPC: text while you speak.",
        "NAVER Cloud CLOVA Speech 실시간 인식(gRPC): 말하는 동안 텍스트가 나옵니다.",
    ),
    credentials=SPEECH_KEYS,
    capabilities=Capabilities(
        inputs=frozenset({"file", "stream"}),
        languages=LANGUAGES,
        keywords=True,
        keyword_weights=True,
        forbidden=True,
        word_timestamps=True,
        live=True,
        extra_options=EPD_OPTIONS,
    ),
    settings=SettingsFields(
        endpoint=Endpoint(f"{DEFAULT_HOST}:{DEFAULT_PORT}", validate=checked_target)
    ),
)
