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
masked before they are stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select

from workbench.errors import InputError
from workbench.store import models as m
from workbench.store.audit import audit
from workbench.store.db import get_engine, session_scope

__all__ = ["import_file", "read_table", "ImportResult", "RowProblem", "mask_name", "mask_id", "KINDS"]

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
        return (f"{self.path}{how}: {self.rows} {self.kind} rows, {self.valid} valid, {self.bad_rows} with errors, "
                f"{self.duplicates} duplicate rows skipped; {done}")


# -- reading ------------------------------------------------------------------------------


def read_table(path: str | Path) -> tuple[list[str], list[tuple[int, list[Any]]], str]:
    """(header, [(row number, cells)], encoding) of a CSV or XLSX file; blank rows dropped."""
    path = Path(path)
    if not path.exists():
        raise InputError("file", f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise InputError("file", f"{path.name}: the file is empty; the first row must name the columns (e.g. number, violation, act_date, ...)")
    if path.suffix.lower() in (".xlsx", ".xlsm") or data[:2] == b"PK":
        return _read_xlsx(path, data)
    if path.suffix.lower() == ".xls":
        raise InputError("file", f"{path.name}: old Excel .xls files are not read; save it as .xlsx or CSV (UTF-8)")
    text, encoding = _decode(path, data)
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    rows = [(i, cells) for i, cells in enumerate(reader, start=1)]
    rows = [(i, cells) for i, cells in rows if any(str(c).strip() for c in cells)]
    if not rows:
        raise InputError("file", f"{path.name}: no rows; the first row must name the columns")
    header = [str(c).strip() for c in rows[0][1]]
    return header, rows[1:], encoding


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError("file", f"{path.name}: byte {exc.start} is neither UTF-8 nor GB18030 text; "
                                 "in Excel use 'Save as → CSV UTF-8 (comma delimited)' and import again") from None


def _read_xlsx(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]], str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise InputError("file", f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__}); save it again from Excel as .xlsx") from None
    sheet = book.worksheets[0]
    rows = []
    for i, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if c is None else c for c in cells]
        if any(str(c).strip() for c in cells):
            rows.append((i, cells))
    book.close()
    if not rows:
        raise InputError("file", f"{path.name}: the first sheet is empty; the first row must name the columns")
    header = [str(c).strip() for c in rows[0][1]]
    return header, rows[1:], "xlsx"


# -- columns ---------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message, self.fix = message, fix


@dataclass
class Column:
    name: str
    aliases: tuple[str, ...]
    parse: Callable[[Any, "_Context"], Any]
    required: bool = False
    help: str = ""


@dataclass
class _Context:
    today: dt.date
    book: Any
    departments: set[str]
    officers: set[str]


def _text(value: Any, ctx: _Context) -> str | None:
    text = str(value).strip()
    return text or None


def _int(minimum: int = 0) -> Callable[[Any, _Context], int | None]:
    def parse(value: Any, ctx: _Context) -> int | None:
        if value in ("", None):
            return None
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise _Bad(f"{value!r} is not a number", "write a whole number, e.g. 500") from None
        if number != int(number):
            raise _Bad(f"{value!r} is not a whole number", "round it to a whole number")
        if number < minimum:
            raise _Bad(f"{value!r} is below {minimum}", f"write a number of at least {minimum}")
        return int(number)
    return parse


def _date(value: Any, ctx: _Context) -> dt.date | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip().replace("/", "-").replace(".", "-")
        text = re.sub(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$", r"\1-\2-\3", text)
        try:
            parts = [int(p) for p in text.split("-")]
            day = dt.date(*parts) if len(parts) == 3 else None
        except (ValueError, TypeError):
            day = None
        if day is None:
            raise _Bad(f"{value!r} is not a date", "write it as YYYY-MM-DD, e.g. 2024-05-01")
    if day > ctx.today:
        raise _Bad(f"{day} is in the future (today is {ctx.today})", "check the year and month; a file records what has happened")
    return day


def _datetime(value: Any, ctx: _Context) -> dt.datetime | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        when = value.replace(tzinfo=None, microsecond=0)
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time())
    else:
        text = str(value).strip().replace("/", "-")
        try:
            when = dt.datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)
        except ValueError:
            raise _Bad(f"{value!r} is not a date and time", "write it as YYYY-MM-DD HH:MM, e.g. 2024-05-01 09:30") from None
    if when.date() > ctx.today:
        raise _Bad(f"{when} is in the future (today is {ctx.today})", "check the date; a report records what has happened")
    return when


