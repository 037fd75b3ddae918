"""Screenshots of the transcript widgets: view with player, find bar, live text, export dialog.

Run under a real (virtual) display so fonts and styles are those of a desktop::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m tests.ui.widget_screenshots
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m tests.ui.widget_screenshots \
        --out /tmp/shots --dark

Writes ``widget-transcript.png``, ``widget-find.png``, ``widget-live.png`` and
``widget-export.png`` (with ``-dark`` before the suffix for the dark palette) to ``--out``
(default ``docs/screenshots``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from desktop_app.core.transcript import Segment
from desktop_app.providers.base import StreamEvent
from desktop_app.ui.app import create_application
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.live_view import LiveView
from desktop_app.ui.player import Player
from desktop_app.ui.transcript_view import TranscriptView
from tests.ui.samples import meeting

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "tests" / "data" / "ko_short.wav"


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2e"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e20"),
        (QPalette.ColorRole.AlternateBase, "#262629"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#35353a"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d7bd9"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#8a8a8f"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def shoot(widget: QWidget, path: Path, app: QApplication) -> None:
    settle(app)
    widget.grab().save(str(path))
    print(path)


def transcript_pane(app: QApplication) -> tuple[QWidget, TranscriptView]:
    pane = QWidget()
    view = TranscriptView(pane)
    player = Player(pane)
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(view, 1)
    layout.addWidget(player)
    view.set_transcript(meeting())
    player.attach(view)
    player.set_source(CLIP)
    pane.resize(860, 400)
    pane.show()
    settle(app)
    player.seek(5.2)
    player.position_changed.emit(5.2)
    view.select_row(3)
    view.table.setFocus()
    return pane, view


def live_window() -> LiveView:
    live = LiveView(engine="local")
    live.resize(620, 260)
    live.apply_all(
        [
            StreamEvent(0, Segment(0.4, 3.9, "안녕하세요 오늘 회의를 시작하겠습니다"), True),
            StreamEvent(1, Segment(4.6, 9.8, "지난주에 말씀드린 일정부터 확인해 보겠습니다"), True),
            StreamEvent(2, Segment(10.1, 12.0, "배포는 다음 주 화요일로 잡혀"), False),
        ]
    )
    live.show()
    return live


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    args = parser.parse_args()
    app = create_application()
    app.setStyle("Fusion")
    if args.dark:
        app.setPalette(dark_palette())
    suffix = "-dark" if args.dark else ""
    args.out.mkdir(parents=True, exist_ok=True)

    pane, view = transcript_pane(app)
    shoot(pane, args.out / f"widget-transcript{suffix}.png", app)
    view.open_find()
    view.find_bar.find_edit.setText("습니다")
    view.find_bar.replace_edit.setText("어요")
    view.find_bar.find_next()
    shoot(pane, args.out / f"widget-find{suffix}.png", app)

    live = live_window()
    shoot(live, args.out / f"widget-live{suffix}.png", app)

    with tempfile.TemporaryDirectory() as folder:
        dialog = ExportDialog(view.transcript(), folder=Path(folder) / "회의록", language="en")
        dialog.set_formats(["txt", "srt", "docx"])
        dialog.show()
        dialog.start_export()
        while dialog.is_busy():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        dialog.adjustSize()
        shoot(dialog, args.out / f"widget-export{suffix}.png", app)
    sys.exit(0)


if __name__ == "__main__":
    main()
