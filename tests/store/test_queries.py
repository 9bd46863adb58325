"""The apps' queries on a small demo county, on SQLite and PostgreSQL."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt

import pytest
from sqlalchemy import select

from workbench.demo import build_demo
from workbench.engine.inputs import case_file_document
from workbench.errors import InputError
from workbench.store import models as m
from workbench.store import queries as q
from workbench.store.db import dispose_engines, session_scope
from workbench.store.migrate import upgrade

ANCHOR = dt.date(2026, 6, 30)
NOW = dt.datetime.combine(ANCHOR, dt.time(17, 30))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_url(request, tmp_path_factory, pg_database):
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('queries') / 'demo.db'}"
            stack.callback(dispose_engines)
        else:
            url = stack.enter_context(pg_database())
        upgrade(url)
        build_demo(url, seed=11, anchor=ANCHOR, cases=400, reports=300)
        yield url


def _all(url, model):
    with session_scope(url) as s:
        return s.execute(select(model)).scalars().all()


def test_open_reports_of_a_department(demo_url):
    reports = _all(demo_url, m.Report)
    lead = collections.Counter(r.lead for r in reports if r.status in m.OPEN_REPORT_STATUSES).most_common(1)[0][0]
    with session_scope(demo_url) as s:
        got = q.open_reports(s, lead)
        everyone = q.open_reports(s)
        assisting = q.open_reports(s, lead, include_assisting=True)
    expected = {r.number for r in reports if r.lead == lead and r.status in m.OPEN_REPORT_STATUSES}
    assert {r.number for r in got} == expected and expected
    assert [r.due_at for r in got] == sorted(r.due_at for r in got)
    assert {r.number for r in everyone} == {r.number for r in reports if r.status in m.OPEN_REPORT_STATUSES}
    assert {r.number for r in assisting} >= expected
    assert all(r.lead == lead or lead in r.assist for r in assisting)


def test_overdue_reports(demo_url):
    reports = _all(demo_url, m.Report)
    with session_scope(demo_url) as s:
        got = q.overdue_reports(s, NOW)
    expected = {r.number for r in reports if r.status in m.OPEN_REPORT_STATUSES and r.due_at < NOW}
    assert {r.number for r in got} == expected and expected
    assert [r.due_at for r in got] == sorted(r.due_at for r in got)


def test_counts_by_violation_and_level(demo_url):
    cases = [c for c in _all(demo_url, m.CaseFile) if c.decision_date]
    with session_scope(demo_url) as s:
        got = q.case_counts_by_violation_and_level(s)
        one = q.case_counts_by_violation_and_level(s, department="greening")
    expected = collections.Counter((c.violation, c.level_applied) for c in cases)
    assert {(v, lvl): n for v, lvl, n, _ in got} == dict(expected)
    fines = collections.defaultdict(int)
    for c in cases:
        fines[(c.violation, c.level_applied)] += c.fine_yuan or 0
    assert all((total or 0) == fines[(v, lvl)] for v, lvl, _, total in got)
    assert {v for v, *_ in one} <= {"damaging_greenery"}


def test_stratified_sample_is_reproducible_and_proportional(demo_url):
    with session_scope(demo_url) as s:
        first = q.stratified_case_sample(s, 100, seed=42)
        again = q.stratified_case_sample(s, 100, seed=42)
        other = q.stratified_case_sample(s, 100, seed=43)
        by_violation = q.stratified_case_sample(s, 50, seed=1, by="violation")
        with pytest.raises(InputError):
            q.stratified_case_sample(s, 10, seed=1, by="party_name_masked")
    assert first == again and first != other
    assert len(first) == 100 and len({i for i, _ in first}) == 100
    decided = [c for c in _all(demo_url, m.CaseFile) if c.decision_date]
    sizes = collections.Counter(c.department_code for c in decided)
    taken = collections.Counter(stratum for _, stratum in first)
    assert set(taken) == set(sizes)  # every department with files is represented
    for department, n in sizes.items():
        assert abs(taken[department] - 100 * n / len(decided)) <= 1.5
    ids = {c.id: c for c in decided}
    assert all(ids[i].department_code == stratum for i, stratum in first)
    assert {stratum for _, stratum in by_violation} == {c.violation for c in decided}


def test_case_file_dict_never_shows_planted_defects(demo_url):
    with session_scope(demo_url) as s:
        sample = q.stratified_case_sample(s, 20, seed=3)
        files = [dict(case_file_document(c), id=c.id) for c in q.case_files_by_id(s, [i for i, _ in sample])]
    assert len(files) == 20 and [f["id"] for f in files] == [i for i, _ in sample]
    assert all("planted_defects" not in f and f["case_id"] and f["party"]["kind"] for f in files)
