"""A pytest plugin: each YAML rule test (``<rules>/tests/*.yaml``) is its own pytest item.

Loaded by ``-p workbench.engine.pytest_ruletests`` (pyproject's ``addopts``), as
OpenFisca collects its YAML tests. A file is collected when it lies in the
``tests/`` folder of a rules directory (one holding ``catalogue.yaml``); each test
in it becomes ``<file>::<test name>``, run against the real engine of that rules
directory. A failure reads ``path:line: name`` then one line per field:
expected and actual. A rulebook that does not load is a collection error listing
its problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.engine import Engine, get_engine
from workbench.engine.ruletests import run_one
from workbench.errors import RuleBookError
from workbench.rulebook.model import RuleTest


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if is_rule_test_file(file_path):
        return RuleTestFile.from_parent(parent, path=file_path)
    return None


def is_rule_test_file(path: Path) -> bool:
    return path.suffix == ".yaml" and path.parent.name == "tests" and (path.parent.parent / "catalogue.yaml").is_file()


class RuleTestFailure(Exception):
    """A rule test whose engine answer differs from its expectation."""


class RuleTestFile(pytest.File):
    def collect(self):
        root = self.path.parent.parent
        try:
            engine = get_engine(root, strict=True)
        except RuleBookError as exc:
            raise self.CollectError(f"the rules in {root} do not load:\n{exc}") from None
        for test in engine.rulebook.tests:
            if (root.parent / test.where.path).resolve() == self.path.resolve():
                yield RuleTestItem.from_parent(self, name=test.name, engine=engine, test=test)


class RuleTestItem(pytest.Item):
    def __init__(self, *, engine: Engine, test: RuleTest, **kwargs):
        super().__init__(**kwargs)
        self.engine = engine
        self.test = test

    def runtest(self) -> None:
        result = run_one(self.engine, self.test)
        if not result.passed:
            raise RuleTestFailure(result)

    def repr_failure(self, excinfo, style=None):
        if not isinstance(excinfo.value, RuleTestFailure):
            return super().repr_failure(excinfo, style)
        result = excinfo.value.args[0]
        lines = [f"{self.test.where}: rule test {self.test.name!r} ({self.test.kind}) failed"]
        if result.error:
            lines.append(f"  error: {result.error}")
        for key, expected, actual in result.mismatches:
            lines.append(f"  {key}: expected {expected!r}")
            lines.append(f"  {' ' * len(key)}  actual   {actual!r}")
        return "\n".join(lines)

    def reportinfo(self):
        return self.path, self.test.where.line - 1, f"rule test {self.test.name}"
