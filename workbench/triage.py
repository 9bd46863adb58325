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

Report numbers (R<year>-<6 digits>, unique in the store) are chosen inside the
intake's transaction while it holds a numbering lock (PostgreSQL advisory lock,
SQLite write lock), so desks filing at the same moment get distinct numbers; if
another writer (an import) took the number anyway, the whole intake is rolled
back and run again with a fresh number (``INTAKE_ATTEMPTS`` times at most).

Times are naive county-local datetimes (Asia/Shanghai), as the store keeps them.

Messages: every refusal a person can get carries a :class:`Message` (a key of
``MESSAGES`` plus parameters) as ``exc.message`` (``message_of(exc)``); its
``str`` is "中文 · English", so scripts and logs read it without the UI, and the
console renders ``Message.render(i18n.t)`` in its current language
(``I18n.add(MESSAGES)``). Domain terms in parameters (statuses, actions) are
:class:`Terms`, rendered by key in the same language.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from workbench.errors import InputError, WorkbenchError
from workbench.rulebook.model import REPORT_FLAGS, REPORT_SOURCES
from workbench.store import StaleRecordError, session_scope
from workbench.store.models import OPEN_REPORT_STATUSES, AuditLog, Department, Report, ReportEvent

COUNTY_TZ = ZoneInfo("Asia/Shanghai")
SEVERITIES = ("general", "composite", "major")
OVERRIDE_FIELDS = ("severity", "lead", "assist", "coordination_level", "escalate_to", "handle_within_hours")
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


# --------------------------------------------------------------------------- messages

