"""``sori transcribe`` and ``sori providers``: argument parsing and the job loop."""

from __future__ import annotations

import argparse
import asyncio
import sys
import textwrap
from pathlib import Path
from typing import Any

from desktop_app.cli.glossary_flags import add_glossary_arguments, fixed_by_glossary, with_glossary
from desktop_app.cli.output import OutputPlan, check_writable, plan_outputs, write_outputs
from desktop_app.cli.progress import ProgressBar
from desktop_app.cli.shared_args import (
    add_engine_option_argument,
    add_format_argument,
    add_word_arguments,
)
from desktop_app.core.errors import (
    ConfigurationError,
    OutputError,
    SoriError,
    UnsupportedOptionError,
)
from desktop_app.core.journal import JobJournal, RemoteJob
from desktop_app.core.options import Keyword, TranscriptionOptions, parse_biasing
from desktop_app.core.secrets import public_source, redact
from desktop_app.core.transcript import Transcript
from desktop_app.export.subtitle_check import subtitle_report
from desktop_app.export.subtitle_rules import (
    DEFAULT_PRESET,
    OPTION_NAMES,
    PRESETS,
    SubtitleRules,
    rules_from,
)
from desktop_app.providers import factory, registry
from desktop_app.providers.base import MediaSource, Provider, ProviderConfig
from desktop_app.providers.factory import provider_config
from desktop_app.providers.finish import finish_transcript_async, transcribe_and_finish


def add_transcribe_parser(sub: Any) -> None:
    p = sub.add_parser(
        "transcribe",
        help="transcribe audio/video files",
        description="Transcribe audio or video files (or URLs, where the engine accepts them).",
    )
    p.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="files, http(s) URLs or obs://KEY (Object Storage), where the engine accepts them",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="collect cloud jobs that were accepted but not finished (after a crash)",
    )
    p.add_argument(
        "--provider",
        metavar="NAME",
        help="speech engine (default: the one chosen in the window's Settings, else "
        f"{registry.DEFAULT_PROVIDER}, offline); see 'sori providers'",
    )
    add_format_argument(p, help="txt, srt, vtt, json, md, csv, docx (repeatable)")
    p.add_argument(
        "-o", "--output", metavar="PATH", help="output file (one input, one format) or folder"
    )
    add_speech_options(p)
    p.add_argument("--endpoint", metavar="URL", help="override the engine's base URL")
    add_engine_option_argument(p)
    p.add_argument("--model", metavar="DIR", help="offline engines: a model folder to use")
    p.add_argument("--timestamps", action="store_true", help="txt: put times before lines")
    p.add_argument("--no-speaker-names", action="store_true", help="txt/md: leave names out")
    p.add_argument(
        "--subtitle-preset",
        choices=list(PRESETS),
        default=DEFAULT_PRESET,
        help="srt/vtt: subtitle rules (default %(default)s)",
    )
    p.add_argument(
        "--subtitle-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=f"srt/vtt: change one subtitle rule ({', '.join(OPTION_NAMES)})",
    )
    add_glossary_arguments(p)
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar, no 'wrote FILE' lines"
    )
    p.set_defaults(handler=run_transcribe)


def add_speech_options(p: argparse.ArgumentParser) -> None:
    """The engine-neutral options shared by ``transcribe`` and ``compare``."""
    p.add_argument("--language", metavar="CODE", help="ko, en, ja, zh or the engine's own code")
    p.add_argument("--diarization", action="store_true", help="separate speakers")
    p.add_argument("--speakers", type=int, metavar="N", help="number of speakers")
    p.add_argument("--min-speakers", type=int, metavar="N", help="fewest speakers expected")
    p.add_argument("--max-speakers", type=int, metavar="N", help="most speakers expected")
    add_word_arguments(
        p,
        keyword_help="boost a word, for engines with keyword lists (repeatable)",
        forbidden_help="word never to output, for engines with forbidden-word lists (repeatable)",
    )
    p.add_argument(
        "--biasing",
        action="append",
        default=[],
        metavar="ANSWER_RECOGNIZED",
        help="biasing pair for engines with biasing lists (see 'sori providers'), "
        "e.g. 차단기_차단계 (repeatable)",
    )
    p.add_argument(
        "--poll-interval",
        type=float,
        metavar="SECONDS",
        help="how often to ask a cloud engine about a running job",
    )


def add_providers_parser(sub: Any) -> None:
    p = sub.add_parser("providers", help="list speech engines and what they can do")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also list options, settings, environment variables and error codes",
    )
    p.set_defaults(handler=run_providers)


