"""Screenshots of the main window in its main states, in one interface language and theme.

``scripts/screenshots`` runs this once per language under Xvfb, with private configuration and
data folders, so a real window with real fonts is drawn and nothing of the user's is touched::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m tests.ui.app_screenshots \
        --language ko --theme dark --out docs/screenshots

It writes ``main-empty-<lang>.png`` (a fresh window), ``main-transcript-<lang>.png`` (a
meeting with three speakers reopened from the history), ``settings-<lang>.png`` and
``settings-engine-<lang>.png`` (the Settings dialog), ``main-live-<lang>.png`` (recording, with
a Korean clip standing in for the microphone, taken while provisional text shows) and
``main-queue-<lang>.png`` (several files, a long one being transcribed by the offline engine)
and ``export-<lang>.png`` (the export dialog with a subtitle preset). With ``--theme dark``
every name ends in ``-dark`` (``main-empty-ko-dark.png``).

Every wait runs the Qt event loop, so the window keeps drawing and the engine's signals arrive
as they would for a user.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

import keyring
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.core.history import HistoryStore
from desktop_app.core.settings import Settings
from desktop_app.providers.base import StreamEvent
from desktop_app.ui.app import create_application
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.i18n import install_translator
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.theme import apply_theme
from tests.helpers.keyrings import MemoryKeyring
from tests.ui.samples import meeting

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "tests" / "data" / "ko_short.wav"
SPEECH_KO = REPO.parent / "shared" / "speech-ko"
WINDOW_SIZE = (1200, 760)
SAMPLE_RATE = 16000


class ScreenshotError(RuntimeError):
    """A state did not come about in time (the engine is missing or far too slow)."""


def wait(app: QApplication, milliseconds: int) -> None:
    """Let the event loop run for a while (the GUI keeps drawing and receiving signals)."""
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def wait_until(app: QApplication, condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise ScreenshotError(f"gave up waiting for {what} after {timeout:.0f} s")
        wait(app, 100)


SUFFIX = {"suffix": ""}  # "-dark" for the dark theme


def shoot(app: QApplication, widget: QWidget, path: Path) -> None:
    path = path.with_name(f"{path.stem}{SUFFIX['suffix']}{path.suffix}")
    wait(app, 300)
    if not widget.grab().save(str(path)):
        raise ScreenshotError(f"could not write {path}")
    print(path, flush=True)


# ---------------------------------------------------------------------- media
def read_pcm(path: Path) -> bytes:
    """16 kHz mono 16-bit samples of a WAV file or a headerless ``.pcm`` clip."""
    if path.suffix == ".pcm":
        return path.read_bytes()
    with wave.open(str(path), "rb") as source:
        assert source.getframerate() == SAMPLE_RATE and source.getnchannels() == 1
        return source.readframes(source.getnframes())


def write_wav(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(SAMPLE_RATE)
        target.writeframes(pcm)
    return path


def speech(seconds: float) -> bytes:
    """About ``seconds`` of Korean speech: the shared conversation clips when this machine has
    them, else the espeak-ng sentence, repeated with short pauses."""
    clips = sorted(SPEECH_KO.glob("kspon_*.pcm")) if SPEECH_KO.is_dir() else []
    pieces = [read_pcm(p) for p in clips] or [read_pcm(CLIP)]
    pause = bytes(int(SAMPLE_RATE * 0.4) * 2)
    wanted = int(seconds * SAMPLE_RATE) * 2
    out = bytearray()
    index = 0
    while len(out) < wanted:
        out += pieces[index % len(pieces)] + pause
        index += 1
    return bytes(out[:wanted])


# ---------------------------------------------------------------------- window
def new_window(app: QApplication, data: Path) -> MainWindow:
    data.mkdir(parents=True, exist_ok=True)
    window = MainWindow(
        settings=Settings(data / "settings.json"),
        history=HistoryStore(data / "history.sqlite3"),
        resume_jobs=False,
    )
    window.resize(*WINDOW_SIZE)
    window.move(40, 20)
    window.show()
    window.activateWindow()
    # The device scan and the credential look-up report back from worker threads.
    wait(app, 800)
    return window


def close(app: QApplication, window: MainWindow) -> None:
    window.live.shutdown()
    window.runner.shutdown()
    window.hide()
    window.deleteLater()
    wait(app, 100)


def empty_state(app: QApplication, folder: Path, out: Path, lang: str) -> None:
    window = new_window(app, folder / "empty")
    shoot(app, window, out / f"main-empty-{lang}.png")
    close(app, window)


def transcript_state(app: QApplication, folder: Path, out: Path, lang: str) -> None:
    data = folder / "transcript"
    data.mkdir()
    audio = write_wav(data / "weekly-meeting.wav", speech(31.0))
    sample = meeting()
    sample.source = audio.name
    history = HistoryStore(data / "history.sqlite3")
    history.save(
        sample,
        title="주간 회의 5월 13일" if lang == "ko" else "Weekly meeting, 13 May",
        media=audio,
    )
    entry_id = history.save(
        sample, title="주간 회의 5월 20일" if lang == "ko" else "Weekly meeting", media=audio
    )
    window = new_window(app, data)
    window.open_history(entry_id)
    window.transcript_view.select_row(2)
    window.player.seek(10.4)
    shoot(app, window, out / f"main-transcript-{lang}.png")
    close(app, window)


def export_state(app: QApplication, folder: Path, out: Path, lang: str) -> None:
    data = folder / "export"
    data.mkdir()
    sample = meeting()
    sample.source = "weekly-meeting.wav"
    dialog = ExportDialog(sample, folder=data, language=lang)
    dialog.set_formats(("srt", "docx"))
    dialog.show()
    wait(app, 600)
    shoot(app, dialog, out / f"export-{lang}.png")
    dialog.hide()
    dialog.deleteLater()


def keys_read(dialog: SettingsDialog) -> bool:
    return dialog.snapshot is not None


def settings_state(app: QApplication, folder: Path, out: Path, lang: str) -> None:
    window = new_window(app, folder / "settings")
    for page, name in ((None, "settings"), ("clova-speech", "settings-engine")):
        window.open_settings(page)
        dialog = window.findChildren(SettingsDialog)[-1]
        wait_until(app, dialog.isVisible, 10, "the settings dialog")
        wait_until(app, functools.partial(keys_read, dialog), 10, "the keyring's answer")
        shoot(app, dialog, out / f"{name}-{lang}.png")
        dialog.reject()
        dialog.deleteLater()
    close(app, window)


def live_state(app: QApplication, folder: Path, out: Path, lang: str) -> None:
    data = folder / "live"
    data.mkdir()
    microphone = write_wav(data / "microphone.wav", speech(40.0))
    window = new_window(app, data)
    # The clip stands in for the microphone; everything else is the Record button's path.
    window.live.start = functools.partial(window.live.start, input_file=microphone)  # type: ignore[method-assign]
    finals: list[StreamEvent] = []
    partial: list[StreamEvent] = []

    def seen(event: StreamEvent) -> None:
        (finals if event.final else partial).append(event)

    window.live.result.connect(seen)
    window.start_recording(None)

    def ready() -> bool:
        return (
            len(finals) >= 3
            and bool(partial)
            and partial[-1].key > finals[-1].key
            and len(partial[-1].segment.text.strip()) >= 6
        )

    wait_until(app, ready, 120, "provisional live text")
    shoot(app, window, out / f"main-live-{lang}.png")
    close(app, window)


def queue_state(app: QApplication, folder: Path, out: Path, lang: str) -> None:
    data = folder / "queue"
    media = data / "media"
    media.mkdir(parents=True)
    names = (
        ("팀 회의 0513.wav", 12.0),
        ("고객 인터뷰 - 김지수.wav", 240.0),
        ("강의 3주차.wav", 95.0),
        ("podcast-ep12.wav", 61.0),
    )
    files = [write_wav(media / name, speech(seconds)) for name, seconds in names]
    broken = media / "voice-memo.m4a"
    broken.write_bytes(b"not audio, a truncated download" * 64)
    window = new_window(app, data)
    window.add_paths([files[0], broken, files[1], files[2], files[3]])
    long_job = window.queue.entries[2]

    def transcribing() -> bool:
        return long_job.state == "processing" and (long_job.fraction or 0.0) >= 0.3

    wait_until(app, transcribing, 240, "the long file to be a third done")
    window.queue.select(window.queue.entries[0])
    shoot(app, window, out / f"main-queue-{lang}.png")
    close(app, window)


STATES = {
    "empty": empty_state,
    "transcript": transcript_state,
    "export": export_state,
    "settings": settings_state,
    "live": live_state,
    "queue": queue_state,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--language", choices=("en", "ko"), default="en")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("states", nargs="*", metavar="STATE", help=", ".join(STATES))
    args = parser.parse_args()
    unknown = set(args.states) - set(STATES)
    if unknown:
        parser.error(f"unknown state(s): {', '.join(sorted(unknown))}")
    app = create_application()
    install_translator(app, args.language)
    apply_theme(app, args.theme)
    SUFFIX["suffix"] = "-dark" if args.theme == "dark" else ""
    # Keys live in memory: the screenshots must not depend on (or touch) a keyring service.
    keyring.set_keyring(MemoryKeyring())
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sori-shots-") as folder:
        for state in args.states or STATES:
            STATES[state](app, Path(folder), args.out, args.language)
    return 0


if __name__ == "__main__":
    sys.exit(main())
