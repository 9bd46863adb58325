"""Two people changing the same record: never a silent overwrite; every change audited; the log append-only."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from workbench.errors import InputError
from workbench.store import models as m
from workbench.store.audit import AuditLogError, audit, update_record
from workbench.store.db import StaleRecordError, get_engine, session_scope


@pytest.fixture
def report_id(migrated):
    with session_scope(migrated) as s:
        report = m.Report(
            number="R2026-000001",
            source="hotline",
            category="street_vending",
            received_at=dt.datetime(2026, 6, 1, 9, 30),
            lead="urban_management",
            status="received",
        )
        s.add(report)
        s.flush()
        return report.id


def _audits(url):
    with session_scope(url) as s:
        return s.execute(select(m.AuditLog).order_by(m.AuditLog.id)).scalars().all()


def test_second_writer_with_an_old_version_is_refused_with_a_clear_message(migrated, report_id):
    with session_scope(migrated) as s:
        seen = s.get(m.Report, report_id).version  # both people open version 1
    with session_scope(migrated) as s:
        update_record(s, m.Report, report_id, seen, {"status": "dispatched"}, who="platform_01", action="dispatch")
    with pytest.raises(StaleRecordError) as caught:
        with session_scope(migrated) as s:
            update_record(s, m.Report, report_id, seen, {"status": "cancelled"}, who="platform_02", action="cancel")
    message = str(caught.value)
    assert "R2026-000001" in message and "version 1" in message and "now version 2" in message and "Reload" in message
    with session_scope(migrated) as s:
        report = s.get(m.Report, report_id)
        assert (report.status, report.version) == ("dispatched", 2)
    audits = _audits(migrated)
    assert [(a.who, a.action, a.before, a.after) for a in audits] == [
        ("platform_01", "dispatch", {"status": "received"}, {"status": "dispatched"})
    ]


def test_orm_sessions_racing_on_one_row_fail_at_flush(migrated, report_id):
    engine = get_engine(migrated)
    first, second = Session(engine), Session(engine)
    try:
        a, b = first.get(m.Report, report_id), second.get(m.Report, report_id)
        a.severity = "major"
        first.commit()
        b.severity = "general"
        with pytest.raises(Exception) as caught:
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()
    assert "StaleDataError" in type(caught.value).__name__
    with session_scope(migrated) as s:
        assert s.get(m.Report, report_id).severity == "major"


def test_stale_write_inside_session_scope_becomes_stale_record_error(migrated, report_id):
    with pytest.raises(StaleRecordError, match="report record was changed by someone else"):
        with session_scope(migrated) as s:
            report = s.get(m.Report, report_id)
            with session_scope(migrated) as other:
                other.get(m.Report, report_id).lead = "police"
            report.lead = "market_regulation"  # the UPDATE at commit finds version 2, not 1
    with session_scope(migrated) as s:
        assert s.get(m.Report, report_id).lead == "police"


def test_concurrent_threads_exactly_one_wins(migrated, report_id):
    results = []
    barrier = threading.Barrier(4)

    def worker(name):
        barrier.wait()
        try:
            with session_scope(migrated) as s:
                update_record(s, m.Report, report_id, 1, {"assigned_to": name}, who=name)
            results.append(("ok", name))
        except StaleRecordError:
            results.append(("stale", name))

    threads = [threading.Thread(target=worker, args=(f"staff_{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [n for r, n in results if r == "ok"]
    assert len(winners) == 1 and len(results) == 4
    with session_scope(migrated) as s:
        report = s.get(m.Report, report_id)
        assert report.assigned_to == winners[0] and report.version == 2
        assert s.execute(select(func.count()).select_from(m.AuditLog)).scalar() == 1


def test_a_failed_change_leaves_no_trace(migrated, report_id):
    with pytest.raises(RuntimeError):
        with session_scope(migrated) as s:
            update_record(s, m.Report, report_id, 1, {"status": "closed"}, who="platform_01")
            raise RuntimeError("the dispatch step after it failed")
    with session_scope(migrated) as s:
        assert s.get(m.Report, report_id).status == "received"
    assert _audits(migrated) == []


def test_deleted_record_and_bad_fields(migrated, report_id):
    with session_scope(migrated) as s:
        with pytest.raises(StaleRecordError, match="deleted"):
            update_record(s, m.Report, 99999, 1, {"status": "closed"}, who="x")
        with pytest.raises(InputError, match="no field"):
            update_record(s, m.Report, report_id, 1, {"colour": "red"}, who="x")
        with pytest.raises(InputError, match="version"):
            update_record(s, m.Report, report_id, 1, {"version": 7}, who="x")
        with pytest.raises(InputError, match="who"):
            audit(s, "", "update", "report", report_id)
    unchanged = None
    with session_scope(migrated) as s:
        unchanged = update_record(s, m.Report, report_id, 1, {"status": "received"}, who="x")
    assert unchanged.version == 1 and _audits(migrated) == []  # nothing changed, nothing logged


def test_audit_log_is_append_only(migrated, report_id):
    with session_scope(migrated) as s:
        update_record(s, m.Report, report_id, 1, {"status": "filed"}, who="platform_01", action="file")
    with pytest.raises(AuditLogError):
        with session_scope(migrated) as s:
            entry = s.execute(select(m.AuditLog)).scalar_one()
            entry.who = "someone_else"
    with pytest.raises(AuditLogError):
        with session_scope(migrated) as s:
            s.delete(s.execute(select(m.AuditLog)).scalar_one())
    assert [a.who for a in _audits(migrated)] == ["platform_01"]
