"""Engine knowledge lives in one place: every engine's description is complete, no module outside
``providers/`` names a vendor, and an engine defined here, in a test, shows up in Settings, the
options panel, ``sori providers --verbose`` and ``sori credentials`` without touching any other
file (the "how to add an engine" proof)."""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.cli import commands, credentials
from desktop_app.core.errors import ConfigurationError, ServerError
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback, ignore_progress
from desktop_app.core.secrets import CREDENTIAL_GROUPS, CredentialField, CredentialStore, group_for
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Transcript
from desktop_app.providers import factory, registry
from desktop_app.providers.base import Capabilities, MediaSource, OptionSpec, Provider
from desktop_app.providers.description import (
    CredentialGroup,
    Endpoint,
    EngineDescription,
    ErrorTable,
    SettingsFields,
    Text,
)
from tests.helpers.keyrings import MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]
VENDOR = re.compile(r"clova|naver|ncloud|nhn|rtzr|vito|return ?zero|vosk|whisper", re.IGNORECASE)
# Modules outside providers/ allowed to name a vendor: none.
ALLOWED: set[str] = set()
# Engines whose errors arrive as transport status codes (gRPC), with no vendor code table.
STATUS_ONLY_ENGINES = {"clova-stream"}


# ------------------------------------------------------------------ every engine is described
@pytest.mark.parametrize("described", registry.descriptions(), ids=lambda d: d.id)
def test_every_engine_has_a_complete_description(described: EngineDescription) -> None:
    cls = registry.provider_class(described.id)
    assert cls.name == described.id and cls.capabilities is described.capabilities
    for text in (described.name, described.summary):
        assert text.en.strip() and text.ko.strip()
    assert re.search(r"[가-힣]", described.summary.ko)
    for spec in described.options:
        assert spec.label and spec.label_ko, spec.name
        assert spec.help and spec.help_ko, f"{described.id}: {spec.name} has no help"
        assert spec.coerce(spec.default) == spec.default, spec.name
        assert spec.enabled_by is None or described.option(spec.enabled_by) is not None
        for value, english, korean in spec.choice_labels:
            assert value in spec.choices and english and korean
    if described.credentials is not None:
        for field in described.credentials.fields:
            assert field.env.startswith("SORI_") and field.label and field.label_ko
        assert group_for(described.id) == described.credentials.name
        assert CREDENTIAL_GROUPS[described.credentials.name] == described.credentials.fields
    settings = described.settings
    for spec in described.options:
        if spec.in_settings:
            assert set(spec.choices) == set(settings.hosts), "every host choice has an address"
    if described.capabilities.offline:
        assert settings.model_folder is not None and described.credentials is None
    else:
        assert settings.endpoint is not None and described.credentials is not None
        if described.id not in STATUS_ONLY_ENGINES:
            assert described.errors, f"{described.id} lists no error codes"
    for table in described.errors:
        entries = table.entries()
        assert entries and all(e.message and e.message_ko for e in entries)


def test_option_coercion_is_one_path() -> None:
    speed = OptionSpec("speed", "float", 1.0, "Speed", "속도", minimum=0.5, maximum=2.0)
    assert speed.coerce("1.5") == 1.5 and speed.coerce(2) == 2.0
    flag = OptionSpec("fast", "bool", False, "Fast", "빠르게")
    assert flag.coerce("yes") is True and flag.coerce("off") is False and flag.coerce(True)
    count = OptionSpec("count", "int", 1, "Count", "개수", minimum=1)
    assert count.coerce(" 3 ") == 3
    for spec, bad in ((speed, "3"), (speed, "fast"), (flag, "maybe"), (count, 0), (count, 1.5)):
        with pytest.raises(ConfigurationError) as caught:
            spec.coerce(bad)
        assert spec.name in caught.value.describe() and caught.value.describe("ko")


# ------------------------------------------------------------------ no vendor outside providers/
def test_no_module_outside_providers_names_a_vendor() -> None:
    package = ROOT / "desktop_app"
    found: list[str] = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("desktop_app/providers/") or relative in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if VENDOR.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "vendor names outside providers/:\n" + "\n".join(found)


# ------------------------------------------------------------------ adding an engine
TINY_ERRORS = {"T001": (ServerError, "The tiny service failed", "작은 서비스가 실패했습니다")}
TINY_HOSTS = {"near": "https://near.tiny.invalid", "far": "https://far.tiny.invalid"}
TINY = EngineDescription(
    id="tiny",
    name=Text("Tiny test engine", "작은 시험 엔진"),
    summary=Text("An engine defined inside a test.", "시험 안에서 정의한 엔진입니다."),
    aliases=("tiny-alias",),
    credentials=CredentialGroup(
        "tiny",
        (
            CredentialField("account", "Account", "계정", "SORI_TINY_ACCOUNT", False),
            CredentialField("token", "Token", "토큰", "SORI_TINY_TOKEN"),
        ),
    ),
    capabilities=Capabilities(
        inputs=frozenset({"file"}),
        languages=("ko",),
        extra_options=(
            OptionSpec(
                "voice", "choice", "calm", "Voice", "목소리", choices=("calm", "loud"),
                help="How the speakers talk.", help_ko="화자가 말하는 방식입니다.",
                choice_labels=(("calm", "Calm speech", "차분한 말"),
                               ("loud", "Loud speech", "큰 소리")),
            ),
            OptionSpec(
                "speed", "float", 1.0, "Speed", "속도", minimum=0.5, maximum=2.0,
                help="Playback speed of the audio.", help_ko="오디오 재생 속도입니다.",
            ),
            OptionSpec(
                "host", "choice", "near", "Host", "호스트", choices=tuple(TINY_HOSTS),
                help="Which data centre.", help_ko="어느 데이터 센터인지 고릅니다.",
                choice_labels=(("near", "Near site", "가까운 곳"), ("far", "Far site", "먼 곳")),
                in_settings=True,
            ),
        ),
    ),
    settings=SettingsFields(
        endpoint=Endpoint("https://tiny.invalid", env="SORI_TINY_URL"),
        hosts=TINY_HOSTS,
        poll_interval=7.0,
    ),
    errors=(ErrorTable("Tiny", TINY_ERRORS),),
)  # fmt: skip


