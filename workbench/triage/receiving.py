"""Receiving (受理): intake stores a new report and classifies it at once (受理 → 立案); reclassify runs it again.

A report whose rules cannot be evaluated (an unknown category in old data, a rulebook problem) is kept, with status
``received``, no classification and a ``classify_failed`` event saying why.

Report numbers (R<year>-<6 digits>, unique in the store) are chosen inside the intake's transaction while it holds a
numbering lock (PostgreSQL advisory lock, SQLite write lock), so desks filing at the same moment get distinct
numbers; if another writer (an import) took the number anyway, the whole intake is rolled back and run again with a
fresh number (``INTAKE_ATTEMPTS`` times at most). In a caller's transaction (``session=``) it is tried once.

``classify_report`` and ``classification_fields`` are the service's classification, also used by the importer.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from workbench.engine.inputs import report_input_from_record
from workbench.errors import WorkbenchError
from workbench.rulebook.model import REPORT_FLAGS, REPORT_SOURCES
from workbench.store import session_scope, use_session
from workbench.store.models import Report
from workbench.triage.base import (
    CLASSIFIED_FIELDS,
    COUNTY_TZ,
    INTAKE_ATTEMPTS,
    NUMBER_LOCK_SPACE,
    engine_of,
    load_report,
    now,
    record_event,
)
from workbench.triage.messages import Message, TriageError, TriageInputError

# The report as the engine's classify() takes it: the one mapping (workbench.engine.inputs), by its old name here.
engine_input = report_input_from_record


@dataclass
class IntakeResult:
    report_id: int
    number: str
    classified: bool
    problem: str | None  # why the engine could not classify it (the report is kept), "中文 · English"
    message: Message | None = None  # the same, by key, for an app to show in its language


def intake(
    form: dict,
    who: str,
    at: dt.datetime | None = None,
    url: str | None = None,
    engine=None,
    *,
    session: Session | None = None,
) -> IntakeResult:
    """Store a new report and classify it at once.

    ``form``: source, category, received_at (datetime or ISO text; default now),
    community, key_road, location_text, people_affected, flags, description.
    Malformed fields raise InputError before anything is stored; a
    classification the engine cannot make is recorded, the report kept.
    ``session``: write in the caller's transaction (not committed here; one attempt, no retry).
    """
    at = at or now()
    fields = _validate_form(form, at)
    if session is not None:
        return _intake_once(session, fields, who, at, engine, None)
    taken: str | None = None  # a number another writer took while this attempt ran
    for attempt in range(1, INTAKE_ATTEMPTS + 1):
        tried: list[str] = []
        try:
            with session_scope(url) as s:
                result = _intake_once(s, fields, who, at, engine, taken, tried)
            return result
        except IntegrityError as exc:
            # The whole transaction was rolled back (nothing of this attempt is kept). Try again with a
            # fresh number only if the cause was the number being taken; any other conflict is raised.
            if not tried or not _number_taken(tried[0], url):
                raise
            taken = tried[0]
            if attempt == INTAKE_ATTEMPTS:
                raise TriageError("triage_number_busy", attempts=INTAKE_ATTEMPTS) from exc
            time.sleep(random.uniform(0, 0.05 * attempt))  # desks racing without the lock spread out
    raise AssertionError("unreachable")  # pragma: no cover


def _intake_once(
    s: Session, fields: dict, who: str, at: dt.datetime, engine, taken: str | None, tried: list[str] | None = None
) -> IntakeResult:
    _lock_numbering(s, fields["received_at"].year)
    number = _next_number(s, fields["received_at"], after=taken)
    if tried is not None:
        tried.append(number)
    report = Report(number=number, status="received", **fields)
    s.add(report)
    s.flush()
    record_event(s, report, who, "receive", None, "received", at, note=fields.get("description"))
    problem = _classify_into(s, report, who, at, engine)
    s.flush()
    return IntakeResult(report.id, report.number, problem is None, _str(problem), problem)


def reclassify(
    report_id: int,
    who: str,
    at: dt.datetime | None = None,
    url: str | None = None,
    engine=None,
    *,
    session: Session | None = None,
) -> IntakeResult:
    """Run the engine again on a report (an override is replaced only if the report has none)."""
    at = at or now()
    with use_session(session, url) as s:
        report = load_report(s, report_id, "reclassify")
        if report.overridden:
            raise TriageError("triage_overridden", number=report.number)
        problem = _classify_into(s, report, who, at, engine)
        return IntakeResult(report.id, report.number, problem is None, _str(problem), problem)


def classify_report(record: Any, engine=None) -> dict:
    """The engine's classification (``to_dict()``) of a report: a ``Report`` or a mapping of its columns."""
    return engine_of(engine).classify(report_input_from_record(record)).to_dict()


