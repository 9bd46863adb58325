"""Drafts of a discretion benchmark: the rows a legal officer edits before publishing.

A draft is the level rows of one violation's benchmark (plain dicts in the
rules-file form: id, level, when, fine or fine_rate, other_penalties, basis)
plus the date it would take effect and the reason. It never touches
``rules/``: it is checked in a private copy of the rules directory whose
benchmark file is the published file with the draft appended as a new
version, exactly as publishing would write it (``candidate_text``). Loading,
lint and rule tests on that copy are the rulebook's and the engine's own
(``workbench.rulebook``, ``workbench.engine``, ``workbench.engine.ruletests``).

``--draft FILE`` for the CLI is a YAML file::

    violation: street_vending
    based_on: 3f2a...        # optional: sha256 of the published file the draft started from
    effective_from: 2026-01-01   # optional (the CLI's --effective-from wins)
    reason: ...              # optional
    levels: [ ...rows as in rules/discretion/<code>.yaml... ]

or a whole benchmark file (``violation`` + ``versions``), whose last version
is taken as the draft.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import tempfile
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from workbench.engine.inputs import parse_date
from workbench.errors import InputError, Problem, WorkbenchError
from workbench.rulebook import content_hash, default_rules_dir, lint, reread_benchmark
from workbench.rulebook.model import Benchmark, BenchmarkVersion, RuleBook, RuleTest

__all__ = [
    "Draft",
    "Feedback",
    "DraftWorkspace",
    "load_draft_file",
    "save_draft_file",
    "draft_from_published",
    "render_version",
    "append_version",
    "file_hash",
    "flow_text",
    "parse_flow",
    "benchmark_file",
    "ROW_KEYS",
]

ROW_KEYS = ("id", "level", "when", "fine", "fine_rate", "other_penalties", "basis", "note")


@dataclass
class Draft:
    """One violation's benchmark rows as edited; nothing here is published."""

    violation: str
    levels: list[dict]
    effective_from: dt.date | None = None
    reason: str = ""
    based_on: str | None = None  # sha256 of the published benchmark file it started from

    def copy(self) -> "Draft":
        return Draft(self.violation, copy.deepcopy(self.levels), self.effective_from, self.reason, self.based_on)


@dataclass
class Feedback:
    """What the lab shows beside the grid after an edit."""

    problems: list[Problem]  # every lint / schema problem of the draft version
    row_problems: dict[int, list[str]]  # row index (0-based) -> messages about that row
    general_problems: list[str]  # problems not tied to one row
    tests: list = field(default_factory=list)  # workbench.engine.ruletests.TestResult of this violation's tests
    engine: Any = None  # the draft engine (publish form), None when it does not load
    rules_version: str = ""  # content hash of the draft rules directory
    candidate: str = ""  # the benchmark file as publishing would write it

    @property
    def ok(self) -> bool:
        return not self.problems and all(t.passed for t in self.tests)

    @property
    def failed_tests(self) -> list:
        return [t for t in self.tests if not t.passed]


# --------------------------------------------------------------------------- files


def benchmark_file(rules_dir: str | Path, violation: str) -> Path:
    path = Path(rules_dir) / "discretion" / f"{violation}.yaml"
    if not path.is_file():
        raise InputError(
            "violation",
            f"no benchmark file {path}; known: {', '.join(sorted(p.stem for p in path.parent.glob('*.yaml')))}",
        )
    return path


def file_hash(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    y.allow_unicode = True
    return y


def plain(value: Any) -> Any:
    """ruamel containers and dates to plain Python (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read_versions(text: str, where: str = "benchmark") -> tuple[str, list[dict]]:
    """(violation code, versions as plain dicts) of a benchmark file's text."""
    try:
        data = YAML(typ="safe").load(text)
    except (YAMLError, ValueError) as exc:
        raise WorkbenchError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("versions"), list):
        raise WorkbenchError(f"{where}: a benchmark file needs violation: and versions: [...]")
    return str(data.get("violation")), [plain(v) for v in data["versions"]]


def draft_from_published(rules_dir: str | Path, violation: str) -> Draft:
    """A draft that starts as a copy of the version now in force (the last one)."""
    path = benchmark_file(rules_dir, violation)
    text = path.read_text(encoding="utf-8")
    _, versions = read_versions(text, str(path))
    last = versions[-1]
    levels = [{k: row[k] for k in ROW_KEYS if k in row} for row in last.get("levels") or []]
    return Draft(violation, levels, None, "", file_hash(text))


