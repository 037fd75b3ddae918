"""``sori models list|download|remove``: the offline engine's models on this computer and on the hub.

``download`` draws a byte progress bar on stderr when it is a terminal; Ctrl-C stops it and
keeps what was fetched, so running the same command again continues from there.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from typing import Any, TextIO

from desktop_app.core.errors import (
    CancelledByUserError,
    ConfigurationError,
    EngineUnavailableError,
    SoriError,
)
from desktop_app.providers.model_store import (
    BUNDLED_NAME,
    CATALOG,
    folder_size,
    install_dir,
    installed_models,
    unknown_model_error,
)

_BUNDLED_BYTES = 145_000_000


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "models",
        help="list, download or remove offline speech models",
        description="Models of the offline engine. 'base' is built in; larger ones are "
        "downloaded from the Hugging Face hub (HF_ENDPOINT selects a mirror) into Sori's data "
        "folder. Any model folder of the engine's format also works with --model DIR.",
    )
    actions = p.add_subparsers(
        dest="models_action", metavar="ACTION", required=True, help="list, download or remove"
    )
    listing = actions.add_parser("list", help="installed and downloadable models with sizes")
    listing.set_defaults(handler=run_list)
    fetch = actions.add_parser("download", help="download a model (resumes an unfinished one)")
    fetch.add_argument("name", metavar="NAME", help=f"{', '.join(CATALOG)} or owner/repo")
    fetch.set_defaults(handler=run_download)
    drop = actions.add_parser("remove", help="delete a downloaded model")
    drop.add_argument("name", metavar="NAME", help="a downloaded model's name")
    drop.set_defaults(handler=run_remove)


def size_text(count: int, *, approx: bool = False) -> str:
    mark = "~" if approx else ""
    if count >= 1_000_000_000:
        return f"{mark}{count / 1_000_000_000:.2f} GB"
    if count >= 1_000_000:
        return f"{mark}{count / 1_000_000:.0f} MB"
    return f"{mark}{max(count, 0) / 1_000:.0f} KB"


def run_list(args: argparse.Namespace) -> int:
    from desktop_app.providers.model_store import bundled_folder, partial_bytes

    rows: list[tuple[str, str, str, str]] = []
    base = bundled_folder()
    if base.is_dir():
        rows.append((BUNDLED_NAME, "built in", size_text(folder_size(base)), str(base)))
    else:
        note = "packaged with Sori, unpacked on first use"
        rows.append((BUNDLED_NAME, "built in", size_text(_BUNDLED_BYTES, approx=True), note))
    installed = {item.name: item for item in installed_models()}
    for name, entry in CATALOG.items():
        item = installed.pop(name, None)
        if item is not None:
            rows.append((name, "installed", size_text(item.size_bytes), str(item.path)))
            continue
        fetched = partial_bytes(name)
        if fetched:
            state = f"partial, {size_text(fetched)} fetched"
            note = f"'sori models download {name}' continues it"
        else:
            state, note = "available", entry.note
        rows.append((name, state, size_text(entry.approx_bytes, approx=True), note))
    for item in installed.values():
        rows.append((item.name, "installed", size_text(item.size_bytes), str(item.path)))
    width = max(len(row[0]) for row in rows)
    print(f"{'NAME':<{width}}  {'STATUS':<24}  {'SIZE':>9}  WHERE / NOTE")
    for name, state, size, note in rows:
        print(f"{name:<{width}}  {state:<24}  {size:>9}  {note}")
    return 0


class ByteBar:
    """``small  [#####.....]  42.0%  203 MB / 484 MB  11 MB/s`` on one line of a terminal."""

    def __init__(self, name: str, stream: TextIO) -> None:
        self.name = name
        self.stream = stream
        self.enabled = stream.isatty()
        self._started = time.monotonic()
        self._first: int | None = None
        self._last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        if self._first is None:
            self._first = done
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last_draw < 0.1 and done < total:
            return
        self._last_draw = now
        fraction = done / total if total else 1.0
        rate = (done - self._first) / max(now - self._started, 1e-3)
        tail = f"{fraction * 100:5.1f}%  {size_text(done)} / {size_text(total)}"
        tail += f"  {size_text(int(rate))}/s"
        columns = shutil.get_terminal_size((80, 20)).columns
        bar_width = max(10, columns - len(self.name) - len(tail) - 8)
        filled = int(bar_width * fraction)
        line = f"{self.name}  [{'#' * filled}{'.' * (bar_width - filled)}]  {tail}"
        self.stream.write("\r" + line[: columns - 1].ljust(columns - 1))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            columns = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (columns - 1) + "\r")
            self.stream.flush()


def run_download(args: argparse.Namespace) -> int:
    from desktop_app.providers.model_store import download_model, partial_bytes

    name = args.name.strip()
    bar = ByteBar(name, sys.stderr)
    try:
        folder = download_model(name, progress=bar)
    except (KeyboardInterrupt, CancelledByUserError):
        bar.close()
        kept = partial_bytes(name)
        print(
            f"sori: download of {name} stopped; {size_text(kept)} kept. "
            f"Run 'sori models download {name}' again to continue.",
            file=sys.stderr,
        )
        return 130
    except SoriError as exc:
        bar.close()
        print(f"sori: {exc.describe()}", file=sys.stderr)
        return exc.exit_code
    bar.close()
    print(f"{name}: installed, {size_text(folder_size(folder))} in {folder}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from desktop_app.providers.model_store import remove_model

    name = args.name.strip()
    try:
        if name == BUNDLED_NAME:
            raise ConfigurationError(
                "'base' is built into Sori and cannot be removed",
                fix="Remove only downloaded models (see 'sori models list').",
                message_ko="'base'는 Sori에 내장된 모델이라 지울 수 없습니다",
                fix_ko="내려받은 모델만 지울 수 있습니다('sori models list' 참고).",
            )
        if "/" not in name and name not in CATALOG and not install_dir(name).exists():
            raise unknown_model_error(name)
        try:
            freed = remove_model(name)
        except OSError as exc:
            raise EngineUnavailableError(
                f"Could not delete {install_dir(name)} ({exc.strerror})",
                fix="Close programs using the model and check the folder's permissions.",
                message_ko=f"{install_dir(name)}을(를) 지우지 못했습니다({exc.strerror})",
                fix_ko="모델을 쓰는 프로그램을 닫고 폴더 권한을 확인하세요.",
            ) from exc
    except SoriError as exc:
        print(f"sori: {exc.describe()}", file=sys.stderr)
        return exc.exit_code
    if not freed:
        print(f"{name} is not downloaded; nothing to remove.")
        return 0
    print(f"{name}: removed, {size_text(freed)} freed")
    return 0