# Every text a person can get from this service, in both languages (English keeps the Chinese term beside it).
MESSAGES: dict[str, dict[str, str]] = {
    "st_received": {"zh": "已受理", "en": "Received 已受理"},
    "st_filed": {"zh": "已立案", "en": "Filed 已立案"},
    "st_dispatched": {"zh": "已派遣", "en": "Dispatched 已派遣"},
    "st_handling": {"zh": "处置中", "en": "Handling 处置中"},
    "st_verifying": {"zh": "待核查", "en": "Verifying 待核查"},
    "st_closed": {"zh": "已结案", "en": "Closed 已结案"},
    "st_cancelled": {"zh": "已作废", "en": "Cancelled 已作废"},
    "sev_general": {"zh": "一般", "en": "General 一般"},
    "sev_composite": {"zh": "综合", "en": "Composite 综合"},
    "sev_major": {"zh": "重大", "en": "Major 重大"},
    "do_dispatch": {"zh": "派遣", "en": "dispatch 派遣"},
    "do_support": {"zh": "请求协助", "en": "request support 请求协助"},
    "do_joint": {"zh": "联合执法", "en": "joint action 联合执法"},
    "do_escalate": {"zh": "上报", "en": "escalate 上报"},
    "do_feedback": {"zh": "处置反馈", "en": "feedback 处置反馈"},
    "do_verify": {"zh": "核查", "en": "verify 核查"},
    "do_override": {"zh": "人工改判", "en": "override 人工改判"},
    "do_reclassify": {"zh": "重新定级", "en": "reclassify 重新定级"},
    "triage_or": {"zh": "或", "en": " or "},
    "triage_comma": {"zh": "、", "en": ", "},
    "triage_wrong_status": {
        "zh": "事件 {number} 当前状态为“{status}”，“{action}”只能在“{allowed}”状态下进行",
        "en": "report {number} is {status}; '{action}' needs status {allowed}",
    },
    "triage_wrong_status_unclassified": {
        "zh": "事件 {number} 当前状态为“{status}”，“{action}”只能在“{allowed}”状态下进行（该事件尚未定级：请重新定级或人工改判）",
        "en": "report {number} is {status}; '{action}' needs status {allowed} (it has no classification yet: reclassify it or override)",
    },
    "triage_stale": {
        "zh": "事件 {number} 在您打开后已被其他席位修改（您打开的是第 {expected} 版，现为第 {found} 版），本次操作未保存。请刷新，查看对方的修改后再操作。",
        "en": "report {number} was changed by someone else since you opened it (you opened version {expected}, it is now version {found}); "
              "nothing was saved. Reload it, check their change and make yours again.",
    },
    "triage_no_report": {"zh": "没有编号为 {id} 的事件", "en": "no report with id {id}"},
    "triage_overridden": {
        "zh": "事件 {number} 已人工改判，不能重新定级；如需变更，请再次人工改判并写明理由",
        "en": "report {number} has a staff override; change it with a new override, with a reason",
    },
    "triage_not_classified": {
        "zh": "事件 {number} 尚未定级，请先定级",
        "en": "report {number} has no classification yet; classify it first",
    },
    "triage_classify_failed": {"zh": "规则无法定级：{detail}", "en": "the rules could not classify this report: {detail}"},
    "triage_not_classified_yet": {"zh": "尚未定级", "en": "not classified yet"},
    "triage_text": {"zh": "{text}", "en": "{text}"},  # a note stored before messages had keys
    "triage_reason_required": {
        "zh": "人工改判须写明理由（至少 {min} 个字）",
        "en": "an override needs a written reason 改判理由 (at least {min} characters)",
    },
    "triage_cannot_override": {
        "zh": "不能改判 {fields}；可改判的字段：{allowed}",
        "en": "cannot override {fields}; allowed: {allowed}",
    },
    "triage_override_no_change": {
        "zh": "本次改判没有任何改动，请至少修改一项",
        "en": "the override changes nothing; change at least one field",
    },
    "triage_choose_severity": {"zh": "严重程度请选择：{choices}", "en": "severity 严重程度: choose one of {choices}"},
    "triage_level_range": {"zh": "协调级别必须是 1、2 或 3", "en": "coordination level 协调级别 must be 1, 2 or 3"},
    "triage_hours_range": {
        "zh": "处置时限须为大于 0 的小时数（最多 90 天）",
        "en": "the deadline 处置时限 must be a number of hours above 0 (at most 90 days)",
    },
    "triage_choose_department": {"zh": "请选择部门", "en": "choose a department 部门"},
    "triage_unknown_department": {"zh": "未知部门 {code}", "en": "unknown department 部门 {code}"},
    "triage_support_self": {
        "zh": "部门不能向自己请求协助，请选择其他部门",
        "en": "a department cannot ask itself for support 协助; choose another department",
    },
    "triage_joint_members": {
        "zh": "联合执法除牵头部门外至少还需一个参与部门",
        "en": "a joint action 联合执法 needs at least one department besides the lead",
    },
    "triage_feedback_required": {"zh": "请填写处置情况", "en": "write what was done (处置情况)"},
    "triage_verify_reason": {"zh": "请说明核查不通过的原因", "en": "say why the handling is not accepted (核查不通过)"},
    "triage_choose_source": {"zh": "来源请选择：{choices}", "en": "source 来源: choose one of {choices}"},
    "triage_choose_category": {"zh": "请选择事件类别", "en": "choose the event category 事件类别"},
    "triage_bad_time": {
        "zh": "受理时间应为日期时间，如 2024-05-01T09:30，而不是 {value}",
        "en": "the received time 受理时间 must be a date-time like 2024-05-01T09:30, not {value}",
    },
    "triage_not_time": {"zh": "受理时间应为日期时间", "en": "the received time 受理时间 must be a date-time"},
    "triage_future_time": {"zh": "受理时间 {value} 晚于现在", "en": "the received time 受理时间 {value} is in the future"},
    "triage_bad_people": {"zh": "影响人数应为 ≥ 0 的整数，而不是 {value}", "en": "people affected 影响人数 must be a whole number ≥ 0, not {value}"},
    "triage_number_busy": {
        "zh": "其他席位正在同时登记事件，{attempts} 次分配事件编号均未成功，本次未保存。请稍后再提交。",
        "en": "other desks were filing reports at the same moment and no report number 事件编号 could be given in {attempts} tries; "
              "nothing was saved. Submit it again in a moment.",
    },
    "triage_unknown_flags": {"zh": "未知情形 {flags}；可选：{known}", "en": "unknown circumstance(s) 情形 {flags}; known: {known}"},
}


@dataclass(frozen=True)
class Terms:
    """Domain terms as a message parameter: message keys, joined ("a or b") in the language shown."""

    keys: tuple[str, ...]
    joiner: str = "triage_or"


