"""Load `rules/` into a typed RuleBook, collecting every problem with its line.

Nothing here raises on the first mistake: a legal officer fixing a file wants
all of its problems at once. ``load_rulebook`` raises ``RuleBookError`` with
the whole list when there is any; the lint checks (overlaps, gaps, fines)
live in ``lint.py`` and run on a rulebook that loaded.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from workbench.config import settings
from workbench.errors import Problem, RuleBookError
from workbench.rulebook.lint import lint
from workbench.rulebook.model import (
    SEVERITIES,
    Department,
    OwnershipRow,
    Parameter,
    RuleBook,
    RuleTest,
    Stage,
    StageRow,
    Where,
)
from workbench.rulebook.reader import CASE_FIELDS, OPERATORS, PROCEDURE_FIELDS, REPORT_FIELDS
from workbench.rulebook.violations import ViolationReader
from workbench.rulebook.vocabulary import FILE_NAME, read_vocabulary, vocabulary
from workbench.rulebook.yamlsource import plain


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
                Problem(
                    violation.where.path,
                    violation.where.line,
                    f"violation {code!r} has no benchmark: add rules/discretion/{code}.yaml",
                )
            )
    return book, reader.problems


def reread_benchmark(
    book: RuleBook, path: str | Path, root: str | Path | None = None
) -> tuple[RuleBook, list[Problem]]:
    """``book`` with one benchmark file read again (schema only; lint it with ``lint``).

    For the rule lab, where a draft changes one file and must be checked in
    well under a second: the rest of the rulebook is reused as loaded.
    """
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


class _Reader(ViolationReader):
    """The rule files, one method each, on the shared checks of ``Reader``."""

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
            self.closed(rel, row, {"code", "name", "kind", "restricts_liberty"}, {"code", "name", "kind"}, "department")
            code = self.text(rel, row, "code", "department")
            zh, en = self.names(rel, row, f"department {code}")
            if code in book.departments:
                self.err(rel, line, f"department {code!r} defined twice")
            kind = row.get("kind")
            if kind not in ("enforcement", "coordination", "approval"):
                self.err(
                    rel,
                    self.line_of(row, "kind"),
                    f"department {code}: kind must be enforcement, coordination or approval",
                )
            liberty = row.get("restricts_liberty", False)
            if not isinstance(liberty, bool):
                self.err(
                    rel,
                    self.line_of(row, "restricts_liberty"),
                    f"department {code}: restricts_liberty is true or false",
                )
                liberty = False
            book.departments[code] = Department(code, zh, en, str(kind), Where(rel, line), liberty)

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

    def stage(
        self, rel: str, node: CommentedMap, line: int, fields: set[str], params: dict, allow_defaults: bool
    ) -> Stage | None:
        if not self.closed(
            rel, node, {"stage", "mode", "rows", "defaults", "note"}, {"stage", "mode", "rows"}, "stage"
        ):
            return None
        name = str(node["stage"])
        mode = node.get("mode")
        if mode not in ("first", "all"):
            self.err(
                rel,
                self.line_of(node, "mode"),
                f"stage {name}: mode must be first (first matching row) or all (every matching row)",
            )
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
            if not self.closed(
                rel,
                row,
                {"id", "when", "set", "basis", "text", "in_force"},
                {"id", "when", "set", "basis"},
                f"stage {name} row",
            ):
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
            window = self.window(rel, row, what)
            if when is None or window is None:
                continue
            rows.append(
                StageRow(
                    rid,
                    when,
                    {k: plain(v) for k, v in sets.items()},
                    basis,
                    str(row.get("text", "")),
                    Where(rel, rline),
                    *window,
                )
            )
        return Stage(name, mode, rows, {k: plain(v) for k, v in defaults.items()}, Where(rel, line))

    def window(self, rel: str, row: CommentedMap, what: str) -> tuple[dt.date | None, dt.date | None] | None:
        """``in_force: {from: D, before: D}``: the days the text a row rests on was in force (before: exclusive,
        the day its successor took effect). None (after an error) when the window is malformed."""
        node = row.get("in_force")
        if node is None:
            return (None, None)
        line = self.line_of(row, "in_force")
        if not isinstance(node, dict) or not node or set(node) - {"from", "before"}:
            self.err(rel, line, f"{what}: in_force takes from: and/or before: dates (YYYY-MM-DD)")
            return None
        start, end = node.get("from"), node.get("before")
        for key, value in (("from", start), ("before", end)):
            if value is not None and not isinstance(value, dt.date):
                self.err(rel, line, f"{what}: in_force.{key} must be a date YYYY-MM-DD, not {value!r}")
                return None
        if start is not None and end is not None and end <= start:
            self.err(rel, line, f"{what}: in_force.before {end} is not after in_force.from {start}")
            return None
        return (start, end)

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
                    self.err(
                        rel,
                        self.line_of(row, "lead"),
                        f"{what}: unknown department {dept!r}; add it to departments.yaml",
                    )
            level = row.get("coordination_level")
            if level not in (1, 2, 3):
                self.err(rel, self.line_of(row, "coordination_level"), f"{what}: coordination_level must be 1, 2 or 3")
                continue
            hours = row.get("handle_within_hours")
            if isinstance(hours, bool) or not isinstance(hours, (int, float)) or hours <= 0:
                self.err(
                    rel,
                    self.line_of(row, "handle_within_hours"),
                    f"{what}: handle_within_hours must be a positive number",
                )
                continue
            book.ownership.append(
                OwnershipRow(
                    code,
                    zh,
                    en,
                    str(row["lead"]),
                    assist,
                    int(level),
                    float(hours),
                    self.basis(rel, row, what),
                    Where(rel, line),
                )
            )

    def severity(self, book: RuleBook) -> None:
        path = self.root / "severity.yaml"
        rel = self.rel(path)
        data = self.load(path)
        if data is None:
            return
        self.closed(
            rel, data, {"stage", "mode", "rows", "defaults", "note"}, {"stage", "mode", "rows"}, "severity.yaml"
        )
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
                    self.err(
                        rel,
                        row.where.line,
                        f"severity/{row.id}: cannot set {key!r}; set severity, coordination_level, escalate_to, "
                        "handle_within_hours",
                    )
            for dept in row.set.get("escalate_to") or ():
                if dept not in book.departments:
                    self.err(
                        rel,
                        row.where.line,
                        f"severity/{row.id}: unknown escalation target {dept!r}; add it to departments.yaml",
                    )
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
            keys = {"name", "decide", "classify", "expect", "note", "today"}
            if not self.closed(rel, row, keys, {"name", "expect"}, "test"):
                continue
            given, expect = plain(row[kinds[0]]), plain(row["expect"])
            if not isinstance(given, dict) or not isinstance(expect, dict) or not expect:
                self.err(rel, line, f"test {row.get('name')!r}: {kinds[0]} and expect must be non-empty mappings")
                continue
            if "refused" in expect and (set(expect) != {"refused"} or not isinstance(expect["refused"], dict)):
                self.err(rel, line, f"test {row.get('name')!r}: expect: {{refused: {{field: ...}}}} stands alone")
                continue
            today = row.get("today")
            if today is not None and not isinstance(today, dt.date):
                self.err(rel, line, f"test {row.get('name')!r}: today must be a date YYYY-MM-DD, not {today!r}")
                continue
            book.tests.append(RuleTest(str(row["name"]), kinds[0], given, expect, Where(rel, line), today))


__all__ = [
    "load_rulebook",
    "read_rulebook",
    "reread_benchmark",
    "default_rules_dir",
    "content_hash",
    "OPERATORS",
    "CASE_FIELDS",
    "PROCEDURE_FIELDS",
    "REPORT_FIELDS",
    "SEVERITIES",
]
