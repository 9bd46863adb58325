"""Load `rules/` into a typed RuleBook, collecting every problem with its line.

Nothing here raises on the first mistake: a legal officer fixing a file wants
all of its problems at once. ``load_rulebook`` raises ``RuleBookError`` with
the whole list when there is any; the lint checks (overlaps, gaps, fines)
live in ``lint.py`` and run on a rulebook that loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from workbench.config import settings
from workbench.errors import Problem, RuleBookError
from workbench.rulebook.model import (
    CIRCUMSTANCES,
    FACT_TYPES,
    LEVELS,
    OTHER_MEASURES,
    OTHER_PENALTIES,
    PARTY_KINDS,
    REPORT_FLAGS,
    SEVERITIES,
    Benchmark,
    BenchmarkVersion,
    Department,
    FactSpec,
    LevelRow,
    OwnershipRow,
    Parameter,
    RuleBook,
    RuleTest,
    Stage,
    StageRow,
    Violation,
    Where,
)
from workbench.rulebook.vocabulary import FILE_NAME, read_vocabulary, vocabulary
from workbench.rulebook.yamlsource import bad_date_line, line_of, plain

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "matches")
STAGE_NAMES_BEFORE_BENCHMARK = ("bars", "mitigation")
# Fields of the event the engine builds from a case (docs/design.md).
CASE_FIELDS = {"violation", "party_kind", "party_age", "capacity", "elapsed_months", *CIRCUMSTANCES}
PROCEDURE_FIELDS = {"level", "fine_min", "fine_max", "has_other_penalty", "warning_only", "proposed"} | {
    f"other_{p}" for p in OTHER_PENALTIES
}
REPORT_FIELDS = {"category", "source", "key_road", "people_affected", "assist_count", "lead", "coordination_level", *REPORT_FLAGS}
CJK_RANGE = re.compile(r"\[[^\]]*[\u3400-\u9fff]-[\u3400-\u9fff][^\]]*\]")


def default_rules_dir() -> Path:
    """``$WORKBENCH_RULES_DIR`` or the project's ``rules/``."""
    return settings().rules()


def rule_files(root: Path) -> list[Path]:
    """Every file that makes up the rulebook, in a stable order (for the content hash)."""
    files = [p for p in sorted(root.rglob("*.yaml")) if p.is_file()]
    return files


def content_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in rule_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def load_rulebook(root: str | Path | None = None) -> RuleBook:
    """Load, validate and lint ``root``; raise RuleBookError listing every problem."""
    from workbench.rulebook.lint import lint

    book, problems = read_rulebook(root)
    if not problems:
        problems = lint(book)
    if problems:
        raise RuleBookError(problems)
    return book


def read_rulebook(root: str | Path | None = None) -> tuple[RuleBook, list[Problem]]:
    """Load and validate the schema; return the book and the problems found."""
    root = Path(root) if root is not None else default_rules_dir()
    reader = _Reader(root)
    if not root.is_dir():
        reader.problems.append(Problem(str(root), 0, "rules directory not found; pass --rules DIR"))
        return RuleBook(root=str(root), version=""), reader.problems
    book = RuleBook(root=str(root), version=content_hash(root))
    reader.vocabulary(book)
    reader.departments(book)
    reader.provisions(book)
    reader.catalogue(book)
    for path in sorted((root / "discretion").glob("*.yaml")):
        reader.benchmark(book, path)
    reader.ownership(book)
    reader.severity(book)
    for path in sorted((root / "tests").glob("*.yaml")):
        reader.tests(book, path)
    for code, violation in book.violations.items():
        if code not in book.benchmarks:
            reader.problems.append(
                Problem(violation.where.path, violation.where.line, f"violation {code!r} has no benchmark: add rules/discretion/{code}.yaml")
            )
    return book, reader.problems


def reread_benchmark(book: RuleBook, path: str | Path, root: str | Path | None = None) -> tuple[RuleBook, list[Problem]]:
    """``book`` with one benchmark file read again (schema only; lint it with ``lint``).

    For the rule lab, where a draft changes one file and must be checked in
    well under a second: the rest of the rulebook is reused as loaded.
    """
    import copy

    path = Path(path)
    root = Path(root) if root is not None else Path(book.root)
    new = copy.copy(book)
    new.root = str(root)
    new.benchmarks = dict(book.benchmarks)
    new.benchmarks.pop(path.stem, None)
    reader = _Reader(root)
    reader.benchmark(new, path)
    new.version = content_hash(root)
    return new, reader.problems


