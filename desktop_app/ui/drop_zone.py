"""The drop target for audio and video files and folders, with an Open button."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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
    Open button."""

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
        hint = QLabel(self.tr("WAV, MP3, M4A, FLAC, OGG, Opus, WebM, AMR, MP4, MOV, MKV …"))
        hint.setEnabled(False)
        self.open_button = QPushButton(self.tr("Open files…"))
        self.open_button.setToolTip(self.tr("Open audio or video files (Ctrl+O)"))
        self.open_button.clicked.connect(on_open)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title)
        text.addWidget(hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.addStretch()
        row.addLayout(text)
        row.addSpacing(28)
        row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch()
        self.setStyleSheet(
            "#dropZone { border: 2px dashed palette(mid); border-radius: 10px; }"
            '#dropZone[hover="true"] { border-color: palette(highlight); }'
        )

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
