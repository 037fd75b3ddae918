"""Where Sori keeps its files: the platform's config and data folders (platformdirs).

``SORI_CONFIG_DIR`` and ``SORI_DATA_DIR`` override them, which tests and portable setups use.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from desktop_app import APP_ID


def config_dir() -> Path:
    """Folder for the settings file (created on demand)."""
    override = os.environ.get("SORI_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_ID, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Folder for recordings, history and pending remote jobs (created on demand)."""
    override = os.environ.get("SORI_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_ID, False))
    path.mkdir(parents=True, exist_ok=True)
    return path
