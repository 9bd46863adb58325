"""Grade a trainee's answers against the engine, with partial credit per question.

The expected answer is never stored: ``expected_answers`` asks the engine
(``decide`` for the case, ``classify`` for the report) each time, so a changed
rule changes the answer. Each answer scores between 0 and 1:

=====================  ==============================================================
question               credit
=====================  ==============================================================
penalize               1 if equal, else 0
level                  1 if equal; 0.5 if one step away on exempt < mitigated <
                       lighter < standard < heavier; else 0
fine                   1 if the amount lies inside the engine's range [min, max];
                       0.5 if outside but within 10 % of the range's maximum (at
                       least 10 yuan) of the nearer bound; else 0
procedure              1 if equal (summary | general), else 0
hearing_right          1 if equal, else 0
legal_review           1 if equal, else 0
basis                  Jaccard overlap of the articles chosen and the engine's
                       articles, compared at article level (第…条; 款/项 ignored)
severity               1 if equal; 0.5 if one step away on general < composite < major
lead                   1 if equal, else 0
assist                 Jaccard overlap of the departments (both empty: 1)
coordination_level     1 if equal; 0.5 if one level away; else 0
=====================  ==============================================================

A scenario's score is the mean over its questions; an exercise's the mean
over its scenarios. Feedback carries the engine's answer, its trace and the
articles it cites.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from workbench.engine import get_engine
from workbench.errors import WorkbenchError
from workbench.rulebook.model import LEVEL_NAMES, LEVEL_RANK, LEVELS, SEVERITIES
from workbench.rulebook.vocabulary import vocabulary
from workbench.training.bank import CASE_QUESTIONS, QUESTION_NAMES, REPORT_QUESTIONS, Scenario

SEVERITY_NAMES = vocabulary().names("severities")  # code -> (zh, en), from rules/vocabulary.yaml
PROCEDURE_NAMES = vocabulary().names("procedures")
FINE_TOLERANCE = 0.10
FINE_TOLERANCE_MIN_YUAN = 10
ARTICLE = re.compile(r"^\s*(.+?)\s*(第[一二三四五六七八九十百零〇0-9]+条)")


@dataclass
class Expected:
    """The engine's answers to a scenario's questions, with what it rests on."""

    scenario_id: str
    answers: dict[str, Any]
    decision: dict | None
    triage: dict | None
    rules_version: str
    question_articles: dict[str, list[str]] = field(default_factory=dict)  # the articles each answer rests on

    @property
    def basis(self) -> list[str]:
        out: list[str] = []
        for source in (self.decision, self.triage):
            for citation in (source or {}).get("basis", []):
                if citation not in out:
                    out.append(citation)
        return out

    @property
    def trace(self) -> list[dict]:
        return list((self.decision or {}).get("trace", [])) + list((self.triage or {}).get("trace", []))


@dataclass
class QuestionResult:
    question: str
    score: float
    given: Any
    expected: Any
    articles: list[str] = field(default_factory=list)  # articles the answer rests on (engine side)
    missed_articles: list[str] = field(default_factory=list)  # basis question: the engine's, not chosen
    wrong_articles: list[str] = field(default_factory=list)  # basis question: chosen, not the engine's
    note: str = ""

    @property
    def correct(self) -> bool:
        return self.score >= 0.999

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "score": round(self.score, 4),
            "given": self.given,
            "expected": self.expected,
            "articles": self.articles,
            "missed_articles": self.missed_articles,
            "wrong_articles": self.wrong_articles,
            "note": self.note,
        }


@dataclass
class ScenarioResult:
    scenario_id: str
    results: list[QuestionResult]
    expected: Expected

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results) / len(self.results) if self.results else 0.0

    def feedback(self) -> dict:
        """What the trainee sees: each correct answer, the engine's trace and cited articles."""
        return {
            "scenario_id": self.scenario_id,
            "score": round(self.score, 4),
            "questions": [r.to_dict() for r in self.results],
            "basis": self.expected.basis,
            "trace": [
                {"rule": t.get("rule"), "why": t.get("why"), "basis": t.get("basis", "")} for t in self.expected.trace
            ],
            "rules_version": self.expected.rules_version,
        }

    def to_dict(self) -> dict:
        return self.feedback()


