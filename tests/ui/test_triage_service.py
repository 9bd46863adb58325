"""The triage service (workbench/triage/): intake, the workflow's rules, overrides, overdue, dashboard."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func
from sqlmodel import select

from workbench import triage as service
from workbench.engine import get_engine
from workbench.errors import InputError
from workbench.store import StaleRecordError, session_scope
from workbench.store.models import AuditLog, Department, Report, ReportEvent
from workbench.triage import receiving

from .conftest import NOW


def intake(url, at=NOW, **form):
    form.setdefault("source", "hotline")
    form.setdefault("category", "street_vending")
    return service.intake(form, "staff-1", at=at, url=url)


def test_intake_classifies_with_the_one_engine_and_numbers_reports_by_year(db_url):
    first = intake(db_url, received_at=NOW - dt.timedelta(hours=1), key_road=True, flags=["repeat_complaint"])
    second = intake(db_url, category="illegal_construction")
    assert (first.number, second.number) == ("R2026-000001", "R2026-000002")
    with session_scope(db_url) as s:
        report = s.get(Report, first.report_id)
    expected = get_engine().classify(service.engine_input(report)).to_dict()
    assert report.classification_by_engine == expected
    assert report.rules_version == get_engine().rulebook.version
    assert report.basis == expected["basis"] and report.trace == expected["trace"]
    assert report.flags == ["repeat_complaint"] and report.key_road


@pytest.mark.parametrize(
    "form, field",
    [
        ({"source": "pigeon"}, "source"),
        ({"category": ""}, "category"),
        ({"people_affected": -1}, "people_affected"),
        ({"people_affected": "many"}, "people_affected"),
        ({"flags": ["aliens"]}, "flags"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": NOW + dt.timedelta(days=1)}, "received_at"),
    ],
)
def test_malformed_forms_are_refused_before_anything_is_stored(db_url, form, field):
    with pytest.raises(InputError) as caught:
        intake(db_url, **form)
    assert caught.value.field == field
    assert service.queue(status=None, at=NOW, url=db_url) == []


def test_a_report_the_rules_cannot_classify_is_kept(db_url):
    result = intake(db_url, category="retired_category")
    assert not result.classified and "retired_category" in result.problem
    rows = service.queue(at=NOW, url=db_url)
    assert [r["number"] for r in rows] == [result.number] and rows[0]["status"] == "received"
    assert "retired_category" in service.problem_of(result.report_id, db_url)
    with pytest.raises(service.TriageError, match="no classification"):
        service.dispatch(result.report_id, "staff-1", at=NOW, url=db_url)


def test_actions_must_fit_the_status(db_url):
    rid = intake(db_url).report_id
    with pytest.raises(service.TriageError, match="needs status Dispatched 已派遣 or Handling 处置中") as caught:
        service.record_feedback(rid, "x", "done", at=NOW, url=db_url)
    assert "“处置反馈”只能在“已派遣或处置中”状态下进行" in str(caught.value)  # "中文 · English" without the UI
    with pytest.raises(service.TriageError):
        service.verify(rid, "x", True, at=NOW, url=db_url)
    service.dispatch(rid, "x", at=NOW, url=db_url)
    with pytest.raises(service.TriageError):
        service.dispatch(rid, "x", at=NOW, url=db_url)
    with pytest.raises(InputError, match="itself"):
        service.request_support(rid, "x", "urban_management", at=NOW, url=db_url)
    with pytest.raises(InputError, match="unknown department"):
        service.request_support(rid, "x", "ministry_of_magic", at=NOW, url=db_url)
    with pytest.raises(InputError, match="besides the lead"):
        service.open_joint_action(rid, "x", "urban_management", ["urban_management"], at=NOW, url=db_url)
    with pytest.raises(InputError, match="what was done"):
        service.record_feedback(rid, "x", "  ", at=NOW, url=db_url)


def test_progress_feedback_keeps_the_report_in_handling(db_url):
    rid = intake(db_url).report_id
    service.dispatch(rid, "x", at=NOW, url=db_url)
    service.record_feedback(rid, "x", "正在清理", done=False, at=NOW, url=db_url)
    assert service.get_report(rid, db_url).status == "handling"
    service.record_feedback(rid, "x", "清理完毕", done=True, at=NOW, url=db_url)
    assert service.get_report(rid, db_url).status == "verifying"


def test_a_stale_version_is_refused(db_url):
    rid = intake(db_url).report_id
    version = service.get_report(rid, db_url).version
    service.escalate(rid, "a", at=NOW, url=db_url, version=version)
    with pytest.raises(StaleRecordError):
        service.dispatch(rid, "b", at=NOW, url=db_url, version=version)


def test_override_rules(db_url):
    rid = intake(db_url).report_id
    with pytest.raises(InputError, match="reason"):
        service.override(rid, "x", "ok", {"severity": "major"}, at=NOW, url=db_url)
    with pytest.raises(InputError, match="cannot override"):
        service.override(rid, "x", "long enough", {"basis": []}, at=NOW, url=db_url)
    with pytest.raises(InputError, match="changes nothing"):
        service.override(rid, "x", "long enough", {"lead": service.get_report(rid, db_url).lead}, at=NOW, url=db_url)
    with pytest.raises(InputError, match="severity"):
        service.override(rid, "x", "long enough", {"severity": "apocalyptic"}, at=NOW, url=db_url)
    service.override(rid, "x", "河道管理归水利", {"lead": "water", "handle_within_hours": 48}, at=NOW, url=db_url)
    report = service.get_report(rid, db_url)
    assert report.lead == "water" and report.due_at == report.received_at + dt.timedelta(hours=48)
    stats = service.override_stats(db_url)
    assert stats["overrides"] == 1 and stats["by_category"] == {"street_vending": 1}
    assert stats["by_field"] == {"lead": 1, "handle_within_hours": 1}
    assert stats["items"][0]["changed"]["lead"] == {"engine": "urban_management", "staff": "water"}
    with pytest.raises(service.TriageError, match="override"):
        service.reclassify(rid, "x", at=NOW, url=db_url)


def test_every_step_is_audited(db_url):
    rid = intake(db_url).report_id
    service.dispatch(rid, "x", at=NOW, url=db_url)
    with session_scope(db_url) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.entity_id == str(rid)).order_by(AuditLog.id))
        actions = [a.action for a in rows]
    assert actions == ["report.receive", "report.classify", "report.dispatch"]


def test_overdue_counts_only_open_reports_past_their_deadline(db_url):
    late = intake(db_url, received_at=NOW - dt.timedelta(hours=10)).report_id
    closed_late = intake(db_url, received_at=NOW - dt.timedelta(hours=10)).report_id
    intake(db_url)  # on time
    service.dispatch(closed_late, "x", at=NOW, url=db_url)
    service.record_feedback(closed_late, "x", "done", at=NOW, url=db_url)
    service.verify(closed_late, "x", True, at=NOW, url=db_url)
    rows = service.overdue(at=NOW, url=db_url)
    hours = service.get_report(late, db_url).handle_within_hours
    assert [(r["id"], r["overdue_hours"]) for r in rows] == [(late, pytest.approx(10 - hours))]
    assert service.overdue_by_department(at=NOW, url=db_url) == [
        {
            "department": "urban_management",
            "count": 1,
            "max_overdue_hours": rows[0]["overdue_hours"],
            "total_overdue_hours": rows[0]["overdue_hours"],
        }
    ]


def test_dashboard_series_cover_each_day(db_url):
    intake(db_url, received_at=NOW - dt.timedelta(days=2), source="camera")
    intake(db_url, received_at=NOW, source="camera")
    intake(db_url, received_at=NOW - dt.timedelta(days=40), source="camera")  # outside 30 days
    data = service.dashboard_data(days=30, at=NOW, url=db_url)
    assert len(data["dates"]) == 30 and data["dates"][-1] == NOW.date()
    assert data["series"]["source"]["camera"][-1] == 1 and data["series"]["source"]["camera"][-3] == 1
    assert data["totals"]["source"] == {"camera": 2} and data["count"] == 2


def test_refusals_carry_a_message_key_and_read_in_both_languages(db_url):
    rid = intake(db_url).report_id
    with pytest.raises(InputError) as caught:
        service.override(rid, "x", "ok", {"severity": "major"}, at=NOW, url=db_url)
    message = service.message_of(caught.value)
    assert caught.value.field == "reason"
    assert message == service.Message("triage_reason_required", {"min": service.MIN_REASON_CHARS})
    assert message.text("zh") == f"人工改判须写明理由（至少 {service.MIN_REASON_CHARS} 个字）"
    assert message.text("en").startswith("an override needs a written reason")
    assert str(caught.value) == f"reason: {message.text('zh')} · {message.text('en')}"

    for step in (
        lambda: service.dispatch(rid, "x", at=NOW, url=db_url),
        lambda: service.record_feedback(rid, "x", "done", at=NOW, url=db_url),
        lambda: service.verify(rid, "x", True, at=NOW, url=db_url),
    ):
        step()
    with pytest.raises(service.TriageError) as caught:
        service.dispatch(rid, "x", at=NOW, url=db_url)
    message = service.message_of(caught.value)
    assert message.key == "triage_wrong_status"
    assert message.text("zh").endswith("当前状态为“已结案”，“派遣”只能在“已立案”状态下进行")
    assert message.text("en").endswith("is Closed 已结案; 'dispatch 派遣' needs status Filed 已立案")
    # an app renders the same message through its own translator
    assert message.render(lambda key, **fmt: f"<{key}>") == "<triage_wrong_status>"


def test_a_stale_version_is_refused_in_both_languages(db_url):
    rid = intake(db_url).report_id
    version = service.get_report(rid, db_url).version
    service.escalate(rid, "a", at=NOW, url=db_url, version=version)
    with pytest.raises(StaleRecordError) as caught:
        service.dispatch(rid, "b", at=NOW, url=db_url, version=version)
    text = str(caught.value)
    assert "已被其他席位修改" in text and "changed by someone else" in text
    assert service.message_of(caught.value).params == {
        "number": "R2026-000001",
        "expected": version,
        "found": version + 1,
    }


def test_why_a_report_is_unclassified_is_kept_by_key(db_url):
    result = intake(db_url, category="retired_category")
    assert result.message.key == "triage_classify_failed" and "retired_category" in result.message.params["detail"]
    assert result.problem == str(result.message)
    assert service.problem_message(result.report_id, db_url) == result.message  # read back from the stored event
    assert service.problem_message(intake(db_url).report_id, db_url) is None


# --------------------------------------------------------------------------- several desks at once


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request, pg_database):
    """One store several desks write to: the SQLite file of ``db_url``, or a fresh PostgreSQL database
    (tests/conftest.py: skipped without WORKBENCH_TEST_PG_URL, failed when CI_REQUIRE_PG is set)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("db_url")
        return
    from workbench.store.migrate import upgrade

    with pg_database() as url:
        upgrade(url)
        with session_scope(url) as s:
            for code, d in get_engine().rulebook.departments.items():
                s.add(Department(code=code, name_zh=d.name_zh, name_en=d.name_en, kind=d.kind))
        yield url


