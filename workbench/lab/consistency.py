"""Consistency of practice (同案同罚): decided fines against the benchmark, by department and officer.

For each decided case file of a violation, the engine gives the benchmark
band that applied to it (the published rulebook with its dated versions and
the Art. 37 choice, decided on the case's own dates); the fine actually
decided is then below, within or above that band. Departments and officers
are ranked by the share of their fines outside the band, then by how far
their fines sit from the middle of the band (0 = always at the minimum,
1 = always at the maximum, 0.5 = neutral) — what the 2022 State Council
guidance on discretion benchmarks asks offices to watch.

Cases are grouped as in ``impact.py`` (plus the versions in force on the act
and decision dates) and each group is decided once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from workbench.lab.impact import StoredCase, _Signature, load_cases, prepare
from workbench.rulebook.model import BenchmarkVersion

__all__ = ["consistency", "ConsistencyReport", "GroupStats", "CaseDeviation"]


@dataclass
class CaseDeviation:
    number: str
    department: str | None
    officer: str | None
    fine_yuan: int
    band: tuple[int, int] | None  # recommended (min, max); None when no fine applies (no penalty)
    level: str | None
    position: float | None  # (fine - min) / (max - min); <0 below, >1 above
    status: str  # below | within | above
    benchmark_version: str | None


@dataclass
class GroupStats:
    key: str
    name: str
    cases: int = 0
    below: int = 0
    above: int = 0
    positions: list[float] = field(default_factory=list, repr=False)
    excess_yuan: int = 0  # yuan outside the band, summed

    @property
    def outside(self) -> int:
        return self.below + self.above

    @property
    def outside_share(self) -> float:
        return self.outside / self.cases if self.cases else 0.0

    @property
    def mean_position(self) -> float | None:
        return round(sum(self.positions) / len(self.positions), 3) if self.positions else None

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "cases": self.cases,
            "below": self.below,
            "above": self.above,
            "outside": self.outside,
            "outside_share": round(self.outside_share, 4),
            "mean_position": self.mean_position,
            "excess_yuan": self.excess_yuan,
        }


@dataclass
class ConsistencyReport:
    violation: str
    rules_version: str
    cases: int  # decided files with a fine recorded
    skipped: list[tuple[str, str]]  # (case number, why)
    outside: int
    departments: list[GroupStats]
    officers: list[GroupStats]
    deviations: list[CaseDeviation]  # the files outside their band, furthest first

    def to_dict(self, limit: int = 50) -> dict:
        return {
            "violation": self.violation,
            "rules_version": self.rules_version,
            "cases": self.cases,
            "outside": self.outside,
            "skipped": len(self.skipped),
            "departments": [g.to_dict() for g in self.departments],
            "officers": [g.to_dict() for g in self.officers[:limit]],
            "deviations": [d.__dict__ for d in self.deviations[:limit]],
        }


def consistency(
    violation: str,
    engine=None,
    db_url: str | None = None,
    cases: list[StoredCase] | None = None,
    min_officer_cases: int = 5,
    names: dict[str, str] | None = None,
) -> ConsistencyReport:
    """Decided fines of ``violation`` against the band the engine gives each case."""
    from workbench.engine import Engine, get_engine

    engine = engine or get_engine(strict=True)
    book = engine.rulebook
    bulk = Engine(book, evaluator="python") if engine.evaluator != "python" else engine
    if cases is None:
        cases = load_cases(violation, db_url)
    decided = [c for c in cases if c.fine_yuan is not None and c.decision_date is not None]
    prepare(decided, book)
    bench = book.benchmarks[violation]
    signature = _Signature(book, violation, _union(bench.versions))
    answers: dict[tuple, dict] = {}
    skipped: list[tuple[str, str]] = []
    deviations: list[CaseDeviation] = []
    for item in decided:
        if item.event is None:
            skipped.append((item.number, item.error or "cannot be read"))
            continue
        act = dt.date.fromisoformat(item.case["act_date"])
        key = (signature.of(item), _index(bench.versions, act), _index(bench.versions, item.decision_date))
        answer = answers.get(key)
        if answer is None:
            try:
                answer = bulk.decide(item.case).to_dict()
            except Exception as exc:  # a stored case the engine refuses: shown as skipped, never hidden
                answer = {"error": str(exc)}
            answers[key] = answer
        if "error" in answer:
            skipped.append((item.number, answer["error"]))
            continue
        deviations.append(_deviation(item, answer))
    departments = _group(deviations, lambda d: d.department, names or {}, 1)
    officers = _group(deviations, lambda d: d.officer, _officer_names(db_url), min_officer_cases)
    outside = [d for d in deviations if d.status != "within"]
    outside.sort(key=lambda d: -_distance(d))
    return ConsistencyReport(
        violation, book.version, len(deviations), skipped, len(outside), departments, officers, outside
    )


def _deviation(item: StoredCase, answer: dict) -> CaseDeviation:
    band = answer.get("fine_yuan")
    fine = int(item.fine_yuan)
    if not answer.get("penalize") or band is None:
        low = high = 0
    else:
        low, high = band["min"], band["max"]
    if fine < low:
        status = "below"
    elif fine > high:
        status = "above"
    else:
        status = "within"
    position = (fine - low) / (high - low) if high > low else (0.5 if fine == low else (2.0 if fine > high else -1.0))
    return CaseDeviation(
        item.number,
        item.department,
        item.officer,
        fine,
        (low, high),
        answer.get("level"),
        round(position, 3),
        status,
        answer.get("benchmark_version"),
    )


def _distance(d: CaseDeviation) -> int:
    low, high = d.band or (0, 0)
    return low - d.fine_yuan if d.fine_yuan < low else d.fine_yuan - high


def _group(deviations: list[CaseDeviation], key_of, names: dict[str, str], minimum: int) -> list[GroupStats]:
    groups: dict[str, GroupStats] = {}
    for d in deviations:
        key = key_of(d) or "—"
        g = groups.setdefault(key, GroupStats(key, names.get(key, key)))
        g.cases += 1
        if d.status == "below":
            g.below += 1
        elif d.status == "above":
            g.above += 1
        if d.status != "within":
            g.excess_yuan += _distance(d)
        if d.position is not None:
            g.positions.append(max(-1.0, min(2.0, d.position)))
    ranked = [g for g in groups.values() if g.cases >= minimum]
    ranked.sort(
        key=lambda g: (-g.outside_share, -abs((g.mean_position if g.mean_position is not None else 0.5) - 0.5), g.key)
    )
    return ranked


def _officer_names(db_url: str | None) -> dict[str, str]:
    try:
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        from workbench.store import get_engine
        from workbench.store.models import Officer
    except ImportError:  # pragma: no cover
        return {}
    try:
        with get_engine(db_url).connect() as conn:
            table = Officer.__table__
            return {n: f"{m} ({n})" for n, m in conn.execute(select(table.c.number, table.c.name_masked))}
    except SQLAlchemyError:
        return {}


def _union(versions: list[BenchmarkVersion]) -> BenchmarkVersion:
    """One pseudo-version holding every row of every version: its thresholds are all the benchmark's thresholds."""
    rows: list[Any] = [row for v in versions for row in v.levels]
    return BenchmarkVersion(versions[0].effective_from, "", rows, versions[0].where)


def _index(versions: list[BenchmarkVersion], day: dt.date) -> int:
    chosen = 0
    for i, version in enumerate(versions):
        if version.effective_from <= day:
            chosen = i
    return chosen
