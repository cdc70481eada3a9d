"""The core never imports Qt or the app, stays light to import, has no import cycle, and
only the store's own package reaches inside the store."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "fieldwork"


@pytest.mark.parametrize(
    ("modules", "forbidden"),
    [
        # The core never imports Qt or the app.
        ("fieldwork, fieldwork.cli, fieldwork.store, fieldwork.interchange, fieldwork.packs, "
         "fieldwork.inspections, fieldwork.issuing",
         ("PySide6", "shiboken6", "ui")),
        # Nor, until a file is opened or a letter rendered, the heavy libraries (~0.5 s).
        ("fieldwork, fieldwork.store, fieldwork.packs, fieldwork.cli, fieldwork.inspections, "
         "fieldwork.letterstate, fieldwork.check_results",
         ("sqlite_utils", "reportlab")),
    ],
)
def test_importing_the_core_stays_light(modules: str, forbidden: tuple[str, ...]) -> None:
    code = (
        f"import sys, {modules}\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {forbidden!r}]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_schema_version_counts_the_migrations() -> None:
    from fieldwork.store import schema
    from fieldwork.store.migrations import migrations

    assert schema.SCHEMA_VERSION == len(migrations._migrations)


# ---------------------------------------------------------------- imports
def core_modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The core modules ``name`` imports, at the top or inside a function (a cycle through
    a lazy import is a cycle all the same), leaving out imports for type checking only."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body for inner in ast.walk(stmt)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
    found &= modules.keys()
    found.discard(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_core_has_no_import_cycle() -> None:
    modules = core_modules()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert graph["fieldwork.store.store"], "the import graph is read"
    assert cycles(graph) == []


def test_the_core_never_names_the_app() -> None:
    """The app adds its command through an entry point: the core names no ``ui`` module,
    not even as a string for importlib."""
    for path in core_modules().values():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value] if re.fullmatch(r"ui(\.\w+)*", node.value) else []
            assert not [n for n in names if n == "ui" or n.startswith("ui.")], (path, names)


# ------------------------------------------------------------- the store
#: What reaches past the store's public methods: its private ones, its connection.
REACHING_IN = re.compile(
    r"\bstore\._(?!_)|\._update\(|_require_writable|\.conn\.execute|\._conn\b|\._writer\b"
    r"|\._places\b|\._meta\b|\._db\b"
)


def test_only_the_store_reaches_inside_the_store() -> None:
    me = Path(__file__).resolve()
    found = []
    for folder in ("fieldwork", "ui", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.resolve() == me or (ROOT / "fieldwork" / "store") in path.parents:
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if REACHING_IN.search(line) and "self._" not in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
