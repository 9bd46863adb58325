"""Exercises (练习): a trainer assembles scenarios, opens them; trainees take them.

Records live in the store: ``TrainingExercise`` (the exercise, its scenario
codes in the trainer's order, status) and ``TrainingAttempt`` (one row per
trainee per scenario, with the answers, the engine's answer at grading time,
the per-question grades and the rules version). The three settings a
trainer chooses (time limit, scenario order, when feedback is shown) are
columns of ``training_exercise`` (``time_limit_minutes``, ``scenario_order``,
``feedback``; store migration 0003).

A trainee is identified by officer number; when the store holds officers,
the number must be one of them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect
from sqlmodel import select as sm_select

from workbench.errors import InputError, WorkbenchError
from workbench.rulebook.vocabulary import vocabulary
from workbench.store import get_engine as get_db
from workbench.store import models, session_scope
from workbench.store.audit import audit, create_record, update_record
from workbench.training.bank import Bank, Scenario, load_bank
from workbench.training.grading import Expected, QuestionResult, ScenarioResult, expected_answers, grade

ORDERS = ("fixed", "shuffled")
FEEDBACK_MODES = ("each", "end")
STATUSES = vocabulary().codes("exercise_statuses")

_ready: set[tuple[str, int]] = set()


@dataclass
class Exercise:
    id: int
    name: str
    scenario_codes: list[str]
    created_by: str
    created_at: dt.datetime
    status: str
    cohort: str | None = None
    time_limit_minutes: int | None = None
    order: str = "fixed"
    feedback: str = "each"
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    version: int = 1

    def order_for(self, officer_number: str) -> list[str]:
        """The trainee's scenario order: the trainer's, or a shuffle fixed per trainee."""
        codes = list(self.scenario_codes)
        if self.order == "shuffled":
            random.Random(f"{self.id}:{officer_number}").shuffle(codes)
        return codes


class ExerciseClosedError(WorkbenchError):
    """The exercise is not open, or the trainee's time is up."""


# -- trainer side ---------------------------------------------------------------


def assemble(
    bank: Bank, *, codes: list[str] | None = None, count: int | None = None, seed: int = 0, **tags: Any
) -> list[str]:
    """Scenario codes by hand (``codes``, kept in that order) or by tag (see ``Bank.select``).

    By tag, ``count`` picks that many at random (seeded, so the trainer sees
    the same pick again); without it every matching scenario is taken.
    """
    if codes:
        for code in codes:
            bank.get(code)
        if len(set(codes)) != len(codes):
            raise InputError("scenarios", "a scenario is listed twice")
        return list(codes)
    picked = [s.id for s in bank.select(**{k: v for k, v in tags.items() if v})]
    if not picked:
        raise InputError("tags", f"no scenario carries these tags: {tags}")
    if count is not None and count < len(picked):
        picked = sorted(random.Random(seed).sample(picked, count), key=picked.index)
    return picked


def create_exercise(
    name: str,
    scenario_codes: list[str],
    created_by: str,
    *,
    cohort: str | None = None,
    time_limit_minutes: int | None = None,
    order: str = "fixed",
    feedback: str = "each",
    status: str = "draft",
    bank: Bank | None = None,
    url: str | None = None,
) -> Exercise:
    if not name or not name.strip():
        raise InputError("name", "give the exercise a name")
    if not scenario_codes:
        raise InputError("scenarios", "choose at least one scenario")
    if order not in ORDERS:
        raise InputError("order", f"must be one of {', '.join(ORDERS)}")
    if feedback not in FEEDBACK_MODES:
        raise InputError("feedback", f"must be one of {', '.join(FEEDBACK_MODES)}")
    if status not in STATUSES:
        raise InputError("status", f"must be one of {', '.join(STATUSES)}")
    if time_limit_minutes is not None and (not isinstance(time_limit_minutes, int) or time_limit_minutes <= 0):
        raise InputError("time_limit_minutes", "a whole number of minutes above 0, or none")
    bank = bank or load_bank()
    for code in scenario_codes:
        bank.get(code)
    now = _now()
    _ensure(url)
    with session_scope(url) as s:
        row = models.TrainingExercise(
            name=name.strip(),
            cohort=cohort or None,
            scenario_codes=list(scenario_codes),
            created_by=created_by,
            created_at=now,
            status=status,
            opens_at=now if status == "open" else None,
            time_limit_minutes=time_limit_minutes,
            scenario_order=order,
            feedback=feedback,
        )
        create_record(s, row, created_by)
        settings = {"time_limit_minutes": time_limit_minutes, "scenario_order": order, "feedback": feedback}
        audit(s, created_by, "settings", "training_exercise", row.id, after=settings)
        exercise_id = row.id
    return get_exercise(exercise_id, url=url)


