"""The demo county: reproducible, shaped as the issue asks, and its planted defects real by the engine."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from sqlalchemy import select, text

from workbench.cli import main
from workbench.demo import build_demo
from workbench.engine import get_engine as get_decision_engine
from workbench.engine.inputs import case_input_from_record
from workbench.errors import WorkbenchError
from workbench.rulebook.vocabulary import vocabulary
from workbench.store import models as m
from workbench.store.db import get_engine, session_scope
from workbench.store.migrate import upgrade

ANCHOR = dt.date(2026, 6, 30)  # as in conftest.py
SMALL = {"cases": 300, "reports": 120}  # as in conftest.py


def _dump(url):
    """Every row of every demo table, without surrogate ids, in natural-key order."""
    out = {}
    with get_engine(url).connect() as conn:
        for table, key in (
            ("department", "code"),
            ("officer", "number"),
            ("judicial_office", "code"),
            ("case_file", "number"),
            ("report", "number"),
            ("store_meta", "key"),
        ):
            cols = [c for c in m.metadata.tables[table].c.keys() if c != "id"]
            out[table] = [tuple(r) for r in conn.execute(text(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {key}"))]
        out["report_event"] = [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT r.number, e.at, e.action, e.from_status, e.to_status, e.who, e.note FROM report_event e "
                    "JOIN report r ON r.id = e.report_id ORDER BY r.number, e.id"
                )
            )
        ]
    return out


def test_same_seed_same_data(tmp_path, small_demo):
    url, _ = small_demo
    again = f"sqlite:///{tmp_path / 'again.db'}"
    upgrade(again)
    build_demo(again, seed=7, anchor=ANCHOR, **SMALL)
    assert _dump(again) == _dump(url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other)
    build_demo(other, seed=8, anchor=ANCHOR, **SMALL)
    assert _dump(other)["case_file"] != _dump(url)["case_file"]


def test_county_shape(small_demo):
    url, summary = small_demo
    book = get_decision_engine().rulebook
    with session_scope(url) as s:
        departments = s.execute(select(m.Department.code)).scalars().all()
        officers = s.execute(select(m.Officer)).scalars().all()
        cases = s.execute(select(m.CaseFile)).scalars().all()
        reports = s.execute(select(m.Report)).scalars().all()
        offices = s.execute(select(m.JudicialOffice)).scalars().all()
    assert sorted(departments) == sorted(book.departments) and len(departments) == 34
    assert len(officers) == 472 and len(offices) == 12
    assert len(cases) == SMALL["cases"] and len(reports) == SMALL["reports"]
    numbers = {o.number for o in officers}
    assert all(o.ab_partner in numbers for o in officers if o.ab_partner)
    # three years of files up to the anchor, across the catalogue
    assert min(c.act_date for c in cases).year <= ANCHOR.year - 2
    assert max(c.decision_date for c in cases if c.decision_date) <= ANCHOR
    assert len({c.violation for c in cases}) == len(book.violations)
    assert {c.department_code for c in cases} <= set(departments)
    assert all(set(c.officers) <= numbers for c in cases)
    # names and ids masked
    assert all("*" in c.party_name_masked and "*" in c.party_id_masked for c in cases)
    assert all("*" in o.name_masked for o in officers)
    # reports from every source, classified by the engine
    assert {r.source for r in reports} == {
        "camera",
        "hotline",
        "call_centre",
        "patrol",
        "joint_patrol",
        "media",
        "leader",
    }
    assert all(r.rules_version == book.version and r.lead and r.due_at for r in reports)
    open_ = [r for r in reports if r.status in m.OPEN_REPORT_STATUSES]
    now = dt.datetime.combine(ANCHOR, dt.time(17, 30))
    assert any(r.due_at < now for r in open_), "some open reports must be overdue"
    assert summary.overdue_reports == sum(1 for r in open_ if r.due_at < now)


def test_about_one_file_in_six_has_a_planted_defect(small_demo):
    url, summary = small_demo
    with session_scope(url) as s:
        cases = s.execute(select(m.CaseFile)).scalars().all()
    planted = [c for c in cases if c.planted_defects]
    assert 0.11 <= len(planted) / len(cases) <= 0.23
    kinds = {k for c in planted for k in c.planted_defects}
    assert kinds == set(vocabulary().codes("defect_kinds"))
    assert all(len(c.planted_defects) == 1 for c in planted)
    assert sum(summary.defects.values()) == len(planted)


def test_planted_defects_are_what_the_engine_sees(small_demo):
    url, _ = small_demo
    engine = get_decision_engine()
    with session_scope(url) as s:
        cases = s.execute(select(m.CaseFile).where(m.CaseFile.status != "open")).scalars().all()
    for c in cases:
        row = {col.key: getattr(c, col.key) for col in m.CaseFile.__table__.columns}
        d = engine.decide(case_input_from_record(row)).to_dict()
        kind = c.planted_defects[0] if c.planted_defects else None
        if kind == "time_barred":
            assert d["penalize"] is False and d["reason"] == "time_barred" and c.fine_yuan, c.number
            continue
        if kind == "officers_fewer_than_two":
            assert len(set(c.officers)) == 1
        else:
            assert len(set(c.officers)) >= 2, c.number
        if kind == "decision_over_90_days":
            assert (c.decision_date - c.filing_date).days > 90
        elif c.filing_date:
            assert (c.decision_date - c.filing_date).days <= 90, c.number
        if not d["penalize"]:
            assert not c.fine_yuan, c.number
            continue
        missing_notice = d["hearing_right"] and "hearing_notice" not in c.documents
        assert (kind == "hearing_notice_missing") == missing_notice, c.number
        assert not d["legal_review"] or "legal_review_opinion" in c.documents, c.number
        if kind in ("fine_outside_benchmark", "mitigation_not_applied"):
            assert d["within_benchmark"] is False, c.number
            above_mitigated = d["mandatory_mitigation"] and c.fine_yuan > d["fine_yuan"]["max"]
            assert above_mitigated == (kind == "mitigation_not_applied"), c.number
        else:
            assert d["within_benchmark"] is True, (c.number, kind, c.fine_yuan, d["fine_yuan"])


def test_review_precheck_finds_exactly_the_planted_defects(small_demo):
    """The demo is made to be reviewed: the Review desk's pre-check must find what was planted, and nothing else."""
    precheck = pytest.importorskip("workbench.review.precheck")
    from workbench.engine.inputs import case_file_document

    url, _ = small_demo
    engine = get_decision_engine()
    with session_scope(url) as s:
        cases = s.execute(select(m.CaseFile).where(m.CaseFile.status != "open")).scalars().all()
    missed, extra = [], []
    for c in cases:
        found = {f.code for f in precheck.precheck(case_file_document(c), engine=engine)}
        missed += [(c.number, k) for k in set(c.planted_defects) - found]
        extra += [(c.number, k) for k in found - set(c.planted_defects)]
    assert missed == [] and extra == []