def _bool(value: Any, ctx: _Context) -> bool | None:
    if value in ("", None):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "是", "t"):
        return True
    if text in ("0", "false", "no", "n", "否", "f"):
        return False
    raise _Bad(f"{value!r} is not yes or no", "write true/false (或 是/否)")


def _list(value: Any, ctx: _Context) -> list[str]:
    if value in ("", None):
        return []
    text = str(value).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            raise _Bad(f"{value!r} is not a list", "separate items with ; e.g. first_offence; corrected_promptly") from None
        return [str(i).strip() for i in items if str(i).strip()]
    return [p.strip() for p in re.split(r"[;,，；、|]", text) if p.strip()]


def _choice(options: dict[str, str], what: str) -> Callable[[Any, _Context], str | None]:
    def parse(value: Any, ctx: _Context) -> str | None:
        if value in ("", None):
            return None
        text = str(value).strip()
        code = options.get(text) or options.get(text.lower())
        if code is None:
            known = ", ".join(sorted({v for v in options.values()}))
            raise _Bad(f"unknown {what} {text!r}", f"use one of: {known}")
        return code
    return parse


def _facts(value: Any, ctx: _Context) -> dict:
    if value in ("", None):
        return {}
    try:
        facts = json.loads(str(value))
    except json.JSONDecodeError:
        raise _Bad(f"{str(value)[:40]!r} is not a JSON object", 'write the facts as JSON, e.g. {"area_m2": 4, "repeat_count": 0}, or use columns fact.area_m2 ...') from None
    if not isinstance(facts, dict):
        raise _Bad("facts must be a JSON object", 'e.g. {"area_m2": 4}')
    return facts


PARTY_KINDS = {"person": "person", "个人": "person", "自然人": "person", "公民": "person",
               "organisation": "organisation", "organization": "organisation", "单位": "organisation",
               "法人": "organisation", "组织": "organisation", "企业": "organisation"}
CAPACITIES = {"full": "full", "完全": "full", "limited": "limited", "限制": "limited", "none": "none", "无": "none"}
PROCEDURES = {"summary": "summary", "简易": "summary", "简易程序": "summary", "general": "general", "普通": "general",
              "一般": "general", "普通程序": "general", "一般程序": "general"}
LEVELS = {"exempt": "exempt", "不予处罚": "exempt", "mitigated": "mitigated", "减轻处罚": "mitigated", "减轻": "mitigated",
          "lighter": "lighter", "从轻处罚": "lighter", "从轻": "lighter", "standard": "standard", "一般处罚": "standard",
          "一般": "standard", "heavier": "heavier", "从重处罚": "heavier", "从重": "heavier"}
SOURCES = {"camera": "camera", "摄像头": "camera", "道路监控": "camera", "hotline": "hotline", "热线": "hotline",
           "12345": "hotline", "call_centre": "call_centre", "call_center": "call_centre", "呼叫中心": "call_centre",
           "中心呼叫": "call_centre", "patrol": "patrol", "巡查": "patrol", "joint_patrol": "joint_patrol",
           "联合巡查": "joint_patrol", "media": "media", "媒体": "media", "leader": "leader", "领导交办": "leader", "领导": "leader"}
_DOCS = {code: code for code in m.CASE_DOCUMENTS} | {zh: code for code, (zh, _en) in m.CASE_DOCUMENTS.items()}

