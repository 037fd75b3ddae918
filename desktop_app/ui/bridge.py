"""The bridge between the GUI thread and the engine loop.

:class:`JobRunner` starts transcription jobs as coroutines on the background
:class:`~desktop_app.core.loop.EngineLoop` and reports back through Qt signals, which Qt
delivers queued on the GUI thread, so no widget is ever touched from another thread and the
GUI thread never waits for engine work.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.core.errors import CancelledByUserError, SoriError
from desktop_app.core.journal import SHUTDOWN, JobJournal, RemoteJob
from desktop_app.core.loop import EngineLoop
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.secrets import redact
from desktop_app.core.settings import Settings
from desktop_app.core.transcript import Transcript
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.factory import provider_config
from desktop_app.providers.finish import finish_transcript_async, transcribe_and_finish

log = logging.getLogger(__name__)


class JobRunner(QObject):
    """Lives on the GUI thread; its jobs run on the engine loop thread.

    Signals (all delivered on the GUI thread):
      progress(job_id, stage, fraction)   fraction is -1.0 when unknown
      segments_decoded(job_id, segments)  finished segments reported before the end (a list)
      finished(job_id, transcript)        call :meth:`release_remote` once it is saved
      failed(job_id, message, details)    message is for people, details for bug reports
      cancelled(job_id)
    """

    progress = Signal(int, str, float)
    segments_decoded = Signal(int, object)
    finished = Signal(int, object)
    failed = Signal(int, str, str)
    cancelled = Signal(int)

    def __init__(self, language: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.settings: Settings | None = None  # None: the settings file (read per job)
        self._loop: EngineLoop | None = None
        self._ids = itertools.count(1)
        self._futures: dict[int, concurrent.futures.Future[Transcript]] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._tasks: dict[int, asyncio.Task[Transcript]] = {}
        self._journals: dict[int, JobJournal] = {}

    @staticmethod
    def parallel_jobs(provider_name: str) -> int:
        """How many jobs of one engine run at once: the offline engine already uses every
        core for one file; cloud engines wait on the network and take a few."""
        caps = registry.provider_class(provider_name).capabilities
        return 1 if caps.offline else 3

    def _slot(self, provider_name: str) -> asyncio.Semaphore:
        # Created on the engine loop thread, where it is used. Offline engines share one slot:
        # each uses every core, so two of them (compared on one file) take turns.
        offline = registry.provider_class(provider_name).capabilities.offline
        key = "offline" if offline else provider_name
        slot = self._slots.get(key)
        if slot is None:
            slot = asyncio.Semaphore(self.parallel_jobs(provider_name))
            self._slots[key] = slot
        return slot

    @property
    def engine_loop(self) -> EngineLoop:
        """The background loop jobs run on (started on first use); shared with dialogs."""
        return self._engine_loop()

    def _engine_loop(self) -> EngineLoop:
        if self._loop is None:
            self._loop = EngineLoop()
        return self._loop

    def start(
        self,
        provider_name: str,
        source: MediaSource,
        options: TranscriptionOptions,
        config: ProviderConfig | None = None,
    ) -> int:
        """Queue a job and return its id; the outcome arrives through the signals."""
        job_id = next(self._ids)
        coro = self._run(job_id, provider_name, source, options, config)
        future = self._engine_loop().submit(coro)
        self._futures[job_id] = future
        return job_id

    def resume(self, job: RemoteJob, config: ProviderConfig | None = None) -> int:
        """Collect a remote job accepted in an earlier session (polling, no new upload)."""
        job_id = next(self._ids)
        coro = self._run(job_id, job.engine, None, None, config, remote=job)
        self._futures[job_id] = self._engine_loop().submit(coro)
        return job_id

    async def _run(
        self,
        job_id: int,
        provider_name: str,
        source: MediaSource | None,
        options: TranscriptionOptions | None,
        config: ProviderConfig | None,
        *,
        remote: RemoteJob | None = None,
    ) -> Transcript:
        def report(p: Progress) -> None:
            fraction = -1.0 if p.fraction is None else float(p.fraction)
            self.progress.emit(job_id, p.stage, fraction)
            if p.segments:
                self.segments_decoded.emit(job_id, list(p.segments))

        task = asyncio.current_task()
        if task is not None:
            self._tasks[job_id] = task
        try:
            provider = registry.provider_class(provider_name)(
                config
                or provider_config(
                    provider_name,
                    endpoint=remote.endpoint if remote is not None else None,
                    settings=self.settings,
                )
            )
            try:
                if remote is not None:
                    transcript = await provider.resume(remote, report)
                    local = Path(remote.source) if "://" not in remote.source else None
                    transcript = await finish_transcript_async(transcript, local)
                else:
                    assert source is not None and options is not None
                    provider.check_options(options, source)
                    report(Progress("queued", None))
                    async with self._slot(provider_name):
                        transcript = await transcribe_and_finish(provider, source, options, report)
            finally:
                await provider.aclose()
            if provider.config.journal is not None:
                self._journals[job_id] = provider.config.journal
        except (asyncio.CancelledError, CancelledByUserError):
            self.cancelled.emit(job_id)
            raise
        except SoriError as exc:
            self.failed.emit(
                job_id,
                redact(exc.describe(self.language)),
                redact(f"{type(exc).__name__}: {exc}"),
            )
            raise
        except Exception as exc:  # an engine bug must not take the window down
            log.exception("job %s failed unexpectedly", job_id)
            self.failed.emit(
                job_id,
                "Unexpected error; please report it with the details."
                if not self.language.startswith("ko")
                else "예기치 않은 오류입니다. 자세한 내용을 첨부해 알려 주세요.",
                redact(f"{type(exc).__name__}: {exc}"),
            )
            raise
        finally:
            self._futures.pop(job_id, None)
            self._tasks.pop(job_id, None)
        self.finished.emit(job_id, transcript)
        return transcript

    def release_remote(self, job_id: int | None) -> None:
        """The finished job's transcript is saved (history): take its remote job off the
        journal. Until then a crash leaves it there to be collected again. Any thread."""
        journal = None if job_id is None else self._journals.pop(job_id, None)
        if journal is not None:
            journal.release_collected()

    def cancel(self, job_id: int) -> None:
        future = self._futures.get(job_id)
        if future is not None:
            future.cancel()

    def running_jobs(self) -> list[int]:
        return list(self._futures)

    def shutdown(self, timeout: float = 3.0) -> None:
        """Stop every job because the app is closing (called when the window closes).

        Jobs are cancelled with :data:`~desktop_app.core.journal.SHUTDOWN`, so cloud jobs the
        services already accepted stay in the journal and are collected on the next start.
        """
        if self._loop is None:
            return
        loop = self._loop
        for task in list(self._tasks.values()):
            loop.call_soon(task.cancel, SHUTDOWN)
        futures = list(self._futures.values())
        if futures:
            concurrent.futures.wait(futures, timeout=timeout)
        loop.stop()
        self._loop = None
