"""The main window's left column: the engine picker with its options above, the history below.

:meth:`Sidebar.fit` splits the height for the chosen engine: its options get what they need (up
to two thirds), past transcripts the rest; the user can still drag the split.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.providers import factory, registry
from desktop_app.ui.glossary_choice import GlossaryChoice
from desktop_app.ui.history_panel import HistoryPanel
from desktop_app.ui.i18n import current_language
from desktop_app.ui.options_panel import EngineOptionsPanel


class Sidebar(QSplitter):
    """GUI thread only.

    Signals:
      engine_changed(str)   another engine was picked (its options are already shown)
      keys_requested()      the user followed the link to enter the chosen engine's keys
    """

    engine_changed = Signal(str)
    keys_requested = Signal()

    def __init__(
        self, settings: Settings, history: HistoryStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self._credentials: dict[str, bool] = {}
        self.engine_page = QWidget()
        engine_layout = QVBoxLayout(self.engine_page)
        engine_layout.setContentsMargins(8, 8, 4, 4)
        row = QHBoxLayout()
        engine_label = QLabel(self.tr("E&ngine:"))  # Alt+E opens the Edit menu
        self.engine_box = QComboBox()
        self.engine_box.setAccessibleName(self.tr("Speech engine"))
        engine_label.setBuddy(self.engine_box)
        for cls in registry.provider_classes():
            self.engine_box.addItem(cls.description.name.pick(current_language()), cls.name)
        self.settings = settings
        self.select_default_engine()
        row.addWidget(engine_label)
        row.addWidget(self.engine_box, 1)
        engine_layout.addLayout(row)
        self.engine_status = QLabel()
        self.engine_status.setWordWrap(True)
        self.engine_status.setOpenExternalLinks(False)
        self.engine_status.linkActivated.connect(lambda _: self.keys_requested.emit())
        engine_layout.addWidget(self.engine_status)
        self.options_panel = EngineOptionsPanel(self.engine(), settings)
        engine_layout.addWidget(self.options_panel, 1)
        self.glossary_choice = GlossaryChoice()  # "Glossary: none / NAME" for the next jobs
        engine_layout.addWidget(self.glossary_choice)

        history_page = QWidget()
        history_layout = QVBoxLayout(history_page)
        history_layout.setContentsMargins(8, 4, 4, 4)
        history_title = QLabel(self.tr("&History"))
        bold = history_title.font()
        bold.setBold(True)
        history_title.setFont(bold)
        self.history_panel = HistoryPanel(history)
        history_title.setBuddy(self.history_panel.list)
        history_layout.addWidget(history_title)
        history_layout.addWidget(self.history_panel, 1)

        self.addWidget(self.engine_page)
        self.addWidget(history_page)
        self.setChildrenCollapsible(False)
        self.setMinimumWidth(300)
        self.engine_box.currentIndexChanged.connect(self._on_engine)
        self.show_engine_status()

    def engine(self) -> str:
        """The chosen engine's id ("" while the list is being refilled)."""
        data = self.engine_box.currentData()
        return str(data) if data else ""

    def select_default_engine(self) -> None:
        """Show the default engine chosen in Settings."""
        self._default = factory.default_engine(self.settings)
        self.engine_box.setCurrentIndex(max(0, self.engine_box.findData(self._default)))

    def follow_default_engine(self) -> None:
        """After Settings was saved: when the default engine changed there, show it, so the
        next job uses it; otherwise keep the engine picked here."""
        if factory.default_engine(self.settings) != self._default:
            self.select_default_engine()

    def _on_engine(self) -> None:
        name = self.engine()
        if not name:  # the list is being refilled
            return
        self.options_panel.set_engine(name)
        self.show_engine_status()
        self.engine_changed.emit(name)

    def show_credentials(self, known: dict[str, bool]) -> None:
        """Mark the engines whose keys are missing (``known``: engine name -> keys set)."""
        self._credentials = known
        for index in range(self.engine_box.count()):
            name = str(self.engine_box.itemData(index))
            cls = registry.provider_class(name)
            mark = "" if known.get(name, True) else "  — " + self.tr("key needed")
            self.engine_box.setItemText(index, cls.description.name.pick(current_language()) + mark)
        self.show_engine_status()

    def show_engine_status(self) -> None:
        cls = registry.provider_class(self.engine())
        if cls.capabilities.offline:
            text = self.tr("Runs on this computer; no account or network needed.")
        elif self._credentials.get(cls.name) is False:
            text = self.tr("This engine needs keys. <a href='#'>Enter them in Settings</a>.")
        else:
            text = cls.description.summary.pick(current_language())
        self.engine_status.setText(text)

    def preferred_width(self) -> int:
        """How wide the column must be to show the current options without scrolling sideways."""
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return self.engine_page.sizeHint().width() + scrollbar

    def fit(self) -> None:
        """Give the engine options the height they need, up to two thirds; history the rest."""
        total = sum(self.sizes())
        if total <= 0:
            return
        for area in self.options_panel.findChildren(QScrollArea):
            area.updateGeometry()  # its new content's size reaches the layouts only this way
        self.options_panel.updateGeometry()
        top = min(self.engine_page.sizeHint().height(), total * 2 // 3)
        self.setSizes([top, total - top])
