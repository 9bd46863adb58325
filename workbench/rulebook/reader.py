"""The schema checks every rule file shares: typed values read with their line, problems collected.

``Reader`` never raises: each check appends a ``Problem(path, line, message)``
and returns a value or None, so one pass reports every mistake of a file.
The file readers (``workbench.rulebook.loader``) build on it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from workbench.errors import Problem
from workbench.rulebook.model import CIRCUMSTANCES, OTHER_PENALTIES, PARTY_KINDS, REPORT_FLAGS
from workbench.rulebook.yamlsource import bad_date_line, line_of

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "matches")
STAGE_NAMES_BEFORE_BENCHMARK = ("bars", "mitigation")
# Fields of the event the engine builds from a case (docs/design.md).
CASE_FIELDS = {"violation", "party_kind", "party_age", "capacity", "elapsed_months", *CIRCUMSTANCES}
PROCEDURE_FIELDS = {"level", "fine_min", "fine_max", "has_other_penalty", "warning_only", "proposed"} | {
    f"other_{p}" for p in OTHER_PENALTIES
}
REPORT_FIELDS = {
    "category",
    "source",
    "key_road",
    "people_affected",
    "assist_count",
    "lead",
    "coordination_level",
    *REPORT_FLAGS,
}
CJK_RANGE = re.compile(r"\[[^\]]*[\u3400-\u9fff]-[\u3400-\u9fff][^\]]*\]")


class Reader:
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
            self.problems.append(
                Problem(
                    self.rel(path),
                    line,
                    f"{token or 'a value'} is not a valid date YYYY-MM-DD ({exc}); effective_from must be a date",
                )
            )
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
                self.err(
                    path,
                    self.line_of(node, key),
                    f"unknown key {key!r} in {what}; allowed: {', '.join(sorted(allowed))}",
                )
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
        if (
            not isinstance(name, CommentedMap)
            or not isinstance(name.get("zh"), str)
            or not isinstance(name.get("en"), str)
        ):
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
                parts = [
                    self.condition(path, c, self.line_of(spec, i, kline), fields, params, what)
                    for i, c in enumerate(spec)
                ]
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
                        self.err(
                            path, kline, f"{what}: unknown operator {op!r} on {key}; use one of {' '.join(OPERATORS)}"
                        )
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
                            self.err(
                                path,
                                kline,
                                f"{what}: a range of Chinese characters in a pattern crashes durable_rules; list the "
                                "characters",
                            )
                            ok = False
                            continue
                    if op in ("<", "<=", ">", ">=") and (
                        isinstance(value, bool) or not isinstance(value, (int, float))
                    ):
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
                    self.err(
                        path,
                        line,
                        f"{what}: unknown parameter {name!r}; define it under parameters: in provisions.yaml",
                    )
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


_BAD = object()


__all__ = ["Reader", "OPERATORS", "CJK_RANGE", "CASE_FIELDS", "PROCEDURE_FIELDS", "REPORT_FIELDS"]
