"""History of a discretion benchmark: its versions with who published them, when and why, and a readable diff.

Who/when/why come from the store (``RuleVersion``, written by publishing);
versions the store does not know (written by hand, or before the store
existed) fall back to what the file says (``reason``, ``published_by``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import InputError
from workbench.lab.drafts import benchmark_file, flow_text, read_versions
from workbench.rulebook import default_rules_dir
from workbench.rulebook.vocabulary import vocabulary

__all__ = ["VersionInfo", "RowChange", "versions", "diff", "diff_lines"]


@dataclass
class VersionInfo:
    index: int  # 0 = oldest
    effective_from: dt.date
    reason: str
    author: str | None
    published_at: dt.datetime | None
    content_hash: str | None  # sha256 of the file as published (store), None when unknown
    source: str  # "store" | "file"
    rows: int

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["effective_from"] = self.effective_from.isoformat()
        out["published_at"] = self.published_at.isoformat(sep=" ") if self.published_at else None
        return out


@dataclass
class RowChange:
    row_id: str
    kind: str  # added | removed | changed | moved
    position_before: int | None  # 1-based row position (first match order)
    position_after: int | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after) as readable text

    def to_dict(self) -> dict:
        return {
            "row_id": self.row_id,
            "kind": self.kind,
            "position_before": self.position_before,
            "position_after": self.position_after,
            "changes": [list(c) for c in self.changes],
        }


def versions(violation: str, rules_dir: str | Path | None = None, db_url: str | None = None) -> list[VersionInfo]:
    """Every version of the benchmark, oldest first, with who/when/why."""
    root = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    path = benchmark_file(root, violation)
    _, file_versions = read_versions(path.read_text(encoding="utf-8"), str(path))
    recorded = _recorded(violation, db_url)
    out = []
    for i, version in enumerate(file_versions):
        day = dt.date.fromisoformat(str(version["effective_from"]))
        row = recorded.get(day)
        if row is not None:
            out.append(
                VersionInfo(
                    i,
                    day,
                    row.reason,
                    row.author,
                    row.published_at,
                    row.content_hash,
                    "store",
                    len(version.get("levels") or []),
                )
            )
        else:
            out.append(
                VersionInfo(
                    i,
                    day,
                    str(version.get("reason") or ""),
                    version.get("published_by"),
                    None,
                    None,
                    "file",
                    len(version.get("levels") or []),
                )
            )
    return out


def _recorded(violation: str, db_url: str | None) -> dict:
    """RuleVersion rows of the violation by effective date (the latest record wins); {} without a store."""
    try:
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        from workbench.store import session_scope
        from workbench.store.models import RuleVersion
    except ImportError:  # pragma: no cover
        return {}
    try:
        with session_scope(db_url) as session:
            rows = (
                session.execute(select(RuleVersion).where(RuleVersion.violation == violation).order_by(RuleVersion.id))
                .scalars()
                .all()
            )
    except SQLAlchemyError:
        return {}
    return {row.effective_from: row for row in rows if row.effective_from is not None}


def diff(
    violation: str, older: int | str | dt.date, newer: int | str | dt.date, rules_dir: str | Path | None = None
) -> list[RowChange]:
    """What changed between two versions (by index or effective date), row by row (rows matched by id)."""
    root = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    path = benchmark_file(root, violation)
    _, file_versions = read_versions(path.read_text(encoding="utf-8"), str(path))
    a = file_versions[_index(file_versions, older)]
    b = file_versions[_index(file_versions, newer)]
    return diff_rows(a.get("levels") or [], b.get("levels") or [])


def diff_rows(before: list[dict], after: list[dict]) -> list[RowChange]:
    """Row-by-row differences of two lists of level rows (also used for a draft against the version in force)."""
    pos_a = {row.get("id"): i for i, row in enumerate(before)}
    pos_b = {row.get("id"): i for i, row in enumerate(after)}
    out: list[RowChange] = []
    for i, row in enumerate(after):
        rid = row.get("id")
        if rid not in pos_a:
            out.append(
                RowChange(
                    str(rid),
                    "added",
                    None,
                    i + 1,
                    [(k, "", _text(k, row.get(k))) for k in _FIELDS if row.get(k) not in (None, [], "")],
                )
            )
            continue
        old = before[pos_a[rid]]
        changes = [
            (k, _text(k, old.get(k)), _text(k, row.get(k))) for k in _FIELDS if _norm(old.get(k)) != _norm(row.get(k))
        ]
        moved = _relative_order(before, after, rid)
        if changes:
            out.append(RowChange(str(rid), "changed", pos_a[rid] + 1, i + 1, changes))
        elif moved:
            out.append(RowChange(str(rid), "moved", pos_a[rid] + 1, i + 1, []))
    for i, row in enumerate(before):
        if row.get("id") not in pos_b:
            out.append(RowChange(str(row.get("id")), "removed", i + 1, None, []))
    return out


_FIELDS = ("level", "when", "fine", "fine_rate", "other_penalties", "basis")


def diff_lines(changes: list[RowChange], lang: str = "zh") -> list[str]:
    """The diff as sentences a legal officer reads, e.g. ``sv_lighter: 罚款(公民) 20–100 → 50–100``."""
    words = _WORDS[lang if lang in _WORDS else "en"]
    lines = []
    for change in changes:
        head = f"{change.row_id}"
        if change.kind == "added":
            lines.append(f"+ {head}: {words['added']} ({words['position']} {change.position_after})")
        elif change.kind == "removed":
            lines.append(f"− {head}: {words['removed']}")
        elif change.kind == "moved":
            lines.append(f"↕ {head}: {words['moved']} {change.position_before} → {change.position_after}")
        else:
            for name, old, new in change.changes:
                if name == "fine":
                    for kind in ("person", "organisation"):
                        o, n = _band(old, kind), _band(new, kind)
                        if o != n:
                            lines.append(f"~ {head}: {words['fine_' + kind]} {o} → {n}")
                else:
                    lines.append(f"~ {head}: {words.get(name, name)} {old or '—'} → {new or '—'}")
            if change.position_before != change.position_after:
                lines.append(f"↕ {head}: {words['moved']} {change.position_before} → {change.position_after}")
    return lines or [words["same"]]


# The diff's words by language: the `rule_diff` list of rules/vocabulary.yaml.
_WORDS = {lang: {t.code: t.name(lang) for t in vocabulary().terms("rule_diff")} for lang in ("zh", "en")}


def _band(text: str, kind: str) -> str:
    """'person 20–100' from the fine text made by _text."""
    for part in (text or "").split("; "):
        if part.startswith(kind + " "):
            return part[len(kind) + 1 :]
    return "—"


def _text(name: str, value) -> str:
    if value is None:
        return ""
    if name == "fine" and isinstance(value, dict):
        return "; ".join(f"{k} {v[0]}–{v[1]}" for k, v in value.items() if isinstance(v, (list, tuple)) and len(v) == 2)
    if name == "fine_rate" and isinstance(value, (list, tuple)) and len(value) == 2:
        return f"{value[0]:g}–{value[1]:g}"
    if name == "other_penalties":
        return ", ".join(value) if value else ""
    if isinstance(value, (dict, list)):
        return flow_text(value)
    return str(value)


def _norm(value):
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(value)
    return value


def _relative_order(before: list[dict], after: list[dict], rid) -> bool:
    """Whether ``rid`` changed place relative to the rows both versions share (first match order matters)."""
    shared = [r.get("id") for r in before if r.get("id") in {x.get("id") for x in after}]
    shared_after = [r.get("id") for r in after if r.get("id") in set(shared)]
    return shared.index(rid) != shared_after.index(rid) if rid in shared else False


def _index(file_versions: list[dict], which) -> int:
    if isinstance(which, int) and not isinstance(which, bool):
        if -len(file_versions) <= which < len(file_versions):
            return which % len(file_versions)
        raise InputError("version", f"no version number {which}; there are {len(file_versions)}")
    day = str(which.isoformat() if isinstance(which, dt.date) else which)
    for i, version in enumerate(file_versions):
        if str(version["effective_from"]) == day:
            return i
    raise InputError(
        "version",
        f"no version effective from {day}; known: {', '.join(str(v['effective_from']) for v in file_versions)}",
    )


__all__ += ["diff_rows"]
