"""Recording: the Record panel's buttons, the live session's results, and the queue row of a
recording.

:class:`RecordingController` owns the signals of the :class:`~desktop_app.ui.record_panel.
RecordPanel` and of the :class:`~desktop_app.ui.live_runner.LiveRunner` (whose session runs on
the engine loop). A recording gets a queue row while it runs; when it ends, its transcript and
the recorded file take the row's place like a finished job's.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop_app.core.errors import SoriError
from desktop_app.core.stream import StreamEvent
from desktop_app.live.session import LiveResult
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource
from desktop_app.ui.live_runner import LiveRunner
from desktop_app.ui.live_view import LiveView
from desktop_app.ui.queue_controller import QueueController
from desktop_app.ui.queue_table import QueueEntry
from desktop_app.ui.record_panel import RecordPanel

# The strings keep the window's translation context, where the catalogue has them.
translate = QCoreApplication.translate


class RecordingController(QObject):
    """Live recording from the window. GUI thread only.

    Signals:
      message(str, int)        a status-bar message and for how many ms (0: until replaced)
      show_requested(object)   show this entry in the transcript area
      live_shown()             the live view should be the one shown
    """

    message = Signal(str, int)
    show_requested = Signal(object)
    live_shown = Signal()

    def __init__(
        self,
        panel: RecordPanel,
        live: LiveRunner,
        view: LiveView,
        queue: QueueController,
        language: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.live = live
        self.view = view
        self.queue = queue
        self.language = language
        self.entry: QueueEntry | None = None  # the queue row of the recording under way
        panel.record_requested.connect(self.start_recording)
        panel.stop_requested.connect(live.stop)
        panel.pause_toggled.connect(lambda paused: live.pause() if paused else live.resume())
        live.result.connect(self._on_live_event)
        live.finished.connect(self._on_live_finished)
        live.failed.connect(self._on_live_failed)
        live.reconnecting.connect(
            lambda message, n: self.message.emit(
                translate("MainWindow", "Connection lost; reconnecting (%d)… %s") % (n, message),
                0,
            )
        )

    def start_recording(self, device: int | str | None) -> None:
        name = self.queue.engine()
        cls = registry.provider_class(name)
        if not cls.capabilities.live:
            live = ", ".join(
                c.display_name for c in registry.provider_classes() if c.capabilities.live
            )
            self.panel.show_message(
                translate("MainWindow", "%s cannot transcribe live. Choose one of: %s.")
                % (cls.display_name, live)
            )
            return
        try:
            options = self.queue.sidebar.options_panel.options()
        except SoriError as exc:
            self.panel.show_message(exc.describe(self.language))
            return
        label = translate("MainWindow", "Recording %s") % time.strftime("%H:%M")
        entry = QueueEntry(label, name, cls.display_name, options=options)
        entry.state = "processing"
        self.entry = entry
        self.queue.queue.add(entry)
        self.view.reset(name, entry.label)
        self.live_shown.emit()
        self.live.start(name, options, device=device)
        self.panel.set_recording(True, self.live.source)
        self.queue.queue.select(entry)

    def _on_live_event(self, event: StreamEvent) -> None:
        self.view.apply(event)

    def _on_live_finished(self, result: LiveResult) -> None:
        self.panel.set_recording(False)
        entry = self.entry
        self.entry = None
        if entry is None:
            return
        if result.recording is not None:
            entry.label = result.recording.name
            entry.audio = result.recording
            entry.source = MediaSource(path=result.recording)
        if result.error is not None:
            self.panel.show_message(result.error.describe(self.language))
        self.queue.finish(entry, result.transcript)
        self.show_requested.emit(entry)

    def _on_live_failed(self, message: str) -> None:
        self.panel.set_recording(False)
        self.panel.show_message(message)
        entry = self.entry
        self.entry = None
        if entry is not None:
            entry.state, entry.message = "failed", message
            self.queue.queue.refresh(entry)
