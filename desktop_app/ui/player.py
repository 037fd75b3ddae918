"""Play the source audio of a transcript: a compact transport bar over QtMultimedia.

:class:`Player` plays a file with :class:`QMediaPlayer` and :class:`QAudioOutput`, starts from a
segment when asked (:meth:`Player.play_from`), toggles with :meth:`Player.toggle` (the
transcript view sends Space), and reports the position so the view can highlight the segment
being spoken (:meth:`Player.attach` wires both ways).

QtMultimedia is imported when a player is created, not when this module is, so the window
starts quickly and still starts where the multimedia libraries cannot load. Without a sound
output device (a server, a CI machine) playback still runs on the media clock and the position
still moves, and the bar says plainly that nothing can be heard.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.inline_message import InlineMessage
from desktop_app.ui.transcript_model import format_timestamp

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

    from desktop_app.ui.transcript_view import TranscriptView

log = logging.getLogger(__name__)


def media_icon(kind: str, colour: QColor, size: int = 16) -> QIcon:
    """A "play" triangle or "pause" bars in ``colour`` (the style's own icons ignore dark
    palettes), drawn at 1x and 2x for high-DPI screens."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        unit = size / 16
        if kind == "play":
            path = QPainterPath()
            path.moveTo(4 * unit, 2.5 * unit)
            path.lineTo(13.5 * unit, 8 * unit)
            path.lineTo(4 * unit, 13.5 * unit)
            path.closeSubpath()
            painter.drawPath(path)
        else:
            for left in (3.5, 9.0):
                painter.drawRoundedRect(
                    QRectF(left * unit, 2.5 * unit, 3.5 * unit, 11 * unit), unit, unit
                )
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class Player(QWidget):
    """The transport bar and the media player behind it. GUI thread only.

    Signals:
      position_changed(float)   playback position in seconds (about 15 times a second)
      playing_changed(bool)     playback started or stopped/paused
    """

    position_changed = Signal(float)
    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Audio player"))
        self._player: QMediaPlayer | None = None
        self._output: QAudioOutput | None = None
        self._devices: QMediaDevices | None = None
        self._source: Path | None = None
        self._pending_seek: int | None = None
        self._dragging = False

        self.play_button = QToolButton(self)
        self.play_button.setAutoRaise(True)
        self.play_button.setIconSize(QSize(18, 18))
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setAccessibleName(self.tr("Playback position"))
        self.slider.setSingleStep(1000)
        self.slider.setPageStep(10_000)
        self.slider.sliderPressed.connect(self._slider_pressed)
        self.slider.sliderReleased.connect(self._slider_released)
        self.slider.valueChanged.connect(self._slider_value_changed)
        self.time_label = QLabel(self)
        self.time_label.setAccessibleName(self.tr("Playback time"))
        self.message = InlineMessage(self)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.play_button)
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.time_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.message)

        self._create_backend()
        self._show_playing(False)
        self._show_time(0, 0)
        self._set_enabled(False)

    # ----------------------------------------------------------------- set-up
    def _create_backend(self) -> None:
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
        except ImportError as exc:
            log.warning("QtMultimedia is not available: %s", exc)
            self.message.show_error(
                self.tr("Playback is not available: the Qt multimedia libraries could not load.")
            )
            return
        player = QMediaPlayer(self)
        self._output = QAudioOutput(self)
        player.setAudioOutput(self._output)
        player.positionChanged.connect(self._position_changed)
        player.durationChanged.connect(self._duration_changed)
        player.playbackStateChanged.connect(self._state_changed)
        player.mediaStatusChanged.connect(self._status_changed)
        player.errorOccurred.connect(self._error)
        self._player = player
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._outputs_changed)
        self._outputs_changed()

    def _outputs_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        if self._output is None:
            return
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            self.message.show_info(
                self.tr(
                    "No sound output device was found, so nothing can be heard; "
                    "the position still follows the transcript."
                )
            )
            return
        self._output.setDevice(device)
        if self.message.kind == "info":
            self.message.clear_message()

    # ----------------------------------------------------------------- public
    @property
    def available(self) -> bool:
        """Whether media can be played at all (QtMultimedia loaded and a backend exists)."""
        return self._player is not None and self._player.isAvailable()

    def has_audio_output(self) -> bool:
        """Whether a sound output device exists (otherwise playback is silent)."""
        if self._player is None:
            return False
        from PySide6.QtMultimedia import QMediaDevices

        return not QMediaDevices.defaultAudioOutput().isNull()

    def source(self) -> Path | None:
        return self._source

    def set_source(self, path: str | Path | None) -> bool:
        """Load ``path`` (``None`` unloads); ``False`` with a message if it cannot be played."""
        from PySide6.QtCore import QUrl

        self._pending_seek = None
        if self._player is None:
            return False
        self._player.stop()
        if path is None or not str(path):
            self._source = None
            self._player.setSource(QUrl())
            self._set_enabled(False)
            self._show_time(0, 0)
            return False
        file = Path(path)
        if not file.is_file():
            self._source = None
            self._player.setSource(QUrl())
            self._set_enabled(False)
            self.message.show_error(
                self.tr("The audio file {0} is not there any more; playback is off.").format(
                    file.name
                )
            )
            return False
        self._source = file
        if self.message.kind == "error":
            self.message.clear_message()
        self._player.setSource(QUrl.fromLocalFile(str(file)))
        self._set_enabled(True)
        return True

    def play_from(self, seconds: float) -> None:
        """Start playing at ``seconds`` (the start of a clicked segment)."""
        if self._player is None or self._source is None:
            return
        self.seek(seconds)
        self._player.play()

    def seek(self, seconds: float) -> None:
        """Move to ``seconds`` without changing whether it plays."""
        if self._player is None or self._source is None:
            return
        from PySide6.QtMultimedia import QMediaPlayer

        millis = max(0, round(seconds * 1000))
        status = self._player.mediaStatus()
        if status in (QMediaPlayer.MediaStatus.LoadingMedia, QMediaPlayer.MediaStatus.NoMedia):
            self._pending_seek = millis  # applied once the media has loaded
        self._player.setPosition(millis)
        self._show_time(millis, self._player.duration())

    def toggle(self) -> None:
        """Play if paused or stopped, pause if playing."""
        if self._player is None or self._source is None:
            return
        if self.is_playing():
            self._player.pause()
        else:
            self._player.play()

    def pause(self) -> None:
        if self._player is not None:
            self._player.pause()

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()

    def is_playing(self) -> bool:
        if self._player is None:
            return False
        from PySide6.QtMultimedia import QMediaPlayer

        return self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def position(self) -> float:
        """The playback position in seconds."""
        return 0.0 if self._player is None else self._player.position() / 1000

    def duration(self) -> float:
        return 0.0 if self._player is None else self._player.duration() / 1000

    def attach(self, view: TranscriptView) -> None:
        """Play from segments clicked in ``view``, toggle on Space there, highlight as it plays."""
        view.seek.connect(self.play_from)
        view.play_pause_requested.connect(self.toggle)
        self.position_changed.connect(view.set_current_time)

    # --------------------------------------------------------------- private
    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.play_button, self.slider):
            widget.setEnabled(enabled)

    def _show_playing(self, playing: bool) -> None:
        colour = self.palette().color(QPalette.ColorRole.ButtonText)
        self.play_button.setIcon(media_icon("pause" if playing else "play", colour))
        text = self.tr("Pause") if playing else self.tr("Play")
        self.play_button.setToolTip(text)
        self.play_button.setAccessibleName(text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._show_playing(self.is_playing())

    def _show_time(self, position_ms: int, duration_ms: int) -> None:
        hours = duration_ms >= 3_600_000
        position = format_timestamp(position_ms / 1000, hours)
        total = format_timestamp(duration_ms / 1000, hours)
        self.time_label.setText(f"{position} / {total}")

    def _position_changed(self, millis: int) -> None:
        if not self._dragging:
            self.slider.blockSignals(True)
            self.slider.setValue(millis)
            self.slider.blockSignals(False)
        duration = self._player.duration() if self._player is not None else 0
        self._show_time(millis, duration)
        self.position_changed.emit(millis / 1000)

    def _duration_changed(self, millis: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, millis))
        self.slider.blockSignals(False)
        self._show_time(self._player.position() if self._player is not None else 0, millis)

    def _state_changed(self) -> None:
        playing = self.is_playing()
        self._show_playing(playing)
        self.playing_changed.emit(playing)

    def _status_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self._player is None:
            return
        status = self._player.mediaStatus()
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._pending_seek is not None:
            self._player.setPosition(self._pending_seek)
            self._pending_seek = None
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._set_enabled(False)

    def _error(self, _error: object, description: str) -> None:
        name = self._source.name if self._source is not None else ""
        self.message.show_error(
            self.tr("Cannot play {0}: {1}").format(name, description or self.tr("unknown error"))
        )
        self._set_enabled(False)

    def _slider_pressed(self) -> None:
        self._dragging = True

    def _slider_released(self) -> None:
        self._dragging = False
        self.seek(self.slider.value() / 1000)

    def _slider_value_changed(self, millis: int) -> None:
        if self._dragging:
            self._show_time(millis, self._player.duration() if self._player is not None else 0)
        else:  # keyboard or a click on the groove
            self.seek(millis / 1000)
