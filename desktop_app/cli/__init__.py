"""The ``sori`` command: no arguments (or only files) opens the window, subcommands script the
same engine layer.

Exit codes: 0 success, 1 a job failed, 2 bad usage or options, 3 credentials, 4 bad audio,
5 network/server, 6 a local component missing, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from desktop_app import __version__

SUBCOMMANDS = ("transcribe", "live", "providers", "credentials", "models")


def build_parser() -> argparse.ArgumentParser:
    # Here, not at the top: opening the window needs none of the subcommands' modules.
    from desktop_app.cli import commands, credentials, live, models

    parser = argparse.ArgumentParser(
        prog="sori",
        description="Sori: transcribe Korean speech offline or with Korean cloud engines. "
        "Run without arguments to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"sori {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_transcribe_parser(sub)
    live.add_parser(sub)
    commands.add_providers_parser(sub)
    credentials.add_parser(sub)
    models.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in SUBCOMMANDS and not args_list[0].startswith("-")):
        # `sori` or `sori FILE...`: the window, with any files queued.
        from desktop_app.ui.app import run_app

        return run_app(args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result: int = handler(args)
    return result
