"""The audio player: loading, seeking from the transcript, errors, and life without a speaker.

Offscreen machines usually have no sound output; the player must say so and keep working.
With ``SORI_TEST_PULSE=1`` (a PulseAudio null sink running, see docs/ENVIRONMENT) the test
that plays through a real output device runs too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import create_application
from desktop_app.ui.player import Player
from desktop_app.ui.transcript_view import TranscriptView
from tests.ui.samples import meeting

pytestmark = pytest.mark.gui


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[Player]:
    create_application()
    widget = Player()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.stop()


def test_loads_a_file_and_shows_its_length(player: Player, qtbot: QtBot, korean_clip: Path) -> None:
    assert not player.play_button.isEnabled()
    assert player.set_source(korean_clip)
    assert player.source() == korean_clip
    qtbot.waitUntil(lambda: player.duration() > 7.0, timeout=10_000)
    assert player.duration() == pytest.approx(7.84, abs=0.05)
    assert player.slider.maximum() == pytest.approx(7840, abs=50)
    assert player.time_label.text() == "0:00 / 0:07"
    assert player.play_button.isEnabled()
    assert player.play_button.accessibleName() == "Play"


def test_seek_before_and_after_loading(player: Player, qtbot: QtBot, korean_clip: Path) -> None:
    player.set_source(korean_clip)
    player.seek(3.0)  # may arrive while the file is still loading
    qtbot.waitUntil(lambda: abs(player.position() - 3.0) < 0.05, timeout=10_000)
    player.seek(5.5)
    qtbot.waitUntil(lambda: abs(player.position() - 5.5) < 0.05, timeout=10_000)
    assert player.time_label.text().startswith("0:05")


def test_missing_file_is_explained(player: Player, tmp_path: Path) -> None:
    assert not player.set_source(tmp_path / "gone.wav")
    assert player.message.kind == "error"
    assert "gone.wav" in player.message.message()
    assert not player.play_button.isEnabled()
    player.toggle()  # nothing to play: no crash, no state change
    assert not player.is_playing()


def test_unplayable_file_is_explained(player: Player, qtbot: QtBot, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.wav"
    bogus.write_bytes(b"this is text, not audio " * 200)
    player.set_source(bogus)
    qtbot.waitUntil(lambda: player.message.kind == "error", timeout=10_000)
    assert "notes.wav" in player.message.message()
    assert not player.play_button.isEnabled()


def test_without_an_output_device_it_says_so(player: Player) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    if QMediaDevices.audioOutputs():
        pytest.skip("this machine has a sound output device")
    assert not player.has_audio_output()
    assert player.message.kind == "info"
    assert "No sound output device" in player.message.message()


def test_transcript_view_drives_the_player(player: Player, qtbot: QtBot, korean_clip: Path) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    view.set_transcript(meeting())
    player.attach(view)
    player.set_source(korean_clip)
    qtbot.waitUntil(lambda: player.duration() > 0, timeout=10_000)

    view.seek.emit(4.6)  # what a click on the second segment sends
    qtbot.waitUntil(lambda: abs(player.position() - 4.6) < 0.1, timeout=10_000)
    qtbot.waitUntil(player.is_playing, timeout=10_000)
    view.play_pause_requested.emit()  # Space in the view
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=10_000)
    assert player.play_button.accessibleName() == "Play"

    player.position_changed.emit(player.position())
    assert view.model.current_row == 1


@pytest.mark.skipif(
    os.environ.get("SORI_TEST_PULSE") != "1", reason="needs a sound server (SORI_TEST_PULSE=1)"
)
def test_plays_through_an_output_device(player: Player, qtbot: QtBot, korean_clip: Path) -> None:
    assert player.has_audio_output()
    player.set_source(korean_clip)
    positions: list[float] = []
    player.position_changed.connect(positions.append)
    player.play_from(1.0)
    qtbot.waitUntil(lambda: player.position() > 2.0, timeout=10_000)
    assert player.is_playing()
    assert player.play_button.accessibleName() == "Pause"
    assert positions == sorted(positions)
    player.toggle()
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5_000)