def expected_answers(scenario: Scenario, engine=None) -> Expected:
    """Ask the engine; raises InputError if the rules no longer accept the scenario's input."""
    engine = engine or _default_engine()
    decision = engine.decide(scenario.case).to_dict() if scenario.case is not None else None
    triage = engine.classify(scenario.report).to_dict() if scenario.report is not None else None
    answers: dict[str, Any] = {}
    if decision is not None:
        fine = decision.get("fine_yuan")
        answers.update(
            penalize=bool(decision["penalize"]),
            level=decision.get("level"),
            fine=dict(fine) if fine else None,
            procedure=decision.get("procedure"),
            hearing_right=bool(decision.get("hearing_right")),
            legal_review=bool(decision.get("legal_review")),
            basis=articles_of(decision.get("basis", [])),
        )
    if triage is not None:
        answers.update(
            severity=triage["severity"],
            lead=triage["lead"],
            assist=sorted(triage.get("assist") or []),
            coordination_level=int(triage["coordination_level"]),
        )
    expected = Expected(scenario.id, {q: answers.get(q) for q in scenario.questions}, decision, triage, engine.version)
    expected.question_articles = {q: _question_articles(q, expected, engine.rulebook) for q in scenario.questions}
    return expected


# Which trace rows decide which answer: rule-name prefixes, and the field a provision row sets.
_DECIDED_BY = {
    "penalize": (("bars/",), None),
    "level": (("mitigation/", "art37", "discretion/"), None),
    "fine": (("mitigation/", "art37", "discretion/"), None),
    "procedure": (("procedure/summary",), "procedure"),
    "hearing_right": (("procedure/hearing",), "hearing_right"),
    "legal_review": (("legal_review/",), "legal_review"),
    "lead": (("ownership/",), None),
    "assist": (("ownership/",), None),
    "severity": (("severity/",), None),
    "coordination_level": (("ownership/", "severity/"), None),
}


def _question_articles(question: str, expected: Expected, book) -> list[str]:
    """The articles behind one answer: the trace rows that decide it, else the provisions that could have.

    Used to count which articles trainees misapply (a wrong hearing answer
    counts against Art. 63, not against every article of the case).
    """
    if question == "basis":
        return list(expected.answers.get("basis") or [])
    prefixes, sets = _DECIDED_BY[question]
    source = expected.triage if question in REPORT_QUESTIONS else expected.decision
    trace = (source or {}).get("trace", [])
    found = articles_of([t.get("basis", "") for t in trace if str(t.get("rule", "")).startswith(prefixes)])
    if question in ("level", "fine") or (question == "penalize" and not found):
        # no bar: the penalty (or the benchmark's exemption) rests on the benchmark row and the violation's
        # penalty article
        violation = book.violations.get((expected.decision or {}).get("violation"))
        rows = (
            [t.get("basis", "") for t in trace if str(t.get("rule", "")).startswith("discretion/")]
            if question == "penalize"
            else []
        )
        found = [
            *found,
            *[a for a in articles_of([*rows, violation.penalty_basis if violation else ""]) if a not in found],
        ]
    if not found and sets:
        found = articles_of([row.basis for stage in book.stages for row in stage.rows if sets in row.set])
    if not found:
        found = articles_of((source or {}).get("basis", []))
    return found


def grade(scenario: Scenario, answers: dict[str, Any], engine=None, expected: Expected | None = None) -> ScenarioResult:
    """Score every question of ``scenario``; an unanswered question scores 0."""
    expected = expected or expected_answers(scenario, engine)
    results = [grade_question(q, answers.get(q), expected) for q in scenario.questions]
    return ScenarioResult(scenario.id, results, expected)


def grade_question(question: str, given: Any, expected: Expected) -> QuestionResult:
    want = expected.answers.get(question)
    articles = expected.question_articles.get(question)
    if articles is None:
        source = expected.triage if question in REPORT_QUESTIONS else expected.decision
        articles = articles_of((source or {}).get("basis", []))
    result = QuestionResult(question, 0.0, given, want, articles)
    if given is None or given == "" or given == []:
        if want is None:
            result.score = 1.0
        else:
            result.note = "not answered"
        return result
    grader = _GRADERS[question]
    grader(result, given, want)
    return result


