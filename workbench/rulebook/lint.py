"""Lint a loaded rulebook: the mistakes a schema cannot see.

- fine ranges outside the statutory range (a benchmark may refine, never
  create, Art. 16; only exempt and mitigated rows may go below the minimum,
  Art. 32 减轻);
- a higher level (exempt < mitigated < lighter < standard < heavier) with a
  lower minimum or maximum than a lower one, and fine bands of different
  levels that overlap (more than sharing a boundary);
- gaps (a possible case that no row matches) and unreachable rows (every case
  a row covers is taken by an earlier row), found by evaluating the table on
  probe points built from the thresholds the conditions use;
- a row adding a penalty the catalogue's penalty article does not allow
  (a benchmark may not create penalties, Art. 16);
- rule tests naming unknown codes.
"""

from __future__ import annotations

import itertools
import random
from typing import Iterable

from workbench.errors import Problem
from workbench.rulebook.model import CIRCUMSTANCES, LEVEL_RANK, OTHER_PENALTIES, PARTY_KINDS, RuleBook, Stage
from workbench.rulebook.pyeval import atoms, holds

MAX_PROBES = 40_000
_ABSENT = object()


def lint(book: RuleBook) -> list[Problem]:
    problems: list[Problem] = []
    for code, bench in book.benchmarks.items():
        violation = book.violations[code]
        for version in bench.versions:
            problems += _fines(book, code, version)
            types = {name: spec.type for name, spec in violation.facts.items()}
            enums = {name: spec.values for name, spec in violation.facts.items() if spec.type == "enum"}
            probes = _probes(
                [r.when for r in version.levels], types, enums, optional=set(violation.facts) | {"party_age"}
            )
            problems += _first_match_table(
                [(r.id, r.when, r.where) for r in version.levels],
                probes,
                f"{code}@{version.effective_from}",
                version.where,
            )
    for stage in book.stages:
        problems += _stage(stage, optional={"party_age"})
    if book.severity is not None:
        problems += _stage(book.severity, optional=set(), catch_all=True)
    problems += _tests(book)
    problems += _owners(book)
    return problems


def _owners(book: RuleBook) -> list[Problem]:
    """The department that decides a violation (catalogue) is the lead of its event category (ownership)."""
    out = []
    leads = {row.category: row for row in book.ownership}
    for code, violation in book.violations.items():
        row = leads.get(code)
        if row is not None and row.lead != violation.department:
            out.append(
                Problem(
                    violation.where.path,
                    violation.where.line,
                    f"{code}: department {violation.department} here, but ownership.yaml routes the event to "
                    f"{row.lead} as lead; make them agree (the county's 相对集中 decision belongs in both files)",
                )
            )
    return out


def _fines(book: RuleBook, code: str, version) -> list[Problem]:
    violation = book.violations[code]
    out: list[Problem] = []
    rows = version.levels
    for row in rows:
        below_ok = row.level in ("exempt", "mitigated")
        if row.fine is not None and violation.fine is not None:
            for kind in PARTY_KINDS:
                low, high = row.fine[kind]
                smin, smax = violation.fine[kind]
                if high > smax or (low < smin and not below_ok):
                    out.append(
                        Problem(
                            row.where.path,
                            row.where.line,
                            f"{row.id}: {kind} fine [{low}, {high}] is outside the statutory range [{smin}, {smax}] of "
                            f"{violation.penalty_basis}",
                        )
                    )
        if row.fine_rate is not None and violation.fine_rate is not None:
            low, high = row.fine_rate
            _, smin, smax = violation.fine_rate
            if high > smax or (low < smin and not below_ok):
                out.append(
                    Problem(
                        row.where.path,
                        row.where.line,
                        f"{row.id}: fine_rate [{low}, {high}] is outside the statutory [{smin}, {smax}]",
                    )
                )
    for row in rows:
        added = [p for p in row.other_penalties if p in OTHER_PENALTIES and p not in violation.other_penalties]
        if added:
            out.append(
                Problem(
                    row.where.path,
                    row.where.line,
                    f"{row.id}: penalty {', '.join(added)} is not among those {violation.penalty_basis} allows "
                    "(catalogue); a benchmark may not add a penalty (行政处罚法 第十六条)",
                )
            )
    for a, b in itertools.combinations(rows, 2):
        lo, hi = (a, b) if LEVEL_RANK[a.level] <= LEVEL_RANK[b.level] else (b, a)
        for label, ra, rb in _ranges(lo, hi):
            if LEVEL_RANK[lo.level] < LEVEL_RANK[hi.level]:
                if rb[0] < ra[0] or rb[1] < ra[1]:
                    out.append(
                        Problem(
                            hi.where.path,
                            hi.where.line,
                            f"{hi.id} ({hi.level}) has lower {label}fines {list(rb)} than {lo.id} ({lo.level}) "
                            f"{list(ra)}; a heavier level may not be cheaper",
                        )
                    )
                elif max(ra[0], rb[0]) < min(ra[1], rb[1]):
                    out.append(
                        Problem(
                            hi.where.path,
                            hi.where.line,
                            f"{hi.id} ({hi.level}) {label}fines {list(rb)} overlap {lo.id} ({lo.level}) {list(ra)}; "
                            "levels may share only a boundary amount",
                        )
                    )
    return out


