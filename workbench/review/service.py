"""The Review desk's service over the store: draw samples, open files masked, save scores, report.

Everything the app does goes through these functions (the UI never touches
the store). Each write is one transaction with its audit-log entry. Several
reviewers work on one sample at once: each reviewer's score of a file is its
own row (sample, case, reviewer), and a save carries the version the reviewer
opened, so a second tab or a colleague never silently overwrites it
(``StaleRecordError``).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select

from workbench.engine.inputs import case_file_document  # the one mapping of a stored case file (the case contract)
from workbench.errors import InputError, WorkbenchError
from workbench.review.checklist import Checklist, load_checklist
from workbench.review.precheck import precheck
from workbench.review.reports import ReviewReport, build_report
from workbench.review.sampling import Population, draw
from workbench.review.scoring import Deduction, proposed_deductions, score
from workbench.rulebook.vocabulary import vocabulary
from workbench.store import StaleRecordError, models
from workbench.store import session_scope as _store_session

STORE_METHOD = {"simple": "random", "stratified": "stratified", "risk": "risk_weighted"}
METHOD_OF_STORE = {v: k for k, v in STORE_METHOD.items()}


# -- case files -------------------------------------------------------------------------


@contextmanager
def session_scope(url: str | None = None):
    """The store's transaction, with a missing schema reported as something a person can fix."""
    try:
        with _store_session(url) as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        if "no such table" in str(exc) or "does not exist" in str(exc):
            from workbench.store import resolve_url

            raise WorkbenchError(
                f"the database {resolve_url(url)} has no review tables yet: run `workbench init` "
                "(or `workbench init --demo`) first"
            ) from None
        raise


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def precheck_row(row: models.CaseFile, engine: Any = None, checklist: Checklist | None = None) -> list[dict[str, Any]]:
    return [f.to_dict() for f in precheck(case_file_document(row), engine=engine, checklist=checklist)]


def population_rows(
    session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    departments: list[str] | None = None,
    procedure: str | None = None,
) -> list[models.CaseFile]:
    """Decided case files (penalty or no penalty) whose decision date lies in the period: the sampling frame."""
    query = select(models.CaseFile).where(models.CaseFile.decision_date.is_not(None))
    if date_from:
        query = query.where(models.CaseFile.decision_date >= date_from)
    if date_to:
        query = query.where(models.CaseFile.decision_date <= date_to)
    if departments:
        query = query.where(models.CaseFile.department_code.in_(departments))
    if procedure:
        query = query.where(models.CaseFile.procedure == procedure)
    return list(session.exec(query.order_by(models.CaseFile.number)))


# -- samples ---------------------------------------------------------------------------