DESKS, REPORTS_PER_DESK = 6, 3


def test_desks_filing_at_the_same_moment_all_succeed_with_distinct_numbers(shared_url):
    start = threading.Barrier(DESKS)
    results: dict[tuple[int, int], service.IntakeResult] = {}
    errors: list[BaseException] = []

    def desk(i: int) -> None:
        start.wait()
        for k in range(REPORTS_PER_DESK):
            form = {"source": "hotline", "category": "street_vending", "description": f"desk {i} report {k}"}
            try:
                results[(i, k)] = service.intake(form, f"desk-{i}", at=NOW, url=shared_url)
            except BaseException as exc:  # noqa: BLE001 - collected and shown below
                errors.append(exc)

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(DESKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    total = DESKS * REPORTS_PER_DESK
    numbers = [r.number for r in results.values()]
    assert len(results) == total and len(set(numbers)) == total
    assert sorted(numbers) == [f"R2026-{n:06d}" for n in range(1, total + 1)]  # the format kept, no gaps
    with session_scope(shared_url) as s:
        assert s.exec(select(func.count()).select_from(Report)).one() == total
        assert s.exec(select(func.count()).select_from(ReportEvent)).one() == 2 * total  # nothing left of a failed try
    for (i, k), result in results.items():
        report = service.get_report(result.report_id, shared_url)
        assert report.number == result.number and report.description == f"desk {i} report {k}"
        assert result.classified and report.status == "filed"
        events = service.history(result.report_id, shared_url)
        assert [(e["action"], e["who"], e["to_status"]) for e in events] == [
            ("receive", f"desk-{i}", "received"),
            ("classify", "engine", "filed"),
        ]
        assert events[0]["note"] == f"desk {i} report {k}"


def test_a_number_taken_by_another_writer_is_retried_and_the_report_kept(db_url, monkeypatch):
    first = intake(db_url, description="first")
    real_next_number = receiving._next_number
    calls = []

    def stale_then_real(s, received_at, after=None):
        calls.append(after)
        if len(calls) == 1:  # read before the other report was committed, as a writer without the lock would
            return first.number
        return real_next_number(s, received_at, after=after)

    monkeypatch.setattr(receiving, "_next_number", stale_then_real)
    second = intake(db_url, description="second")
    assert calls == [None, first.number]
    assert second.number == "R2026-000002" and second.classified
    assert [e["action"] for e in service.history(second.report_id, db_url)] == ["receive", "classify"]
    assert [e["action"] for e in service.history(first.report_id, db_url)] == ["receive", "classify"]
    assert service.get_report(first.report_id, db_url).description == "first"
    assert [r["number"] for r in service.queue(status=None, at=NOW, url=db_url)] == ["R2026-000002", "R2026-000001"]


def test_a_number_taken_every_time_gives_up_with_a_message_and_stores_nothing(db_url, monkeypatch):
    first = intake(db_url)
    monkeypatch.setattr(receiving, "_next_number", lambda s, received_at, after=None: first.number)
    monkeypatch.setattr(service.time, "sleep", lambda seconds: None)
    with pytest.raises(service.TriageError) as caught:
        intake(db_url)
    message = service.message_of(caught.value)
    assert message == service.Message("triage_number_busy", {"attempts": service.INTAKE_ATTEMPTS})
    assert "nothing was saved" in message.text("en") and "本次未保存" in message.text("zh")
    assert [r["number"] for r in service.queue(status=None, at=NOW, url=db_url)] == [first.number]
    with session_scope(db_url) as s:
        assert s.exec(select(func.count()).select_from(ReportEvent)).one() == 2


def test_imported_numbers_of_another_shape_do_not_stop_the_numbering(db_url):
    with session_scope(db_url) as s:  # as workbench/importer/ stores them: the spreadsheet's own numbers
        for number in ("R2026-000041", "R2026-IMP-7", "R2025-000900"):
            s.add(
                Report(number=number, source="hotline", category="street_vending", received_at=NOW, status="received")
            )
    assert intake(db_url).number == "R2026-000042"
    assert intake(db_url, received_at=dt.datetime(2025, 12, 31, 23, 0)).number == "R2025-000901"
