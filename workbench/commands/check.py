"""``workbench check [--rules DIR]``: validate and lint the rulebook, its vocabulary (and the review checklist
and scenario bank when present)."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

from workbench.rulebook import default_rules_dir, lint, read_rulebook

# Other reviewable data checked with the rules: (module, function, path relative to the repository).
EXTRA_CHECKS = [
    ("workbench.review.checklist", "validate_review_rules", "rules/review.yaml"),
    ("workbench.training.bank", "validate_scenarios", "data/scenarios"),
]


def register(sub) -> None:
    parser = sub.add_parser("check", help="validate and lint rules/ (path:line messages; exit 1 on any problem)")
    parser.add_argument("--rules", metavar="DIR", help="rules directory (default: rules/ or $WORKBENCH_RULES_DIR)")
    parser.set_defaults(func=run)


def run(args) -> int:
    root = Path(args.rules) if args.rules else default_rules_dir()
    book, problems = read_rulebook(root)
    if not problems:
        problems = lint(book)
    problems += _extra(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{root}: {len(problems)} problem(s); the rules in force are unchanged", file=sys.stderr)
        return 1
    versions = sum(len(b.versions) for b in book.benchmarks.values())
    rows = sum(len(s.rows) for s in book.stages)
    lists = len(book.vocabulary.lists) if book.vocabulary else 0
    print(
        f"{root}: ok · rules version {book.version} · {len(book.violations)} violations, "
        f"{versions} benchmark versions, {rows} provision rows, {len(book.ownership)} event categories, "
        f"{len(book.tests)} rule tests, {lists} vocabulary lists"
    )
    return 0


def _extra(root: Path) -> list:
    problems = []
    repo = root.resolve().parent
    for module_name, function, relative in EXTRA_CHECKS:
        target = (root / Path(relative).name) if relative.startswith("rules/") else repo / relative
        if not target.exists():
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        validate = getattr(module, function)
        if "rules_dir" in inspect.signature(validate).parameters:
            problems += validate(target, rules_dir=root)
        else:
            problems += validate(target)
    return problems