def _ranges(a, b):
    if a.fine is not None and b.fine is not None:
        for kind in PARTY_KINDS:
            yield f"{kind} ", a.fine[kind], b.fine[kind]
    if a.fine_rate is not None and b.fine_rate is not None:
        yield "rate ", a.fine_rate, b.fine_rate


def _stage(stage: Stage, optional: set[str], catch_all: bool = False) -> list[Problem]:
    probes = _probes([r.when for r in stage.rows], {}, {}, optional=optional)
    label = f"stage {stage.name}"
    if stage.mode == "first":
        return _first_match_table(
            [(r.id, r.when, r.where) for r in stage.rows], probes, label, stage.where, require_total=catch_all
        )
    out = []
    for row in stage.rows:
        if not any(holds(row.when, p) for p in probes):
            out.append(
                Problem(
                    row.where.path, row.where.line, f"{label}/{row.id}: the condition can never hold (contradictory)"
                )
            )
    return out


def _first_match_table(rows, probes, label: str, where, require_total: bool = True) -> list[Problem]:
    out: list[Problem] = []
    wins = {rid: 0 for rid, _, _ in rows}
    shadow: dict[str, dict[str, int]] = {rid: {} for rid, _, _ in rows}
    gap = None
    for probe in probes:
        winner = None
        for rid, when, _ in rows:
            if holds(when, probe):
                if winner is None:
                    winner = rid
                    wins[rid] += 1
                else:
                    shadow[rid][winner] = shadow[rid].get(winner, 0) + 1
        if winner is None and gap is None:
            gap = probe
    for rid, when, rwhere in rows:
        if wins[rid] == 0:
            takers = shadow[rid]
            if takers:
                by = max(takers, key=takers.get)
                out.append(
                    Problem(
                        rwhere.path,
                        rwhere.line,
                        f"{label}/{rid} is unreachable: every case it covers is taken by the earlier row {by}; move it "
                        f"up or narrow {by}",
                    )
                )
            else:
                out.append(
                    Problem(rwhere.path, rwhere.line, f"{label}/{rid} can never match (contradictory condition)")
                )
    if gap is not None and require_total:
        shown = {k: v for k, v in gap.items() if v is not _ABSENT}
        out.append(
            Problem(
                where.path,
                where.line,
                f"{label}: gap: no row matches a case such as {shown}; end the rows with a catch-all (when: {{}})",
            )
        )
    return out


def _probes(conditions: list[dict], types: dict, enums: dict, optional: set[str]) -> list[dict]:
    """Points around every threshold the conditions use, one value set per field."""
    values: dict[str, set] = {}
    for when in conditions:
        for field, op, target in atoms(when):
            bucket = values.setdefault(field, set())
            if op in ("<", "<=", ">", ">="):
                step = (
                    1
                    if types.get(field) == "integer"
                    or field in ("party_age", "people_affected", "assist_count", "coordination_level")
                    else 0.01
                )
                bucket.update({target - step, target, target + step})
            elif op == "in":
                bucket.update(_hashable(t) for t in target)
                bucket.add(_other(target[0]))
            elif op == "matches":
                bucket.add("")
            else:
                bucket.add(_hashable(target))
                bucket.add(_other(target))
    for field in list(values):
        if field in enums:
            values[field] |= set(enums[field])
        if field in CIRCUMSTANCES or types.get(field) == "boolean" or field.endswith("mitigation"):
            values[field] = {True, False}
        if field == "party_kind":
            values[field] = set(PARTY_KINDS)
        if field in optional:
            values[field].add(_ABSENT)
    fields = sorted(values)
    domains = [sorted(values[f], key=repr) for f in fields]
    total = 1
    for d in domains:
        total *= len(d)
    if total <= MAX_PROBES:
        combos: Iterable = itertools.product(*domains)
    else:
        rng = random.Random(20210715)
        combos = (tuple(rng.choice(d) for d in domains) for _ in range(MAX_PROBES))
    return [{f: v for f, v in zip(fields, combo) if v is not _ABSENT} for combo in combos]


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _other(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    return f"{value}~other"


def _tests(book: RuleBook) -> list[Problem]:
    out = []
    categories = {r.category for r in book.ownership}
    for test in book.tests:
        if test.kind == "decide":
            code = test.given.get("violation")
            if code not in book.violations:
                out.append(Problem(test.where.path, test.where.line, f"test {test.name!r}: unknown violation {code!r}"))
        else:
            code = test.given.get("category")
            if code not in categories:
                out.append(Problem(test.where.path, test.where.line, f"test {test.name!r}: unknown category {code!r}"))
    return out
