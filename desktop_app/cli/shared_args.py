"""Command-line arguments that more than one ``sori`` command takes, defined once."""

from __future__ import annotations

import argparse

from desktop_app.export import FORMATS


def add_word_arguments(
    p: argparse.ArgumentParser,
    *,
    keyword_help: str,
    forbidden_help: str = "word never to output (repeatable)",
) -> None:
    """``--keyword`` (words to boost) and ``--forbidden`` (words never to output)."""
    p.add_argument(
        "--keyword", action="append", default=[], metavar="WORD[:WEIGHT]", help=keyword_help
    )
    p.add_argument(
        "--forbidden",
        action="append",
        default=[],
        metavar="WORD",
        help=forbidden_help,
    )


def add_engine_option_argument(p: argparse.ArgumentParser) -> None:
    """``--option KEY=VALUE``, read by :func:`desktop_app.cli.commands.parse_extra`."""
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="engine-specific option (see 'sori providers --verbose')",
    )


def add_format_argument(p: argparse.ArgumentParser, *, help: str) -> None:
    """``--format FMT`` (repeatable), collected in ``args.formats``."""
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=list(FORMATS),
        metavar="FMT",
        help=help,
    )
