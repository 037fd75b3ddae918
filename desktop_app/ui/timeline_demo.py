"""Try the timeline on its own: ``python -m desktop_app.ui.timeline_demo MEDIA [TRANSCRIPT.json]``.

Opens a window with the waveform of MEDIA (read in the background, cached) and the segments of
a transcript saved as Sori JSON (none without one), plays the file with the app's player, and
wires the timeline's signals the way the main window is meant to: a click seeks, dragging an
edge scrubs and retimes, the playhead follows playback. The status bar shows each signal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QCheckBox, QMainWindow, QVBoxLayout, QWidget

from desktop_app.audio.peaks import Peaks
from desktop_app.core.transcript import Transcript
from desktop_app.ui.player import Player
from desktop_app.ui.timeline import Timeline
from desktop_app.ui.waveform import PeaksLoader


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle(f"Sori timeline — {Path(args[0]).name}")
    timeline = Timeline()
    follow = QCheckBox(QCoreApplication.translate("Timeline", "Follow playback"))
    follow.setChecked(True)
    follow.toggled.connect(lambda on: timeline.setProperty("follow_playhead", on))
    player = Player()
    player.set_source(args[0])
    player.position_changed.connect(timeline.set_position)
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.addWidget(timeline)
    layout.addWidget(player)
    layout.addWidget(follow)
    window.setCentralWidget(body)
    window.resize(1000, 240)
    if len(args) > 1:
        data = json.loads(Path(args[1]).read_text(encoding="utf-8"))
        timeline.set_transcript(Transcript.from_dict(data))
    status = window.statusBar()
    loader = PeaksLoader(window)

    def waveform_progress(peaks: Peaks, done: float) -> None:
        timeline.set_peaks(peaks)
        status.showMessage(f"waveform {done:.0%}")

    def seek(seconds: float) -> None:
        player.seek(seconds)
        timeline.set_position(seconds)
        status.showMessage(f"seek_requested({seconds:.2f})")

    def scrub(seconds: float) -> None:
        player.seek(seconds)
        status.showMessage(f"scrub_requested({seconds:.2f})")

    def retimed(index: int, start: float, end: float) -> None:
        status.showMessage(f"segment_retimed({index}, {start:.2f}, {end:.2f})")

    loader.progress.connect(waveform_progress)
    loader.loaded.connect(timeline.set_peaks)
    loader.failed.connect(status.showMessage)
    timeline.seek_requested.connect(seek)
    timeline.scrub_requested.connect(scrub)
    timeline.segment_retimed.connect(retimed)
    loader.load(args[0])
    window.show()
    code = app.exec()
    loader.cancel()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
