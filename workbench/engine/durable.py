"""The one module that talks to durable_rules.

Everything the rest of the Workbench needs from the engine is two questions
asked of a compiled *table* (an ordered list of rows with conditions):

* ``first_match(table, event)``: which row wins (an *event*, consumed by the
  lowest-``pri`` rule that matches, as durable_rules does for events);
* ``all_matches(table, event)``: which rows hold (a *fact*, which fires every
  matching rule).

durable_rules 2.0.28 has traps (see docs/design.md, "Known traps"); they are all
handled here and nowhere else:

* not thread-safe, and each Host runs a timer thread that can run actions on
  its own: ``_QuietHost`` never starts those threads, and one lock guards
  every call;
* each live session id keeps state and 1,024 of them exhaust a ruleset: every
  evaluation uses a fresh sid and deletes its state afterwards;
* an exception inside an action is stored in the state, not raised: the state
  is checked after every call;
* ``$ne`` silently never matches: the compiler emits ``$neq``;
* an action with two parameters is treated as asynchronous: actions take one;
* comparisons are loose and some numbers fail to parse: events are checked
  here to hold only booleans, ints, finite floats written plainly, and strings;
* rulesets cannot be replaced: each is registered once under its content hash.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import threading
from dataclasses import dataclass, field
from typing import Any

from durable import engine as _durable

from workbench.errors import EngineError

__all__ = ["Table", "Row", "compile_table", "first_match", "all_matches", "to_durable_condition"]

# Comparison operators of the rule files and their durable_rules names.
OPERATORS = {
    "==": None,  # plain equality: {"field": value}
    "!=": "$neq",  # never "$ne": durable_rules accepts it and never matches
    "<": "$lt",
    "<=": "$lte",
    ">": "$gt",
    ">=": "$gte",
}


@dataclass(frozen=True)
class Row:
    """One rule row: an id (unique in its table) and its condition (rules-file form)."""

    id: str
    when: dict


@dataclass
class Table:
    """An ordered list of rows compiled into one durable_rules ruleset."""

    name: str  # human name, e.g. "discretion/street_vending@2021-07-15"
    rows: list[Row]
    ruleset: str = ""  # registered name: content hash
    definition: dict = field(default_factory=dict, repr=False)


class _QuietHost(_durable.Host):
    """A Host without the background dispatch/timer threads."""

    def _run(self):  # noqa: D401 - overriding the thread starter
        return None


_lock = threading.RLock()
_host = _QuietHost()
_registered: set[str] = set()
_fired: list[str] = []
_sid_counter = itertools.count(1)
_CATCH_ALL = "\x00catch-all"


def _make_action(row_id: str):
    def action(c):  # one parameter only: two would make durable_rules async
        _fired.append(row_id)

    return action


def compile_table(name: str, rows: list[Row]) -> Table:
    """Compile rows into a durable_rules ruleset named by its content hash.

    Registering is idempotent: the same rows give the same hash and reuse the
    ruleset already in the host (rulesets cannot be replaced or removed).
    """
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        raise EngineError(f"{name}: duplicate row ids {sorted({i for i in ids if ids.count(i) > 1})}")
    conditions = {r.id: to_durable_condition(r.when) for r in rows}
    canonical = json.dumps([[r.id, conditions[r.id]] for r in rows], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    ruleset = f"t{digest}"
    table = Table(name=name, rows=list(rows), ruleset=ruleset)
    definition = {}
    for pri, row in enumerate(rows):
        definition[f"r{pri}"] = {
            "all": [{"m": conditions[row.id]}],
            "pri": pri + 1,
        }
    # A hidden catch-all after every row: each event is always handled, so
    # durable_rules never raises MessageNotHandled (after which its state for
    # that sid is broken and the next calls crash the process).
    definition["rz"] = {"all": [{"m": {"_e": 1}}], "pri": len(rows) + 1}
    table.definition = definition
    with _lock:
        if ruleset not in _registered:
            live = {
                key: dict(rule, run=_make_action(_CATCH_ALL if key == "rz" else rows[int(key[1:])].id))
                for key, rule in json.loads(json.dumps(definition)).items()
            }
            _host.register_rulesets({ruleset: live})
            _registered.add(ruleset)
    return table


def first_match(table: Table, event: dict) -> str | None:
    """Id of the first row (in table order) whose condition holds, or None."""
    fired = _evaluate(table, event, as_fact=False)
    return fired[0] if fired else None


def all_matches(table: Table, event: dict) -> list[str]:
    """Ids of every row whose condition holds, in table order."""
    fired = set(_evaluate(table, event, as_fact=True))
    return [r.id for r in table.rows if r.id in fired]


def _evaluate(table: Table, event: dict, as_fact: bool) -> list[str]:
    _check_event(table.name, event)
    with _lock:
        sid = f"s{next(_sid_counter)}"
        message = dict(event, sid=sid, _e=1)
        del _fired[:]
        try:
            if as_fact:
                _host.assert_fact(table.ruleset, message)
            else:
                _host.post(table.ruleset, message)
        except BaseException as exc:  # the C engine reports errors as plain exceptions
            _safe_delete(table.ruleset, sid)
            raise EngineError(f"{table.name}: durable_rules failed: {exc}") from exc
        state = _host.get_state(table.ruleset, sid)
        _safe_delete(table.ruleset, sid)
        if state and state.get("exception"):
            raise EngineError(f"{table.name}: rule action failed: {state['exception']}")
        return [f for f in _fired if f != _CATCH_ALL]


def _safe_delete(ruleset: str, sid: str) -> None:
    try:
        _host.delete_state(ruleset, sid)
    except BaseException:
        pass


def _check_event(table_name: str, event: dict) -> None:
    """Refuse values that durable_rules would compare loosely or misparse."""
    if len(event) > 250:
        raise EngineError(f"{table_name}: event has {len(event)} properties; durable_rules allows 255")
    for key, value in event.items():
        if value is None or isinstance(value, (bool, str)):
            continue
        if isinstance(value, int):
            continue
        if isinstance(value, float):
            if not math.isfinite(value):
                raise EngineError(f"{table_name}: {key}={value!r} is not a finite number")
            continue
        raise EngineError(
            f"{table_name}: {key}={value!r} has type {type(value).__name__}; only scalars reach the engine"
        )


def to_durable_condition(when: dict) -> dict:
    """Translate a rules-file condition into a durable_rules expression.

    Rules-file form (all keys must hold):
      field: value                     equality
      field: {op: value, ...}          ops: == != < <= > >= in matches
      any: [condition, ...]            at least one holds
      all: [condition, ...]            every one holds
    """
    parts = _and_parts(when)
    if not parts:
        return {"_e": 1}  # every event carries _e=1 (durable_rules hangs on "$ex")
    if len(parts) == 1:
        return parts[0]
    return {"$and": parts}


def _and_parts(when: dict) -> list[dict]:
    parts: list[dict] = []
    for key, spec in when.items():
        if key == "any":
            options = [to_durable_condition(c) for c in spec]
            parts.append({"$or": options} if len(options) > 1 else options[0])
        elif key == "all":
            for c in spec:
                parts.extend(_and_parts(c))
        elif isinstance(spec, dict):
            for op, value in spec.items():
                parts.append(_comparison(key, op, value))
        else:
            parts.append({key: _literal(spec)})
    return parts


def _comparison(key: str, op: str, value: Any) -> dict:
    if op == "in":
        options = [{key: _literal(v)} for v in value]
        return {"$or": options} if len(options) > 1 else options[0]
    if op == "matches":
        return {"$mt": {key: value}}
    if op not in OPERATORS:
        raise EngineError(f"unknown operator {op!r} on {key}")
    name = OPERATORS[op]
    if name is None:
        return {key: _literal(value)}
    return {name: {key: _literal(value)}}


def _literal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
