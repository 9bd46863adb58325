"""Automatic pre-checks (自动预检) of a case file against the Administrative Penalty Law.

``precheck(case_file)`` returns the findings, each proposing the deduction or
veto item of ``rules/review.yaml`` that names it, with its legal basis. Two
kinds of check:

- pure date/procedure checks (Arts. 42, 51, 60, 61/85), thresholds read from
  the checklist's parameters;
- checks that need the discretion benchmark and the general provisions
  (Arts. 36, 37, 30/32, 58, 63): they call the one engine, ``decide()``, on the
  case as the file records it (the penalty decided is the proposed penalty),
  so the answer is the engine's, with its rules version.

The case file (JSON): the engine's case fields (violation, act_date,
act_end_date, discovered_date, decision_date, party, facts, circumstances)
plus ``case_id``, ``department``, ``filing_date`` (立案), ``service_date``
(送达), ``served_on_spot`` (bool), ``procedure`` (summary|general, as used),
``officers`` (list of ids or a count), ``documents`` (codes or Chinese names,
see DOCUMENTS) and ``penalty`` (or ``proposed_penalty``): {fine_yuan, other}.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from workbench.engine.inputs import case_input_from_record, parse_date
from workbench.errors import InputError
from workbench.review import workdays
from workbench.review.checklist import load_checklist
from workbench.rulebook.vocabulary import vocabulary

# code -> (basis, needs the engine): the `findings` of rules/vocabulary.yaml
FINDINGS: dict[str, tuple[str, bool]] = {
    t.code: (t.extra["basis"], bool(t.extra["engine"])) for t in vocabulary().terms("findings")
}

# Documents a file may hold: code -> Chinese name (either is accepted on input), from rules/vocabulary.yaml.
DOCUMENTS = {code: zh for code, (zh, _en) in vocabulary().names("case_documents").items()}
_DOC_BY_NAME = {name: code for code, name in DOCUMENTS.items()}


@dataclass
class Finding:
    """One pre-check finding: what is wrong, why (basis), and the deduction it proposes."""

    code: str
    basis: str
    message_zh: str
    message_en: str
    deduction: dict[str, Any]  # {item, section, points, veto, zh, en}
    rule: str  # the check that found it
    details: dict[str, Any] = field(default_factory=dict)
    rules_version: str | None = None  # the engine's rulebook version, for engine checks

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "deduction": self.deduction,
            "basis": self.basis,
            "message": {"zh": self.message_zh, "en": self.message_en},
            "rule": self.rule,
            "details": self.details,
            "rules_version": self.rules_version,
        }


@dataclass(frozen=True)
class CaseFile:
    """The fields of a case file the pre-checks read, validated."""

    case_id: str | None
    department: str | None
    party_kind: str
    procedure: str | None
    filing_date: dt.date | None
    decision_date: dt.date | None
    service_date: dt.date | None
    served_on_spot: bool
    officers: int
    documents: frozenset[str]
    fine_yuan: float | None
    other_penalties: tuple[str, ...]
    raw: dict[str, Any]

    @property
    def penalised(self) -> bool:
        return bool(self.fine_yuan) or bool(self.other_penalties)


def precheck(case_file: dict[str, Any], engine: Any = None, checklist: Any = None) -> list[Finding]:
    """All findings for one case file: pure checks first, then the engine's."""
    checklist = checklist or load_checklist()
    case = parse_case_file(case_file)
    findings = pure_findings(case, checklist)
    if engine is None:
        from workbench.engine import get_engine

        engine = get_engine()
    findings += engine_findings(case, engine.decide(case_input_from_record(case.raw)), checklist, engine)
    version = getattr(getattr(engine, "rulebook", None), "version", None)
    for finding in findings:
        # the rulebook's content hash covers rules/review.yaml too: it versions the pure checks' thresholds
        finding.rules_version = finding.rules_version or version
    return findings


