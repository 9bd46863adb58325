"""Every benchmark runs at a small size in the test command, so it cannot rot (figures are not asserted:
the machines are noisy; what is asserted is that each runs and that what it checks holds)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(script: str, *args: str, timeout: int = 600) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"benchmarks/{script} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def test_decide_benchmark():
    out = run("decide.py", "--n", "300", "--memory", "1000")
    assert "ratio to raw post" in out and "memory over 1000 decisions" in out


def test_impact_benchmark_and_grouped_answers_equal_one_by_one():
    out = run("impact.py", "--cases", "2000", "--baseline", "300")
    assert "x 2 sides: 0 differ" in out, out
    assert "ratio one-by-one / grouped" in out


def test_review_benchmark():
    out = run("review.py", "--population", "20000", "--sample", "200", "--baseline-files", "300")
    assert "ratio (pre-check everything one by one) / (stratified sample + pre-check)" in out


def test_store_benchmark():
    out = run("store.py", "--big", "20000", "--small", "2000", "--repeat", "2")
    assert "stratified sample of 1,000 cases" in out


@pytest.mark.browser
def test_ui_benchmark():
    out = run("ui.py", "--runs", "1", "--reports", "50", "--settle", "2", "--no-cold")
    assert "filed after its kernel was preheated: yes" in out
    assert "submit→shown" in out