CASE_COLUMNS = [
    Column("number", ("案号", "case_number", "case_id"), _text, True, "case number, unique"),
    Column("party_kind", ("当事人类型", "party.kind"), _choice(PARTY_KINDS, "party kind"), True),
    Column("party_name", ("当事人", "party_name_masked", "party.name"), _text, True),
    Column("party_id", ("证件号码", "party_id_masked", "party.id"), _text),
    Column("party_age", ("年龄", "party.age"), _int(0)),
    Column("party_capacity", ("责任能力", "party.capacity"), _choice(CAPACITIES, "capacity")),
    Column("violation", ("违法行为", "violation_code"), _text, True),
    Column("department", ("执法部门", "department_code"), _text),
    Column("community", ("社区",), _text),
    Column("act_date", ("违法行为发生日期", "行为日期"), _date, True),
    Column("act_end_date", ("行为终了日期",), _date),
    Column("discovered_date", ("发现日期",), _date),
    Column("filing_date", ("立案日期",), _date),
    Column("decision_date", ("决定日期",), _date),
    Column("service_date", ("送达日期",), _date),
    Column("served_on_spot", ("当场送达",), _bool),
    Column("officers", ("执法人员",), _list),
    Column("facts", ("事实",), _facts),
    Column("circumstances", ("情节",), _list),
    Column("fine_yuan", ("罚款", "罚款金额", "fine"), _int(0)),
    Column("other_penalties", ("其他处罚",), _list),
    Column("level_applied", ("裁量等级", "level"), _choice(LEVELS, "discretion level")),
    Column("procedure", ("程序",), _choice(PROCEDURES, "procedure")),
    Column("documents", ("卷内文书",), _list),
]
REPORT_COLUMNS = [
    Column("number", ("事件编号", "report_number"), _text, True, "report number, unique"),
    Column("source", ("来源",), _choice(SOURCES, "source"), True),
    Column("category", ("类别", "事件类别"), _text, True),
    Column("received_at", ("受理时间", "received"), _datetime, True),
    Column("community", ("社区",), _text),
    Column("key_road", ("重点路段",), _bool),
    Column("location_text", ("地点", "location"), _text),
    Column("people_affected", ("影响人数",), _int(0)),
    Column("flags", ("标记",), _list),
    Column("description", ("描述", "内容"), _text),
    Column("reporter", ("报告人", "reporter_masked"), _text),
    Column("status", ("状态",), _choice({s: s for s in m.REPORT_STATUSES}, "status")),
]


# -- import --------------------------------------------------------------------------------


def import_file(path: str | Path, kind: str | None = None, *, all_or_nothing: bool = False, who: str = "import",
                url: str | None = None, today: dt.date | None = None, rules_dir: str | None = None) -> ImportResult:
    """Validate and import one file; see the module docstring. Returns what happened, row by row."""
    header, rows, encoding = read_table(path)
    kind = kind or _guess_kind(header)
    if kind not in KINDS:
        raise InputError("--kind", f"must be cases or reports, not {kind!r}")
    result = ImportResult(path=str(path), kind=kind, encoding=encoding, rows=len(rows))
    if encoding == "gb18030":
        result.problems.append(RowProblem(1, None, "the file is not UTF-8; it was read as GB18030 (Chinese Windows/Excel)",
                                          "check that the Chinese text below looks right", "warning"))
    columns = CASE_COLUMNS if kind == "cases" else REPORT_COLUMNS
    mapping, fact_columns = _map_header(header, columns, result)
    missing = [c.name for c in columns if c.required and c.name not in mapping.values()]
    if missing:
        result.problems.append(RowProblem(1, ", ".join(missing), "required column missing",
                                          f"add a column named {missing[0]} (header row names the columns)"))
        return result
    from workbench.engine import get_engine as get_decision_engine

    engine = get_decision_engine(rules_dir) if rules_dir else get_decision_engine()
    db = get_engine(url)
    with db.connect() as conn:
        departments = {r[0] for r in conn.execute(select(m.Department.__table__.c.code))}
        officers = {r[0] for r in conn.execute(select(m.Officer.__table__.c.number))}
    ctx = _Context(today=today or dt.date.today(), book=engine.rulebook, departments=departments, officers=officers)

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
            except _Bad as bad:
                result.problems.append(RowProblem(row_number, header[index], bad.message, bad.fix))
        for index, fact in fact_columns.items():
            cell = cells[index] if index < len(cells) else ""
            if str(cell).strip() != "":
                values.setdefault("facts", {})
                values["facts"] = dict(values.get("facts") or {}, **{fact: _fact_value(cell)})
        for column in columns:
            if column.required and values.get(column.name) in (None, "") and column.name in mapping.values() \
                    and not any(p.row == row_number and p.column == _header_of(header, mapping, column.name) for p in result.errors):
                result.problems.append(RowProblem(row_number, _header_of(header, mapping, column.name), "empty",
                                                  f"fill in the {column.name}" + (f" ({column.help})" if column.help else "")))
        if len(result.errors) > problems_before:
            continue
        try:
            record = (_case_record if kind == "cases" else _report_record)(values, ctx, engine)
        except _RowError as exc:
            result.problems.append(RowProblem(row_number, _header_of(header, mapping, exc.column) or exc.column, exc.message, exc.fix))
            continue
        key = record["number"]
        if key in conflicted:
            result.problems.append(RowProblem(row_number, _header_of(header, mapping, "number"),
                                              f"{key} is also on earlier rows with different values",
                                              "keep one row per number; correct or delete the others"))
            continue
        if key in records:
            first_row, first = records[key]
            if first == record:
                result.duplicates += 1
                result.problems.append(RowProblem(row_number, None, f"same as row {first_row} ({key})", "skipped; delete one of the two rows", "warning"))
            else:
                result.problems.append(RowProblem(row_number, _header_of(header, mapping, "number"),
                                                  f"{key} is also on row {first_row} with different values",
                                                  "keep one row per number; correct or delete the other"))
                result.problems.append(RowProblem(first_row, _header_of(header, mapping, "number"),
                                                  f"{key} is also on row {row_number} with different values",
                                                  "keep one row per number; correct or delete the other"))
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
    with session_scope(engine=db) as session:
        existing = {}
        keys = list(good)
        for start in range(0, len(keys), 500):
            for obj in session.execute(select(model).where(model.number.in_(keys[start:start + 500]))).scalars():
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
                audit(session, who, "import_create", model.__tablename__, key, None, _plain(record), note=f"{Path(path).name} row {row_number}", at=now)
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
                result.problems.append(RowProblem(row_number, None, _override_kept(obj, record["classification_by_engine"]),
                                                  "the staff's classification stays; review it in the triage console "
                                                  "if the new inputs call for a change", "warning"))
            result.updated += 1
    result.written = True
    return result