def draw_sample(
    *,
    name: str,
    method: str,
    seed: int,
    created_by: str,
    size: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    departments: list[str] | None = None,
    procedure: str | None = None,
    confidence: float | None = None,
    margin: float | None = None,
    min_per_stratum: int | None = None,
    risk_weight: float | None = None,
    url: str | None = None,
    engine: Any = None,
    checklist: Checklist | None = None,
) -> dict[str, Any]:
    """Draw and store a sample; every parameter and the seed go into ``params`` so it can be redrawn."""
    if not created_by or not str(created_by).strip():
        raise InputError("created_by", "say who draws the sample")
    checklist = checklist or load_checklist()
    p = checklist.param
    confidence = p("sample_confidence") if confidence is None else confidence
    margin = p("sample_margin") if margin is None else margin
    min_per_stratum = int(p("sample_min_per_department")) if min_per_stratum is None else min_per_stratum
    risk_weight = p("risk_weight_with_findings") if risk_weight is None else risk_weight
    filters = {
        "date_from": _iso(date_from),
        "date_to": _iso(date_to),
        "departments": departments or [],
        "procedure": procedure,
    }
    with session_scope(url) as session:
        rows = population_rows(session, date_from, date_to, departments, procedure)
        findings_by_case: dict[str, list[dict[str, Any]]] = {}
        if method == "risk":
            for row in rows:
                findings_by_case[row.number] = precheck_row(row, engine, checklist)
        population = Population.from_rows(
            {"case_id": r.number, "department": r.department_code, "findings": len(findings_by_case.get(r.number, []))}
            for r in rows
        )
        sample = draw(
            population,
            method,
            seed,
            size,
            confidence=confidence,
            margin=margin,
            expected_rate=p("sample_expected_defect_rate"),
            min_per_stratum=min_per_stratum,
            risk_weight=risk_weight,
            filters=filters,
        )
        by_number = {r.number: r for r in rows}
        params = {
            **sample.params,
            "allocation": sample.allocation,
            "weights": sample.weights,
            "expected_rate": p("sample_expected_defect_rate"),
            "checklist_version": checklist.version,
        }
        record = models.ReviewSample(
            name=name.strip() or f"sample {seed}",
            method=STORE_METHOD[method],
            seed=int(seed),
            size=len(sample.case_ids),
            params=params,
            created_by=created_by,
            created_at=dt.datetime.now().replace(microsecond=0),
            rules_version=_rules_version(engine),
        )
        session.add(record)
        session.flush()
        for position, number in enumerate(sample.case_ids):
            row = by_number[number]
            found = findings_by_case.get(number)
            if found is None:
                found = precheck_row(row, engine, checklist)
            session.add(
                models.ReviewSampleItem(
                    sample_id=record.id, case_id=row.id, position=position, stratum=row.department_code, findings=found
                )
            )
        session.add(
            models.AuditLog(
                at=dt.datetime.now().replace(microsecond=0),
                who=created_by,
                action="draw_sample",
                entity="review_sample",
                entity_id=str(record.id),
                before=None,
                after={"method": method, "seed": int(seed), "size": len(sample.case_ids), "params": params},
            )
        )
        return {"id": record.id, **sample.to_dict(), "name": record.name, "params": params}


def _rules_version(engine: Any) -> str | None:
    if engine is None:
        from workbench.engine import get_engine

        engine = get_engine()
    return engine.rulebook.version


def redraw(sample_id: int, url: str | None = None) -> dict[str, Any]:
    """Redraw a stored sample from its seed and parameters; say whether the same files come out (audit)."""
    with session_scope(url) as session:
        record = session.get(models.ReviewSample, sample_id)
        if record is None:
            raise InputError("sample_id", f"no sample {sample_id}")
        params = record.params
        stored = list(
            session.exec(
                select(models.CaseFile.number)
                .join(models.ReviewSampleItem, models.ReviewSampleItem.case_id == models.CaseFile.id)
                .where(models.ReviewSampleItem.sample_id == sample_id)
                .order_by(models.ReviewSampleItem.position)
            ).all()
        )
        filters = params.get("filters") or {}
        rows = population_rows(
            session,
            _date(filters.get("date_from")),
            _date(filters.get("date_to")),
            filters.get("departments") or None,
            filters.get("procedure"),
        )
        method = METHOD_OF_STORE[record.method]
        findings = {}
        if method == "risk":
            findings = {r.number: len(precheck_row(r)) for r in rows}
        population = Population.from_rows(
            {"case_id": r.number, "department": r.department_code, "findings": findings.get(r.number, 0)} for r in rows
        )
        size = None if params.get("size_from") == "confidence" else params["size"]
        again = draw(
            population,
            method,
            record.seed,
            size,
            confidence=params.get("confidence", 0.95),
            margin=params.get("margin", 0.05),
            expected_rate=params.get("expected_rate", 0.5),
            min_per_stratum=params.get("min_per_stratum", 2),
            risk_weight=params.get("risk_weight", 3.0),
            filters=filters,
        )
        return {"sample_id": sample_id, "same": again.case_ids == stored, "stored": stored, "redrawn": again.case_ids}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def department_names(url: str | None = None) -> dict[str, tuple[str, str]]:
    """Department code -> (Chinese name, English name), for display."""
    with session_scope(url) as session:
        return {d.code: (d.name_zh, d.name_en) for d in session.exec(select(models.Department)).all()}