def set_status(
    exercise_id: int, status: str, who: str, expected_version: int | None = None, url: str | None = None
) -> Exercise:
    """Open or close an exercise (draft → open → closed; a closed one may be reopened).

    ``expected_version`` is the version the trainer saw: if another trainer
    changed the exercise since, ``StaleRecordError`` says so and nothing changes.
    """
    if status not in STATUSES:
        raise InputError("status", f"must be one of {', '.join(STATUSES)}")
    now = _now()
    changes: dict[str, Any] = {"status": status}
    if status == "open":
        changes.update(opens_at=now, closes_at=None)
    elif status == "closed":
        changes["closes_at"] = now
    with session_scope(url) as s:
        update_record(
            s, models.TrainingExercise, exercise_id, expected_version, changes, who, action=f"status:{status}"
        )
    return get_exercise(exercise_id, url=url)


def get_exercise(exercise_id: int, url: str | None = None) -> Exercise:
    _ensure(url)
    with session_scope(url) as s:
        row = s.get(models.TrainingExercise, exercise_id)
        if row is None:
            raise InputError("exercise", f"no exercise {exercise_id}")
        return _exercise(row)


def list_exercises(status: str | None = None, url: str | None = None) -> list[Exercise]:
    _ensure(url)
    with session_scope(url) as s:
        query = sm_select(models.TrainingExercise).order_by(models.TrainingExercise.id.desc())
        if status:
            query = query.where(models.TrainingExercise.status == status)
        return [_exercise(r) for r in s.exec(query)]


# -- trainee side ---------------------------------------------------------------


@dataclass
class TraineeSession:
    """One trainee taking one exercise: the order, the clock, the answers so far."""

    exercise: Exercise
    officer_number: str
    bank: Bank
    started_at: dt.datetime
    codes: list[str]
    results: dict[str, ScenarioResult] = field(default_factory=dict)
    url: str | None = None
    engine: Any = None

    @property
    def finished(self) -> bool:
        return all(code in self.results for code in self.codes) or self.time_up()

    def remaining_seconds(self, now: dt.datetime | None = None) -> float | None:
        if not self.exercise.time_limit_minutes:
            return None
        end = self.started_at + dt.timedelta(minutes=self.exercise.time_limit_minutes)
        return max(0.0, (end - (now or _now())).total_seconds())

    def time_up(self, now: dt.datetime | None = None) -> bool:
        remaining = self.remaining_seconds(now)
        return remaining is not None and remaining <= 0

    def current(self) -> Scenario | None:
        for code in self.codes:
            if code not in self.results:
                return self.bank.get(code)
        return None

    def position(self) -> tuple[int, int]:
        return len(self.results), len(self.codes)

    def submit(self, scenario_id: str, answers: dict[str, Any], now: dt.datetime | None = None) -> ScenarioResult:
        """Grade and store one scenario's answers; returns the graded result."""
        now = now or _now()
        if scenario_id not in self.codes:
            raise InputError("scenario", f"{scenario_id!r} is not part of exercise {self.exercise.id}")
        if scenario_id in self.results:
            raise InputError("scenario", f"{scenario_id!r} has already been answered")
        if self.time_up(now):
            raise ExerciseClosedError(
                f"time is up for exercise {self.exercise.name!r} ({self.exercise.time_limit_minutes} min); "
                "your answers so far are kept"
            )
        current = get_exercise(self.exercise.id, url=self.url)
        if current.status != "open":
            raise ExerciseClosedError(f"exercise {current.name!r} is {current.status}; ask the trainer to open it")
        scenario = self.bank.get(scenario_id)
        expected = expected_answers(scenario, self.engine)
        result = grade(scenario, answers, expected=expected)
        with session_scope(self.url) as s:
            create_record(
                s,
                models.TrainingAttempt(
                    exercise_id=self.exercise.id,
                    scenario_code=scenario_id,
                    trainee=self.officer_number,
                    cohort=self.exercise.cohort,
                    answers=_jsonable(answers),
                    expected={
                        "answers": expected.answers,
                        "basis": expected.basis,
                        "trace": result.feedback()["trace"],
                    },
                    grades={r.question: r.to_dict() for r in result.results},
                    score=round(result.score, 4),
                    rules_version=expected.rules_version,
                    started_at=self.started_at,
                    submitted_at=now,
                ),
                self.officer_number,
                action="answer",
            )
        self.results[scenario_id] = result
        return result

    def score(self) -> float:
        if not self.codes:
            return 0.0
        return sum(r.score for r in self.results.values()) / len(self.codes)


