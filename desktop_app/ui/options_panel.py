"""The options panel: what the chosen engine can do, and nothing it cannot.

Built from the engine's :class:`~desktop_app.providers.base.Capabilities`: language, speaker
separation with an exact count or a range, word lists (boosted keywords, with weights where the
engine weighs them; biasing pairs; forbidden words) and every engine-specific
:class:`~desktop_app.providers.base.OptionSpec`. Options that choose *where* an engine is
reached (a ``host`` option marked ``in_settings``) live in Settings instead, next to the
endpoint. Readable names for choices, tooltips and which switch enables which option come from
the option specs too, so nothing here names an engine.

What the user sets is remembered per engine in the settings file (key ``options`` of the
engine's section) as it changes, so switching engines back and forth, or restarting, keeps each
engine's word lists and switches. :meth:`EngineOptionsPanel.options` gives the
:class:`TranscriptionOptions` after the engine's own checks, and problems are shown under the
panel as soon as they arise.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.settings import Settings
from desktop_app.providers import registry
from desktop_app.providers.base import Capabilities, OptionSpec, Provider
from desktop_app.ui.i18n import current_language
from desktop_app.ui.inline_message import InlineMessage
from desktop_app.ui.word_list_editor import ListKind, WordListEditor

log = logging.getLogger(__name__)

SETTINGS_KEY = "options"
SAVE_DELAY_MS = 400
MAX_SPEAKERS = 20
INT_LIMIT = 1_000_000_000
CHOICE_LIST = re.compile(r"\s*\(([^()]*)\)\s*$")


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def options_from_state(state: dict[str, Any]) -> TranscriptionOptions:
    """Options from a remembered state; values of the wrong type are left out."""
    keywords: list[Keyword] = []
    for text in _strings(state.get("keywords")):
        try:
            keywords.append(Keyword.parse(text))
        except ConfigurationError:
            continue
    extra = state.get("extra")
    language = state.get("language")
    return TranscriptionOptions(
        language=language if isinstance(language, str) and language else None,
        diarization=state.get("diarization") is True,
        speakers=_number(state.get("speakers")),
        speakers_min=_number(state.get("speakers_min")),
        speakers_max=_number(state.get("speakers_max")),
        keywords=keywords,
        biasing=_strings(state.get("biasing")),
        forbidden=_strings(state.get("forbidden")),
        extra=dict(extra) if isinstance(extra, dict) else {},
    )


def state_from_options(options: TranscriptionOptions) -> dict[str, Any]:
    """What is written to the settings file for one engine (JSON-ready)."""
    state: dict[str, Any] = {
        "language": options.language,
        "diarization": options.diarization,
        "speakers": options.speakers,
        "speakers_min": options.speakers_min,
        "speakers_max": options.speakers_max,
        "keywords": [str(k) for k in options.keywords],
        "biasing": list(options.biasing),
        "forbidden": list(options.forbidden),
        "extra": dict(options.extra),
    }
    return {key: value for key, value in state.items() if value is not None}


def option_label(spec: OptionSpec, language: str) -> str:
    """The spec's label in ``language``, without a trailing list of the raw choices (the
    combo box shows readable names for them)."""
    text = spec.label_ko if language == "ko" and spec.label_ko else spec.label
    listed = CHOICE_LIST.search(text)
    if spec.kind == "choice" and listed:
        named = {part.strip() for part in listed.group(1).split(",")}
        if named == set(spec.choices):
            text = text[: listed.start()]
    return text


class EngineOptionsPanel(QWidget):
    """Options for one engine at a time. GUI thread only.

    Signals:
      changed()  any option changed (also after :meth:`set_engine`)
    """

    changed = Signal()

    def __init__(
        self,
        engine: str = registry.DEFAULT_PROVIDER,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        self._engine = ""
        self._cls: type[Provider] | None = None
        self._loading = False
        self._dirty = False
        self.language_box: QComboBox | None = None
        self.diarization_box: QCheckBox | None = None
        self.speakers_spin: QSpinBox | None = None
        self.speakers_min_spin: QSpinBox | None = None
        self.speakers_max_spin: QSpinBox | None = None
        self.word_lists: dict[ListKind, WordListEditor] = {}
        self.extra_widgets: dict[str, QWidget] = {}
        self.word_tabs: QTabWidget | None = None

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self._scroll, 1)
        self.error = InlineMessage()
        self.error.setObjectName("options_error")
        layout.addWidget(self.error)
        self.setAccessibleName(self.tr("Engine options"))
        self.set_engine(engine)

    # ----------------------------------------------------------------- public API
    def engine(self) -> str:
        return self._engine

    def capabilities(self) -> Capabilities:
        assert self._cls is not None
        return self._cls.capabilities

    def set_engine(self, name: str) -> None:
        """Show the options of engine ``name``, as last left for it."""
        cls = registry.provider_class(name)
        if name == self._engine:
            return
        self.flush()
        self._engine = name
        self._cls = cls
        self._loading = True
        try:
            self._scroll.setWidget(self._build_body(cls.capabilities))
            remembered = self.settings.engine(name).get(SETTINGS_KEY)
            if isinstance(remembered, dict):
                self.set_options(options_from_state(remembered))
        finally:
            self._loading = False
        self._update_dependants()
        self._retitle_tabs()
        self._validate()
        self.changed.emit()

    def options(self) -> TranscriptionOptions:
        """The options as set, checked by the engine; a ConfigurationError (also shown under
        the panel) when they cannot work."""
        options = self.current_options()
        try:
            self._check(options)
        except ConfigurationError as exc:
            self.error.show_error(exc.describe(current_language()))
            raise
        self.error.clear_message()
        return options

    def validation_error(self) -> ConfigurationError | None:
        """Why :meth:`options` would fail now, or None."""
        try:
            self._check(self.current_options())
        except ConfigurationError as exc:
            return exc
        return None

    def current_options(self) -> TranscriptionOptions:
        """The options as set, without the engine's checks."""
        options = TranscriptionOptions()
        if self.language_box is not None:
            options.language = self.language_box.currentData()
        if self.diarization_box is not None and self.diarization_box.isChecked():
            options.diarization = True
            if self.speakers_spin is not None and self.speakers_spin.value() > 0:
                options.speakers = self.speakers_spin.value()
            if self.speakers_min_spin is not None and self.speakers_min_spin.value() > 0:
                options.speakers_min = self.speakers_min_spin.value()
            if self.speakers_max_spin is not None and self.speakers_max_spin.value() > 0:
                options.speakers_max = self.speakers_max_spin.value()
        if "keywords" in self.word_lists:
            options.keywords = self.word_lists["keywords"].keywords()
        if "biasing" in self.word_lists:
            options.biasing = self.word_lists["biasing"].entries()
        if "forbidden" in self.word_lists:
            options.forbidden = self.word_lists["forbidden"].entries()
        for spec in self._extra_specs():
            value = self._extra_value(spec)
            if value != spec.default:
                options.extra[spec.name] = value
        return options

    def set_options(self, options: TranscriptionOptions) -> None:
        """Put ``options`` into the controls; what this engine does not offer is ignored."""
        loading, self._loading = self._loading, True
        try:
            self._apply(options)
        finally:
            self._loading = loading
        if not loading:
            self._on_change()

    def flush(self) -> None:
        """Write remembered options to the settings file now (normally a moment after a change)."""
        self._save_timer.stop()
        if not self._dirty:
            return
        self._dirty = False
        try:
            self.settings.save()
        except OSError as exc:
            log.warning("cannot save the options of %s: %s", self._engine, exc)

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()
        super().hideEvent(event)

    # ----------------------------------------------------------------- building
    def _build_body(self, caps: Capabilities) -> QWidget:
        self.language_box = self.diarization_box = None
        self.speakers_spin = self.speakers_min_spin = self.speakers_max_spin = None
        self.word_lists = {}
        self.extra_widgets = {}
        self.word_tabs = None
        body = QWidget()
        column = QVBoxLayout(body)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        column.addLayout(form)
        self._add_language(form, caps)
        if caps.diarization:
            self._add_speakers(form, caps)
        kinds: list[tuple[ListKind, bool, str]] = [
            ("keywords", caps.keywords, self.tr("Keywords")),
            ("biasing", caps.biasing, self.tr("Biasing")),
            ("forbidden", caps.forbidden, self.tr("Forbidden words")),
        ]
        if any(supported for _, supported, _ in kinds):
            self.word_tabs = QTabWidget()
            self.word_tabs.setObjectName("word_lists")
            self.word_tabs.setAccessibleName(self.tr("Word lists"))
            self.word_tabs.setDocumentMode(True)
            self._add_keyword_help(column)
            for kind, supported, _ in kinds:
                if supported:
                    editor = WordListEditor(kind, weights=caps.keyword_weights)
                    editor.changed.connect(self._on_change)
                    self.word_lists[kind] = editor
                    self.word_tabs.addTab(editor, "")
            self._retitle_tabs()
            column.addWidget(self.word_tabs, 1)
        specs = self._extra_specs(caps)
        if specs:
            group = QGroupBox(self.tr("Engine options"))
            group.setObjectName("engine_options")
            extra_form = QFormLayout(group)
            # Labels above their fields: the panel is narrow and some labels are long.
            extra_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            for spec in specs:
                self._add_extra(extra_form, spec)
            column.addWidget(group)
        column.addStretch(0 if self.word_tabs is not None else 1)
        return body

    def _add_keyword_help(self, column: QVBoxLayout) -> None:
        """What keyword boosting does with this engine, when the engine says it differs."""
        described = getattr(registry.provider_class(self._engine), "description", None)
        hint = getattr(described, "keyword_help", None)
        if hint is None:
            return
        label = QLabel(hint.pick(current_language()))
        label.setObjectName("keyword_help")
        label.setWordWrap(True)
        label.setEnabled(False)  # drawn as secondary text
        column.addWidget(label)

    def _add_language(self, form: QFormLayout, caps: Capabilities) -> None:
        box = QComboBox()
        box.setObjectName("language")
        for code in caps.languages:
            box.addItem(self._language_name(code), code)
        box.setAccessibleName(self.tr("Language of the speech"))
        if len(caps.languages) == 1:
            box.setEnabled(False)
            box.setToolTip(self.tr("This engine recognises one language only."))
        box.currentIndexChanged.connect(self._on_change)
        label = QLabel(self.tr("&Language:"))
        label.setBuddy(box)
        form.addRow(label, box)
        self.language_box = box

    def _speaker_spin(self, name: str, accessible: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(0, MAX_SPEAKERS)
        spin.setSpecialValueText(self.tr("Automatic"))
        spin.setAccessibleName(accessible)
        spin.valueChanged.connect(self._on_change)
        return spin

    def _add_speakers(self, form: QFormLayout, caps: Capabilities) -> None:
        box = QCheckBox(self.tr("&Separate speakers (diarization)"))
        box.setObjectName("diarization")
        box.setAccessibleName(self.tr("Separate speakers"))
        box.toggled.connect(self._on_change)
        form.addRow(box)
        self.diarization_box = box
        if caps.speaker_count == "exact":
            self.speakers_spin = self._speaker_spin("speakers", self.tr("Number of speakers"))
            self.speakers_spin.setToolTip(self.tr("Automatic lets the engine decide."))
            label = QLabel(self.tr("Spea&kers:"))
            label.setBuddy(self.speakers_spin)
            form.addRow(label, self.speakers_spin)
        elif caps.speaker_count == "range":
            self.speakers_min_spin = self._speaker_spin("speakers_min", self.tr("Fewest speakers"))
            self.speakers_max_spin = self._speaker_spin("speakers_max", self.tr("Most speakers"))
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(self.speakers_min_spin, 1)
            to_label = QLabel(self.tr("to"))
            to_label.setBuddy(self.speakers_max_spin)
            row_layout.addWidget(to_label)
            row_layout.addWidget(self.speakers_max_spin, 1)
            label = QLabel(self.tr("Spea&kers:"))
            label.setBuddy(self.speakers_min_spin)
            form.addRow(label, row)

    def _extra_specs(self, caps: Capabilities | None = None) -> list[OptionSpec]:
        caps = caps or self.capabilities()
        return [spec for spec in caps.extra_options if not spec.in_settings]

    def _add_extra(self, form: QFormLayout, spec: OptionSpec) -> None:
        text = option_label(spec, current_language())
        widget: QWidget
        if spec.kind == "bool":
            check = QCheckBox(text)
            check.setChecked(bool(spec.default))
            check.toggled.connect(self._on_change)
            widget = check
        elif spec.kind == "choice":
            combo = QComboBox()
            for choice in spec.choices:
                combo.addItem(spec.choice_label(choice, current_language()), choice)
            combo.setCurrentIndex(max(0, combo.findData(str(spec.default))))
            combo.currentIndexChanged.connect(self._on_change)
            widget = combo
        elif spec.kind == "int":
            spin = QSpinBox()
            low = -INT_LIMIT if spec.minimum is None else int(spec.minimum)
            spin.setRange(low, INT_LIMIT if spec.maximum is None else int(spec.maximum))
            spin.setGroupSeparatorShown(True)
            spin.setValue(int(spec.default))
            spin.valueChanged.connect(self._on_change)
            widget = spin
        elif spec.kind == "float":
            number = QDoubleSpinBox()
            number.setDecimals(2)
            low_f = -float(INT_LIMIT) if spec.minimum is None else float(spec.minimum)
            number.setRange(low_f, float(INT_LIMIT) if spec.maximum is None else spec.maximum)
            number.setValue(float(spec.default))
            number.valueChanged.connect(self._on_change)
            widget = number
        else:
            line = QLineEdit(str(spec.default or ""))
            line.setClearButtonEnabled(True)
            line.textChanged.connect(self._on_change)
            widget = line
        widget.setObjectName(f"option:{spec.name}")
        widget.setAccessibleName(text)
        help_text = spec.help_ko if current_language() == "ko" and spec.help_ko else spec.help
        command = self.tr("Command line: --option %s=…") % spec.name
        widget.setToolTip(f"{help_text}\n{command}" if help_text else command)
        self.extra_widgets[spec.name] = widget
        if isinstance(widget, QCheckBox):
            form.addRow(widget)
        else:
            label = QLabel(text + ":")
            label.setBuddy(widget)
            form.addRow(label, widget)

    # ----------------------------------------------------------------- readable names
    def _language_name(self, code: str) -> str:
        names = {
            "ko": self.tr("Korean"),
            "en": self.tr("English"),
            "ja": self.tr("Japanese"),
            "zh": self.tr("Chinese (Simplified)"),
            "zh-tw": self.tr("Chinese (Traditional)"),
            "enko": self.tr("Korean and English mixed"),
            "detect": self.tr("Detect automatically"),
            "multi": self.tr("Several languages in one file"),
        }
        return names.get(code, code)

    # ----------------------------------------------------------------- values
    def _extra_value(self, spec: OptionSpec) -> Any:
        widget = self.extra_widgets[spec.name]
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QSpinBox | QDoubleSpinBox):
            return widget.value()
        assert isinstance(widget, QLineEdit)
        return widget.text().strip()

    def _set_extra(self, spec: OptionSpec, value: Any) -> None:
        widget = self.extra_widgets[spec.name]
        if isinstance(widget, QCheckBox) and isinstance(value, bool):
            widget.setChecked(value)
        elif isinstance(widget, QComboBox) and widget.findData(str(value)) >= 0:
            widget.setCurrentIndex(widget.findData(str(value)))
        elif isinstance(widget, QSpinBox) and _number(value) is not None:
            widget.setValue(int(value))
        elif isinstance(widget, QDoubleSpinBox) and _number(value) is not None:
            widget.setValue(float(value))
        elif isinstance(widget, QLineEdit) and isinstance(value, str):
            widget.setText(value)

    def _apply(self, options: TranscriptionOptions) -> None:
        if self.language_box is not None and options.language:
            index = self.language_box.findData(options.language)
            if index >= 0:
                self.language_box.setCurrentIndex(index)
        if self.diarization_box is not None:
            self.diarization_box.setChecked(options.diarization)
        for spin, value in (
            (self.speakers_spin, options.speakers),
            (self.speakers_min_spin, options.speakers_min or options.speakers),
            (self.speakers_max_spin, options.speakers_max or options.speakers),
        ):
            if spin is not None:
                spin.setValue(min(MAX_SPEAKERS, max(0, value or 0)))
        lists: dict[ListKind, list[str]] = {
            "keywords": [str(k) for k in options.keywords],
            "biasing": list(options.biasing),
            "forbidden": list(options.forbidden),
        }
        for kind, editor in self.word_lists.items():
            editor.set_entries(lists[kind])
        for spec in self._extra_specs():
            try:
                value = spec.coerce(options.extra.get(spec.name, spec.default))
            except ConfigurationError:
                value = spec.default  # a remembered value this version no longer accepts
            self._set_extra(spec, value)

    # ----------------------------------------------------------------- reactions
    def _check(self, options: TranscriptionOptions) -> None:
        assert self._cls is not None
        self._cls.check_options(options)

    def _validate(self) -> None:
        error = self.validation_error()
        if error is None:
            self.error.clear_message()
        else:
            self.error.show_error(error.describe(current_language()))

    def _retitle_tabs(self) -> None:
        if self.word_tabs is None:
            return
        titles = {
            "keywords": self.tr("Keywords"),
            "biasing": self.tr("Biasing"),
            "forbidden": self.tr("Forbidden words"),
        }
        for index in range(self.word_tabs.count()):
            editor = self.word_tabs.widget(index)
            assert isinstance(editor, WordListEditor)
            count = len(editor.entries())
            title = titles[editor.kind]
            self.word_tabs.setTabText(index, f"{title} ({count})" if count else title)

    def _update_dependants(self) -> None:
        diarization = self.diarization_box is not None and self.diarization_box.isChecked()
        for spin in (self.speakers_spin, self.speakers_min_spin, self.speakers_max_spin):
            if spin is not None:
                spin.setEnabled(diarization)
        for spec in self._extra_specs() if self._cls is not None else []:
            widget = self.extra_widgets.get(spec.name)
            switch = self.extra_widgets.get(spec.enabled_by or "")
            if widget is not None and isinstance(switch, QCheckBox):
                widget.setEnabled(switch.isChecked())

    def _on_change(self) -> None:
        if self._loading:
            return
        self._update_dependants()
        self._retitle_tabs()
        self._validate()
        self.settings.set_engine(
            self._engine, SETTINGS_KEY, state_from_options(self.current_options())
        )
        self._dirty = True
        self._save_timer.start()
        self.changed.emit()