def classification_fields(triage: dict) -> dict[str, Any]:
    """The report's columns an engine classification sets (the deadline, departments, basis, rules version)."""
    return {
        "severity": triage["severity"],
        "lead": triage["lead"],
        "assist": list(triage["assist"]),
        "coordination_level": int(triage["coordination_level"]),
        "escalate_to": list(triage["escalate_to"]),
        "handle_within_hours": float(triage["handle_within_hours"]),
        "due_at": dt.datetime.fromisoformat(triage["due_at"]),
        "basis": list(triage["basis"]),
        "trace": list(triage.get("trace") or []),
        "rules_version": triage["rules_version"],
    }


def _str(message: Message | None) -> str | None:
    return None if message is None else str(message)


def _classify_into(s: Session, report: Report, who: str, at: dt.datetime, engine) -> Message | None:
    try:
        triage = classify_report(report, engine)
    except WorkbenchError as exc:
        message = Message("triage_classify_failed", {"detail": str(exc)})
        record_event(
            s,
            report,
            who,
            "classify_failed",
            report.status,
            report.status,
            at,
            note=str(message),
            data={"message": message.to_dict()},
        )
        return message
    before = report.status
    for name, value in classification_fields(triage).items():
        setattr(report, name, value)
    report.classification_by_engine = triage
    if report.status == "received":
        report.status = "filed"
    report.updated_at = at
    record_event(s, report, "engine", "classify", before, report.status, at, data=_summary(triage))
    return None


def _summary(triage: dict) -> dict:
    return {k: triage[k] for k in (*CLASSIFIED_FIELDS, "rules_version")}


def _validate_form(form: dict, at: dt.datetime) -> dict:
    source = form.get("source")
    if source not in REPORT_SOURCES:
        raise TriageInputError("source", "triage_choose_source", choices=", ".join(REPORT_SOURCES))
    category = (form.get("category") or "").strip() if isinstance(form.get("category"), str) else None
    if not category:
        raise TriageInputError("category", "triage_choose_category")
    received = form.get("received_at") or at
    if isinstance(received, str):
        try:
            received = dt.datetime.fromisoformat(received)
        except ValueError:
            raise TriageInputError("received_at", "triage_bad_time", value=repr(received)) from None
    if not isinstance(received, dt.datetime):
        raise TriageInputError("received_at", "triage_not_time")
    if received.tzinfo is not None:
        received = received.astimezone(COUNTY_TZ).replace(tzinfo=None)
    if received > at + dt.timedelta(minutes=5):
        raise TriageInputError("received_at", "triage_future_time", value=f"{received:%Y-%m-%d %H:%M}")
    people = form.get("people_affected", 0)
    if people in (None, ""):
        people = 0
    if isinstance(people, float) and people.is_integer():
        people = int(people)
    if isinstance(people, bool) or not isinstance(people, int) or people < 0:
        raise TriageInputError("people_affected", "triage_bad_people", value=repr(people))
    flags = list(form.get("flags") or [])
    unknown = [f for f in flags if f not in REPORT_FLAGS]
    if unknown:
        raise TriageInputError(
            "flags", "triage_unknown_flags", flags=", ".join(map(str, unknown)), known=", ".join(REPORT_FLAGS)
        )
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


def _next_number(s: Session, received_at: dt.datetime, after: str | None = None) -> str:
    """R<year>-<6 digits>: one above the highest number of that year (and above ``after``, a number found taken).

    Imported reports keep their own numbers (workbench/importer/), so numbers of the year that
    do not end in digits are passed over rather than parsed. Called under ``_lock_numbering``.
    """
    prefix = f"R{received_at.year}-"
    candidates = s.exec(
        select(Report.number)
        .where(Report.number.like(f"{prefix}%"))
        .order_by(func.length(Report.number).desc(), Report.number.desc())
        .limit(50)
    ).all()
    n = next((int(c[len(prefix) :]) for c in candidates if c[len(prefix) :].isdigit()), 0) + 1
    if after and after.startswith(prefix) and after[len(prefix) :].isdigit():
        n = max(n, int(after[len(prefix) :]) + 1)
    return f"{prefix}{n:06d}"


def _lock_numbering(s: Session, year: int) -> None:
    """Let one intake at a time choose a number, until its transaction ends.

    PostgreSQL: a transaction-level advisory lock per year (released at commit or rollback).
    SQLite: take the database's write lock now (BEGIN IMMEDIATE) instead of at the INSERT, so
    the highest number read is still the highest when the report is written. Other writers of
    report numbers (imports) do not take this lock; ``intake`` retries if one got there first.
    """
    connection = s.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:space, :year)"), {"space": NUMBER_LOCK_SPACE, "year": year}
        )
    elif dialect == "sqlite":
        raw = connection.connection.dbapi_connection
        if not getattr(raw, "in_transaction", True):  # pysqlite begins only at the first write: begin now
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _number_taken(number: str, url: str | None) -> bool:
    with session_scope(url) as s:
        return s.exec(select(Report.id).where(Report.number == number)).first() is not None
