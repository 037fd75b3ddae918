"""Which Whisper model to load: the catalog of downloadable sizes, the installed models, and
turning ``--model NAME|DIR`` into a folder faster-whisper can load.

Models live under the user's data folder, one folder per model
(``<data>/models/whisper/<name>``); downloads are assembled elsewhere and renamed into place
only when complete and verified (see :mod:`desktop_app.providers.whisper.download`), so every
folder found here is whole. "base" is the model packaged with Sori, rebuilt in the cache by
:mod:`desktop_app.providers.whisper.bundled`.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core import paths
from desktop_app.core.errors import EngineUnavailableError

BUNDLED_NAME = "base"
# Written by the downloader into each installed folder: where it came from and which revision.
INSTALL_RECORD = ".sori-model.json"
# The files faster-whisper needs from a converted repository (the rest are READMEs and such).
MODEL_FILE_PATTERNS = (
    "config.json",
    "preprocessor_config.json",
    "model.bin",
    "tokenizer.json",
    "vocabulary.*",
)
TOKENIZER_FILES = ("tokenizer.json", "vocabulary.txt", "vocabulary.json")
_WHISPER_SPEC = "WhisperSpec"
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A model Sori knows how to download; ``approx_bytes`` is for lists shown before asking
    the hub (the download itself checks the exact size)."""

    name: str
    repo_id: str
    approx_bytes: int
    note: str


