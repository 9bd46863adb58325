"""The triage service: reports in, the engine's classification, the workflow out.

Used by the triage console (workbench/ui/triage) and by anyone scripting
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

Report numbers (R<year>-<6 digits>, unique in the store) are chosen inside the
intake's transaction while it holds a numbering lock (PostgreSQL advisory lock,
SQLite write lock), so desks filing at the same moment get distinct numbers; if
another writer (an import) took the number anyway, the whole intake is rolled
back and run again with a fresh number (``INTAKE_ATTEMPTS`` times at most).

Times are naive county-local datetimes (Asia/Shanghai), as the store keeps them.

The package: ``messages`` (MESSAGES, Message, Terms, the errors), ``base`` (constants, the clock, loading a report,
``record_event``), ``receiving`` (intake, reclassify, the classification, numbering), ``workflow`` (the steps
after intake and overrides), ``queries`` (reading). Every writing function takes ``session=`` (keyword only):
given, it writes in the caller's transaction and commits nothing, so one transaction can span two services (the
importer uses it).
Use it as ``from workbench import triage as service; service.X``: every name is re-exported here.

Messages: every refusal a person can get carries a :class:`Message` (a key of
``MESSAGES`` plus parameters) as ``exc.message`` (``message_of(exc)``); its
``str`` is "中文 · English", so scripts and logs read it without the UI, and the
console renders ``Message.render(i18n.t)`` in its current language
(``I18n.add(MESSAGES)``). Domain terms in parameters (statuses, actions) are
:class:`Terms`, rendered by key in the same language.
"""

from __future__ import annotations

import time  # noqa: F401  (service.time: tests make the intake's retry pause instant)

from workbench.triage.base import (
    ALLOWED_FROM,
    CLASSIFIED_FIELDS,
    COUNTY_TZ,
    ESCALATION_TARGETS,
    INTAKE_ATTEMPTS,
    MIN_REASON_CHARS,
    NUMBER_LOCK_SPACE,
    OVERRIDE_FIELDS,
    SEVERITIES,
    history_event,
    now,
    record_event,
)
from workbench.triage.messages import (
    MESSAGES,
    Message,
    Terms,
    TriageError,
    TriageInputError,
    TriageStaleError,
    message_of,
)
from workbench.triage.queries import (
    QUEUE_COLUMNS,
    categories,
    dashboard_data,
    departments,
    event_message,
    get_report,
    history,
    overdue,
    overdue_by_department,
    override_stats,
    problem_message,
    problem_of,
    queue,
)
from workbench.triage.receiving import (
    IntakeResult,
    classification_fields,
    classify_report,
    engine_input,
    intake,
    reclassify,
)
from workbench.triage.workflow import (
    dispatch,
    escalate,
    open_joint_action,
    override,
    record_feedback,
    request_support,
    verify,
)

__all__ = [
    "ALLOWED_FROM",
    "COUNTY_TZ",
    "ESCALATION_TARGETS",
    "INTAKE_ATTEMPTS",
    "MIN_REASON_CHARS",
    "NUMBER_LOCK_SPACE",
    "CLASSIFIED_FIELDS",
    "OVERRIDE_FIELDS",
    "SEVERITIES",
    "QUEUE_COLUMNS",
    "MESSAGES",
    "Message",
    "Terms",
    "TriageError",
    "TriageInputError",
    "TriageStaleError",
    "message_of",
    "IntakeResult",
    "now",
    "intake",
    "reclassify",
    "engine_input",
    "classify_report",
    "classification_fields",
    "history_event",
    "record_event",
    "dispatch",
    "request_support",
    "open_joint_action",
    "escalate",
    "record_feedback",
    "verify",
    "override",
    "queue",
    "get_report",
    "history",
    "problem_of",
    "problem_message",
    "event_message",
    "overdue",
    "overdue_by_department",
    "override_stats",
    "dashboard_data",
    "departments",
    "categories",
]
