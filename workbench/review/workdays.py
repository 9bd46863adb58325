"""Working days (工作日) for the day counts of Art. 85 of the Administrative Penalty Law.

Art. 85: the "2, 3, 5 and 7 days" of the law are working days, statutory
holidays excluded. A simple Chinese calendar: Monday–Friday, minus the
statutory holidays and plus the make-up working days (调休) listed in
``data/cn_holidays.yaml`` for the years it covers; other years are plain
Monday–Friday.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

from workbench.config import settings


def holidays_file() -> Path:
    return settings().data() / "cn_holidays.yaml"


@lru_cache(maxsize=4)
def calendar(path: str | None = None) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(holidays, make-up working days) from the holiday table; empty if the file is absent."""
    file = Path(path) if path else holidays_file()
    if not file.exists():
        return frozenset(), frozenset()
    data = YAML(typ="safe").load(file.read_text(encoding="utf-8")) or {}
    holidays, workdays = set(), set()
    for year in (data.get("years") or {}).values():
        for day in year.get("holidays", []) or []:
            holidays.add(_date(day))
        for day in year.get("workdays", []) or []:
            workdays.add(_date(day))
    return frozenset(holidays), frozenset(workdays)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def is_working_day(day: dt.date, holidays_file: str | None = None) -> bool:
    holidays, workdays = calendar(holidays_file)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def working_days_between(start: dt.date, end: dt.date, holidays_file: str | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if is_working_day(day, holidays_file):
            count += 1
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.date, n: int, holidays_file: str | None = None) -> dt.date:
    """The ``n``-th working day after ``start`` (the last day of an ``n``-working-day period)."""
    day = start
    remaining = n
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays_file):
            remaining -= 1
    return day
