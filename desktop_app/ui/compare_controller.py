"""Comparing engines in the window: the "Compare engines…" action, its jobs, and review mode.

:class:`CompareController` asks which engines to run (:class:`~desktop_app.ui.compare_dialog.
CompareDialog`), queues one ordinary job per engine through the queue (so each shows its own
progress row and its transcript is kept in the history like any other), and once every job has
ended aligns the transcripts (:func:`~desktop_app.core.compare.align`, on a worker thread: an hour
takes most of a second) and opens a :class:`~desktop_app.ui.review_window.ReviewWindow`. Engines
run at the same time as far as the job runner allows (one offline job at a time).
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop_app.core.compare import Comparison, compare_results
from desktop_app.core.errors import SoriError
from desktop_app.core.history import HistoryStore
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Transcript
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.ui.bridge import JobRunner
from desktop_app.ui.compare_dialog import CompareDialog
from desktop_app.ui.glossary_choice import GlossaryChoice
from desktop_app.ui.i18n import current_language
from desktop_app.ui.queue_controller import QueueController
from desktop_app.ui.queue_table import QueueEntry
from desktop_app.ui.review_window import ReviewWindow
from desktop_app.ui.transcript_model import snapshot_transcript

log = logging.getLogger(__name__)

_aligner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sori-align")


@dataclass(slots=True)
class CompareSession:
    """One comparison in progress: the engines' queue entries and what each job ended with."""

    audio: Path
    label: str
    entries: dict[str, QueueEntry]
    transcripts: dict[str, Transcript] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    aligning: bool = False

    def engine_of(self, job_id: int) -> str | None:
        return next((n for n, e in self.entries.items() if e.job_id == job_id), None)

    @property
    def ended(self) -> bool:
        return len(self.transcripts) + len(self.failures) == len(self.entries)


class _Relay(QObject):
    aligned = Signal(object, object)  # CompareSession, Comparison | str (why not)
    kept = Signal()  # a reviewed transcript was saved to the history


