"""A microphone plugged in or out while the window is open appears in / vanishes from the
record panel's device list (PortAudio restarted off the GUI thread, never while recording).

"Plugging in" here is what a USB microphone does: a new PulseAudio source (a second null
sink's monitor) and a new ALSA device for it, which PortAudio sees only after a restart.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import create_application
from desktop_app.ui.record_panel import RecordPanel

pytestmark = pytest.mark.gui

DEVICE = "sori_hotplug_mic"


def names(panel: RecordPanel) -> list[str]:
    return [panel.device_box.itemText(i) for i in range(panel.device_box.count())]


@pytest.fixture
def second_sink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A second null sink; the returned ALSA config file plugs its monitor in when written."""
    home = Path(os.environ.get("HOME", "/root"))
    cookie = home / ".config" / "pulse" / "cookie"
    if cookie.exists():
        monkeypatch.setenv("PULSE_COOKIE", str(cookie))
    monkeypatch.setenv("HOME", str(tmp_path))  # ALSA reads ~/.asoundrc when PortAudio starts
    loaded = subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=vsink_hotplug"],
        check=True,
        capture_output=True,
        text=True,
    )
    yield tmp_path / ".asoundrc"
    subprocess.run(["pactl", "unload-module", loaded.stdout.strip()], check=False)


def test_plugged_in_microphone_appears_and_vanishes(qtbot: QtBot, second_sink: Path) -> None:
    create_application()
    panel = RecordPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: "pulse" in names(panel), timeout=20_000)
    assert DEVICE not in names(panel)
    panel.device_box.setCurrentIndex(panel.device_box.findText("pulse"))

    second_sink.write_text(
        f"pcm.{DEVICE} {{ type pulse; device vsink_hotplug.monitor; "
        'hint { show on; description "Hotplug test microphone" } }\n',
        encoding="utf-8",
    )
    qtbot.waitUntil(lambda: DEVICE in names(panel), timeout=20_000)
    assert panel.device_box.currentText() == "pulse"  # the choice survives the refresh

    panel.set_recording(True)  # no rescans while a recording runs
    second_sink.unlink()
    panel.poll_devices()
    qtbot.wait(300)
    assert DEVICE in names(panel)
    panel.set_recording(False)

    qtbot.waitUntil(lambda: DEVICE not in names(panel), timeout=20_000)
    assert panel.record_button.isEnabled()
