"""Check a case or report against the contract and build the flat event.

Only booleans, integers, finite floats and text reach durable_rules (its
comparisons are loose), so everything is typed here; a mistake raises
``InputError`` naming the field and what is expected.

The case contract's other half lives here too: ``case_input_from_record`` (a stored case file -> the engine's
case), ``case_file_document`` (-> the review pre-check's case file) and ``report_input_from_record`` (a stored
report -> ``classify()``'s input) are the one mapping every service uses; a new case field changes here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import InputError
from workbench.rulebook.model import (
    CAPACITIES,
    CIRCUMSTANCES,
    OTHER_PENALTIES,
    PARTY_KINDS,
    REPORT_FLAGS,
    REPORT_SOURCES,
    RuleBook,
)

CASE_KEYS = {
    "violation",
    "act_date",
    "act_end_date",
    "discovered_date",
    "decision_date",
    "party",
    "facts",
    "circumstances",
    "proposed_penalty",
    "id",
    "case_no",
    "note",
}
REPORT_KEYS = {
    "category",
    "source",
    "received_at",
    "location",
    "people_affected",
    "flags",
    "description",
    "id",
    "report_no",
    "note",
}


@dataclass
class CaseInput:
    violation: str
    act_date: dt.date
    decision_date: dt.date
    party_kind: str
    facts: dict
    proposed_penalty: dict | None
    event: dict
    # The day the act occurs in law (APL Art. 37): the end of a continuing act, else the act date.
    act_end_date: dt.date | None = None
    # What the input layer noticed and set aside, for the trace: (rule, why, basis).
    notes: list = field(default_factory=list)

    @property
    def occurred(self) -> dt.date:
        return self.act_end_date or self.act_date


@dataclass
class ReportInput:
    category: str
    received_at: dt.datetime
    event: dict


def parse_case(case: Any, book: RuleBook, today: dt.date | None = None) -> CaseInput:
    if not isinstance(case, dict):
        raise InputError("case", "must be a JSON object")
    _closed(case, CASE_KEYS, "")
    code = case.get("violation")
    if code not in book.violations:
        raise InputError("violation", f"unknown code {code!r}; known: {', '.join(sorted(book.violations))}")
    violation = book.violations[code]
    today = today or dt.date.today()
    act = _date(case, "act_date", required=True)
    act_end = _date(case, "act_end_date") or act
    decision = _date(case, "decision_date") or today
    discovered = _date(case, "discovered_date") or decision
    _chronology(act, act_end, discovered, decision, today, given={k for k in case if k.endswith("_date")})

    party = case.get("party")
    if not isinstance(party, dict):
        raise InputError(
            "party", 'must be {"kind": "person"|"organisation", "age": int, "capacity": "full"|"limited"|"none"}'
        )
    _closed(party, {"kind", "age", "birth_date", "capacity", "name", "id_number"}, "party.")
    kind = party.get("kind")
    if kind not in PARTY_KINDS:
        raise InputError("party.kind", f"must be person or organisation, not {kind!r}")
    capacity = party.get("capacity", "full")
    if capacity not in CAPACITIES:
        raise InputError("party.capacity", f"must be full, limited or none, not {capacity!r}")
    age = party.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130):
        raise InputError("party.age", f"must be a whole number of years 0-130, not {age!r}")
    notes: list[tuple[str, str, str]] = []
    birth = parse_date(party.get("birth_date"), "party.birth_date")
    if kind == "person" and birth is not None:
        if birth > act:
            raise InputError("party.birth_date", f"{birth} is after act_date {act}; check both dates")
        counted = age_at(birth, act)
        if age is not None and age != counted:
            raise InputError(
                "party.age",
                f"{age} does not agree with party.birth_date {birth}: on the act date {act} the party was "
                f"{counted} 周岁 (counted from the day after the birthday); correct one of the two",
            )
        age = counted
    if kind == "organisation":
        # Arts. 30 and 31 reach natural persons only: an organisation has no age and no capacity.
        ignored = [f for f in ("age", "birth_date") if party.get(f) is not None]
        if party.get("capacity", "full") != "full":
            ignored.append("capacity")
        if ignored:
            notes.append(
                (
                    "party/organisation",
                    f"party.{', party.'.join(ignored)} ignored: an organisation has no age or capacity "
                    "(Arts. 30 and 31 protect natural persons only)",
                    "行政处罚法 第三十条；行政处罚法 第三十一条",
                )
            )
        age, capacity = None, "full"

    facts = case.get("facts") or {}
    if not isinstance(facts, dict):
        raise InputError("facts", "must be an object of fact: value")
    clean_facts = {}
    for name, value in facts.items():
        spec = violation.facts.get(name)
        if spec is None:
            raise InputError(
                f"facts.{name}", f"not a fact of {code}; known: {', '.join(sorted(violation.facts)) or 'none'}"
            )
        if value is None:
            continue
        clean_facts[name] = _fact_value(f"facts.{name}", spec, value)

    circumstances = case.get("circumstances") or []
    if not isinstance(circumstances, list):
        raise InputError("circumstances", "must be a list of names")
    for name in circumstances:
        if name not in CIRCUMSTANCES:
            raise InputError("circumstances", f"unknown circumstance {name!r}; known: {', '.join(CIRCUMSTANCES)}")
    repeats = clean_facts.get("repeat_count")
    if "first_offence" in circumstances and isinstance(repeats, (int, float)) and repeats > 0:
        # 初次违法 is a fact of the party's record, not a claim (domain.md §7.4)
        raise InputError(
            "circumstances",
            f"first_offence contradicts facts.repeat_count = {repeats:g} (earlier violations on the record); "
            "remove first_offence or correct facts.repeat_count",
        )

    proposed = case.get("proposed_penalty")
    if proposed is not None:
        if not isinstance(proposed, dict):
            raise InputError("proposed_penalty", 'must be {"fine_yuan": int, "other": [...]}')
        _closed(proposed, {"fine_yuan", "other"}, "proposed_penalty.")
        fine = proposed.get("fine_yuan", 0)
        if isinstance(fine, float) and fine.is_integer():
            fine = int(fine)
        if isinstance(fine, bool) or not isinstance(fine, int) or fine < 0:
            raise InputError("proposed_penalty.fine_yuan", f"must be a whole number of yuan ≥ 0, not {fine!r}")
        other = proposed.get("other") or []
        if not isinstance(other, list) or any(o not in OTHER_PENALTIES for o in other):
            raise InputError("proposed_penalty.other", f"must be a list from {', '.join(OTHER_PENALTIES)}")
        proposed = {"fine_yuan": fine, "other": list(other)}
        decider = book.departments.get(violation.department)
        if "detention" in proposed["other"] and not (decider and decider.restricts_liberty):
            raise InputError(
                "proposed_penalty.other",
                f"detention (行政拘留) cannot be proposed by {violation.department}: only the police and organs named "
                "by law may restrict personal liberty (行政处罚法 第十八条第三款); remove it or refer the case",
            )

    event: dict[str, Any] = {
        "violation": code,
        "party_kind": kind,
        "capacity": capacity,
        "elapsed_months": elapsed_months(act_end, discovered),
    }
    if age is not None:
        event["party_age"] = age
    for name in CIRCUMSTANCES:
        event[name] = name in circumstances
    event.update(clean_facts)
    return CaseInput(code, act, decision, kind, clean_facts, proposed, event, act_end_date=act_end, notes=notes)


def age_at(birth: dt.date, day: dt.date) -> int:
    """Age in 周岁 on ``day``: a year is complete only from the day AFTER the birthday (domain.md §7.4),
    so on the 14th birthday a person is still 不满十四周岁."""
    years = day.year - birth.year
    try:
        birthday = birth.replace(year=day.year)
    except ValueError:  # born on 29 February: the birthday of a common year is 1 March
        birthday = dt.date(day.year, 3, 1)
    if day <= birthday:
        years -= 1
    return max(years, 0)


_CHRONOLOGY = ("act_date", "act_end_date", "discovered_date", "decision_date")


def _chronology(act, act_end, discovered, decision, today, given: set[str]) -> None:
    """act ≤ act end ≤ discovery ≤ decision, and the act and its discovery not after today (the county's date).

    Only dates the case gives are compared (a missing one is derived from the others); a refusal names both."""
    dates = {"act_date": act, "act_end_date": act_end, "discovered_date": discovered, "decision_date": decision}
    named = [name for name in _CHRONOLOGY if name in given or name == "act_date"]
    for i, earlier in enumerate(named):
        for later in named[i + 1 :]:
            if dates[later] < dates[earlier]:
                raise InputError(
                    later,
                    f"{dates[later]} is before {earlier} {dates[earlier]}; the order is act ≤ act end ≤ "
                    "discovery ≤ decision: check both dates",
                )
    for name in ("act_date", "act_end_date", "discovered_date"):
        if name in named and dates[name] > today:
            raise InputError(
                name, f"{dates[name]} is after today ({today}); an act cannot be decided before it happened"
            )


def parse_report(report: Any, book: RuleBook) -> ReportInput:
    if not isinstance(report, dict):
        raise InputError("report", "must be a JSON object")
    _closed(report, REPORT_KEYS, "")
    category = report.get("category")
    if book.category(category) is None:
        raise InputError(
            "category", f"unknown category {category!r}; known: {', '.join(r.category for r in book.ownership)}"
        )
    source = report.get("source")
    if source not in REPORT_SOURCES:
        raise InputError("source", f"must be one of {', '.join(REPORT_SOURCES)}, not {source!r}")
    received = report.get("received_at")
    try:
        received_at = dt.datetime.fromisoformat(received) if isinstance(received, str) else None
    except ValueError:
        received_at = None
    if received_at is None:
        raise InputError("received_at", f"must be an ISO date-time like 2024-05-01T09:30, not {received!r}")
    location = report.get("location") or {}
    if not isinstance(location, dict):
        raise InputError("location", 'must be {"key_road": bool, "community": text}')
    _closed(location, {"key_road", "community", "address"}, "location.")
    key_road = location.get("key_road", False)
    if not isinstance(key_road, bool):
        raise InputError("location.key_road", "must be true or false")
    people = report.get("people_affected", 0)
    if isinstance(people, bool) or not isinstance(people, int) or people < 0:
        raise InputError("people_affected", f"must be a whole number ≥ 0, not {people!r}")
    flags = report.get("flags") or []
    if not isinstance(flags, list) or any(f not in REPORT_FLAGS for f in flags):
        raise InputError("flags", f"must be a list from {', '.join(REPORT_FLAGS)}")
    event: dict[str, Any] = {"category": category, "source": source, "key_road": key_road, "people_affected": people}
    for name in REPORT_FLAGS:
        event[name] = name in flags
    return ReportInput(category, received_at, event)


def elapsed_months(start: dt.date, end: dt.date) -> float:
    """Whole months from start to end, plus remaining days / 100 (24 months + 1 day = 24.01)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if _add_months(start, months) > end:
        months -= 1
    days = (end - _add_months(start, months)).days
    return months + days / 100


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _closed(node: dict, allowed: set[str], prefix: str) -> None:
    for key in node:
        if key not in allowed:
            raise InputError(f"{prefix}{key}", f"unknown field; allowed: {', '.join(sorted(allowed))}")


def _date(node: dict, key: str, required: bool = False) -> dt.date | None:
    value = parse_date(node.get(key), key)
    if value is None and required:
        raise InputError(key, "required, as YYYY-MM-DD")
    return value


def parse_date(value: Any, field: str) -> dt.date | None:
    """A date from ISO text or a date; None for nothing; InputError naming the field otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(field, f"must be a date YYYY-MM-DD, not {value!r}") from None


def _fact_value(field: str, spec, value: Any) -> Any:
    if spec.type == "boolean":
        if not isinstance(value, bool):
            raise InputError(field, f"must be true or false, not {value!r}")
        return value
    if spec.type == "enum":
        if value not in spec.values:
            raise InputError(field, f"must be one of {', '.join(map(str, spec.values))}, not {value!r}")
        return value
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise InputError(field, f"must be a number, not {value!r}")
    if spec.type == "integer":
        if isinstance(value, float) and not value.is_integer():
            raise InputError(field, f"must be a whole number, not {value!r}")
        value = int(value)
    if spec.minimum is not None and value < spec.minimum:
        raise InputError(field, f"must be at least {spec.minimum}, not {value!r}")
    if spec.maximum is not None and value > spec.maximum:
        raise InputError(field, f"must be at most {spec.maximum}, not {value!r}")
    if isinstance(value, float):
        value = round(value, 6)
        if value.is_integer():
            value = int(value)
    return value


# -- the case contract: stored records -> the engine's input ----------------------------------------------------------

# The engine fields of a case, as a case file document (the pre-check's JSON) holds them.
CASE_FILE_FIELDS = (
    "violation",
    "act_date",
    "act_end_date",
    "discovered_date",
    "decision_date",
    "party",
    "facts",
    "circumstances",
)
_CASE_DATES = ("act_end_date", "discovered_date", "decision_date")


def case_input_from_record(record: Any, *, with_penalty: bool = True) -> dict[str, Any]:
    """The engine's case (the input ``parse_case`` reads) from a stored case file.

    ``record``: a ``CaseFile`` row, a mapping of its columns (``party_kind``, ``party_age``, ``party_capacity``,
    ``fine_yuan``, ``other_penalties``, dates as dates or ISO text), or a case file document as the pre-check
    reads it (``party`` an object, the penalty under ``penalty`` or ``proposed_penalty``). With ``with_penalty``
    the penalty on the file is the proposed penalty. The one place that maps a case file to the engine's case.
    """
    get = _getter(record)
    if isinstance(record, dict) and "party_kind" not in record:  # a case file document: its engine fields as they are
        case = {k: _iso(record[k]) for k in CASE_FILE_FIELDS if record.get(k) is not None}
        penalty = record.get("penalty", record.get("proposed_penalty")) or {}
        fine, other = penalty.get("fine_yuan"), penalty.get("other") or []
    else:
        party: dict[str, Any] = {"kind": get("party_kind"), "capacity": get("party_capacity") or "full"}
        if get("party_age") is not None:
            party["age"] = get("party_age")
        case = {
            "violation": get("violation"),
            "act_date": _iso(get("act_date")),
            "party": party,
            "facts": dict(get("facts") or {}),
            "circumstances": list(get("circumstances") or []),
        }
        for key in _CASE_DATES:
            if get(key) is not None:
                case[key] = _iso(get(key))
        fine, other = get("fine_yuan"), get("other_penalties") or []
    if with_penalty and (fine is not None or other):
        proposed: dict[str, Any] = {"other": [str(o) for o in other]}
        if fine is not None:
            proposed["fine_yuan"] = int(round(fine))
        case["proposed_penalty"] = proposed
    return case


def case_file_document(record: Any) -> dict[str, Any]:
    """A stored case file as the review pre-check reads it (workbench.review.precheck).

    The engine's case fields (``case_input_from_record`` without the penalty) plus case_id (the case number),
    department, filing/service dates, served_on_spot, procedure, officers, documents and the penalty decided
    (``penalty``). Never includes planted_defects.
    """
    get = _getter(record)
    out = case_input_from_record(record, with_penalty=False)
    out.update(
        {
            "case_id": get("number"),
            "department": get("department_code"),
            "procedure": get("procedure"),
            "officers": list(get("officers") or []),
            "documents": list(get("documents") or []),
            "served_on_spot": bool(get("served_on_spot")),
        }
    )
    for key in ("filing_date", "service_date"):
        if get(key) is not None:
            out[key] = _iso(get(key))
    penalised = case_input_from_record(record).get("proposed_penalty")
    if penalised is not None:
        out["penalty"] = penalised
    return out


def report_input_from_record(record: Any) -> dict[str, Any]:
    """The report as the engine's ``classify()`` takes it (the input ``parse_report`` reads), from a stored report.

    ``record``: a ``Report`` row or a mapping of its columns (category, source, received_at as a datetime,
    community, key_road, location_text, people_affected, flags). The one place that maps a report to the engine.
    """
    get = _getter(record)
    location: dict[str, Any] = {"key_road": bool(get("key_road"))}
    if get("community"):
        location["community"] = get("community")
    if get("location_text"):
        location["address"] = get("location_text")
    return {
        "category": get("category"),
        "source": get("source"),
        "received_at": get("received_at").isoformat(timespec="minutes"),
        "location": location,
        "people_affected": int(get("people_affected") or 0),
        "flags": list(get("flags") or []),
    }


def _getter(record: Any):
    if isinstance(record, dict):
        return record.get
    return lambda key, default=None: getattr(record, key, default)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
