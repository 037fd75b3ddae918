"""The ``sori`` command: no arguments (or only files) opens the window, subcommands script the
same engine layer.

Exit codes: 0 success, 1 a job failed, 2 bad usage or options, 3 credentials, 4 bad audio,
5 network/server, 6 a local component missing (including a display for the window), 7 an
output cannot be written, 130 interrupted.

Anything that is neither a command nor an existing file or URL is a usage error (with the
closest command or option suggested), never a reason to open the window; without a display the
window is not tried at all (Qt would abort with a list of platform plugins).
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from desktop_app import __version__

SUBCOMMANDS = ("transcribe", "live", "compare", "providers", "credentials", "models")
USAGE_ERROR = 2
NO_DISPLAY = 6


def _closest(word: str, candidates: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def _options(parser: argparse.ArgumentParser) -> Iterator[str]:
    """Every option string of ``parser`` and of its subcommands."""
    for action in parser._actions:
        yield from action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _options(sub)


class SoriParser(argparse.ArgumentParser):
    """An argument parser whose errors suggest the option or value that was probably meant."""

    def error(self, message: str) -> NoReturn:
        hint = ""
        if message.startswith("unrecognized arguments:"):
            known = sorted(set(_options(self)))
            for token in message.split(":", 1)[1].split():
                guess = _closest(token.split("=", 1)[0], known) if token.startswith("-") else None
                if guess:
                    hint = f"; did you mean '{guess}'?"
                    break
        elif match := re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message):
            guess = _closest(match.group(1), re.findall(r"'([^']*)'", match.group(2)))
            hint = f"; did you mean '{guess}'?" if guess else ""
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}{hint}\n")


def _not_openable(items: Sequence[str]) -> str | None:
    """Why ``sori ITEMS...`` cannot mean "open the window with these files" (or None)."""
    for index, item in enumerate(items):
        if "://" in item or Path(item).exists():
            continue
        if index == 0 and not item.startswith("-"):
            guess = _closest(item, SUBCOMMANDS)
            if guess:
                return f"'{item}' is not a command; did you mean '{guess}'?"
            commands = ", ".join(SUBCOMMANDS)
            return f"'{item}' is neither a command ({commands}) nor an existing file"
        return f"'{item}' is not an existing file or folder"
    return None


def _quiet_library_logs() -> None:
    """The commands report every failure themselves, in one line; library warnings would
    repeat them (Python prints unhandled warnings on stderr). ``SORI_LOG=debug`` (or info,
    warning) shows the logs for bug reports."""
    level = os.environ.get("SORI_LOG", "").upper()
    logger = logging.getLogger("desktop_app")
    if level in ("DEBUG", "INFO", "WARNING", "ERROR"):
        logging.basicConfig(level=level, format="%(name)s: %(levelname)s: %(message)s")
        logger.setLevel(level)
    elif not logger.handlers:
        logger.addHandler(logging.NullHandler())


def display_available() -> bool:
    """Whether a window can be shown: always on Windows and macOS; elsewhere an X11 or
    Wayland display, or a Qt platform chosen explicitly (``QT_QPA_PLATFORM=offscreen``)."""
    if sys.platform.startswith(("win", "darwin")):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def build_parser() -> argparse.ArgumentParser:
    # Here, not at the top: opening the window needs none of the subcommands' modules.
    from desktop_app.cli import commands, compare, credentials, live, models

    parser = SoriParser(
        prog="sori",
        description="Sori: transcribe Korean speech offline or with Korean cloud engines. "
        "Run without arguments to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"sori {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="'sori COMMAND --help' describes each"
    )
    commands.add_transcribe_parser(sub)
    live.add_parser(sub)
    compare.add_parser(sub)
    commands.add_providers_parser(sub)
    credentials.add_parser(sub)
    models.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in SUBCOMMANDS and not args_list[0].startswith("-")):
        # `sori` or `sori FILE...`: the window, with any files queued.
        problem = _not_openable(args_list)
        if problem is not None:
            print(f"sori: {problem} (see 'sori --help')", file=sys.stderr)
            return USAGE_ERROR
        if not display_available():
            print(
                "sori: no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the window "
                "cannot open; use the command line instead, e.g. 'sori transcribe FILE' "
                "(see 'sori --help')",
                file=sys.stderr,
            )
            return NO_DISPLAY
        from desktop_app.ui.app import run_app

        return run_app(args_list)
    _quiet_library_logs()
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result: int = handler(args)
    return result
