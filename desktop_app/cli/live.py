"""``sori live``: record (or play a file) and print the text as it is spoken.

Final lines are printed to stdout as they arrive; while a terminal is attached, the provisional
text of the current utterance is drawn on one updating line below them. The recording is saved
(its path is printed on stderr at the end). Ctrl-C stops the audio, waits for the last results
and writes the outputs; a second Ctrl-C abandons the wait.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

import wcwidth

from desktop_app.cli.commands import error, parse_extra, report_notices
from desktop_app.cli.glossary_flags import add_glossary_arguments, fixed_by_glossary, with_glossary
from desktop_app.cli.output import plan_outputs, write_outputs
from desktop_app.cli.shared_args import (
    add_engine_option_argument,
    add_format_argument,
    add_word_arguments,
)
from desktop_app.core.errors import EngineUnavailableError, SoriError, UnsupportedOptionError
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.providers import factory, registry
from desktop_app.providers.base import MediaSource, StreamEvent
from desktop_app.providers.factory import provider_config
from desktop_app.providers.finish import SILENT_RECORDING


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "live",
        help="transcribe from the microphone (or a file played live)",
        description="Record and print text as it is spoken. Ctrl-C stops and saves.",
    )
    p.add_argument(
        "--provider",
        metavar="NAME",
        help="speech engine with live input (default: the one chosen in Settings, else the offline default, "
        "offline); see 'sori providers'",
    )
    p.add_argument("--input-file", metavar="FILE", help="play this file instead of recording")
    p.add_argument("--fast", action="store_true", help="with --input-file: do not wait real time")
    p.add_argument("--device", metavar="ID", help="input device number or name (default: system)")
    p.add_argument("--list-devices", action="store_true", help="list input devices and exit")
    p.add_argument("--language", metavar="CODE", help="ko, en, ja, zh or the engine's own code")
    add_word_arguments(p, keyword_help="boost a word, optionally with a weight (repeatable)")
    add_engine_option_argument(p)
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="override the engine's address (grpc://127.0.0.1:PORT or http://… for tests)",
    )
    add_format_argument(p, help="txt, srt, vtt, json, md, csv, docx for -o (repeatable)")
    p.add_argument("-o", "--output", metavar="PATH", help="write the transcript here at the end")
    p.add_argument("--recording", metavar="FILE.wav", help="where to save the recording")
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print final lines only (no provisional line, no 'wrote FILE' lines)",
    )
    add_glossary_arguments(p)
    p.set_defaults(handler=run_live)


def list_devices() -> int:
    from desktop_app.audio.devices import list_input_devices

    try:
        devices = list_input_devices()
    except SoriError as exc:
        error(exc.describe())
        return exc.exit_code
    if not devices:
        error(
            "no input devices found (no microphone, or the sound system sees none); "
            "use --input-file FILE to transcribe a recording"
        )
        return EngineUnavailableError.exit_code
    for device in devices:
        mark = "*" if device.is_default else " "
        print(
            f"{mark} {device.id:>3}  {device.name}  "
            f"({device.channels} ch, {device.default_samplerate:g} Hz)"
        )
    return 0


def columns(text: str) -> int:
    """Terminal columns ``text`` takes: Hangul and other wide characters take two."""
    width = wcwidth.wcswidth(text)
    return width if width >= 0 else sum(max(wcwidth.wcwidth(c), 0) for c in text)


def fit_line(text: str, width: int) -> str:
    """``text`` if it fits in ``width`` columns, else "…" and as much of its end as fits."""
    if columns(text) <= width:
        return text
    kept: list[str] = []
    used = 1  # the ellipsis
    for char in reversed(text):
        size = max(wcwidth.wcwidth(char), 0)
        if used + size > width:
            break
        kept.append(char)
        used += size
    return "…" + "".join(reversed(kept))


class LiveScreen:
    """Prints finals as lines and redraws the provisional line (terminal only)."""

    def __init__(self, out: TextIO, *, show_partial: bool) -> None:
        self.out = out
        self.show_partial = show_partial and out.isatty()
        self.assembler = TranscriptAssembler()
        self._printed: set[int] = set()
        self._partial_drawn = False

    def _clear_partial(self) -> None:
        if self._partial_drawn:
            width = shutil.get_terminal_size((80, 20)).columns
            self.out.write("\r" + " " * (width - 1) + "\r")
            self._partial_drawn = False

    def update(self, event: StreamEvent) -> None:
        self.assembler.apply(event)
        self._clear_partial()
        if event.final and event.segment.text.strip() and event.key not in self._printed:
            self._printed.add(event.key)
            self.out.write(event.segment.text.strip() + "\n")
        partial = self.assembler.partial_text
        if self.show_partial and partial:
            width = shutil.get_terminal_size((80, 20)).columns
            self.out.write("\r" + fit_line(partial, width - 2))
            self._partial_drawn = True
        self.out.flush()

    def close(self) -> None:
        self._clear_partial()
        self.out.flush()

    def reconnecting(self, exc: SoriError, attempt: int) -> None:
        self.close()  # off the provisional line first
        error(f"connection lost ({exc.message}); reconnecting ({attempt})")


def run_live(args: argparse.Namespace) -> int:
    if args.list_devices:
        return list_devices()
    try:
        provider_cls = registry.provider_class(args.provider or factory.default_engine())
        if not provider_cls.capabilities.live:
            raise UnsupportedOptionError("live mode", provider_cls.name)
        options = TranscriptionOptions(
            language=args.language,
            keywords=[Keyword.parse(k) for k in args.keyword],
            forbidden=[w.strip() for w in args.forbidden if w.strip()],
            extra=parse_extra(args.option, provider_cls),
        )
        options = with_glossary(args, provider_cls, options)
        provider_cls.check_options(options)
        if provider_cls.capabilities.offline and args.endpoint:
            raise UnsupportedOptionError("--endpoint", provider_cls.name, detail="it runs offline")
        if args.fast and not args.input_file:
            raise UnsupportedOptionError("--fast", "the microphone", detail="use --input-file")
        plan = None
        if args.output or args.formats:
            label = Path(args.input_file or "live").name
            plan = plan_outputs([MediaSource(path=Path(label))], args.formats, args.output)
        config = provider_config(provider_cls.name, endpoint=args.endpoint)
        provider_cls(config).credentials()  # missing keys: one message, before recording
    except SoriError as exc:
        error(exc.describe())
        return exc.exit_code
    return asyncio.run(_live(args, provider_cls, options, plan))


async def _live(
    args: argparse.Namespace, provider_cls: Any, options: TranscriptionOptions, plan: Any
) -> int:
    from desktop_app.audio.microphone import MicrophoneSource
    from desktop_app.audio.recorder import Recorder, recover_recordings
    from desktop_app.audio.sources import AudioSource, FileSource
    from desktop_app.live.session import LiveSession

    for repaired in await asyncio.to_thread(recover_recordings):
        print(f"sori: repaired an interrupted recording: {repaired.path}", file=sys.stderr)
    source: AudioSource
    if args.input_file:
        source = FileSource(args.input_file, realtime=not args.fast)
    else:
        device: int | str | None = args.device
        if isinstance(device, str) and device.isdigit():
            device = int(device)
        source = MicrophoneSource(device)
    provider = provider_cls(provider_config(provider_cls.name, endpoint=args.endpoint))
    screen = LiveScreen(sys.stdout, show_partial=not args.quiet)
    session = LiveSession(
        provider,
        source,
        options,
        recorder=Recorder(args.recording) if args.recording else Recorder(),
        on_event=screen.update,
        on_reconnect=screen.reconnecting,
    )
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    interrupts = 0

    def on_interrupt() -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts == 1:
            session.stop()
        elif task is not None:
            task.cancel()

    with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows, or not main thread
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
    try:
        result = await session.run()
    except SoriError as exc:
        screen.close()
        error(exc.describe())
        return exc.exit_code
    except asyncio.CancelledError:
        screen.close()
        error("stopped without waiting for the last results")
        return 130
    finally:
        await provider.aclose()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
    screen.close()
    status = 0
    if result.error is not None:
        error(result.error.describe())
        status = result.error.exit_code
    if result.recording is not None:
        print(f"sori: recording saved: {result.recording}", file=sys.stderr)
    if result.error is None and not result.transcript.text.strip():
        result.transcript.add_notice(SILENT_RECORDING)
    report_notices(result.transcript, "live")
    if plan is not None:
        try:
            label = Path(args.input_file).name if args.input_file else str(result.recording)
            write_outputs(
                fixed_by_glossary(args, result.transcript),
                MediaSource(path=Path(label)),
                plan,
                quiet=args.quiet,
            )
        except SoriError as exc:
            error(exc.describe())
            status = status or exc.exit_code
    return status
