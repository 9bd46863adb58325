"""The triage service: reports in, the engine's classification, the workflow out.

Used by the triage console (workbench/ui/triage.py) and by anyone scripting
the platform; it is the only code that writes reports. Every step is one
transaction that updates the report and appends a timestamped
``ReportEvent`` (and an ``AuditLog`` entry), so the history of a report is
complete and ordered.

Workflow (domain.md §4.2 受理 → 立案 → 派遣 → 处置 → 核查 → 结案)::

    intake      → received, then filed once the engine has classified it
    dispatch    filed → dispatched (to the lead department, or another)
    support     request support from another department (coordination level 1), any open status
    joint       open a joint action under a lead (level 2); filed → dispatched
    escalate    to the community and the county leaders (level 3 / major), any open status
    feedback    dispatched/handling → verifying (done) or → handling (progress only)
    verify      verifying → closed (passed) or → handling (sent back)
    reclassify  run the engine again (e.g. a report kept unclassified)
    override    change the classification, only with a written reason; kept and counted

A report whose rules cannot be evaluated (an unknown category in old data, a
rulebook problem) is kept, with status ``received``, no classification and a
``classify_failed`` event saying why; ``problem_of`` gives the message.

Times are naive county-local datetimes (Asia/Shanghai), as the store keeps them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from workbench.errors import InputError, WorkbenchError
from workbench.rulebook.model import REPORT_FLAGS, REPORT_SOURCES
from workbench.store import session_scope
from workbench.store.models import OPEN_REPORT_STATUSES, AuditLog, Department, Report, ReportEvent

COUNTY_TZ = ZoneInfo("Asia/Shanghai")
SEVERITIES = ("general", "composite", "major")
OVERRIDE_FIELDS = ("severity", "lead", "assist", "coordination_level", "escalate_to", "handle_within_hours")
MIN_REASON_CHARS = 4
ESCALATION_TARGETS = ["community", "county_leaders"]

# Which statuses each action may start from.
ALLOWED_FROM = {
    "dispatch": ("filed",),
    "support": ("filed", "dispatched", "handling"),
    "joint": ("filed", "dispatched", "handling"),
    "escalate": ("received", "filed", "dispatched", "handling", "verifying"),
    "feedback": ("dispatched", "handling"),
    "verify": ("verifying",),
    "override": OPEN_REPORT_STATUSES,
    "reclassify": OPEN_REPORT_STATUSES,
}


class TriageError(WorkbenchError):
    """An action that does not fit the report's state (e.g. closing a report never dispatched)."""


@dataclass
class IntakeResult:
    report_id: int
    number: str
    classified: bool
    problem: str | None  # why the engine could not classify it (the report is kept)


def now() -> dt.datetime:
    """County-local time now, naive, to the second."""
    return dt.datetime.now(COUNTY_TZ).replace(tzinfo=None, microsecond=0)


# --------------------------------------------------------------------------- intake


def intake(form: dict, who: str, at: dt.datetime | None = None, url: str | None = None, engine=None) -> IntakeResult:
    """Store a new report and classify it at once.

    ``form``: source, category, received_at (datetime or ISO text; default now),
    community, key_road, location_text, people_affected, flags, description.
    Malformed fields raise InputError before anything is stored; a
    classification the engine cannot make is recorded, the report kept.
    """
    at = at or now()
    fields = _validate_form(form, at)
    with session_scope(url) as s:
        report = Report(number=_next_number(s, fields["received_at"]), status="received", **fields)
        s.add(report)
        s.flush()
        _event(s, report, who, "receive", None, "received", at, note=fields.get("description"))
        problem = _classify_into(s, report, who, at, engine)
        s.flush()
        return IntakeResult(report.id, report.number, problem is None, problem)