def list_samples(url: str | None = None) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        rows = session.exec(select(models.ReviewSample).order_by(models.ReviewSample.id.desc())).all()
        return [
            {
                "id": r.id,
                "name": r.name,
                "method": METHOD_OF_STORE.get(r.method, r.method),
                "seed": r.seed,
                "size": r.size,
                "created_by": r.created_by,
                "created_at": r.created_at.isoformat(sep=" "),
                "status": r.status,
            }
            for r in rows
        ]


def sample_allocation(sample_id: int, url: str | None = None) -> dict[str, Any]:
    """A stored sample as its draw showed it: method, seed, size, parameters, allocation and weights.

    The allocation is the one stored with the sample's parameters; a sample
    stored without one gets it counted from its items (files drawn per
    department; population and quota unknown).
    """
    with session_scope(url) as session:
        record = session.get(models.ReviewSample, sample_id)
        if record is None:
            raise InputError("sample_id", f"no sample {sample_id}")
        params = dict(record.params or {})
        allocation = params.get("allocation")
        if not allocation:
            strata = session.exec(
                select(models.ReviewSampleItem.stratum).where(models.ReviewSampleItem.sample_id == sample_id)
            ).all()
            counts: dict[str, int] = {}
            for stratum in strata:
                counts[str(stratum or "")] = counts.get(str(stratum or ""), 0) + 1
            allocation = [
                {"stratum": s, "population": None, "quota": None, "drawn": n} for s, n in sorted(counts.items())
            ]
            params["allocation"] = allocation
        params.setdefault("weights", [])
        return {
            "id": record.id,
            "name": record.name,
            "method": METHOD_OF_STORE.get(record.method, record.method),
            "seed": record.seed,
            "size": record.size,
            "params": params,
            "allocation": allocation,
            "weights": params["weights"],
        }


def sample_files(sample_id: int, url: str | None = None) -> list[dict[str, Any]]:
    """The files of a sample with their pre-check findings and who has scored them."""
    with session_scope(url) as session:
        items = session.exec(
            select(models.ReviewSampleItem, models.CaseFile)
            .join(models.CaseFile, models.ReviewSampleItem.case_id == models.CaseFile.id)
            .where(models.ReviewSampleItem.sample_id == sample_id)
            .order_by(models.ReviewSampleItem.position)
        ).all()
        scores = session.exec(select(models.ReviewScore).where(models.ReviewScore.sample_id == sample_id)).all()
        by_case: dict[int, list[models.ReviewScore]] = {}
        for s in scores:
            by_case.setdefault(s.case_id, []).append(s)
        out = []
        for item, case in items:
            mine = sorted(by_case.get(case.id, []), key=lambda s: s.scored_at or dt.datetime.min)
            last = mine[-1] if mine else None
            out.append(
                {
                    "position": item.position + 1,
                    "case_id": case.number,
                    "department": case.department_code,
                    "violation": case.violation,
                    "decision_date": _iso(case.decision_date),
                    "findings": len(item.findings or []),
                    "reviewers": ", ".join(sorted({s.reviewer for s in mine})),
                    "total": last.total if last else None,
                    "grade": last.grade if last else None,
                }
            )
        return out