def test_some_officers_fine_systematically_high_or_low(small_demo):
    url, _ = small_demo
    with session_scope(url) as s:
        bias = {o.number: o.planted_bias for o in s.execute(select(m.Officer)).scalars()}
        cases = s.execute(select(m.CaseFile).where(m.CaseFile.fine_yuan.is_not(None))).scalars().all()
    position = {"high": [], "low": [], "neutral": []}
    for c in cases:
        if c.planted_defects or c.recommended_max is None or c.recommended_max <= c.recommended_min:
            continue
        share = (c.fine_yuan - c.recommended_min) / (c.recommended_max - c.recommended_min)
        b = bias[c.lead_officer]
        position["neutral" if b is None else "high" if b > 0.5 else "low"].append(share)
    assert position["high"] and position["low"]
    high, neutral, low = (statistics.mean(position[k]) for k in ("high", "neutral", "low"))
    assert high > 0.8 > neutral > 0.2 > low


def test_init_demo_twice_keeps_the_county_and_rebuild_reproduces_it(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["init", "--db", url, "--demo", "--anchor", ANCHOR.isoformat(), "--cases", "60", "--reports", "30"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "60 case files" in out and "30 reports" in out
    first = _dump(url)
    assert main(args) == 0
    assert "already built" in capsys.readouterr().out
    assert _dump(url) == first
    assert main(args + ["--rebuild"]) == 0
    assert _dump(url) == first


def test_demo_refuses_a_database_with_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    upgrade(url)
    build_demo(url, seed=1, anchor=ANCHOR, cases=10, reports=5)
    with pytest.raises(WorkbenchError, match="--rebuild"):
        build_demo(url, seed=1, anchor=ANCHOR, cases=10, reports=5)


def test_bad_anchor_is_an_input_error(tmp_path, capsys):
    assert main(["init", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--demo", "--anchor", "2026-13-01"]) == 2
    assert "--anchor" in capsys.readouterr().err
