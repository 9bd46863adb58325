"""A valid row becomes a record to store: checked against the rulebook and the store, advised by the engine.

The engine's input comes from the one case contract (``workbench.engine.inputs``); a report is classified by the
triage service's own classification (``workbench.triage.classify_report``).
"""

from __future__ import annotations

from typing import Any

from workbench import triage
from workbench.engine.inputs import case_input_from_record
from workbench.errors import InputError
from workbench.importer.columns import CASE_DOCUMENTS, DOCS, Context, mask_id, mask_name

__all__ = ["RowError", "case_record", "report_record"]


class RowError(Exception):
    def __init__(self, column: str, message: str, fix: str):
        super().__init__(message)
        self.column, self.message, self.fix = column, message, fix


def case_record(v: dict, ctx: Context, engine: Any) -> dict:
    book = ctx.book
    code = v["violation"]
    if code not in book.violations:
        raise RowError(
            "violation",
            f"unknown violation code {code!r}",
            f"use a code of rules/catalogue.yaml: {', '.join(sorted(book.violations))}",
        )
    department = v.get("department") or book.violations[code].department
    if department not in ctx.departments:
        raise RowError(
            "department",
            f"unknown department code {department!r}",
            "use a code of rules/departments.yaml (run `workbench init` to load them into the database)",
        )
    officers = v.get("officers") or []
    unknown = [o for o in officers if o not in ctx.officers]
    if unknown:
        raise RowError(
            "officers",
            f"unknown officer number {unknown[0]!r}",
            "use the numbers in the officer table (执法证 holders), separated by ;",
        )
    documents = []
    for doc in v.get("documents") or []:
        if doc not in DOCS:
            raise RowError(
                "documents",
                f"unknown document {doc!r}",
                f"use codes or names: {', '.join(f'{c} ({zh})' for c, (zh, _) in CASE_DOCUMENTS.items())}",
            )
        documents.append(DOCS[doc])
    order = [
        ("act_date", "discovered_date"),
        ("act_date", "act_end_date"),
        ("discovered_date", "filing_date"),
        ("act_date", "decision_date"),
        ("filing_date", "decision_date"),
        ("decision_date", "service_date"),
    ]
    for early, late in order:
        if v.get(early) and v.get(late) and v[late] < v[early]:
            raise RowError(
                late, f"{v[late]} is before {early} {v[early]}", f"{late} cannot come before {early}; check both dates"
            )
    if v.get("fine_yuan") is not None and not v.get("decision_date"):
        raise RowError(
            "decision_date",
            "a fine is recorded but no decision date",
            "fill in the decision date, or leave the fine empty for an open case",
        )
    case = case_input_from_record(v)
    try:
        advice = engine.decide(case).to_dict()
    except InputError as exc:
        columns = {
            "party.kind": "party_kind",
            "party.age": "party_age",
            "party.capacity": "party_capacity",
            "proposed_penalty.fine_yuan": "fine_yuan",
            "proposed_penalty.other": "other_penalties",
        }
        column = columns.get(exc.field, exc.field)
        message = str(exc).split(": ", 1)[-1]
        if column.startswith("facts."):
            column, message = "facts", f"{column[6:]} {message}"
        raise RowError(
            column, message, "correct the value; the rules in rules/catalogue.yaml say what is allowed"
        ) from None
    rng = advice.get("fine_yuan") or {}
    return {
        "number": v["number"],
        "party_kind": v["party_kind"],
        "party_name_masked": mask_name(v["party_name"]),
        "party_id_masked": mask_id(v.get("party_id")),
        "party_age": v.get("party_age"),
        "party_capacity": v.get("party_capacity") or "full",
        "violation": code,
        "department_code": department,
        "community": v.get("community"),
        "act_date": v["act_date"],
        "act_end_date": v.get("act_end_date"),
        "discovered_date": v.get("discovered_date"),
        "filing_date": v.get("filing_date"),
        "decision_date": v.get("decision_date"),
        "service_date": v.get("service_date"),
        "served_on_spot": bool(v.get("served_on_spot")),
        "officers": officers,
        "lead_officer": officers[0] if officers else None,
        "facts": v.get("facts") or {},
        "circumstances": sorted(v.get("circumstances") or []),
        "penalize": bool(v.get("fine_yuan")) or bool(v.get("other_penalties")) or not v.get("decision_date"),
        "fine_yuan": v.get("fine_yuan"),
        "other_penalties": v.get("other_penalties") or [],
        "level_applied": v.get("level_applied"),
        "procedure": v.get("procedure"),
        "documents": documents,
        "rules_version": advice["rules_version"],
        "recommended_level": advice.get("level"),
        "recommended_min": rng.get("min"),
        "recommended_max": rng.get("max"),
        "hearing_right": advice.get("hearing_right"),
        "legal_review": advice.get("legal_review"),
        "status": "decided" if v.get("decision_date") else "open",
    }


def report_record(v: dict, ctx: Context, engine: Any) -> dict:
    try:
        classified = triage.classify_report(v, engine)
    except InputError as exc:
        column = {
            "location.key_road": "key_road",
            "location.community": "community",
            "location.address": "location_text",
        }.get(exc.field, exc.field)
        raise RowError(
            column, str(exc).split(": ", 1)[-1], "correct the value; rules/ownership.yaml lists the categories"
        ) from None
    return {
        "number": v["number"],
        "source": v["source"],
        "category": v["category"],
        "received_at": v["received_at"],
        "community": v.get("community"),
        "key_road": bool(v.get("key_road")),
        "location_text": v.get("location_text"),
        "people_affected": v.get("people_affected") or 0,
        "flags": sorted(v.get("flags") or []),
        "description": v.get("description"),
        "reporter_masked": mask_name(v["reporter"]) if v.get("reporter") else None,
        **triage.classification_fields(classified),
        "status": v.get("status") or "received",
        "assigned_to": classified["lead"],
        "classification_by_engine": classified,  # the engine's own answer, as triage.intake keeps it
    }