def open_file(sample_id: int, case_number: str, reviewer: str, url: str | None = None) -> dict[str, Any]:
    """What a reviewer sees: the file (names and IDs masked), pre-check findings as proposed deductions,
    their score so far."""
    with session_scope(url) as session:
        case, item = _case_in_sample(session, sample_id, case_number)
        officers = session.exec(
            select(models.Officer).where(models.Officer.number.in_(list(case.officers or [])))
        ).all()
        names = {o.number: o.name_masked for o in officers}
        existing = session.exec(
            select(models.ReviewScore).where(
                models.ReviewScore.sample_id == sample_id,
                models.ReviewScore.case_id == case.id,
                models.ReviewScore.reviewer == reviewer,
            )
        ).first()
        findings = list(item.findings or [])
        proposed = [d.to_dict() for d in proposed_deductions(findings)]
        return {
            "sample_id": sample_id,
            "case_id": case.number,
            "department": case.department_code,
            "violation": case.violation,
            "party": {
                "kind": case.party_kind,
                "name": mask_name(case.party_name_masked),
                "id": mask_id(case.party_id_masked),
                "age": case.party_age,
            },
            "dates": {
                k: _iso(getattr(case, k))
                for k in ("act_date", "act_end_date", "discovered_date", "filing_date", "decision_date", "service_date")
            },
            "officers": [{"number": n, "name": mask_name(names.get(n, "?"))} for n in (case.officers or [])],
            "facts": dict(case.facts or {}),
            "names": _names(case),
            "circumstances": list(case.circumstances or []),
            "procedure": case.procedure,
            "penalty": {"fine_yuan": case.fine_yuan, "other": list(case.other_penalties or [])},
            "documents": list(case.documents or []),
            "findings": findings,
            "proposed": proposed,
            "score": None
            if existing is None
            else {
                "deductions": existing.items.get("deductions", []),
                "total": existing.total,
                "grade": existing.grade,
                "comment": existing.comment,
                "status": existing.status,
                "version": existing.version,
            },
            "version": None if existing is None else existing.version,
        }


def _names(case: models.CaseFile) -> dict[str, Any]:
    """Display names (zh, en) of the violation, its facts and the documents, from the rulebook and the store."""
    from workbench.engine import get_engine

    violation = get_engine().rulebook.violations.get(case.violation)
    facts = {}
    if violation is not None:
        for key in case.facts or {}:
            spec = violation.facts.get(key)
            if spec is not None:
                facts[key] = (spec.zh, spec.en)
    names = vocabulary().names("case_documents")
    return {
        "violation": (violation.name_zh, violation.name_en) if violation else (case.violation, case.violation),
        "facts": facts,
        "documents": {code: names[code] for code in case.documents or [] if code in names},
    }


