"""Reading reviewable YAML with its line numbers: shared by every file a person edits
(the rulebook, the review checklist, the scenario bank)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ruamel.yaml.comments import CommentedSeq

__all__ = ["line_of", "plain", "bad_date_line"]

_DATE = re.compile(r"\b(\d{4}-\d{1,2}-\d{1,2})\b")


def line_of(node: Any, key: Any = None, default: int = 1) -> int:
    """1-based line of ``node`` (or of its ``key`` / item index) in the file it was read from."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return default
    try:
        if key is None:
            return lc.line + 1
        if isinstance(node, CommentedSeq):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1


def plain(value: Any) -> Any:
    """ruamel containers and dates to plain Python (dates as ISO text, whole floats as ints)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        exact = value.second or value.microsecond
        return value.isoformat() if exact else value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else float(value)
    if isinstance(value, str):
        return str(value)
    return value


def bad_date_line(text: str) -> tuple[int, str]:
    """Line and text of the first impossible date (ruamel fails on it while parsing)."""
    for number, line in enumerate(text.splitlines(), 1):
        for token in _DATE.findall(line):
            try:
                dt.date.fromisoformat(token)
            except ValueError:
                return number, token
    return 1, ""
