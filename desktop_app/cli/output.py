"""Where ``sori transcribe`` writes its results: stdout, one file, or a folder of files.

The plan is checked before any work starts: a folder that cannot be written, a file where a
folder should be (or the reverse) and a missing folder fail at once with an
:class:`~desktop_app.core.errors.OutputError` (exit code 7, like any failed write later). File
names made from sources go through :func:`~desktop_app.export.names.source_stem`, so a URL or
key cannot place a file outside the chosen folder. Every file written is named on stderr
("wrote …" or "replaced …") unless the caller asks for quiet.
"""

from __future__ import annotations

import errno
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from desktop_app.core.errors import ConfigurationError, OutputError
from desktop_app.core.transcript import Transcript
from desktop_app.export import FORMATS, PRESETS, ExportOptions, export_transcript, render
from desktop_app.export.names import source_stem
from desktop_app.export.subtitle_rules import SubtitleRules
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource

BINARY_FORMATS = {"docx"}


@dataclass(slots=True)
class OutputPlan:
    """``mode`` stdout: print; file: ``path`` is the file; dir: ``path`` is the folder."""

    mode: Literal["stdout", "file", "dir"]
    formats: list[str]
    path: Path | None = None
    multiple_inputs: bool = False
    used_names: set[str] = field(default_factory=set)

    def to_dict(self) -> dict[str, Any]:
        """What the job journal keeps, so ``--resume`` writes the same outputs."""
        path = None if self.path is None else str(self.path.absolute())
        return {"mode": self.mode, "formats": list(self.formats), "path": path}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutputPlan:
        mode = data.get("mode")
        formats = [f for f in data.get("formats") or [] if f in FORMATS] or ["txt"]
        path = data.get("path")
        if mode not in ("file", "dir") or not isinstance(path, str):
            return cls("stdout", formats[:1])
        return cls(mode, formats if mode == "dir" else formats[:1], Path(path))

    @property
    def folder(self) -> Path | None:
        """The folder files go to (None for stdout)."""
        if self.path is None:
            return None
        return self.path if self.mode == "dir" else self.path.parent


