"""Architecture rules, checked on the source with :mod:`ast` (nothing is imported):

* packages depend one way: ``core`` ← ``audio``, ``export`` ← ``providers`` ← ``live`` ←
  ``cli``, ``ui`` (a package imports only packages below it, never a peer or one above);
* no import cycle between modules, nor between sibling packages, counting imports made inside
  functions (only ``if TYPE_CHECKING:`` imports are left out of the cycle check: they never run);
* only ``desktop_app.ui`` imports Qt, and the command line runs without loading it;
* every module has a docstring and stays under :data:`MAX_LINES` lines;
* no module outside ``providers/`` names an engine vendor (the current exceptions are listed).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "desktop_app"

# Lower numbers sit lower. The root package (APP_NAME, __version__) is below everything.
LAYERS: dict[str, int] = {
    "": -1,
    "core": 0,
    "audio": 1,
    "export": 1,
    "providers": 2,
    "live": 3,
    "cli": 4,
    "ui": 4,
    "__main__": 5,
}
# Imports that cross the layers on purpose: (importing module, imported module) -> why.
ALLOWED_CROSSINGS: dict[tuple[str, str], str] = {
    ("desktop_app.cli", "desktop_app.ui.app"): "`sori` with no command opens the window",
}
QT_MODULES = {"PySide6", "PyQt6", "PyQt5", "PySide2", "shiboken6"}
MAX_LINES = 550

VENDOR = re.compile(r"clova|nhn|rtzr|naver|vito|vosk|whisper", re.IGNORECASE)
# Engine knowledge stays in providers/: every other module reaches engines through their
# descriptions (providers/description.py) and the registry.


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    imported: str
    line: int
    type_checking: bool


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (packages by their
    ``__init__``)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[ast.AST]:
    inside: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                inside.update(ast.walk(statement))
    return inside


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(package: Path) -> Iterator[Import]:
    """Every import of the package's own modules, wherever it stands (functions included)."""
    known = modules(package)
    top = package.name
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = _type_checking_nodes(tree)
        home = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = home.split(".")[: len(home.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                # ``from pkg import name`` names a submodule when one exists, else the package.
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if target.split(".")[0] != top:
                    continue
                resolved = _resolve(target, known)
                if resolved is not None and resolved != module:
                    yield Import(module, resolved, node.lineno, node in guarded)


def external_imports(path: Path) -> Iterator[str]:
    """Top-level names of every module ``path`` imports (functions included)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def module_cycles(package: Path) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for item in imports(package):
        if not item.type_checking:
            graph.setdefault(item.importer, set()).add(item.imported)
    return cycles(graph)


def package_cycles(package: Path) -> list[list[str]]:
    """Cycles between sibling packages (``providers.clova`` ↔ ``providers.rtzr``, ``live`` ↔
    ``providers``): each import is lifted to the two children of the packages' common parent."""
    known = modules(package)
    graph: dict[str, set[str]] = {}
    for item in imports(package):
        if item.type_checking:
            continue
        a = _package_of(item.importer, known).split(".")
        b = _package_of(item.imported, known).split(".")
        common = 0
        while common < min(len(a), len(b)) and a[common] == b[common]:
            common += 1
        if common == len(a) or common == len(b):
            continue  # one package holds the other: a package and its own parts
        graph.setdefault(".".join(a[: common + 1]), set()).add(".".join(b[: common + 1]))
    return cycles(graph)


def _package_of(module: str, known: dict[str, Path]) -> str:
    return module if known[module].name == "__init__.py" else module.rpartition(".")[0]


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _python_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "proto" not in p.parts]


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


# ---------------------------------------------------------------------- the rules
def test_every_package_has_a_layer() -> None:
    assert {_layer(m) for m in modules(PACKAGE)} - set(LAYERS) == set()


def test_nothing_imports_upwards_or_sideways() -> None:
    offenders = []
    for item in imports(PACKAGE):
        importer, imported = _layer(item.importer), _layer(item.imported)
        if importer == imported or (item.importer, item.imported) in ALLOWED_CROSSINGS:
            continue
        if LAYERS[imported] >= LAYERS[importer]:
            offenders.append(f"{item.importer}:{item.line} imports {item.imported}")
    assert offenders == []


def test_no_import_cycles_between_modules() -> None:
    assert module_cycles(PACKAGE) == []


def test_no_import_cycles_between_packages() -> None:
    assert package_cycles(PACKAGE) == []


def test_only_ui_imports_qt() -> None:
    offenders = [
        f"{_relative(path)}: {name}"
        for path in _python_files()
        if _relative(path).split("/")[0] != "ui"
        for name in external_imports(path)
        if name in QT_MODULES
    ]
    assert offenders == []


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(path)
        for path in _python_files()
        if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text("utf-8"))) is None
    ]
    assert missing == []


def test_modules_stay_small() -> None:
    sizes = {_relative(p): len(p.read_text("utf-8").splitlines()) for p in _python_files()}
    too_long = {name for name, lines in sizes.items() if lines > MAX_LINES}
    assert too_long == set(), "split these modules by responsibility"


def test_vendor_names_stay_in_providers() -> None:
    naming = {
        _relative(path)
        for path in _python_files()
        if _relative(path).split("/")[0] != "providers"
        and VENDOR.search(path.read_text(encoding="utf-8"))
    }
    assert naming == set(), "describe the engine in its own package"


def test_command_line_runs_without_loading_qt() -> None:
    code = (
        "import sys, desktop_app.cli, desktop_app.cli.commands;"
        "assert 'PySide6' not in sys.modules, 'Qt loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------- the checks themselves
@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    """A small package with a cycle hidden in a function and one behind TYPE_CHECKING."""
    root = tmp_path / "pkg"
    for folder in ("low", "high", "high/inner"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text('"""Package."""\n')
    (root / "__init__.py").write_text('"""Root."""\n')
    (root / "low/base.py").write_text(
        "def later():\n    from pkg.high import view\n    return view\n"
    )
    (root / "high/view.py").write_text("from ..low import base\n")
    (root / "high/inner/a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.high.inner import b\n"
    )
    (root / "high/inner/b.py").write_text("from . import a\n")
    return root


def test_cycle_check_sees_imports_inside_functions(tangled: Path) -> None:
    assert module_cycles(tangled) == [["pkg.high.view", "pkg.low.base"]]
    assert package_cycles(tangled) == [["pkg.high", "pkg.low"]]


def test_relative_and_type_checking_imports_are_resolved(tangled: Path) -> None:
    found = {(i.importer, i.imported, i.type_checking) for i in imports(tangled)}
    assert ("pkg.high.view", "pkg.low.base", False) in found
    assert ("pkg.high.inner.b", "pkg.high.inner.a", False) in found
    assert ("pkg.high.inner.a", "pkg.high.inner.b", True) in found
