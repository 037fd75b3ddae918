"""The offer, at start, to collect cloud jobs that an earlier session left unfinished.

Cloud engines record every accepted job in the journal (:mod:`desktop_app.core.journal`) until
its result is written. When the window starts, :meth:`UnfinishedJobsOffer.check` reads the
journal off the GUI thread and, if jobs are waiting, shows "N unfinished cloud jobs" with each
job named, and two buttons: Resume (the window collects them through the engine's ``resume()``,
no new upload, and shows them in the queue) and Discard (they are dropped from the journal; the
service deletes them on its own schedule).
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from pathlib import PurePath

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop_app.core.journal import JobJournal, RemoteJob
from desktop_app.providers import registry
from desktop_app.ui.notices import Banner

log = logging.getLogger(__name__)

_reader = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sori-journal")
NAMED_AT_MOST = 5


def job_label(job: RemoteJob) -> str:
    """A file's name, or a URL / storage key as given."""
    return job.source if "://" in job.source else PurePath(job.source).name or job.source


def engine_name(engine: str) -> str:
    try:
        return registry.provider_class(engine).display_name
    except KeyError:
        return engine


class UnfinishedJobsOffer(Banner):
    """Shown above the queue while unfinished cloud jobs wait. GUI thread only; the journal is
    read and changed on a worker thread.

    Signals:
      resume_requested(list[RemoteJob])  the user chose Resume; the window collects these jobs
      discarded(int)                     this many jobs were dropped from the journal
    """

    resume_requested = Signal(object)
    discarded = Signal(int)
    _found = Signal(object)  # list[RemoteJob], from the reader thread

    def __init__(
        self, journal: Callable[[], JobJournal] = JobJournal, parent: QWidget | None = None
    ) -> None:
        super().__init__("unfinished_jobs", parent)
        self._journal = journal
        self.jobs: list[RemoteJob] = []
        self.resume_button = self.add_button(self.tr("&Resume"), "resume_jobs")
        self.discard_button = self.add_button(self.tr("&Discard"), "discard_jobs")
        self.resume_button.clicked.connect(self.resume)
        self.discard_button.clicked.connect(self.discard)
        self._found.connect(self._show_jobs)

    def check(self) -> concurrent.futures.Future[None]:
        """Look for unfinished jobs in the background; the offer appears if there are any."""
        journal, found = self._journal, self._found

        def work() -> None:
            try:
                jobs = journal().pending()
            except Exception:  # a damaged journal must not stop the window from starting
                log.exception("cannot read the job journal")
                return
            try:
                found.emit(jobs)
            except RuntimeError:
                log.debug("the window closed before the journal was read")

        return _reader.submit(work)

    def _show_jobs(self, jobs: list[RemoteJob]) -> None:
        self.jobs = list(jobs)
        if not self.jobs:
            self.clear()
            return
        named = [f"{job_label(j)} ({engine_name(j.engine)})" for j in self.jobs[:NAMED_AT_MOST]]
        if len(self.jobs) > NAMED_AT_MOST:
            named.append(self.tr("and %d more") % (len(self.jobs) - NAMED_AT_MOST))
        headline = self.tr("%d unfinished cloud jobs from the last session") % len(self.jobs)
        if len(self.jobs) == 1:
            headline = self.tr("1 unfinished cloud job from the last session")
        self.show_text(f"{headline}: {', '.join(named)}")

    def resume(self) -> None:
        jobs, self.jobs = self.jobs, []
        self.clear()
        if jobs:
            self.resume_requested.emit(jobs)

    def discard(self) -> concurrent.futures.Future[None]:
        jobs, self.jobs = self.jobs, []
        self.clear()
        journal, discarded = self._journal, self.discarded

        def work() -> None:
            store = journal()
            for job in jobs:
                store.finish(job.engine, job.remote_id)
            try:
                discarded.emit(len(jobs))
            except RuntimeError:
                log.debug("the window closed while jobs were discarded")

        return _reader.submit(work)