@dataclass(frozen=True)
class Message:
    """A message by key, with its parameters; rendered in any language."""

    key: str
    params: dict = field(default_factory=dict)

    def render(self, t: Callable[..., str]) -> str:
        """The text through a translator ``t(key, **fmt)`` (e.g. an app's ``I18n.t``)."""
        values = {}
        for name, value in self.params.items():
            if isinstance(value, Terms):
                value = t(value.joiner).join(t(k) for k in value.keys)
            values[name] = value
        return t(self.key, **values)

    def text(self, lang: str) -> str:
        return self.render(lambda key, **fmt: _translate(key, lang, **fmt))

    def __str__(self) -> str:
        return f"{self.text('zh')} · {self.text('en')}"

    def to_dict(self) -> dict:
        return {"key": self.key, "params": {k: ({"terms": list(v.keys)} if isinstance(v, Terms) else v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "Message":
        params = {k: (Terms(tuple(v["terms"])) if isinstance(v, dict) and "terms" in v else v) for k, v in (data.get("params") or {}).items()}
        return cls(data["key"], params)


def _translate(key: str, lang: str, **fmt) -> str:
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    try:
        return texts[lang].format(**fmt)
    except (KeyError, IndexError, ValueError):
        return texts[lang]


def message_of(exc: BaseException) -> Message | None:
    """The message of a refusal from this service (None for any other error)."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, Message) else None


class TriageError(WorkbenchError):
    """An action that does not fit the report's state (e.g. closing a report never dispatched)."""

    def __init__(self, key: str, **params):
        self.message = Message(key, params)
        super().__init__(str(self.message))


class TriageInputError(InputError):
    """A malformed field (``.field``), with its message in both languages (``.message``)."""

    def __init__(self, field: str, key: str, **params):
        self.message = Message(key, params)
        super().__init__(field, str(self.message))


class TriageStaleError(StaleRecordError):
    """The report changed since the desk read it; nothing was saved."""

    def __init__(self, number: str, expected: int, found: int):
        super().__init__("report", number, expected, found)
        self.message = Message("triage_stale", {"number": number, "expected": expected, "found": found})
        self.args = (str(self.message),)

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class IntakeResult:
    report_id: int
    number: str
    classified: bool
    problem: str | None  # why the engine could not classify it (the report is kept), "中文 · English"
    message: Message | None = None  # the same, by key, for an app to show in its language


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
    taken: str | None = None  # a number another writer took while this attempt ran
    for attempt in range(1, INTAKE_ATTEMPTS + 1):
        number = None
        try:
            with session_scope(url) as s:
                _lock_numbering(s, fields["received_at"].year)
                number = _next_number(s, fields["received_at"], after=taken)
                report = Report(number=number, status="received", **fields)
                s.add(report)
                s.flush()
                _event(s, report, who, "receive", None, "received", at, note=fields.get("description"))
                problem = _classify_into(s, report, who, at, engine)
                s.flush()
                result = IntakeResult(report.id, report.number, problem is None, _str(problem), problem)
            return result
        except IntegrityError as exc:
            # The whole transaction was rolled back (nothing of this attempt is kept). Try again with a
            # fresh number only if the cause was the number being taken; any other conflict is raised.
            if number is None or not _number_taken(number, url):
                raise
            taken = number
            if attempt == INTAKE_ATTEMPTS:
                raise TriageError("triage_number_busy", attempts=INTAKE_ATTEMPTS) from exc
            time.sleep(random.uniform(0, 0.05 * attempt))  # desks racing without the lock spread out
    raise AssertionError("unreachable")  # pragma: no cover


def reclassify(report_id: int, who: str, at: dt.datetime | None = None, url: str | None = None, engine=None) -> IntakeResult:
    """Run the engine again on a report (an override is replaced only if the report has none)."""
    at = at or now()
    with session_scope(url) as s:
        report = _load(s, report_id, "reclassify")
        if report.overridden:
            raise TriageError("triage_overridden", number=report.number)
        problem = _classify_into(s, report, who, at, engine)
        return IntakeResult(report.id, report.number, problem is None, _str(problem), problem)


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


def _str(message: Message | None) -> str | None:
    return None if message is None else str(message)


def _classify_into(s: Session, report: Report, who: str, at: dt.datetime, engine) -> Message | None:
    try:
        triage = _engine(engine).classify(engine_input(report)).to_dict()
    except WorkbenchError as exc:
        message = Message("triage_classify_failed", {"detail": str(exc)})
        _event(s, report, who, "classify_failed", report.status, report.status, at, note=str(message),
               data={"message": message.to_dict()})
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
        raise TriageInputError("flags", "triage_unknown_flags", flags=", ".join(map(str, unknown)), known=", ".join(REPORT_FLAGS))
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

    Imported reports keep their own numbers (workbench/store/importing.py), so numbers of the year that
    do not end in digits are passed over rather than parsed. Called under ``_lock_numbering``.
    """
    prefix = f"R{received_at.year}-"
    candidates = s.exec(
        select(Report.number).where(Report.number.like(f"{prefix}%"))
        .order_by(func.length(Report.number).desc(), Report.number.desc()).limit(50)
    ).all()
    n = next((int(c[len(prefix):]) for c in candidates if c[len(prefix):].isdigit()), 0) + 1
    if after and after.startswith(prefix) and after[len(prefix):].isdigit():
        n = max(n, int(after[len(prefix):]) + 1)
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
        connection.execute(text("SELECT pg_advisory_xact_lock(:space, :year)"), {"space": NUMBER_LOCK_SPACE, "year": year})
    elif dialect == "sqlite":
        raw = connection.connection.dbapi_connection
        if not getattr(raw, "in_transaction", True):  # pysqlite begins only at the first write: begin now
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _number_taken(number: str, url: str | None) -> bool:
    with session_scope(url) as s:
        return s.exec(select(Report.id).where(Report.number == number)).first() is not None


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
            raise TriageInputError("department", "triage_support_self")
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
        raise TriageInputError("members", "triage_joint_members")
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
        raise TriageInputError("feedback", "triage_feedback_required")
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
        raise TriageInputError("note", "triage_verify_reason")
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
        raise TriageInputError("reason", "triage_reason_required", min=MIN_REASON_CHARS)
    unknown = set(changes) - set(OVERRIDE_FIELDS)
    if unknown:
        raise TriageInputError("changes", "triage_cannot_override", fields=", ".join(sorted(map(str, unknown))), allowed=", ".join(OVERRIDE_FIELDS))
    with session_scope(url) as s:
        report = _load(s, report_id, "override", version)
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
        changed = {k: {"engine": _jsonable(before[k]), "staff": _jsonable(after[k])} for k in clean if before[k] != after[k]}
        _event(s, report, who, "override", report.status, report.status, at, note=reason, data={"changed": changed})
        return report


def _validate_changes(s: Session, changes: dict) -> dict:
    clean: dict[str, Any] = {}
    if "severity" in changes:
        if changes["severity"] not in SEVERITIES:
            raise TriageInputError("severity", "triage_choose_severity", choices=Terms(tuple(f"sev_{v}" for v in SEVERITIES), "triage_comma"))
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
            raise TriageInputError("coordination_level", "triage_level_range")
        clean["coordination_level"] = level
    if "handle_within_hours" in changes:
        hours = changes["handle_within_hours"]
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 24 * 90:
            raise TriageInputError("handle_within_hours", "triage_hours_range")
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
            raise TriageInputError("report", "triage_no_report", id=report_id)
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
        raise TriageInputError("report", "triage_no_report", id=report_id)
    if version is not None and report.version != version:
        raise TriageStaleError(report.number, version, report.version)
    allowed = ALLOWED_FROM.get(action)
    if allowed and report.status not in allowed:
        unclassified = not report.severity and action not in ("escalate", "reclassify")
        raise TriageError(
            "triage_wrong_status_unclassified" if unclassified else "triage_wrong_status",
            number=report.number, status=Terms((f"st_{report.status}",)), action=Terms((f"do_{action}",)),
            allowed=Terms(tuple(f"st_{a}" for a in allowed)),
        )
    return report


def _check_department(s: Session, code: str | None, field: str) -> None:
    if not code:
        raise TriageInputError(field, "triage_choose_department")
    if s.exec(select(Department).where(Department.code == code)).first() is not None:
        return
    if code in _engine(None).rulebook.departments:
        return
    raise TriageInputError(field, "triage_unknown_department", code=repr(code))


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
