"""Start the window: the QApplication, organisation names for QSettings, files from argv."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app import APP_ID, APP_NAME, __version__

log = logging.getLogger(__name__)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with names set (reused when one exists, as in tests)."""
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setOrganizationDomain("sori.app")
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0], *(argv or [])])
    app.setDesktopFileName(APP_ID)
    return app


def _recover_recordings() -> None:
    """Repair recordings a crash left unfinished (off the GUI thread)."""
    from desktop_app.audio.recorder import recover_recordings

    try:
        for result in recover_recordings():
            log.info("repaired interrupted recording %s (%.1f s)", result.path, result.seconds)
    except Exception:
        log.exception("could not check for interrupted recordings")


def run_app(files: Sequence[str] = ()) -> int:
    """Show the main window with ``files`` queued; returns the exit code."""
    app = create_application()
    from desktop_app.ui.i18n import install_translator

    install_translator(app)
    threading.Thread(target=_recover_recordings, name="sori-recover", daemon=True).start()
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    paths = [Path(f) for f in files]
    if paths:
        QTimer.singleShot(0, lambda: window.add_paths(paths))
    return app.exec()
