"""The drop target for audio and video files and folders, with an Open button.

When the chosen cloud engine has no keys, dropped files are not queued (they could only fail):
the zone says so under its text, with a button that opens that engine's page in Settings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.providers import registry
from desktop_app.ui.inline_message import InlineMessage

MEDIA_SUFFIXES = [
    ".wav",
    ".mp3",
    ".m4a",
    ".aac",
    ".ac3",
    ".ogg",
    ".oga",
    ".opus",
    ".flac",
    ".webm",
    ".amr",
    ".mp4",
    ".mov",
    ".mkv",
    ".avi",
    ".wma",
    ".wmv",
    ".flv",
]


class DropZone(QFrame):
    """GUI thread only. Calls ``on_paths`` with dropped local paths and ``on_open`` for the
    Open button.

    Signals:
      settings_requested(str)   open Settings on this engine's page (its keys are missing)
    """

    settings_requested = Signal(str)

    def __init__(
        self,
        on_paths: Callable[[list[Path]], None],
        on_open: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_paths = on_paths
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setMinimumHeight(72)
        self.setAccessibleName(self.tr("Drop audio or video files here"))
        title = QLabel(self.tr("Drop audio or video files or folders here"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        hint = QLabel(
            self.tr("WAV, MP3, M4A, FLAC, OGG, Opus, WebM, AMR, MP4, MOV, MKV … · Ctrl+O to open")
        )
        hint.setEnabled(False)
        self.open_button = QPushButton(self.tr("Open files…"))
        self.open_button.setToolTip(self.tr("Open audio or video files (Ctrl+O)"))
        self.open_button.clicked.connect(on_open)
        self._keys_engine = ""
        self.keys_message = InlineMessage()
        self.settings_button = QPushButton(self.tr("Open Settings"))
        self.settings_button.clicked.connect(
            lambda: self.settings_requested.emit(self._keys_engine)
        )
        self.settings_button.hide()
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title)
        text.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch()
        row.addLayout(text)
        row.addSpacing(28)
        row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch()
        keys_row = QHBoxLayout()
        keys_row.addStretch()
        keys_row.addWidget(self.keys_message, 0, Qt.AlignmentFlag.AlignVCenter)
        keys_row.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignVCenter)
        keys_row.addStretch()
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.setSpacing(6)
        column.addLayout(row)
        column.addLayout(keys_row)
        self.setStyleSheet(
            "#dropZone { border: 2px dashed palette(mid); border-radius: 10px; }"
            '#dropZone[hover="true"] { border-color: palette(highlight); }'
        )

    def show_keys_needed(self, engine: str) -> None:
        """Say that ``engine`` needs keys before files can be queued ("": hide the message)."""
        self._keys_engine = engine
        if not engine:
            self.keys_message.clear_message()
            self.settings_button.hide()
            return
        name = registry.provider_class(engine).display_name
        self.keys_message.show_error(
            self.tr("{engine} needs its keys before it can transcribe. Nothing was queued.").format(
                engine=name
            )
        )
        self.settings_button.show()

    def _set_hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            self._set_hover(True)
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hover(False)
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self._on_paths(paths)
        event.acceptProposedAction()