def mask_name(name: str | None) -> str:
    """Keep the first character only (张*明 → 张**); the store already masks, this never un-masks."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_id(value: str | None) -> str:
    """ID numbers: the first 3 and last 2 characters at most."""
    if not value:
        return ""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def _case_in_sample(session, sample_id: int, case_number: str):
    found = session.exec(
        select(models.CaseFile, models.ReviewSampleItem)
        .join(models.ReviewSampleItem, models.ReviewSampleItem.case_id == models.CaseFile.id)
        .where(models.ReviewSampleItem.sample_id == sample_id, models.CaseFile.number == case_number)
    ).first()
    if found is None:
        raise InputError("case_id", f"case {case_number} is not in sample {sample_id}")
    return found


def save_score(
    sample_id: int,
    case_number: str,
    reviewer: str,
    deductions: list[dict[str, Any] | Deduction],
    expected_version: int | None,
    comment: str = "",
    final: bool = False,
    url: str | None = None,
    checklist: Checklist | None = None,
) -> dict[str, Any]:
    """Score a file for ``reviewer``; ``expected_version`` is the version opened (None: no score yet)."""
    if not reviewer or not str(reviewer).strip():
        raise InputError("reviewer", "say who is reviewing")
    checklist = checklist or load_checklist()
    now = dt.datetime.now().replace(microsecond=0)
    try:
        with session_scope(url) as session:
            case, item = _case_in_sample(session, sample_id, case_number)
            proposals = proposed_deductions(item.findings or [])
            result = score(checklist, deductions, proposals)
            row = session.exec(
                select(models.ReviewScore).where(
                    models.ReviewScore.sample_id == sample_id,
                    models.ReviewScore.case_id == case.id,
                    models.ReviewScore.reviewer == reviewer,
                )
            ).first()
            if row is None and expected_version is not None:
                raise StaleRecordError("review_score", f"{case_number}/{reviewer}", expected_version, None)
            if row is not None and row.version != expected_version:
                raise StaleRecordError("review_score", f"{case_number}/{reviewer}", expected_version, row.version)
            before = (
                None
                if row is None
                else {"total": row.total, "grade": row.grade, "items": row.items, "version": row.version}
            )
            if row is None:
                row = models.ReviewScore(sample_id=sample_id, case_id=case.id, reviewer=reviewer)
            row.items = {"deductions": result.deductions, "sections": result.sections}
            row.findings = [
                {"code": d["finding"], "status": d["status"], "comment": d["comment"]}
                for d in result.deductions
                if d.get("source") == "precheck"
            ]
            row.total = result.total
            row.grade = result.grade
            row.veto = bool(result.veto)
            row.comment = comment or None
            row.status = "final" if final else "draft"
            row.scored_at = now
            row.rules_version = checklist.version
            if before is not None:
                # always UPDATE (with its version check), even when the new score equals the old one
                flag_modified(row, "items")
            session.add(row)
            session.flush()
            session.add(
                models.AuditLog(
                    at=now,
                    who=reviewer,
                    action="score_case",
                    entity="review_score",
                    entity_id=f"{sample_id}/{case_number}/{reviewer}",
                    before=before,
                    after={
                        "total": result.total,
                        "grade": result.grade,
                        "veto": result.veto,
                        "deductions": [d["item"] for d in result.deductions if d["status"] == "confirmed"],
                    },
                )
            )
            version = row.version
    except IntegrityError:
        raise StaleRecordError("review_score", f"{case_number}/{reviewer}", expected_version, None) from None
    return {**result.to_dict(), "version": version, "reviewer": reviewer}


# -- reports -------------------------------------------------------------------------------


def sample_report(sample_id: int, url: str | None = None, confidence: float = 0.95) -> ReviewReport:
    """The report of a sample: the latest score of each scored file (final ones first)."""
    with session_scope(url) as session:
        record = session.get(models.ReviewSample, sample_id)
        if record is None:
            raise InputError("sample_id", f"no sample {sample_id}")
        items = session.exec(
            select(models.ReviewSampleItem, models.CaseFile)
            .join(models.CaseFile, models.ReviewSampleItem.case_id == models.CaseFile.id)
            .where(models.ReviewSampleItem.sample_id == sample_id)
            .order_by(models.ReviewSampleItem.position)
        ).all()
        scores = session.exec(select(models.ReviewScore).where(models.ReviewScore.sample_id == sample_id)).all()
        best: dict[int, models.ReviewScore] = {}
        for s in scores:
            key = (s.status == "final", s.scored_at or dt.datetime.min)
            if s.case_id not in best or key > (
                best[s.case_id].status == "final",
                best[s.case_id].scored_at or dt.datetime.min,
            ):
                best[s.case_id] = s
        params = record.params or {}
        risk = float(params.get("risk_weight", 1.0))
        scored = []
        for item, case in items:
            s = best.get(case.id)
            if s is None:
                continue
            deductions = (s.items or {}).get("deductions", [])
            scored.append(
                {
                    "case_id": case.number,
                    "department": case.department_code,
                    "officers": list(case.officers or []),
                    "reviewer": s.reviewer,
                    "total": s.total,
                    "grade": s.grade,
                    "checklist_version": s.rules_version,
                    "defective": bool(s.veto) or any(d.get("deducted", 0) > 0 for d in deductions),
                    "deductions": deductions,
                    "weight": risk if (item.findings and risk > 1) else 1.0,
                }
            )
        populations = {row["stratum"]: row["population"] for row in params.get("allocation") or []}
        sample = {
            "id": record.id,
            "method": METHOD_OF_STORE.get(record.method, record.method),
            "seed": record.seed,
            "size": record.size,
            "case_ids": [case.number for _, case in items],
        }
        return build_report(sample, scored, populations, confidence)
