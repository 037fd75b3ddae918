"""``--glossary FILE`` and ``--glossary-fix`` for ``sori transcribe``, ``live`` and ``compare``.

The glossary files are read and merged before any work; :func:`with_glossary` compiles them into
the chosen engine's options (words given with ``--keyword``/``--biasing`` stay and win) and
prints, once, what the engine cannot take. :func:`fixed_by_glossary` applies the heard-as →
word replacements to a finished transcript when ``--glossary-fix`` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.glossary import Glossary, fix_transcript, load_glossaries
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Notice, Transcript
from desktop_app.providers.base import Provider
from desktop_app.providers.glossary_base import apply_glossary


def add_glossary_arguments(parser: Any) -> None:
    parser.add_argument(
        "--glossary",
        action="append",
        default=[],
        metavar="FILE",
        help="terms for every engine: WORD[:WEIGHT] [= HEARD_AS, ...] per line (repeatable)",
    )
    parser.add_argument(
        "--glossary-fix",
        action="store_true",
        help="after transcription, replace each HEARD_AS of the glossary with its WORD",
    )


def glossary_of(args: argparse.Namespace) -> Glossary:
    """The merged glossary files (empty without ``--glossary``); cached on ``args``."""
    cached = getattr(args, "_glossary", None)
    if isinstance(cached, Glossary):
        return cached
    paths = [Path(p).expanduser() for p in getattr(args, "glossary", None) or []]
    if getattr(args, "glossary_fix", False) and not paths:
        raise ConfigurationError(
            "--glossary-fix needs a glossary",
            fix="Add --glossary FILE.",
            message_ko="--glossary-fix에는 용어집이 필요합니다",
            fix_ko="--glossary 파일을 함께 지정하세요.",
        )
    glossary = load_glossaries(paths)
    args._glossary = glossary
    return glossary


def say(notice: Notice) -> None:
    print(f"sori: {notice.message}", file=sys.stderr)


def with_glossary(
    args: argparse.Namespace, provider: type[Provider], options: TranscriptionOptions
) -> TranscriptionOptions:
    """``options`` with the glossary compiled in for ``provider``; notices go to stderr."""
    compiled, notices = apply_glossary(provider, glossary_of(args), options)
    for notice in notices:
        say(notice)
    return compiled


def fixed_by_glossary(args: argparse.Namespace, transcript: Transcript) -> Transcript:
    """``transcript`` with the glossary's replacements made when ``--glossary-fix`` is given."""
    if not getattr(args, "glossary_fix", False):
        return transcript
    fixed, fixes = fix_transcript(transcript, glossary_of(args))
    if fixes:
        fixed.add_notice(
            Notice(
                "glossary-fixed",
                f"{len(fixes)} glossary replacements were made.",
                f"용어집에 따라 {len(fixes)}곳을 고쳤습니다.",
            )
        )
    return fixed
