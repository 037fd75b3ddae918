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
        credentials=("client_id", "client_secret"),
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
        credentials=("secret",),
        extra_options=(
            OptionSpec(
                "mode", "choice", "long", "Recognizer (long-form, or short-form in 60 s pieces)",
                "인식 방식(장문, 또는 60초 단위 단문)", choices=("long", "short"),
                help="Long-form takes files, URLs and speakers; short-form sends 60-second "
                "pieces of a local file.",
                help_ko="장문은 파일, URL, 화자 분리를 지원하고, 단문은 로컬 파일을 60초 단위로 "
                "나눠 보냅니다.",
                choice_labels=(
                    ("long", "Long-form", "장문"),
                    ("short", "Short-form, in 60-second pieces", "단문(60초 단위로 나눠 보냄)"),
                ),
            ),
            OptionSpec(
                "completion", "choice", "auto",
                "Completion (auto: async when a callback or result_to_obs is set)",
                "완료 방식(auto: 콜백이나 result_to_obs가 있으면 비동기)",
                choices=("auto", "sync", "async"),
                help="Whether to wait for the result on one request or submit a job and check "
                "back.",
                help_ko="한 요청에서 결과를 기다릴지, 작업을 접수한 뒤 상태를 확인할지 정합니다.",
                choice_labels=(
                    ("auto", "Automatic", "자동"),
                    ("sync", "Wait for the result", "결과가 나올 때까지 기다림"),
                    ("async", "Submit, then check back", "접수 후 상태 확인"),
                ),
            ),
            OptionSpec(
                "callback", "str", "", "Callback URL for async jobs", "비동기 작업 콜백 URL",
                help="The service calls this address when an async job ends.",
                help_ko="비동기 작업이 끝나면 서비스가 이 주소를 호출합니다.",
            ),
            OptionSpec(
                "result_to_obs", "bool", False, "Also save results to Object Storage (async)",
                "결과를 Object Storage에 저장(비동기)",
                help="Keep a copy of the result in the linked Object Storage bucket.",
                help_ko="연결된 Object Storage 버킷에 결과 사본을 남깁니다.",
            ),
            OptionSpec(
                "word_alignment", "bool", True, "Word timestamps", "단어별 시간 정보",
                help="Ask for the time of every word.",
                help_ko="단어마다 시간 정보를 받습니다.",
            ),
            OptionSpec(
                "full_text", "bool", True, "Full text in the result", "전체 텍스트 포함",
                help="Ask for the whole text besides the segments.",
                help_ko="구간별 텍스트와 함께 전체 텍스트를 받습니다.",
            ),
            OptionSpec(
                "noise_filtering", "bool", True, "Noise filtering", "노이즈 필터링",
                help="Let the service filter background noise first.",
                help_ko="서비스가 먼저 배경 잡음을 거릅니다.",
            ),
            OptionSpec(
                "sed", "bool", False, "Sound event detection", "음향 이벤트 탐지",
                help="Mark sounds such as music, laughter or applause.",
                help_ko="음악, 웃음, 박수 같은 소리를 표시합니다.",
            ),
            OptionSpec(
                "domain_boostings", "bool", False, "Use the domain's boosting words",
                "도메인 부스팅 단어 사용",
                help="Boost the words saved with the domain in the console.",
                help_ko="콘솔에서 도메인에 저장한 부스팅 단어를 씁니다.",
            ),
        ),
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
        credentials=("secret",),
        extra_options=EPD_OPTIONS,
    ),
    settings=SettingsFields(
        endpoint=Endpoint(f"{DEFAULT_HOST}:{DEFAULT_PORT}", validate=checked_target)
    ),
)
