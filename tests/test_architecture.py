"""The package layout is the pipeline (issue 19): data flows one way.

Walks the import statements of every module in ``kgraph/`` (with :mod:`ast`, so
imports inside functions and ``TYPE_CHECKING`` blocks count too) and checks:
no import cycle between modules, no stage importing a later stage, only
``kgraph/pipeline`` importing the cache, no private name imported across modules
or reached into on another module's object (``kg.index._ref``), and no module
much over 500 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kgraph"

#: The pipeline, in order: a module may import its own layer and earlier ones.
LAYERS = [
    {"kgraph.records", "kgraph.errors", "kgraph.fileio", "kgraph.memo", "kgraph.version"},
    {"kgraph.ingest"},
    {"kgraph.catalogue"},
    {"kgraph.extract"},
    {"kgraph.graph"},
    {"kgraph.query"},
    {"kgraph.export"},
    {"kgraph.pipeline"},
    {"kgraph.api", "kgraph.knowledge_graph"},
    {"kgraph.cli", "kgraph.__main__"},
    {"kgraph"},
]
CACHE = "kgraph.pipeline.cache"
MAX_LINES = 520
#: Modules still over MAX_LINES, with the most lines each may have until it is
#: split (issue 19): the list only shrinks.
OVERSIZED = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _imports(module: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names imported from it, line) for each import in ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node.level, node.module)
            names = [alias.name for alias in node.names]
            # `from kgraph.export import graphml` imports the module kgraph.export.graphml
            for name in names:
                if f"{target}.{name}" in MODULES:
                    found.append((f"{target}.{name}", [], node.lineno))
            rest = [n for n in names if f"{target}.{n}" not in MODULES]
            if rest or not names:
                found.append((target, rest, node.lineno))
    return [(target, names, line) for target, names, line in found if target.startswith("kgraph")]


def _graph() -> dict[str, set[str]]:
    return {m: {t for t, _, _ in _imports(m) if t in MODULES and t != m} for m in MODULES}


def _layer(module: str) -> int:
    best, index = "", -1
    for i, layer in enumerate(LAYERS):
        for prefix in layer:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, index = prefix, i
    assert index >= 0, f"{module} is in no layer of tests/test_architecture.py"
    return index


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def test_no_import_cycles() -> None:
    graph = _graph()
    # a package's __init__ re-exporting its own modules is not a cycle between modules
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert cycles == []


def test_no_stage_imports_a_later_stage() -> None:
    wrong = [
        f"{module}:{line} imports {target}"
        for module in MODULES
        for target, _, line in _imports(module)
        if target in MODULES and _layer(target) > _layer(module)
    ]
    assert wrong == []


def test_only_the_pipeline_imports_the_cache() -> None:
    wrong = [
        f"{module}:{line}"
        for module in MODULES
        for target, _, line in _imports(module)
        if (target == CACHE or target.startswith(CACHE + "."))
        and not module.startswith("kgraph.pipeline")
    ]
    assert wrong == []


def test_no_private_names_across_modules() -> None:
    wrong = [
        f"{module}:{line} imports {name} from {target}"
        for module in MODULES
        for target, names, line in _imports(module)
        for name in names
        if name.startswith("_") and not name.startswith("__") and target != module
    ]
    assert wrong == []


def _private_names(tree: ast.AST) -> tuple[set[str], list[tuple[str, int]]]:
    """The private names a module defines (functions, classes, variables,
    attributes it assigns) and the private attributes it reads of objects
    other than ``self`` and ``cls``, with their lines."""
    defined, read = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            defined.add(node.attr)
        elif isinstance(node, ast.Attribute) and not (
            isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        ):
            read.append((node.attr, node.lineno))
    private = {n for n in defined if n.startswith("_") and not n.startswith("__")}
    return private, [(n, line) for n, line in read if n.startswith("_") and not n.startswith("__")]


def test_no_private_attributes_reached_across_modules() -> None:
    found = {m: _private_names(ast.parse(p.read_text(), str(p))) for m, p in MODULES.items()}
    owners: dict[str, set[str]] = {}
    for module, (defined, _) in found.items():
        for name in defined:
            owners.setdefault(name, set()).add(module)
    # a private attribute that this module does not define but another kgraph module does
    # (an attribute of a third-party object, such as networkx's graph._node, is not ours)
    wrong = [
        f"{module}:{line} reads .{name} of {', '.join(sorted(owners[name]))}"
        for module, (defined, read) in found.items()
        for name, line in read
        if name in owners and name not in defined
    ]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_readable_in_one_sitting(module: str) -> None:
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= OVERSIZED.get(module, MAX_LINES), f"{module} has {lines} lines"


def test_the_oversized_list_only_names_oversized_modules() -> None:
    for module in OVERSIZED:
        assert len(MODULES[module].read_text().splitlines()) > MAX_LINES, module


def test_the_layers_name_real_packages() -> None:
    for layer in LAYERS:
        for prefix in layer:
            assert prefix in MODULES, prefix
