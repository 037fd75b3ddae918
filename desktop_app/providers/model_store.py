"""The downloadable models of the offline default engine, for front ends that manage them
(``sori models``): what is installed, what can be fetched, downloading and removing.

Front ends import this module rather than the engine's package, so they stay free of engine
knowledge; today the offline default with a model catalogue is Whisper
(:mod:`desktop_app.providers.whisper.models`, :mod:`~desktop_app.providers.whisper.download`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_app.providers.whisper.bundled import MODEL_FOLDER_NAME, default_cache_dir
from desktop_app.providers.whisper.models import (
    BUNDLED_NAME,
    CATALOG,
    folder_size,
    install_dir,
    installed_models,
    unknown_model_error,
)

__all__ = [
    "BUNDLED_NAME",
    "CATALOG",
    "bundled_folder",
    "download_model",
    "folder_size",
    "install_dir",
    "installed_models",
    "partial_bytes",
    "remove_model",
    "unknown_model_error",
]


def download_model(*args: Any, **kwargs: Any) -> Any:
    """:func:`desktop_app.providers.whisper.download.download_model` (the hub client loads only
    when a download starts, not with ``sori --help``)."""
    from desktop_app.providers.whisper import download

    return download.download_model(*args, **kwargs)


def partial_bytes(*args: Any, **kwargs: Any) -> Any:
    """:func:`desktop_app.providers.whisper.download.partial_bytes`."""
    from desktop_app.providers.whisper import download

    return download.partial_bytes(*args, **kwargs)


def remove_model(*args: Any, **kwargs: Any) -> Any:
    """:func:`desktop_app.providers.whisper.download.remove_model`."""
    from desktop_app.providers.whisper import download

    return download.remove_model(*args, **kwargs)


def bundled_folder() -> Path:
    """Where the built-in model is unpacked on first use."""
    return default_cache_dir() / MODEL_FOLDER_NAME