def reclassify(report_id: int, who: str, at: dt.datetime | None = None, url: str | None = None, engine=None) -> IntakeResult:
    """Run the engine again on a report (an override is replaced only if the report has none)."""
    at = at or now()
    with session_scope(url) as s:
        report = _load(s, report_id, "reclassify")
        if report.overridden:
            raise TriageError(f"report {report.number} has a staff override; change it with a new override, with a reason")
        problem = _classify_into(s, report, who, at, engine)
        return IntakeResult(report.id, report.number, problem is None, problem)


def engine_input(report: Report) -> dict:
    """The report as the engine's classify() takes it (issue 2 §5)."""
    location: dict[str, Any] = {"key_road": bool(report.key_road)}
    if report.community:
        location["community"] = report.community
    if report.location_text:
        location["address"] = report.location_text
    return {
        "category": report.category,
        "source": report.source,
        "received_at": report.received_at.isoformat(timespec="minutes"),
        "location": location,
        "people_affected": int(report.people_affected or 0),
        "flags": list(report.flags or []),
    }


def _classify_into(s: Session, report: Report, who: str, at: dt.datetime, engine) -> str | None:
    try:
        triage = _engine(engine).classify(engine_input(report)).to_dict()
    except WorkbenchError as exc:
        message = f"the rules could not classify this report: {exc}"
        _event(s, report, who, "classify_failed", report.status, report.status, at, note=message)
        return message
    before = report.status
    _apply_triage(report, triage)
    report.classification_by_engine = triage
    if report.status == "received":
        report.status = "filed"
    report.updated_at = at
    _event(s, report, "engine", "classify", before, report.status, at, data=_summary(triage))
    return None


def _apply_triage(report: Report, triage: dict) -> None:
    report.severity = triage["severity"]
    report.lead = triage["lead"]
    report.assist = list(triage["assist"])
    report.coordination_level = int(triage["coordination_level"])
    report.escalate_to = list(triage["escalate_to"])
    report.handle_within_hours = float(triage["handle_within_hours"])
    report.due_at = dt.datetime.fromisoformat(triage["due_at"])
    report.basis = list(triage["basis"])
    report.trace = list(triage.get("trace") or [])
    report.rules_version = triage["rules_version"]


def _summary(triage: dict) -> dict:
    return {k: triage[k] for k in ("severity", "lead", "assist", "coordination_level", "escalate_to", "handle_within_hours", "due_at", "rules_version")}


def _validate_form(form: dict, at: dt.datetime) -> dict:
    source = form.get("source")
    if source not in REPORT_SOURCES:
        raise InputError("source", f"choose one of {', '.join(REPORT_SOURCES)}")
    category = (form.get("category") or "").strip() if isinstance(form.get("category"), str) else None
    if not category:
        raise InputError("category", "choose the event category")
    received = form.get("received_at") or at
    if isinstance(received, str):
        try:
            received = dt.datetime.fromisoformat(received)
        except ValueError:
            raise InputError("received_at", f"must be a date-time like 2024-05-01T09:30, not {received!r}") from None
    if not isinstance(received, dt.datetime):
        raise InputError("received_at", "must be a date-time")
    if received.tzinfo is not None:
        received = received.astimezone(COUNTY_TZ).replace(tzinfo=None)
    if received > at + dt.timedelta(minutes=5):
        raise InputError("received_at", f"{received:%Y-%m-%d %H:%M} is in the future")
    people = form.get("people_affected", 0)
    if people in (None, ""):
        people = 0
    if isinstance(people, float) and people.is_integer():
        people = int(people)
    if isinstance(people, bool) or not isinstance(people, int) or people < 0:
        raise InputError("people_affected", f"must be a whole number ≥ 0, not {people!r}")
    flags = list(form.get("flags") or [])
    unknown = [f for f in flags if f not in REPORT_FLAGS]
    if unknown:
        raise InputError("flags", f"unknown flag(s) {', '.join(map(str, unknown))}; known: {', '.join(REPORT_FLAGS)}")
    community = (form.get("community") or "").strip() or None
    description = (form.get("description") or "").strip() or None
    return {
        "source": source,
        "category": category,
        "received_at": received.replace(microsecond=0),
        "community": community,
        "key_road": bool(form.get("key_road", False)),
        "location_text": (form.get("location_text") or "").strip() or None,
        "people_affected": people,
        "flags": [f for f in REPORT_FLAGS if f in flags],
        "description": description,
        "reporter_masked": form.get("reporter_masked") or None,
    }


