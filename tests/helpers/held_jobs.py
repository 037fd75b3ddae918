"""A job runner that accepts and numbers jobs without running them, for tests and benchmarks of
the window's queue (the engines are not what they look at)."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.options import TranscriptionOptions
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.ui.bridge import JobRunner


class HeldJobs(JobRunner):
    """Keeps the paths of the jobs started, in order; none of them ever runs."""

    def __init__(self) -> None:
        super().__init__()
        self.started: list[Path | None] = []

    def start(
        self,
        provider_name: str,
        source: MediaSource,
        options: TranscriptionOptions,
        config: ProviderConfig | None = None,
    ) -> int:
        self.started.append(source.path)
        return len(self.started)
