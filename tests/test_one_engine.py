"""Proof of one engine: the plain-Python evaluator used for bulk work gives the
same decisions as durable_rules on thousands of generated cases and reports."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from workbench.engine import Engine
from workbench.engine.generate import random_case, random_report
from workbench.errors import InputError
from workbench.rulebook import default_rules_dir, load_rulebook

DIRS = {"fixture": Path(__file__).parent / "fixtures" / "rules", "project": default_rules_dir()}


@pytest.mark.parametrize("name", sorted(DIRS))
def test_durable_and_python_agree(name):
    book = load_rulebook(DIRS[name])
    durable, python = Engine(book, "durable"), Engine(book, "python")
    rng = random.Random(37)
    compared = levels = 0
    seen_rows = set()
    for _ in range(3000):
        case = random_case(book, rng)
        try:
            a = durable.decide(case).to_dict()
        except InputError:
            with pytest.raises(InputError):
                python.decide(case)
            continue
        b = python.decide(case).to_dict()
        assert a == b, case
        compared += 1
        levels += a["level"] is not None
        seen_rows.update(step["rule"] for step in a["trace"])
    for _ in range(1000):
        report = random_report(book, rng)
        assert durable.classify(report).to_dict() == python.classify(report).to_dict(), report
    assert compared > 2500 and levels > 1000
    # the generated cases reach most rows, so agreement is not only on catch-alls
    all_rows = {
        f"discretion/{b.violation}@{v.effective_from}/{r.id}"
        for b in book.benchmarks.values()
        for v in b.versions
        for r in v.levels
    }
    assert len(seen_rows & all_rows) >= 0.6 * len(all_rows), sorted(all_rows - seen_rows)
    if name == "project":
        # the dated provisions are reached too: a 2017-text row, and Art. 37 weighing the two texts
        assert "art37/provisions" in seen_rows
        assert {
            "branch/illegal_construction/not_correctable_demolish",
            "branch/illegal_construction/cannot_demolish_confiscate",
        } <= seen_rows
        assert any(rule.startswith("order_first/") for rule in seen_rows)
        assert any(rule.endswith("_2017") for rule in seen_rows), sorted(r for r in seen_rows if "/" in r)
