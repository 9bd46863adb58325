"""Impact of a draft on past cases: each stored case file decided under the version in force and under the draft.

Both sides are decided by the one engine (``Engine.decide``), as if the
version applied to the case: the Art. 37 choice between dated versions is
left out, because the question here is what the draft's rows change, not
which version a given date falls under (that is shown by the rule tests and
the engine's own Art. 37 trace). The engine's advice is compared, not the
fine the officer decided: ``proposed_penalty`` is left out of the case.

Bulk answers come from the engine's plain-Python evaluator
(``Engine(..., evaluator="python")``, proven equal to durable_rules by
tests/test_one_engine.py and, for the lab, by tests/lab/test_impact.py on
every stored case); the traces a person opens are decided again, case by
case, by durable_rules (``case_traces``).

Speed: a decision depends on a case only through the values the conditions
compare (and the party kind, and for ``fine_rate`` violations the measure the
rate multiplies). Numbers that fall between the same thresholds of every
condition are interchangeable, so the cases are grouped by that signature
and each group is decided ONCE, with the first real case of the group. Each
side has its own grouping (the published side's thresholds do not move when
the draft is edited), and every answer is cached by (rulebook version,
benchmark version, group). ``tests/lab/test_impact.py`` proves the grouped
answers equal deciding every case one by one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from workbench.engine.inputs import case_input_from_record
from workbench.errors import WorkbenchError
from workbench.lab.answers import (  # noqa: F401 - comparable and LEVEL_ORDER are part of this module's API
    LEVEL_ORDER,
    FineTotals,
    brief,
    comparable,
    differences,
    histogram,
    level_of,
    within_band,
)
from workbench.rulebook.model import BenchmarkVersion, RuleBook
from workbench.rulebook.pyeval import atoms

__all__ = [
    "StoredCase",
    "ImpactReport",
    "CaseImpact",
    "compute_impact",
    "impact_of_draft",
    "side_of",
    "load_cases",
    "decide_grouped",
    "Side",
    "COMPARED",
    "clear_cache",
    "case_traces",
    "comparable",
]

COMPARED = ("level", "fine_range", "procedure", "hearing_right")
_ABSENT = ("absent",)


@dataclass
class StoredCase:
    """One case file as the lab reads it: the engine's case plus what was actually decided."""

    number: str
    case: dict  # engine input, without proposed_penalty
    department: str | None = None
    officer: str | None = None
    fine_yuan: int | None = None
    decision_date: dt.date | None = None
    event: dict | None = None  # the flat event (filled by prepare)
    notes: tuple = ()  # what the input layer set aside, as the trace will say it (filled by prepare)
    error: str | None = None  # why the engine cannot read this case
    signatures: dict = field(default_factory=dict, repr=False)  # grouping spec -> signature (see _Signature)


@dataclass
class Side:
    """One rulebook, with the version of the violation's benchmark that the cases are decided under."""

    label: str  # "published" | "draft"
    engine: Any  # workbench.engine.Engine (durable_rules) whose benchmark of the violation has that one version
    version: BenchmarkVersion
    bulk: Any = None  # the same rulebook on the plain-Python evaluator, for bulk work (None: use ``engine``)

    @property
    def bulk_engine(self):
        return self.bulk if self.bulk is not None else self.engine

    @property
    def cache_key(self) -> tuple:
        # the rulebook's content hash covers the draft file, so this names the rows exactly
        return (self.engine.rulebook.version, str(self.version.effective_from), self.bulk_engine.evaluator)


@dataclass
class CaseImpact:
    number: str
    department: str | None
    officer: str | None
    party_kind: str
    fine_yuan: int | None
    before: dict
    after: dict
    changes: list[str]

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "department": self.department,
            "officer": self.officer,
            "party_kind": self.party_kind,
            "fine_yuan": self.fine_yuan,
            "changes": self.changes,
            "before": brief(self.before),
            "after": brief(self.after),
        }