def _next_number(s: Session, received_at: dt.datetime) -> str:
    prefix = f"R{received_at.year}-"
    last = s.exec(select(func.max(Report.number)).where(Report.number.like(f"{prefix}%"))).one()
    n = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{n:06d}"


# --------------------------------------------------------------------------- workflow


def dispatch(report_id: int, who: str, department: str | None = None, note: str | None = None, at=None, url=None, version: int | None = None) -> Report:
    """Send the report to its lead department (or the one named)."""
    at = at or now()
    with session_scope(url) as s:
        report = _load(s, report_id, "dispatch", version)
        target = department or report.lead
        _check_department(s, target, "department")
        before = report.status
        report.assigned_to = target
        report.status = "dispatched"
        report.updated_at = at
        _event(s, report, who, "dispatch", before, "dispatched", at, note=note, data={"department": target})
        return report


def request_support(report_id: int, who: str, department: str, note: str | None = None, at=None, url=None, version: int | None = None) -> Report:
    """Level 1 (协助): the handling department asks another for support."""
    at = at or now()
    with session_scope(url) as s:
        report = _load(s, report_id, "support", version)
        _check_department(s, department, "department")
        if department == (report.assigned_to or report.lead):
            raise InputError("department", "a department cannot ask itself for support; choose another department")
        if department not in (report.assist or []):
            report.assist = list(report.assist or []) + [department]
        report.coordination_level = max(report.coordination_level or 1, 1)
        report.updated_at = at
        _event(s, report, who, "support", report.status, report.status, at, note=note, data={"department": department})
        return report


def open_joint_action(report_id: int, who: str, lead: str, members: Iterable[str], note: str | None = None, at=None, url=None, version: int | None = None) -> Report:
    """Level 2 (联合执法): a joint action of several departments under one lead."""
    at = at or now()
    members = [m for m in dict.fromkeys(members) if m and m != lead]
    if not members:
        raise InputError("members", "a joint action needs at least one department besides the lead")
    with session_scope(url) as s:
        report = _load(s, report_id, "joint", version)
        _check_department(s, lead, "lead")
        for member in members:
            _check_department(s, member, "members")
        before = report.status
        report.assigned_to = lead
        report.assist = list(dict.fromkeys(list(report.assist or []) + members))
        report.coordination_level = max(report.coordination_level or 1, 2)
        if report.status == "filed":
            report.status = "dispatched"
        report.updated_at = at
        _event(s, report, who, "joint", before, report.status, at, note=note, data={"lead": lead, "members": members})
        return report


def escalate(report_id: int, who: str, note: str | None = None, at=None, url=None, version: int | None = None) -> Report:
    """Level 3 (重大事件): report to the community and the county leaders at once."""
    at = at or now()
    with session_scope(url) as s:
        report = _load(s, report_id, "escalate", version)
        report.escalate_to = list(dict.fromkeys(list(report.escalate_to or []) + ESCALATION_TARGETS))
        report.coordination_level = 3
        report.updated_at = at
        _event(s, report, who, "escalate", report.status, report.status, at, note=note, data={"to": ESCALATION_TARGETS})
        return report


def record_feedback(report_id: int, who: str, note: str, done: bool = True, at=None, url=None, version: int | None = None) -> Report:
    """处置反馈: what the department did; ``done`` sends it for verification."""
    at = at or now()
    if not (note or "").strip():
        raise InputError("feedback", "write what was done (处置情况)")
    with session_scope(url) as s:
        report = _load(s, report_id, "feedback", version)
        before = report.status
        report.status = "verifying" if done else "handling"
        report.updated_at = at
        _event(s, report, who, "feedback", before, report.status, at, note=note.strip(), data={"done": done})
        return report


