"""The engine options panel, driven as a user would: only what the engine supports is shown,
word lists are typed (checked as you type), imported and saved, and everything is remembered
per engine in the settings file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.settings import Settings
from desktop_app.providers import registry
from desktop_app.providers.base import OptionSpec
from desktop_app.ui.app import create_application
from desktop_app.ui.options_panel import SETTINGS_KEY, EngineOptionsPanel, option_label
from desktop_app.ui.word_list_editor import WordListEditor

pytestmark = pytest.mark.gui
MakePanel = Callable[..., EngineOptionsPanel]


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.json"


@pytest.fixture
def make_panel(qtbot: QtBot, settings_path: Path) -> Iterator[MakePanel]:
    create_application()
    made: list[EngineOptionsPanel] = []

    def make(engine: str, settings: Settings | None = None) -> EngineOptionsPanel:
        panel = EngineOptionsPanel(engine, settings or Settings(settings_path))
        qtbot.addWidget(panel)
        panel.resize(420, 800)
        panel.show()
        made.append(panel)
        return panel

    yield make
    for panel in made:
        panel.flush()


def child(panel: QWidget, name: str) -> QWidget | None:
    found = panel.findChild(QWidget, name)
    return found if found is not None and found.isVisibleTo(panel) else None


def editor(panel: EngineOptionsPanel, kind: str) -> WordListEditor:
    found = panel.word_lists.get(kind)  # type: ignore[call-overload]
    assert isinstance(found, WordListEditor)
    return found


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest.keyClicks only knows ASCII, not Hangul)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def tick(qtbot: QtBot, box: QWidget | None) -> None:
    """Click a check box on its indicator (its middle may be empty space in a wide row)."""
    assert isinstance(box, QCheckBox)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def type_entry(list_editor: WordListEditor, text: str) -> None:
    list_editor.entry.clear()
    type_text(list_editor.entry, text)


@pytest.mark.parametrize("engine", registry.provider_names())
def test_only_supported_controls_are_shown(make_panel: MakePanel, engine: str) -> None:
    panel = make_panel(engine)
    caps = registry.provider_class(engine).capabilities
    language = child(panel, "language")
    assert isinstance(language, QComboBox)
    assert [language.itemData(i) for i in range(language.count())] == list(caps.languages)
    assert (child(panel, "diarization") is not None) == caps.diarization
    assert (child(panel, "speakers") is not None) == (caps.speaker_count == "exact")
    assert (child(panel, "speakers_min") is not None) == (caps.speaker_count == "range")
    assert (child(panel, "speakers_max") is not None) == (caps.speaker_count == "range")
    for kind, supported in (
        ("keywords", caps.keywords),
        ("biasing", caps.biasing),
        ("forbidden", caps.forbidden),
    ):
        assert (kind in panel.word_lists) == supported
    if caps.keywords:
        table = editor(panel, "keywords").table
        assert table.columnCount() == (2 if caps.keyword_weights else 1)
    expected = {spec.name for spec in caps.extra_options} - {"host"}
    assert set(panel.extra_widgets) == expected
    assert child(panel, "option:host") is None  # chosen in Settings, with the endpoint
    for spec in caps.extra_options:
        widget = panel.extra_widgets.get(spec.name)
        kinds = {
            "bool": QCheckBox,
            "choice": QComboBox,
            "int": QAbstractSpinBox,
            "float": QAbstractSpinBox,
            "str": QLineEdit,
        }
        if widget is not None:
            assert isinstance(widget, kinds[spec.kind])
    assert panel.validation_error() is None  # the defaults always work


def test_user_choices_become_options(make_panel: MakePanel, qtbot: QtBot) -> None:
    panel = make_panel("clova-speech")
    language = panel.language_box
    assert language is not None
    language.setCurrentIndex(language.findData("enko"))
    assert panel.speakers_min_spin is not None and panel.speakers_max_spin is not None
    assert not panel.speakers_min_spin.isEnabled()  # until speakers are separated
    tick(qtbot, panel.diarization_box)
    assert panel.speakers_min_spin.isEnabled()
    panel.speakers_min_spin.setValue(2)
    panel.speakers_max_spin.setValue(3)
    keywords = editor(panel, "keywords")
    type_entry(keywords, "소리, 회의록")
    qtbot.keyClick(keywords.entry, Qt.Key.Key_Return)
    forbidden = editor(panel, "forbidden")
    type_entry(forbidden, "음")
    qtbot.mouseClick(forbidden.add_button, Qt.MouseButton.LeftButton)
    sed = panel.extra_widgets["sed"]
    assert isinstance(sed, QCheckBox)
    tick(qtbot, sed)
    completion = panel.extra_widgets["completion"]
    assert isinstance(completion, QComboBox)
    completion.setCurrentIndex(completion.findData("sync"))

    assert panel.options() == TranscriptionOptions(
        language="enko",
        diarization=True,
        speakers_min=2,
        speakers_max=3,
        keywords=[Keyword("소리"), Keyword("회의록")],
        forbidden=["음"],
        extra={"sed": True, "completion": "sync"},
    )
    assert panel.word_tabs is not None and panel.word_tabs.tabText(0).endswith("(2)")


@pytest.mark.parametrize(
    ("engine", "options"),
    [
        (
            "clova-stream",
            TranscriptionOptions(
                language="ja",
                keywords=[Keyword("소리", 2.5), Keyword("회의")],
                forbidden=["음", "어"],
                extra={"gapThreshold": 1500, "useWordEpd": True},
            ),
        ),
        (
            "rtzr",
            TranscriptionOptions(
                language="ko",
                diarization=True,
                speakers=3,
                keywords=[Keyword("에스티티")],
                extra={"domain": "CALL", "use_itn": False, "paragraph_splitter_max": 80},
            ),
        ),
        ("nhn", TranscriptionOptions(language="ko", biasing=["차단기_차단계", "소리_소이"])),
    ],
)
def test_set_options_round_trip(
    make_panel: MakePanel, engine: str, options: TranscriptionOptions
) -> None:
    panel = make_panel(engine)
    panel.set_options(options)
    assert panel.options() == options


def test_weights_show_in_their_own_column(make_panel: MakePanel, qtbot: QtBot) -> None:
    panel = make_panel("clova-stream")
    keywords = editor(panel, "keywords")
    type_entry(keywords, "소리:2")
    qtbot.keyClick(keywords.entry, Qt.Key.Key_Return)
    table: QTableWidget = keywords.table
    cells = [table.item(0, column) for column in (0, 1)]
    assert [cell.text() if cell else None for cell in cells] == ["소리", "2"]
    assert panel.options().keywords == [Keyword("소리", 2.0)]


def test_weights_are_refused_as_you_type_where_the_engine_has_none(
    make_panel: MakePanel, qtbot: QtBot
) -> None:
    panel = make_panel("clova-speech")
    keywords = editor(panel, "keywords")
    type_entry(keywords, "소리:2")
    assert keywords.entry_error.isVisible()
    assert "소리" in keywords.entry_error.message()
    qtbot.keyClick(keywords.entry, Qt.Key.Key_Return)
    assert keywords.entries() == []


def test_biasing_is_checked_as_you_type(make_panel: MakePanel, qtbot: QtBot) -> None:
    panel = make_panel("nhn")
    biasing = editor(panel, "biasing")
    error = biasing.entry_error
    type_entry(biasing, "차단기")
    assert error.isVisible() and error.kind == "error"
    assert "ANSWER_RECOGNIZED" in error.message()
    qtbot.keyClick(biasing.entry, Qt.Key.Key_Return)
    assert biasing.entries() == []  # nothing invalid is added
    assert biasing.entry.text() == "차단기"  # and nothing typed is lost
    type_text(biasing.entry, "_차단계")
    assert not error.isVisible()
    qtbot.keyClick(biasing.entry, Qt.Key.Key_Return)
    assert biasing.entries() == ["차단기_차단계"]
    assert biasing.entry.text() == ""
    assert panel.options().biasing == ["차단기_차단계"]


def test_engine_checks_show_under_the_panel(make_panel: MakePanel) -> None:
    panel = make_panel("rtzr")
    assert panel.language_box is not None
    panel.language_box.setCurrentIndex(panel.language_box.findData("en"))
    assert panel.error.isVisible()  # the sommers model takes ko or ja only
    with pytest.raises(ConfigurationError):
        panel.options()
    model = panel.extra_widgets["model_name"]
    assert isinstance(model, QComboBox)
    model.setCurrentIndex(model.findData("whisper"))
    assert not panel.error.isVisible()
    assert panel.options().extra == {"model_name": "whisper"}


def test_speaker_range_is_checked(make_panel: MakePanel, qtbot: QtBot) -> None:
    panel = make_panel("clova-speech")
    tick(qtbot, panel.diarization_box)
    assert panel.speakers_min_spin is not None and panel.speakers_max_spin is not None
    panel.speakers_min_spin.setValue(4)
    panel.speakers_max_spin.setValue(2)
    assert panel.error.isVisible()
    with pytest.raises(ConfigurationError):
        panel.options()


def test_paragraph_length_follows_its_switch(make_panel: MakePanel, qtbot: QtBot) -> None:
    panel = make_panel("rtzr")
    length = panel.extra_widgets["paragraph_splitter_max"]
    switch = panel.extra_widgets["use_paragraph_splitter"]
    assert length.isEnabled()
    tick(qtbot, switch)
    assert not length.isEnabled()


def test_word_list_import_and_save(make_panel: MakePanel, tmp_path: Path) -> None:
    panel = make_panel("clova-stream")
    keywords = editor(panel, "keywords")
    source = tmp_path / "words.txt"
    source.write_text(
        "\ufeff# meeting words\n소리:2\n\n회의록\n:3\n세종, 한글:1.5\n소리:2\n", encoding="utf-8"
    )
    assert keywords.import_file(source) == 4
    assert keywords.entries() == ["소리:2", "회의록", "세종", "한글:1.5"]
    message = keywords.file_message.message()
    assert "words.txt" in message and "5" in message  # the bad line is named
    target = tmp_path / "out" / "saved.txt"
    assert keywords.save_file(target)
    assert target.read_text(encoding="utf-8") == "소리:2\n회의록\n세종\n한글:1.5\n"
    assert keywords.file_message.kind == "success"

    # Another engine without weights takes the same file, keeping the words.
    panel.set_engine("rtzr")
    assert editor(panel, "keywords").import_file(target) == 4
    assert editor(panel, "keywords").entries() == ["소리", "회의록", "세종", "한글"]


def test_import_refuses_what_is_not_utf8_text(make_panel: MakePanel, tmp_path: Path) -> None:
    panel = make_panel("nhn")
    biasing = editor(panel, "biasing")
    legacy = tmp_path / "euc-kr.txt"
    legacy.write_bytes("차단기_차단계\n".encode("euc-kr"))
    assert biasing.import_file(legacy) == 0
    assert biasing.file_message.kind == "error" and "UTF-8" in biasing.file_message.message()
    assert biasing.import_file(tmp_path / "missing.txt") == 0
    assert biasing.file_message.kind == "error"
    assert biasing.entries() == []


def test_options_are_remembered_per_engine(
    make_panel: MakePanel, qtbot: QtBot, settings_path: Path
) -> None:
    panel = make_panel("rtzr")
    panel.set_options(TranscriptionOptions(language="ja", keywords=[Keyword("소리")]))
    panel.set_engine("nhn")
    panel.set_options(TranscriptionOptions(biasing=["차단기_차단계"]))
    panel.set_engine("rtzr")
    assert panel.options().keywords == [Keyword("소리")]
    assert panel.options().language == "ja"
    # Saved as they change, shortly after the last change.
    qtbot.waitUntil(settings_path.exists, timeout=5000)
    stored = json.loads(settings_path.read_text(encoding="utf-8"))
    assert stored["engines"]["nhn"][SETTINGS_KEY]["biasing"] == ["차단기_차단계"]
    assert stored["engines"]["rtzr"][SETTINGS_KEY]["keywords"] == ["소리"]

    again = make_panel("nhn", Settings(settings_path))
    assert again.options().biasing == ["차단기_차단계"]


def test_remembered_values_of_the_wrong_shape_are_ignored(
    make_panel: MakePanel, settings_path: Path
) -> None:
    settings = Settings(settings_path)
    settings.set_engine(
        "rtzr",
        SETTINGS_KEY,
        {"language": 5, "speakers": "x", "keywords": ["좋은", ":9"], "extra": {"domain": "NOPE"}},
    )
    panel = make_panel("rtzr", settings)
    assert panel.options() == TranscriptionOptions(language="ko", keywords=[Keyword("좋은")])


def test_controls_are_named_labelled_and_in_order(make_panel: MakePanel) -> None:
    panel = make_panel("clova-speech")
    inputs = [
        w
        for w in panel.findChildren(QWidget)
        if isinstance(w, QLineEdit | QComboBox | QAbstractSpinBox | QTableWidget | QAbstractButton)
        and w.isVisibleTo(panel)
        and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)
    ]
    assert inputs
    for widget in inputs:
        name = widget.accessibleName() or (
            widget.text() if isinstance(widget, QAbstractButton) else ""
        )
        assert name.strip(), f"{widget.objectName() or type(widget).__name__} has no name"
    for label in panel.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()

    order = ["language", "diarization", "speakers_min", "speakers_max", "keywords_entry"]
    order.append("option:mode")
    widgets = [panel.findChild(QWidget, name) for name in order]
    chain: list[QWidget | None] = []
    current = widgets[0]
    for _ in range(200):
        assert current is not None
        chain.append(current)
        current = current.nextInFocusChain()
        if current is widgets[0]:
            break
    positions = [chain.index(w) for w in widgets]
    assert positions == sorted(positions)


def test_speaker_count_zero_means_automatic(make_panel: MakePanel, qtbot: QtBot) -> None:
    panel = make_panel("rtzr")
    tick(qtbot, panel.diarization_box)
    spin = panel.speakers_spin
    assert isinstance(spin, QSpinBox) and spin.value() == 0
    assert spin.text() == spin.specialValueText()
    assert panel.options().speakers is None and panel.options().diarization


def test_option_labels_drop_only_a_plain_list_of_choices() -> None:
    def spec(engine: str, name: str) -> OptionSpec:
        options = registry.provider_class(engine).capabilities.extra_options
        return next(s for s in options if s.name == name)

    assert option_label(spec("rtzr", "model_name"), "en") == "Model"
    assert option_label(spec("rtzr", "domain"), "en") == "Kind of recording"
    completion = spec("clova-speech", "completion")
    assert option_label(completion, "en") == completion.label  # an explanation, not a list
    assert option_label(spec("rtzr", "use_itn"), "ko") == "숫자·단위·영어 변환(ITN)"
