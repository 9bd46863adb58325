"""What every step of the triage service shares: its constants, the clock, loading a report, its history.

Every step appends a timestamped ``ReportEvent`` and an audit row (``record_event``) in the transaction that
changes the report, so the history of a report is complete and ordered.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from workbench.engine import get_engine as get_decision_engine
from workbench.rulebook.model import SEVERITIES  # noqa: F401 - the vocabulary's severities, used by workflow
from workbench.store.audit import audit
from workbench.store.models import OPEN_REPORT_STATUSES, Department, Report, ReportEvent
from workbench.triage.messages import (
    Terms,
    TriageError,
    TriageInputError,
    TriageStaleError,
)

COUNTY_TZ = ZoneInfo("Asia/Shanghai")
OVERRIDE_FIELDS = ("severity", "lead", "assist", "coordination_level", "escalate_to", "handle_within_hours")
# what an engine classification sets on a report: what staff may override, and the deadline that follows from it
CLASSIFIED_FIELDS = (*OVERRIDE_FIELDS, "due_at")
MIN_REASON_CHARS = 4
ESCALATION_TARGETS = ["community", "county_leaders"]
INTAKE_ATTEMPTS = 8  # an intake whose number another writer took is tried again, with a fresh number, up to this often
NUMBER_LOCK_SPACE = 0x5742  # PostgreSQL advisory lock key space of report numbering ("WB"); the second key is the year

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


def now() -> dt.datetime:
    """County-local time now, naive, to the second."""
    return dt.datetime.now(COUNTY_TZ).replace(tzinfo=None, microsecond=0)


def engine_of(engine):
    """The engine given, else the one engine of the installed rules."""
    return engine if engine is not None else get_decision_engine()


def load_report(s: Session, report_id: int, action: str, version: int | None = None) -> Report:
    report = s.get(Report, report_id)
    if report is None:
        raise TriageInputError("report", "triage_no_report", id=report_id)
    if version is not None and report.version != version:
        raise TriageStaleError(report.number, version, report.version)
    allowed = ALLOWED_FROM.get(action)
    if allowed and report.status not in allowed:
        unclassified = not report.severity and action not in ("escalate", "reclassify")
        raise TriageError(
            "triage_wrong_status_unclassified" if unclassified else "triage_wrong_status",
            number=report.number,
            status=Terms((f"st_{report.status}",)),
            action=Terms((f"do_{action}",)),
            allowed=Terms(tuple(f"st_{a}" for a in allowed)),
        )
    return report


def check_department(s: Session, code: str | None, field: str) -> None:
    if not code:
        raise TriageInputError(field, "triage_choose_department")
    if s.exec(select(Department).where(Department.code == code)).first() is not None:
        return
    if code in engine_of(None).rulebook.departments:
        return
    raise TriageInputError(field, "triage_unknown_department", code=repr(code))


def history_event(
    s: Session, report: Report, who: str, action: str, from_status, to_status, at: dt.datetime, note=None, data=None
) -> ReportEvent:
    """One step of the report's history (no audit row: see ``record_event``)."""
    event = ReportEvent(
        report_id=report.id,
        at=at,
        who=who or "staff",
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    s.add(event)
    return event


def record_event(
    s: Session,
    report: Report,
    who: str,
    action: str,
    from_status,
    to_status,
    at: dt.datetime,
    note=None,
    data=None,
    *,
    audit_note: str | None = None,
) -> None:
    """One step of the report's history and its audit row ``report.<action>`` (``audit_note``: default ``note``)."""
    history_event(s, report, who, action, from_status, to_status, at, note=note, data=data)
    audit(
        s,
        who or "staff",
        f"report.{action}",
        "report",
        report.id,
        {"status": from_status},
        {"status": to_status, **({"data": jsonable(data)} if data else {})},
        note=note if audit_note is None else audit_note,
        at=at,
    )


def jsonable(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