def parse_case_file(data: dict[str, Any]) -> CaseFile:
    if not isinstance(data, dict):
        raise InputError("case_file", "must be a JSON object")
    party = data.get("party") or {}
    if not isinstance(party, dict):
        raise InputError("party", "must be an object {kind, age, capacity}")
    kind = party.get("kind", "person")
    if kind not in ("person", "organisation"):
        raise InputError("party.kind", f"must be person or organisation, not {kind!r}")
    procedure = data.get("procedure")
    if procedure not in (None, "summary", "general"):
        raise InputError("procedure", f"must be summary or general, not {procedure!r}")
    officers = data.get("officers", [])
    if isinstance(officers, bool) or not isinstance(officers, (int, list)):
        raise InputError("officers", "must be a list of officer ids or a number")
    count = officers if isinstance(officers, int) else len({str(o) for o in officers})
    documents = data.get("documents", [])
    if not isinstance(documents, list):
        raise InputError("documents", "must be a list of document codes or names")
    docs = set()
    for doc in documents:
        code = doc if doc in DOCUMENTS else _DOC_BY_NAME.get(str(doc))
        docs.add(code or str(doc))
    penalty = data.get("penalty", data.get("proposed_penalty")) or {}
    if not isinstance(penalty, dict):
        raise InputError("penalty", "must be an object {fine_yuan, other}")
    fine = penalty.get("fine_yuan")
    if fine is not None and (isinstance(fine, bool) or not isinstance(fine, (int, float)) or fine < 0):
        raise InputError("penalty.fine_yuan", f"must be a non-negative number, not {fine!r}")
    other = penalty.get("other") or []
    if not isinstance(other, list):
        raise InputError("penalty.other", "must be a list")
    filing = _date(data, "filing_date")
    decision = _date(data, "decision_date")
    service = _date(data, "service_date")
    if filing and decision and decision < filing:
        raise InputError("decision_date", f"{decision} is before filing_date {filing}")
    if decision and service and service < decision:
        raise InputError("service_date", f"{service} is before decision_date {decision}")
    return CaseFile(
        case_id=None if data.get("case_id") is None else str(data["case_id"]),
        department=data.get("department"),
        party_kind=kind,
        procedure=procedure,
        filing_date=filing,
        decision_date=decision,
        service_date=service,
        served_on_spot=bool(data.get("served_on_spot", False)),
        officers=int(count),
        documents=frozenset(docs),
        fine_yuan=None if fine is None else float(fine),
        other_penalties=tuple(str(o) for o in other),
        raw=data,
    )


def _date(data: dict[str, Any], key: str) -> dt.date | None:
    return parse_date(data.get(key), key)


# -- pure checks ------------------------------------------------------------------


def pure_findings(case: CaseFile, checklist: Any) -> list[Finding]:
    found: list[Finding] = []
    p = checklist.param
    minimum = int(p("min_officers"))
    if case.officers < minimum:
        found.append(
            _finding(
                checklist,
                "officers_fewer_than_two",
                f"执法人员{case.officers}人, 少于{minimum}人",
                f"{case.officers} officer(s) on the file; the law requires at least {minimum}",
                {"officers": case.officers},
            )
        )
    limit = int(p("decision_limit_days"))
    if case.filing_date and case.decision_date:
        days = (case.decision_date - case.filing_date).days
        if days > limit:
            found.append(
                _finding(
                    checklist,
                    "decision_over_90_days",
                    f"立案 {case.filing_date} 至决定 {case.decision_date} 共{days}日, 超过{limit}日 "
                    f"(期限至 {case.filing_date + dt.timedelta(days=limit)})",
                    f"decided {days} days after filing ({case.filing_date} → {case.decision_date}); "
                    f"limit {limit} days, deadline {case.filing_date + dt.timedelta(days=limit)}",
                    {"days": days, "limit_days": limit},
                )
            )
    if case.procedure == "summary" and case.penalised:
        cap = p("summary_max_fine_person") if case.party_kind == "person" else p("summary_max_fine_organisation")
        beyond = [o for o in case.other_penalties if o != "warning"]
        if (case.fine_yuan or 0) > cap or beyond:
            what_zh = (
                f"罚款{case.fine_yuan:g}元超过{cap:g}元"
                if (case.fine_yuan or 0) > cap
                else f"处罚种类 {', '.join(beyond)} 不属警告或小额罚款"
            )
            what_en = (
                f"fine {case.fine_yuan:g} yuan above {cap:g}"
                if (case.fine_yuan or 0) > cap
                else f"penalties {', '.join(beyond)} are not a warning or small fine"
            )
            found.append(
                _finding(
                    checklist,
                    "summary_above_threshold",
                    f"适用简易程序, 但{what_zh}",
                    f"summary procedure used, but {what_en}",
                    {"fine_yuan": case.fine_yuan, "threshold_yuan": cap, "other": beyond},
                )
            )
    working = int(p("service_limit_working_days"))
    if case.decision_date and case.service_date and not case.served_on_spot:
        elapsed = workdays.working_days_between(case.decision_date, case.service_date)
        if elapsed > working:
            deadline = workdays.add_working_days(case.decision_date, working)
            found.append(
                _finding(
                    checklist,
                    "service_late",
                    f"决定 {case.decision_date} 后第{elapsed}个工作日 ({case.service_date}) 才送达, 应在 {deadline} 前",
                    f"served {case.service_date}, {elapsed} working days after the decision of {case.decision_date}; "
                    f"due by {deadline}",
                    {"working_days": elapsed, "limit_working_days": working, "due": deadline.isoformat()},
                )
            )
    return found


# -- engine checks -----------------------------------------------------------------


