"""Architecture rules: only desktop_app.ui imports Qt; every module has a docstring."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "desktop_app"


def _python_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "proto" not in p.parts]


def test_only_ui_imports_qt() -> None:
    offenders = []
    for path in _python_files():
        if "ui" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in {"PySide6", "PyQt6"}]
    assert offenders == []


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(path)
        for path in _python_files()
        if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text("utf-8"))) is None
    ]
    assert missing == []


def test_command_line_runs_without_loading_qt() -> None:
    code = (
        "import sys, desktop_app.cli, desktop_app.cli.commands;"
        "assert 'PySide6' not in sys.modules, 'Qt loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
