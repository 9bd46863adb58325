"""Reading a spreadsheet: CSV as UTF-8 (else GB18030, which Excel on a Chinese Windows writes) or XLSX (first sheet)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from workbench.errors import InputError

__all__ = ["read_table"]


def read_table(path: str | Path) -> tuple[list[str], list[tuple[int, list[Any]]], str]:
    """(header, [(row number, cells)], encoding) of a CSV or XLSX file; blank rows dropped."""
    path = Path(path)
    if not path.exists():
        raise InputError("file", f"{path}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(
            "file",
            f"{path.name}: the file is empty; the first row must name the columns "
            "(e.g. number, violation, act_date, ...)",
        )
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
        raise InputError(
            "file",
            f"{path.name}: byte {exc.start} is neither UTF-8 nor GB18030 text; "
            "in Excel use 'Save as → CSV UTF-8 (comma delimited)' and import again",
        ) from None


def _read_xlsx(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]], str]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise InputError(
            "file",
            f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__}); save it again from Excel as .xlsx",
        ) from None
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
