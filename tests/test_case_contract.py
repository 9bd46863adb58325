"""One case contract: a stored case file (and a stored report) maps to the engine's input in one place.

``workbench.engine.inputs.case_input_from_record`` / ``case_file_document`` / ``report_input_from_record``
replaced four copies of the case mapping and two of the report mapping (issue 11). This test first compared
them with the old copies on the demo county; it stays as a regression test on the demo county's engine
answers (tests/fixtures/demo_county_answers.json, computed with the old code path before it was deleted).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.engine import get_engine as get_decision_engine
from workbench.engine.inputs import (
    case_file_document,
    case_input_from_record,
    report_input_from_record,
)
from workbench.store import models as m
from workbench.store.db import dispose_engines, session_scope

ANCHOR = dt.date(2026, 6, 30)  # as in tests/store/conftest.py
SMALL = {"cases": 300, "reports": 120}
SNAPSHOT = Path(__file__).parent / "fixtures" / "demo_county_answers.json"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from workbench.demo import build_demo
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'demo.db'}"
    upgrade(url)
    build_demo(url, seed=7, anchor=ANCHOR, **SMALL)
    with session_scope(url) as s:
        cases = s.execute(select(m.CaseFile).order_by(m.CaseFile.number)).scalars().all()
        reports = s.execute(select(m.Report).order_by(m.Report.number)).scalars().all()
    yield cases, reports
    dispose_engines()


def _columns(row) -> dict:
    return {col.key: getattr(row, col.key) for col in row.__table__.columns}


def answers(cases, reports, engine) -> dict:
    """(number, level, fine range, procedure, ...) of each decided demo case file; each report's classification."""
    out: dict = {"cases": [], "reports": []}
    for c in cases:
        if c.status == "open":  # an open file is decided as of today: not a fixed answer
            continue
        d = engine.decide(case_input_from_record(c)).to_dict()
        rng = d.get("fine_yuan") or {}
        out["cases"].append(
            [
                c.number,
                d.get("penalize"),
                d.get("reason"),
                d.get("level"),
                rng.get("min"),
                rng.get("max"),
                d.get("procedure"),
                d.get("hearing_right"),
                d.get("legal_review"),
                d.get("within_benchmark"),
            ]
        )
    for r in reports:
        t = engine.classify(report_input_from_record(r)).to_dict()
        out["reports"].append(
            [
                r.number,
                t["severity"],
                t["lead"],
                list(t["assist"]),
                t["coordination_level"],
                list(t["escalate_to"]),
                float(t["handle_within_hours"]),
                t["due_at"],
            ]
        )
    return out


def test_every_mapping_of_a_stored_record_is_the_one_function(demo):
    cases, reports = demo
    for c in cases:
        row = _columns(c)
        case = case_input_from_record(c)
        assert case_input_from_record(row) == case, c.number
        # the pre-check's document holds the same engine case (its penalty as the proposal)
        assert case_input_from_record(case_file_document(c)) == case, c.number
        assert case_input_from_record(case_file_document(c), with_penalty=False) == case_input_from_record(
            c, with_penalty=False
        ), c.number
    for r in reports:
        assert report_input_from_record(_columns(r)) == report_input_from_record(r), r.number


def test_the_demo_county_answers_do_not_change(demo):
    cases, reports = demo
    got = answers(cases, reports, get_decision_engine())
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert len(got["cases"]) == len(expected["cases"]) and len(got["reports"]) == len(expected["reports"])
    assert got == expected


if __name__ == "__main__":
    # A deliberate change of the rules that changes the demo county's answers (say which in the commit):
    #   .venv/bin/python tests/test_case_contract.py  -> rewrites the snapshot
    import tempfile

    from workbench.demo import build_demo
    from workbench.store.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.db"
        upgrade(url)
        build_demo(url, seed=7, anchor=ANCHOR, **SMALL)
        with session_scope(url) as s:
            cases = s.execute(select(m.CaseFile).order_by(m.CaseFile.number)).scalars().all()
            reports = s.execute(select(m.Report).order_by(m.Report.number)).scalars().all()
            snapshot = answers(cases, reports, get_decision_engine())
        dispose_engines()
    SNAPSHOT.write_text(json.dumps(snapshot, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{SNAPSHOT}: {len(snapshot['cases'])} case files, {len(snapshot['reports'])} reports")
