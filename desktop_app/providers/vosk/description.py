"""What the offline Vosk engine declares about itself (see :mod:`desktop_app.providers.description`)."""

from __future__ import annotations

from desktop_app.providers.base import Capabilities
from desktop_app.providers.description import EngineDescription, ModelFolder, SettingsFields, Text

VOSK = EngineDescription(
    id="local",
    name=Text("Offline (Vosk)", "오프라인(Vosk)"),
    summary=Text(
        "Recognises Korean on this computer with Vosk. Needs no account and no internet "
        "connection.",
        "Vosk로 이 컴퓨터에서 한국어를 인식합니다. 계정도 인터넷 연결도 필요 없습니다.",
    ),
    capabilities=Capabilities(
        inputs=frozenset({"file", "stream"}),
        languages=("ko",),
        word_timestamps=True,
        live=True,
        offline=True,
    ),
    settings=SettingsFields(
        model_folder=ModelFolder(
            placeholder=Text("Built-in Korean model", "내장 한국어 모델"),
            dialog_title=Text("Choose a Vosk model folder", "Vosk 모델 폴더 고르기"),
        )
    ),
)
