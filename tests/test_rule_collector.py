"""Each YAML rule test is its own pytest item (workbench.engine.pytest_ruletests).

The project's rules/tests/*.yaml are collected by the normal ``pytest`` run
(pyproject's testpaths and addopts); here a copy of the rules with one wrong
expectation is run under pytest in a subprocess, which must fail that one item,
by its name, with its file:line and the expected and actual values.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from workbench.config import settings

NAME = "§5 #8 13岁 → 不予处罚, 责令监护人管教 (Art. 30)"


def _pytest(cwd: Path, *args: str, project_config: bool = False) -> subprocess.CompletedProcess:
    """pytest in a subprocess: with the project's pyproject settings, or with none but the plugin."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBENCH_", "PYTEST_"))}
    env["PYTHONIOENCODING"] = "utf-8"
    plugin = ["-p", "workbench.engine.pytest_ruletests", "--rootdir", str(cwd), "-c", os.devnull]
    bare = [] if project_config else plugin
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *bare, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )


def test_plain_pytest_collects_each_project_rule_test_as_an_item():
    repo = settings().rules().parent
    result = _pytest(repo, "--collect-only", "-q", project_config=True)
    assert result.returncode == 0, result.stdout + result.stderr
    items = [line for line in result.stdout.splitlines() if "::" in line]
    rule_items = [i for i in items if i.startswith("rules/tests/")]
    assert f"rules/tests/provisions.yaml::{NAME}" in rule_items
    assert len(rule_items) >= 3 * 10 + 20 and len(set(rule_items)) == len(rule_items)
    assert any(i.startswith("tests/test_rule_collector.py::") for i in items)  # the rest of the suite too


def test_a_wrong_expectation_fails_its_own_item(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(settings().rules(), rules)
    target = rules / "tests" / "provisions.yaml"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"- name: '{NAME}'"))
    expect = next(i for i in range(start, len(lines)) if "penalize: false" in lines[i])
    lines[expect] = lines[expect].replace("penalize: false", "penalize: true")
    target.write_text("".join(lines), encoding="utf-8")

    result = _pytest(tmp_path, "-q", "-rf", "rules/tests/provisions.yaml")
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert f"FAILED rules/tests/provisions.yaml::{NAME}" in out
    assert "1 failed" in out and " passed" in out
    assert f"rules/tests/provisions.yaml:{start + 1}: rule test '{NAME}' (decide) failed" in out
    assert "penalize: expected True" in out and "actual   False" in out
