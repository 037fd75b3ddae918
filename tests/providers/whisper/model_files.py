"""Small stand-ins for CTranslate2 Whisper model files: a real ``model.bin`` header (format
version, then the spec name) followed by filler, and the text files a conversion ships."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

from tests.emulators import EmulatorServer
from tests.emulators.hf_hub import HubEmulator

# Several of the downloader's 1 MiB transfer steps, so a download reports progress mid-file.
BIG_MODEL_BYTES = 6 * 1024 * 1024


def model_bin(spec: str = "WhisperSpec", size: int = 4096) -> bytes:
    name = spec.encode("ascii") + b"\0"
    header = struct.pack("<IH", 6, len(name)) + name
    return header + os.urandom(max(0, size - len(header)))


def model_files(size: int = 4096, spec: str = "WhisperSpec") -> dict[str, bytes]:
    """The files of a converted repository, plus one the downloader must leave out."""
    return {
        "model.bin": model_bin(spec, size),
        "config.json": json.dumps({"alignment_heads": [[3, 1]], "lang_ids": [50264]}).encode(),
        "tokenizer.json": json.dumps({"model": {"vocab": {"가": 1}}}).encode() * 400,
        "vocabulary.txt": "\n".join(["!", '"', "#", "가"]).encode(),
        "README.md": b"# a model card\n",
    }


def write_model(folder: Path, files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (files or model_files()).items():
        (folder / name).write_bytes(data)
    return folder


def start_hub() -> EmulatorServer[HubEmulator]:
    return EmulatorServer(HubEmulator()).start()
