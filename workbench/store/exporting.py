"""Export any table or query result to CSV or XLSX.

``export_rows(columns, rows, path)`` is what the apps reuse: ``rows`` are
dicts, objects with those attributes, or sequences in column order; the file
type follows the extension (.csv, .xlsx). CSV is written as UTF-8 with a byte
order mark so that Excel on a Chinese Windows opens it correctly. Lists become
``a; b``, dicts JSON, dates ISO.

Generator-only columns (planted_defects, planted_bias) are left out of table
exports unless asked for: reviewers never see them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from workbench.errors import InputError
from workbench.store.models import metadata

__all__ = ["export_rows", "export_table", "cell_text", "HIDDEN_COLUMNS", "EXPORTABLE_TABLES"]

HIDDEN_COLUMNS = {"planted_defects", "planted_bias"}
EXPORTABLE_TABLES = tuple(sorted(t.name for t in metadata.sorted_tables))


def export_rows(
    columns: Sequence[str],
    rows: Iterable[Any],
    path: str | Path,
    *,
    headers: Sequence[str] | None = None,
    sheet: str = "data",
) -> int:
    """Write ``rows`` to ``path`` (.csv or .xlsx); returns the number of rows written.

    ``headers`` (same length as ``columns``) replaces the header line, e.g.
    with bilingual names ``案号 Case number``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError("file", f"{path.name}: export writes .csv or .xlsx files, not {suffix or 'no extension'}")
    if headers is not None and len(headers) != len(columns):
        raise InputError("headers", f"{len(headers)} headers for {len(columns)} columns")
    header = list(headers or columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([cell_text(v) for v in _values(row, columns)])
                count += 1
        return count

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31] or "data")
    ws.append(header)
    for row in rows:
        ws.append([_xlsx_value(v) for v in _values(row, columns)])
        count += 1
    book.save(path)
    return count


def export_table(
    engine: Engine, table: str, path: str | Path, *, include_hidden: bool = False, order_by: str | None = None
) -> int:
    """Every row of ``table`` to ``path``, ordered by its primary key (or ``order_by``)."""
    tables = {t.name: t for t in metadata.sorted_tables}
    if table not in tables:
        raise InputError("table", f"unknown table {table!r}; known: {', '.join(EXPORTABLE_TABLES)}")
    t = tables[table]
    columns = [c.name for c in t.columns if include_hidden or c.name not in HIDDEN_COLUMNS]
    if order_by and order_by not in t.c:
        raise InputError("order_by", f"{table} has no column {order_by!r}")
    order = [t.c[order_by]] if order_by else list(t.primary_key.columns)
    with engine.connect() as conn:
        result = conn.execute(select(*[t.c[c] for c in columns]).order_by(*order))
        return export_rows(columns, (tuple(r) for r in result), path, sheet=table)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (str, int, float)) for v in value):
            return "; ".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value
    return cell_text(value)


def _values(row: Any, columns: Sequence[str]) -> list[Any]:
    if isinstance(row, dict):
        return [row.get(c) for c in columns]
    if isinstance(row, (tuple, list)):
        return list(row)
    return [getattr(row, c, None) for c in columns]
