"""The review checklist (案卷评查标准) from ``rules/review.yaml``: load and validate.

``validate_review_rules(path)`` returns every problem with ``path:line`` so a
legal officer sees them all at once (``workbench check`` calls it);
``load_checklist(path)`` returns the typed checklist or raises ``RuleBookError``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from workbench.errors import Problem, RuleBookError
from workbench.rulebook.loader import default_rules_dir
from workbench.rulebook.vocabulary import vocabulary
from workbench.rulebook.yamlsource import line_of as _line

TOTAL_POINTS = 100
SECTION_CODES = ("subject", "facts", "evidence", "law", "procedure", "discretion", "documents", "archiving")
SECTION_ZH = {
    "subject": "主体",
    "facts": "事实",
    "evidence": "证据",
    "law": "法律适用",
    "procedure": "程序",
    "discretion": "裁量",
    "documents": "文书",
    "archiving": "归档",
}
GRADE_CODES = ("excellent", "good", "pass", "fail")
# Parameters the pre-checks and sampling read; each must be defined.
REQUIRED_PARAMETERS = (
    "excellent_min",
    "good_min",
    "pass_min",
    "min_officers",
    "decision_limit_days",
    "service_limit_working_days",
    "summary_max_fine_person",
    "summary_max_fine_organisation",
    "sample_confidence",
    "sample_margin",
    "sample_expected_defect_rate",
    "sample_min_per_department",
    "risk_weight_with_findings",
)


@dataclass(frozen=True)
class Item:
    """A deduction item (扣分项) of a section."""

    code: str
    section: str
    zh: str
    en: str
    points: float
    basis: str
    source: str = ""
    repeatable: bool = False
    precheck: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Veto:
    """A veto item (否决项): the file scores 0 and fails."""

    code: str
    zh: str
    en: str
    basis: str
    source: str = ""
    precheck: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Section:
    code: str
    zh: str
    en: str
    points: float
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Grade:
    code: str
    zh: str
    en: str
    min_score: float
    source: str = ""


@dataclass
class Checklist:
    path: str
    version: str  # content hash of review.yaml (12 hex)
    sections: tuple[Section, ...]
    vetoes: tuple[Veto, ...]
    grades: tuple[Grade, ...]  # highest first
    parameters: dict[str, float]
    parameter_sources: dict[str, str] = field(default_factory=dict)

    @property
    def items(self) -> dict[str, Item]:
        return {i.code: i for s in self.sections for i in s.items}

    @property
    def veto_codes(self) -> dict[str, Veto]:
        return {v.code: v for v in self.vetoes}

    def by_precheck(self, finding_code: str) -> Item | Veto | None:
        """The deduction or veto item a pre-check finding proposes."""
        for veto in self.vetoes:
            if veto.precheck == finding_code:
                return veto
        for item in self.items.values():
            if item.precheck == finding_code:
                return item
        return None

    def grade_for(self, score: float) -> Grade:
        for grade in self.grades:
            if score >= grade.min_score:
                return grade
        return self.grades[-1]

    def param(self, name: str) -> float:
        return self.parameters[name]


def default_review_path() -> Path:
    return default_rules_dir() / "review.yaml"


def load_checklist(path: str | Path | None = None) -> Checklist:
    """Load and validate; raise RuleBookError listing every problem."""
    path = Path(path) if path is not None else default_review_path()
    data = path.read_bytes() if path.exists() else b""
    return _load_cached(str(path), hashlib.sha256(data).hexdigest())


@lru_cache(maxsize=8)
def _load_cached(path: str, digest: str) -> Checklist:
    checklist, problems = read_checklist(Path(path))
    if problems:
        raise RuleBookError(problems)
    return checklist


def validate_review_rules(path: str | Path) -> list[Problem]:
    """Every problem of ``path`` (rules/review.yaml) as ``Problem(path, line, message)``."""
    return read_checklist(Path(path))[1]


def read_checklist(path: Path) -> tuple[Checklist | None, list[Problem]]:
    reader = _Reader(path)
    checklist = reader.read()
    return checklist, reader.problems


# -- the reader -----------------------------------------------------------------


def _finding_codes() -> tuple[str, ...]:
    """The pre-check findings (rules/vocabulary.yaml) an item may name under ``precheck:``."""
    return vocabulary().codes("findings")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.rel = self._rel(path)
        self.problems: list[Problem] = []

    @staticmethod
    def _rel(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(path.resolve().parents[1]))
        except (ValueError, IndexError):
            return str(path)

    def err(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, message))

    def closed(self, node: CommentedMap, allowed: set[str], required: set[str], what: str) -> bool:
        ok = True
        for key in node:
            if key not in allowed:
                self.err(_line(node, key), f"unknown key {key!r} in {what}; allowed: {', '.join(sorted(allowed))}")
                ok = False
        for key in sorted(required - set(node)):
            self.err(_line(node), f"{what} lacks {key!r}")
            ok = False
        return ok

    def text(self, node: CommentedMap, key: str, what: str, required: bool = True) -> str:
        value = node.get(key)
        if value is None:
            if required:
                self.err(_line(node), f"{what} lacks {key!r}")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.err(_line(node, key), f"{what}: {key} must be non-empty text")
            return ""
        return str(value)

    def read(self) -> Checklist | None:
        if not self.path.exists():
            self.err(0, "file missing: the review checklist must be at rules/review.yaml")
            return None
        raw = self.path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.err(1, f"not UTF-8 ({exc.reason}); save the file as UTF-8")
            return None
        try:
            data = YAML(typ="rt").load(text)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            self.err(mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")
            return None
        if not isinstance(data, CommentedMap):
            self.err(1, "the file must be a mapping (key: value) at the top")
            return None
        self.closed(
            data,
            {"parameters", "grades", "vetoes", "sections"},
            {"parameters", "grades", "vetoes", "sections"},
            "review.yaml",
        )
        params, sources = self.parameters(data.get("parameters"), data)
        grades = self.grades(data.get("grades"), data, params)
        finding_codes = set(_finding_codes())
        seen: dict[str, int] = {}
        vetoes = self.vetoes(data.get("vetoes"), data, finding_codes, seen)
        sections = self.sections(data.get("sections"), data, finding_codes, seen)
        self.precheck_coverage(vetoes, sections, finding_codes, data)
        if self.problems:
            return None
        return Checklist(
            path=str(self.path),
            version=hashlib.sha256(raw).hexdigest()[:12],
            sections=tuple(sections),
            vetoes=tuple(vetoes),
            grades=tuple(grades),
            parameters=params,
            parameter_sources=sources,
        )

    def parameters(self, node: Any, parent: CommentedMap) -> tuple[dict[str, float], dict[str, str]]:
        params: dict[str, float] = {}
        sources: dict[str, str] = {}
        if not isinstance(node, CommentedMap):
            if "parameters" in parent:
                self.err(_line(parent, "parameters"), "parameters must be a mapping of name: {value, unit, source}")
            return params, sources
        for name, spec in node.items():
            what = f"parameter {name}"
            if not isinstance(spec, CommentedMap):
                self.err(_line(node, name), f"{what} must be a mapping {{value, unit, source}}")
                continue
            self.closed(spec, {"value", "unit", "source"}, {"value", "source"}, what)
            if not _number(spec.get("value")):
                self.err(_line(spec, "value"), f"{what}: value must be a number")
                continue
            self.text(spec, "source", what)
            params[str(name)] = float(spec["value"])
            sources[str(name)] = str(spec.get("source", ""))
        for name in REQUIRED_PARAMETERS:
            if name not in params and name not in node:
                self.err(
                    _line(parent, "parameters"), f"parameter {name!r} is missing; the pre-checks and sampling need it"
                )
        for name in ("sample_confidence", "sample_margin", "sample_expected_defect_rate"):
            if name in params and not 0 < params[name] < 1:
                self.err(_line(node, name), f"parameter {name} must lie between 0 and 1 (exclusive)")
        return params, sources

    def grades(self, node: Any, parent: CommentedMap, params: dict[str, float]) -> list[Grade]:
        grades: list[Grade] = []
        if not isinstance(node, CommentedSeq):
            if "grades" in parent:
                self.err(_line(parent, "grades"), "grades must be a list")
            return grades
        for index, row in enumerate(node):
            if not isinstance(row, CommentedMap):
                self.err(_line(node, index), "each grade must be a mapping {code, zh, en, min_score}")
                continue
            what = f"grade {row.get('code', index + 1)}"
            self.closed(row, {"code", "zh", "en", "min_score"}, {"code", "zh", "en", "min_score"}, what)
            code = row.get("code")
            if code not in GRADE_CODES:
                self.err(_line(row, "code"), f"{what}: code must be one of {', '.join(GRADE_CODES)}")
            value = row.get("min_score")
            source = ""
            if isinstance(value, CommentedMap) and set(value) == {"param"}:
                name = value["param"]
                if name not in params:
                    self.err(
                        _line(row, "min_score"), f"{what}: unknown parameter {name!r}; define it under parameters:"
                    )
                    continue
                source = f"param {name}"
                value = params[name]
            if not _number(value) or not 0 <= value <= TOTAL_POINTS:
                self.err(
                    _line(row, "min_score"),
                    f"{what}: min_score must be a number from 0 to {TOTAL_POINTS} or {{param: name}}",
                )
                continue
            grades.append(
                Grade(str(code), self.text(row, "zh", what), self.text(row, "en", what), float(value), source)
            )
        codes = [g.code for g in grades]
        if sorted(codes) != sorted(GRADE_CODES) and len(grades) == len(node):
            self.err(
                _line(parent, "grades"),
                f"grades must be exactly {', '.join(GRADE_CODES)} once each (优秀/良好/合格/不合格)",
            )
        for higher, lower in zip(grades, grades[1:]):
            if higher.min_score <= lower.min_score:
                self.err(
                    _line(parent, "grades"),
                    f"grade {lower.code} must have a lower min_score than {higher.code} (listed highest first)",
                )
        if grades and grades[-1].min_score != 0:
            self.err(_line(parent, "grades"), "the last grade must have min_score 0 so every score has a grade")
        return grades

    def vetoes(self, node: Any, parent: CommentedMap, finding_codes: set[str], seen: dict[str, int]) -> list[Veto]:
        vetoes: list[Veto] = []
        if not isinstance(node, CommentedSeq):
            if "vetoes" in parent:
                self.err(_line(parent, "vetoes"), "vetoes must be a list")
            return vetoes
        for index, row in enumerate(node):
            if not isinstance(row, CommentedMap):
                self.err(_line(node, index), "each veto must be a mapping")
                continue
            what = f"veto {row.get('code', index + 1)}"
            self.closed(row, {"code", "zh", "en", "basis", "source", "precheck"}, {"code", "zh", "en", "basis"}, what)
            code = self.code(row, what, seen)
            precheck = self.precheck(row, what, finding_codes)
            vetoes.append(
                Veto(
                    code,
                    self.text(row, "zh", what),
                    self.text(row, "en", what),
                    self.text(row, "basis", what),
                    self.text(row, "source", what, required=False),
                    precheck,
                    _line(row),
                )
            )
        return vetoes

    def sections(self, node: Any, parent: CommentedMap, finding_codes: set[str], seen: dict[str, int]) -> list[Section]:
        sections: list[Section] = []
        if not isinstance(node, CommentedSeq):
            if "sections" in parent:
                self.err(_line(parent, "sections"), "sections must be a list")
            return sections
        total = 0.0
        for index, row in enumerate(node):
            if not isinstance(row, CommentedMap):
                self.err(_line(node, index), "each section must be a mapping")
                continue
            code = row.get("code")
            what = f"section {code or index + 1}"
            self.closed(row, {"code", "zh", "en", "points", "items"}, {"code", "zh", "en", "points", "items"}, what)
            if code not in SECTION_CODES:
                self.err(_line(row, "code"), f"{what}: code must be one of {', '.join(SECTION_CODES)}")
            elif code in [s.code for s in sections]:
                self.err(_line(row, "code"), f"{what}: section listed twice")
            points = row.get("points")
            if not _number(points) or points <= 0:
                self.err(_line(row, "points"), f"{what}: points must be a positive number")
                points = 0
            total += points
            items = []
            raw_items = row.get("items")
            if not isinstance(raw_items, CommentedSeq) or not raw_items:
                self.err(_line(row, "items"), f"{what}: items must be a non-empty list of deduction items")
                raw_items = []
            for j, item in enumerate(raw_items):
                if not isinstance(item, CommentedMap):
                    self.err(_line(raw_items, j), f"{what}: each item must be a mapping")
                    continue
                iwhat = f"item {item.get('code', j + 1)}"
                self.closed(
                    item,
                    {"code", "zh", "en", "points", "basis", "source", "repeatable", "precheck"},
                    {"code", "zh", "en", "points", "basis"},
                    iwhat,
                )
                icode = self.code(item, iwhat, seen)
                ipoints = item.get("points")
                if not _number(ipoints) or ipoints <= 0:
                    self.err(_line(item, "points"), f"{iwhat}: points must be a positive number")
                    ipoints = 0
                elif points and ipoints > points:
                    self.err(
                        _line(item, "points"), f"{iwhat}: deducts {ipoints} but section {code} has only {points} points"
                    )
                repeatable = item.get("repeatable", False)
                if not isinstance(repeatable, bool):
                    self.err(_line(item, "repeatable"), f"{iwhat}: repeatable must be true or false")
                    repeatable = False
                items.append(
                    Item(
                        icode,
                        str(code),
                        self.text(item, "zh", iwhat),
                        self.text(item, "en", iwhat),
                        float(ipoints),
                        self.text(item, "basis", iwhat),
                        self.text(item, "source", iwhat, required=False),
                        repeatable,
                        self.precheck(item, iwhat, finding_codes),
                        _line(item),
                    )
                )
            sections.append(
                Section(str(code), self.text(row, "zh", what), self.text(row, "en", what), float(points), tuple(items))
            )
        if sections and abs(total - TOTAL_POINTS) > 1e-9:
            self.err(
                _line(parent, "sections"),
                f"section points sum to {total:g}, not {TOTAL_POINTS}; adjust the sections' points",
            )
        return sections

    def code(self, node: CommentedMap, what: str, seen: dict[str, int]) -> str:
        code = node.get("code")
        if not isinstance(code, str) or not code.replace("_", "").isalnum() or not code.isascii():
            self.err(_line(node, "code"), f"{what}: code must be snake_case ASCII")
            return str(code)
        if code in seen:
            self.err(_line(node, "code"), f"{what}: code {code!r} already used at line {seen[code]}")
        else:
            seen[code] = _line(node, "code")
        return code

    def precheck(self, node: CommentedMap, what: str, finding_codes: set[str]) -> str | None:
        value = node.get("precheck")
        if value is None:
            return None
        if value not in finding_codes:
            self.err(
                _line(node, "precheck"),
                f"{what}: unknown pre-check {value!r}; known: {', '.join(sorted(finding_codes))}",
            )
            return None
        return str(value)

    def precheck_coverage(
        self, vetoes: list[Veto], sections: list[Section], finding_codes: set[str], data: CommentedMap
    ) -> None:
        used: dict[str, str] = {}
        for entry in [*vetoes, *(i for s in sections for i in s.items)]:
            if entry.precheck is None:
                continue
            if entry.precheck in used:
                self.err(
                    entry.line,
                    f"pre-check {entry.precheck!r} proposes both {used[entry.precheck]} and {entry.code}; "
                    "one item per finding",
                )
            used[entry.precheck] = entry.code
        if vetoes or sections:
            for code in sorted(finding_codes - set(used)):
                self.err(1, f"pre-check {code!r} proposes no item: add `precheck: {code}` to a deduction or veto item")