class _Reader:
    """Schema checks with line numbers; appends to ``problems`` and never raises."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.yaml = YAML(typ="rt")

    # -- helpers ---------------------------------------------------------
    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def load(self, path: Path, required: bool = True) -> Any:
        if not path.exists():
            if required:
                self.problems.append(Problem(self.rel(path), 0, "file missing"))
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.problems.append(Problem(self.rel(path), 1, f"not UTF-8 ({exc.reason}); save the file as UTF-8"))
            return None
        try:
            data = self.yaml.load(text)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + 1 if mark else 1
            self.problems.append(Problem(self.rel(path), line, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
            return None
        except ValueError as exc:  # ruamel builds dates while parsing: 2025-13-01 lands here
            line, token = bad_date_line(text)
            self.problems.append(Problem(self.rel(path), line, f"{token or 'a value'} is not a valid date YYYY-MM-DD ({exc}); effective_from must be a date"))
            return None
        if not isinstance(data, CommentedMap):
            self.problems.append(Problem(self.rel(path), 1, "the file must be a mapping (key: value) at the top"))
            return None
        return data

    def err(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    line_of = staticmethod(line_of)

    def closed(self, path: str, node: CommentedMap, allowed: set[str], required: set[str], what: str) -> bool:
        ok = True
        for key in node:
            if key not in allowed:
                self.err(path, self.line_of(node, key), f"unknown key {key!r} in {what}; allowed: {', '.join(sorted(allowed))}")
                ok = False
        for key in sorted(required - set(node)):
            self.err(path, self.line_of(node), f"{what} lacks {key!r}")
            ok = False
        return ok

    def mapping(self, path: str, parent: Any, key: Any, what: str) -> CommentedMap | None:
        value = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(value, CommentedMap):
            self.err(path, self.line_of(parent, key), f"{what} must be a mapping")
            return None
        return value

    def seq(self, path: str, parent: Any, key: Any, what: str) -> CommentedSeq | None:
        value = parent.get(key)
        if not isinstance(value, CommentedSeq):
            self.err(path, self.line_of(parent, key), f"{what} must be a list")
            return None
        return value

    def text(self, path: str, node: CommentedMap, key: str, what: str, required: bool = True) -> str:
        value = node.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.err(path, self.line_of(node, key), f"{what}: {key} must be non-empty text")
            return ""
        return value.strip()

    def names(self, path: str, node: CommentedMap, what: str) -> tuple[str, str]:
        name = node.get("name")
        if not isinstance(name, CommentedMap) or not isinstance(name.get("zh"), str) or not isinstance(name.get("en"), str):
            self.err(path, self.line_of(node, "name"), f"{what}: name must be {{zh: ..., en: ...}}")
            return "", ""
        self.closed(path, name, {"zh", "en"}, {"zh", "en"}, f"{what} name")
        return name["zh"], name["en"]

    def money_range(self, path: str, node: Any, line: int, what: str, number=int) -> tuple | None:
        if (
            not isinstance(node, (list, CommentedSeq))
            or len(node) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in node)
        ):
            self.err(path, line, f"{what} must be [min, max] numbers")
            return None
        low, high = number(node[0]), number(node[1])
        if low < 0:
            self.err(path, line, f"{what}: minimum {low} is negative")
        if low > high:
            self.err(path, line, f"{what}: minimum {node[0]} is above maximum {node[1]}; swap them")
            return None
        return (low, high)

    def party_fines(self, path: str, parent: CommentedMap, key: str, what: str) -> dict | None:
        node = self.mapping(path, parent, key, f"{what} {key}")
        if node is None:
            return None
        self.closed(path, node, set(PARTY_KINDS), set(PARTY_KINDS), f"{what} {key}")
        fines = {}
        for kind in PARTY_KINDS:
            if kind in node:
                value = self.money_range(path, node[kind], self.line_of(node, kind), f"{what} {key}.{kind}")
                if value is not None:
                    fines[kind] = value
        return fines if len(fines) == len(PARTY_KINDS) else None

    def date(self, path: str, node: CommentedMap, key: str, what: str) -> dt.date | None:
        value = node.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, dt.date):
            self.err(path, self.line_of(node, key), f"{what}: {key} must be a date YYYY-MM-DD, not {node.get(key)!r}")
            return None
        return value

    def condition(self, path: str, node: Any, line: int, fields: set[str], params: dict, what: str) -> dict | None:
        """Validate a `when:` condition and return it with parameters resolved."""
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.err(path, line, f"{what}: when must be a mapping of field: value")
            return None
        out: dict = {}
        ok = True
        for key, spec in node.items():
            kline = self.line_of(node, key, line)
            if key in ("any", "all"):
                if not isinstance(spec, list) or not spec:
                    self.err(path, kline, f"{what}: {key} must be a non-empty list of conditions")
                    ok = False
                    continue
                parts = [self.condition(path, c, self.line_of(spec, i, kline), fields, params, what) for i, c in enumerate(spec)]
                if any(p is None for p in parts):
                    ok = False
                    continue
                out[key] = parts
                continue
            if key not in fields:
                self.err(path, kline, f"{what}: unknown field {key!r}; known here: {', '.join(sorted(fields))}")
                ok = False
                continue
            if isinstance(spec, dict):
                resolved = {}
                for op, value in spec.items():
                    if op not in OPERATORS:
                        self.err(path, kline, f"{what}: unknown operator {op!r} on {key}; use one of {' '.join(OPERATORS)}")
                        ok = False
                        continue
                    value = self.resolve(path, kline, value, params, what)
                    if value is _BAD:
                        ok = False
                        continue
                    if op == "in" and (not isinstance(value, list) or not value):
                        self.err(path, kline, f"{what}: 'in' on {key} needs a non-empty list")
                        ok = False
                        continue
                    if op == "matches":
                        if not isinstance(value, str):
                            self.err(path, kline, f"{what}: 'matches' on {key} needs a text pattern")
                            ok = False
                            continue
                        if CJK_RANGE.search(value):
                            self.err(path, kline, f"{what}: a range of Chinese characters in a pattern crashes durable_rules; list the characters")
                            ok = False
                            continue
                    if op in ("<", "<=", ">", ">=") and (isinstance(value, bool) or not isinstance(value, (int, float))):
                        self.err(path, kline, f"{what}: {op} on {key} needs a number, not {value!r}")
                        ok = False
                        continue
                    resolved[op] = list(value) if op == "in" else value
                out[key] = resolved
            else:
                value = self.resolve(path, kline, spec, params, what)
                if value is _BAD:
                    ok = False
                    continue
                if isinstance(value, (list, dict)):
                    self.err(path, kline, f"{what}: {key} must be compared with one value, or use {{in: [...]}}")
                    ok = False
                    continue
                out[key] = value
        return out if ok else None

    def resolve(self, path: str, line: int, value: Any, params: dict, what: str) -> Any:
        if isinstance(value, dict):
            if set(value) == {"param"} and isinstance(value["param"], str):
                name = value["param"]
                if name not in params:
                    self.err(path, line, f"{what}: unknown parameter {name!r}; define it under parameters: in provisions.yaml")
                    return _BAD
                return params[name].value
            self.err(path, line, f"{what}: a value may be a number, text, true/false or {{param: name}}")
            return _BAD
        if isinstance(value, list):
            return [self.resolve(path, line, v, params, what) for v in value]
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def basis(self, path: str, node: CommentedMap, what: str) -> str:
        value = node.get("basis")
        if not isinstance(value, str) or not value.strip():
            self.err(path, self.line_of(node), f"{what}: missing legal basis (basis: law, article, item)")
            return ""
        return value.strip()

    # -- files -----------------------------------------------------------
    def vocabulary(self, book: RuleBook) -> None:
        """rules/vocabulary.yaml, checked; a rules directory without one uses the project's."""
        path = self.root / FILE_NAME
        if not path.exists():
            book.vocabulary = vocabulary()
            return
        book.vocabulary, problems = read_vocabulary(path, self.rel(path))
        self.problems.extend(problems)

    def departments(self, book: RuleBook) -> None:
        path = self.root / "departments.yaml"
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"departments"}, {"departments"}, "departments.yaml")
        rows = self.seq(rel, data, "departments", "departments")
        for i, row in enumerate(rows or []):
            line = self.line_of(rows, i)
            if not isinstance(row, CommentedMap):
                self.err(rel, line, "each department must be a mapping")
                continue
            self.closed(rel, row, {"code", "name", "kind"}, {"code", "name", "kind"}, "department")
            code = self.text(rel, row, "code", "department")
            zh, en = self.names(rel, row, f"department {code}")
            if code in book.departments:
                self.err(rel, line, f"department {code!r} defined twice")
            kind = row.get("kind")
            if kind not in ("enforcement", "coordination", "approval"):
                self.err(rel, self.line_of(row, "kind"), f"department {code}: kind must be enforcement, coordination or approval")
            book.departments[code] = Department(code, zh, en, str(kind), Where(rel, line))

    def provisions(self, book: RuleBook) -> None:
        path = self.root / "provisions.yaml"
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"parameters", "stages"}, {"parameters", "stages"}, "provisions.yaml")
        params = self.mapping(rel, data, "parameters", "parameters") or {}
        for name, spec in params.items():
            line = self.line_of(params, name)
            if not isinstance(spec, CommentedMap):
                self.err(rel, line, f"parameter {name}: must be {{value, unit, source}}")
                continue
            self.closed(rel, spec, {"value", "unit", "source"}, {"value", "unit", "source"}, f"parameter {name}")
            value = spec.get("value")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.err(rel, self.line_of(spec, "value"), f"parameter {name}: value must be a number")
                continue
            source = self.text(rel, spec, "source", f"parameter {name}")
            book.parameters[name] = Parameter(name, value, str(spec.get("unit", "")), source, Where(rel, line))
        stages = self.seq(rel, data, "stages", "stages") or []
        fields = set(CASE_FIELDS) | {"mandatory_mitigation", "discretionary_mitigation"}
        seen_benchmark = False
        for i, node in enumerate(stages):
            line = self.line_of(stages, i)
            if not isinstance(node, CommentedMap):
                self.err(rel, line, "each stage must be a mapping")
                continue
            name = node.get("stage")
            if name == "procedure" or seen_benchmark:
                if not seen_benchmark:
                    fields |= PROCEDURE_FIELDS
                seen_benchmark = True
            stage = self.stage(rel, node, line, fields, book.parameters, allow_defaults=True)
            if stage is None:
                continue
            if any(s.name == stage.name for s in book.stages):
                self.err(rel, line, f"stage {stage.name!r} defined twice")
            book.stages.append(stage)
            for row in stage.rows:
                fields |= set(row.set)
            fields |= set(stage.defaults)
        for needed in ("bars", "mitigation", "procedure"):
            if book.stage(needed) is None:
                self.err(rel, 1, f"provisions.yaml needs a stage named {needed!r}")

    def stage(self, rel: str, node: CommentedMap, line: int, fields: set[str], params: dict, allow_defaults: bool) -> Stage | None:
        if not self.closed(rel, node, {"stage", "mode", "rows", "defaults", "note"}, {"stage", "mode", "rows"}, "stage"):
            return None
        name = str(node["stage"])
        mode = node.get("mode")
        if mode not in ("first", "all"):
            self.err(rel, self.line_of(node, "mode"), f"stage {name}: mode must be first (first matching row) or all (every matching row)")
            return None
        defaults = dict(node.get("defaults") or {})
        rows_node = self.seq(rel, node, "rows", f"stage {name} rows") or []
        rows: list[StageRow] = []
        ids: set[str] = set()
        for j, row in enumerate(rows_node):
            rline = self.line_of(rows_node, j)
            if not isinstance(row, CommentedMap):
                self.err(rel, rline, f"stage {name}: each row must be a mapping")
                continue
            if not self.closed(rel, row, {"id", "when", "set", "basis", "text"}, {"id", "when", "set", "basis"}, f"stage {name} row"):
                continue
            rid = str(row["id"])
            if rid in ids:
                self.err(rel, rline, f"stage {name}: row id {rid!r} used twice")
            ids.add(rid)
            what = f"{name}/{rid}"
            when = self.condition(rel, row.get("when"), self.line_of(row, "when"), fields, params, what)
            sets = row.get("set")
            if not isinstance(sets, dict) or not sets:
                self.err(rel, self.line_of(row, "set"), f"{what}: set must map output fields to values")
                continue
            basis = self.basis(rel, row, what)
            if when is None:
                continue
            rows.append(StageRow(rid, when, {k: plain(v) for k, v in sets.items()}, basis, str(row.get("text", "")), Where(rel, rline)))
        return Stage(name, mode, rows, {k: plain(v) for k, v in defaults.items()}, Where(rel, line))

    def catalogue(self, book: RuleBook) -> None:
        path = self.root / "catalogue.yaml"
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"violations"}, {"violations"}, "catalogue.yaml")
        rows = self.seq(rel, data, "violations", "violations") or []
        allowed = {"code", "name", "department", "offence_basis", "penalty_basis", "fine", "fine_rate", "other_penalties", "facts", "note"}
        for i, row in enumerate(rows):
            line = self.line_of(rows, i)
            if not isinstance(row, CommentedMap):
                self.err(rel, line, "each violation must be a mapping")
                continue
            self.closed(rel, row, allowed, {"code", "name", "department", "offence_basis", "penalty_basis", "facts"}, "violation")
            code = self.text(rel, row, "code", "violation")
            what = f"violation {code}"
            if code in book.violations:
                self.err(rel, line, f"{what} defined twice")
            zh, en = self.names(rel, row, what)
            dept = row.get("department")
            if book.departments and dept not in book.departments:
                self.err(rel, self.line_of(row, "department"), f"{what}: unknown department {dept!r}; add it to departments.yaml")
            fine = fine_rate = None
            if ("fine" in row) == ("fine_rate" in row):
                self.err(rel, line, f"{what}: give either fine (per party kind) or fine_rate (share of a fact)")
            elif "fine" in row:
                fine = self.party_fines(rel, row, "fine", what)
            else:
                rate = row["fine_rate"]
                if isinstance(rate, CommentedMap) and self.closed(rel, rate, {"of", "range"}, {"of", "range"}, f"{what} fine_rate"):
                    bounds = self.money_range(rel, rate["range"], self.line_of(rate, "range"), f"{what} fine_rate.range", number=float)
                    if bounds:
                        fine_rate = (str(rate["of"]), bounds[0], bounds[1])
                else:
                    self.err(rel, self.line_of(row, "fine_rate"), f"{what}: fine_rate must be {{of: fact, range: [low, high]}}")
            others = tuple(row.get("other_penalties") or ())
            for other in others:
                if other not in OTHER_PENALTIES + OTHER_MEASURES:
                    self.err(rel, self.line_of(row, "other_penalties"), f"{what}: unknown penalty {other!r}; known: {', '.join(OTHER_PENALTIES + OTHER_MEASURES)}")
            facts = {}
            fnode = row.get("facts")
            if isinstance(fnode, CommentedMap):
                for fname, spec in fnode.items():
                    fline = self.line_of(fnode, fname)
                    if not isinstance(spec, CommentedMap):
                        self.err(rel, fline, f"{what} fact {fname}: must be {{type, zh, en}}")
                        continue
                    self.closed(rel, spec, {"type", "zh", "en", "values", "min", "max"}, {"type", "zh", "en"}, f"{what} fact {fname}")
                    ftype = spec.get("type")
                    if ftype not in FACT_TYPES:
                        self.err(rel, self.line_of(spec, "type"), f"{what} fact {fname}: type must be one of {', '.join(FACT_TYPES)}")
                        continue
                    values = tuple(spec.get("values") or ())
                    if ftype == "enum" and not values:
                        self.err(rel, fline, f"{what} fact {fname}: an enum needs values: [...]")
                    if fname in CASE_FIELDS:
                        self.err(rel, fline, f"{what} fact {fname}: the name is taken by a case field; rename it")
                    facts[fname] = FactSpec(fname, ftype, str(spec.get("zh", "")), str(spec.get("en", "")), values, spec.get("min"), spec.get("max"))
            elif fnode is not None:
                self.err(rel, self.line_of(row, "facts"), f"{what}: facts must be a mapping")
            if fine_rate and fine_rate[0] not in facts:
                self.err(rel, self.line_of(row, "fine_rate"), f"{what}: fine_rate is of {fine_rate[0]!r}, which is not among its facts")
            book.violations[code] = Violation(
                code, zh, en, str(dept), self.text(rel, row, "offence_basis", what), self.text(rel, row, "penalty_basis", what),
                fine, fine_rate, others, facts, Where(rel, line),
            )

    def benchmark(self, book: RuleBook, path: Path) -> None:
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"violation", "versions"}, {"violation", "versions"}, "benchmark")
        code = data.get("violation")
        violation = book.violations.get(code)
        if violation is None:
            self.err(rel, self.line_of(data, "violation"), f"unknown violation {code!r}; it must be a code in catalogue.yaml")
            return
        if path.stem != code:
            self.err(rel, self.line_of(data, "violation"), f"file name {path.name} does not match violation {code}; rename it {code}.yaml")
        fields = CASE_FIELDS | {"mandatory_mitigation", "discretionary_mitigation"} | set(violation.facts)
        versions: list[BenchmarkVersion] = []
        vnodes = self.seq(rel, data, "versions", "versions") or []
        ids: set[str] = set()
        for i, vnode in enumerate(vnodes):
            vline = self.line_of(vnodes, i)
            if not isinstance(vnode, CommentedMap):
                self.err(rel, vline, "each version must be a mapping")
                continue
            self.closed(rel, vnode, {"effective_from", "reason", "levels", "published_by"}, {"effective_from", "levels"}, "version")
            day = self.date(rel, vnode, "effective_from", "version")
            if day is None:
                continue
            if versions and day <= versions[-1].effective_from:
                self.err(rel, self.line_of(vnode, "effective_from"), f"version {day} is not after the version before it ({versions[-1].effective_from}); keep versions oldest first")
            levels = []
            lnodes = self.seq(rel, vnode, "levels", f"version {day} levels") or []
            version_ids: set[str] = set()
            for j, lnode in enumerate(lnodes):
                lline = self.line_of(lnodes, j)
                if not isinstance(lnode, CommentedMap):
                    self.err(rel, lline, "each level row must be a mapping")
                    continue
                self.closed(rel, lnode, {"id", "level", "when", "fine", "fine_rate", "other_penalties", "basis", "note"}, {"id", "level", "when"}, "level row")
                rid = str(lnode.get("id"))
                what = f"{code}@{day}/{rid}"
                if rid in version_ids:
                    self.err(rel, lline, f"row id {rid!r} used twice in version {day}")
                version_ids.add(rid)
                ids.add(rid)
                level = lnode.get("level")
                if level not in LEVELS:
                    self.err(rel, self.line_of(lnode, "level"), f"{what}: level must be one of {', '.join(LEVELS)}")
                    continue
                fine = rate = None
                if violation.fine_rate:
                    if "fine_rate" not in lnode:
                        self.err(rel, lline, f"{what}: {code} is fined as a share of {violation.fine_rate[0]}; give fine_rate: [low, high]")
                        continue
                    rate = self.money_range(rel, lnode["fine_rate"], self.line_of(lnode, "fine_rate"), f"{what} fine_rate", number=float)
                else:
                    if "fine" not in lnode:
                        self.err(rel, lline, f"{what}: give fine: {{person: [min, max], organisation: [min, max]}}")
                        continue
                    fine = self.party_fines(rel, lnode, "fine", what)
                others = tuple(lnode.get("other_penalties") or ())
                for other in others:
                    if other not in OTHER_PENALTIES + OTHER_MEASURES:
                        self.err(rel, self.line_of(lnode, "other_penalties"), f"{what}: unknown penalty {other!r}")
                when = self.condition(rel, lnode.get("when"), self.line_of(lnode, "when"), fields, book.parameters, what)
                basis = self.basis(rel, lnode, what)
                if when is None or (fine is None and rate is None):
                    continue
                levels.append(LevelRow(rid, level, when, fine, rate, others, basis, Where(rel, lline)))
            versions.append(BenchmarkVersion(day, str(vnode.get("reason", "")), levels, Where(rel, vline)))
        if not versions:
            self.err(rel, 1, f"benchmark {code} has no versions")
            return
        book.benchmarks[code] = Benchmark(code, versions, rel)

    def ownership(self, book: RuleBook) -> None:
        path = self.root / "ownership.yaml"
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"categories"}, {"categories"}, "ownership.yaml")
        rows = self.seq(rel, data, "categories", "categories") or []
        required = {"category", "name", "lead", "assist", "coordination_level", "handle_within_hours", "basis"}
        for i, row in enumerate(rows):
            line = self.line_of(rows, i)
            if not isinstance(row, CommentedMap):
                self.err(rel, line, "each category must be a mapping")
                continue
            if not self.closed(rel, row, required | {"note"}, required, "category"):
                continue
            code = str(row["category"])
            what = f"category {code}"
            if book.category(code):
                self.err(rel, line, f"{what} is listed twice (overlapping rows); keep one")
                continue
            zh, en = self.names(rel, row, what)
            assist = tuple(row.get("assist") or ())
            for dept in (row.get("lead"), *assist):
                if dept not in book.departments:
                    self.err(rel, self.line_of(row, "lead"), f"{what}: unknown department {dept!r}; add it to departments.yaml")
            level = row.get("coordination_level")
            if level not in (1, 2, 3):
                self.err(rel, self.line_of(row, "coordination_level"), f"{what}: coordination_level must be 1, 2 or 3")
                continue
            hours = row.get("handle_within_hours")
            if isinstance(hours, bool) or not isinstance(hours, (int, float)) or hours <= 0:
                self.err(rel, self.line_of(row, "handle_within_hours"), f"{what}: handle_within_hours must be a positive number")
                continue
            book.ownership.append(OwnershipRow(code, zh, en, str(row["lead"]), assist, int(level), float(hours), self.basis(rel, row, what), Where(rel, line)))

    def severity(self, book: RuleBook) -> None:
        path = self.root / "severity.yaml"
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"stage", "mode", "rows", "defaults", "note"}, {"stage", "mode", "rows"}, "severity.yaml")
        stage = self.stage(rel, data, 1, set(REPORT_FIELDS), book.parameters, allow_defaults=False)
        if stage is None:
            return
        if stage.mode != "first":
            self.err(rel, self.line_of(data, "mode"), "severity: mode must be first")
        for row in stage.rows:
            severity = row.set.get("severity")
            if severity not in SEVERITIES:
                self.err(rel, row.where.line, f"severity/{row.id}: set.severity must be one of {', '.join(SEVERITIES)}")
            for key in row.set:
                if key not in ("severity", "coordination_level", "escalate_to", "handle_within_hours"):
                    self.err(rel, row.where.line, f"severity/{row.id}: cannot set {key!r}; set severity, coordination_level, escalate_to, handle_within_hours")
            for dept in row.set.get("escalate_to") or ():
                if dept not in book.departments:
                    self.err(rel, row.where.line, f"severity/{row.id}: unknown escalation target {dept!r}; add it to departments.yaml")
        book.severity = stage

    def tests(self, book: RuleBook, path: Path) -> None:
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(rel, data, {"tests"}, {"tests"}, "rule test file")
        rows = self.seq(rel, data, "tests", "tests") or []
        for i, row in enumerate(rows):
            line = self.line_of(rows, i)
            if not isinstance(row, CommentedMap):
                self.err(rel, line, "each test must be a mapping")
                continue
            kinds = [k for k in ("decide", "classify") if k in row]
            if len(kinds) != 1:
                self.err(rel, line, "a test needs exactly one of decide: {case} or classify: {report}")
                continue
            if not self.closed(rel, row, {"name", "decide", "classify", "expect", "note"}, {"name", "expect"}, "test"):
                continue
            given, expect = plain(row[kinds[0]]), plain(row["expect"])
            if not isinstance(given, dict) or not isinstance(expect, dict) or not expect:
                self.err(rel, line, f"test {row.get('name')!r}: {kinds[0]} and expect must be non-empty mappings")
                continue
            book.tests.append(RuleTest(str(row["name"]), kinds[0], given, expect, Where(rel, line)))


_BAD = object()


__all__ = ["load_rulebook", "read_rulebook", "reread_benchmark", "default_rules_dir", "content_hash", "OPERATORS", "CASE_FIELDS", "PROCEDURE_FIELDS", "REPORT_FIELDS",
           "SEVERITIES"]
