"""Demo training: two past exercises taken by a unit of officers, graded by the engine, and one open exercise.

So the Results tab of a demo database has something to show (scores, most
missed questions, misapplied articles, progress, the A/B matrix). Trainees
are simulated: each officer has a skill, higher in the domains they are
trained in and higher in the later exercise; a wrong answer is a plausible
one (the adjacent level, a fine outside the range, a missed article). Every
answer is graded by the engine exactly as a real one. Fixed seed: the same
database gets the same history.

And so a trainee who opens the training room has something to take, the demo
also leaves a third exercise open, as a trainer would: a mix of case and
triage scenarios at each difficulty, feedback after each answer, no attempts.

Each demo exercise is made once, recognised by its name and the demo
trainer: a second run adds nothing, and a database that has the older
two-exercise history gets only the open exercise.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlmodel import select

from workbench.rulebook.model import LEVELS
from workbench.store import models, session_scope
from workbench.training import exercises
from workbench.training.bank import Bank, load_bank
from workbench.training.grading import SEVERITIES, expected_answers, rulebook_articles

DEMO_TRAINER = "demo-trainer"
EXERCISES = [
    # (name, topics or violations to draw from, days before today it was taken, skill bonus)
    (
        "一专多能 第一期：总则与裁量 · Unit 1: general provisions and benchmarks",
        [
            "minor_under_14",
            "minor_14_to_18",
            "limited_capacity",
            "no_capacity",
            "first_offence_exempt",
            "art32_mitigation",
            "limitation_2y",
            "limitation_continuing",
            "benchmark",
            "summary_procedure",
        ],
        28,
        0.0,
    ),
    (
        "一专多能 第二期：程序与分拨 · Unit 2: procedure and triage",
        [
            "hearing",
            "legal_review",
            "triage",
            "art37",
            "limitation_5y",
            "limitation_police",
            "no_fault",
            "minor_corrected_no_harm",
            "benchmark",
            "boundary",
        ],
        7,
        0.12,
    ),
]
# The exercise left open for the demo county's officers, and its mix: (kind, difficulty, how many).
OPEN_EXERCISE = "一专多能 第三期：综合练习 · Unit 3: mixed practice"
OPEN_MIX = [
    ("case", "easy", 2),
    ("case", "medium", 3),
    ("case", "hard", 1),
    ("report", "easy", 1),
    ("report", "medium", 1),
]


def build_demo(
    url: str | None = None,
    officers: int = 24,
    seed: int = 20251127,
    bank: Bank | None = None,
    engine=None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Create the demo exercises and attempts unless they exist; returns what was made."""
    from workbench.engine import get_engine

    engine = engine or get_engine()
    bank = bank or load_bank()
    today = today or dt.date.today()
    rng = random.Random(seed)
    cohort = f"{today.year}-演示"
    with session_scope(url) as s:
        made_before = {
            e.name: list(e.scenario_codes or [])
            for e in s.exec(select(models.TrainingExercise).where(models.TrainingExercise.created_by == DEMO_TRAINER))
        }
        rows = list(
            s.exec(
                select(models.Officer)
                .where(models.Officer.active == True)  # noqa: E712
                .order_by(models.Officer.department_code, models.Officer.number)
            )
        )
    unit = _unit(rows, officers)
    if not unit:
        return {"exercises": 0, "attempts": 0, "open": 0, "skipped": True}
    made = {"exercises": 0, "attempts": 0, "open": 0, "skipped": False}
    if not made_before:  # the history is made as a whole (one seeded draw), or not at all
        made_before.update(_history(url, unit, rng, bank, engine, today, cohort, made))
    if OPEN_EXERCISE not in made_before:
        used = {code for codes in made_before.values() for code in codes}
        codes = _mix(bank, random.Random(f"{seed}:open"), used)
        exercises.create_exercise(
            OPEN_EXERCISE,
            codes,
            DEMO_TRAINER,
            cohort=cohort,
            time_limit_minutes=60,
            order="fixed",
            feedback="each",
            status="open",
            bank=bank,
            url=url,
        )
        made["exercises"] += 1
        made["open"] += 1
    made["skipped"] = made["exercises"] == 0
    return made


