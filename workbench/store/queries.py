"""The queries the apps need, in one place (the UI never writes SQL).

Each function takes an open Session (``with session_scope() as s:``) and
returns plain rows or dicts, so services can show, export or test them.
Indexes behind them: see migration 0002 and benchmarks/store.py.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Iterable

from sqlalchemy import and_, func, select
from sqlmodel import Session

from workbench.errors import InputError
from workbench.store.models import OPEN_REPORT_STATUSES, CaseFile, Report

__all__ = [
    "open_reports",
    "overdue_reports",
    "stratified_case_sample",
    "case_counts_by_violation_and_level",
    "case_files_by_id",
    "CASE_FILE_COLUMNS",
    "REPORT_COLUMNS",
]

REPORT_COLUMNS = (
    "number",
    "received_at",
    "source",
    "category",
    "severity",
    "lead",
    "assist",
    "coordination_level",
    "status",
    "due_at",
    "community",
    "overridden",
    "rules_version",
)
CASE_FILE_COLUMNS = (
    "number",
    "department_code",
    "violation",
    "party_kind",
    "party_name_masked",
    "act_date",
    "filing_date",
    "decision_date",
    "fine_yuan",
    "level_applied",
    "procedure",
    "lead_officer",
    "rules_version",
)


def open_reports(
    session: Session, department: str | None = None, *, include_assisting: bool = False, limit: int | None = None
) -> list[Report]:
    """Reports not closed or cancelled, led by ``department`` (or all), oldest deadline first.

    ``include_assisting`` also returns reports where the department assists
    (read from the JSON list, so it scans the open reports: there are few).
    """
    query = select(Report).where(Report.status.in_(OPEN_REPORT_STATUSES))
    if department and not include_assisting:
        query = query.where(Report.lead == department)
    query = query.order_by(Report.due_at.is_(None), Report.due_at, Report.id)
    if limit and not include_assisting:
        query = query.limit(limit)
    rows = list(session.execute(query).scalars())
    if department and include_assisting:
        rows = [r for r in rows if r.lead == department or department in (r.assist or [])]
    return rows[:limit] if limit else rows


def overdue_reports(session: Session, now: dt.datetime, department: str | None = None) -> list[Report]:
    """Open reports whose deadline (due_at) is before ``now``, most overdue first."""
    query = select(Report).where(Report.status.in_(OPEN_REPORT_STATUSES), Report.due_at < now)
    if department:
        query = query.where(Report.lead == department)
    query = query.order_by(Report.due_at, Report.id)
    return list(session.execute(query).scalars())


def case_counts_by_violation_and_level(
    session: Session,
    *,
    department: str | None = None,
    decided_from: dt.date | None = None,
    decided_to: dt.date | None = None,
) -> list[tuple[str, str | None, int, int | None]]:
    """(violation, level applied, number of files, total fines in yuan), for decided files."""
    query = select(CaseFile.violation, CaseFile.level_applied, func.count(), func.sum(CaseFile.fine_yuan)).where(
        CaseFile.decision_date.is_not(None)
    )
    if department:
        query = query.where(CaseFile.department_code == department)
    if decided_from:
        query = query.where(CaseFile.decision_date >= decided_from)
    if decided_to:
        query = query.where(CaseFile.decision_date <= decided_to)
    query = query.group_by(CaseFile.violation, CaseFile.level_applied).order_by(
        CaseFile.violation, CaseFile.level_applied
    )
    return [
        (v, lvl, int(n), None if total is None else int(total)) for v, lvl, n, total in session.execute(query).all()
    ]


def stratified_case_sample(
    session: Session,
    size: int,
    seed: int,
    *,
    by: str = "department_code",
    decided_from: dt.date | None = None,
    decided_to: dt.date | None = None,
    department: str | None = None,
) -> list[tuple[int, str]]:
    """A reproducible stratified random sample of decided case files: [(case id, stratum)].

    Each stratum (value of ``by``: department_code, violation, level_applied)
    gets a share of ``size`` proportional to its number of files (largest
    remainder; at least one per non-empty stratum while ``size`` allows).
    Same data, seed and arguments → the same sample. Only (stratum, id) pairs
    are read, from a covering index: linear in the files matching the filters
    (see benchmarks/store.py for the cost on a million).
    """
    if by not in ("department_code", "violation", "level_applied", "lead_officer", "community"):
        raise InputError(
            "by", f"cannot stratify by {by!r}; use department_code, violation, level_applied, lead_officer or community"
        )
    column = getattr(CaseFile, by)
    conditions = [CaseFile.decision_date.is_not(None)]
    if decided_from:
        conditions.append(CaseFile.decision_date >= decided_from)
    if decided_to:
        conditions.append(CaseFile.decision_date <= decided_to)
    if department:
        conditions.append(CaseFile.department_code == department)
    strata: dict[str, list[int]] = {}
    # one pass over a covering index (no ORDER BY: sorting ids in Python is cheaper than in SQLite)
    for key, case_id in session.execute(select(column, CaseFile.id).where(and_(*conditions))).all():
        strata.setdefault("" if key is None else str(key), []).append(case_id)
    if not strata or size <= 0:
        return []
    for ids in strata.values():
        ids.sort()
    total = sum(len(ids) for ids in strata.values())
    size = min(size, total)
    keys = sorted(strata)
    quotas = {k: size * len(strata[k]) / total for k in keys}
    counts = {k: int(quotas[k]) for k in keys}
    for k in sorted(keys, key=lambda k: (-(quotas[k] - counts[k]), k))[: size - sum(counts.values())]:
        counts[k] += 1
    for k in keys:  # every stratum represented while size allows, taken from the largest
        if counts[k] == 0 and size >= len(keys):
            donor = max(keys, key=lambda x: (counts[x], x))
            counts[donor] -= 1
            counts[k] = 1
    rng = random.Random(seed)
    sample: list[tuple[int, str]] = []
    for k in keys:
        sample.extend((case_id, k) for case_id in sorted(rng.sample(strata[k], min(counts[k], len(strata[k])))))
    return sample


def case_files_by_id(session: Session, ids: Iterable[int]) -> list[CaseFile]:
    """The case files of ``ids``, in the order given (missing ids are skipped).

    The pre-check's document of each is ``workbench.engine.inputs.case_file_document`` (the one case contract).
    """
    ids = list(ids)
    found: dict[int, CaseFile] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.execute(select(CaseFile).where(CaseFile.id.in_(chunk))).scalars():
            found[row.id] = row
    return [found[i] for i in ids if i in found]