_FIELD_OF = {"party_name": "party_name_masked", "party_id": "party_id_masked", "department": "department_code",
             "reporter": "reporter_masked"}


class _RowError(Exception):
    def __init__(self, column: str, message: str, fix: str):
        super().__init__(message)
        self.column, self.message, self.fix = column, message, fix


def _case_record(v: dict, ctx: _Context, engine: Any) -> dict:
    book = ctx.book
    code = v["violation"]
    if code not in book.violations:
        raise _RowError("violation", f"unknown violation code {code!r}", f"use a code of rules/catalogue.yaml: {', '.join(sorted(book.violations))}")
    department = v.get("department") or book.violations[code].department
    if department not in ctx.departments:
        raise _RowError("department", f"unknown department code {department!r}",
                        "use a code of rules/departments.yaml (run `workbench init` to load them into the database)")
    officers = v.get("officers") or []
    unknown = [o for o in officers if o not in ctx.officers]
    if unknown:
        raise _RowError("officers", f"unknown officer number {unknown[0]!r}", "use the numbers in the officer table (执法证 holders), separated by ;")
    documents = []
    for doc in v.get("documents") or []:
        if doc not in _DOCS:
            raise _RowError("documents", f"unknown document {doc!r}", f"use codes or names: {', '.join(f'{c} ({zh})' for c, (zh, _) in m.CASE_DOCUMENTS.items())}")
        documents.append(_DOCS[doc])
    order = [("act_date", "discovered_date"), ("act_date", "act_end_date"), ("discovered_date", "filing_date"),
             ("act_date", "decision_date"), ("filing_date", "decision_date"), ("decision_date", "service_date")]
    for early, late in order:
        if v.get(early) and v.get(late) and v[late] < v[early]:
            raise _RowError(late, f"{v[late]} is before {early} {v[early]}", f"{late} cannot come before {early}; check both dates")
    if v.get("fine_yuan") is not None and not v.get("decision_date"):
        raise _RowError("decision_date", "a fine is recorded but no decision date", "fill in the decision date, or leave the fine empty for an open case")
    party = {"kind": v["party_kind"], "capacity": v.get("party_capacity") or "full"}
    if v.get("party_age") is not None:
        party["age"] = v["party_age"]
    case = {"violation": code, "act_date": v["act_date"].isoformat(), "party": party, "facts": v.get("facts") or {},
            "circumstances": v.get("circumstances") or []}
    for key in ("act_end_date", "discovered_date", "decision_date"):
        if v.get(key):
            case[key] = v[key].isoformat()
    if v.get("fine_yuan") is not None or v.get("other_penalties"):
        case["proposed_penalty"] = {"other": v.get("other_penalties") or []}
        if v.get("fine_yuan") is not None:
            case["proposed_penalty"]["fine_yuan"] = v["fine_yuan"]
    try:
        advice = engine.decide(case).to_dict()
    except InputError as exc:
        column = {"party.kind": "party_kind", "party.age": "party_age", "party.capacity": "party_capacity",
                  "proposed_penalty.fine_yuan": "fine_yuan", "proposed_penalty.other": "other_penalties"}.get(exc.field, exc.field)
        message = str(exc).split(": ", 1)[-1]
        if column.startswith("facts."):
            column, message = "facts", f"{column[6:]} {message}"
        raise _RowError(column, message, "correct the value; the rules in rules/catalogue.yaml say what is allowed") from None
    rng = advice.get("fine_yuan") or {}
    return {
        "number": v["number"], "party_kind": v["party_kind"], "party_name_masked": mask_name(v["party_name"]),
        "party_id_masked": mask_id(v.get("party_id")), "party_age": v.get("party_age"),
        "party_capacity": v.get("party_capacity") or "full", "violation": code, "department_code": department,
        "community": v.get("community"), "act_date": v["act_date"], "act_end_date": v.get("act_end_date"),
        "discovered_date": v.get("discovered_date"), "filing_date": v.get("filing_date"),
        "decision_date": v.get("decision_date"), "service_date": v.get("service_date"),
        "served_on_spot": bool(v.get("served_on_spot")), "officers": officers,
        "lead_officer": officers[0] if officers else None, "facts": v.get("facts") or {},
        "circumstances": sorted(v.get("circumstances") or []),
        "penalize": bool(v.get("fine_yuan")) or bool(v.get("other_penalties")) or not v.get("decision_date"),
        "fine_yuan": v.get("fine_yuan"), "other_penalties": v.get("other_penalties") or [],
        "level_applied": v.get("level_applied"), "procedure": v.get("procedure"), "documents": documents,
        "rules_version": advice["rules_version"], "recommended_level": advice.get("level"),
        "recommended_min": rng.get("min"), "recommended_max": rng.get("max"),
        "hearing_right": advice.get("hearing_right"), "legal_review": advice.get("legal_review"),
        "status": "decided" if v.get("decision_date") else "open",
    }