def load_draft_file(path: str | Path) -> Draft:
    """Read a ``--draft FILE`` (see the module docstring); raises InputError naming what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputError("draft", f"{path}: file not found")
    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except (YAMLError, ValueError) as exc:
        raise InputError("draft", f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not data.get("violation"):
        raise InputError("draft", f"{path}: needs violation: CODE and levels: [...] (or a whole benchmark file)")
    data = plain(data)
    effective = data.get("effective_from")
    if "versions" in data:
        versions = data["versions"]
        if not isinstance(versions, list) or not versions or not isinstance(versions[-1], dict):
            raise InputError("draft", f"{path}: versions must be a non-empty list")
        last = versions[-1]
        levels, effective, reason = last.get("levels"), last.get("effective_from"), last.get("reason", "")
    else:
        levels, reason = data.get("levels"), data.get("reason", "")
    if not isinstance(levels, list) or not levels:
        raise InputError("draft", f"{path}: levels must be a non-empty list of rows")
    return Draft(
        str(data["violation"]),
        levels,
        _as_date(effective, "effective_from") if effective else None,
        str(reason or ""),
        data.get("based_on"),
    )


def save_draft_file(draft: Draft, path: str | Path) -> Path:
    """Write a draft as a ``--draft FILE`` (for the CLI twin of the lab)."""
    node = CommentedMap()
    node["violation"] = draft.violation
    if draft.based_on:
        node["based_on"] = draft.based_on
    if draft.effective_from:
        node["effective_from"] = draft.effective_from
    if draft.reason:
        node["reason"] = draft.reason
    node["levels"] = _rows_node(draft.levels)
    out = io.StringIO()
    _yaml().dump(node, out)
    Path(path).write_text(out.getvalue(), encoding="utf-8")
    return Path(path)


def _as_date(value: Any, name: str) -> dt.date:
    day = parse_date(value, name)
    if day is None:
        raise InputError(name, "required, as YYYY-MM-DD")
    return day


# --------------------------------------------------------------------------- rendering


def render_version(
    levels: list[dict], effective_from: dt.date, reason: str = "", published_by: str = "", indent: int = 2
) -> str:
    """The YAML text of one version (a list item whose "- " is at column ``indent``), laid out like
    rules/discretion/."""
    node = CommentedMap()
    node["effective_from"] = effective_from
    if reason:
        node["reason"] = reason
    if published_by:
        node["published_by"] = published_by
    node["levels"] = _rows_node(levels)
    out = io.StringIO()
    _yaml().dump(CommentedSeq([node]), out)
    lines = out.getvalue().splitlines(keepends=True)
    shift = indent - (len(lines[0]) - len(lines[0].lstrip(" ")))  # move the "- " to column ``indent``
    if shift >= 0:
        return "".join(" " * shift + line if line.strip() else line for line in lines)
    return "".join(line[-shift:] if line.startswith(" " * -shift) else line for line in lines)


def append_version(
    original: str, levels: list[dict], effective_from: dt.date, reason: str = "", published_by: str = ""
) -> str:
    """The benchmark file with one more version at the end; everything before it byte for byte.

    The new version is rendered with ruamel.yaml in the file's own layout and
    appended to the text (a blank line before it, as between the existing
    versions); the result is parsed back to prove the old versions are
    unchanged and the new one is exactly the draft.
    """
    indent, before = _layout(original)
    block = render_version(levels, effective_from, reason, published_by, indent=indent)
    text = original if original.endswith("\n") else original + "\n"
    if not text.endswith("\n\n"):
        text += "\n"
    text += block
    _, after = read_versions(text)
    if (
        after[:-1] != before
        or len(after) != len(before) + 1
        or after[-1].get("effective_from") != effective_from.isoformat()
        or after[-1].get("levels") != plain(levels)
    ):
        raise WorkbenchError(
            "appending the new version would change the published versions; the file layout is unusual, edit it by hand"
        )
    return text


_layouts: dict[str, tuple[int, list[dict]]] = {}


def _layout(original: str) -> tuple[int, list[dict]]:
    """(column of the versions' "- ", the versions as plain data) of a published file; cached by content."""
    key = file_hash(original)
    if key not in _layouts:
        try:
            data = _yaml().load(original)
        except (YAMLError, ValueError) as exc:
            raise WorkbenchError(f"the published benchmark file is not valid YAML: {exc}") from None
        versions = data.get("versions") if isinstance(data, dict) else None
        if not isinstance(versions, CommentedSeq) or not versions:
            raise WorkbenchError("the published benchmark file has no versions: list")
        if list(data.keys())[-1] != "versions":
            raise WorkbenchError(
                "versions: must be the last key of a benchmark file, so a new version can be appended after it"
            )
        # lc gives the column of the item's content; its "- " is 2 before
        _layouts[key] = (max(versions.lc.item(0)[1] - 2, 0), [plain(v) for v in versions])
    indent, versions = _layouts[key]
    return indent, copy.deepcopy(versions)


def _rows_node(levels: list[dict]) -> CommentedSeq:
    rows = CommentedSeq()
    for row in levels:
        node = CommentedMap()
        for key in ROW_KEYS:
            if key in row and row[key] is not None and not (key in ("other_penalties", "note") and not row[key]):
                node[key] = _flow(row[key], top=(key == "when"))
        for key in row:
            if key not in ROW_KEYS:
                node[key] = _flow(row[key])
        rows.append(node)
    return rows


def _flow(value: Any, top: bool = False) -> Any:
    """Conditions, fines and lists in flow style ({a: 1}, [0, 50]); a top-level any/all list in block style."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[_key(k)] = _flow(v)
        if top and any(k in ("any", "all") for k in value):
            for k in ("any", "all"):
                if k in node:
                    node[k] = CommentedSeq([_flow(c) for c in value[k]])
            return node
        node.fa.set_flow_style()
        return node
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq([_flow(v) for v in value])
        seq.fa.set_flow_style()
        return seq
    return value


def _key(key: Any) -> Any:
    """Operator keys double-quoted as in the rule files: {"<": 3}."""
    return key if not isinstance(key, str) or _PLAIN.fullmatch(key) else DoubleQuotedScalarString(key)


_PLAIN = re.compile(r"[A-Za-z_\u3400-\u9fff][\w\u3400-\u9fff.-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def flow_text(value: Any) -> str:
    """One-line YAML of a condition or list, for a grid cell: ``{area_m2: {"<": 3}}``."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {flow_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow_text(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def parse_flow(text: str, what: str) -> Any:
    """A grid cell's YAML back to data; InputError naming the cell when it does not parse."""
    text = (text or "").strip()
    if not text:
        return {}
    try:
        value = YAML(typ="safe").load(text)
    except (YAMLError, ValueError) as exc:
        raise InputError(
            what, f"not valid YAML: {str(exc).splitlines()[0]}; write it like {{area_m2: {{'<': 3}}}}"
        ) from None
    return value


# --------------------------------------------------------------------------- the workspace


class DraftWorkspace:
    """A private copy of the published rules directory where drafts are checked.

    The copy is refreshed when the published rules change (their content
    hash), so a draft is always checked against what is in force. The draft's
    file is written as ``rules/discretion/<code>.yaml`` inside the copy, so
    problems read ``rules/discretion/<code>.yaml:LINE`` as in the real tree.
    """

    def __init__(self, rules_dir: str | Path | None = None):
        self.rules_dir = Path(rules_dir) if rules_dir is not None else default_rules_dir()
        self._tmp = Path(tempfile.mkdtemp(prefix="wb-lab-"))
        self.root = self._tmp / "rules"
        self._copied_hash = ""
        self._lock = threading.RLock()
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self._tmp), True)

    def close(self) -> None:
        self._finalizer()

    # -- published -----------------------------------------------------------
    def published_engine(self):
        from workbench.engine import get_engine

        return get_engine(self.rules_dir, strict=True)

    def published_text(self, violation: str) -> str:
        return benchmark_file(self.rules_dir, violation).read_text(encoding="utf-8")

    def candidate_text(self, draft: Draft, effective_from: dt.date | None = None, author: str = "") -> str:
        """The benchmark file as publishing ``draft`` would write it."""
        day = effective_from or draft.effective_from or self.default_effective_date(draft.violation)
        return append_version(self.published_text(draft.violation), draft.levels, day, draft.reason, author)

    def default_effective_date(self, violation: str) -> dt.date:
        """Tomorrow, or the day after the last version when that is later."""
        _, versions = _layout(self.published_text(violation))
        last = dt.date.fromisoformat(str(versions[-1]["effective_from"]))
        return max(dt.date.today() + dt.timedelta(days=1), last + dt.timedelta(days=1))

    # -- checking ------------------------------------------------------------
    def check(self, draft: Draft, effective_from: dt.date | None = None, run_tests: bool = True) -> Feedback:
        """Schema + lint of the draft version and the rule tests of its violation, on the draft copy.

        Fast path for every edit: only the draft's benchmark file is read
        again and only its new version is linted (the published versions
        loaded and linted when they were published). ``publish`` runs the full
        ``load_rulebook`` + every rule test instead.
        """
        with self._lock:
            published = self.published_engine()
            candidate = self.candidate_text(draft, effective_from)
            path = self._write(draft.violation, candidate)
            book, problems = self._read_benchmark(published.rulebook, path)
            row_lines = _row_lines(candidate)
            feedback = Feedback(problems=[], row_problems={}, general_problems=[], candidate=candidate)
            bench = book.benchmarks.get(draft.violation) if not problems else None
            if bench is not None and len(bench.versions) >= 1:
                newest = bench.versions[-1]
                sub = RuleBook(
                    root=book.root,
                    version=book.version,
                    departments=book.departments,
                    violations=book.violations,
                    benchmarks={draft.violation: Benchmark(draft.violation, [newest], bench.path)},
                    parameters=book.parameters,
                )
                problems = lint(sub)
            feedback.problems = list(problems)
            for problem in problems:
                index = (
                    _row_of(problem.line, row_lines)
                    if problem.path.endswith(f"discretion/{draft.violation}.yaml")
                    else None
                )
                if index is None:
                    feedback.general_problems.append(
                        f"{problem.path}:{problem.line}: {problem.message}" if problem.line else problem.message
                    )
                else:
                    feedback.row_problems.setdefault(index, []).append(problem.message)
            if problems:
                return feedback
            from workbench.engine import Engine

            feedback.engine = Engine(book)
            feedback.rules_version = book.version
            if run_tests:
                from workbench.engine.ruletests import run_rule_tests

                feedback.tests = run_rule_tests(feedback.engine, tests_of(book, draft.violation))
            return feedback

    def _write(self, violation: str, text: str) -> Path:
        self._refresh()
        path = self.root / "discretion" / f"{violation}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def _refresh(self) -> None:
        digest = content_hash(self.rules_dir)
        if digest != self._copied_hash:
            if self.root.exists():
                shutil.rmtree(self.root)
            shutil.copytree(self.rules_dir, self.root, ignore=shutil.ignore_patterns(".*"))
            self._copied_hash = digest
        else:  # put back any draft file of another violation checked before
            for path in (self.root / "discretion").glob("*.yaml"):
                original = self.rules_dir / "discretion" / path.name
                if original.exists() and path.read_bytes() != original.read_bytes():
                    shutil.copyfile(original, path)

    def _read_benchmark(self, published: RuleBook, path: Path) -> tuple[RuleBook, list[Problem]]:
        """The published rulebook with this one benchmark read again from ``path``."""
        return reread_benchmark(published, path, root=self.root)