@dataclass
class ImpactReport:
    violation: str
    published_rules_version: str
    published_benchmark: str
    draft_rules_version: str
    draft_benchmark: str
    cases: int
    errors: list[tuple[str, str]]
    groups_before: int
    groups_after: int
    engine_calls: int  # decisions actually computed by the engine in this run (cache misses)
    seconds: float
    counts: dict[str, int]  # COMPARED + "any": cases whose answer changes
    level_moves: dict[str, dict[str, int]]  # before level -> after level -> cases
    fines: dict[str, dict[str, float]]  # before/after: cases with a fine, mean min, mean max, total min, total max
    outside: dict[str, int]  # before/after: decided fines outside the recommended range
    changed: list[CaseImpact] = field(default_factory=list)
    histogram: list[tuple[str, int, int]] = field(default_factory=list)  # (band of recommended max, before, after)
    before_side: Any = None
    after_side: Any = None
    cases_by_number: dict = field(default_factory=dict, repr=False)

    def to_dict(self, limit: int | None = 50, traces: bool = False) -> dict:
        rows = self.changed if limit is None else self.changed[:limit]
        return {
            "violation": self.violation,
            "published": {"rules_version": self.published_rules_version, "benchmark_version": self.published_benchmark},
            "draft": {"rules_version": self.draft_rules_version, "benchmark_version": self.draft_benchmark},
            "cases": self.cases,
            "errors": [{"number": n, "error": e} for n, e in self.errors],
            "changed": self.counts,
            "level_moves": self.level_moves,
            "recommended_fines": self.fines,
            "decided_fines_outside_range": self.outside,
            "distinct_inputs": {"published": self.groups_before, "draft": self.groups_after},
            "engine_calls": self.engine_calls,
            "seconds": round(self.seconds, 4),
            "changed_cases": [self._case_dict(c, traces) for c in rows],
            "changed_cases_listed": len(rows),
        }

    def _case_dict(self, item: "CaseImpact", traces: bool) -> dict:
        out = item.to_dict()
        if traces and self.before_side is not None:
            before, after = case_traces(self, item.number)
            out["before"]["trace"], out["after"]["trace"] = before["trace"], after["trace"]
        return out


# --------------------------------------------------------------------------- loading


_case_cache: dict[tuple, list[StoredCase]] = {}
_case_lock = threading.Lock()


def load_cases(violation: str, db_url: str | None = None) -> list[StoredCase]:
    """The stored case files of ``violation`` (cached until the case table changes)."""
    from sqlalchemy.exc import SQLAlchemyError

    from workbench.store import get_engine as store_engine
    from workbench.store.models import CaseFile

    table = CaseFile.__table__
    engine = store_engine(db_url)
    try:
        return _load_cases(engine, table, violation, case_input_from_record)
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise WorkbenchError(
            f"cannot read the case files in {where} ({type(exc).__name__}); "
            "create the store with `workbench init` (add --demo for the demo county)"
        ) from None


def _load_cases(engine, table, violation: str, case_input) -> list[StoredCase]:
    from sqlalchemy import func, select

    with engine.connect() as conn:
        stamp = conn.execute(
            select(func.count(), func.max(table.c.id), func.max(table.c.updated_at), func.sum(table.c.version)).where(
                table.c.violation == violation
            )
        ).one()
        key = (str(engine.url), violation, tuple(str(x) for x in stamp))
        with _case_lock:
            if key in _case_cache:
                return _case_cache[key]
        columns = [
            table.c[name]
            for name in (
                "number",
                "party_kind",
                "party_age",
                "party_capacity",
                "violation",
                "act_date",
                "act_end_date",
                "discovered_date",
                "decision_date",
                "facts",
                "circumstances",
                "department_code",
                "lead_officer",
                "fine_yuan",
            )
        ]
        rows = (
            conn.execute(select(*columns).where(table.c.violation == violation).order_by(table.c.id)).mappings().all()
        )
    cases = [
        StoredCase(
            r["number"],
            case_input(dict(r), with_penalty=False),
            r["department_code"],
            r["lead_officer"],
            r["fine_yuan"],
            r["decision_date"],
        )
        for r in rows
    ]
    with _case_lock:
        for old in [k for k in _case_cache if k[:2] == key[:2]]:  # an older state of the same files
            del _case_cache[old]
        if len(_case_cache) > 32:
            _case_cache.clear()
        _case_cache[key] = cases
    return cases


def prepare(cases: Iterable[StoredCase], book: RuleBook) -> list[StoredCase]:
    """Fill each case's flat event (the engine's own input check); a bad case gets ``error``."""
    from workbench.engine.inputs import parse_case
    from workbench.errors import InputError

    out = []
    for item in cases:
        if item.event is None and item.error is None:
            try:
                parsed = parse_case(item.case, book)
                item.event, item.notes = parsed.event, tuple(parsed.notes)
            except InputError as exc:
                item.error = str(exc)
        out.append(item)
    return out


# --------------------------------------------------------------------------- grouping


