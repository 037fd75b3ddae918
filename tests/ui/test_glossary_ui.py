"""Glossaries in the window: the editor checks entries as they are typed (naming the line),
imports and exports files; a glossary chosen for a job is compiled into the engine's form with
its notices, and its heard-as fixes are offered above the transcript as one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.glossary import Glossary
from desktop_app.core.history import HistoryStore
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Segment, Transcript
from desktop_app.providers.base import MediaSource
from desktop_app.ui.app import create_application
from desktop_app.ui.glossary_choice import GlossaryChoice
from desktop_app.ui.glossary_dialog import GlossaryDialog
from desktop_app.ui.glossary_fix import GlossaryFixOffer
from desktop_app.ui.glossary_store import GlossaryStore
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.notices import NoticeBar
from desktop_app.ui.transcript_model import TranscriptModel
from tests.emulators import RTZR_CLIENT_ID, RTZR_CLIENT_SECRET, start_emulator
from tests.providers.rtzr.support import sent_config

pytestmark = pytest.mark.gui


@pytest.fixture
def store(tmp_path: Path) -> GlossaryStore:
    return GlossaryStore(tmp_path / "glossaries")


def test_editor_validates_by_line_and_saves(qtbot: QtBot, store: GlossaryStore) -> None:
    create_application()
    dialog = GlossaryDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.add("회의 용어")
    assert not dialog.add("회의 용어")  # a second one by that name is refused, with a reason
    assert "exists already" in dialog.status.text()
    assert not dialog.add("a/b")
    dialog.names.setCurrentRow(0)
    dialog.editor.setPlainText("# 회의\n차단기:3 = 차단계, 차단 게\n리턴제로 = \n")
    assert "회의 용어:3" in dialog.status.text()
    assert not dialog.save_button.isEnabled()
    dialog.editor.setPlainText("# 회의\n차단기:3 = 차단계, 차단 게\n리턴제로 = 리턴 제로\n")
    assert dialog.status.text() == "2 entries, 3 heard-as forms"
    assert dialog.save()
    assert store.load("회의 용어").replacements()[0] == ("리턴 제로", "리턴제로")
    path = store.path("회의 용어")
    assert path.read_text("utf-8").startswith("# 회의\n")


def test_import_and_export(qtbot: QtBot, store: GlossaryStore, tmp_path: Path) -> None:
    create_application()
    dialog = GlossaryDialog(store)
    qtbot.addWidget(dialog)
    bad = tmp_path / "깨진.txt"
    bad.write_bytes("에스티티\n:2\n".encode())
    assert dialog.import_path(bad) is None
    assert f"{bad}:2" in dialog.status.text()
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9\n".encode("latin-1"))
    assert dialog.import_path(latin) is None and "UTF-8" in dialog.status.text()
    good = tmp_path / "terms.txt"
    good.write_text("에스티티\n차단기 = 차단계\n", encoding="utf-8")
    assert dialog.import_path(good) == "terms"
    assert dialog.names.currentItem().text() == "terms"
    assert "차단기 = 차단계" in dialog.editor.toPlainText()
    out = tmp_path / "out"
    out.mkdir()
    assert dialog.export_path(out / "내보낸.txt")
    assert Glossary.load(out / "내보낸.txt").entries[1].heard_as == ("차단계",)


def test_a_chosen_glossary_is_compiled_for_the_engine(qtbot: QtBot, store: GlossaryStore) -> None:
    create_application()
    store.save("mixed", "리턴제로:2 = 리턴 제로\nSori\n")
    choice = GlossaryChoice(store)
    qtbot.addWidget(choice)
    assert choice.chosen() is None
    options, use = choice.prepare("rtzr", TranscriptionOptions())
    assert use is None and not options.keywords
    choice.choose("mixed")
    options, use = choice.prepare("rtzr", TranscriptionOptions())
    assert use is not None and [k.word for k in options.keywords] == ["리턴제로"]
    assert any("Sori" in notice.message for notice in use.notices)  # RTZR takes Hangul only
    options, use = choice.prepare("nhn", TranscriptionOptions())
    assert options.biasing == ["리턴제로_리턴 제로"]
    choice.remember(7, use)
    transcript = Transcript(segments=[Segment(0, 1, "리턴 제로")])
    choice.add_notices(7, transcript)
    assert transcript.notices == (use.notices if use else [])


def test_fix_all_is_one_undo_step(qtbot: QtBot) -> None:
    create_application()
    bar = NoticeBar()
    qtbot.addWidget(bar)
    model = TranscriptModel(
        Transcript(
            segments=[
                Segment(0, 2, "차단계를 교체합니다"),
                Segment(2, 4, "차단기 옆 차단계, 리턴 제로"),
                Segment(4, 6, "관계없는 문장"),
            ]
        )
    )
    offer = GlossaryFixOffer(bar, model)
    glossary = Glossary.parse("차단기 = 차단계\n리턴제로 = 리턴 제로\n")
    assert offer.offer(glossary, "회의") == 3
    assert offer.button.isVisibleTo(bar) and offer.button.text() == "Fix 3 instances"
    assert not bar.isHidden()
    qtbot.mouseClick(offer.button, Qt.MouseButton.LeftButton)
    texts = [s.text for s in model.transcript().segments]
    assert texts == ["차단기를 교체합니다", "차단기 옆 차단기, 리턴제로", "관계없는 문장"]
    assert model.undo_stack.count() == 1
    model.undo_stack.undo()
    assert model.transcript().segments[1].text == "차단기 옆 차단계, 리턴 제로"
    assert offer.offer(Glossary.parse("에스티티\n"), "x") == 0  # nothing heard-as: no offer
    assert not offer.button.isVisibleTo(bar)


def test_a_job_with_the_sidebar_glossary_offers_its_fixes(
    qtbot: QtBot, tmp_path: Path, korean_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORI_RTZR_CLIENT_ID", RTZR_CLIENT_ID)
    monkeypatch.setenv("SORI_RTZR_CLIENT_SECRET", RTZR_CLIENT_SECRET)
    create_application()
    settings = Settings(tmp_path / "settings.json")
    with start_emulator("rtzr") as rtzr:
        settings.set_engine("rtzr", "endpoint", rtzr.base_url)
        settings.set_engine("rtzr", "poll_interval", 0.01)
        window = MainWindow(
            settings=settings, history=HistoryStore(tmp_path / "h.sqlite3"), resume_jobs=False
        )
        qtbot.addWidget(window)
        try:
            window.glossaries.store.save("현장", "구역 = 구간\nSori\n")
            window.glossaries.reload()
            window.glossaries.choose("현장")
            window.engine_box.setCurrentIndex(window.engine_box.findData("rtzr"))
            with qtbot.waitSignal(window.runner.finished, timeout=60_000):
                window.enqueue(MediaSource(path=korean_clip), korean_clip.name)
            assert sent_config(rtzr)["keywords"] == ["구역"]  # the glossary in RTZR's form
            (entry,) = window.queue.entries
            window.queue.select(entry)
            assert "Sori" in window.notice_bar.label.text()  # skipped for RTZR, and said so
            button = window.glossary_fix.button
            assert button.isVisibleTo(window) and button.text().startswith("Fix ")
            model = window.transcript_view.model
            before = [s.text for s in model.transcript().segments]
            assert any("구간" in text for text in before)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            assert all("구간" not in s.text for s in model.transcript().segments)
            assert model.undo_stack.count() == 1
            model.undo_stack.undo()
            assert [s.text for s in model.transcript().segments] == before
        finally:
            window.runner.shutdown()


def test_switching_glossaries_keeps_what_was_typed(qtbot: QtBot, store: GlossaryStore) -> None:
    create_application()
    store.save("가", "가나다\n")
    store.save("나", "라마바\n")
    dialog = GlossaryDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.names.currentItem().text() == "가"
    dialog.editor.setPlainText("가나다\n차단기 = 차단계\n")
    dialog.names.setCurrentRow(1)  # valid changes are saved on the way out
    assert store.text("가") == "가나다\n차단기 = 차단계\n"
    assert dialog.editor.toPlainText() == "라마바\n"
    dialog.editor.setPlainText("라마바 = \n")
    dialog.names.setCurrentRow(0)  # invalid ones are not lost: the editor stays on them
    assert dialog.names.currentItem().text() == "나"
    assert dialog.editor.toPlainText() == "라마바 = \n"
    assert "나:1" in dialog.status.text()
    assert store.text("나") == "라마바\n"
    dialog.editor.setPlainText("라마바\n")