def verify(report_id: int, who: str, passed: bool, note: str | None = None, at=None, url=None, version: int | None = None) -> Report:
    """核查: passed closes the report (结案); failed sends it back for handling."""
    at = at or now()
    if not passed and not (note or "").strip():
        raise InputError("note", "say why the handling is not accepted")
    with session_scope(url) as s:
        report = _load(s, report_id, "verify", version)
        before = report.status
        _event(s, report, who, "verify", before, before, at, note=note, data={"passed": passed})
        if passed:
            report.status = "closed"
            report.closed_at = at
            _event(s, report, who, "close", before, "closed", at)
        else:
            report.status = "handling"
            _event(s, report, who, "return", before, "handling", at, note=note)
        report.updated_at = at
        return report


def override(report_id: int, who: str, reason: str, changes: dict, at=None, url=None, version: int | None = None) -> Report:
    """Change the classification; only with a written reason. The engine's answer is kept beside it."""
    at = at or now()
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise InputError("reason", f"an override needs a written reason (at least {MIN_REASON_CHARS} characters)")
    unknown = set(changes) - set(OVERRIDE_FIELDS)
    if unknown:
        raise InputError("changes", f"cannot override {', '.join(sorted(unknown))}; allowed: {', '.join(OVERRIDE_FIELDS)}")
    with session_scope(url) as s:
        report = _load(s, report_id, "override", version)
        if report.severity is None:
            raise TriageError(f"report {report.number} has no classification yet; classify it first")
        before = {f: getattr(report, f) for f in OVERRIDE_FIELDS}
        clean = _validate_changes(s, changes)
        after = {**before, **clean}
        if after == before:
            raise InputError("changes", "the override changes nothing; change at least one field")
        for name, value in clean.items():
            setattr(report, name, value)
        if "handle_within_hours" in clean:
            report.due_at = report.received_at + dt.timedelta(hours=clean["handle_within_hours"])
        report.overridden = True
        report.override_reason = reason
        report.override_by = who
        report.updated_at = at
        changed = {k: {"engine": _jsonable(before[k]), "staff": _jsonable(after[k])} for k in clean if before[k] != after[k]}
        _event(s, report, who, "override", report.status, report.status, at, note=reason, data={"changed": changed})
        return report


def _validate_changes(s: Session, changes: dict) -> dict:
    clean: dict[str, Any] = {}
    if "severity" in changes:
        if changes["severity"] not in SEVERITIES:
            raise InputError("severity", f"choose one of {', '.join(SEVERITIES)}")
        clean["severity"] = changes["severity"]
    if "lead" in changes:
        _check_department(s, changes["lead"], "lead")
        clean["lead"] = changes["lead"]
    for name in ("assist", "escalate_to"):
        if name in changes:
            values = list(dict.fromkeys(changes[name] or []))
            for v in values:
                _check_department(s, v, name)
            clean[name] = values
    if "coordination_level" in changes:
        level = changes["coordination_level"]
        if level not in (1, 2, 3):
            raise InputError("coordination_level", "must be 1, 2 or 3")
        clean["coordination_level"] = level
    if "handle_within_hours" in changes:
        hours = changes["handle_within_hours"]
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 24 * 90:
            raise InputError("handle_within_hours", "must be a number of hours above 0 (at most 90 days)")
        clean["handle_within_hours"] = float(hours)
    return clean


# --------------------------------------------------------------------------- reading


QUEUE_COLUMNS = (
    "id", "number", "received_at", "source", "category", "community", "severity", "lead", "assigned_to",
    "coordination_level", "status", "due_at", "overdue_hours", "overridden", "classified", "rules_version",
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
            query = query.where(Report.number.like(like) | Report.community.like(like)
                                | Report.location_text.like(like) | Report.description.like(like))
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
        "id": r.id, "number": r.number, "received_at": r.received_at, "source": r.source, "category": r.category,
        "community": r.community, "severity": r.severity, "lead": r.lead, "assigned_to": r.assigned_to,
        "coordination_level": r.coordination_level, "status": r.status, "due_at": r.due_at,
        "overdue_hours": overdue, "overridden": bool(r.overridden), "classified": r.severity is not None,
        "rules_version": r.rules_version,
    }


