"""The Record controls: input device, Record/Stop (Ctrl+R), Pause, a level meter and the time.

The device list is read on a worker thread (PortAudio can be slow to scan); when recording is
impossible (no PortAudio, no input device) the panel says why instead of failing later. While
the panel is visible and not recording, PortAudio is restarted and the list read again every
few seconds, so a microphone plugged in or out appears or vanishes without a restart of Sori.
"""

from __future__ import annotations

import concurrent.futures

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.audio.devices import InputDevice, list_input_devices, rescan_devices
from desktop_app.core.errors import SoriError
from desktop_app.ui.i18n import current_language

_scanner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sori-devices")
POLL_MS = 3000  # how often the device list is read again (visible, idle)


class _DeviceScan(QObject):
    """Carries the result of a device scan back to the GUI thread."""

    done = Signal(object, str)  # list[InputDevice], reason when empty
    polled = Signal(object, str)  # the same, from a background re-check


def format_elapsed(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class RecordPanel(QWidget):
    """GUI thread only.

    Signals:
      record_requested(device)   the user pressed Record (device id or None for the default)
      stop_requested()           the user pressed Stop
      pause_toggled(paused)      the user pressed Pause/Resume
    """

    record_requested = Signal(object)
    stop_requested = Signal()
    pause_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._recording = False
        self._paused = False
        self._level_source: object | None = None
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        self.device_box = QComboBox()
        self.device_box.setAccessibleName(self.tr("Input device"))
        self.device_box.setMinimumContentsLength(22)
        self.device_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.record_button = QPushButton(self.tr("● Record"))
        self.record_button.setShortcut(QKeySequence("Ctrl+R"))
        self.record_button.setToolTip(self.tr("Record and transcribe live (Ctrl+R)"))
        self.record_button.setAccessibleName(self.tr("Record"))
        self.record_button.clicked.connect(self._on_record)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setEnabled(False)
        self.pause_button.clicked.connect(self._on_pause)
        self.meter = QProgressBar()
        self.meter.setRange(0, 600)
        self.meter.setTextVisible(False)
        self.meter.setFixedWidth(120)
        self.meter.setMaximumHeight(14)
        self.meter.setAccessibleName(self.tr("Input level"))
        self.time_label = QLabel(format_elapsed(0))
        self.time_label.setAccessibleName(self.tr("Recording time"))
        # Under the controls, full width, and only while there is something to say: reasons
        # such as a missing sound library are long and must be readable in full.
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        layout.addWidget(QLabel(self.tr("Input:")))
        layout.addWidget(self.device_box)
        layout.addWidget(self.record_button)
        layout.addWidget(self.pause_button)
        layout.addWidget(self.meter)
        layout.addWidget(self.time_label)
        layout.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(layout)
        column.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)
        self._scan = _DeviceScan(self)
        self._scan.done.connect(self._on_devices)
        self._scan.polled.connect(self._on_polled)
        self._devices: list[InputDevice] | None = None
        self._polling = False
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self.poll_devices)
        # After the window is built: a scan thread loading PortAudio while the GUI thread loads
        # QtMultimedia (the player) can deadlock the two library loads.
        QTimer.singleShot(0, self.refresh_devices)

    # ------------------------------------------------------------------ devices
    def refresh_devices(self) -> None:
        self.device_box.clear()
        self.device_box.addItem(self.tr("Looking for microphones…"), None)
        self.device_box.setEnabled(False)
        self.record_button.setEnabled(False)
        scan = self._scan
        language = current_language()
        no_device = self.tr("No microphone was found.")

        def work() -> None:
            try:
                devices = list_input_devices()
                reason = "" if devices else no_device
            except SoriError as exc:
                devices, reason = [], exc.describe(language)
            scan.done.emit(devices, reason)

        _scanner.submit(work)

    def poll_devices(self) -> None:
        """Look for microphones plugged in or out (off the GUI thread; skipped while recording,
        because restarting PortAudio would close the recording's stream)."""
        if self._recording or self._polling or self._devices is None:
            return
        self._polling = True
        scan = self._scan
        language = current_language()
        no_device = self.tr("No microphone was found.")

        def work() -> None:
            try:
                rescan_devices()  # does nothing while a stream is open
                devices = list_input_devices()
                reason = "" if devices else no_device
            except SoriError as exc:
                devices, reason = [], exc.describe(language)
            scan.polled.emit(devices, reason)

        _scanner.submit(work)

    def _on_polled(self, devices: list[InputDevice], reason: str) -> None:
        self._polling = False
        if self._recording or devices == self._devices:
            return
        chosen = self.device_box.currentText() if self.device_box.currentIndex() > 0 else None
        self._on_devices(devices, reason)
        index = self.device_box.findText(chosen) if chosen else -1
        if index > 0:
            self.device_box.setCurrentIndex(index)  # the same microphone, if still there

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._poll_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._poll_timer.stop()

    def _on_devices(self, devices: list[InputDevice], reason: str) -> None:
        self._devices = list(devices)
        self.device_box.clear()
        if not devices:
            self.device_box.addItem(self.tr("No input device"), None)
            self.device_box.setEnabled(False)
            self.record_button.setEnabled(self._recording)
            self.show_message(reason)
            self.record_button.setToolTip(reason)
            return
        self.device_box.addItem(self.tr("System default"), None)
        for device in devices:
            self.device_box.addItem(device.name, device.id)
        self.device_box.setEnabled(True)
        self.record_button.setEnabled(True)
        self.show_message("")

    @property
    def available(self) -> bool:
        return self.record_button.isEnabled() or self._recording

    # ------------------------------------------------------------------ state
    def _on_record(self) -> None:
        if self._recording:
            self.record_button.setEnabled(False)
            self.record_button.setText(self.tr("Finishing…"))
            self.stop_requested.emit()
        else:
            self.record_requested.emit(self.device_box.currentData())

    def _on_pause(self) -> None:
        self._paused = not self._paused
        self.pause_button.setText(self.tr("Resume") if self._paused else self.tr("Pause"))
        self.pause_toggled.emit(self._paused)

    def set_recording(self, recording: bool, level_source: object | None = None) -> None:
        """Show the running (or stopped) state; ``level_source`` has ``level``/``elapsed``."""
        self._recording = recording
        self._paused = False
        self._level_source = level_source if recording else None
        self.record_button.setEnabled(True)
        self.record_button.setText(self.tr("■ Stop") if recording else self.tr("● Record"))
        self.pause_button.setEnabled(recording)
        self.pause_button.setText(self.tr("Pause"))
        self.device_box.setEnabled(not recording and self.device_box.count() > 1)
        if recording:
            self.show_message("")  # an earlier message no longer applies
            self.time_label.setText(format_elapsed(0))
            self._timer.start()
        else:
            self._timer.stop()
            self.meter.setValue(0)

    def show_message(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _tick(self) -> None:
        source = self._level_source
        if source is None:
            return
        level = getattr(source, "level", None)
        elapsed = float(getattr(source, "elapsed", 0.0))
        if level is not None:
            # Show -60..0 dBFS; quieter is empty.
            self.meter.setValue(int(max(0.0, min(60.0, level.peak_db + 60.0)) * 10))
        self.time_label.setText(format_elapsed(elapsed))
