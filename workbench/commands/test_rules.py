"""``workbench test-rules [--rules DIR]``: run the YAML rule tests."""

from __future__ import annotations

import sys

from workbench.engine import get_engine
from workbench.engine.ruletests import run_rule_tests


def register(sub) -> None:
    parser = sub.add_parser("test-rules", help="run the rule tests in rules/tests/*.yaml")
    parser.add_argument("--rules", metavar="DIR", help="rules directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    parser.set_defaults(func=run)


def run(args) -> int:
    engine = get_engine(args.rules, strict=True)
    results = run_rule_tests(engine)
    failed = [r for r in results if not r.passed]
    for result in results:
        if args.verbose or not result.passed:
            print(result, file=sys.stderr if not result.passed else sys.stdout)
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed (rules version {engine.version})")
    return 1 if failed else 0
