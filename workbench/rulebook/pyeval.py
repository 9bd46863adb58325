"""Plain-Python evaluation of rules-file conditions, for lint and bulk speed.

The answers users see come from durable_rules (``durable.py``). This twin
exists because the linter must evaluate tens of thousands of probe points and
the impact view whole case histories; ``tests/test_one_engine.py`` proves on
thousands of generated cases that both give the same decisions.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["holds", "first_match", "all_matches", "atoms"]


def holds(when: dict, event: dict) -> bool:
    """Whether the condition holds for the event (a missing field never matches)."""
    for key, spec in when.items():
        if key == "any":
            if not any(holds(c, event) for c in spec):
                return False
        elif key == "all":
            if not all(holds(c, event) for c in spec):
                return False
        elif isinstance(spec, dict):
            if key not in event:
                return False
            value = event[key]
            for op, target in spec.items():
                if not _compare(op, value, target):
                    return False
        else:
            if key not in event or not _equal(event[key], spec):
                return False
    return True


def first_match(rows, event: dict):
    """Id of the first row whose ``when`` holds, or None."""
    for row in rows:
        if holds(row.when, event):
            return row.id
    return None


def all_matches(rows, event: dict) -> list:
    return [row.id for row in rows if holds(row.when, event)]


def atoms(when: dict):
    """Every (field, operator, value) comparison in a condition, through any/all."""
    for key, spec in when.items():
        if key in ("any", "all"):
            for c in spec:
                yield from atoms(c)
        elif isinstance(spec, dict):
            for op, target in spec.items():
                yield key, op, target
        else:
            yield key, "==", spec


def _equal(value: Any, target: Any) -> bool:
    if isinstance(value, str) or isinstance(target, str):
        return isinstance(value, str) and isinstance(target, str) and value == target
    return value == target


def _compare(op: str, value: Any, target: Any) -> bool:
    if op == "==":
        return _equal(value, target)
    if op == "!=":
        return not _equal(value, target)
    if op == "in":
        return any(_equal(value, t) for t in target)
    if op == "matches":
        return isinstance(value, str) and re.fullmatch(target, value) is not None
    if isinstance(value, (bool, str)) or value is None:
        return False
    if op == "<":
        return value < target
    if op == "<=":
        return value <= target
    if op == ">":
        return value > target
    if op == ">=":
        return value >= target
    raise ValueError(f"unknown operator {op}")