class _Signature:
    """Maps a case's event to the values that can change its decision under one side."""

    def __init__(self, book: RuleBook, violation: str, version: BenchmarkVersion):
        numeric: dict[str, set] = {}
        exact: set[str] = set()
        conditions = [r.when for stage in book.stages for r in stage.rows] + [r.when for r in version.levels]
        conditions += [b.when for b in book.violations[violation].branches]  # the statute's own alternatives
        for when in conditions:
            for name, op, target in atoms(when):
                numeric.setdefault(name, set())
                if op == "matches":
                    exact.add(name)
                for value in target if isinstance(target, (list, tuple)) else [target]:
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        numeric[name].add(value)
        self.fields = sorted(numeric)
        self.thresholds = {name: sorted(numeric[name]) for name in self.fields}
        self.exact = exact
        rate = book.violations[violation].fine_rate
        self.measure = rate[0] if rate else None
        # the law over time: which side of each dated provision (or order-first statute) the act and decision are
        order = book.violations[violation].order_first
        days = set().union(*(stage.window_dates() for stage in book.stages))
        if order is not None:
            self.fields = sorted({*self.fields, order.fact})
            self.thresholds.setdefault(order.fact, [])
            if order.valid_from:
                days.add(order.valid_from)
        self.boundaries = tuple(sorted(d.isoformat() for d in days))
        self.spec = (
            tuple((n, tuple(self.thresholds[n]), n in exact) for n in self.fields),
            self.measure,
            self.boundaries,
        )

    def of(self, item: "StoredCase") -> tuple:
        """The case's signature (cached on the case: the published side's does not change between edits)."""
        cached = item.signatures.get(self.spec)
        if cached is not None:
            return cached
        event = item.event
        parts: list[Any] = [event.get("party_kind")]
        append = parts.append
        for name, targets, exact in self.spec[0]:
            value = event.get(name, _ABSENT)
            if value is _ABSENT or exact or value is None or value is True or value is False or isinstance(value, str):
                append(value)
            else:
                i = bisect.bisect_left(targets, value)
                append((i, i < len(targets) and targets[i] == value))
        if self.measure:
            append(("m", event.get(self.measure)))
        if item.notes:  # e.g. an organisation's age set aside: the same answer, another trace
            append(item.notes)
        if self.boundaries:
            case = item.case
            occurred = str(case.get("act_end_date") or case.get("act_date"))
            decided = str(case.get("decision_date") or "")
            append(tuple((occurred >= b, decided >= b) for b in self.boundaries))
        key = tuple(parts)
        if len(item.signatures) > 8:
            item.signatures.clear()
        item.signatures[self.spec] = key
        return key


_answers: dict[tuple, dict] = {}
_answers_lock = threading.Lock()
MAX_CACHED_ANSWERS = 200_000


def clear_cache() -> None:
    with _answers_lock:
        _answers.clear()
    with _case_lock:
        _case_cache.clear()


def decide_grouped(
    side: Side, violation: str, cases: list[StoredCase], progress: Callable[[int, int], None] | None = None
) -> tuple[list[dict | None], int, int]:
    """The side's decision for every case, deciding each distinct signature once.

    Returns (answers in case order — None for a case with an error —, distinct
    groups, engine calls made). ``progress(done, total)`` is called as groups
    are decided.
    """
    signature = _Signature(side.engine.rulebook, violation, side.version)
    base = side.cache_key
    keys: list[tuple | None] = []
    first: dict[tuple, StoredCase] = {}
    for item in cases:
        if item.event is None:
            keys.append(None)
            continue
        key = signature.of(item)
        keys.append(key)
        first.setdefault(key, item)
    missing = [k for k in first if (base, k) not in _answers]
    if len(_answers) + len(missing) > MAX_CACHED_ANSWERS:
        with _answers_lock:
            _answers.clear()
        missing = list(first)
    total = len(missing)
    for done, key in enumerate(missing, 1):
        try:
            answer = side.bulk_engine.decide(first[key].case).to_dict()
        except WorkbenchError as exc:
            answer = {"error": str(exc)}
        with _answers_lock:
            _answers[(base, key)] = answer
        if progress is not None and (done % 25 == 0 or done == total):
            progress(done, total)
    results = [None if k is None else _answers.get((base, k)) for k in keys]
    return results, len(first), total


# --------------------------------------------------------------------------- the report