# The CTranslate2 conversions faster-whisper itself downloads for these sizes.
CATALOG: dict[str, CatalogEntry] = {
    entry.name: entry
    for entry in (
        CatalogEntry("small", "Systran/faster-whisper-small", 486_000_000, "better than base"),
        CatalogEntry(
            "medium", "Systran/faster-whisper-medium", 1_530_000_000, "much better, slower"
        ),
        CatalogEntry("large-v3", "Systran/faster-whisper-large-v3", 3_090_000_000, "best, slowest"),
        CatalogEntry(
            "large-v3-turbo",
            "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
            1_620_000_000,
            "near large-v3, much faster",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class InstalledModel:
    """A downloaded model folder and its size on disk."""

    name: str
    path: Path
    size_bytes: int
    repo_id: str | None = None
    revision: str | None = None


def models_dir() -> Path:
    """The folder holding one sub-folder per downloaded Whisper model (created on demand)."""
    folder = paths.data_dir() / "models" / "whisper"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def folder_name(name: str) -> str:
    """The folder name for a catalog name or a hub repository id (``owner/repo``)."""
    return name.replace("/", "--")


def install_dir(name: str) -> Path:
    """Where the model ``name`` is (or would be) installed."""
    return models_dir() / folder_name(name)


def is_repo_id(spec: str) -> bool:
    """Whether ``spec`` reads as a hub repository id such as ``Systran/faster-whisper-tiny``."""
    return bool(_REPO_ID.match(spec)) and not spec.startswith((".", "~"))


def entry_for(name: str) -> CatalogEntry:
    """The catalog entry for ``name``, or an ad-hoc one for a hub repository id."""
    if name in CATALOG:
        return CATALOG[name]
    if is_repo_id(name):
        return CatalogEntry(name, name, 0, "from the hub")
    raise unknown_model_error(name)


def unknown_model_error(name: str) -> EngineUnavailableError:
    known = ", ".join([BUNDLED_NAME, *CATALOG])
    return EngineUnavailableError(
        f"There is no Whisper model called '{name}' (it is not installed and not in the catalog)",
        fix=f"Use one of {known}, a hub repository id (owner/name) or a model folder.",
        message_ko=f"'{name}'이라는 Whisper 모델이 없습니다(설치되어 있지 않고 목록에도 없음)",
        fix_ko=f"{known} 중 하나나 허브 저장소 ID(소유자/이름), 또는 모델 폴더를 지정하세요.",
    )


def folder_size(folder: Path) -> int:
    """Bytes used by the files under ``folder``."""
    return sum(item.stat().st_size for item in folder.rglob("*") if item.is_file())


def check_model_folder(folder: Path) -> Path:
    """Return ``folder`` if it holds a CTranslate2 Whisper model, else raise a clear error.

    Checks what loading needs: ``model.bin`` written by CTranslate2 for a Whisper model,
    a readable ``config.json`` and a tokenizer (``tokenizer.json`` or a vocabulary file).
    """
    shown = str(folder)
    if not folder.exists():
        raise EngineUnavailableError(
            f"The model folder {shown} does not exist",
            fix="Check the path, or give a model name such as 'small'.",
            message_ko=f"모델 폴더 {shown}이(가) 없습니다",
            fix_ko="경로를 확인하거나 'small' 같은 모델 이름을 지정하세요.",
        )
    if not folder.is_dir():
        raise _unsupported(folder, "it is a file, not a folder")
    missing = [name for name in ("model.bin", "config.json") if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        missing.append("tokenizer.json or vocabulary.txt")
    if missing:
        raise _unsupported(folder, "missing " + ", ".join(missing))
    try:
        json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise _unsupported(folder, "config.json is not readable JSON") from None
    spec = _model_spec(folder / "model.bin")
    if spec is None:
        raise EngineUnavailableError(
            f"The Whisper model in {shown} could not be loaded: model.bin is damaged or not a "
            "CTranslate2 model",
            fix="Download or convert the model again, or use the built-in 'base' model.",
            message_ko=f"{shown}의 Whisper 모델을 불러오지 못했습니다. model.bin이 손상되었거나 "
            "CTranslate2 모델이 아닙니다",
            fix_ko="모델을 다시 내려받거나 변환하세요. 또는 내장 'base' 모델을 쓰세요.",
        )
    if spec != _WHISPER_SPEC:
        raise _unsupported(folder, f"model.bin holds a {spec} model, not Whisper")
    return folder


def _model_spec(model_bin: Path) -> str | None:
    """The model type named in a CTranslate2 ``model.bin`` header (``WhisperSpec``), if any."""
    try:
        with model_bin.open("rb") as file:
            header = file.read(6)
            if len(header) < 6:
                return None
            version, length = struct.unpack("<IH", header)
            if not 1 <= version <= 64 or not 1 <= length <= 128:
                return None
            name = file.read(length)
    except OSError:
        return None
    if len(name) != length or not name.endswith(b"\0"):
        return None
    try:
        return name[:-1].decode("ascii")
    except UnicodeDecodeError:
        return None


def _unsupported(folder: Path, reason: str) -> EngineUnavailableError:
    return EngineUnavailableError(
        f"{folder} is not a Whisper model for CTranslate2 ({reason})",
        fix="Choose a folder converted with ct2-transformers-converter (model.bin, config.json, "
        "tokenizer.json), or download one with 'sori models download NAME'.",
        message_ko=f"{folder}은(는) CTranslate2용 Whisper 모델이 아닙니다({reason})",
        fix_ko="ct2-transformers-converter로 변환한 폴더(model.bin, config.json, tokenizer.json)를 "
        "고르거나 'sori models download 이름'으로 내려받으세요.",
    )


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; empty when the file is missing, unreadable or not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_install_record(folder: Path) -> dict[str, object]:
    """What the downloader recorded about ``folder`` (empty for folders it did not write)."""
    return read_json_object(folder / INSTALL_RECORD)


def installed_models() -> list[InstalledModel]:
    """Every complete model under :func:`models_dir`, by name, with its size on disk."""
    found: list[InstalledModel] = []
    for folder in sorted(models_dir().iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            check_model_folder(folder)
        except EngineUnavailableError:
            continue
        record = read_install_record(folder)
        name = str(record.get("name") or folder.name)
        repo_id = record.get("repo_id")
        revision = record.get("revision")
        found.append(
            InstalledModel(
                name=name,
                path=folder,
                size_bytes=folder_size(folder),
                repo_id=repo_id if isinstance(repo_id, str) else None,
                revision=revision if isinstance(revision, str) else None,
            )
        )
    return found


# Most accurate first: what quality=best uses when the user named no model.
BEST_FIRST = ("large-v3", "large-v3-turbo", "medium", "small")


def best_installed_model() -> str | None:
    """The most accurate downloaded catalog model, or None when only "base" is there."""
    return next((name for name in BEST_FIRST if installed_path(name) is not None), None)


def installed_path(name: str) -> Path | None:
    """The folder of the installed model ``name``, or None when it is not (wholly) installed."""
    folder = install_dir(name)
    try:
        return check_model_folder(folder)
    except EngineUnavailableError:
        return None


def resolve_model(spec: str | None) -> Path:
    """The folder to load for ``spec``: None or "base" (the packaged model), a catalog name or
    hub repository id that has been downloaded, or a path to a model folder."""
    text = (spec or "").strip()
    if text in ("", BUNDLED_NAME):
        # Imported here: the bundled model's module pulls in the packaged data only when needed.
        from desktop_app.providers.whisper.bundled import ensure_base_model

        return ensure_base_model()
    if text in CATALOG:
        return _installed_or_raise(text)
    folder = Path(text).expanduser()
    if folder.exists():
        return check_model_folder(folder)
    if is_repo_id(text):
        return _installed_or_raise(text)
    if text.startswith(("~", ".")) or "/" in text or "\\" in text:
        return check_model_folder(folder)
    raise unknown_model_error(text)


def _installed_or_raise(name: str) -> Path:
    found = installed_path(name)
    if found is None:
        raise not_installed_error(name)
    return found


def not_installed_error(name: str) -> EngineUnavailableError:
    return EngineUnavailableError(
        f"The Whisper model '{name}' is not downloaded yet",
        fix=f"Download it with 'sori models download {name}' or in Settings → Engines, "
        "or use the built-in 'base' model.",
        message_ko=f"Whisper 모델 '{name}'을(를) 아직 내려받지 않았습니다",
        fix_ko=f"'sori models download {name}' 명령이나 설정 → 엔진에서 내려받거나, "
        "내장 'base' 모델을 쓰세요.",
    )
