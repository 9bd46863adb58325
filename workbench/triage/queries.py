"""Reading reports: the queue, one report and its history, overdue lists (督办), override statistics, the dashboard."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlmodel import select

from workbench.store import session_scope
from workbench.store.models import OPEN_REPORT_STATUSES, Department, Report, ReportEvent
from workbench.triage.base import engine_of, now
from workbench.triage.messages import Message, TriageInputError

QUEUE_COLUMNS = (
    "id",
    "number",
    "received_at",
    "source",
    "category",
    "community",
    "severity",
    "lead",
    "assigned_to",
    "coordination_level",
    "status",
    "due_at",
    "overdue_hours",
    "overridden",
    "classified",
    "rules_version",
)


def queue(
    source: str | None = None,
    severity: str | None = None,
    department: str | None = None,
    status: str | None = "open",
    overdue_only: bool = False,
    at: dt.datetime | None = None,
    url: str | None = None,
    text: str | None = None,
) -> list[dict]:
    """Reports as rows with the QUEUE_COLUMNS keys, newest first.

    ``status``: a status, "open" (every open status), or None (all).
    ``department``: lead, assigned or assisting department.
    ``text``: part of the number, community, address or description.
    """
    at = at or now()
    with session_scope(url) as s:
        query = select(Report)
        if source:
            query = query.where(Report.source == source)
        if severity:
            query = query.where(Report.severity == severity)
        if status == "open":
            query = query.where(Report.status.in_(OPEN_REPORT_STATUSES))
        elif status:
            query = query.where(Report.status == status)
        if text and text.strip():
            like = f"%{text.strip()}%"
            query = query.where(
                Report.number.like(like)
                | Report.community.like(like)
                | Report.location_text.like(like)
                | Report.description.like(like)
            )
        reports = s.exec(query.order_by(Report.received_at.desc(), Report.id.desc())).all()
    rows = []
    for r in reports:
        if department and department not in {r.lead, r.assigned_to, *(r.assist or [])}:
            continue
        row = _row(r, at)
        if overdue_only and not row["overdue_hours"]:
            continue
        rows.append(row)
    return rows


def _row(r: Report, at: dt.datetime) -> dict:
    overdue = None
    if r.due_at is not None and r.status in OPEN_REPORT_STATUSES and at > r.due_at:
        overdue = round((at - r.due_at).total_seconds() / 3600, 1)
    return {
        "id": r.id,
        "number": r.number,
        "received_at": r.received_at,
        "source": r.source,
        "category": r.category,
        "community": r.community,
        "severity": r.severity,
        "lead": r.lead,
        "assigned_to": r.assigned_to,
        "coordination_level": r.coordination_level,
        "status": r.status,
        "due_at": r.due_at,
        "overdue_hours": overdue,
        "overridden": bool(r.overridden),
        "classified": r.severity is not None,
        "rules_version": r.rules_version,
    }


def get_report(report_id: int, url: str | None = None) -> Report:
    with session_scope(url) as s:
        report = s.get(Report, report_id)
        if report is None:
            raise TriageInputError("report", "triage_no_report", id=report_id)
        return report


def history(report_id: int, url: str | None = None) -> list[dict]:
    """The report's events, oldest first."""
    with session_scope(url) as s:
        events = s.exec(
            select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.at, ReportEvent.id)
        ).all()
        return [
            {
                "at": e.at,
                "who": e.who,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "data": e.data,
            }
            for e in events
        ]


def problem_of(report_id: int, url: str | None = None) -> str | None:
    """Why the report has no classification (the last classify_failed note), or None."""
    message = problem_message(report_id, url)
    return None if message is None else str(message)


def problem_message(report_id: int, url: str | None = None) -> Message | None:
    """``problem_of`` as a Message, for an app to show in its language (None: the report is classified)."""
    report = get_report(report_id, url)
    if report.severity is not None:
        return None
    failed = [e for e in history(report_id, url) if e["action"] == "classify_failed"]
    if not failed:
        return Message("triage_not_classified_yet")
    return event_message(failed[-1]) or Message("triage_text", {"text": failed[-1]["note"] or ""})


