"""The scenario bank (培训情景库): YAML files in ``data/scenarios/``, loaded and checked.

A scenario holds a narrative, the engine input (a case, an event report or
both) and the questions to ask; never the answers, which grading asks the
engine for, so the bank stays right when the legal office changes a rule.

``validate_scenarios(dir)`` returns every problem as ``path:line: message``
(schema, unknown keys, unknown codes, inputs the engine refuses, questions
that do not apply); ``load_bank(dir)`` raises ``ScenarioBankError`` with that
list when there is any.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from workbench.config import settings
from workbench.engine import get_engine
from workbench.errors import InputError, Problem, RuleBookError, WorkbenchError
from workbench.rulebook.vocabulary import vocabulary
from workbench.rulebook.yamlsource import bad_date_line
from workbench.rulebook.yamlsource import line_of as _line
from workbench.rulebook.yamlsource import plain as _plain

# Questions a trainee can be asked; the report ones need an event report, the others a case.
REPORT_QUESTIONS = ("severity", "lead", "assist", "coordination_level")
CASE_QUESTIONS = ("penalize", "level", "fine", "procedure", "hearing_right", "legal_review", "basis")
QUESTIONS = REPORT_QUESTIONS + CASE_QUESTIONS
# Questions with no answer when the engine does not penalize (a bar of Art. 30/31/33/36 applies).
PENALTY_QUESTIONS = ("level", "fine", "procedure", "hearing_right", "legal_review")
QUESTION_NAMES = vocabulary().names("questions")  # question -> (zh, en), from rules/vocabulary.yaml
DIFFICULTIES = ("easy", "medium", "hard")
SCENARIO_KEYS = {"id", "title", "narrative", "case", "report", "questions", "tags", "note"}
REQUIRED_KEYS = {"id", "title", "narrative", "questions", "tags"}
TAG_KEYS = {"violation", "category", "department", "difficulty", "articles", "topics"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


class ScenarioBankError(WorkbenchError):
    """The scenario bank has problems (each ``path:line: message``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Scenario:
    id: str
    title: dict[str, str]
    narrative: dict[str, str]
    questions: tuple[str, ...]
    tags: dict[str, Any]
    case: dict | None = None
    report: dict | None = None
    note: str = ""
    path: str = ""
    line: int = 0

    @property
    def violation(self) -> str | None:
        return self.tags.get("violation") or (self.case or {}).get("violation")

    @property
    def category(self) -> str | None:
        return self.tags.get("category") or (self.report or {}).get("category")

    @property
    def department(self) -> str | None:
        return self.tags.get("department")

    @property
    def difficulty(self) -> str:
        return self.tags.get("difficulty", "medium")

    @property
    def topics(self) -> list[str]:
        return list(self.tags.get("topics") or [])

    @property
    def articles(self) -> list[str]:
        return list(self.tags.get("articles") or [])

    def to_dict(self) -> dict:
        """The scenario as it is written in YAML (key order of the bank files)."""
        out: dict[str, Any] = {"id": self.id, "title": dict(self.title), "narrative": dict(self.narrative)}
        if self.report is not None:
            out["report"] = self.report
        if self.case is not None:
            out["case"] = self.case
        out["questions"] = list(self.questions)
        out["tags"] = {k: v for k, v in self.tags.items() if v not in (None, "")}
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class Bank:
    scenarios: list[Scenario] = field(default_factory=list)
    root: str = ""

    def __iter__(self):
        return iter(self.scenarios)

    def __len__(self) -> int:
        return len(self.scenarios)

    def get(self, scenario_id: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise InputError("scenario", f"no scenario {scenario_id!r} in the bank {self.root}")

    def select(
        self,
        *,
        violation: str | None = None,
        category: str | None = None,
        department: str | None = None,
        difficulty: str | None = None,
        topic: str | None = None,
        article: str | None = None,
        question: str | None = None,
    ) -> list[Scenario]:
        """Scenarios carrying every given tag (an article matches by prefix: 行政处罚法 第三十条)."""
        out = []
        for s in self.scenarios:
            if violation and s.violation != violation:
                continue
            if category and s.category != category:
                continue
            if department and s.department != department:
                continue
            if difficulty and s.difficulty != difficulty:
                continue
            if topic and topic not in s.topics:
                continue
            if article and not any(a.startswith(article) or article.startswith(a) for a in s.articles):
                continue
            if question and question not in s.questions:
                continue
            out.append(s)
        return out


def default_scenarios_dir() -> Path:
    return settings().scenarios()


def load_bank(
    directory: str | Path | None = None, rules_dir: str | Path | None = None, check_engine: bool = True
) -> Bank:
    """Every scenario of ``directory``; raises ScenarioBankError listing all problems."""
    bank, problems = read_bank(directory, rules_dir=rules_dir, check_engine=check_engine)
    if problems:
        raise ScenarioBankError(problems)
    return bank


def validate_scenarios(directory: str | Path | None = None, rules_dir: str | Path | None = None) -> list[Problem]:
    """Every problem of the bank as ``Problem(path, line, message)``; empty when clean.

    Checks the schema (closed keys), ids, codes (violations, categories,
    departments against the rulebook), that the engine accepts each case and
    report, and that every question applies to what the scenario gives and to
    the engine's answer (e.g. no fine question where no penalty is imposed).
    When the rulebook itself is broken only the engine-free checks run (the
    rule problems are ``workbench check``'s to report).
    """
    return read_bank(directory, rules_dir=rules_dir)[1]


def read_bank(
    directory: str | Path | None = None, rules_dir: str | Path | None = None, check_engine: bool = True
) -> tuple[Bank, list[Problem]]:
    root = Path(directory) if directory is not None else default_scenarios_dir()
    checker = _Checker(root, _engine_or_none(rules_dir) if check_engine else None)
    bank = Bank(root=str(root))
    if not root.is_dir():
        return bank, [Problem(str(root), 0, "scenario directory not found")]
    files = sorted(p for p in root.glob("*.yaml") if p.is_file())
    if not files:
        checker.err(str(root), 0, "no scenario files (*.yaml) in this directory")
    for path in files:
        bank.scenarios.extend(checker.file(path))
    return bank, checker.problems


def scenario_from_dict(data: dict, path: str = "<app>", rules_dir: str | Path | None = None) -> Scenario:
    """A scenario written in the app: checked like a bank file; raises ScenarioBankError."""
    yaml = YAML(typ="rt")
    buffer = io.StringIO()
    yaml.dump(_plain(data), buffer)
    node = yaml.load(buffer.getvalue())
    checker = _Checker(Path("."), _engine_or_none(rules_dir))
    scenario = checker.scenario(path, node)
    if checker.problems or scenario is None:
        raise ScenarioBankError(checker.problems or [Problem(path, 1, "not a scenario")])
    return scenario


def dump_scenarios(scenarios: Iterable[Scenario], header: str) -> str:
    """YAML text of a bank file: a comment header (what the file is for), then the scenarios."""
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 4096
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump({"scenarios": [s.to_dict() for s in scenarios]}, buffer)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.strip().splitlines())
    return lines + "\n" + buffer.getvalue()


# -- checking -------------------------------------------------------------------


def _engine_or_none(rules_dir):
    try:
        return get_engine(rules_dir)
    except (RuleBookError, OSError):
        return None


class _Checker:
    """Collects problems with their lines; never raises on a bad scenario."""

    def __init__(self, root: Path, engine):
        self.root = root
        self.engine = engine
        self.book = engine.rulebook if engine is not None else None
        self.problems: list[Problem] = []
        self.seen_ids: dict[str, str] = {}
        self.yaml = YAML(typ="rt")

    def err(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent.parent))
        except ValueError:
            return str(path)

    def file(self, path: Path) -> list[Scenario]:
        where = self.rel(path)
        try:
            data = self.yaml.load(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            self.err(where, 1, f"not UTF-8 ({exc.reason}); save the file as UTF-8")
            return []
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            self.err(where, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', None) or exc}")
            return []
        except ValueError as exc:  # ruamel builds dates while parsing: 2025-13-01 lands here
            self.err(where, _bad_date_line(path), f"not a valid date ({exc}); write dates as YYYY-MM-DD")
            return []
        if not isinstance(data, CommentedMap):
            self.err(where, 1, "the file must be a mapping with one key, scenarios: [...]")
            return []
        for key in data:
            if key != "scenarios":
                self.err(where, _line(data, key), f"unknown top-level key {key!r}; a bank file has only 'scenarios'")
        items = data.get("scenarios")
        if not isinstance(items, CommentedSeq):
            self.err(where, _line(data, "scenarios"), "'scenarios' must be a list of scenarios")
            return []
        out = []
        for index, node in enumerate(items):
            if not isinstance(node, CommentedMap):
                self.err(where, _line(items, index), "each scenario must be a mapping (id, title, narrative, ...)")
                continue
            scenario = self.scenario(where, node)
            if scenario is not None:
                out.append(scenario)
        return out

    def scenario(self, where: str, node: CommentedMap) -> Scenario | None:
        start = len(self.problems)
        line = _line(node)
        for key in node:
            if key not in SCENARIO_KEYS:
                self.err(
                    where,
                    _line(node, key),
                    f"unknown key {key!r} in a scenario; allowed: {', '.join(sorted(SCENARIO_KEYS))}",
                )
        for key in sorted(REQUIRED_KEYS - set(node)):
            self.err(where, line, f"scenario lacks {key!r}")
        sid = node.get("id")
        if "id" in node:
            if not isinstance(sid, str) or not ID_PATTERN.match(sid):
                self.err(where, _line(node, "id"), f"id {sid!r} must be 2-64 characters of a-z, 0-9 and '-'")
            elif sid in self.seen_ids:
                self.err(where, _line(node, "id"), f"duplicate id {sid!r} (first at {self.seen_ids[sid]})")
            else:
                self.seen_ids[sid] = f"{where}:{_line(node, 'id')}"
        texts = {}
        for key in ("title", "narrative"):
            if key in node:
                texts[key] = self.bilingual(where, node, key)
        case = node.get("case")
        report = node.get("report")
        if "case" in node and not isinstance(case, CommentedMap):
            self.err(
                where,
                _line(node, "case"),
                "case must be a mapping in the engine's case format (violation, act_date, party, ...)",
            )
            case = None
        if "report" in node and not isinstance(report, CommentedMap):
            self.err(
                where,
                _line(node, "report"),
                "report must be a mapping in the engine's report format (category, source, received_at, ...)",
            )
            report = None
        if case is None and report is None and "case" not in node and "report" not in node:
            self.err(where, line, "a scenario needs a case, a report, or both")
        if isinstance(case, CommentedMap) and "decision_date" not in case:
            self.err(
                where,
                _line(node, "case"),
                "case lacks decision_date: without it the answer would change with today's date",
            )
        questions = self.questions(where, node, case is not None, report is not None)
        tags = self.tags(where, node, case, report)
        decision = self.run_engine(where, node, "case", case)
        self.run_engine(where, node, "report", report)
        if decision is not None and not decision.penalize:
            not_applicable = [q for q in questions if q in PENALTY_QUESTIONS and not (q == "level" and decision.level)]
            for q in not_applicable:
                self.err(
                    where,
                    _question_line(node, q),
                    f"question {q!r} does not apply: the engine does not penalize this case "
                    f"(reason {decision.reason}, rules {decision.rules_version}); ask penalize and basis instead",
                )
        if len(self.problems) > start:
            return None
        return Scenario(
            id=sid,
            title=texts["title"],
            narrative=texts["narrative"],
            questions=tuple(questions),
            tags=tags,
            case=_plain(case) if case is not None else None,
            report=_plain(report) if report is not None else None,
            note=str(node.get("note") or ""),
            path=where,
            line=line,
        )

    def bilingual(self, where: str, node: CommentedMap, key: str) -> dict[str, str]:
        value = node.get(key)
        if not isinstance(value, CommentedMap):
            self.err(where, _line(node, key), f"{key} must be {{zh: ..., en: ...}}")
            return {}
        for lang in value:
            if lang not in ("zh", "en"):
                self.err(where, _line(value, lang), f"unknown language {lang!r} in {key}; use zh and en")
        out = {}
        for lang in ("zh", "en"):
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.err(
                    where, _line(value, lang) if lang in value else _line(node, key), f"{key} lacks its {lang} text"
                )
            else:
                out[lang] = text.strip()
        return out

    def questions(self, where: str, node: CommentedMap, has_case: bool, has_report: bool) -> list[str]:
        value = node.get("questions")
        if "questions" not in node:
            return []
        if not isinstance(value, CommentedSeq) or not value:
            self.err(
                where, _line(node, "questions"), f"questions must be a non-empty list from: {', '.join(QUESTIONS)}"
            )
            return []
        out = []
        for index, q in enumerate(value):
            qline = _line(value, index)
            if q not in QUESTIONS:
                self.err(where, qline, f"unknown question {q!r}; known: {', '.join(QUESTIONS)}")
            elif q in out:
                self.err(where, qline, f"question {q!r} is asked twice")
            elif q in REPORT_QUESTIONS and not has_report:
                self.err(where, qline, f"question {q!r} needs an event report, and this scenario has none")
            elif q in CASE_QUESTIONS and not has_case:
                self.err(where, qline, f"question {q!r} needs a case, and this scenario has none")
            else:
                out.append(q)
        return out

    def tags(self, where: str, node: CommentedMap, case, report) -> dict:
        value = node.get("tags")
        if "tags" not in node:
            return {}
        if not isinstance(value, CommentedMap):
            self.err(
                where,
                _line(node, "tags"),
                "tags must be a mapping (violation, category, department, difficulty, articles, topics)",
            )
            return {}
        for key in value:
            if key not in TAG_KEYS:
                self.err(where, _line(value, key), f"unknown tag {key!r}; allowed: {', '.join(sorted(TAG_KEYS))}")
        if "department" not in value:
            self.err(where, _line(node, "tags"), "tags lack 'department' (the department whose officers this trains)")
        book = self.book
        violation = value.get("violation")
        if violation is not None:
            if book is not None and violation not in book.violations:
                self.err(
                    where,
                    _line(value, "violation"),
                    f"unknown violation code {violation!r}; known: {', '.join(sorted(book.violations))}",
                )
            if isinstance(case, dict) and case.get("violation") not in (None, violation):
                self.err(
                    where,
                    _line(value, "violation"),
                    f"tag violation {violation!r} differs from the case's {case.get('violation')!r}",
                )
        elif isinstance(case, dict):
            self.err(where, _line(node, "tags"), "tags lack 'violation' (the case's violation code)")
        category = value.get("category")
        if category is not None:
            if book is not None and book.category(category) is None:
                self.err(
                    where,
                    _line(value, "category"),
                    f"unknown event category {category!r}; known: {', '.join(r.category for r in book.ownership)}",
                )
            if isinstance(report, dict) and report.get("category") not in (None, category):
                self.err(
                    where,
                    _line(value, "category"),
                    f"tag category {category!r} differs from the report's {report.get('category')!r}",
                )
        elif isinstance(report, dict):
            self.err(where, _line(node, "tags"), "tags lack 'category' (the report's event category)")
        department = value.get("department")
        if department is not None and book is not None and book.departments and department not in book.departments:
            self.err(
                where,
                _line(value, "department"),
                f"unknown department code {department!r}; known: {', '.join(sorted(book.departments))}",
            )
        difficulty = value.get("difficulty", "medium")
        if difficulty not in DIFFICULTIES:
            self.err(
                where,
                _line(value, "difficulty"),
                f"difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}",
            )
        for key in ("articles", "topics"):
            items = value.get(key, [])
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                self.err(where, _line(value, key), f"{key} must be a list of text")
        articles = value.get("articles") or []
        for index, article in enumerate(articles if isinstance(articles, list) else []):
            if isinstance(article, str) and not ARTICLE.search(article):
                self.err(
                    where,
                    _line(articles, index),
                    f"article {article!r} should read like '行政处罚法 第三十条' (law, space, 第…条)",
                )
        return {k: _plain(v) for k, v in value.items() if k in TAG_KEYS} | {"difficulty": difficulty}

    def run_engine(self, where: str, node: CommentedMap, key: str, value):
        if self.engine is None or not isinstance(value, CommentedMap):
            return None
        try:
            if key == "case":
                return self.engine.decide(_plain(value))
            return self.engine.classify(_plain(value))
        except InputError as exc:
            self.err(
                where,
                _field_line(value, exc.field, _line(node, key)),
                f"{key}.{exc.field}: {str(exc).split(': ', 1)[-1]}",
            )
        except RuleBookError as exc:
            self.err(
                where,
                _line(node, key),
                f"the rules cannot decide this {key}: {exc.problems[0] if exc.problems else exc}",
            )
        return None


ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇0-9]+条")


def _field_line(node: CommentedMap, field_path: str, default: int) -> int:
    """The line of ``facts.area_m2`` (as the engine names a field) inside a case mapping."""
    current: Any = node
    line = default
    for part in field_path.split("."):
        if isinstance(current, CommentedMap) and part in current:
            line = _line(current, part)
            current = current[part]
        else:
            break
    return line


def _question_line(node: CommentedMap, question: str) -> int:
    questions = node.get("questions")
    if isinstance(questions, CommentedSeq) and question in questions:
        return _line(questions, list(questions).index(question))
    return _line(node, "questions")


def _bad_date_line(path: Path) -> int:
    return bad_date_line(path.read_text(encoding="utf-8"))[0]