def run_providers(args: argparse.Namespace) -> int:
    for cls in registry.provider_classes():
        print("\n".join(describe_engine(cls, verbose=args.verbose)))
        print()
    return 0


def describe_engine(cls: type[Provider], *, verbose: bool = False) -> list[str]:
    """The lines ``sori providers`` prints for one engine, from its description."""
    described = cls.description
    caps = cls.capabilities
    pad = " " * 15
    default = " (default)" if cls.name == registry.DEFAULT_PROVIDER else ""
    lines = [f"{cls.name:<14} {described.name.en}{default}"]
    lines += textwrap.wrap(described.summary.en, 100, initial_indent=pad, subsequent_indent=pad)
    if described.aliases:
        lines.append(f"{pad}also called: {', '.join(described.aliases)}")
    languages = list(caps.languages)
    if len(languages) > 12 and not verbose:  # some engines know about 100
        shown = f"{', '.join(languages[:8])} and {len(languages) - 8} more (--verbose lists them)"
        lines.append(f"{pad}languages: {shown}")
    else:
        lines += textwrap.wrap(
            "languages: " + ", ".join(languages), 100, initial_indent=pad, subsequent_indent=pad
        )
    lines.append(f"{pad}features: {', '.join(caps.describe_features())}")
    limits = []
    if caps.max_duration:
        limits.append(f"{caps.max_duration:g} s per request (longer audio is split)")
    if caps.max_bytes:
        limits.append(f"{caps.max_bytes / 2**20:.3g} MiB per request")
    if limits:
        lines.append(f"{pad}limits: {'; '.join(limits)}")
    keys = described.credentials
    if keys is not None:
        names = ", ".join(f.name for f in keys.fields)
        lines.append(f"{pad}credentials: {names} (sori credentials set {keys.name})")
    if not verbose:
        return lines
    for spec in described.options:
        choices = f" ({'|'.join(spec.choices)})" if spec.choices else ""
        shown = str(spec.default).lower() if isinstance(spec.default, bool) else spec.default
        where = "settings, or " if spec.in_settings else ""
        lines.append(f"{pad}{where}--option {spec.name}={shown}{choices}  {spec.label}")
        if spec.help:
            lines.append(f"{pad}    {spec.help}")
    settings = described.settings
    if settings.endpoint is not None:
        needed = "required, " if settings.endpoint.required else ""
        lines.append(f"{pad}endpoint: {settings.endpoint.default} ({needed}--endpoint URL)")
    for host, address in settings.hosts.items():
        lines.append(f"{pad}host {host}: {address}")
    if settings.poll_interval is not None:
        lines.append(f"{pad}poll interval: {settings.poll_interval:g} s (--poll-interval)")
    if settings.model_folder is not None:
        lines.append(f"{pad}model folder: --model DIR ({settings.model_folder.placeholder.en})")
    variables = described.environment_variables()
    if variables:
        lines.append(f"{pad}environment: {', '.join(variables)}")
    for table in described.errors:
        lines.append(f"{pad}error codes ({table.title}):")
        for code in table.entries():
            lines.append(f"{pad}    {code.code:<22} {code.kind.__name__}: {code.message}")
    return lines


def parse_extra(items: list[str], provider: type[Provider]) -> dict[str, Any]:
    """``--option KEY=VALUE`` items as typed values, through each option's own coercion."""
    specs = {spec.name: spec for spec in provider.capabilities.extra_options}
    extra: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigurationError(
                f"'--option {item}' is not KEY=VALUE",
                fix="Write engine options as --option name=value.",
                message_ko=f"'--option {item}'이(가) 이름=값 형식이 아닙니다",
            )
        spec = specs.get(key)
        if spec is None:
            raise UnsupportedOptionError(f"option '{key}'", provider.name)
        extra[key] = spec.coerce(raw)
    return extra


def build_options(args: argparse.Namespace, provider: type[Provider]) -> TranscriptionOptions:
    return TranscriptionOptions(
        language=args.language,
        diarization=args.diarization,
        speakers=args.speakers,
        speakers_min=args.min_speakers,
        speakers_max=args.max_speakers,
        keywords=[Keyword.parse(k) for k in args.keyword],
        biasing=[parse_biasing(b) for b in args.biasing],
        forbidden=[w.strip() for w in args.forbidden if w.strip()],
        extra=parse_extra(args.option, provider),
    )