def _report_record(v: dict, ctx: _Context, engine: Any) -> dict:
    report = {"category": v["category"], "source": v["source"], "received_at": v["received_at"].isoformat(timespec="minutes"),
              "location": {"key_road": bool(v.get("key_road")), "community": v.get("community") or ""},
              "people_affected": v.get("people_affected") or 0, "flags": v.get("flags") or []}
    try:
        triage = engine.classify(report).to_dict()
    except InputError as exc:
        column = {"location.key_road": "key_road", "location.community": "community"}.get(exc.field, exc.field)
        raise _RowError(column, str(exc).split(": ", 1)[-1], "correct the value; rules/ownership.yaml lists the categories") from None
    return {
        "number": v["number"], "source": v["source"], "category": v["category"], "received_at": v["received_at"],
        "community": v.get("community"), "key_road": bool(v.get("key_road")), "location_text": v.get("location_text"),
        "people_affected": v.get("people_affected") or 0, "flags": sorted(v.get("flags") or []),
        "description": v.get("description"), "reporter_masked": mask_name(v["reporter"]) if v.get("reporter") else None,
        "severity": triage["severity"], "lead": triage["lead"], "assist": list(triage["assist"]),
        "coordination_level": triage["coordination_level"], "escalate_to": list(triage["escalate_to"]),
        "handle_within_hours": float(triage["handle_within_hours"]), "due_at": dt.datetime.fromisoformat(triage["due_at"]),
        "rules_version": triage["rules_version"], "basis": list(triage["basis"]), "trace": list(triage["trace"]),
        "status": v.get("status") or "received", "assigned_to": triage["lead"],
        "classification_by_engine": triage,  # the engine's own answer, as triage.intake keeps it
    }


def _first_event(session: Any, report: m.Report, who: str, now: dt.datetime) -> None:
    session.add(m.ReportEvent(report_id=report.id, at=now, who=who, action="import", from_status=None,
                              to_status=report.status, note="imported", data={"severity": report.severity, "lead": report.lead}))


