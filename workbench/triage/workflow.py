"""The workflow of a report after intake (派遣 → 处置 → 核查 → 结案), and staff overrides of the classification.

Every step is one transaction that updates the report and appends its ``ReportEvent`` and audit row; with
``session=`` the step writes in the caller's transaction instead (nothing committed here).

    dispatch    filed → dispatched (to the lead department, or another)
    support     request support from another department (coordination level 1), any open status
    joint       open a joint action under a lead (level 2); filed → dispatched
    escalate    to the community and the county leaders (level 3 / major), any open status
    feedback    dispatched/handling → verifying (done) or → handling (progress only)
    verify      verifying → closed (passed) or → handling (sent back)
    override    change the classification, only with a written reason; kept and counted
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlmodel import Session

from workbench.store import use_session
from workbench.store.models import Report
from workbench.triage.base import (
    ESCALATION_TARGETS,
    MIN_REASON_CHARS,
    OVERRIDE_FIELDS,
    SEVERITIES,
    check_department,
    jsonable,
    load_report,
    now,
    record_event,
)
from workbench.triage.messages import Terms, TriageError, TriageInputError


def dispatch(
    report_id: int,
    who: str,
    department: str | None = None,
    note: str | None = None,
    at=None,
    url=None,
    version: int | None = None,
    *,
    session: Session | None = None,
) -> Report:
    """Send the report to its lead department (or the one named)."""
    at = at or now()
    with use_session(session, url) as s:
        report = load_report(s, report_id, "dispatch", version)
        target = department or report.lead
        check_department(s, target, "department")
        before = report.status
        report.assigned_to = target
        report.status = "dispatched"
        report.updated_at = at
        record_event(s, report, who, "dispatch", before, "dispatched", at, note=note, data={"department": target})
        return report


def request_support(
    report_id: int,
    who: str,
    department: str,
    note: str | None = None,
    at=None,
    url=None,
    version: int | None = None,
    *,
    session: Session | None = None,
) -> Report:
    """Level 1 (协助): the handling department asks another for support."""
    at = at or now()
    with use_session(session, url) as s:
        report = load_report(s, report_id, "support", version)
        check_department(s, department, "department")
        if department == (report.assigned_to or report.lead):
            raise TriageInputError("department", "triage_support_self")
        if department not in (report.assist or []):
            report.assist = list(report.assist or []) + [department]
        report.coordination_level = max(report.coordination_level or 1, 1)
        report.updated_at = at
        record_event(
            s, report, who, "support", report.status, report.status, at, note=note, data={"department": department}
        )
        return report


def open_joint_action(
    report_id: int,
    who: str,
    lead: str,
    members: Iterable[str],
    note: str | None = None,
    at=None,
    url=None,
    version: int | None = None,
    *,
    session: Session | None = None,
) -> Report:
    """Level 2 (联合执法): a joint action of several departments under one lead."""
    at = at or now()
    members = [m for m in dict.fromkeys(members) if m and m != lead]
    if not members:
        raise TriageInputError("members", "triage_joint_members")
    with use_session(session, url) as s:
        report = load_report(s, report_id, "joint", version)
        check_department(s, lead, "lead")
        for member in members:
            check_department(s, member, "members")
        before = report.status
        report.assigned_to = lead
        report.assist = list(dict.fromkeys(list(report.assist or []) + members))
        report.coordination_level = max(report.coordination_level or 1, 2)
        if report.status == "filed":
            report.status = "dispatched"
        report.updated_at = at
        record_event(
            s, report, who, "joint", before, report.status, at, note=note, data={"lead": lead, "members": members}
        )
        return report


def escalate(
    report_id: int,
    who: str,
    note: str | None = None,
    at=None,
    url=None,
    version: int | None = None,
    *,
    session: Session | None = None,
) -> Report:
    """Level 3 (重大事件): report to the community and the county leaders at once."""
    at = at or now()
    with use_session(session, url) as s:
        report = load_report(s, report_id, "escalate", version)
        report.escalate_to = list(dict.fromkeys(list(report.escalate_to or []) + ESCALATION_TARGETS))
        report.coordination_level = 3
        report.updated_at = at
        record_event(
            s, report, who, "escalate", report.status, report.status, at, note=note, data={"to": ESCALATION_TARGETS}
        )
        return report


def record_feedback(
    report_id: int,
    who: str,
    note: str,
    done: bool = True,
    at=None,
    url=None,
    version: int | None = None,
    *,
    session: Session | None = None,
) -> Report:
    """处置反馈: what the department did; ``done`` sends it for verification."""
    at = at or now()
    if not (note or "").strip():
        raise TriageInputError("feedback", "triage_feedback_required")
    with use_session(session, url) as s:
        report = load_report(s, report_id, "feedback", version)
        before = report.status
        report.status = "verifying" if done else "handling"
        report.updated_at = at
        record_event(s, report, who, "feedback", before, report.status, at, note=note.strip(), data={"done": done})
        return report


def verify(
    report_id: int,
    who: str,
    passed: bool,
    note: str | None = None,
    at=None,
    url=None,
    version: int | None = None,
    *,
    session: Session | None = None,
) -> Report:
    """核查: passed closes the report (结案); failed sends it back for handling."""
    at = at or now()
    if not passed and not (note or "").strip():
        raise TriageInputError("note", "triage_verify_reason")
    with use_session(session, url) as s:
        report = load_report(s, report_id, "verify", version)
        before = report.status
        record_event(s, report, who, "verify", before, before, at, note=note, data={"passed": passed})
        if passed:
            report.status = "closed"
            report.closed_at = at
            record_event(s, report, who, "close", before, "closed", at)
        else:
            report.status = "handling"
            record_event(s, report, who, "return", before, "handling", at, note=note)
        report.updated_at = at
        return report


def override(
    report_id: int,
    who: str,
    reason: str,
    changes: dict,
    at=None,
    url=None,
    version: int | None = None,
    *,
    session: Session | None = None,
) -> Report:
    """Change the classification; only with a written reason. The engine's answer is kept beside it."""
    at = at or now()
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise TriageInputError("reason", "triage_reason_required", min=MIN_REASON_CHARS)
    unknown = set(changes) - set(OVERRIDE_FIELDS)
    if unknown:
        raise TriageInputError(
            "changes",
            "triage_cannot_override",
            fields=", ".join(sorted(map(str, unknown))),
            allowed=", ".join(OVERRIDE_FIELDS),
        )
    with use_session(session, url) as s:
        report = load_report(s, report_id, "override", version)
        if report.severity is None:
            raise TriageError("triage_not_classified", number=report.number)
        before = {f: getattr(report, f) for f in OVERRIDE_FIELDS}
        clean = _validate_changes(s, changes)
        after = {**before, **clean}
        if after == before:
            raise TriageInputError("changes", "triage_override_no_change")
        for name, value in clean.items():
            setattr(report, name, value)
        if "handle_within_hours" in clean:
            report.due_at = report.received_at + dt.timedelta(hours=clean["handle_within_hours"])
        report.overridden = True
        report.override_reason = reason
        report.override_by = who
        report.updated_at = at
        changed = {
            k: {"engine": jsonable(before[k]), "staff": jsonable(after[k])} for k in clean if before[k] != after[k]
        }
        record_event(
            s, report, who, "override", report.status, report.status, at, note=reason, data={"changed": changed}
        )
        return report


def _validate_changes(s: Session, changes: dict) -> dict:
    clean: dict[str, Any] = {}
    if "severity" in changes:
        if changes["severity"] not in SEVERITIES:
            raise TriageInputError(
                "severity",
                "triage_choose_severity",
                choices=Terms(tuple(f"sev_{v}" for v in SEVERITIES), "triage_comma"),
            )
        clean["severity"] = changes["severity"]
    if "lead" in changes:
        check_department(s, changes["lead"], "lead")
        clean["lead"] = changes["lead"]
    for name in ("assist", "escalate_to"):
        if name in changes:
            values = list(dict.fromkeys(changes[name] or []))
            for v in values:
                check_department(s, v, name)
            clean[name] = values
    if "coordination_level" in changes:
        level = changes["coordination_level"]
        if level not in (1, 2, 3):
            raise TriageInputError("coordination_level", "triage_level_range")
        clean["coordination_level"] = level
    if "handle_within_hours" in changes:
        hours = changes["handle_within_hours"]
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 24 * 90:
            raise TriageInputError("handle_within_hours", "triage_hours_range")
        clean["handle_within_hours"] = float(hours)
    return clean