def start(
    exercise_id: int,
    officer_number: str,
    *,
    bank: Bank | None = None,
    url: str | None = None,
    engine=None,
    now: dt.datetime | None = None,
) -> TraineeSession:
    """Begin (or resume) an exercise for an officer; earlier answers are picked up from the store."""
    officer_number = (officer_number or "").strip()
    if not officer_number:
        raise InputError("officer", "enter your officer number (执法证号/工号)")
    exercise = get_exercise(exercise_id, url=url)
    if exercise.status != "open":
        raise ExerciseClosedError(f"exercise {exercise.name!r} is {exercise.status}; ask the trainer to open it")
    with session_scope(url) as s:
        officers = s.exec(sm_select(models.Officer.number).limit(1)).first()
        if (
            officers is not None
            and s.exec(sm_select(models.Officer).where(models.Officer.number == officer_number)).first() is None
        ):
            raise InputError("officer", f"no officer with number {officer_number!r}")
        earlier = list(
            s.exec(
                sm_select(models.TrainingAttempt).where(
                    models.TrainingAttempt.exercise_id == exercise_id, models.TrainingAttempt.trainee == officer_number
                )
            )
        )
    bank = bank or load_bank()
    started = min((a.started_at for a in earlier if a.started_at), default=now or _now())
    session = TraineeSession(
        exercise, officer_number, bank, started, exercise.order_for(officer_number), url=url, engine=engine
    )
    for attempt in earlier:
        if attempt.scenario_code in session.codes and attempt.scenario_code not in session.results:
            session.results[attempt.scenario_code] = stored_result(attempt)
    return session


def stored_result(attempt: models.TrainingAttempt) -> ScenarioResult:
    """The graded result as it was stored (the engine's answer at grading time, not today's)."""
    stored = attempt.expected or {}
    expected = Expected(
        attempt.scenario_code,
        dict(stored.get("answers") or {}),
        {"basis": stored.get("basis") or [], "trace": stored.get("trace") or []},
        None,
        attempt.rules_version or "",
    )
    results = [
        QuestionResult(**{k: v for k, v in g.items() if k in _QR_FIELDS}) for g in (attempt.grades or {}).values()
    ]
    return ScenarioResult(attempt.scenario_code, results, expected)


_QR_FIELDS = {"question", "score", "given", "expected", "articles", "missed_articles", "wrong_articles", "note"}


# -- helpers ----------------------------------------------------------------------


def _exercise(row: models.TrainingExercise) -> Exercise:
    return Exercise(
        id=row.id,
        name=row.name,
        scenario_codes=list(row.scenario_codes or []),
        created_by=row.created_by,
        created_at=row.created_at,
        status=row.status,
        cohort=row.cohort,
        time_limit_minutes=row.time_limit_minutes,
        order=row.scenario_order or "fixed",
        feedback=row.feedback or "each",
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        version=row.version,
    )


def _ensure(url: str | None) -> None:
    """A clear message when the database was never migrated (the tables come only from `workbench init`)."""
    engine = get_db(url)
    key = (str(engine.url), id(engine))
    if key not in _ready:
        if not inspect(engine).has_table("training_exercise"):
            raise WorkbenchError(
                f"the database {engine.url.render_as_string(hide_password=True)} has no training tables; "
                "run `workbench init` (or `workbench init --demo`) first"
            )
        if "scenario_order" not in {c["name"] for c in inspect(engine).get_columns("training_exercise")}:
            raise WorkbenchError(
                f"the database {engine.url.render_as_string(hide_password=True)} is at an older schema "
                "(training_exercise has no settings columns); run `workbench init` to upgrade it"
            )
        _ready.add(key)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