def build_config(args: argparse.Namespace, provider: type[Provider]) -> ProviderConfig:
    caps = provider.capabilities
    settings: dict[str, Any] = {}
    if caps.offline:
        for flag, value in (("--endpoint", args.endpoint), ("--poll-interval", args.poll_interval)):
            if value is not None:
                raise UnsupportedOptionError(flag, provider.name, detail="it runs offline")
    elif args.model:
        raise UnsupportedOptionError("--model", provider.name)
    if args.model:
        settings["model_path"] = args.model
    if args.poll_interval is not None:
        if args.poll_interval <= 0:
            raise ConfigurationError("--poll-interval must be positive", fix="Use e.g. 5.")
        settings["poll_interval"] = args.poll_interval
    return provider_config(provider.name, endpoint=args.endpoint, overrides=settings)


def to_source(text: str) -> MediaSource:
    """An INPUT as a source: http(s) URL, ``obs://KEY`` (a key in the Object Storage bucket
    linked to the engine, for engines that read from one), or a local path."""
    if text.startswith(("http://", "https://")):
        return MediaSource(url=text)
    if text.startswith("obs://"):
        key = text[len("obs://") :].strip()
        if not key:
            raise ConfigurationError(
                f"'{text}' names no Object Storage key",
                fix="Write obs://KEY, e.g. obs://meetings/2024-05-01.m4a.",
                message_ko=f"'{text}'에 Object Storage 키가 없습니다",
                fix_ko="obs://키 형식으로 쓰세요(예: obs://meetings/2024-05-01.m4a).",
            )
        return MediaSource(data_key=key)
    return MediaSource(path=Path(text))


def error(message: str) -> None:
    """One line on stderr, with every known credential value masked."""
    print(f"sori: {redact(message)}", file=sys.stderr)


KEPT_ON_SERVICE = (
    "The result is kept by the service: fix the output, then run 'sori transcribe --resume' "
    "to write it without transcribing again."
)


def run_transcribe(args: argparse.Namespace) -> int:
    if args.resume:
        return run_resume(args)
    if not args.inputs:
        error("give at least one INPUT (or --resume)")
        return 2
    try:
        provider_cls = registry.provider_class(args.provider or factory.default_engine())
        options = with_glossary(args, provider_cls, build_options(args, provider_cls))
        config = build_config(args, provider_cls)
        sources = [to_source(item) for item in args.inputs]
        for source in sources:
            provider_cls.check_options(options, source)
        plan = plan_outputs(sources, args.formats, args.output)
        args.subtitle_rules = rules_from(args.subtitle_preset, args.subtitle_option)
        provider_cls(config).credentials()  # missing keys: one message, before any work
    except SoriError as exc:
        error(exc.describe())
        return exc.exit_code
    if config.journal is not None:
        config.journal.outputs = {
            **plan.to_dict(),
            "timestamps": args.timestamps,
            "speaker_names": not args.no_speaker_names,
            "subtitle_preset": args.subtitle_preset,
            "subtitle_option": list(args.subtitle_option),
        }
    try:
        return asyncio.run(_transcribe_all(provider_cls, config, options, sources, plan, args))
    except KeyboardInterrupt:
        error("interrupted")
        return 130


async def _transcribe_all(
    provider_cls: type[Provider],
    config: ProviderConfig,
    options: TranscriptionOptions,
    sources: list[MediaSource],
    plan: OutputPlan,
    args: argparse.Namespace,
) -> int:
    provider = provider_cls(config)
    status = 0
    try:
        for source in sources:
            bar = ProgressBar(source.label, enabled=False if args.quiet else None)
            try:
                transcript = await transcribe_and_finish(provider, source, options, bar)
            except SoriError as exc:
                bar.close()
                error(f"{source.label}: {exc.describe()}")
                status = status or exc.exit_code
                continue
            bar.close()
            report_notices(transcript, source.label)
            transcript = fixed_by_glossary(args, transcript)
            try:
                write_outputs(
                    transcript,
                    source,
                    plan,
                    timestamps=args.timestamps,
                    speaker_names=not args.no_speaker_names,
                    subtitles=args.subtitle_rules,
                    quiet=args.quiet,
                )
                _report_subtitles(args, plan, transcript, source.label)
            except SoriError as exc:
                held = config.journal is not None and config.journal.holds_results()
                error(f"{source.label}: {exc.describe()}{' ' + KEPT_ON_SERVICE if held else ''}")
                status = status or exc.exit_code
                continue
            if config.journal is not None:
                config.journal.release_collected()
    finally:
        await provider.aclose()
    return status


def report_notices(transcript: Transcript, label: str) -> None:
    """What a person should know about a finished transcript (no speech, the file ends early,
    repaired times, a job that may have run twice): one stderr line each, even with ``-q``,
    since these are warnings about the result, not progress."""
    for notice in transcript.notices:
        error(f"{label}: {notice.describe()}")


