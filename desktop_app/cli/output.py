"""Where ``sori transcribe`` writes its results: stdout, one file, or a folder of files."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlparse

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.transcript import Transcript
from desktop_app.export import FORMATS, PRESETS, ExportOptions, export_transcript, render
from desktop_app.export.subtitle_rules import SubtitleRules
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


def _format_from_extension(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    for name, spec in FORMATS.items():
        if suffix in (name, spec.extension.lstrip(".")):
            return name
    return None


def plan_outputs(
    sources: list[MediaSource], formats: list[str] | None, output: str | None
) -> OutputPlan:
    """Decide where results go, failing early (before any work) on impossible combinations."""
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
        return OutputPlan("dir", chosen or ["txt"], target, multiple)
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
    return OutputPlan("file", chosen, target)


def _stem(source: MediaSource) -> str:
    if source.path is not None:
        return source.path.stem or "transcript"
    raw = source.url or source.data_key or ""
    name = PurePosixPath(unquote(urlparse(raw).path)).stem
    return name or "transcript"


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
) -> list[Path]:
    """Write one transcript as the plan says; returns the files written."""
    options = ExportOptions(timestamps=timestamps, speaker_names=speaker_names, subtitles=subtitles)
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
        export_transcript(transcript, plan.formats[0], plan.path, options)
        return [plan.path]
    plan.path.mkdir(parents=True, exist_ok=True)
    stem = _stem(source)
    for fmt in plan.formats:
        target = plan.path / _unique_name(plan, stem, FORMATS[fmt].extension)
        export_transcript(transcript, fmt, target, options)
        written.append(target)
    return written
