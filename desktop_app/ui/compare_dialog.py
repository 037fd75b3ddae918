"""The "Compare engines…" dialog: pick two or three engines for one file, and a glossary.

Only engines that take files are listed; engines whose keys are missing are shown disabled with
a link to Settings. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app.providers import registry

MIN_ENGINES, MAX_ENGINES = 2, 3


class CompareDialog(QDialog):
    """Chooses the engines and options of a comparison. GUI thread only.

    Signals:
      settings_requested()   the user followed the link to enter missing keys
    """

    settings_requested = Signal()

    def __init__(
        self,
        label: str,
        credentials: dict[str, bool],
        glossaries: list[str],
        glossary: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare engines"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Transcribe %s with two or three engines and review where they differ.") % label
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.boxes: dict[str, QCheckBox] = {}
        missing = False
        for cls in registry.provider_classes():
            if "file" not in cls.capabilities.inputs:
                continue
            box = QCheckBox(cls.display_name)
            box.setObjectName(f"engine_{cls.name}")
            if credentials.get(cls.name, True) is False:
                box.setEnabled(False)
                box.setText(cls.display_name + "  — " + self.tr("key needed"))
                box.setToolTip(self.tr("Enter this engine's keys in Settings to compare with it."))
                missing = True
            box.toggled.connect(self._validate)
            self.boxes[cls.name] = box
            layout.addWidget(box)
        self.keys_link = QLabel(self.tr("<a href='#'>Open Settings</a> to enter missing keys."))
        self.keys_link.linkActivated.connect(lambda _: self.settings_requested.emit())
        self.keys_link.setVisible(missing)
        layout.addWidget(self.keys_link)
        form = QFormLayout()
        self.glossary_box = QComboBox()
        self.glossary_box.addItem(self.tr("none"), "")
        for name in glossaries:
            self.glossary_box.addItem(name, name)
        self.glossary_box.setCurrentIndex(max(0, self.glossary_box.findData(glossary or "")))
        form.addRow(self.tr("Glossary:"), self.glossary_box)
        layout.addLayout(form)
        self.hint = QLabel()
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Compare"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._validate()

    def engines(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked() and box.isEnabled()]

    def glossary(self) -> str | None:
        return str(self.glossary_box.currentData()) or None

    def choose(self, *names: str) -> None:
        for name, box in self.boxes.items():
            box.setChecked(name in names)

    def _validate(self) -> None:
        count = len(self.engines())
        ok = MIN_ENGINES <= count <= MAX_ENGINES
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.hint.setText("" if ok else self.tr("Choose two or three engines."))