class CompareController(QObject):
    """GUI thread only (alignment runs on a worker thread).

    Signals:
      message(str, int)          a status-bar message and for how many ms
      review_opened(object)      a ReviewWindow was opened for a finished comparison
      settings_requested()       the dialog's link to enter missing keys was followed
      history_changed()          a reviewed transcript was kept in the history
    """

    message = Signal(str, int)
    review_opened = Signal(object)
    settings_requested = Signal()
    history_changed = Signal()

    def __init__(
        self,
        window: QWidget,
        queue: QueueController,
        runner: JobRunner,
        glossaries: GlossaryChoice,
        history: HistoryStore,
        config_for: Callable[[str], ProviderConfig | None] = lambda _: None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.queue = queue
        self.runner = runner
        self.glossaries = glossaries
        self.history = history
        self.config_for = config_for
        self.credentials: dict[str, bool] = {}
        self.sessions: list[CompareSession] = []
        self.reviews: list[ReviewWindow] = []
        self._relay = _Relay(self)
        self._relay.aligned.connect(self._aligned)
        self._relay.kept.connect(self.history_changed)
        queue.transcript_ready.connect(self._on_finished)
        runner.failed.connect(self._on_failed)
        runner.cancelled.connect(lambda job_id: self._on_failed(job_id, self.tr("Cancelled"), ""))

    def set_credentials(self, known: dict[str, bool]) -> None:
        self.credentials = dict(known)

    # ------------------------------------------------------------------ asking
    def compare_selected(self) -> CompareDialog | None:
        entry = self.queue.queue.selected()
        if entry is None or entry.audio is None:
            self.message.emit(self.tr("Select a file in the queue to compare engines on it."), 5000)
            return None
        return self.compare_entry(entry)

    def compare_entry(self, entry: QueueEntry) -> CompareDialog | None:
        if entry.audio is None or not entry.audio.is_file():
            self.message.emit(self.tr("The audio of %s is not there any more.") % entry.label, 0)
            return None
        return self.ask(entry.audio, entry.label, entry.engine)

    def compare_history(self, entry_id: int) -> CompareDialog | None:
        record = self.history.get(entry_id)
        source = Path(record.source) if record is not None and record.source else None
        if record is None or source is None or not source.is_absolute() or not source.is_file():
            self.message.emit(self.tr("The audio of this transcript is not there any more."), 0)
            return None
        return self.ask(source, record.title, "")

    def ask(self, audio: Path, label: str, engine: str = "") -> CompareDialog:
        dialog = CompareDialog(
            label, self.credentials, self.glossaries.store.names(), self.glossaries.chosen(),
            self.window,
        )  # fmt: skip
        if engine in dialog.boxes and dialog.boxes[engine].isEnabled():
            dialog.boxes[engine].setChecked(True)
        dialog.settings_requested.connect(dialog.reject)
        dialog.settings_requested.connect(self.settings_requested)
        dialog.accepted.connect(
            lambda: self.start(audio, label, dialog.engines(), dialog.glossary())
        )
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ running
    def start(
        self, audio: Path, label: str, engines: list[str], glossary: str | None = None
    ) -> CompareSession | None:
        """Queue one job per engine; review opens when all have ended."""
        source = MediaSource(path=audio)
        language = self.queue.sidebar.options_panel.current_options().language
        jobs = []
        try:
            for name in engines:
                options = TranscriptionOptions(language=language)
                options, use = self.glossaries.prepare(name, options, glossary)
                registry.provider_class(name).check_options(options, source)
                jobs.append((name, options, use))
        except SoriError as exc:
            self.message.emit(exc.describe(current_language()), 0)
            return None
        entries: dict[str, QueueEntry] = {}
        for name, options, use in jobs:
            cls = registry.provider_class(name)
            tag = self.tr("%1 (compare: %2)").replace("%1", label).replace("%2", cls.display_name)
            entry = self.queue.add_job(source, tag, name, options, self.config_for(name))
            self.glossaries.remember(entry.job_id, use)
            entries[name] = entry
        session = CompareSession(audio, label, entries)
        self.sessions.append(session)
        return session

    def _session_of(self, job_id: int | None) -> tuple[CompareSession, str] | None:
        for session in self.sessions:
            engine = None if job_id is None else session.engine_of(job_id)
            if engine is not None:
                return session, engine
        return None

    def _on_finished(self, entry: QueueEntry, transcript: Transcript) -> None:
        found = self._session_of(entry.job_id)
        if found is not None:
            found[0].transcripts[found[1]] = transcript
            self._maybe_align(found[0])

    def _on_failed(self, job_id: int, message: str, details: str) -> None:
        del details
        found = self._session_of(job_id)
        if found is not None:
            found[0].failures[found[1]] = message
            self._maybe_align(found[0])

    def _maybe_align(self, session: CompareSession) -> None:
        if not session.ended or session.aligning:
            return
        session.aligning = True
        if not session.transcripts:
            self.sessions.remove(session)
            self.message.emit(self.tr("No engine could transcribe %s.") % session.label, 0)
            return
        engines = list(session.entries)
        transcripts = {n: session.transcripts[n] for n in engines if n in session.transcripts}
        relay = self._relay

        def work() -> None:
            try:
                result: Comparison | str = compare_results(engines, transcripts, session.failures)
            except Exception as exc:  # an alignment bug must not take the window down
                log.exception("could not align the transcripts")
                result = str(exc)
            relay.aligned.emit(session, result)

        _aligner.submit(work)

    def _aligned(self, session: CompareSession, result: Comparison | str) -> None:
        if session in self.sessions:
            self.sessions.remove(session)
        if isinstance(result, str):
            self.message.emit(self.tr("Could not compare the transcripts: %s") % result, 0)
            return
        self.open_review(result, session.audio, session.label)

    def open_review(self, comparison: Comparison, audio: Path | None, label: str) -> ReviewWindow:
        review = ReviewWindow(comparison, audio, label, self.window)
        self.reviews.append(review)
        review.destroyed.connect(
            lambda: self.reviews.remove(review) if review in self.reviews else None
        )
        review.closed.connect(lambda transcript: self.keep_review(transcript, label))
        review.show()
        self.review_opened.emit(review)
        return review

    def keep_review(self, transcript: Transcript, label: str) -> None:
        """Save a reviewed transcript to the history as an entry of its own (off the GUI
        thread), beside each engine's."""
        history, relay = self.history, self._relay
        copy = snapshot_transcript(transcript)
        title = self.tr("%s (reviewed)") % label

        def work() -> None:
            try:
                history.save(copy, title=title)
            except Exception:
                log.exception("could not keep the reviewed transcript")
                return
            relay.kept.emit()

        _aligner.submit(work)
