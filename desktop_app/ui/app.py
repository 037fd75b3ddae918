"""Start the window: the QApplication, organisation names for QSettings, files from argv.

For measurements, ``SORI_REPORT_SHOWN=<file>`` makes the app write ``time.monotonic()`` (a
system-wide clock, so another process can compare it with its own) to that file as JSON once the
main window has painted for the first time; ``bench/bench_gui_launch.py`` uses it to time the
launch. :func:`keep_gui_responsive` holds the process-wide settings that keep the window's event
loop free while engines work (``bench/bench_gui_stall.py`` measures it). :class:`WheelGuard`,
installed on the application, keeps the mouse wheel from changing combo boxes and spin boxes the
user only scrolls past.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

from desktop_app import APP_ID, APP_NAME, __version__
from desktop_app.providers.threads import set_worker_niceness

log = logging.getLogger(__name__)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with names set (reused when one exists, as in tests)."""
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setOrganizationDomain("sori.app")
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0], *(argv or [])])
        app.setDesktopFileName(APP_ID)
        app.setWindowIcon(app_icon())
    if app.findChild(WheelGuard) is None:
        app.installEventFilter(WheelGuard(app))
    return app


class WheelGuard(QObject):
    """Application-wide event filter (GUI thread): the wheel changes a combo box or spin box
    only while it has the keyboard focus; otherwise the wheel scrolls what is around it.

    Such fields also stop taking the focus from the wheel (Qt would give it before any filter
    sees the event, and the guard would then let the value change).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QComboBox | QAbstractSpinBox):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        field = _value_field(watched)
        if field is None or field.hasFocus():
            return False
        area = _scroll_area(field)
        if area is not None:
            QCoreApplication.sendEvent(area.viewport(), event)
        return True


def _value_field(widget: QWidget) -> QWidget | None:
    """The combo box or spin box ``widget`` is (or is part of, like a spin box's text field)."""
    for candidate in (widget, widget.parentWidget()):
        if isinstance(candidate, QComboBox | QAbstractSpinBox):
            return candidate
    return None


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def app_icon() -> QIcon:
    """Sori's icon at every size shipped (Qt picks the best one for the screen's scale)."""
    folder = resources.files("desktop_app") / "resources" / "icons"
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        icon.addFile(str(folder / f"sori-{size}.png"))
    return icon


WORKER_NICENESS = 10


def keep_gui_responsive() -> None:
    """Call once the window exists, before jobs start.

    Engine worker threads (offline recognition, decoding) run at a lower CPU priority, so on a busy machine the
    scheduler runs the GUI thread first instead of leaving it waiting for a core. Everything
    made so far (modules, classes, widgets: it all lives as long as the app) is moved out of the
    garbage collector's sight, so a full collection no longer walks ~100 000 objects while it
    holds the GIL and every thread, the GUI thread included, stands still.
    """
    set_worker_niceness(WORKER_NICENESS)
    gc.freeze()


REPORT_SHOWN_ENV = "SORI_REPORT_SHOWN"
QUIT_AFTER_SHOWN_ENV = "SORI_QUIT_AFTER_SHOWN"  # "1": quit once shown (packaging smoke tests)


class _QuitWhenShown(QObject):
    """Quits the application after the window's first paint (GUI thread; smoke tests only)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            # exit(), not quit(): quit() closes the window, which asks first while a job runs.
            QTimer.singleShot(0, lambda: QCoreApplication.exit(0))
        return False


class _ShownReporter(QObject):
    """Writes the time of the window's first paint to a file (GUI thread; benchmarks only)."""

    def __init__(self, window: QWidget, path: Path) -> None:
        super().__init__(window)
        self._window = window
        self._path = path
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            # Zero delay: runs after this paint pass, children included, has finished.
            QTimer.singleShot(0, self._write)
        return False

    def _write(self) -> None:
        shown = {"monotonic": time.monotonic(), "pid": os.getpid()}
        self._path.write_text(json.dumps(shown), encoding="utf-8")


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
    from desktop_app.core.settings import Settings
    from desktop_app.ui.theme import apply_theme

    apply_theme(app, Settings().general.theme)
    threading.Thread(target=_recover_recordings, name="sori-recover", daemon=True).start()
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow()
    if os.environ.get(QUIT_AFTER_SHOWN_ENV) == "1":
        # Before the reporter: Qt calls the newest filter first, so its write is queued first.
        _QuitWhenShown(window)
    report_to = os.environ.get(REPORT_SHOWN_ENV)
    if report_to:
        _ShownReporter(window, Path(report_to))
    window.show()
    keep_gui_responsive()
    paths = [Path(f) for f in files]
    if paths:
        QTimer.singleShot(0, lambda: window.add_paths(paths))
    return app.exec()
