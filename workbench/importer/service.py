"""Import case files and event reports from CSV or XLSX, every row validated.

``import_file(path, kind=None, all_or_nothing=False, who=..., url=None)``
reads the file (CSV as UTF-8, else GB18030, which Excel on a Chinese Windows
writes; XLSX: the first sheet), validates each row, and writes the valid rows
in ONE transaction: either they all go in or, if anything fails while
writing, none does. With ``all_or_nothing`` a single bad row keeps the whole
file out. The natural key (案号 case number / 事件编号 report number) makes
a re-import idempotent: an unchanged row is left alone, a changed one is
updated (version + 1, audited), a new one is inserted.

A changed report is classified again by the engine, except where triage staff
overrode the classification with a written reason (``Report.overridden``):
then the import updates the inputs and the engine's own answer
(``classification_by_engine``) but keeps the staff's classification, and
says so for that row (a warning naming the report and what the engine now
says). A status changed by an import is written to the report's history (a
``ReportEvent``, action "import") and the audit log, in the same transaction.

Each problem names the row (as the spreadsheet numbers it: the header is
row 1), the column, what is wrong and what to do. Names and ID numbers are
masked before they are stored (workbench.importer.columns).

A report's classification, its history steps and their audit rows are the triage service's own
(``triage.classify_report``, ``triage.history_event``, ``triage.record_event``), written in the import's one
transaction; ``session=`` makes that the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from workbench import triage
from workbench.engine import get_engine as get_decision_engine
from workbench.errors import InputError
from workbench.importer.columns import (
    CASE_COLUMNS,
    REPORT_COLUMNS,
    Bad,
    Column,
    Context,
    fact_value,
)
from workbench.importer.reading import read_table
from workbench.importer.records import RowError, case_record, report_record
from workbench.store import models as m
from workbench.store import use_session
from workbench.store.audit import audit

__all__ = ["import_file", "ImportResult", "RowProblem", "KINDS"]

KINDS = ("cases", "reports")


@dataclass
class RowProblem:
    row: int  # spreadsheet row number (header = 1)
    column: str | None
    message: str
    fix: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message} — {self.fix}" if self.fix else f"{where}: {self.message}"


@dataclass
class ImportResult:
    path: str
    kind: str
    encoding: str | None
    rows: int = 0
    valid: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    kept_overrides: int = 0  # overridden reports whose staff classification the import kept
    written: bool = False
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.errors if p.row > 1})

    def summary(self) -> str:
        how = f" (read as {self.encoding})" if self.encoding and self.encoding not in ("utf-8", "xlsx") else ""
        if self.written:
            done = f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged"
            if self.kept_overrides:
                done += f" ({self.kept_overrides} staff override(s) kept, see the warnings)"
        else:
            done = "nothing written"
        return (
            f"{self.path}{how}: {self.rows} {self.kind} rows, {self.valid} valid, {self.bad_rows} with errors, "
            f"{self.duplicates} duplicate rows skipped; {done}"
        )


# -- import --------------------------------------------------------------------------------


def import_file(
    path: str | Path,
    kind: str | None = None,
    *,
    all_or_nothing: bool = False,
    who: str = "import",
    url: str | None = None,
    today: dt.date | None = None,
    rules_dir: str | None = None,
    session: Session | None = None,
) -> ImportResult:
    """Validate and import one file; see the module docstring. Returns what happened, row by row.

    ``session``: read and write in the caller's transaction (nothing is committed here), so an import and the
    triage service's steps can be one transaction; without it the import is its own transaction.
    """
    header, rows, encoding = read_table(path)
    kind = kind or _guess_kind(header)
    if kind not in KINDS:
        raise InputError("--kind", f"must be cases or reports, not {kind!r}")
    result = ImportResult(path=str(path), kind=kind, encoding=encoding, rows=len(rows))
    if encoding == "gb18030":
        result.problems.append(
            RowProblem(
                1,
                None,
                "the file is not UTF-8; it was read as GB18030 (Chinese Windows/Excel)",
                "check that the Chinese text below looks right",
                "warning",
            )
        )
    columns = CASE_COLUMNS if kind == "cases" else REPORT_COLUMNS
    mapping, fact_columns = _map_header(header, columns, result)
    missing = [c.name for c in columns if c.required and c.name not in mapping.values()]
    if missing:
        result.problems.append(
            RowProblem(
                1,
                ", ".join(missing),
                "required column missing",
                f"add a column named {missing[0]} (header row names the columns)",
            )
        )
        return result
    engine = get_decision_engine(rules_dir) if rules_dir else get_decision_engine()
    with use_session(session, url) as s:
        departments = {r[0] for r in s.execute(select(m.Department.__table__.c.code))}
        officers = {r[0] for r in s.execute(select(m.Officer.__table__.c.number))}
    ctx = Context(today=today or dt.date.today(), book=engine.rulebook, departments=departments, officers=officers)

    records: dict[str, tuple[int, dict]] = {}
    conflicted: set[str] = set()
    for row_number, cells in rows:
        problems_before = len(result.errors)
        values: dict[str, Any] = {}
        for index, name in mapping.items():
            column = next(c for c in columns if c.name == name)
            cell = cells[index] if index < len(cells) else ""
            try:
                values[name] = column.parse(cell, ctx)
            except Bad as bad:
                result.problems.append(RowProblem(row_number, header[index], bad.message, bad.fix))
        for index, fact in fact_columns.items():
            cell = cells[index] if index < len(cells) else ""
            if str(cell).strip() != "":
                values.setdefault("facts", {})
                values["facts"] = dict(values.get("facts") or {}, **{fact: fact_value(cell)})
        for column in columns:
            if (
                column.required
                and values.get(column.name) in (None, "")
                and column.name in mapping.values()
                and not any(
                    p.row == row_number and p.column == _header_of(header, mapping, column.name) for p in result.errors
                )
            ):
                helped = f" ({column.help})" if column.help else ""
                result.problems.append(
                    RowProblem(
                        row_number,
                        _header_of(header, mapping, column.name),
                        "empty",
                        f"fill in the {column.name}{helped}",
                    )
                )
        if len(result.errors) > problems_before:
            continue
        try:
            record = (case_record if kind == "cases" else report_record)(values, ctx, engine)
        except RowError as exc:
            result.problems.append(
                RowProblem(row_number, _header_of(header, mapping, exc.column) or exc.column, exc.message, exc.fix)
            )
            continue
        key = record["number"]
        if key in conflicted:
            result.problems.append(
                RowProblem(
                    row_number,
                    _header_of(header, mapping, "number"),
                    f"{key} is also on earlier rows with different values",
                    "keep one row per number; correct or delete the others",
                )
            )
            continue
        if key in records:
            first_row, first = records[key]
            if first == record:
                result.duplicates += 1
                result.problems.append(
                    RowProblem(
                        row_number,
                        None,
                        f"same as row {first_row} ({key})",
                        "skipped; delete one of the two rows",
                        "warning",
                    )
                )
            else:
                result.problems.append(
                    RowProblem(
                        row_number,
                        _header_of(header, mapping, "number"),
                        f"{key} is also on row {first_row} with different values",
                        "keep one row per number; correct or delete the other",
                    )
                )
                result.problems.append(
                    RowProblem(
                        first_row,
                        _header_of(header, mapping, "number"),
                        f"{key} is also on row {row_number} with different values",
                        "keep one row per number; correct or delete the other",
                    )
                )
                records.pop(key)
                conflicted.add(key)
            continue
        records[key] = (row_number, record)
    good = dict(records)
    result.valid = len(good)
    if all_or_nothing and result.errors:
        return result
    if not good:
        result.written = not result.errors
        return result
    model = m.CaseFile if kind == "cases" else m.Report
    with use_session(session, url) as session:
        existing = {}
        keys = list(good)
        for start in range(0, len(keys), 500):
            for obj in session.execute(select(model).where(model.number.in_(keys[start : start + 500]))).scalars():
                existing[obj.number] = obj
        now = dt.datetime.now().replace(microsecond=0)
        for key, (row_number, record) in good.items():
            obj = existing.get(key)
            if obj is None:
                obj = model(**record, created_at=now)
                session.add(obj)
                session.flush()
                if kind == "reports":
                    _first_event(session, obj, who, now)
                audit(
                    session,
                    who,
                    "import_create",
                    model.__tablename__,
                    key,
                    None,
                    _plain(record),
                    note=f"{Path(path).name} row {row_number}",
                    at=now,
                )
                result.inserted += 1
                continue
            given = {_FIELD_OF.get(name, name) for name in mapping.values()} | ({"facts"} if fact_columns else set())
            changed = {k: v for k, v in record.items() if k in given and _plain(getattr(obj, k)) != _plain(v)}
            if not changed:
                result.unchanged += 1
                continue
            where = f"{Path(path).name} row {row_number}"
            derived = {k: v for k, v in record.items() if k not in given and k != "status"}
            kept_override = kind == "reports" and bool(obj.overridden)
            if kept_override:
                # staff overrode the classification with a reason: keep it; only the engine's own answer moves
                derived = {k: v for k, v in derived.items() if k not in _STAFF_CLASSIFICATION}
                if "received_at" in changed and obj.handle_within_hours is not None:
                    # the staff's time limit counts from the corrected receipt time (as triage.override does)
                    derived["due_at"] = changed["received_at"] + dt.timedelta(hours=obj.handle_within_hours)
            # else: what the store derives from the changed inputs (engine advice, classification) follows them
            changed.update({k: v for k, v in derived.items() if _plain(getattr(obj, k)) != _plain(v)})
            old_status = getattr(obj, "status", None)
            if kind == "reports" and changed.get("status") == "closed" and obj.closed_at is None:
                changed["closed_at"] = now
            before = {k: _plain(getattr(obj, k)) for k in changed}
            for k, v in changed.items():
                setattr(obj, k, v)
            obj.updated_at = now
            session.flush()
            audit(session, who, "import_update", model.__tablename__, key, before, _plain(changed), note=where, at=now)
            if kind == "reports" and "status" in changed:
                _status_event(session, obj, who, old_status, obj.status, now, where)
            if kept_override:
                result.kept_overrides += 1
                result.problems.append(
                    RowProblem(
                        row_number,
                        None,
                        _override_kept(obj, record["classification_by_engine"]),
                        "the staff's classification stays; review it in the triage console "
                        "if the new inputs call for a change",
                        "warning",
                    )
                )
            result.updated += 1
    result.written = True
    return result


_FIELD_OF = {
    "party_name": "party_name_masked",
    "party_id": "party_id_masked",
    "department": "department_code",
    "reporter": "reporter_masked",
}


def _first_event(session: Session, report: m.Report, who: str, now: dt.datetime) -> None:
    """The imported report's first history step (its audit row is the import's own ``import_create``)."""
    triage.history_event(
        session,
        report,
        who,
        "import",
        None,
        report.status,
        now,
        note="imported",
        data={"severity": report.severity, "lead": report.lead},
    )


# the report's classification as triage staff may override it (triage.OVERRIDE_FIELDS), with what goes with it:
# the deadline, the department handling it, and the basis, trace and rules version the classification was made on
_STAFF_CLASSIFICATION = (*triage.CLASSIFIED_FIELDS, "assigned_to", "basis", "trace", "rules_version")


def _status_event(
    session: Session, report: m.Report, who: str, from_status: str | None, to_status: str, now: dt.datetime, where: str
) -> None:
    """A status changed by an import: one history step and its audit row, written by the triage service."""
    note = f"status changed by import of {where}"
    triage.record_event(
        session,
        report,
        who or "import",
        "import",
        from_status,
        to_status,
        now,
        note=note,
        audit_note=f"{report.number}: {note}",
    )


def _override_kept(report: m.Report, engine: dict) -> str:
    said = (
        f"severity {engine['severity']}, lead {engine['lead']}, level {engine['coordination_level']}, "
        f"within {float(engine['handle_within_hours']):g} h (rules {engine['rules_version']})"
    )
    staff = [
        f"{name} {getattr(report, name)}"
        for name in ("severity", "lead", "coordination_level")
        if getattr(report, name) != engine[name]
    ]
    staff_hours = report.handle_within_hours
    if staff_hours is not None and float(staff_hours) != float(engine["handle_within_hours"]):
        staff.append(f"within {float(report.handle_within_hours):g} h")
    kept = f"; staff have {', '.join(staff)}" if staff else ""
    return (
        f"kept the staff override of {report.number}; the engine now says {said}{kept} "
        f"(override by {report.override_by or '?'}: {report.override_reason or ''})"
    )


def _guess_kind(header: list[str]) -> str:
    names = {h.strip().lower() for h in header}
    case_names = {"violation", "违法行为", "violation_code", "案号", "act_date"}
    report_names = {"category", "类别", "事件类别", "source", "来源", "received_at", "受理时间"}
    if names & case_names and not names & {"category", "类别", "事件类别"}:
        return "cases"
    if names & report_names:
        return "reports"
    raise InputError(
        "--kind",
        "cannot tell from the header whether the file holds case files or reports; pass --kind cases or --kind reports",
    )


def _map_header(
    header: list[str], columns: list[Column], result: ImportResult
) -> tuple[dict[int, str], dict[int, str]]:
    lookup: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            lookup[name.lower()] = column.name
    mapping: dict[int, str] = {}
    facts: dict[int, str] = {}
    seen: dict[str, int] = {}
    ignored: list[str] = []
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name:
            continue
        low = name.lower()
        if result.kind == "cases" and (low.startswith("fact.") or low.startswith("facts.")):
            facts[index] = name.split(".", 1)[1]
            continue
        target = lookup.get(low)
        if target is None:
            ignored.append(name)
            continue
        if target in seen:
            result.problems.append(
                RowProblem(
                    1,
                    name,
                    f"names the same field as column {header[seen[target]]!r}; the first is used",
                    "delete one of the two columns",
                    "warning",
                )
            )
            continue
        seen[target] = index
        mapping[index] = target
    if ignored:
        result.problems.append(
            RowProblem(
                1,
                ", ".join(ignored),
                "column(s) not imported (unknown, or kept by the store itself)",
                f"importable columns: {', '.join(c.name for c in columns)}",
                "warning",
            )
        )
    return mapping, facts


def _header_of(header: list[str], mapping: dict[int, str], name: str) -> str | None:
    for index, target in mapping.items():
        if target == name:
            return header[index]
    return name


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
