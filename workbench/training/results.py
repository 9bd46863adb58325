"""Results (培训成绩): per trainee and cohort, what is missed, progress, competence.

Everything is computed from the stored attempts (``TrainingAttempt``), each
graded by the engine when it was submitted, so results do not move when a
rule changes later. The competence matrix crosses officers with the
catalogue's domains (violation codes) and shows, for the A/B post system
(AB岗), which domains an officer's partner can cover in their absence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from sqlmodel import select

from workbench.store import models, session_scope
from workbench.training.bank import QUESTION_NAMES, Bank, load_bank

COMPETENT_SCORE = 0.75  # mean score on a domain's scenarios from which an officer counts as competent in it


@dataclass
class Attempt:
    exercise_id: int | None
    scenario_code: str
    trainee: str
    cohort: str | None
    score: float
    grades: dict
    rules_version: str | None
    submitted_at: dt.datetime | None


def attempts(
    *, exercise_id: int | None = None, trainee: str | None = None, cohort: str | None = None, url: str | None = None
) -> list[Attempt]:
    with session_scope(url) as s:
        query = select(models.TrainingAttempt).order_by(models.TrainingAttempt.submitted_at, models.TrainingAttempt.id)
        if exercise_id is not None:
            query = query.where(models.TrainingAttempt.exercise_id == exercise_id)
        if trainee:
            query = query.where(models.TrainingAttempt.trainee == trainee)
        if cohort:
            query = query.where(models.TrainingAttempt.cohort == cohort)
        return [
            Attempt(
                a.exercise_id,
                a.scenario_code,
                a.trainee,
                a.cohort,
                float(a.score or 0),
                dict(a.grades or {}),
                a.rules_version,
                a.submitted_at,
            )
            for a in s.exec(query)
        ]


def by_trainee(rows: Iterable[Attempt]) -> list[dict]:
    """One row per trainee: scenarios answered, mean score, best and worst question type."""
    groups: dict[str, list[Attempt]] = defaultdict(list)
    for a in rows:
        groups[a.trainee].append(a)
    out = []
    for trainee, items in sorted(groups.items()):
        per_question = _question_means(items)
        weakest = min(per_question.items(), key=lambda kv: kv[1])[0] if per_question else None
        out.append(
            {
                "trainee": trainee,
                "scenarios": len(items),
                "score": round(sum(a.score for a in items) / len(items), 4),
                "weakest_question": weakest,
                "last": max((a.submitted_at for a in items if a.submitted_at), default=None),
            }
        )
    return out


def cohort_summary(rows: list[Attempt]) -> dict:
    trainees = by_trainee(rows)
    scores = [t["score"] for t in trainees]
    return {
        "trainees": len(trainees),
        "attempts": len(rows),
        "mean_score": round(sum(scores) / len(scores), 4) if scores else None,
        "lowest": min(scores) if scores else None,
        "highest": max(scores) if scores else None,
    }


def most_missed_questions(rows: Iterable[Attempt], limit: int = 20) -> list[dict]:
    """Questions by credit lost, per scenario and question: where the cohort goes wrong."""
    lost: dict[tuple[str, str], list[float]] = defaultdict(list)
    for a in rows:
        for question, grade in a.grades.items():
            lost[(a.scenario_code, question)].append(float(grade.get("score", 0)))
    out = []
    for (scenario, question), scores in lost.items():
        missed = sum(1 for s in scores if s < 0.999)
        if not missed:
            continue
        names = QUESTION_NAMES.get(question, (question, question))
        out.append(
            {
                "scenario": scenario,
                "question": question,
                "question_zh": names[0],
                "question_en": names[1],
                "answers": len(scores),
                "missed": missed,
                "miss_rate": round(missed / len(scores), 4),
                "mean_score": round(sum(scores) / len(scores), 4),
            }
        )
    out.sort(key=lambda r: (-r["miss_rate"], -r["missed"], r["scenario"], r["question"]))
    return out[:limit]


def question_types(rows: Iterable[Attempt]) -> list[dict]:
    """Mean score per question type (severity, level, fine, ...), weakest first."""
    means = _question_means(list(rows))
    return [
        {
            "question": q,
            "question_zh": QUESTION_NAMES[q][0],
            "question_en": QUESTION_NAMES[q][1],
            "mean_score": round(m, 4),
        }
        for q, m in sorted(means.items(), key=lambda kv: kv[1])
    ]


def most_misapplied_articles(rows: Iterable[Attempt], limit: int = 20) -> list[dict]:
    """Articles most often got wrong.

    ``missed``: the engine cites it and the trainee's basis answer did not;
    ``wrongly_cited``: the trainee cited it and the engine does not;
    ``lost_credit``: credit lost on the other questions of scenarios resting on it.
    """
    table: dict[str, dict[str, float]] = defaultdict(lambda: {"missed": 0, "wrongly_cited": 0, "lost_credit": 0.0})
    for a in rows:
        for question, grade in a.grades.items():
            if question == "basis":
                for article in grade.get("missed_articles") or []:
                    table[article]["missed"] += 1
                for article in grade.get("wrong_articles") or []:
                    table[article]["wrongly_cited"] += 1
            else:
                lost = 1.0 - float(grade.get("score", 0))
                if lost > 0:
                    for article in grade.get("articles") or []:
                        table[article]["lost_credit"] += lost
    out = [
        {
            "article": article,
            "missed": int(v["missed"]),
            "wrongly_cited": int(v["wrongly_cited"]),
            "lost_credit": round(v["lost_credit"], 2),
            "total": round(v["missed"] + v["wrongly_cited"] + v["lost_credit"], 2),
        }
        for article, v in table.items()
    ]
    out.sort(key=lambda r: (-r["total"], r["article"]))
    return out[:limit]


def progress(rows: Iterable[Attempt]) -> list[dict]:
    """Mean score per trainee per day, oldest first: is each officer improving?"""
    groups: dict[tuple[str, dt.date], list[float]] = defaultdict(list)
    for a in rows:
        if a.submitted_at:
            groups[(a.trainee, a.submitted_at.date())].append(a.score)
    return [
        {"trainee": t, "day": d.isoformat(), "scenarios": len(s), "score": round(sum(s) / len(s), 4)}
        for (t, d), s in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def daily_means(rows: Iterable[Attempt]) -> list[dict]:
    """Mean score over everyone per day, oldest first (the progress line of a cohort or one trainee)."""
    groups: dict[dt.date, list[float]] = defaultdict(list)
    for a in rows:
        if a.submitted_at:
            groups[a.submitted_at.date()].append(a.score)
    return [
        {"day": d.isoformat(), "answers": len(s), "score": round(sum(s) / len(s), 4)} for d, s in sorted(groups.items())
    ]


def competence_matrix(
    *, department: str | None = None, bank: Bank | None = None, url: str | None = None, domains: list[str] | None = None
) -> dict:
    """Officers × domains, with who backs up whom (A/B posts).

    A cell is competent when the officer's mean score on that domain's
    scenarios is at least COMPETENT_SCORE, or, with no attempts there yet,
    when the domain is among the officer's trained domains. ``no_backup``
    lists the domains where an officer is competent and the A/B partner is not.
    """
    bank = bank or load_bank()
    catalogue = set(_catalogue_codes())
    domain_of = {s.id: d for s in bank if (d := s.violation or s.category) in catalogue}
    with session_scope(url) as s:
        query = select(models.Officer).where(models.Officer.active == True)  # noqa: E712
        if department:
            query = query.where(models.Officer.department_code == department)
        officers = list(s.exec(query.order_by(models.Officer.number)))
        partner_numbers = {o.ab_partner for o in officers if o.ab_partner}
        partners = {o.number: o for o in officers}
        missing = partner_numbers - set(partners)
        if missing:
            for o in s.exec(select(models.Officer).where(models.Officer.number.in_(sorted(missing)))):
                partners[o.number] = o
        numbers = set(partners)
        scores: dict[tuple[str, str], list[float]] = defaultdict(list)
        if numbers:
            for a in s.exec(select(models.TrainingAttempt).where(models.TrainingAttempt.trainee.in_(sorted(numbers)))):
                domain = domain_of.get(a.scenario_code)
                if domain:
                    scores[(a.trainee, domain)].append(float(a.score or 0))
    if domains is None:
        domains = sorted(catalogue | {d for o in partners.values() for d in (o.domains or [])})

    def cell(officer) -> dict[str, dict]:
        out = {}
        for domain in domains:
            got = scores.get((officer.number, domain))
            trained = domain in (officer.domains or [])
            mean = sum(got) / len(got) if got else None
            competent = mean >= COMPETENT_SCORE if mean is not None else trained
            out[domain] = {
                "trained": trained,
                "score": round(mean, 4) if mean is not None else None,
                "competent": competent,
            }
        return out

    cells = {number: cell(o) for number, o in partners.items()}
    rows = []
    for o in officers:
        mine = cells[o.number]
        partner = cells.get(o.ab_partner) if o.ab_partner else None
        no_backup = [d for d in domains if mine[d]["competent"] and not (partner and partner[d]["competent"])]
        rows.append(
            {
                "officer": o.number,
                "name": o.name_masked,
                "department": o.department_code,
                "ab_partner": o.ab_partner,
                "cells": mine,
                "competent_domains": [d for d in domains if mine[d]["competent"]],
                "no_backup": no_backup,
            }
        )
    coverage = {d: sum(1 for r in rows if r["cells"][d]["competent"]) for d in domains}
    return {"domains": domains, "rows": rows, "coverage": coverage}


def matrix_table(matrix: dict) -> list[dict]:
    """The matrix flattened for a table or a sheet: ✓ trained, the score, ● competent."""
    out = []
    for r in matrix["rows"]:
        row = {
            "officer": r["officer"],
            "name": r["name"],
            "department": r["department"],
            "ab_partner": r["ab_partner"] or "",
        }
        for d in matrix["domains"]:
            c = r["cells"][d]
            text = ("●" if c["competent"] else "○") + (" ✓" if c["trained"] else "")
            if c["score"] is not None:
                text += f" {round(c['score'] * 100)}%"
            row[d] = text
        row["no_backup"] = ", ".join(r["no_backup"])
        out.append(row)
    return out


def export_xlsx(
    path: str | Path,
    *,
    exercise_id: int | None = None,
    cohort: str | None = None,
    department: str | None = None,
    url: str | None = None,
    bank: Bank | None = None,
) -> Path:
    """Write the results workbook: trainees, attempts, missed questions, articles, progress, competence."""
    import pandas as pd

    rows = attempts(exercise_id=exercise_id, cohort=cohort, url=url)
    path = Path(path)
    attempt_rows = [
        {
            "trainee": a.trainee,
            "exercise": a.exercise_id,
            "scenario": a.scenario_code,
            "cohort": a.cohort,
            "score": a.score,
            "rules_version": a.rules_version,
            "submitted_at": a.submitted_at.isoformat(sep=" ") if a.submitted_at else None,
        }
        for a in rows
    ]
    trainees = [{**t, "last": t["last"].isoformat(sep=" ") if t["last"] else None} for t in by_trainee(rows)]
    sheets = {
        "Trainees 学员": trainees,
        "Attempts 作答": attempt_rows,
        "Questions 题型": question_types(rows),
        "Most missed 易错题": most_missed_questions(rows, limit=1000),
        "Articles 法条": most_misapplied_articles(rows, limit=1000),
        "Progress 进步": progress(rows),
        "Competence 能力矩阵": matrix_table(competence_matrix(department=department, url=url, bank=bank)),
    }
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, data in sheets.items():
            frame = pd.DataFrame(data) if data else pd.DataFrame({"empty": []})
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return path


def _catalogue_codes() -> list[str]:
    from workbench.engine import get_engine

    return list(get_engine().rulebook.violations)


def _question_means(items: list[Attempt]) -> dict[str, float]:
    per: dict[str, list[float]] = defaultdict(list)
    for a in items:
        for question, grade in a.grades.items():
            per[question].append(float(grade.get("score", 0)))
    return {q: sum(v) / len(v) for q, v in per.items()}
