"""Named glossaries kept in the config folder: one UTF-8 file per glossary, the same format as
``--glossary`` (see :mod:`desktop_app.core.glossary`).

Qt-free on purpose (it lives beside the window's glossary editor, which is its only user): the
names are file stems in ``<config>/glossaries/``; :meth:`GlossaryStore.save` refuses text that
does not parse, with the message naming the line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.glossary import Glossary
from desktop_app.core.paths import config_dir, private_dir

SUFFIX = ".txt"
_BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def check_name(name: str) -> str:
    """``name`` stripped, or a ConfigurationError saying why it cannot name a file."""
    name = name.strip()
    if not name or name.startswith(".") or _BAD_NAME.search(name) or len(name) > 100:
        raise ConfigurationError(
            f"'{name}' cannot name a glossary",
            fix='Use letters, digits, spaces or dashes (no / \\ : * ? " < > |).',
            message_ko=f"'{name}'은(는) 용어집 이름으로 쓸 수 없습니다",
            fix_ko='글자, 숫자, 공백, 대시만 쓰세요(/ \\ : * ? " < > | 제외).',
        )
    return name


class GlossaryStore:
    """The folder of named glossaries (any thread; every call reads or writes the disk)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def folder(self) -> Path:
        return private_dir(self._folder or config_dir() / "glossaries")

    def path(self, name: str) -> Path:
        return self.folder / f"{check_name(name)}{SUFFIX}"

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob(f"*{SUFFIX}") if p.is_file())

    def text(self, name: str) -> str:
        path = self.path(name)
        return path.read_text("utf-8") if path.is_file() else ""

    def load(self, name: str) -> Glossary:
        return Glossary.load(self.path(name))

    def save(self, name: str, text: str) -> None:
        """Keep ``text`` under ``name`` once it parses (the error names the line otherwise)."""
        Glossary.parse(text, check_name(name))
        target = self.path(name)
        partial = target.with_name(target.name + ".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def import_file(self, source: Path, name: str | None = None) -> str:
        """Copy a glossary file in (checked first); returns the name it is kept under."""
        Glossary.load(source)
        name = check_name(name or source.stem)
        self.save(name, source.read_text("utf-8"))
        return name

    def export_file(self, name: str, target: Path) -> None:
        shutil.copyfile(self.path(name), target)
