"""Progress reports that long work sends to whoever watches it (the window, the CLI bar)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from desktop_app.core.transcript import Segment

Stage = Literal["decoding", "uploading", "queued", "processing", "downloading", "done"]


@dataclass(frozen=True, slots=True)
class Progress:
    """``fraction`` is 0..1 of the current stage, or None when unknown.

    ``segments`` are segments the engine has finished since its previous report (times in the
    whole file's timeline), for engines that decode progressively (offline engines go segment by
    segment); watchers may show them as provisional text before the job ends. They are a
    preview only: the transcript the job returns is the result, so a report may be dropped.
    """

    stage: Stage
    fraction: float | None = None
    detail: str = ""
    segments: tuple[Segment, ...] = ()


ProgressCallback = Callable[[Progress], None]


def ignore_progress(_: Progress) -> None:
    """A progress callback that drops every report."""
