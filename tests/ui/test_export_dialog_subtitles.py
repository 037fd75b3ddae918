"""The export dialog's subtitle presets, preview and rule checker, and its layout after an export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import srt
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDoubleSpinBox, QGroupBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word
from desktop_app.export import PRESETS, SubtitleRules
from desktop_app.export.cues import Cue
from desktop_app.export.subtitle_check import check_cues
from desktop_app.export.subtitle_layout import width
from desktop_app.ui.app import create_application
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.subtitle_preview import SubtitlePanel, checks_running
from tests.ui.samples import long_transcript, meeting

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    create_application()
    QSettings().remove("export")
    yield
    QSettings().remove("export")


def make_dialog(qtbot: QtBot, transcript: Transcript, folder: Path) -> ExportDialog:
    dialog = ExportDialog(transcript, folder=folder, language="en")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def settle(dialog: ExportDialog, qtbot: QtBot) -> None:
    dialog.subtitles.refresh_now()
    qtbot.waitUntil(lambda: not dialog.subtitles.is_checking(), timeout=30_000)


def export(dialog: ExportDialog, qtbot: QtBot) -> None:
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        dialog.export_button.click()


def fast_talker() -> Transcript:
    """One speaker reading far faster than 12 characters a second, then a normal sentence."""
    words = ["오늘은", "정말로", "중요한", "발표를", "아주", "빠르게", "끝까지", "해보겠습니다"]
    quick = [Word(i * 0.15, i * 0.15 + 0.14, w) for i, w in enumerate(words)]
    calm = [
        Word(10 + i * 0.6, 10.5 + i * 0.6, w) for i, w in enumerate(["천천히", "말하면", "됩니다"])
    ]
    return Transcript(
        segments=[
            Segment(0.0, quick[-1].end, " ".join(words), "a", None, quick),
            Segment(10.0, calm[-1].end, "천천히 말하면 됩니다", "a", None, calm),
        ],
        speakers=[Speaker("a", "민수")],
        language="ko",
        source="/recordings/fast.wav",
        duration=13.0,
    )


def decimal(panel: SubtitlePanel, name: str) -> QDoubleSpinBox:
    box = panel.fields[name]
    assert isinstance(box, QDoubleSpinBox)
    return box


def parsed_cues(path: Path) -> list[Cue]:
    cues = []
    for item in srt.parse(path.read_text(encoding="utf-8")):
        cues.append(
            Cue(
                round(item.start.total_seconds() * 1000),
                round(item.end.total_seconds() * 1000),
                tuple(item.content.split("\n")),
            )
        )
    return cues


def test_presets_fill_every_number_and_edits_make_a_custom_set(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, meeting(), tmp_path)
    panel = dialog.subtitles
    assert panel.isVisible()  # SRT is among the default formats
    assert panel.preset_name() == "korean-broadcast"
    assert panel.rules() == PRESETS["korean-broadcast"]
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData("youtube"))
    assert panel.fields["max_lines"].value() == 1
    assert panel.fields["max_line_chars"].value() == 20.0
    assert panel.rules() == PRESETS["youtube"]
    # typing a number turns the preset into "custom"
    box = panel.fields["max_cps"]
    box.selectAll()
    QTest.keyClicks(box, "14")
    assert panel.preset_name() == "custom"
    rules = panel.rules()
    assert rules is not None and rules.max_cps == 14 and rules.max_lines == 1
    # contradictory numbers block the export and say why
    decimal(panel, "max_duration").setValue(0.5)
    decimal(panel, "min_duration").setValue(2.0)
    assert panel.rules() is None
    assert not dialog.export_button.isEnabled()
    assert "min_duration" in dialog.preview_label.text()
    decimal(panel, "min_duration").setValue(0.4)
    assert dialog.export_button.isEnabled()
    # only subtitle formats show the panel
    dialog.set_formats(["txt", "json"])
    assert not panel.isVisible()
    dialog.set_formats(["vtt"])
    assert panel.isVisible()


def test_export_with_a_preset_follows_its_rules(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, meeting(), tmp_path)
    dialog.set_formats(["srt"])
    panel = dialog.subtitles
    panel.set_rules("youtube")
    export(dialog, qtbot)
    cues = parsed_cues(tmp_path / "weekly-meeting.srt")
    rules = PRESETS["youtube"]
    assert cues and all(len(cue.lines) == 1 for cue in cues)
    assert all(
        width(line, rules.narrow_weight) <= rules.max_line_chars for c in cues for line in c.lines
    )
    broken = {v.kind for v in check_cues(cues, rules, "ko")}
    assert not broken & {"line_too_wide", "too_many_lines", "overlap", "gap_too_small"}
    # with the broadcast preset the same transcript gets two-line cues
    dialog.subtitles.set_rules("korean-broadcast")
    export(dialog, qtbot)
    broadcast = parsed_cues(tmp_path / "weekly-meeting.srt")
    assert any(len(cue.lines) == 2 for cue in broadcast)
    assert not {v.kind for v in check_cues(broadcast, PRESETS["korean-broadcast"], "ko")} & {
        "line_too_wide",
        "too_many_lines",
        "overlap",
    }


def test_custom_rules_are_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, meeting(), tmp_path)
    dialog.subtitles.set_rules("custom", {"max_line_chars": 12.0, "max_lines": 3, "fps": 30.0})
    export(dialog, qtbot)
    again = make_dialog(qtbot, meeting(), tmp_path)
    assert again.subtitles.preset_name() == "custom"
    rules = again.subtitles.rules()
    assert isinstance(rules, SubtitleRules)
    assert (rules.max_line_chars, rules.max_lines, rules.fps) == (12.0, 3, 30.0)
    assert again.export_options().subtitles == rules


def test_preview_and_rule_checker_jump_to_the_segment(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, fast_talker(), tmp_path)
    panel = dialog.subtitles
    settle(dialog, qtbot)
    preview = panel.preview.toPlainText()
    assert "00:00:00,000 →" in preview and "민수: 오늘은" in preview
    texts = [panel.problems.item(i).text() for i in range(panel.problems.count())]
    assert any("characters a second" in text for text in texts)
    assert "rule problems" in panel.summary.text()
    first = panel.problems.item(0)
    assert first.data(Qt.ItemDataRole.UserRole) == 0
    jumps: list[int] = []
    dialog.jump_to_segment.connect(jumps.append)
    panel.problems.setCurrentItem(first)
    assert panel.jump_button.isEnabled()
    panel.jump_button.click()
    rect = panel.problems.visualItemRect(first)
    QTest.mouseDClick(panel.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert jumps[0] == 0 and jumps[-1] == 0
    # faster reading allowed: the problem goes away, and the list says so
    panel.fields["max_cps"].setValue(60)
    settle(dialog, qtbot)
    texts = [panel.problems.item(i).text() for i in range(panel.problems.count())]
    assert not any("characters a second" in text for text in texts)


def squashed(dialog: QWidget) -> list[str]:
    """Visible parts of the dialog's own layout smaller than they need to be."""
    parts = [
        w
        for w in dialog.findChildren(QWidget)
        if w.isVisible()
        and not w.objectName().startswith("qt_")
        and (w.parentWidget() is dialog or isinstance(w.parentWidget(), QGroupBox))
    ]
    return [
        f"{type(w).__name__} {w.size().toTuple()} < {w.minimumSizeHint().toTuple()}"
        for w in parts
        if w.height() < w.minimumSizeHint().height()
        or (w.hasHeightForWidth() and w.height() < w.heightForWidth(w.width()))
    ]


def test_layout_is_not_squashed_after_an_export(qtbot: QtBot, tmp_path: Path) -> None:
    long_folder = tmp_path / ("폴더 " * 12).strip()
    long_folder.mkdir()
    first = make_dialog(qtbot, meeting(), long_folder)
    size = first.size()
    assert not squashed(first)
    export(first, qtbot)  # a long success message, the Open folder button
    qtbot.wait(50)
    assert not squashed(first), squashed(first)
    assert first.height() >= size.height()
    first.close()
    second = make_dialog(qtbot, meeting(), long_folder)  # open again
    qtbot.wait(50)
    assert not squashed(second), squashed(second)
    assert second.size().height() >= size.height()
    assert second.size().width() >= size.width()
    export(second, qtbot)
    qtbot.wait(50)
    assert not squashed(second), squashed(second)


def test_closing_during_a_check_is_safe(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(long_transcript(3000), folder=tmp_path, language="en")
    dialog.show()
    dialog.subtitles.set_rules("youtube")
    dialog.subtitles.refresh_now()
    assert dialog.subtitles.is_checking()
    dialog.close()
    dialog.deleteLater()
    del dialog
    qtbot.waitUntil(lambda: not checks_running(), timeout=60_000)