def _history(
    url, unit: list, rng: random.Random, bank: Bank, engine, today: dt.date, cohort: str, made: dict[str, Any]
) -> dict[str, list[str]]:
    """The two past exercises, taken by ``unit`` and closed; returns their scenario codes by name."""
    skill = {o.number: rng.uniform(0.45, 0.9) for o in unit}
    articles = rulebook_articles(engine.rulebook)
    departments = sorted(engine.rulebook.departments)
    names: dict[str, list[str]] = {}
    for name, topics, days_ago, bonus in EXERCISES:
        codes = _pick(bank, topics, rng, 10)
        names[name] = codes
        when = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9, 0))
        exercise = exercises.create_exercise(
            name,
            codes,
            DEMO_TRAINER,
            cohort=cohort,
            time_limit_minutes=60,
            order="shuffled",
            feedback="each",
            status="open",
            bank=bank,
            url=url,
        )
        made["exercises"] += 1
        for index, officer in enumerate(unit):
            start = when + dt.timedelta(minutes=7 * index)
            session = exercises.start(exercise.id, officer.number, bank=bank, url=url, engine=engine, now=start)
            for step, code in enumerate(session.codes):
                scenario = bank.get(code)
                expected = expected_answers(scenario, engine)
                domain = scenario.violation or scenario.category
                p = min(0.97, skill[officer.number] + bonus + (0.1 if domain in (officer.domains or []) else 0.0))
                answers = {
                    q: (_right(q, v) if rng.random() < p else _wrong(q, v, rng, articles, departments))
                    for q, v in expected.answers.items()
                }
                session.submit(code, answers, now=start + dt.timedelta(minutes=3 * (step + 1)))
                made["attempts"] += 1
        exercises.set_status(exercise.id, "closed", DEMO_TRAINER, url=url)
    return names


def _mix(bank: Bank, rng: random.Random, used: set[str]) -> list[str]:
    """Scenarios for the open exercise, by ``OPEN_MIX``: new ones first, one violation or category at most once
    where possible."""
    chosen: list[str] = []
    seen: set[str] = set()
    for kind, difficulty, count in OPEN_MIX:
        pool = sorted(
            (
                s
                for s in bank
                if (s.report if kind == "report" else s.case)
                and not (s.case and s.report)
                and s.difficulty == difficulty
                and s.id not in chosen
            ),
            key=lambda s: s.id,
        )
        rng.shuffle(pool)
        for _ in range(min(count, len(pool))):
            # fresh (not in the past exercises) and a new subject first, then whatever is left
            best = min(pool, key=lambda s: (s.id in used, (s.violation or s.category) in seen))
            pool.remove(best)
            chosen.append(best.id)
            seen.add(best.violation or best.category)
    return chosen


def example_officer(url: str | None = None) -> str | None:
    """An officer number a trainee can type in this database: the first of the unit the demo trains
    (None without officers)."""
    with session_scope(url) as s:
        rows = list(
            s.exec(
                select(models.Officer)
                .where(models.Officer.active == True)  # noqa: E712
                .order_by(models.Officer.department_code, models.Officer.number)
            )
        )
    unit = _unit(rows, 1)
    return unit[0].number if unit else None


def _unit(rows: list, size: int) -> list:
    """The largest department's first officers, completed with their A/B partners: a unit that backs itself up."""
    if not rows:
        return []
    sizes: dict[str, int] = {}
    for o in rows:
        sizes[o.department_code] = sizes.get(o.department_code, 0) + 1
    first = max(sorted(sizes), key=sizes.get)
    chosen = [o for o in rows if o.department_code == first][:size]
    numbers = {o.number for o in chosen}
    by_number = {o.number: o for o in rows}
    for o in list(chosen):
        partner = by_number.get(o.ab_partner or "")
        if partner is not None and partner.number not in numbers and len(chosen) < size + 4:
            chosen.append(partner)
            numbers.add(partner.number)
    return chosen


def _pick(bank: Bank, topics: list[str], rng: random.Random, count: int) -> list[str]:
    pool = [s.id for s in bank if set(s.topics) & set(topics)]
    return rng.sample(pool, min(count, len(pool)))


def _right(question: str, value: Any) -> Any:
    if question == "fine":
        return value["min"] if value else 0
    return value


def _wrong(question: str, value: Any, rng: random.Random, articles: list[str], departments: list[str]) -> Any:
    if question in ("penalize", "hearing_right", "legal_review"):
        return not value
    if question == "level":
        i = LEVELS.index(value) if value in LEVELS else 2
        return LEVELS[max(0, min(len(LEVELS) - 1, i + rng.choice((-1, 1))))]
    if question == "fine":
        if not value:
            return 100
        return int(value["max"] * 1.5) + 50 if rng.random() < 0.5 else max(0, int(value["min"] * 0.5) - 10)
    if question == "procedure":
        return "general" if value == "summary" else "summary"
    if question == "severity":
        i = SEVERITIES.index(value)
        return SEVERITIES[max(0, min(2, i + rng.choice((-1, 1))))]
    if question == "coordination_level":
        return max(1, min(3, int(value) + rng.choice((-1, 1))))
    if question == "lead":
        return rng.choice([d for d in departments if d != value])
    if question == "assist":
        chosen = list(value)
        if chosen and rng.random() < 0.5:
            chosen.pop(rng.randrange(len(chosen)))
        else:
            chosen.append(rng.choice([d for d in departments if d not in chosen]))
        return chosen
    if question == "basis":
        chosen = list(value)
        if chosen:
            chosen.pop(rng.randrange(len(chosen)))
        chosen.append(rng.choice([a for a in articles if a not in value]))
        return chosen
    return None
