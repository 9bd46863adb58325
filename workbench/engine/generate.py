"""Random but valid cases and reports for a rulebook: for proofs and benchmarks.

Values are drawn around the thresholds the rules use, so the generated cases
reach every row, not just the catch-alls.
"""

from __future__ import annotations

import datetime as dt
import random

from workbench.rulebook.model import CIRCUMSTANCES, REPORT_FLAGS, REPORT_SOURCES, RuleBook


def random_case(book: RuleBook, rng: random.Random) -> dict:
    code = rng.choice(sorted(book.violations))
    violation = book.violations[code]
    today = dt.date.today()
    act = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365))
    # a continuing act now and then (it occurs when it ends: Art. 37)
    act_end = act + dt.timedelta(days=rng.choice([0] * 6 + [30, 200]))
    discovered = act_end + dt.timedelta(days=rng.choice([0, 3, 30, 179, 183, 400, 730, 731, 800, 1830, 1900]))
    discovered = min(discovered, max(today, act_end))  # an act is discovered by today at the latest
    decision = discovered + dt.timedelta(days=rng.randrange(0, 120))
    facts = {}
    thresholds = _thresholds(book, code)
    for name, spec in violation.facts.items():
        if rng.random() < 0.1:
            continue
        if spec.type == "boolean":
            facts[name] = rng.random() < 0.5
        elif spec.type == "enum":
            facts[name] = rng.choice(list(spec.values))
        else:
            near = thresholds.get(name) or [0, 10, 1000]
            base = rng.choice(near)
            value = (
                base + rng.choice([-1, 0, 1, 0.5, 7])
                if spec.type == "number"
                else int(base) + rng.choice([-1, 0, 1, 2])
            )
            low = spec.minimum if spec.minimum is not None else 0
            value = max(low, value)
            if spec.maximum is not None:
                value = min(spec.maximum, value)
            if name.endswith("_yuan"):
                value = rng.choice([50_000, 200_000, 1_234_567])
            facts[name] = int(value) if spec.type == "integer" else value
    age = rng.choice([None, 13, 14, 16, 17, 18, 35, 70])
    party = {"kind": rng.choice(["person", "organisation"]), "capacity": rng.choice(["full"] * 8 + ["limited", "none"])}
    if age is not None and party["kind"] == "person":
        if rng.random() < 0.3:  # the birth date instead: age in 周岁 at the act, around the birthday
            birth = act - dt.timedelta(days=rng.choice([-1, 0, 1, 2]))
            party["birth_date"] = _years_before(birth, age).isoformat()
        else:
            party["age"] = age
    elif age is not None and rng.random() < 0.2:
        party["age"] = age  # an organisation given an age: ignored
    circumstances = [c for c in CIRCUMSTANCES if rng.random() < 0.12]
    if (facts.get("repeat_count") or 0) > 0 and "first_offence" in circumstances:
        circumstances.remove("first_offence")  # the record says it is not a first offence
    out = {
        "violation": code,
        "act_date": act.isoformat(),
        "discovered_date": discovered.isoformat(),
        **({"act_end_date": act_end.isoformat()} if act_end != act else {}),
        "decision_date": decision.isoformat(),
        "party": party,
        "facts": facts,
        "circumstances": circumstances,
    }
    if rng.random() < 0.4:
        out["proposed_penalty"] = {
            "fine_yuan": rng.choice([0, 50, 200, 201, 1999, 2000, 3000, 3001, 10000, 20000]),
            "other": rng.choice([[], [], ["warning"], ["suspension"]]),
        }
    return out


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def random_report(book: RuleBook, rng: random.Random) -> dict:
    received = dt.datetime(2024, 1, 1, 8) + dt.timedelta(minutes=rng.randrange(0, 500_000))
    return {
        "category": rng.choice([r.category for r in book.ownership]),
        "source": rng.choice(REPORT_SOURCES),
        "received_at": received.isoformat(timespec="minutes"),
        "location": {"key_road": rng.random() < 0.3, "community": "城关社区"},
        "people_affected": rng.choice([0, 1, 5, 49, 50, 200]),
        "flags": [f for f in REPORT_FLAGS if rng.random() < 0.08],
    }


def _thresholds(book: RuleBook, code: str) -> dict[str, list]:
    out: dict[str, list] = {}

    def walk(when):
        for key, spec in when.items():
            if key in ("any", "all"):
                for c in spec:
                    walk(c)
            elif isinstance(spec, dict):
                for op, value in spec.items():
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        out.setdefault(key, []).append(value)

    for version in book.benchmarks[code].versions if code in book.benchmarks else []:
        for row in version.levels:
            walk(row.when)
    return out
