"""The decision engine: ``decide(case)`` and ``classify(report)`` on durable_rules.

Every answer carries its trace (which row of which file fired and why), the
legal basis it rests on, and the rules version (content hash) that produced
it. The contract of inputs and outputs is issue 2 §5 and docs/design.md.

``get_engine()`` keeps the last good rulebook of a directory: when a rule file
is edited into a broken state, the rules in force stay in force and the
problems are kept on ``engine.pending_problems`` (the CLI uses ``strict=True``
and refuses instead).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Any

from workbench.engine import durable
from workbench.engine.answers import Decision, Triage, lightness, summary
from workbench.engine.inputs import CaseInput, ReportInput, parse_case, parse_report
from workbench.errors import InputError, Problem, RuleBookError
from workbench.rulebook import content_hash, default_rules_dir, load_rulebook, pyeval
from workbench.rulebook.model import LEVEL_RANK, OTHER_PENALTIES, BenchmarkVersion, LevelRow, RuleBook, Stage

__all__ = ["Engine", "Decision", "Triage", "get_engine", "InputError"]

log = logging.getLogger(__name__)


class Engine:
    """One compiled rulebook. Thread-safe (durable_rules calls are serialised)."""

    def __init__(self, rulebook: RuleBook, evaluator: str = "durable"):
        if evaluator not in ("durable", "python"):
            raise ValueError("evaluator must be 'durable' or 'python'")
        self.rulebook = rulebook
        self.evaluator = evaluator
        self.pending_problems: list[Problem] = []
        self._tables: dict[str, durable.Table] = {}
        self._lock = threading.Lock()
        # the law over time, read once: Art. 37 weighs the substantive stages where one of their rows changed
        self._substantive = rulebook.substantive_stages()
        self._boundaries = sorted(set().union(*(stage.window_dates() for stage in self._substantive)))
        self._dated_stages = {stage.name for stage in rulebook.stages if stage.window_dates()}
        if evaluator == "durable":
            for stage in rulebook.stages:
                self._table(f"stage/{stage.name}", stage.rows)
            if rulebook.severity:
                self._table("severity", rulebook.severity.rows)
            for bench in rulebook.benchmarks.values():
                for version in bench.versions:
                    self._table(f"discretion/{bench.violation}@{version.effective_from}", version.levels)
            self._table("ownership", self._ownership_rows())

    # -- public API --------------------------------------------------------
    @property
    def version(self) -> str:
        return self.rulebook.version

    def decide(self, case: dict, *, today: dt.date | None = None) -> Decision:
        """The decision for one case (dict per the contract); raises InputError.

        ``today`` is the county's date the case is judged on (default: the real date): an act or a discovery
        after it is refused. The rule lab and rule tests judge hypothetical cases as of their decision date."""
        return self._decide(parse_case(case, self.rulebook, today=today))

    def classify(self, report: dict) -> Triage:
        """Severity, departments, coordination level and deadline for one report."""
        return self._classify(parse_report(report, self.rulebook))

    def event_of(self, case: dict) -> dict:
        """The flat event the rules see for a case (for the scenario tester and tests)."""
        return parse_case(case, self.rulebook, today=dt.date.max).event

    # -- decide ------------------------------------------------------------
    def _decide(self, case: CaseInput) -> Decision:
        """Art. 37 over the general provisions: the law in force when the act occurred, unless the law in force
        at the decision is lighter for the party. Procedure always follows the law at the decision (程序从新)."""
        occurred, decided = case.occurred, case.decision_date
        changed = [b for b in self._boundaries if occurred < b <= decided]
        at_act = self._decide_at(case, occurred)
        if not changed:
            return at_act
        at_decision = self._decide_at(case, decided)
        rows = sorted(
            {
                f"{stage.name}/{row.id}"
                for stage in self._substantive
                for row in stage.rows
                if row.in_force(occurred) != row.in_force(decided)
            }
        )
        change = f"the provisions changed on {', '.join(map(str, changed))} (rows {', '.join(rows)})"
        if lightness(at_decision) < lightness(at_act):
            chosen, why = (
                at_decision,
                (
                    f"Art. 37 从旧兼从轻: {change}; "
                    f"the law at decision ({decided}) is lighter for the party than the law when the act occurred "
                    f"({occurred}): {summary(at_decision)} instead of {summary(at_act)}; the lighter one applies"
                ),
            )
        else:
            chosen, why = (
                at_act,
                (
                    f"Art. 37 从旧兼从轻: {change}; "
                    f"the law when the act occurred ({occurred}) applies: {summary(at_act)}; the law at decision "
                    f"({decided}) is not lighter ({summary(at_decision)})"
                ),
            )
        chosen.trace.insert(
            0, {"rule": "art37/provisions", "why": why, "where": "provisions.yaml", "basis": "行政处罚法 第三十七条"}
        )
        _add_basis(chosen.basis, "行政处罚法 第三十七条")
        return chosen

    def _decide_at(self, case: CaseInput, law_day: dt.date) -> Decision:
        """The decision with the substantive provisions in force on ``law_day``."""
        book = self.rulebook
        violation = book.violations[case.violation]
        event = dict(case.event)
        trace: list[dict] = []
        basis: list[str] = []
        state: dict[str, Any] = {"penalize": True, "reason": None}
        for rule, why, note_basis in case.notes:
            trace.append({"rule": rule, "why": why, "where": "", "basis": note_basis})

        for stage in book.stages:
            if stage.name == "procedure":
                break
            self._run_stage(stage, event, state, trace, basis, law_day)
            if not state["penalize"]:
                return self._no_penalty(case, violation, state, trace, basis)
        if self._order_first(case, violation, state, trace, basis):
            return self._no_penalty(case, violation, state, trace, basis)

        mitigation = [t["rule"].split("/", 1)[1] for t in trace if t["rule"].startswith("mitigation/")]
        branch = self._branch(case, violation, event, state, trace, basis)
        if branch is False:  # the statute's branch is an order, not a penalty
            return self._no_penalty(case, violation, state, trace, basis)
        chosen = branch or self._benchmark(case, event, trace)
        version, row, fine = chosen
        if any(step["rule"] == "art37" for step in trace):
            _add_basis(basis, "行政处罚法 第三十七条")
        _add_basis(basis, row.basis)
        _add_basis(basis, violation.penalty_basis)
        if row.level == "exempt":
            state["penalize"] = False
            state["reason"] = "first_offence_exempt"

        proposed = case.proposed_penalty
        others = list(row.other_penalties)
        if proposed is not None:
            low = high = proposed["fine_yuan"]
            proposed_other = list(proposed["other"])
        else:
            low, high = fine if fine else (0, 0)
            proposed_other = [o for o in others if o in OTHER_PENALTIES]
        event.update(
            level=row.level,
            fine_min=low,
            fine_max=high,
            proposed=proposed is not None,
            warning_only=(high == 0 and proposed_other == ["warning"]),
            has_other_penalty=any(o != "warning" for o in proposed_other),
            **{f"other_{p}": p in proposed_other for p in OTHER_PENALTIES},
        )
        seen = False
        for stage in book.stages:
            seen = seen or stage.name == "procedure"
            if seen and state["penalize"]:  # no procedure to choose for an exempt case
                self._run_stage(stage, event, state, trace, basis, case.decision_date)
        within = None
        if proposed is not None and fine is not None:
            within = fine[0] <= proposed["fine_yuan"] <= fine[1]
            trace.append(
                {
                    "rule": "within_benchmark",
                    "why": f"proposed fine {proposed['fine_yuan']} yuan {'is' if within else 'is NOT'} "
                    f"within [{fine[0]}, {fine[1]}]",
                    "where": "",
                }
            )
        # a branch of the statute bounds the fine itself: the answer's band is then the statute's range
        within_statute = self._within_statute(case, violation, trace, basis, fine if version is None else None)
        if not state["penalize"]:
            state.update(procedure=None, hearing_right=False, legal_review=False)
        return Decision(
            violation=case.violation,
            penalize=bool(state["penalize"]),
            reason=state.get("reason"),
            level=row.level,
            fine_yuan={"min": fine[0], "max": fine[1]} if fine else None,
            department=violation.department,
            procedure=state.get("procedure"),
            hearing_right=bool(state.get("hearing_right")),
            legal_review=bool(state.get("legal_review")),
            within_benchmark=within,
            basis=basis,
            rules_version=book.version,
            benchmark_version=str(version.effective_from) if version is not None else None,
            other_penalties=others,
            mitigation=mitigation,
            mandatory_mitigation=bool(state.get("mandatory_mitigation")),
            trace=trace,
            within_statute=within_statute,
        )

    def _order_first(self, case: CaseInput, violation, state: dict, trace: list, basis: list) -> bool:
        """Order first, penalty only on refusal (e.g. 噪声法 Art. 82): True when the party corrected after the
        order, so the answer is the order to correct, not a penalty. A later order-first statute is lighter
        than an earlier direct penalty, so it reaches an earlier act decided after it (Art. 37)."""
        order = violation.order_first
        if order is None or not (order.in_force(case.occurred) or order.in_force(case.decision_date)):
            return False
        later = not order.in_force(case.occurred)
        note = f" (Art. 37: in force from {order.valid_from}, after the act, and lighter)" if later else ""
        if case.facts.get(order.fact) is True:
            # penalties the statute imposes whatever the party did (e.g. 没收违法所得) stay, without a fine
            state.update(
                penalize=bool(order.also),
                reason="corrected_after_order",
                measures=["order_to_correct", *order.also],
                procedure="general" if order.also else None,
            )
            _add_basis(basis, order.basis)
            if later:
                _add_basis(basis, "行政处罚法 第三十七条")
            why = f"{order.text or 'order to correct first'}: the party corrected after the order{note}"
            trace.append(
                {
                    "rule": f"order_first/{violation.code}",
                    "why": why,
                    "where": str(violation.where),
                    "basis": order.basis,
                }
            )
            return True
        why = (
            f"{order.text or 'order to correct first'}: a penalty only on refusal; facts.{order.fact} is not true, "
            f"so the case is a refusal to correct{note}"
        )
        trace.append(
            {
                "rule": f"order_first/{violation.code}/refused",
                "why": why,
                "where": str(violation.where),
                "basis": order.basis,
            }
        )
        return False

    def _branch(self, case: CaseInput, violation, event: dict, state: dict, trace: list, basis: list):
        """The statute's own alternatives (``branches`` of the catalogue, first match) decide before the benchmark.

        Returns None (no branch: the benchmark decides), False (an order, no penalty: state says which) or
        ``(None, row, fine)`` in place of the benchmark's answer (a penalty the branch itself bounds)."""
        if not violation.branches:
            return None
        table = self._table(f"branches/{violation.code}", violation.branches)
        bid = self._first(table, violation.branches, event)
        if bid is None:
            return None
        branch = next(b for b in violation.branches if b.id == bid)
        _add_basis(basis, branch.basis)
        trace.append(
            {
                "rule": f"branch/{violation.code}/{bid}",
                "why": branch.text or _describe(branch.when),
                "where": str(branch.where),
                "basis": branch.basis,
            }
        )
        if not branch.penalize:
            state.update(penalize=False, reason=bid, measures=list(branch.other_penalties))
            return False
        fine = branch.fine[case.party_kind] if branch.fine else None
        if branch.fine_rate is not None and violation.fine_rate is not None:
            fine = _share(case, violation, branch.fine_rate)
        row = LevelRow(
            bid,
            "standard",
            branch.when,
            branch.fine,
            branch.fine_rate,
            branch.other_penalties,
            branch.basis,
            branch.where,
        )
        return (None, row, fine if fine is not None else (0, 0))

    def _within_statute(self, case: CaseInput, violation, trace: list, basis: list, statute=None) -> bool | None:
        """Is the proposed fine inside the statutory range for this party? Outside it is unlawful (Art. 76)."""
        if case.proposed_penalty is None:
            return None
        amount = case.proposed_penalty["fine_yuan"]
        if statute is not None:
            low, high = statute
        elif violation.fine is not None:
            low, high = violation.fine[case.party_kind]
        elif violation.fine_rate is not None and case.facts.get(violation.fine_rate[0]) is not None:
            low, high = _share(case, violation, violation.fine_rate[1:])
        else:
            return None
        basis_of = violation.penalty_basis if statute is None else "the statute's branch"
        # a fine of 0 is no fine (a warning or exemption), not a fine below the minimum
        within = amount == 0 or low <= amount <= high
        if not within:
            _add_basis(basis, "行政处罚法 第七十六条")
            trace.append(
                {
                    "rule": "within_statute",
                    "why": f"proposed fine {amount} yuan is outside the statutory range [{low}, {high}] of "
                    f"{basis_of}: a penalty without legal basis (Art. 76)",
                    "where": str(violation.where),
                    "basis": "行政处罚法 第七十六条",
                }
            )
        return within

    def _no_penalty(self, case: CaseInput, violation, state, trace, basis) -> Decision:
        within = None
        if case.proposed_penalty is not None:
            within = case.proposed_penalty["fine_yuan"] == 0 and not case.proposed_penalty["other"]
        return Decision(
            violation=case.violation,
            penalize=bool(state.get("penalize")),  # true only for a penalty without a fine (order_first.also)
            reason=state.get("reason"),
            level=None,
            fine_yuan=None,
            department=violation.department,
            procedure=state.get("procedure") if state.get("penalize") else None,
            hearing_right=False,
            legal_review=False,
            within_benchmark=within,
            basis=basis,
            rules_version=self.rulebook.version,
            benchmark_version=None,
            other_penalties=list(state.get("measures") or []),
            mitigation=[],
            mandatory_mitigation=False,
            trace=trace,
        )

    def _run_stage(
        self, stage: Stage, event: dict, state: dict, trace: list, basis: list, day: dt.date | None = None
    ) -> None:
        for key, value in stage.defaults.items():
            event.setdefault(key, value)
            state.setdefault(key, value)
        dated = day is not None and stage.name in self._dated_stages
        rows = [r for r in stage.rows if r.in_force(day)] if dated else stage.rows
        name = f"stage/{stage.name}"
        if len(rows) != len(stage.rows):  # one compiled table per set of rows in force
            name += "@" + ",".join(r.id for r in rows)
        table = self._table(name, rows)
        fired = [self._first(table, rows, event)] if stage.mode == "first" else self._all(table, rows, event)
        by_id = {r.id: r for r in rows}
        for rid in fired:
            if rid is None:
                continue
            row = by_id[rid]
            for key, value in row.set.items():
                state[key] = value
                if not isinstance(value, (list, dict)):
                    event[key] = value
            _add_basis(basis, row.basis)
            trace.append(
                {
                    "rule": f"{stage.name}/{rid}",
                    "why": row.text or _describe(row.when),
                    "where": str(row.where),
                    "basis": row.basis,
                }
            )

    def _benchmark(self, case: CaseInput, event: dict, trace: list):
        bench = self.rulebook.benchmarks[case.violation]
        at_act = bench.in_force(case.occurred)  # a continuing act occurs when it ends (Art. 37)
        at_decision = bench.in_force(case.decision_date)
        first = self._level(bench.violation, at_act, event, case)
        if at_decision is at_act:
            chosen = first
            why = f"version {at_act.effective_from} in force when the act occurred ({case.occurred}) and at decision"
        else:
            second = self._level(bench.violation, at_decision, event, case)
            if _weight(second) < _weight(first):
                chosen = second
                why = (
                    f"Art. 37 从旧兼从轻: version {at_decision.effective_from} in force at decision "
                    f"({case.decision_date}) "
                    f"is lighter than {at_act.effective_from} in force when the act occurred ({case.occurred}); "
                    "the lighter one applies"
                )
            else:
                chosen = first
                why = (
                    f"Art. 37 从旧兼从轻: version {at_act.effective_from} in force when the act occurred "
                    f"({case.occurred}) applies; "
                    f"version {at_decision.effective_from} at decision is not lighter"
                )
            trace.append({"rule": "art37", "why": why, "where": bench.path, "basis": "行政处罚法 第三十七条"})
        version, row, fine = chosen
        trace.append(
            {
                "rule": f"discretion/{bench.violation}@{version.effective_from}/{row.id}",
                "why": f"{row.level}: {_describe(row.when)}" + ("" if at_decision is not at_act else f" ({why})"),
                "where": str(row.where),
                "basis": row.basis,
            }
        )
        return chosen

    def _level(self, code: str, version: BenchmarkVersion, event: dict, case: CaseInput):
        table = self._table(f"discretion/{code}@{version.effective_from}", version.levels)
        rid = self._first(table, version.levels, event)
        if rid is None:
            raise RuleBookError(
                [
                    Problem(
                        version.where.path,
                        version.where.line,
                        f"no level row matches this case of {code}; add a catch-all row",
                    )
                ]
            )
        row = next(r for r in version.levels if r.id == rid)
        if row.fine is not None:
            fine = row.fine[case.party_kind]
        else:
            fine = _share(case, self.rulebook.violations[code], row.fine_rate)
        return version, row, fine

    # -- classify ----------------------------------------------------------
    def _classify(self, report: ReportInput) -> Triage:
        book = self.rulebook
        event = dict(report.event)
        trace: list[dict] = []
        basis: list[str] = []
        rows = self._ownership_rows()
        rid = self._first(self._table("ownership", rows), rows, event)
        owner = book.category(rid[len("own_") :]) if rid else None
        if owner is None:
            raise InputError("category", f"no ownership row for {report.category!r}")
        _add_basis(basis, owner.basis)
        trace.append(
            {
                "rule": f"ownership/{owner.category}",
                "why": f"lead {owner.lead}, assist {list(owner.assist)}, level {owner.coordination_level}, "
                f"{owner.handle_within_hours:g} h",
                "where": str(owner.where),
                "basis": owner.basis,
            }
        )
        assist = list(owner.assist)
        event.update(lead=owner.lead, assist_count=len(assist), coordination_level=owner.coordination_level)
        state: dict[str, Any] = {}
        self._run_stage(book.severity, event, state, trace, basis)
        level = max(owner.coordination_level, int(state.get("coordination_level") or 0))
        hours = owner.handle_within_hours
        if state.get("handle_within_hours"):
            hours = min(hours, float(state["handle_within_hours"]))
        due = report.received_at + dt.timedelta(hours=hours)
        return Triage(
            category=report.category,
            severity=state.get("severity", "general"),
            lead=owner.lead,
            assist=assist,
            coordination_level=level,
            escalate_to=list(state.get("escalate_to") or []),
            handle_within_hours=hours,
            due_at=due.isoformat(timespec="minutes"),
            basis=basis,
            rules_version=book.version,
            trace=trace,
        )

    def _ownership_rows(self):
        return [durable.Row(f"own_{r.category}", {"category": r.category}) for r in self.rulebook.ownership]

    # -- evaluation --------------------------------------------------------
    def _table(self, name: str, rows) -> durable.Table | None:
        if self.evaluator != "durable":
            return None
        table = self._tables.get(name)
        if table is None:
            with self._lock:
                table = self._tables.get(name)
                if table is None:
                    table = durable.compile_table(name, [durable.Row(r.id, r.when) for r in rows])
                    self._tables[name] = table
        return table

    def _first(self, table, rows, event):
        if table is None:
            return pyeval.first_match(rows, event)
        return durable.first_match(table, _scalars(event))

    def _all(self, table, rows, event):
        if table is None:
            return pyeval.all_matches(rows, event)
        return durable.all_matches(table, _scalars(event))