# the report's classification as triage staff may override it (triage.OVERRIDE_FIELDS), with what goes with it:
# the deadline, the department handling it, and the basis, trace and rules version the classification was made on
_STAFF_CLASSIFICATION = ("severity", "lead", "assist", "coordination_level", "escalate_to", "handle_within_hours",
                         "due_at", "assigned_to", "basis", "trace", "rules_version")


def _status_event(session: Any, report: m.Report, who: str, from_status: str | None, to_status: str,
                  now: dt.datetime, where: str) -> None:
    """A status changed by an import: one history step and its audit row (as triage records its steps)."""
    who = who or "import"
    note = f"status changed by import of {where}"
    session.add(m.ReportEvent(report_id=report.id, at=now, who=who, action="import", from_status=from_status,
                              to_status=to_status, note=note))
    audit(session, who, "report.import", "report", report.id, {"status": from_status}, {"status": to_status},
          note=f"{report.number}: {note}", at=now)


def _override_kept(report: m.Report, engine: dict) -> str:
    said = (f"severity {engine['severity']}, lead {engine['lead']}, level {engine['coordination_level']}, "
            f"within {float(engine['handle_within_hours']):g} h (rules {engine['rules_version']})")
    staff = [f"{name} {getattr(report, name)}" for name in ("severity", "lead", "coordination_level")
             if getattr(report, name) != engine[name]]
    if report.handle_within_hours is not None and float(report.handle_within_hours) != float(engine["handle_within_hours"]):
        staff.append(f"within {float(report.handle_within_hours):g} h")
    kept = f"; staff have {', '.join(staff)}" if staff else ""
    return (f"kept the staff override of {report.number}; the engine now says {said}{kept} "
            f"(override by {report.override_by or '?'}: {report.override_reason or ''})")


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张*丰, 李四 → 李*, 双牌县恒达商贸有限公司 → 双牌县**商贸有限公司 (already masked: unchanged)."""
    if not name:
        return name
    name = name.strip()
    if "*" in name:
        return name
    for suffix in ("有限责任公司", "股份有限公司", "有限公司", "公司", "经营部", "餐饮店", "超市", "店", "厂", "合作社"):
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            stem = name[: -len(suffix)]
            keep = 3 if len(stem) > 4 else 1
            return f"{stem[:keep]}**{suffix}"
    if len(name) <= 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def mask_id(value: str | None) -> str | None:
    """Keep the first six and the last character of an ID or credit code: 431123********123X → 431123***********X."""
    if not value:
        return None
    value = str(value).strip()
    if "*" in value or len(value) < 8:
        return value if "*" in value else "*" * len(value)
    return value[:6] + "*" * (len(value) - 7) + value[-1]


def _guess_kind(header: list[str]) -> str:
    names = {h.strip().lower() for h in header}
    case_names = {"violation", "违法行为", "violation_code", "案号", "act_date"}
    report_names = {"category", "类别", "事件类别", "source", "来源", "received_at", "受理时间"}
    if names & case_names and not names & {"category", "类别", "事件类别"}:
        return "cases"
    if names & report_names:
        return "reports"
    raise InputError("--kind", "cannot tell from the header whether the file holds case files or reports; pass --kind cases or --kind reports")


def _map_header(header: list[str], columns: list[Column], result: ImportResult) -> tuple[dict[int, str], dict[int, str]]:
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
            result.problems.append(RowProblem(1, name, f"names the same field as column {header[seen[target]]!r}; the first is used",
                                              "delete one of the two columns", "warning"))
            continue
        seen[target] = index
        mapping[index] = target
    if ignored:
        result.problems.append(RowProblem(1, ", ".join(ignored), "column(s) not imported (unknown, or kept by the store itself)",
                                          f"importable columns: {', '.join(c.name for c in columns)}", "warning"))
    return mapping, facts


def _header_of(header: list[str], mapping: dict[int, str], name: str) -> str | None:
    for index, target in mapping.items():
        if target == name:
            return header[index]
    return name


def _fact_value(cell: Any) -> Any:
    if isinstance(cell, (int, float, bool)):
        return cell
    text = str(cell).strip()
    low = text.lower()
    if low in ("true", "yes", "是"):
        return True
    if low in ("false", "no", "否"):
        return False
    try:
        number = float(text)
        return int(number) if number == int(number) and "." not in text else number
    except ValueError:
        return text


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