def articles_of(citations: list[str]) -> list[str]:
    """Citations reduced to law + article (款/项 dropped), in order, without repeats.

    ``甲法 第一条；乙法 第二条`` gives both; ``甲法 第一条、第三条`` gives 甲法 第一条 and
    甲法 第三条 (the law carries over); ``第一款、第二款`` stays one article.
    """
    out: list[str] = []
    for citation in citations:
        law = None
        for part in re.split(r"[；;、,，]", citation or ""):
            part = part.strip()
            if not part:
                continue
            if part.startswith("第") and law:
                part = f"{law} {part}"
            match = ARTICLE.match(part)
            if not match:
                continue
            law = match.group(1)
            article = f"{match.group(1)} {match.group(2)}"
            if article not in out:
                out.append(article)
    return out


def article_of(citation: str) -> str | None:
    match = ARTICLE.match(citation or "")
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def basis_options(scenario: Scenario, engine=None, expected: Expected | None = None, distractors: int = 5) -> list[str]:
    """Articles offered for the basis question: the engine's own plus distractors from the rulebook.

    The same scenario always gets the same options (seeded by its id), in
    sorted order, so the right ones are not given away by their position.
    """
    engine = engine or _default_engine()
    expected = expected or expected_answers(scenario, engine)
    right = list(expected.answers.get("basis") or articles_of((expected.decision or {}).get("basis", [])))
    pool = sorted(set(rulebook_articles(engine.rulebook)) - set(right))
    rng = random.Random(scenario.id)
    chosen = rng.sample(pool, min(distractors, len(pool)))
    return sorted(set(right) | set(chosen))


def rulebook_articles(book) -> list[str]:
    """Every article the rulebook cites (provisions, benchmarks, catalogue), at article level."""
    citations: list[str] = []
    for stage in book.stages:
        citations.extend(row.basis for row in stage.rows)
    for violation in book.violations.values():
        citations.extend([violation.offence_basis, violation.penalty_basis])
    for bench in book.benchmarks.values():
        for version in bench.versions:
            citations.extend(row.basis for row in version.levels)
    return articles_of(citations)


def describe(question: str, value: Any, lang: str = "zh") -> str:
    """An answer as a person reads it (level, severity and procedure by their Chinese/English names)."""
    index = 0 if lang == "zh" else 1
    if value is None:
        return "—"
    if question == "level" and value in LEVEL_NAMES:
        return f"{LEVEL_NAMES[value][index]} ({value})"
    if question == "severity" and value in SEVERITY_NAMES:
        return f"{SEVERITY_NAMES[value][index]} ({value})"
    if question == "procedure" and value in PROCEDURE_NAMES:
        return f"{PROCEDURE_NAMES[value][index]} ({value})"
    if question == "fine" and isinstance(value, dict):
        return (
            f"{value.get('min')} – {value.get('max')} 元"
            if lang == "zh"
            else f"{value.get('min')} – {value.get('max')} yuan"
        )
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value)) if value else "—"
    return str(value)


# -- graders --------------------------------------------------------------------


def _exact(result: QuestionResult, given: Any, want: Any) -> None:
    result.score = 1.0 if given == want else 0.0


def _boolean(result: QuestionResult, given: Any, want: Any) -> None:
    value = _as_bool(given)
    result.given = value
    result.score = 1.0 if value is not None and value == bool(want) else 0.0


def _ordinal(scale: tuple) -> Any:
    def grade_(result: QuestionResult, given: Any, want: Any) -> None:
        if given == want:
            result.score = 1.0
        elif given in scale and want in scale and abs(scale.index(given) - scale.index(want)) == 1:
            result.score = 0.5
            result.note = "one step away: half credit"
        else:
            result.score = 0.0

    return grade_


