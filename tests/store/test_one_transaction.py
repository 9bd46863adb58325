"""One transaction across two services: an import of reports and the triage service's steps (``session=``)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from workbench import triage
from workbench.demo import load_departments
from workbench.importer import import_file
from workbench.store import models as m
from workbench.store.db import session_scope
from workbench.store.migrate import upgrade

TODAY = dt.date(2026, 6, 30)
AT = dt.datetime(2026, 6, 30, 10, 0)
LINES = [
    "number,source,category,received_at,community,key_road,people_affected,flags,status",
    "R2026-000101,hotline,street_vending,2026-06-01 09:30,xiaoshui,false,0,,filed",
    "R2026-000102,camera,street_vending,2026-06-02 10:00,chengbei,false,0,,filed",
]


@pytest.fixture
def db(db_url):
    upgrade(db_url)
    load_departments(db_url)
    return db_url


@pytest.fixture
def reports_csv(tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def _counts(url):
    with session_scope(url) as s:
        return tuple(
            s.execute(select(func.count()).select_from(model)).scalar()
            for model in (m.Report, m.ReportEvent, m.AuditLog)
        )


def _dispatch_all(s):
    for report in s.execute(select(m.Report).order_by(m.Report.number)).scalars():
        triage.dispatch(report.id, "platform_01", at=AT, session=s)


def test_an_import_and_the_triage_steps_commit_together(db, reports_csv):
    with session_scope(db) as s:
        result = import_file(reports_csv, kind="reports", who="clerk", today=TODAY, session=s)
        assert result.inserted == 2 and result.errors == []
        assert _counts(db) == (0, 0, 0)  # nothing committed by the importer itself
        _dispatch_all(s)
    with session_scope(db) as s:
        reports = s.execute(select(m.Report).order_by(m.Report.number)).scalars().all()
        events = s.execute(select(m.ReportEvent.action).order_by(m.ReportEvent.id)).scalars().all()
        audits = s.execute(select(m.AuditLog.action).order_by(m.AuditLog.id)).scalars().all()
    assert [r.status for r in reports] == ["dispatched", "dispatched"]
    assert events == ["import", "import", "dispatch", "dispatch"]
    assert audits == ["import_create", "import_create", "report.dispatch", "report.dispatch"]


def test_a_failure_after_the_import_rolls_back_the_import_and_the_triage_steps(db, reports_csv):
    with pytest.raises(RuntimeError, match="after the steps"):
        with session_scope(db) as s:
            import_file(reports_csv, kind="reports", who="clerk", today=TODAY, session=s)
            _dispatch_all(s)
            raise RuntimeError("after the steps")
    assert _counts(db) == (0, 0, 0)


def test_a_refused_triage_step_rolls_back_the_import(db, reports_csv):
    with pytest.raises(triage.TriageInputError):
        with session_scope(db) as s:
            import_file(reports_csv, kind="reports", who="clerk", today=TODAY, session=s)
            report = s.execute(select(m.Report).order_by(m.Report.number)).scalars().first()
            triage.dispatch(report.id, "platform_01", department="no_such_department", at=AT, session=s)
    assert _counts(db) == (0, 0, 0)
    # the same import on its own is its own transaction
    assert import_file(reports_csv, kind="reports", who="clerk", today=TODAY, url=db).inserted == 2
    assert _counts(db) == (2, 2, 2)
