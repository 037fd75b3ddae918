"""What the NHN Cloud engine declares about itself (see :mod:`desktop_app.providers.description`)."""

from __future__ import annotations

from desktop_app.core.secrets import CredentialField
from desktop_app.providers.base import Capabilities, OptionSpec
from desktop_app.providers.description import (
    CredentialGroup,
    Endpoint,
    EngineDescription,
    ErrorTable,
    SettingsFields,
    Text,
)
from desktop_app.providers.nhn.errors import NHN_ERRORS

HOSTS = {
    "current": "https://api-speech.nhncloudservice.com",
    "former": "https://speech.api.nhncloudservice.com",
}
MAX_BYTES = 150_000_000  # documented 150 MB; decimal megabytes to stay on the safe side
MAX_SECONDS = 3600.0

NHN = EngineDescription(
    id="nhn",
    name=Text("NHN Cloud Speech to Text", "NHN Cloud Speech to Text"),
    summary=Text(
        "NHN Cloud Speech to Text: files and public URLs, with biasing word pairs. Keys from the "
        "NHN Cloud console (Speech to Text > URL & Appkey).",
        "NHN Cloud Speech to Text: 파일과 공개 URL, 바이어싱 단어 쌍을 지원합니다. 키는 NHN Cloud "
        "콘솔(Speech to Text > URL & Appkey)에서 받으세요.",
    ),
    credentials=CredentialGroup(
        "nhn",
        (
            CredentialField("appkey", "App key", "앱키", "SORI_NHN_APPKEY", False),
            CredentialField("secret", "Secret key", "비밀 키", "SORI_NHN_SECRET"),
        ),
    ),
    capabilities=Capabilities(
        inputs=frozenset({"file", "url"}),
        languages=("ko",),
        max_duration=MAX_SECONDS,
        max_bytes=MAX_BYTES,
        biasing=True,
        extra_options=(
            OptionSpec(
                "host", "choice", "current",
                "Host (current, or former: speech.api.nhncloudservice.com)",
                "호스트(current 현재 / former 이전 주소)",
                choices=tuple(HOSTS),
                help="The service's address; the former one still answers for older projects.",
                help_ko="서비스 주소입니다. 이전 주소도 예전 프로젝트에서는 아직 응답합니다.",
                choice_labels=(
                    ("current", "Current address (api-speech.nhncloudservice.com)",
                     "현재 주소(api-speech.nhncloudservice.com)"),
                    ("former", "Former address (speech.api.nhncloudservice.com)",
                     "이전 주소(speech.api.nhncloudservice.com)"),
                ),
                in_settings=True,
            ),
        ),
    ),
    settings=SettingsFields(endpoint=Endpoint(HOSTS["current"]), hosts=HOSTS, poll_interval=3.0),
    errors=(ErrorTable("NHN Cloud Speech to Text", NHN_ERRORS),),
)  # fmt: skip