def _share(case: CaseInput, violation, rate: tuple[float, float]) -> tuple[int, int]:
    """A fine band that is a share of the violation's measure (e.g. 5%–10% of the construction cost), in yuan."""
    measure = violation.fine_rate[0]
    base = case.facts.get(measure)
    if base is None:
        raise InputError(f"facts.{measure}", f"needed: the fine for {violation.code} is a share of it")
    return (round(base * rate[0]), round(base * rate[1]))


def _scalars(event: dict) -> dict:
    return {k: v for k, v in event.items() if not isinstance(v, (list, dict))}


def _weight(chosen) -> tuple:
    _, row, fine = chosen
    low, high = fine
    return (high, low, LEVEL_RANK[row.level])


def _add_basis(basis: list[str], text: str) -> None:
    for part in text.replace(";", "；").split("；"):
        part = part.strip()
        if part and part not in basis:
            basis.append(part)


def _describe(when: dict) -> str:
    if not when:
        return "no further condition (catch-all row)"
    parts = []
    for key, spec in when.items():
        if key in ("any", "all"):
            joined = (" or " if key == "any" else " and ").join(f"({_describe(c)})" for c in spec)
            parts.append(joined)
        elif isinstance(spec, dict):
            parts.extend(f"{key} {op} {value}" for op, value in spec.items())
        else:
            parts.append(f"{key} = {spec}")
    return ", ".join(parts)


# -- the process-wide engine per rules directory ---------------------------------
_engines: dict[tuple[str, str], tuple[str, Engine]] = {}
_engines_lock = threading.Lock()


def get_engine(rules_dir: str | Path | None = None, strict: bool = False, evaluator: str = "durable") -> Engine:
    """The engine of ``rules_dir`` (default ``$WORKBENCH_RULES_DIR`` or ``rules/``).

    Reloads when the files change. A broken change keeps the last good engine
    in force (problems on ``pending_problems``), unless ``strict`` or there is
    none, in which case ``RuleBookError`` is raised.
    """
    root = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    key = (str(root.resolve()), evaluator)
    with _engines_lock:
        current = _engines.get(key)
        digest = content_hash(root) if root.is_dir() else ""
        if current and current[0] == digest:
            return current[1]
        try:
            engine = Engine(load_rulebook(root), evaluator=evaluator)
        except RuleBookError as exc:
            if strict or current is None:
                raise
            log.warning("rules in %s are broken; keeping version %s in force:\n%s", root, current[1].version, exc)
            current[1].pending_problems = exc.problems
            return current[1]
        _engines[key] = (digest, engine)
        return engine
