"""Run the YAML rule tests of a rulebook (`rules/tests/*.yaml`).

Each test gives a case (``decide:``) or a report (``classify:``) and expects a
subset of the output fields; a failure names its file, line and test, with the
expected and actual values. ``workbench test-rules``, the rule lab and publish
run them here; under pytest each test is its own item
(``workbench.engine.pytest_ruletests``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workbench.engine import Engine
from workbench.engine.inputs import parse_date
from workbench.errors import InputError, WorkbenchError
from workbench.rulebook.model import RuleTest


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class, despite the name

    test: RuleTest
    passed: bool
    mismatches: list[tuple[str, object, object]]  # (field, expected, actual)
    error: str = ""

    def __str__(self) -> str:
        head = f"{self.test.where}: {self.test.name}"
        if self.error:
            return f"{head}: error: {self.error}"
        if self.passed:
            return f"{head}: ok"
        return head + ": " + "; ".join(f"{f}: expected {e!r}, got {a!r}" for f, e, a in self.mismatches)


def run_rule_tests(engine: Engine, tests: list[RuleTest] | None = None) -> list[TestResult]:
    results = []
    for test in engine.rulebook.tests if tests is None else tests:
        results.append(run_one(engine, test))
    return results


def run_one(engine: Engine, test: RuleTest) -> TestResult:
    """Run one test. A rule test is a hypothetical case: it is judged as of ``today:`` when the test gives one,
    else as of the case's own decision date (so a test of a version in force next year can be written now).
    ``expect: {refused: {field: F}}`` expects the engine to refuse the case naming field F."""
    refused = test.expect.get("refused")
    try:
        if test.kind == "decide":
            answer = engine.decide(test.given, today=test.today or _decision_date(test.given)).to_dict()
        else:
            answer = engine.classify(test.given).to_dict()
    except InputError as exc:
        if refused is not None:
            expected = refused.get("field")
            passed = expected is None or expected == exc.field
            return TestResult(test, passed, [] if passed else [("refused.field", expected, exc.field)])
        return TestResult(test, False, [], error=str(exc))
    except WorkbenchError as exc:
        return TestResult(test, False, [], error=str(exc))
    if refused is not None:
        return TestResult(test, False, [("refused", refused, "decided, not refused")])
    mismatches = []
    for key, expected in test.expect.items():
        actual = answer.get(key, _MISSING)
        if not _same(expected, actual):
            mismatches.append((key, expected, None if actual is _MISSING else actual))
    return TestResult(test, not mismatches, mismatches)


_MISSING = object()


def _decision_date(case: dict) -> dt.date | None:
    try:
        return parse_date(case.get("decision_date") if isinstance(case, dict) else None, "decision_date")
    except InputError:
        return None  # the engine names the bad field when it decides the case


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(expected, actual) -> bool:
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(_same(v, actual.get(k, _MISSING)) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        if all(isinstance(x, str) for x in expected + actual):
            return sorted(expected) == sorted(actual)
        return len(expected) == len(actual) and all(_same(a, b) for a, b in zip(expected, actual))
    if _number(expected) and _number(actual):
        return abs(expected - actual) < 1e-9
    return expected == actual
