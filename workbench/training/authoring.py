"""Scenario authoring (编写情景): from the app, or from a stored case file or report.

A stored record becomes a draft with the personal data left out: no party
name or ID number, no officers, no case or report number, no free-text
description; only the facts the engine needs. The trainer writes the
narrative, previews the engine's answer and saves the scenario into a bank
file, which is checked as a whole before it is kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlmodel import select

from workbench.errors import InputError
from workbench.store import models, session_scope
from workbench.training.bank import (
    PENALTY_QUESTIONS,
    REPORT_QUESTIONS,
    Scenario,
    ScenarioBankError,
    default_scenarios_dir,
    scenario_from_dict,
    validate_scenarios,
)
from workbench.training.grading import Expected, expected_answers

AUTHORED_FILE = "authored.yaml"
AUTHORED_HEADER = """\
# 培训情景库 · Scenarios written by trainers in the Training room (培训室).
#
# Each was written in the app or drawn from a stored case file or report with
# the personal data left out (no names, ID numbers, officers, case numbers or
# free text). The answers are never stored here: the engine grades. Keys as in
# violations.yaml; `workbench check` validates this file with the others.
"""


def draft_from_case_file(number: str, url: str | None = None) -> dict:
    """A draft scenario from case file ``number`` (案号), personal data removed."""
    with session_scope(url) as s:
        row = s.exec(select(models.CaseFile).where(models.CaseFile.number == number)).first()
        if row is None:
            raise InputError("case_file", f"no case file {number!r}")
        case: dict[str, Any] = {
            "violation": row.violation,
            "act_date": row.act_date.isoformat(),
        }
        if row.act_end_date:
            case["act_end_date"] = row.act_end_date.isoformat()
        if row.discovered_date:
            case["discovered_date"] = row.discovered_date.isoformat()
        decision = row.decision_date or row.filing_date or row.act_end_date or row.act_date
        case["decision_date"] = decision.isoformat()
        party: dict[str, Any] = {"kind": row.party_kind, "capacity": row.party_capacity or "full"}
        if row.party_age is not None and row.party_kind == "person":
            party["age"] = int(row.party_age)
        case["party"] = party
        case["facts"] = dict(row.facts or {})
        case["circumstances"] = list(row.circumstances or [])
        department = row.department_code
        violation = row.violation
    names = _violation_names(violation)
    who = {"person": ("当事人", "A person"), "organisation": ("某单位", "An organisation")}[party["kind"]]
    return {
        "id": f"case-{violation.replace('_', '-')}-{_short(number)}",
        "title": {"zh": f"{names[0]}案例", "en": f"A {names[1].lower()} case"},
        "narrative": {
            "zh": f"{who[0]}涉嫌{names[0]}。事实: {_facts_text(case['facts'], 'zh', violation)}。(请补充情节叙述)",
            "en": f"{who[1]} is suspected of {names[1].lower()}. "
            f"Facts: {_facts_text(case['facts'], 'en', violation)}. (Add the story.)",
        },
        "case": case,
        "questions": ["penalize", "level", "fine", "procedure", "hearing_right", "basis"],
        "tags": {
            "violation": violation,
            "department": department,
            "difficulty": "medium",
            "articles": [],
            "topics": ["from_case_file"],
        },
    }


def draft_from_report(number: str, url: str | None = None) -> dict:
    """A draft scenario from event report ``number``, personal data (reporter, description) removed."""
    with session_scope(url) as s:
        row = s.exec(select(models.Report).where(models.Report.number == number)).first()
        if row is None:
            raise InputError("report", f"no report {number!r}")
        report = {
            "category": row.category,
            "source": row.source,
            "received_at": row.received_at.isoformat(timespec="minutes"),
            "location": {"key_road": bool(row.key_road), "community": row.community or ""},
            "people_affected": int(row.people_affected or 0),
            "flags": list(row.flags or []),
        }
        category = row.category
        lead = row.lead
    name = _category_names(category)
    return {
        "id": f"report-{category.replace('_', '-')}-{_short(number)}",
        "title": {"zh": f"{name[0]}事件", "en": f"A {name[1].lower()} report"},
        "narrative": {
            "zh": f"{report['location']['community'] or '某社区'}收到{name[0]}事件报告, "
            f"影响{report['people_affected']}人。(请补充情节叙述)",
            "en": f"A report of {name[1].lower()} comes in from {report['location']['community'] or 'a community'}, "
            f"affecting {report['people_affected']} people. (Add the story.)",
        },
        "report": report,
        "questions": list(REPORT_QUESTIONS),
        "tags": {
            "category": category,
            "department": lead or _owner(category),
            "difficulty": "medium",
            "articles": [],
            "topics": ["triage", "from_report"],
        },
    }


def preview(draft: dict, rules_dir: str | Path | None = None) -> tuple[Scenario, Expected]:
    """Check the draft like a bank file and ask the engine; raises ScenarioBankError with the problems."""
    scenario = scenario_from_dict(_fit_questions(draft, rules_dir), rules_dir=rules_dir)
    return scenario, expected_answers(scenario, _engine(rules_dir))


def save(
    draft: dict,
    directory: str | Path | None = None,
    file_name: str = AUTHORED_FILE,
    rules_dir: str | Path | None = None,
) -> Path:
    """Append the scenario to ``directory/file_name``; the whole bank must stay clean, or nothing is kept."""
    scenario, _ = preview(draft, rules_dir)
    folder = Path(directory) if directory is not None else default_scenarios_dir()
    path = folder / file_name
    before = path.read_text(encoding="utf-8") if path.exists() else None
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    if before is None:
        data = {"scenarios": []}
        head = AUTHORED_HEADER
    else:
        data = yaml.load(before)
        head = ""
    data["scenarios"].append(scenario.to_dict())
    import io

    buffer = io.StringIO()
    yaml.dump(data, buffer)
    path.write_text((head + "\n" if head else "") + buffer.getvalue(), encoding="utf-8")
    problems = validate_scenarios(folder, rules_dir=rules_dir)
    if problems:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        raise ScenarioBankError(problems)
    return path


def stored_case_numbers(
    limit: int = 200, violation: str | None = None, url: str | None = None
) -> list[tuple[str, str]]:
    """(number, short label) of recent case files, for the authoring picker (no personal data in the label)."""
    with session_scope(url) as s:
        query = (
            select(models.CaseFile.number, models.CaseFile.violation, models.CaseFile.decision_date)
            .order_by(models.CaseFile.id.desc())
            .limit(limit)
        )
        if violation:
            query = query.where(models.CaseFile.violation == violation)
        return [(n, f"{n} · {v} · {d or ''}") for n, v, d in s.exec(query)]


def stored_report_numbers(limit: int = 200, url: str | None = None) -> list[tuple[str, str]]:
    with session_scope(url) as s:
        query = (
            select(models.Report.number, models.Report.category, models.Report.received_at)
            .order_by(models.Report.id.desc())
            .limit(limit)
        )
        return [(n, f"{n} · {c} · {r:%Y-%m-%d}") for n, c, r in s.exec(query)]


# -- helpers ------------------------------------------------------------------------


def _fit_questions(draft: dict, rules_dir) -> dict:
    """Drop the penalty questions a non-penalized draft cannot answer, so a stored case always previews."""
    if not draft.get("case"):
        return draft
    try:
        decision = _engine(rules_dir).decide(draft["case"])
    except InputError:
        return draft  # the check reports it with its line
    if decision.penalize:
        return draft
    keep = [q for q in draft.get("questions", []) if q not in PENALTY_QUESTIONS or (q == "level" and decision.level)]
    return {**draft, "questions": keep or ["penalize", "basis"]}


def _engine(rules_dir):
    from workbench.engine import get_engine

    return get_engine(rules_dir)


def _short(number: str) -> str:
    return hashlib.sha1(number.encode("utf-8")).hexdigest()[:6]


def _violation_names(code: str) -> tuple[str, str]:
    v = _engine(None).rulebook.violations.get(code)
    return (v.name_zh, v.name_en) if v else (code, code.replace("_", " "))


def _category_names(code: str) -> tuple[str, str]:
    row = _engine(None).rulebook.category(code)
    if row is not None and getattr(row, "name_zh", None):
        return row.name_zh, row.name_en
    return code, code.replace("_", " ")


def _owner(category: str) -> str:
    row = _engine(None).rulebook.category(category)
    return row.lead if row is not None else "urban_management"


def _facts_text(facts: dict, lang: str, violation: str) -> str:
    v = _engine(None).rulebook.violations.get(violation)
    parts = []
    for name, value in facts.items():
        spec = v.facts.get(name) if v else None
        label = (spec.zh if lang == "zh" else spec.en) if spec else name
        parts.append(f"{label} {value}")
    return ("、" if lang == "zh" else ", ").join(parts) or "—"


__all__ = [
    "draft_from_case_file",
    "draft_from_report",
    "preview",
    "save",
    "stored_case_numbers",
    "stored_report_numbers",
]
