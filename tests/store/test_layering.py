"""The store is the ground floor: no module under workbench/store/ imports what decides or shows (issue 11).

Every import statement counts, also those inside functions (which the import graph at start-up hides). The store
may import the standard library, third-party packages, ``workbench.config``, ``workbench.errors`` and itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import workbench.store

STORE = Path(workbench.store.__file__).parent
ALLOWED = ("workbench.config", "workbench.errors", "workbench.store")
# named for the message: what the store must never reach (anything else of workbench is refused as well)
FORBIDDEN = (
    "workbench.engine",
    "workbench.rulebook",
    "workbench.triage",
    "workbench.importer",
    "workbench.demo",
    "workbench.review",
    "workbench.lab",
    "workbench.training",
    "workbench.ui",
    "workbench.commands",
)


def _imports(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source`` (a module of ``package``), at any depth, relative ones resolved."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            if module == "workbench":  # from workbench import triage
                found += [(node.lineno, f"workbench.{alias.name}") for alias in node.names]
    return found


def _allowed(module: str) -> bool:
    if module != "workbench" and not module.startswith("workbench."):
        return True
    return any(module == a or module.startswith(a + ".") for a in ALLOWED)


def test_the_store_imports_nothing_above_it():
    modules = sorted(STORE.rglob("*.py"))
    assert len(modules) > 5
    wrong = []
    for path in modules:
        package = ".".join(path.relative_to(STORE.parent.parent).with_suffix("").parts[:-1])
        for line, module in _imports(path.read_text(encoding="utf-8"), package):
            if module == "workbench":
                continue  # the names imported from it are checked one by one
            if not _allowed(module):
                layer = next((f for f in FORBIDDEN if module == f or module.startswith(f + ".")), module)
                wrong.append(f"{path.relative_to(STORE.parent.parent)}:{line} imports {module} ({layer})")
    assert wrong == [], "the store must not import the engine, the services or the UI:\n" + "\n".join(wrong)


def test_the_check_sees_imports_inside_functions():
    source = (
        "def f():\n    from workbench.engine import get_engine\n    from workbench import triage\n"
        "    from ..review import precheck\n    from . import models\n"
    )
    modules = [m for _, m in _imports(source, "workbench.store")]
    assert modules == ["workbench.engine", "workbench", "workbench.triage", "workbench.review", "workbench.store"]
    assert [m for m in modules if m != "workbench" and not _allowed(m)] == [
        "workbench.engine",
        "workbench.triage",
        "workbench.review",
    ]
