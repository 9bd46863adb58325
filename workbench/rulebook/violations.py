"""The violations: ``catalogue.yaml`` (what the law fines, and how much) and ``discretion/*.yaml``
(the benchmark tables, one file per violation, versions oldest first).

Read by ``workbench.rulebook.loader`` with the rest of the rulebook; the checks
append problems with their line and never raise (``Reader``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from workbench.rulebook.model import (
    FACT_TYPES,
    LEVELS,
    OTHER_MEASURES,
    OTHER_PENALTIES,
    Benchmark,
    BenchmarkVersion,
    Branch,
    FactSpec,
    LevelRow,
    OrderFirst,
    RuleBook,
    Violation,
    Where,
)
from workbench.rulebook.reader import CASE_FIELDS, Reader


class ViolationReader(Reader):
    """The catalogue and the benchmark files, on the shared checks of ``Reader``."""

    def catalogue(self, book: RuleBook) -> None:
        path = self.root / "catalogue.yaml"
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"violations"}, {"violations"}, "catalogue.yaml")
        rows = self.seq(rel, data, "violations", "violations") or []
        allowed = {
            "code",
            "name",
            "department",
            "offence_basis",
            "penalty_basis",
            "fine",
            "fine_rate",
            "other_penalties",
            "facts",
            "note",
            "order_first",
            "branches",
        }
        for i, row in enumerate(rows):
            line = self.line_of(rows, i)
            if not isinstance(row, CommentedMap):
                self.err(rel, line, "each violation must be a mapping")
                continue
            self.closed(
                rel,
                row,
                allowed,
                {"code", "name", "department", "offence_basis", "penalty_basis", "facts"},
                "violation",
            )
            code = self.text(rel, row, "code", "violation")
            what = f"violation {code}"
            if code in book.violations:
                self.err(rel, line, f"{what} defined twice")
            zh, en = self.names(rel, row, what)
            dept = row.get("department")
            if book.departments and dept not in book.departments:
                self.err(
                    rel,
                    self.line_of(row, "department"),
                    f"{what}: unknown department {dept!r}; add it to departments.yaml",
                )
            fine = fine_rate = None
            if ("fine" in row) == ("fine_rate" in row):
                self.err(rel, line, f"{what}: give either fine (per party kind) or fine_rate (share of a fact)")
            elif "fine" in row:
                fine = self.party_fines(rel, row, "fine", what)
            else:
                rate = row["fine_rate"]
                if isinstance(rate, CommentedMap) and self.closed(
                    rel, rate, {"of", "range"}, {"of", "range"}, f"{what} fine_rate"
                ):
                    bounds = self.money_range(
                        rel, rate["range"], self.line_of(rate, "range"), f"{what} fine_rate.range", number=float
                    )
                    if bounds:
                        fine_rate = (str(rate["of"]), bounds[0], bounds[1])
                else:
                    self.err(
                        rel,
                        self.line_of(row, "fine_rate"),
                        f"{what}: fine_rate must be {{of: fact, range: [low, high]}}",
                    )
            others = tuple(row.get("other_penalties") or ())
            for other in others:
                if other not in OTHER_PENALTIES + OTHER_MEASURES:
                    self.err(
                        rel,
                        self.line_of(row, "other_penalties"),
                        f"{what}: unknown penalty {other!r}; known: {', '.join(OTHER_PENALTIES + OTHER_MEASURES)}",
                    )
            facts = {}
            fnode = row.get("facts")
            if isinstance(fnode, CommentedMap):
                for fname, spec in fnode.items():
                    fline = self.line_of(fnode, fname)
                    if not isinstance(spec, CommentedMap):
                        self.err(rel, fline, f"{what} fact {fname}: must be {{type, zh, en}}")
                        continue
                    self.closed(
                        rel,
                        spec,
                        {"type", "zh", "en", "values", "min", "max"},
                        {"type", "zh", "en"},
                        f"{what} fact {fname}",
                    )
                    ftype = spec.get("type")
                    if ftype not in FACT_TYPES:
                        self.err(
                            rel,
                            self.line_of(spec, "type"),
                            f"{what} fact {fname}: type must be one of {', '.join(FACT_TYPES)}",
                        )
                        continue
                    values = tuple(spec.get("values") or ())
                    if ftype == "enum" and not values:
                        self.err(rel, fline, f"{what} fact {fname}: an enum needs values: [...]")
                    if fname in CASE_FIELDS:
                        self.err(rel, fline, f"{what} fact {fname}: the name is taken by a case field; rename it")
                    facts[fname] = FactSpec(
                        fname,
                        ftype,
                        str(spec.get("zh", "")),
                        str(spec.get("en", "")),
                        values,
                        spec.get("min"),
                        spec.get("max"),
                    )
            elif fnode is not None:
                self.err(rel, self.line_of(row, "facts"), f"{what}: facts must be a mapping")
            if fine_rate and fine_rate[0] not in facts:
                self.err(
                    rel,
                    self.line_of(row, "fine_rate"),
                    f"{what}: fine_rate is of {fine_rate[0]!r}, which is not among its facts",
                )
            book.violations[code] = Violation(
                code,
                zh,
                en,
                str(dept),
                self.text(rel, row, "offence_basis", what),
                self.text(rel, row, "penalty_basis", what),
                fine,
                fine_rate,
                others,
                facts,
                Where(rel, line),
                self.order_first(rel, row, what, facts),
            )
            book.violations[code].branches = self.branches(rel, row, what, book, facts)

    def branches(self, rel: str, row: CommentedMap, what: str, book: RuleBook, facts: dict) -> list[Branch]:
        """``branches:`` the statute's own alternatives, first match before the benchmark (e.g. 城乡规划法 Art. 64)."""
        nodes = row.get("branches")
        if nodes is None:
            return []
        if not isinstance(nodes, list):
            self.err(rel, self.line_of(row, "branches"), f"{what}: branches must be a list of rows")
            return []
        out = []
        fields = CASE_FIELDS | {"mandatory_mitigation", "discretionary_mitigation"} | set(facts)
        keys = {"id", "when", "penalize", "fine", "fine_rate", "other_penalties", "basis", "text"}
        for i, node in enumerate(nodes):
            line = self.line_of(nodes, i)
            if not isinstance(node, CommentedMap) or not self.closed(
                rel, node, keys, {"id", "when", "penalize", "basis"}, f"{what} branch"
            ):
                continue
            bid = str(node["id"])
            where = f"{what} branch {bid}"
            when = self.condition(rel, node.get("when"), self.line_of(node, "when"), fields, book.parameters, where)
            rate = None
            if node.get("fine_rate") is not None:
                rate = self.money_range(rel, node["fine_rate"], self.line_of(node, "fine_rate"), where, number=float)
                if rate is None:
                    continue
            fine = None
            if node.get("fine") is not None:
                fine = self.party_fines(rel, node, "fine", where)
                if fine is None:
                    continue
            others = tuple(str(p) for p in node.get("other_penalties") or ())
            unknown = [p for p in others if p not in OTHER_PENALTIES + OTHER_MEASURES]
            if unknown:
                self.err(rel, self.line_of(node, "other_penalties"), f"{where}: unknown penalty {unknown}")
                continue
            if not isinstance(node["penalize"], bool):
                self.err(rel, self.line_of(node, "penalize"), f"{where}: penalize is true or false")
                continue
            if when is None:
                continue
            basis = self.basis(rel, node, where)
            out.append(
                Branch(
                    bid, when, node["penalize"], rate, others, basis, str(node.get("text", "")), Where(rel, line), fine
                )
            )
        return out

    def order_first(self, rel: str, row: CommentedMap, what: str, facts: dict) -> OrderFirst | None:
        """``order_first: {fact: F, from: D, basis: ..., text: ...}``: penalty only on refusal to correct."""
        node = row.get("order_first")
        if node is None:
            return None
        line = self.line_of(row, "order_first")
        if not isinstance(node, CommentedMap) or not self.closed(
            rel, node, {"fact", "from", "basis", "text", "also"}, {"fact", "basis"}, f"{what} order_first"
        ):
            return None
        fact = str(node["fact"])
        spec = facts.get(fact)
        if spec is None or spec.type != "boolean":
            self.err(rel, line, f"{what}: order_first.fact {fact!r} must be a boolean fact of this violation")
            return None
        start = node.get("from")
        if start is not None and not isinstance(start, dt.date):
            self.err(rel, line, f"{what}: order_first.from must be a date YYYY-MM-DD, not {start!r}")
            return None
        also = tuple(str(p) for p in node.get("also") or ())
        unknown = [p for p in also if p not in OTHER_PENALTIES]
        if unknown:
            self.err(rel, line, f"{what}: order_first.also names unknown penalties {unknown}")
            return None
        return OrderFirst(fact, start, str(node["basis"]), str(node.get("text", "")), also)

    def benchmark(self, book: RuleBook, path: Path) -> None:
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"violation", "versions"}, {"violation", "versions"}, "benchmark")
        code = data.get("violation")
        violation = book.violations.get(code)
        if violation is None:
            self.err(
                rel, self.line_of(data, "violation"), f"unknown violation {code!r}; it must be a code in catalogue.yaml"
            )
            return
        if path.stem != code:
            self.err(
                rel,
                self.line_of(data, "violation"),
                f"file name {path.name} does not match violation {code}; rename it {code}.yaml",
            )
        fields = CASE_FIELDS | {"mandatory_mitigation", "discretionary_mitigation"} | set(violation.facts)
        versions: list[BenchmarkVersion] = []
        vnodes = self.seq(rel, data, "versions", "versions") or []
        ids: set[str] = set()
        for i, vnode in enumerate(vnodes):
            vline = self.line_of(vnodes, i)
            if not isinstance(vnode, CommentedMap):
                self.err(rel, vline, "each version must be a mapping")
                continue
            self.closed(
                rel,
                vnode,
                {"effective_from", "reason", "levels", "published_by"},
                {"effective_from", "levels"},
                "version",
            )
            day = self.date(rel, vnode, "effective_from", "version")
            if day is None:
                continue
            if versions and day <= versions[-1].effective_from:
                self.err(
                    rel,
                    self.line_of(vnode, "effective_from"),
                    f"version {day} is not after the version before it ({versions[-1].effective_from}); keep versions "
                    "oldest first",
                )
            levels = []
            lnodes = self.seq(rel, vnode, "levels", f"version {day} levels") or []
            version_ids: set[str] = set()
            for j, lnode in enumerate(lnodes):
                lline = self.line_of(lnodes, j)
                if not isinstance(lnode, CommentedMap):
                    self.err(rel, lline, "each level row must be a mapping")
                    continue
                self.closed(
                    rel,
                    lnode,
                    {"id", "level", "when", "fine", "fine_rate", "other_penalties", "basis", "note"},
                    {"id", "level", "when"},
                    "level row",
                )
                rid = str(lnode.get("id"))
                what = f"{code}@{day}/{rid}"
                if rid in version_ids:
                    self.err(rel, lline, f"row id {rid!r} used twice in version {day}")
                version_ids.add(rid)
                ids.add(rid)
                level = lnode.get("level")
                if level not in LEVELS:
                    self.err(rel, self.line_of(lnode, "level"), f"{what}: level must be one of {', '.join(LEVELS)}")
                    continue
                fine = rate = None
                if violation.fine_rate:
                    if "fine_rate" not in lnode:
                        self.err(
                            rel,
                            lline,
                            f"{what}: {code} is fined as a share of {violation.fine_rate[0]}; give fine_rate: [low, "
                            "high]",
                        )
                        continue
                    rate = self.money_range(
                        rel, lnode["fine_rate"], self.line_of(lnode, "fine_rate"), f"{what} fine_rate", number=float
                    )
                else:
                    if "fine" not in lnode:
                        self.err(rel, lline, f"{what}: give fine: {{person: [min, max], organisation: [min, max]}}")
                        continue
                    fine = self.party_fines(rel, lnode, "fine", what)
                others = tuple(lnode.get("other_penalties") or ())
                for other in others:
                    if other not in OTHER_PENALTIES + OTHER_MEASURES:
                        self.err(rel, self.line_of(lnode, "other_penalties"), f"{what}: unknown penalty {other!r}")
                when = self.condition(
                    rel, lnode.get("when"), self.line_of(lnode, "when"), fields, book.parameters, what
                )
                basis = self.basis(rel, lnode, what)
                if when is None or (fine is None and rate is None):
                    continue
                levels.append(LevelRow(rid, level, when, fine, rate, others, basis, Where(rel, lline)))
            versions.append(BenchmarkVersion(day, str(vnode.get("reason", "")), levels, Where(rel, vline)))
        if not versions:
            self.err(rel, 1, f"benchmark {code} has no versions")
            return
        book.benchmarks[code] = Benchmark(code, versions, rel)


__all__ = ["ViolationReader"]