def _format_from_extension(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    for name, spec in FORMATS.items():
        if suffix in (name, spec.extension.lstrip(".")):
            return name
    return None


def plan_outputs(
    sources: list[MediaSource], formats: list[str] | None, output: str | None
) -> OutputPlan:
    """Decide where results go, failing early (before any work) on impossible combinations
    and on places that cannot be written."""
    chosen = list(dict.fromkeys(formats or []))
    multiple = len(sources) > 1
    if output is None:
        chosen = chosen or ["txt"]
        if len(chosen) > 1:
            raise ConfigurationError(
                "Several formats cannot all go to the terminal",
                fix="Add -o FOLDER to write one file per format.",
                message_ko="여러 형식을 한꺼번에 터미널로 출력할 수 없습니다",
                fix_ko="-o 폴더를 지정하면 형식마다 파일을 씁니다.",
            )
        if chosen[0] in BINARY_FORMATS:
            raise ConfigurationError(
                "DOCX is a binary format and cannot be printed",
                fix="Add -o FILE.docx or -o FOLDER.",
                message_ko="DOCX는 바이너리 형식이라 터미널로 출력할 수 없습니다",
                fix_ko="-o 파일.docx 또는 -o 폴더를 지정하세요.",
            )
        return OutputPlan("stdout", chosen, multiple_inputs=multiple)
    target = Path(output).expanduser()
    looks_like_dir = target.is_dir() or output.endswith((os.sep, "/"))
    if not looks_like_dir and not target.suffix and (multiple or len(chosen) > 1):
        looks_like_dir = True
    if looks_like_dir:
        plan = OutputPlan("dir", chosen or ["txt"], target, multiple)
        check_writable(plan)
        return plan
    if not chosen:
        inferred = _format_from_extension(target)
        chosen = [inferred or "txt"]
    if multiple or len(chosen) > 1:
        raise ConfigurationError(
            f"-o {output} is a single file, but there are several inputs or formats",
            fix="Give -o an existing folder (or a name ending in /).",
            message_ko=f"-o {output}은(는) 파일 하나인데 입력이나 형식이 여러 개입니다",
            fix_ko="-o에 폴더(또는 /로 끝나는 이름)를 지정하세요.",
        )
    plan = OutputPlan("file", chosen, target)
    check_writable(plan)
    return plan


def _cannot_write(path: Path, reason: str, reason_ko: str, fix: str, fix_ko: str) -> OutputError:
    return OutputError(
        f"Cannot write {path}: {reason}",
        fix=fix,
        message_ko=f"{path}에 쓸 수 없습니다: {reason_ko}",
        fix_ko=fix_ko,
    )


def _probe_folder(folder: Path) -> None:
    """Create and remove a file in ``folder``: the only test that sees read-only mounts, ACLs
    and the like (``os.access`` does not, and says yes to root)."""
    probe = folder / f".sori-write-test-{secrets.token_hex(4)}"
    try:
        handle = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        read_only = exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
        why = exc.strerror or type(exc).__name__
        raise _cannot_write(
            folder,
            "the folder is read-only" if read_only else f"no file can be created there ({why})",
            "읽기 전용 폴더입니다" if read_only else f"파일을 만들 수 없는 폴더입니다({why})",
            "Choose a folder you can write to with -o.",
            "-o로 쓰기 권한이 있는 폴더를 지정하세요.",
        ) from None
    os.close(handle)
    probe.unlink(missing_ok=True)


def check_writable(plan: OutputPlan) -> None:
    """Fail now, before any work, if the plan's files could not be written."""
    if plan.path is None:
        return
    target = plan.path
    if plan.mode == "file":
        if target.is_dir():
            raise _cannot_write(
                target,
                "it is a folder",
                "폴더입니다",
                "Give a file name, or end the path with / to write into the folder.",
                "파일 이름을 지정하거나, 폴더에 쓰려면 경로 끝에 /를 붙이세요.",
            )
        folder = target.parent
        if not folder.exists():
            raise _cannot_write(
                target,
                f"the folder {folder} does not exist",
                f"{folder} 폴더가 없습니다",
                f"Create it first (mkdir -p {folder}) or choose another path.",
                f"먼저 폴더를 만들거나(mkdir -p {folder}) 다른 경로를 지정하세요.",
            )
    else:
        folder = target
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent  # missing folders are created, under this one
    if not folder.is_dir():
        raise _cannot_write(
            target,
            f"{folder} is a file, not a folder",
            f"{folder}은(는) 폴더가 아니라 파일입니다",
            "Choose another path with -o.",
            "-o로 다른 경로를 지정하세요.",
        )
    _probe_folder(folder)


def _unique_name(plan: OutputPlan, stem: str, extension: str) -> str:
    name = f"{stem}{extension}"
    counter = 2
    while name in plan.used_names:
        name = f"{stem} ({counter}){extension}"
        counter += 1
    plan.used_names.add(name)
    return name


def write_outputs(
    transcript: Transcript,
    source: MediaSource,
    plan: OutputPlan,
    *,
    timestamps: bool = False,
    speaker_names: bool = True,
    subtitles: SubtitleRules = PRESETS["korean-broadcast"],
    quiet: bool = False,
) -> list[Path]:
    """Write one transcript as the plan says; returns the files written, each named on stderr
    unless ``quiet``. Any failure to write is an :class:`OutputError`."""
    known = transcript.engine in registry.provider_names()
    options = ExportOptions(
        timestamps=timestamps,
        speaker_names=speaker_names,
        subtitles=subtitles,
        engine_name=registry.provider_class(transcript.engine).display_name if known else "",
    )
    try:
        return _write(transcript, source, plan, options, quiet)
    except OSError as exc:
        where = plan.path or Path("-")
        raise _cannot_write(
            where,
            exc.strerror or str(exc),
            exc.strerror or str(exc),
            "Check the path, the permissions and the free space.",
            "경로, 권한, 남은 공간을 확인하세요.",
        ) from exc


def _export(
    transcript: Transcript, fmt: str, target: Path, options: ExportOptions, quiet: bool
) -> None:
    existed = target.exists()
    export_transcript(transcript, fmt, target, options)
    if not quiet:
        print(f"sori: {'replaced' if existed else 'wrote'} {target}", file=sys.stderr)


def _write(
    transcript: Transcript,
    source: MediaSource,
    plan: OutputPlan,
    options: ExportOptions,
    quiet: bool,
) -> list[Path]:
    if plan.mode == "stdout":
        text = render(transcript, plan.formats[0], options).decode("utf-8-sig")
        if plan.multiple_inputs:
            sys.stdout.write(f"==> {source.label} <==\n")
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        sys.stdout.flush()
        return []
    assert plan.path is not None
    written: list[Path] = []
    if plan.mode == "file":
        _export(transcript, plan.formats[0], plan.path, options, quiet)
        return [plan.path]
    plan.path.mkdir(parents=True, exist_ok=True)
    if source.path is not None:
        stem = source_stem(source.path.name)
    else:
        stem = source_stem(source.url or f"obs://{source.data_key or ''}")
    for fmt in plan.formats:
        target = plan.path / _unique_name(plan, stem, FORMATS[fmt].extension)
        _export(transcript, fmt, target, options, quiet)
        written.append(target)
    return written