def _level(result: QuestionResult, given: Any, want: Any) -> None:
    if given == want:
        result.score = 1.0
    elif given in LEVEL_RANK and want in LEVEL_RANK and abs(LEVEL_RANK[given] - LEVEL_RANK[want]) == 1:
        result.score = 0.5
        result.note = "adjacent level: half credit"


def _coordination(result: QuestionResult, given: Any, want: Any) -> None:
    try:
        value = int(given)
    except (TypeError, ValueError):
        return
    result.given = value
    if value == want:
        result.score = 1.0
    elif want is not None and abs(value - want) == 1:
        result.score = 0.5
        result.note = "one level away: half credit"


def _fine(result: QuestionResult, given: Any, want: Any) -> None:
    try:
        amount = float(given)
    except (TypeError, ValueError):
        result.note = "not a number"
        return
    result.given = int(amount) if amount.is_integer() else amount
    if not want:
        result.score = 1.0 if amount == 0 else 0.0
        return
    low, high = want["min"], want["max"]
    if low <= amount <= high:
        result.score = 1.0
        return
    tolerance = max(FINE_TOLERANCE * high, FINE_TOLERANCE_MIN_YUAN)
    distance = low - amount if amount < low else amount - high
    if distance <= tolerance:
        result.score = 0.5
        result.note = f"outside the range by {distance:g} yuan (within {tolerance:g}): half credit"
    else:
        result.note = f"outside the range by {distance:g} yuan"


def _jaccard(result: QuestionResult, given: Any, want: Any) -> None:
    chosen = set(given if isinstance(given, (list, tuple, set)) else [given])
    right = set(want or [])
    result.given = sorted(chosen)
    if not chosen and not right:
        result.score = 1.0
        return
    result.score = len(chosen & right) / len(chosen | right)
    if 0 < result.score < 1:
        result.note = f"{len(chosen & right)} of {len(chosen | right)} in common: partial credit"


def _basis(result: QuestionResult, given: Any, want: Any) -> None:
    chosen = given if isinstance(given, (list, tuple, set)) else [given]
    chosen_articles = articles_of([str(c) for c in chosen])
    right = list(want or [])
    _jaccard(result, chosen_articles, right)
    result.given = chosen_articles
    result.missed_articles = [a for a in right if a not in chosen_articles]
    result.wrong_articles = [a for a in chosen_articles if a not in right]


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "是", "1", "y"):
            return True
        if text in ("false", "no", "否", "0", "n"):
            return False
    if isinstance(value, int):
        return bool(value)
    return None


_GRADERS = {
    "penalize": _boolean,
    "level": _level,
    "fine": _fine,
    "procedure": _exact,
    "hearing_right": _boolean,
    "legal_review": _boolean,
    "basis": _basis,
    "severity": _ordinal(SEVERITIES),
    "lead": _exact,
    "assist": _jaccard,
    "coordination_level": _coordination,
}
assert set(_GRADERS) == set(CASE_QUESTIONS) | set(REPORT_QUESTIONS) == set(QUESTION_NAMES)
assert tuple(LEVELS) == tuple(sorted(LEVEL_RANK, key=LEVEL_RANK.get))


def _default_engine():
    return get_engine()


def changed_answers(bank, before_engine, after_engine) -> list[dict]:
    """Scenarios whose expected answers differ between two rulebooks (for the rule lab's impact view).

    One row per changed question: scenario id, question, the answer before
    and after, and both rules versions. Scenarios the new rules cannot
    evaluate are listed with ``after`` set to the error message.
    """
    out = []
    for scenario in bank:
        before = expected_answers(scenario, before_engine).answers
        try:
            after = expected_answers(scenario, after_engine).answers
        except WorkbenchError as exc:
            out.append(
                {
                    "scenario": scenario.id,
                    "question": None,
                    "before": None,
                    "after": str(exc),
                    "before_version": before_engine.version,
                    "after_version": after_engine.version,
                }
            )
            continue
        for question in scenario.questions:
            if before.get(question) != after.get(question):
                out.append(
                    {
                        "scenario": scenario.id,
                        "question": question,
                        "before": before.get(question),
                        "after": after.get(question),
                        "before_version": before_engine.version,
                        "after_version": after_engine.version,
                    }
                )
    return out
