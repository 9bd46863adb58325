"""The tables the apps keep: SQLModel classes, one per record kind.

Conventions (shared by every app):

- Codes (department, violation, category, level) are the rulebook's codes,
  stored as plain strings; the apps show their zh/en names from the rulebook.
- Dates are ``date``; times are NAIVE ``datetime`` in county local time
  (Asia/Shanghai), the clock the deadlines are counted in (plain DateTime
  columns, not SQLModel's UTC type: pass ``datetime.now()``, not an aware value).
- Lists and small structures (facts, circumstances, basis, trace) are JSON
  columns. Reassign them (``row.facts = {...}``), do not mutate in place: a
  JSON column does not notice in-place changes.
- Every mutable table has a ``version`` column used by SQLAlchemy for
  optimistic locking: an UPDATE whose row changed since it was read fails
  with ``StaleRecordError`` (see ``workbench.store.db``). Append-only tables
  (report_event, rule_version, audit_log) have none.
- ``planted_defects`` / ``planted_bias`` are the demo generator's record of
  what it planted, used to measure the pre-check; never show them to reviewers.

Column names are explicit and stable: other parts read them, and migrations
(workbench/store/migrations) must follow every change here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

__all__ = [
    "Department",
    "Officer",
    "JudicialOffice",
    "Report",
    "ReportEvent",
    "CaseFile",
    "RuleVersion",
    "ReviewSample",
    "ReviewSampleItem",
    "ReviewScore",
    "Scenario",
    "TrainingExercise",
    "TrainingAttempt",
    "AuditLog",
    "StoreMeta",
    "REPORT_STATUSES",
    "OPEN_REPORT_STATUSES",
    "metadata",
    "TABLES",
]

# 受理 → 立案 → 派遣 → 处置 → 核查 → 结案 (domain.md §4.2); cancelled = 作废 (not qualifying).
REPORT_STATUSES = ("received", "filed", "dispatched", "handling", "verifying", "closed", "cancelled")
OPEN_REPORT_STATUSES = ("received", "filed", "dispatched", "handling", "verifying")


class Versioned:
    """Optimistic locking on the ``version`` column (SQLAlchemy version_id_col)."""

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=JSON)


def _json_dict() -> Any:
    return Field(default_factory=dict, sa_type=JSON)


class Department(Versioned, SQLModel, table=True):
    """部门: an enforcement department, a township, a community office or the county leaders."""

    __tablename__ = "department"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64)
    name_zh: str
    name_en: str
    # enforcement | township | community | coordination | leadership
    kind: str = Field(default="enforcement", max_length=32)
    active: bool = True
    version: int = 1


class Officer(Versioned, SQLModel, table=True):
    """执法人员: an officer holding an enforcement certificate (执法证)."""

    __tablename__ = "officer"
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=32)
    name_masked: str  # e.g. 张*明; the full name is never stored
    department_code: str = Field(foreign_key="department.code", index=True, max_length=64)
    certificate_no: str = Field(unique=True, max_length=32)
    domains: list = _json_list()  # violation codes the officer is trained in
    ab_partner: Optional[str] = Field(default=None, max_length=32)  # A/B post partner's officer number
    active: bool = True
    planted_bias: Optional[float] = None  # demo generator's record: fines at this share of the range (0.5 = neutral)
    version: int = 1


class JudicialOffice(Versioned, SQLModel, table=True):
    """司法所: a township judicial office (legal review, mediation)."""

    __tablename__ = "judicial_office"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64)
    name_zh: str
    name_en: str
    township: str
    version: int = 1


class Report(Versioned, SQLModel, table=True):
    """事件报告: a reported event and the engine's classification of it."""

    __tablename__ = "report"
    __table_args__ = (  # migration 0002: a department's open reports, overdue reports
        Index("ix_report_lead_status_due", "lead", "status", "due_at"),
        Index("ix_report_status_due", "status", "due_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=32)  # natural key, e.g. R2025-000123
    source: str = Field(max_length=32)  # camera hotline call_centre patrol joint_patrol media leader
    category: str = Field(index=True, max_length=64)
    received_at: dt.datetime = Field(sa_type=DateTime, index=True)
    community: Optional[str] = Field(default=None, max_length=64)
    key_road: bool = False
    location_text: Optional[str] = None
    people_affected: int = 0
    flags: list = _json_list()
    description: Optional[str] = Field(default=None, sa_type=Text)
    reporter_masked: Optional[str] = None
    # the engine's classification (classify()) or the staff's override of it
    severity: Optional[str] = Field(default=None, max_length=16)  # general | composite | major
    lead: Optional[str] = Field(default=None, max_length=64)
    assist: list = _json_list()
    coordination_level: Optional[int] = None
    escalate_to: list = _json_list()
    handle_within_hours: Optional[float] = None
    due_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    rules_version: Optional[str] = Field(default=None, max_length=32)
    basis: list = _json_list()
    trace: list = _json_list()
    overridden: bool = False
    override_reason: Optional[str] = None
    override_by: Optional[str] = None
    classification_by_engine: Optional[dict] = Field(default=None, sa_type=JSON)
    # workflow
    status: str = Field(default="received", max_length=16)
    assigned_to: Optional[str] = Field(default=None, max_length=64)  # department now handling it
    closed_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    created_at: dt.datetime = Field(sa_type=DateTime, default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    updated_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    version: int = 1


class ReportEvent(SQLModel, table=True):
    """One step of a report's status history (append-only)."""

    __tablename__ = "report_event"
    id: Optional[int] = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    at: dt.datetime = Field(sa_type=DateTime)
    who: str
    # receive classify dispatch handle feedback verify close escalate override cancel note
    action: str = Field(max_length=32)
    from_status: Optional[str] = Field(default=None, max_length=16)
    to_status: Optional[str] = Field(default=None, max_length=16)
    note: Optional[str] = None
    data: Optional[dict] = Field(default=None, sa_type=JSON)


class CaseFile(Versioned, SQLModel, table=True):
    """行政处罚案卷: one penalty case file, with what was decided and the documents held."""

    __tablename__ = "case_file"
    __table_args__ = (  # migration 0002: counts by violation and level, sampling by department and period
        # covers the counts
        Index("ix_case_violation_level", "violation", "level_applied", "decision_date", "fine_yuan"),
        Index("ix_case_department_decision", "department_code", "decision_date"),
        Index("ix_case_decision_date", "decision_date"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=40)  # natural key (案号)
    # party (当事人), masked in storage
    party_kind: str = Field(max_length=16)  # person | organisation
    party_name_masked: str
    party_id_masked: Optional[str] = None
    party_age: Optional[int] = None  # age at the time of the act
    party_capacity: str = Field(default="full", max_length=16)  # full | limited | none
    # the violation and its dates
    violation: str = Field(max_length=64)
    department_code: str = Field(foreign_key="department.code", max_length=64)
    community: Optional[str] = Field(default=None, max_length=64)
    act_date: dt.date
    act_end_date: Optional[dt.date] = None
    discovered_date: Optional[dt.date] = None
    filing_date: Optional[dt.date] = None
    decision_date: Optional[dt.date] = Field(default=None)
    service_date: Optional[dt.date] = None
    served_on_spot: bool = False  # summary procedure: decision handed over on the spot
    officers: list = _json_list()  # officer numbers
    lead_officer: Optional[str] = Field(default=None, index=True, max_length=32)
    facts: dict = _json_dict()
    circumstances: list = _json_list()
    # what was decided
    penalize: bool = True
    no_penalty_reason: Optional[str] = None
    fine_yuan: Optional[int] = None
    other_penalties: list = _json_list()  # Art. 9 penalties beside the fine (warning, confiscation, ...)
    measures: list = _json_list()  # measures that are not penalties (order_to_correct, demolition, ...)
    level_applied: Optional[str] = Field(default=None, max_length=16)
    procedure: Optional[str] = Field(default=None, max_length=16)  # summary | general
    documents: list = _json_list()  # codes of the vocabulary's case_documents present in the file
    # what the engine advised
    rules_version: Optional[str] = Field(default=None, max_length=32)
    recommended_level: Optional[str] = Field(default=None, max_length=16)
    recommended_min: Optional[int] = None
    recommended_max: Optional[int] = None
    hearing_right: Optional[bool] = None
    legal_review: Optional[bool] = None
    status: str = Field(default="decided", max_length=16)  # open | decided | closed
    planted_defects: list = _json_list()  # demo generator's record; never shown to reviewers
    created_at: dt.datetime = Field(sa_type=DateTime, default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    updated_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    version: int = 1


class RuleVersion(SQLModel, table=True):
    """A published rule version (append-only): what changed, by whom, why."""

    __tablename__ = "rule_version"
    id: Optional[int] = Field(default=None, primary_key=True)
    file: str  # path under rules/, e.g. discretion/street_vending.yaml
    violation: Optional[str] = Field(default=None, index=True, max_length=64)
    effective_from: Optional[dt.date] = None
    content_hash: str = Field(max_length=64)  # hash of the published file
    rules_version: Optional[str] = Field(default=None, max_length=32)  # rulebook hash after publishing
    author: str
    reason: str
    published_at: dt.datetime = Field(sa_type=DateTime)
    content: Optional[str] = Field(default=None, sa_type=Text)  # the file as published


class ReviewSample(Versioned, SQLModel, table=True):
    """案卷评查抽样: a reproducible draw of case files for review."""

    __tablename__ = "review_sample"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    method: str = Field(max_length=32)  # random | stratified | risk_weighted
    seed: int
    size: int
    params: dict = _json_dict()  # filters and strata as drawn
    created_by: str
    created_at: dt.datetime = Field(sa_type=DateTime)
    rules_version: Optional[str] = Field(default=None, max_length=32)
    status: str = Field(default="open", max_length=16)  # open | closed
    version: int = 1


class ReviewSampleItem(SQLModel, table=True):
    """One case file in a review sample (its place in the draw and its stratum)."""

    __tablename__ = "review_sample_item"
    __table_args__ = (UniqueConstraint("sample_id", "case_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    sample_id: int = Field(foreign_key="review_sample.id", index=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    position: int
    stratum: Optional[str] = None
    findings: list = _json_list()  # automatic pre-check findings at draw time


class ReviewScore(Versioned, SQLModel, table=True):
    """A reviewer's score of one case file against the review checklist."""

    __tablename__ = "review_score"
    __table_args__ = (UniqueConstraint("sample_id", "case_id", "reviewer"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    sample_id: Optional[int] = Field(default=None, foreign_key="review_sample.id", index=True)
    case_id: int = Field(foreign_key="case_file.id", index=True)
    reviewer: str
    items: dict = _json_dict()  # checklist item id -> {points, deducted, note}
    findings: list = _json_list()  # pre-check findings the reviewer confirmed or dismissed
    total: Optional[float] = None
    grade: Optional[str] = Field(default=None, max_length=16)  # excellent good pass fail
    veto: bool = False
    comment: Optional[str] = None
    status: str = Field(default="draft", max_length=16)  # draft | final
    scored_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    rules_version: Optional[str] = Field(default=None, max_length=32)
    version: int = 1


class Scenario(Versioned, SQLModel, table=True):
    """A training scenario (loaded from data/scenarios/ or written by a trainer)."""

    __tablename__ = "scenario"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64)
    kind: str = Field(default="decide", max_length=16)  # decide | classify
    title_zh: str
    title_en: str
    text_zh: Optional[str] = Field(default=None, sa_type=Text)
    text_en: Optional[str] = Field(default=None, sa_type=Text)
    input: dict = _json_dict()  # case or report as for decide()/classify()
    expected: Optional[dict] = Field(default=None, sa_type=JSON)  # optional fixed answer; else the engine's
    source: Optional[str] = None  # file it came from
    difficulty: Optional[int] = None
    tags: list = _json_list()
    active: bool = True
    version: int = 1


class TrainingExercise(Versioned, SQLModel, table=True):
    """A set of scenarios given to a cohort."""

    __tablename__ = "training_exercise"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    cohort: Optional[str] = None
    scenario_codes: list = _json_list()
    created_by: str
    created_at: dt.datetime = Field(sa_type=DateTime)
    opens_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    closes_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    status: str = Field(default="open", max_length=16)
    time_limit_minutes: Optional[int] = None  # none: no limit
    # fixed | shuffled
    scenario_order: str = Field(default="fixed", max_length=16, sa_column_kwargs={"server_default": "fixed"})
    feedback: str = Field(default="each", max_length=16, sa_column_kwargs={"server_default": "each"})  # each | end
    version: int = 1


class TrainingAttempt(Versioned, SQLModel, table=True):
    """One trainee's answer to one scenario, graded by the engine."""

    __tablename__ = "training_attempt"
    id: Optional[int] = Field(default=None, primary_key=True)
    exercise_id: Optional[int] = Field(default=None, foreign_key="training_exercise.id", index=True)
    scenario_code: str = Field(index=True, max_length=64)
    trainee: str = Field(index=True)  # officer number or a name
    cohort: Optional[str] = None
    answers: dict = _json_dict()
    expected: Optional[dict] = Field(default=None, sa_type=JSON)  # the engine's answer at grading time
    grades: dict = _json_dict()  # field -> {correct, expected, given, basis}
    score: Optional[float] = None
    rules_version: Optional[str] = Field(default=None, max_length=32)
    started_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    submitted_at: Optional[dt.datetime] = Field(default=None, sa_type=DateTime)
    version: int = 1


class AuditLog(SQLModel, table=True):
    """Append-only record of every change: who, what, when, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=DateTime, index=True)
    who: str
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: Optional[str] = Field(default=None, max_length=64)
    before: Optional[Any] = Field(default=None, sa_type=JSON)
    after: Optional[Any] = Field(default=None, sa_type=JSON)
    note: Optional[str] = None


class StoreMeta(SQLModel, table=True):
    """Key/value facts about this database (e.g. how the demo county was built)."""

    __tablename__ = "store_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: Optional[str] = None


metadata = SQLModel.metadata
TABLES = [
    Department,
    Officer,
    JudicialOffice,
    Report,
    ReportEvent,
    CaseFile,
    RuleVersion,
    ReviewSample,
    ReviewSampleItem,
    ReviewScore,
    Scenario,
    TrainingExercise,
    TrainingAttempt,
    AuditLog,
    StoreMeta,
]
