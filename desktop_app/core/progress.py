"""Progress reports that long work sends to whoever watches it (the window, the CLI bar)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Stage = Literal["decoding", "uploading", "queued", "processing", "downloading", "done"]


@dataclass(frozen=True, slots=True)
class Progress:
    """``fraction`` is 0..1 of the current stage, or None when unknown."""

    stage: Stage
    fraction: float | None = None
    detail: str = ""


ProgressCallback = Callable[[Progress], None]


def ignore_progress(_: Progress) -> None:
    """A progress callback that drops every report."""