def tests_of(book: RuleBook, violation: str) -> list[RuleTest]:
    """The rule tests that decide a case of ``violation``."""
    return [t for t in book.tests if t.kind == "decide" and t.given.get("violation") == violation]


def _row_lines(candidate: str) -> list[int]:
    """1-based first line of each level row of the last version (the block ``append_version`` rendered)."""
    lines = candidate.splitlines()
    start = max(i for i, line in enumerate(lines) if line.lstrip().startswith("- effective_from:"))
    levels_at = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("levels:"))
    row_indent = len(lines[levels_at]) - len(lines[levels_at].lstrip()) + 2
    return [
        i + 1
        for i in range(levels_at + 1, len(lines))
        if lines[i].startswith(" " * row_indent + "- ") and not lines[i].startswith(" " * (row_indent + 1))
    ]


def _row_of(line: int, row_lines: list[int]) -> int | None:
    index = None
    for j, start in enumerate(row_lines):
        if line >= start:
            index = j
    return index


def with_single_version(book: RuleBook, violation: str, version: BenchmarkVersion) -> RuleBook:
    """A copy of ``book`` whose benchmark of ``violation`` has only ``version`` (for what-if impact)."""
    out = copy.copy(book)
    out.benchmarks = dict(book.benchmarks)
    bench = book.benchmarks[violation]
    out.benchmarks[violation] = Benchmark(violation, [version], bench.path)
    return out


__all__ += ["tests_of", "with_single_version", "plain", "read_versions"]
