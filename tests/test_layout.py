"""The package's layout: each step imports only the steps before it, and no module imports
itself back through others (no import cycles), counting imports inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

import kg

PACKAGE = Path(kg.__file__).resolve().parent
BASE = {"kg", "kg.errors", "kg.paths", "kg.namespaces", "kg.labels", "kg.atomic", "kg.http", "kg.outputs",
        "kg.languages", "kg.words", "kg.prefixes", "kg.spreadsheet"}
PROGRAM = "kg.__main__"  # `python -m kg`: above everything
#: The pipeline's steps in the order data flows through them; a step may import the base
#: modules and any step before it.
STEPS = ["sources", "store", "validate", "query", "explore", "link", "curate", "pages", "publish", "synth", "build", "cli"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every kg module ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("kg")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg"):
            assert node.level == 0, f"{path}: relative import"
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists() or \
                    (PACKAGE.parent / Path(*candidate.split("."))).is_dir()
                found.add(candidate if is_module else node.module)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py") if "_resources" not in p.parts}


def step_of(module: str) -> int | None:
    if module in BASE:
        return None
    return STEPS.index(module.split(".")[1])


def test_every_module_belongs_to_a_step_or_the_base():
    for module in graph():
        assert module in BASE or module == PROGRAM or module.split(".")[1] in STEPS, module


def test_no_step_imports_a_later_one():
    wrong = []
    for module, imported in graph().items():
        if module == PROGRAM:
            continue
        mine = step_of(module)
        for other in imported:
            theirs = step_of(other)
            if theirs is None:
                continue
            if mine is None or theirs > mine:
                wrong.append(f"{module} imports {other}")
    assert wrong == []


def test_no_import_cycles():
    edges = graph()
    cycles = []

    def visit(module: str, stack: list[str], done: set[str]) -> None:
        for other in sorted(edges.get(module, ())):
            if other == module or other not in edges:
                continue
            if other in stack:
                cycles.append(" -> ".join(stack[stack.index(other):] + [other]))
            elif other not in done:
                visit(other, stack + [other], done)
        done.add(module)

    done: set[str] = set()
    for module in sorted(edges):
        if module not in done:
            visit(module, [module], done)
    assert cycles == []
