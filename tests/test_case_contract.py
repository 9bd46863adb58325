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
from workbench.engine.inputs import case_file_document, case_input_from_record, report_input_from_record
from workbench.store import models as m
from workbench.store.db import dispose_engines, session_scope

ANCHOR = dt.date(2026, 6, 30)  # as in tests/store/conftest.py
SMALL = {"cases": 300, "reports": 120}
SNAPSHOT = Path(__file__).parent / "fixtures" / "demo_county_answers.json"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from workbench.store.demo import build_demo
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
    """(number, level, fine range, procedure, ...) of every decided demo case file; the classification of every report."""
    out: dict = {"cases": [], "reports": []}
    for c in cases:
        if c.status == "open":  # an open file is decided as of today: not a fixed answer
            continue
        d = engine.decide(case_input_from_record(c)).to_dict()
        rng = d.get("fine_yuan") or {}
        out["cases"].append([c.number, d.get("penalize"), d.get("reason"), d.get("level"), rng.get("min"), rng.get("max"),
                             d.get("procedure"), d.get("hearing_right"), d.get("legal_review"), d.get("within_benchmark")])
    for r in reports:
        t = engine.classify(report_input_from_record(r)).to_dict()
        out["reports"].append([r.number, t["severity"], t["lead"], list(t["assist"]), t["coordination_level"],
                               list(t["escalate_to"]), float(t["handle_within_hours"]), t["due_at"]])
    return out


def test_every_mapping_of_a_stored_record_is_the_one_function(demo):
    cases, reports = demo
    for c in cases:
        row = _columns(c)
        case = case_input_from_record(c)
        assert case_input_from_record(row) == case, c.number
        # the pre-check's document holds the same engine case (its penalty as the proposal)
        assert case_input_from_record(case_file_document(c)) == case, c.number
        assert case_input_from_record(case_file_document(c), with_penalty=False) == \
            case_input_from_record(c, with_penalty=False), c.number
    for r in reports:
        assert report_input_from_record(_columns(r)) == report_input_from_record(r), r.number


def test_the_demo_county_answers_do_not_change(demo):
    cases, reports = demo
    got = answers(cases, reports, get_decision_engine())
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert len(got["cases"]) == len(expected["cases"]) and len(got["reports"]) == len(expected["reports"])
    assert got == expected


# -- while the old copies exist (removed with them) --------------------------------------------------------------------


def old_answers(cases, reports, engine) -> dict:
    """``answers`` through the OLD code path (store.demo.case_for_engine, triage.engine_input)."""
    from workbench import triage
    from workbench.store.demo import case_for_engine

    class Fake:
        def decide(self, case):
            return engine.decide(case)

        def classify(self, report):
            return engine.classify(report)

    out: dict = {"cases": [], "reports": []}
    for c in cases:
        if c.status == "open":
            continue
        d = engine.decide(case_for_engine(_columns(c))).to_dict()
        rng = d.get("fine_yuan") or {}
        out["cases"].append([c.number, d.get("penalize"), d.get("reason"), d.get("level"), rng.get("min"), rng.get("max"),
                             d.get("procedure"), d.get("hearing_right"), d.get("legal_review"), d.get("within_benchmark")])
    for r in reports:
        t = engine.classify(triage.engine_input(r)).to_dict()
        out["reports"].append([r.number, t["severity"], t["lead"], list(t["assist"]), t["coordination_level"],
                               list(t["escalate_to"]), float(t["handle_within_hours"]), t["due_at"]])
    return out


def test_old_copies_agree(demo):
    from workbench import triage
    from workbench.review import precheck
    from workbench.store import importing
    from workbench.store.demo import case_for_engine
    from workbench.store.queries import case_file_dict

    cases, reports = demo
    engine = get_decision_engine()

    class Recording:
        rulebook = engine.rulebook

        def __init__(self):
            self.seen = []

        def decide(self, case):
            self.seen.append(case)
            return engine.decide(case)

        def classify(self, report):
            self.seen.append(report)
            return engine.classify(report)

    departments = {d for d in engine.rulebook.departments}
    officers = {o for c in cases for o in c.officers}
    ctx = importing._Context(today=ANCHOR, book=engine.rulebook, departments=departments, officers=officers)
    differ = {"import": 0, "precheck": 0, "case_file_dict": 0, "demo": 0}
    for c in cases:
        row = _columns(c)
        new = case_input_from_record(c)
        if case_for_engine(row) != new:
            differ["demo"] += 1
        assert case_for_engine(row, with_penalty=False) == case_input_from_record(c, with_penalty=False)
        old_doc = case_file_dict(c)
        if old_doc != case_file_document(c):
            differ["case_file_dict"] += 1
        if precheck.engine_case(precheck.parse_case_file(old_doc)) != new:
            differ["precheck"] += 1
        v = dict(row, party_name=row["party_name_masked"], party_id=row["party_id_masked"],
                 department=row["department_code"])
        rec = Recording()
        importing._case_record(v, ctx, rec)
        if rec.seen[-1] != new:
            differ["import"] += 1
    assert differ == {"import": 0, "precheck": 0, "case_file_dict": 0, "demo": 0}
    report_differ = {"triage": 0, "import_input": 0, "import_answer": 0}
    for r in reports:
        row = _columns(r)
        new = report_input_from_record(r)
        if triage.engine_input(r) != new:
            report_differ["triage"] += 1
        v = dict(row, reporter=None)
        rec = Recording()
        importing._report_record(v, ctx, rec)
        if rec.seen[-1] != new:
            report_differ["import_input"] += 1
        if engine.classify(rec.seen[-1]).to_dict() != engine.classify(new).to_dict():
            report_differ["import_answer"] += 1
    print("report mappings that differ from report_input_from_record:", report_differ)
    assert report_differ["triage"] == 0 and report_differ["import_answer"] == 0
    assert old_answers(cases, reports, engine) == answers(cases, reports, engine)


def test_write_snapshot(demo):
    import os
    if not os.environ.get("WRITE_SNAPSHOT"):
        pytest.skip("set WRITE_SNAPSHOT=1 to write it")
    cases, reports = demo
    SNAPSHOT.write_text(json.dumps(old_answers(cases, reports, get_decision_engine()), ensure_ascii=False) + "\n",
                        encoding="utf-8")