def compute_impact(
    violation: str,
    before: Side,
    after: Side,
    cases: list[StoredCase],
    progress: Callable[[int, int], None] | None = None,
) -> ImpactReport:
    """Decide every case under both sides and count what changes."""
    started = time.perf_counter()
    cases = prepare(cases, before.engine.rulebook)
    answers_before, groups_before, calls_before = decide_grouped(before, violation, cases, progress)
    answers_after, groups_after, calls_after = decide_grouped(after, violation, cases, progress)
    counts = {name: 0 for name in COMPARED + ("any",)}
    moves: dict[str, dict[str, int]] = {}
    fines = {"before": FineTotals(), "after": FineTotals()}
    outside = {"before": 0, "after": 0}
    errors: list[tuple[str, str]] = []
    changed: list[CaseImpact] = []
    histogram_values: dict[str, list[int]] = {"before": [], "after": []}
    for item, b, a in zip(cases, answers_before, answers_after):
        if item.error or b is None or a is None or "error" in b or "error" in a:
            errors.append((item.number, item.error or (b or {}).get("error") or (a or {}).get("error") or "no answer"))
            continue
        diffs = differences(b, a)
        for name in diffs:
            counts[name] += 1
        if diffs:
            counts["any"] += 1
        lb, la = level_of(b), level_of(a)
        moves.setdefault(lb, {}).setdefault(la, 0)
        moves[lb][la] += 1
        for label, answer in (("before", b), ("after", a)):
            fines[label].add(answer)
            if answer.get("fine_yuan"):
                histogram_values[label].append(answer["fine_yuan"]["max"])
            if item.fine_yuan is not None and not within_band(item.fine_yuan, answer):
                outside[label] += 1
        if diffs:
            changed.append(
                CaseImpact(
                    item.number, item.department, item.officer, item.case["party"]["kind"], item.fine_yuan, b, a, diffs
                )
            )
    report = ImpactReport(
        violation=violation,
        published_rules_version=before.engine.rulebook.version,
        published_benchmark=str(before.version.effective_from),
        draft_rules_version=after.engine.rulebook.version,
        draft_benchmark=str(after.version.effective_from),
        cases=len(cases),
        errors=errors,
        groups_before=groups_before,
        groups_after=groups_after,
        engine_calls=calls_before + calls_after,
        seconds=time.perf_counter() - started,
        counts=counts,
        level_moves=moves,
        fines={k: v.summary() for k, v in fines.items()},
        outside=outside,
        changed=changed,
    )
    report.histogram = histogram(histogram_values["before"], histogram_values["after"])
    report.before_side, report.after_side = before, after
    report.cases_by_number = {c.number: c for c in cases}
    return report


# --------------------------------------------------------------------------- a draft's impact


_side_engines: dict[tuple, Any] = {}


def side_of(engine, violation: str, version: BenchmarkVersion, label: str, bulk: str = "python") -> Side:
    """A Side deciding ``violation`` under ``version`` only (the rest of the rulebook as is).

    ``bulk``: the evaluator for grouped bulk work, "python" (default) or "durable".
    """
    from workbench.engine import Engine
    from workbench.lab.drafts import with_single_version

    key = (engine.rulebook.version, violation, str(version.effective_from))
    pair = _side_engines.get(key)
    if pair is None:
        book = with_single_version(engine.rulebook, violation, version)
        pair = (Engine(book), Engine(book, evaluator="python"))
        if len(_side_engines) > 64:
            _side_engines.clear()
        _side_engines[key] = pair
    return Side(label, pair[0], version, pair[1] if bulk == "python" else None)


def case_traces(report: "ImpactReport", number: str) -> tuple[dict, dict]:
    """Both decisions of one case of a report, decided again by durable_rules with their full traces."""
    item = report.cases_by_number.get(number)
    if item is None:
        raise WorkbenchError(f"case {number} is not in this impact run")
    return report.before_side.engine.decide(item.case).to_dict(), report.after_side.engine.decide(item.case).to_dict()


def impact_of_draft(
    draft,
    workspace,
    feedback=None,
    db_url: str | None = None,
    cases: list[StoredCase] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImpactReport:
    """The impact of ``draft`` on the stored case files of its violation (or on ``cases``).

    Published side: the version in force now (the last). Draft side: the
    draft's rows. Refuses (WorkbenchError) while the draft has lint or schema
    problems: there is no draft engine to decide with.
    """
    feedback = feedback or workspace.check(draft, run_tests=False)
    if feedback.engine is None:
        raise WorkbenchError(
            f"{draft.violation}: the draft has {len(feedback.problems)} problem(s); fix them to see its impact"
        )
    code = draft.violation
    published = workspace.published_engine()
    before = side_of(published, code, published.rulebook.benchmarks[code].versions[-1], "published")
    after = side_of(feedback.engine, code, feedback.engine.rulebook.benchmarks[code].versions[-1], "draft")
    if cases is None:
        cases = load_cases(code, db_url)
    return compute_impact(code, before, after, cases, progress)
