"""The columns an import reads: names and aliases (Chinese headers too), each cell's parser, and masking.

A parser raises ``Bad`` (what is wrong, what to do); names and ID numbers are masked before they are stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from workbench.rulebook.vocabulary import vocabulary
from workbench.store import models as m

# -- columns ---------------------------------------------------------------------------------


class Bad(Exception):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message, self.fix = message, fix


@dataclass
class Column:
    name: str
    aliases: tuple[str, ...]
    parse: Callable[[Any, "Context"], Any]
    required: bool = False
    help: str = ""


@dataclass
class Context:
    today: dt.date
    book: Any
    departments: set[str]
    officers: set[str]


def _text(value: Any, ctx: Context) -> str | None:
    text = str(value).strip()
    return text or None


def _int(minimum: int = 0) -> Callable[[Any, Context], int | None]:
    def parse(value: Any, ctx: Context) -> int | None:
        if value in ("", None):
            return None
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise Bad(f"{value!r} is not a number", "write a whole number, e.g. 500") from None
        if number != int(number):
            raise Bad(f"{value!r} is not a whole number", "round it to a whole number")
        if number < minimum:
            raise Bad(f"{value!r} is below {minimum}", f"write a number of at least {minimum}")
        return int(number)

    return parse


def _date(value: Any, ctx: Context) -> dt.date | None:
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
            raise Bad(f"{value!r} is not a date", "write it as YYYY-MM-DD, e.g. 2024-05-01")
    if day > ctx.today:
        raise Bad(
            f"{day} is in the future (today is {ctx.today})",
            "check the year and month; a file records what has happened",
        )
    return day


def _datetime(value: Any, ctx: Context) -> dt.datetime | None:
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
            raise Bad(
                f"{value!r} is not a date and time", "write it as YYYY-MM-DD HH:MM, e.g. 2024-05-01 09:30"
            ) from None
    if when.date() > ctx.today:
        raise Bad(
            f"{when} is in the future (today is {ctx.today})", "check the date; a report records what has happened"
        )
    return when


def _bool(value: Any, ctx: Context) -> bool | None:
    if value in ("", None):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "是", "t"):
        return True
    if text in ("0", "false", "no", "n", "否", "f"):
        return False
    raise Bad(f"{value!r} is not yes or no", "write true/false (或 是/否)")


def _list(value: Any, ctx: Context) -> list[str]:
    if value in ("", None):
        return []
    text = str(value).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            raise Bad(
                f"{value!r} is not a list", "separate items with ; e.g. first_offence; corrected_promptly"
            ) from None
        return [str(i).strip() for i in items if str(i).strip()]
    return [p.strip() for p in re.split(r"[;,，；、|]", text) if p.strip()]


def _choice(options: dict[str, str], what: str) -> Callable[[Any, Context], str | None]:
    def parse(value: Any, ctx: Context) -> str | None:
        if value in ("", None):
            return None
        text = str(value).strip()
        code = options.get(text) or options.get(text.lower())
        if code is None:
            known = ", ".join(sorted({v for v in options.values()}))
            raise Bad(f"unknown {what} {text!r}", f"use one of: {known}")
        return code

    return parse


def _facts(value: Any, ctx: Context) -> dict:
    if value in ("", None):
        return {}
    try:
        facts = json.loads(str(value))
    except json.JSONDecodeError:
        raise Bad(
            f"{str(value)[:40]!r} is not a JSON object",
            'write the facts as JSON, e.g. {"area_m2": 4, "repeat_count": 0}, or use columns fact.area_m2 ...',
        ) from None
    if not isinstance(facts, dict):
        raise Bad("facts must be a JSON object", 'e.g. {"area_m2": 4}')
    return facts


PARTY_KINDS = {
    "person": "person",
    "个人": "person",
    "自然人": "person",
    "公民": "person",
    "organisation": "organisation",
    "organization": "organisation",
    "单位": "organisation",
    "法人": "organisation",
    "组织": "organisation",
    "企业": "organisation",
}
CAPACITIES = {"full": "full", "完全": "full", "limited": "limited", "限制": "limited", "none": "none", "无": "none"}
# Codes and the names and aliases an import may use for them: rules/vocabulary.yaml, the one vocabulary.
_VOCAB = vocabulary()
PROCEDURES = _VOCAB.aliases("procedures")
LEVELS = _VOCAB.aliases("levels")
SOURCES = _VOCAB.aliases("report_sources")
DOCS = _VOCAB.aliases("case_documents")
CASE_DOCUMENTS = _VOCAB.names("case_documents")

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


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张*丰, 李四 → 李*, 双牌县恒达商贸有限公司 → 双牌县**商贸有限公司 (already masked: unchanged)."""
    if not name:
        return name
    name = name.strip()
    if "*" in name:
        return name
    for suffix in (
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "公司",
        "经营部",
        "餐饮店",
        "超市",
        "店",
        "厂",
        "合作社",
    ):
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


def fact_value(cell: Any) -> Any:
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
