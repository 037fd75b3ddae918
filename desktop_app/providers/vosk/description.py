"""What the offline Vosk engine declares about itself (see :mod:`desktop_app.providers.description`)."""

from __future__ import annotations

from desktop_app.providers.base import Capabilities
from desktop_app.providers.description import EngineDescription, ModelFolder, SettingsFields, Text

VOSK = EngineDescription(
    id="vosk",
    name=Text("Offline (Vosk, fast)", "오프라인(Vosk, 빠름)"),
    summary=Text(
        "Korean speech recognition on this computer with Vosk: instant partial text while "
        "speaking, less accurate than Whisper; no account or network.",
        "Vosk로 이 컴퓨터에서 한국어를 인식합니다. 말하는 동안 바로 임시 텍스트가 나오지만 "
        "Whisper보다 덜 정확합니다. 계정도 네트워크도 필요 없습니다.",
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