def event_message(event: dict) -> Message | None:
    """The Message an event of ``history`` carries (a failed classification), or None."""
    data = event.get("data") or {}
    if isinstance(data, dict) and isinstance(data.get("message"), dict) and "key" in data["message"]:
        return Message.from_dict(data["message"])
    return None


def overdue(at: dt.datetime | None = None, url: str | None = None) -> list[dict]:
    """督办: open reports past their deadline, most overdue first, with the responsible department."""
    rows = queue(status="open", overdue_only=True, at=at, url=url)
    for row in rows:
        row["department"] = row["assigned_to"] or row["lead"]
    return sorted(rows, key=lambda r: -r["overdue_hours"])


def overdue_by_department(at: dt.datetime | None = None, url: str | None = None) -> list[dict]:
    """Per department: how many reports are overdue and the longest delay (hours)."""
    groups: dict[str, list[float]] = defaultdict(list)
    for row in overdue(at, url):
        groups[row["department"] or "-"].append(row["overdue_hours"])
    return sorted(
        (
            {"department": d, "count": len(h), "max_overdue_hours": max(h), "total_overdue_hours": round(sum(h), 1)}
            for d, h in groups.items()
        ),
        key=lambda r: (-r["count"], -r["max_overdue_hours"]),
    )


def override_stats(url: str | None = None) -> dict:
    """Where staff and the rules disagree: counts by category and by field, and the overrides themselves."""
    with session_scope(url) as s:
        reports = {r.id: r for r in s.exec(select(Report).where(Report.overridden == True)).all()}  # noqa: E712
        events = s.exec(select(ReportEvent).where(ReportEvent.action == "override").order_by(ReportEvent.at)).all()
    by_category = Counter(r.category for r in reports.values())
    by_field: Counter = Counter()
    items = []
    for e in events:
        changed = (e.data or {}).get("changed", {})
        by_field.update(changed.keys())
        r = reports.get(e.report_id)
        items.append(
            {
                "report_id": e.report_id,
                "number": r.number if r else None,
                "category": r.category if r else None,
                "at": e.at,
                "who": e.who,
                "reason": e.note,
                "changed": changed,
                "rules_version": r.rules_version if r else None,
            }
        )
    return {
        "reports": len(reports),
        "overrides": len(events),
        "by_category": dict(by_category),
        "by_field": dict(by_field),
        "items": items,
    }


def dashboard_data(days: int = 30, at: dt.datetime | None = None, url: str | None = None) -> dict:
    """Reports received per day over the last ``days`` days, by source, severity and lead department."""
    at = at or now()
    start = (at - dt.timedelta(days=days - 1)).replace(hour=0, minute=0, second=0)
    with session_scope(url) as s:
        reports = s.exec(select(Report).where(Report.received_at >= start)).all()
    dates = [(start + dt.timedelta(days=i)).date() for i in range(days)]
    series: dict[str, dict[str, list[int]]] = {"source": {}, "severity": {}, "department": {}}
    index = {d: i for i, d in enumerate(dates)}
    for r in reports:
        i = index.get(r.received_at.date())
        if i is None:
            continue
        for dim, key in (
            ("source", r.source),
            ("severity", r.severity or "unclassified"),
            ("department", r.lead or "unclassified"),
        ):
            counts = series[dim].setdefault(key, [0] * days)
            counts[i] += 1
    totals = {dim: {k: sum(v) for k, v in groups.items()} for dim, groups in series.items()}
    return {"dates": dates, "series": series, "totals": totals, "count": len(reports)}


def departments(url: str | None = None) -> dict[str, tuple[str, str]]:
    """code -> (Chinese name, English name): from the store, else from the rulebook."""
    with session_scope(url) as s:
        rows = s.exec(select(Department).where(Department.active == True)).all()  # noqa: E712
    if rows:
        return {d.code: (d.name_zh, d.name_en) for d in rows}
    book = engine_of(None).rulebook
    return {code: (d.name_zh, d.name_en) for code, d in book.departments.items()}


def categories(engine=None) -> dict[str, tuple[str, str]]:
    """Event category code -> (Chinese name, English name), from ownership.yaml."""
    return {row.category: (row.name_zh, row.name_en) for row in engine_of(engine).rulebook.ownership}
