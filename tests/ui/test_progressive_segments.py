"""Segments that appear while a file job runs: the engine's progress reports carry finished
segments (the generic ``Progress.segments`` hook, reported by the Vosk engine), and the window
shows a selected running job's segments greyed and read-only until the job is done."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.history import HistoryStore
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Segment
from desktop_app.providers.base import MediaSource
from desktop_app.providers.vosk.provider import VoskProvider
from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.transcript_model import Column
from tests.ui.test_main_window import drop

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.vosk
async def test_vosk_reports_each_segment_before_the_end(korean_clip: Path) -> None:
    reports: list[Progress] = []
    transcript = await VoskProvider().transcribe(
        MediaSource(path=korean_clip), TranscriptionOptions(language="ko"), reports.append
    )
    early = [s for p in reports for s in p.segments]
    assert early, "no segment was reported before the job ended"
    assert [s.text for s in early] == [s.text for s in transcript.segments]
    for before, after in zip(early, transcript.segments, strict=True):
        assert before.start == pytest.approx(after.start, abs=0.01)
    # the report carrying the last segment comes before the final 1.0
    last_with_segments = max(i for i, p in enumerate(reports) if p.segments)
    assert reports[-1].fraction == 1.0 and last_with_segments < len(reports) - 1


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    create_application()
    win = MainWindow(
        settings=Settings(tmp_path / "settings.json"),
        history=HistoryStore(tmp_path / "history.sqlite3"),
        resume_jobs=False,
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    win.transcript_page.shutdown()
    win.live.shutdown()
    win.runner.shutdown()


@pytest.mark.vosk
@pytest.mark.gui
def test_a_running_jobs_segments_appear_read_only(
    window: MainWindow, qtbot: QtBot, korean_clip: Path
) -> None:
    seen: list[tuple[bool, bool, int, str]] = []
    editable: list[bool] = []

    def look(_job_id: int, _segments: list[Segment]) -> None:
        # Runs after the queue controller's own slot (connected first) has shown them.
        model = window.transcript_view.model
        text = str(model.data(model.index(0, Column.TEXT))) if model.rowCount() else ""
        if model.rowCount():
            flags = model.index(0, Column.TEXT).flags()
            editable.append(bool(flags & Qt.ItemFlag.ItemIsEditable))
        seen.append(
            (
                window.views.currentWidget() is window.transcript_page,
                model.read_only,
                model.rowCount(),
                text,
            )
        )

    window.runner.segments_decoded.connect(look)
    # Vosk reports each segment as soon as it is final (Whisper gives a window's at once).
    window.engine_box.setCurrentIndex(window.engine_box.findData("vosk"))
    drop(window, korean_clip)
    entry = window.queue.entries[0]
    window.queue.select(entry)
    with qtbot.waitSignal(window.runner.finished, timeout=120_000):
        pass
    assert seen, "no segment arrived before the end"
    shown, read_only, rows, text = seen[0]
    assert shown and read_only and rows >= 1 and HANGUL.search(text)
    assert editable and not any(editable)
    model = window.transcript_view.model
    # once done: the real transcript, editable
    qtbot.waitUntil(lambda: not window.transcript_view.model.read_only)
    assert window.transcript_view.transcript() is entry.transcript
    assert model.index(0, Column.TEXT).flags() & Qt.ItemFlag.ItemIsEditable