def get_report(report_id: int, url: str | None = None) -> Report:
    with session_scope(url) as s:
        report = s.get(Report, report_id)
        if report is None:
            raise InputError("report", f"no report with id {report_id}")
        return report


def history(report_id: int, url: str | None = None) -> list[dict]:
    """The report's events, oldest first."""
    with session_scope(url) as s:
        events = s.exec(select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.at, ReportEvent.id)).all()
        return [
            {"at": e.at, "who": e.who, "action": e.action, "from_status": e.from_status, "to_status": e.to_status, "note": e.note, "data": e.data}
            for e in events
        ]


def problem_of(report_id: int, url: str | None = None) -> str | None:
    """Why the report has no classification (the last classify_failed note), or None."""
    report = get_report(report_id, url)
    if report.severity is not None:
        return None
    failed = [e for e in history(report_id, url) if e["action"] == "classify_failed"]
    return failed[-1]["note"] if failed else "not classified yet"


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
        ({"department": d, "count": len(h), "max_overdue_hours": max(h), "total_overdue_hours": round(sum(h), 1)} for d, h in groups.items()),
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
        items.append({
            "report_id": e.report_id, "number": r.number if r else None, "category": r.category if r else None,
            "at": e.at, "who": e.who, "reason": e.note, "changed": changed,
            "rules_version": r.rules_version if r else None,
        })
    return {"reports": len(reports), "overrides": len(events), "by_category": dict(by_category), "by_field": dict(by_field), "items": items}


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
        for dim, key in (("source", r.source), ("severity", r.severity or "unclassified"), ("department", r.lead or "unclassified")):
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
    book = _engine(None).rulebook
    return {code: (d.name_zh, d.name_en) for code, d in book.departments.items()}


def categories(engine=None) -> dict[str, tuple[str, str]]:
    """Event category code -> (Chinese name, English name), from ownership.yaml."""
    return {row.category: (row.name_zh, row.name_en) for row in _engine(engine).rulebook.ownership}


# --------------------------------------------------------------------------- helpers


def _engine(engine):
    if engine is not None:
        return engine
    from workbench.engine import get_engine

    return get_engine()


def _load(s: Session, report_id: int, action: str, version: int | None = None) -> Report:
    report = s.get(Report, report_id)
    if report is None:
        raise InputError("report", f"no report with id {report_id}")
    if version is not None and report.version != version:
        from workbench.store import StaleRecordError

        raise StaleRecordError("report", report.number, version, report.version)
    allowed = ALLOWED_FROM.get(action)
    if allowed and report.status not in allowed:
        raise TriageError(
            f"report {report.number} is {report.status}; '{action}' needs status {' or '.join(allowed)}"
            + ("" if report.severity or action in ("escalate", "reclassify") else " (it has no classification yet: reclassify it or override)")
        )
    return report


def _check_department(s: Session, code: str | None, field: str) -> None:
    if not code:
        raise InputError(field, "choose a department")
    if s.exec(select(Department).where(Department.code == code)).first() is not None:
        return
    if code in _engine(None).rulebook.departments:
        return
    raise InputError(field, f"unknown department {code!r}")


def _event(s: Session, report: Report, who: str, action: str, from_status, to_status, at: dt.datetime, note=None, data=None) -> None:
    s.add(ReportEvent(report_id=report.id, at=at, who=who or "staff", action=action, from_status=from_status, to_status=to_status, note=note, data=data))
    s.add(AuditLog(at=at, who=who or "staff", action=f"report.{action}", entity="report", entity_id=str(report.id),
                   before={"status": from_status}, after={"status": to_status, **({"data": _jsonable(data)} if data else {})}, note=note))


def _jsonable(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
