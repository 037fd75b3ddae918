"""What the offline Whisper engine declares about itself (see
:mod:`desktop_app.providers.description`): the default engine, also reached as ``local``."""

from __future__ import annotations

from desktop_app.providers.base import Capabilities, OptionSpec
from desktop_app.providers.description import EngineDescription, ModelFolder, SettingsFields, Text
from desktop_app.providers.whisper.languages import WHISPER_LANGUAGES

# Beam sizes of the quality presets; "best" also picks the largest installed model.
QUALITY_BEAMS = {"fast": 1, "balanced": 5, "best": 5}
DEFAULT_QUALITY = "balanced"

WHISPER = EngineDescription(
    id="whisper",
    name=Text("Offline (Whisper)", "오프라인(Whisper)"),
    summary=Text(
        "Accurate speech recognition on this computer with Whisper (faster-whisper); no "
        "account or network. Korean by default, about 100 languages.",
        "Whisper(faster-whisper)로 이 컴퓨터에서 정확하게 인식합니다. 계정도 네트워크도 필요 "
        "없습니다. 기본은 한국어이며 약 100개 언어를 지원합니다.",
    ),
    aliases=("local",),
    capabilities=Capabilities(
        inputs=frozenset({"file", "stream"}),
        languages=WHISPER_LANGUAGES,
        keywords=True,
        word_timestamps=True,
        live=True,
        offline=True,
        extra_options=(
            OptionSpec(
                "quality",
                "choice",
                DEFAULT_QUALITY,
                "Quality",
                "품질",
                choices=tuple(QUALITY_BEAMS),
                help="fast (greedy), balanced (beam 5), best (beam 5 with the largest "
                "installed model)",
                help_ko="fast(빠름, greedy), balanced(빔 5), best(빔 5, 설치된 가장 큰 모델)",
                choice_labels=(
                    ("fast", "Fast", "빠르게"),
                    ("balanced", "Balanced", "균형"),
                    ("best", "Best", "최고 품질"),
                ),
            ),
            OptionSpec(
                "model",
                "str",
                "",
                "Model",
                "모델",
                help="a name (base, small, medium, large-v3, large-v3-turbo) or a CTranslate2 "
                "model folder; empty = the built-in base model",
                help_ko="이름(base, small, medium, large-v3, large-v3-turbo) 또는 CTranslate2 "
                "모델 폴더. 비우면 내장 base 모델",
            ),
        ),
    ),
    settings=SettingsFields(
        model_folder=ModelFolder(
            placeholder=Text("Built-in base model", "내장 base 모델"),
            dialog_title=Text("Choose a Whisper model folder", "Whisper 모델 폴더 고르기"),
        )
    ),
    keyword_help=Text(
        "Given to Whisper as hints (hotwords and a short prompt): names and terms come out "
        "right more often. Weights are ignored.",
        "Whisper에 힌트(hotwords와 짧은 프롬프트)로 전달되어 이름과 용어가 더 자주 맞게 "
        "나옵니다. 가중치는 쓰이지 않습니다.",
    ),
)