def _report_subtitles(
    args: argparse.Namespace, plan: OutputPlan, transcript: Transcript, label: str
) -> None:
    """After SRT/VTT output, one line naming the subtitle rules the cues still break."""
    if args.quiet or not {"srt", "vtt"} & set(plan.formats):
        return
    report = subtitle_report(transcript, args.subtitle_rules, not args.no_speaker_names)
    if report:
        error(f"{label}: subtitles: {report}")


def _same_source_key(source: str) -> str:
    """Compare file sources by their absolute path, URLs and storage keys as stored."""
    if "://" in source:
        return public_source(source)
    return str(Path(source).expanduser().resolve())


def _subtitle_rules(args: argparse.Namespace, stored: dict[str, Any]) -> SubtitleRules:
    """The subtitle rules given now, else those the first run was given."""
    if args.subtitle_preset != DEFAULT_PRESET or args.subtitle_option:
        return rules_from(args.subtitle_preset, args.subtitle_option)
    preset = stored.get("subtitle_preset")
    options = stored.get("subtitle_option")
    return rules_from(
        preset if preset in PRESETS else DEFAULT_PRESET,
        [str(item) for item in options] if isinstance(options, list) else [],
    )


def _stored_plan(job: RemoteJob, several: bool) -> OutputPlan:
    """Where the first run meant to write ``job``'s result; if that cannot be written any
    more (its folder is gone, say), the current folder, saying so."""
    if not job.outputs:
        return OutputPlan("stdout", ["txt"], multiple_inputs=several)
    plan = OutputPlan.from_dict(job.outputs)
    plan.multiple_inputs = several
    if plan.path is None:
        return plan
    try:
        check_writable(plan)
    except OutputError as exc:
        instead = Path.cwd() / plan.path.name if plan.mode == "file" else Path.cwd()
        moved = OutputPlan(plan.mode, plan.formats, instead, several)
        check_writable(moved)
        error(f"{exc.describe()} Writing to {instead} instead.")
        return moved
    return plan


def run_resume(args: argparse.Namespace) -> int:
    """Collect every journaled remote job and write its outputs where the first run was asked
    to (or where ``--format``/``-o`` say now); a job leaves the journal once they are written."""
    journal = JobJournal()
    jobs = journal.pending()
    if args.inputs:
        wanted = {_same_source_key(item) for item in args.inputs}
        jobs = [job for job in jobs if _same_source_key(job.source) in wanted]
    if not jobs:
        print("sori: no unfinished cloud jobs to resume", file=sys.stderr)
        return 0
    explicit = args.formats is not None or args.output is not None
    try:
        sources = [to_source(job.source) for job in jobs]
        shared_plan = plan_outputs(sources, args.formats, args.output) if explicit else None
        rules_from(args.subtitle_preset, args.subtitle_option)  # bad values: before any work
    except SoriError as exc:
        error(exc.describe())
        return exc.exit_code

    async def collect() -> int:
        status = 0
        for job, source in zip(jobs, sources, strict=True):
            stored = job.outputs or {}
            bar = ProgressBar(source.label, enabled=False if args.quiet else None)
            try:
                plan = shared_plan or _stored_plan(job, len(jobs) > 1)
                rules = _subtitle_rules(args, stored)
                config = provider_config(job.engine, endpoint=job.endpoint, journal=journal)
                provider = registry.provider_class(job.engine)(config)
                try:
                    transcript = await provider.resume(job, bar)
                finally:
                    await provider.aclose()
                transcript = await finish_transcript_async(transcript, source)
                bar.close()
                report_notices(transcript, source.label)
            except SoriError as exc:
                bar.close()
                error(f"{source.label}: {exc.describe()}")
                status = status or exc.exit_code
                continue
            try:
                write_outputs(
                    transcript,
                    source,
                    plan,
                    timestamps=args.timestamps or bool(stored.get("timestamps")),
                    speaker_names=not args.no_speaker_names
                    and bool(stored.get("speaker_names", True)),
                    subtitles=rules,
                    quiet=args.quiet,
                )
                args.subtitle_rules = rules
                _report_subtitles(args, plan, transcript, source.label)
            except SoriError as exc:
                error(f"{source.label}: {exc.describe()} {KEPT_ON_SERVICE}")
                status = status or exc.exit_code
                continue
            journal.release_collected()
            journal.forget(job)
        return status

    try:
        return asyncio.run(collect())
    except KeyboardInterrupt:
        error("interrupted; the cloud jobs that were running were cancelled")
        return 130