class TinyProvider(Provider):
    """An engine at the seam we own; it never runs a job here."""

    description = TINY

    async def transcribe(
        self,
        source: MediaSource,
        options: TranscriptionOptions,
        progress: ProgressCallback = ignore_progress,
    ) -> Transcript:
        return Transcript(engine=self.name)


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Provider]]:
    for variable in TINY.environment_variables():
        monkeypatch.delenv(variable, raising=False)
    registry.register(TinyProvider)
    yield TinyProvider
    registry.unregister("tiny")


def test_a_new_engine_is_listed_by_sori_providers(
    tiny: type[Provider], capsys: pytest.CaptureFixture[str]
) -> None:
    assert registry.provider_class("tiny-alias") is tiny
    assert commands.run_providers(argparse.Namespace(verbose=True)) == 0
    out = capsys.readouterr().out
    block = out[out.index("tiny ") :]
    for expected in (
        "Tiny test engine",
        "An engine defined inside a test.",
        "also called: tiny-alias",
        "--option voice=calm (calm|loud)",
        "How the speakers talk.",
        "--option speed=1.0",
        "settings, or --option host=near",
        "host far: https://far.tiny.invalid",
        "poll interval: 7 s",
        "SORI_TINY_ACCOUNT, SORI_TINY_TOKEN, SORI_TINY_URL",
        "T001",
        "The tiny service failed",
        "sori credentials set tiny",
    ):
        assert expected in block, expected


def test_a_new_engine_takes_its_options_from_the_command_line(
    tiny: type[Provider], monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = argparse.ArgumentParser()
    commands.add_transcribe_parser(parser.add_subparsers())
    args = parser.parse_args(
        ["transcribe", "a.wav", "--option", "speed=1.5", "--option", "voice=loud"]
    )
    options = commands.build_options(args, tiny)
    assert options.extra == {"speed": 1.5, "voice": "loud"}
    args = parser.parse_args(["transcribe", "a.wav", "--option", "speed=9"])
    with pytest.raises(ConfigurationError, match="speed"):
        commands.build_options(args, tiny)
    monkeypatch.setenv("SORI_TINY_URL", "https://env.tiny.invalid")
    config = factory.provider_config("tiny", settings=Settings(Path("/nonexistent/s.json")))
    assert config.endpoint == "https://env.tiny.invalid"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_new_engine_has_its_keys_asked_for_by_sori_credentials(
    tiny: type[Provider], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = CredentialStore(MemoryKeyring())
    hidden_prompts: list[str] = []

    def typed_unseen(prompt: str) -> str:
        hidden_prompts.append(prompt)
        return "tiny-token-123456"

    monkeypatch.setattr("sys.stdin", _Terminal("me@example.invalid\n"))
    monkeypatch.setattr(credentials.getpass, "getpass", typed_unseen)
    parser = argparse.ArgumentParser()
    credentials.add_parser(parser.add_subparsers())
    assert credentials.run(parser.parse_args(["credentials", "set", "tiny-alias"]), store) == 0
    assert "Account (account): " in capsys.readouterr().out
    assert hidden_prompts == ["Token (token): "]  # secret fields are read without echo
    assert store.require("tiny", "tiny") == {
        "account": "me@example.invalid",
        "token": "tiny-token-123456",
    }


@pytest.mark.gui
def test_a_new_engine_has_a_settings_page_and_options(
    tiny: type[Provider], qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit

    from desktop_app.ui.app import create_application
    from desktop_app.ui.options_panel import EngineOptionsPanel
    from desktop_app.ui.settings_dialog import SettingsDialog

    create_application()
    settings = Settings(tmp_path / "settings.json")
    dialog = SettingsDialog(settings=settings, page="tiny")
    qtbot.addWidget(dialog)
    page = dialog.pages["tiny"]
    for name in ("account", "token"):
        assert page.findChild(QLineEdit, f"credential:{name}") is not None
    token = page.findChild(QLineEdit, "credential:token")
    assert token is not None and token.echoMode() == QLineEdit.EchoMode.Password
    host = page.findChild(QComboBox, "host")
    assert host is not None
    assert [host.itemText(i) for i in range(host.count())] == ["Near site", "Far site"]
    endpoint = page.findChild(QLineEdit, "endpoint")
    assert endpoint is not None and endpoint.placeholderText() == "https://near.tiny.invalid"
    host.setCurrentIndex(1)
    assert endpoint.placeholderText() == "https://far.tiny.invalid"
    poll = page.findChild(QDoubleSpinBox, "poll_interval")
    assert poll is not None and poll.value() == 7.0
    dialog.reject()

    panel = EngineOptionsPanel("tiny", settings)
    qtbot.addWidget(panel)
    voice = panel.findChild(QComboBox, "option:voice")
    assert voice is not None
    assert [voice.itemText(i) for i in range(voice.count())] == ["Calm speech", "Loud speech"]
    assert "How the speakers talk." in voice.toolTip()
    assert panel.findChild(QComboBox, "option:host") is None  # chosen in Settings
    speed = panel.findChild(QDoubleSpinBox, "option:speed")
    assert speed is not None
    speed.setValue(1.5)
    voice.setCurrentIndex(1)
    assert panel.options().extra == {"speed": 1.5, "voice": "loud"}
