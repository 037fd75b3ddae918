"""``sori compare``: one file through several engines, aligned into agreeing and differing spans.

Engine options apply to every chosen engine that offers them; an engine that does not is told
so on stderr and runs without (``--option NAME:KEY=VALUE`` aims an option at one engine). Cloud
engines run at the same time; offline engines one after another, since each uses every core.
An engine that fails is named in the comparison with the reason, and the others still count.

Output: ``--format json|html`` (default from ``-o``'s extension, else JSON) to stdout, to a
file (each engine's transcript also beside it as ``STEM.ENGINE.json`` when the file is HTML;
JSON holds them inside), or to a folder (``INPUT.compare.json|html`` and ``INPUT.ENGINE.json``).
Exit codes are those of ``sori transcribe``; a failed engine sets its code.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from desktop_app.cli.commands import (
    add_speech_options,
    build_config,
    build_options,
    error,
    report_notices,
)
from desktop_app.cli.glossary_flags import (
    add_glossary_arguments,
    fixed_by_glossary,
    glossary_of,
    with_glossary,
)
from desktop_app.core.compare import compare_results
from desktop_app.core.errors import (
    AudioFileNotFoundError,
    ConfigurationError,
    SoriError,
    UnsupportedOptionError,
)
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.transcript import Transcript
from desktop_app.export.atomic import write_atomically
from desktop_app.export.compare_html import render_comparison_json, render_html
from desktop_app.export.json_data import render_json
from desktop_app.export.options import ExportOptions
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, Provider, ProviderConfig
from desktop_app.providers.finish import transcribe_and_finish

FORMATS = ("json", "html")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="run one file through several engines and show where they differ",
        description="Transcribe one file with two or more engines and align the results.",
    )
    p.add_argument("input", metavar="FILE", help="an audio or video file")
    p.add_argument(
        "--provider",
        dest="providers",
        action="append",
        default=[],
        metavar="NAME",
        help="an engine to compare (give two or more)",
    )
    p.add_argument("--format", choices=FORMATS, help="json (default) or html")
    p.add_argument("-o", "--output", metavar="PATH", help="output file or folder")
    add_speech_options(p)
    p.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="override one engine's base URL (repeatable)",
    )
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="[NAME:]KEY=VALUE",
        help="engine option, for every engine that offers it or for engine NAME",
    )
    p.add_argument("--model", metavar="DIR", help="the offline engine's model folder")
    add_glossary_arguments(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.set_defaults(handler=run_compare)


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(f"sori: {text}", file=sys.stderr)


def _endpoints(items: list[str], names: list[str]) -> dict[str, str]:
    endpoints: dict[str, str] = {}
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or name.strip() not in names or not url.strip():
            raise ConfigurationError(
                f"'--endpoint {item}' is not NAME=URL for one of the chosen engines",
                fix="Write --endpoint ENGINE=URL, one per engine that needs it.",
                message_ko=f"'--endpoint {item}'이(가) 선택한 엔진의 이름=URL 형식이 아닙니다",
                fix_ko="--endpoint 엔진=URL 형식으로 쓰세요.",
            )
        endpoints[name.strip()] = url.strip()
    return endpoints


def _engine_args(
    args: argparse.Namespace, cls: type[Provider], endpoints: dict[str, str]
) -> argparse.Namespace:
    """``args`` as ``sori transcribe`` would get them for this one engine."""
    caps = cls.capabilities
    mine = argparse.Namespace(**vars(args))
    dropped = []
    for flag, attr, offered, empty in (
        ("--keyword", "keyword", caps.keywords, []),
        ("--biasing", "biasing", caps.biasing, []),
        ("--forbidden", "forbidden", caps.forbidden, []),
        ("--diarization", "diarization", caps.diarization, False),
        ("--model", "model", caps.offline, None),
        ("--poll-interval", "poll_interval", not caps.offline, None),
    ):
        if getattr(args, attr) and not offered:
            setattr(mine, attr, empty)
            dropped.append(flag)
    if not caps.diarization:
        mine.speakers = mine.min_speakers = mine.max_speakers = None
    known = {spec.name for spec in caps.extra_options}
    mine.option = []
    for item in args.option:
        target, colon, rest = item.partition(":")
        if colon and "=" not in target:
            if target == cls.name:
                mine.option.append(rest)
        elif item.partition("=")[0].strip() in known:
            mine.option.append(item)
    mine.endpoint = endpoints.get(cls.name)
    if dropped:
        _note(args, f"{cls.name}: runs without {', '.join(dropped)} (not offered)")
    return mine


def _check_options_used(args: argparse.Namespace, classes: list[type[Provider]]) -> None:
    for item in args.option:
        target, colon, _ = item.partition(":")
        if colon and "=" not in target:
            if target not in {cls.name for cls in classes}:
                raise ConfigurationError(
                    f"'--option {item}' names an engine that is not compared",
                    fix="Use one of the --provider names before the colon.",
                    message_ko=f"'--option {item}'의 엔진이 비교 대상이 아닙니다",
                )
            continue
        key = item.partition("=")[0].strip()
        if not any(key in {s.name for s in c.capabilities.extra_options} for c in classes):
            raise UnsupportedOptionError(f"option '{key}'", ", ".join(c.name for c in classes))


def _plan(args: argparse.Namespace, source: Path) -> tuple[str, Path | None, bool]:
    """(format, target, target is a folder)."""
    if args.output is None:
        return args.format or "json", None, False
    target = Path(args.output).expanduser()
    folder = target.is_dir() or args.output.endswith(("/", "\\"))
    fmt = args.format
    if fmt is None:
        fmt = "html" if not folder and target.suffix.lower() in (".html", ".htm") else "json"
    if folder:
        return fmt, target / f"{source.stem or 'audio'}.compare.{fmt}", True
    return fmt, target, False


def run_compare(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.providers))
    try:
        if len(names) < 2:
            raise ConfigurationError(
                "Comparing needs at least two engines",
                fix="Give --provider twice or more, each naming an engine from 'sori providers'.",
                message_ko="비교하려면 엔진이 둘 이상 필요합니다",
                fix_ko="--provider를 두 번 이상 쓰세요('sori providers'에 나오는 엔진 이름으로).",
            )
        classes = [registry.provider_class(name) for name in names]
        _check_options_used(args, classes)
        endpoints = _endpoints(args.endpoint, names)
        glossary_of(args)
        source = MediaSource(path=Path(args.input))
        if not Path(args.input).is_file():
            raise AudioFileNotFoundError(
                f"'{args.input}' is not a file", message_ko=f"'{args.input}'은(는) 파일이 아닙니다"
            )
        jobs: list[tuple[type[Provider], ProviderConfig, TranscriptionOptions]] = []
        for cls in classes:
            mine = _engine_args(args, cls, endpoints)
            options = with_glossary(mine, cls, build_options(mine, cls))
            cls.check_options(options, source)
            jobs.append((cls, build_config(mine, cls), options))
        fmt, target, folder = _plan(args, Path(args.input))
    except SoriError as exc:
        error(exc.describe())
        return exc.exit_code
    try:
        results = asyncio.run(_run_all(args, source, jobs))
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    return _finish(args, names, results, fmt, target, folder)


async def _run_all(
    args: argparse.Namespace,
    source: MediaSource,
    jobs: list[tuple[type[Provider], ProviderConfig, TranscriptionOptions]],
) -> dict[str, Transcript | SoriError]:
    offline = asyncio.Lock()

    async def one(
        cls: type[Provider], config: ProviderConfig, options: TranscriptionOptions
    ) -> Transcript | SoriError:
        async def work() -> Transcript:
            provider = cls(config)
            began = time.monotonic()
            try:
                transcript = await transcribe_and_finish(provider, source, options)
            finally:
                await provider.aclose()
            report_notices(transcript, f"{source.label} ({cls.name})")
            _note(args, f"{cls.name}: done in {time.monotonic() - began:.1f} s")
            return transcript

        try:
            if cls.capabilities.offline:
                async with offline:
                    return await work()
            return await work()
        except SoriError as exc:
            error(f"{cls.name}: {exc.describe()}")
            return exc

    results = await asyncio.gather(*(one(*job) for job in jobs))
    return {cls.name: result for (cls, _, _), result in zip(jobs, results, strict=True)}


def _finish(
    args: argparse.Namespace,
    names: list[str],
    results: dict[str, Transcript | SoriError],
    fmt: str,
    target: Path | None,
    folder: bool,
) -> int:
    transcripts = {
        name: fixed_by_glossary(args, result)
        for name, result in results.items()
        if isinstance(result, Transcript)
    }
    failures = {n: r for n, r in results.items() if isinstance(r, SoriError)}
    status = next((exc.exit_code for exc in failures.values()), 0)
    if not transcripts:
        return status
    reasons = {name: exc.describe() for name, exc in failures.items()}
    comparison = compare_results(names, transcripts, reasons)
    data = render_html(comparison, Path(args.input).name) if fmt == "html" else None
    data = data or render_comparison_json(comparison)
    try:
        if target is None:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, [data])
            if folder or fmt == "html":
                stem = target.name.removesuffix(f".{fmt}").removesuffix(".compare")
                for name, transcript in transcripts.items():
                    path = target.with_name(f"{stem}.{name}.json")
                    write_atomically(path, [render_json(transcript, ExportOptions())])
    except SoriError as exc:
        error(exc.describe())
        return status or exc.exit_code
    except OSError as exc:
        error(f"cannot write the comparison: {exc.strerror or exc}")
        return status or 1
    _note(
        args,
        f"agreement {comparison.agreement * 100:.1f}%, "
        f"{len(comparison.disagreements)} of {len(comparison.spans)} spans differ",
    )
    return status