def engine_findings(case: CaseFile, decision: Any, checklist: Any, engine: Any = None) -> list[Finding]:
    d = decision.to_dict() if hasattr(decision, "to_dict") else dict(decision)
    version = d.get("rules_version")
    found: list[Finding] = []

    def add(code, zh, en, details):
        f = _finding(checklist, code, zh, en, details)
        f.rules_version = version
        found.append(f)

    if not d.get("penalize"):
        reason = d.get("reason")
        if reason == "time_barred" and case.penalised:
            add(
                "time_barred",
                "违法行为已超过追责时效, 仍作出处罚",
                "a penalty was imposed although the act was time-barred",
                {"reason": reason, "engine_basis": d.get("basis")},
            )
        elif case.penalised and reason in _mandatory_bars(engine):
            add(
                "penalty_barred",
                f"依法应当不予处罚 ({reason}), 仍作出处罚",
                f"a penalty was imposed although the law says no penalty ({reason})",
                {"reason": reason, "engine_basis": d.get("basis")},
            )
        return found
    if d.get("hearing_right") and "hearing_notice" not in case.documents:
        add(
            "hearing_notice_missing",
            "依法享有听证权利, 卷内无听证告知书",
            "the party had a hearing right but the file holds no hearing notice (听证告知书)",
            {"hearing_right": True},
        )
    if d.get("legal_review") and "legal_review_opinion" not in case.documents:
        add(
            "legal_review_missing",
            "应当法制审核, 卷内无法制审核意见",
            "legal review was required but the file holds no legal review opinion (法制审核意见)",
            {"legal_review": True},
        )
    if d.get("within_benchmark") is False and case.fine_yuan is not None:
        rng = d.get("fine_yuan") or {}
        low, high = rng.get("min"), rng.get("max")
        details = {"fine_yuan": case.fine_yuan, "benchmark": {"min": low, "max": high}, "level": d.get("level")}
        if _mandatory_mitigation(d, engine) and high is not None and case.fine_yuan > high:
            add(
                "mitigation_not_applied",
                f"存在法定应当从轻/减轻情节 (基准 {low}–{high}元), 实际罚款{case.fine_yuan:g}元",
                f"a mandatory mitigating circumstance was proven (benchmark {low}–{high} yuan) "
                f"but the fine was {case.fine_yuan:g} yuan",
                details,
            )
        else:
            add(
                "fine_outside_benchmark",
                f"罚款{case.fine_yuan:g}元不在裁量基准 {low}–{high}元 ({d.get('level')}) 之内",
                f"fine {case.fine_yuan:g} yuan outside the benchmark {low}–{high} yuan ({d.get('level')})",
                details,
            )
    return found


def _mandatory_bars(engine: Any) -> set[str]:
    """Reasons for which the law says no penalty (the ``bars`` stage of provisions.yaml), time bar apart.

    A benchmark's discretionary exemption (首违可以不罚, Art. 33 ¶1 second sentence) is not among them.
    """
    book = getattr(engine, "rulebook", None)
    stage = book.stage("bars") if book is not None and hasattr(book, "stage") else None
    if stage is None:
        return {"under_14", "no_capacity", "minor_corrected_no_harm", "no_fault"}
    return {row.set.get("reason") for row in stage.rows if row.set.get("penalize") is False} - {"time_barred", None}


def _mandatory_mitigation(d: dict[str, Any], engine: Any = None) -> bool:
    """Whether the engine found a mandatory lighter/mitigated circumstance (Arts. 30, 32).

    The engine lists the mitigation rows that fired in ``mitigation``; the rows
    that set ``mandatory_mitigation`` (not the discretionary Art. 31 row) are
    read from the rulebook itself.
    """
    if d.get("mandatory_mitigation") is not None:
        return bool(d["mandatory_mitigation"])
    fired = set(d.get("mitigation") or [])
    if not fired:
        return False
    book = getattr(engine, "rulebook", None)
    stage = book.stage("mitigation") if book is not None and hasattr(book, "stage") else None
    if stage is None:
        return True
    mandatory = {row.id for row in stage.rows if row.set.get("mandatory_mitigation") is True}
    return bool(fired & mandatory)


def _finding(checklist: Any, code: str, zh: str, en: str, details: dict[str, Any]) -> Finding:
    basis, _ = FINDINGS[code]
    entry = checklist.by_precheck(code)
    if entry is None:  # validate_review_rules refuses a checklist like this; be explicit anyway
        raise InputError("review.yaml", f"no item proposes pre-check {code}")
    is_veto = not hasattr(entry, "points")
    deduction = {
        "item": entry.code,
        "section": None if is_veto else entry.section,
        "points": None if is_veto else entry.points,
        "veto": is_veto,
        "zh": entry.zh,
        "en": entry.en,
        "basis": entry.basis,
    }
    return Finding(
        code=code,
        basis=basis,
        message_zh=zh,
        message_en=en,
        deduction=deduction,
        rule=f"review.precheck/{code}",
        details=details,
    )
