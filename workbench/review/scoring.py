"""Scoring one case file against the checklist (一卷一表).

A score is the list of deductions the reviewer settled on: the pre-check
findings proposed (confirmed, changed or rejected with a comment) and the
items the reviewer added. Veto items are applied first: any confirmed veto
makes the file 0 / 不合格 (domain §3.3). Deductions in a section never take it
below zero (deduct until the section is exhausted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.errors import InputError
from workbench.rulebook.vocabulary import vocabulary

STATUSES = vocabulary().codes("deduction_statuses")
SOURCES = vocabulary().codes("deduction_sources")


@dataclass
class Deduction:
    """One line of the scoring sheet."""

    item: str  # checklist item or veto code
    points: float | None = None  # per occurrence; None = the item's points
    count: int = 1  # repeatable items only
    comment: str = ""
    source: str = "reviewer"  # precheck | reviewer
    status: str = "confirmed"  # confirmed | rejected
    finding: str | None = None  # the pre-check finding code that proposed it

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Deduction":
        allowed = {"item", "points", "count", "comment", "source", "status", "finding"}
        unknown = set(data) - allowed
        if unknown:
            raise InputError("deductions", f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
        if "item" not in data:
            raise InputError("deductions.item", "each deduction needs the item code")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ScoreResult:
    total: float
    grade: str  # grade code
    grade_zh: str
    grade_en: str
    veto: list[str]  # confirmed veto codes
    sections: list[dict[str, Any]]  # code, zh, en, points, deducted, score
    deductions: list[dict[str, Any]]  # validated, with resolved points, zh/en, basis
    checklist_version: str
    defective: bool  # any confirmed deduction or veto

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def proposed_deductions(findings: list[Any]) -> list[Deduction]:
    """Turn pre-check findings into proposed deductions (confirmed until the reviewer changes them)."""
    out = []
    for f in findings:
        d = f.to_dict() if hasattr(f, "to_dict") else f
        # no comment yet: the finding's message is shown beside it, and the reviewer must
        # write their own reason to reject or change it
        out.append(Deduction(item=d["deduction"]["item"], source="precheck", finding=d["code"]))
    return out


def score(
    checklist: Any, deductions: list[Deduction | dict[str, Any]], proposed: list[Deduction] | None = None
) -> ScoreResult:
    """Score and grade; ``proposed`` are the pre-check proposals, used to require a comment when one is overruled."""
    items = checklist.items
    vetoes = checklist.veto_codes
    proposals = {(p.item, p.finding) for p in (proposed or [])}
    resolved: list[dict[str, Any]] = []
    per_section: dict[str, float] = {s.code: 0.0 for s in checklist.sections}
    veto: list[str] = []
    for raw in deductions:
        d = raw if isinstance(raw, Deduction) else Deduction.from_dict(raw)
        if d.status not in STATUSES:
            raise InputError("deductions.status", f"{d.item}: must be confirmed or rejected, not {d.status!r}")
        if d.source not in SOURCES:
            raise InputError("deductions.source", f"{d.item}: must be precheck or reviewer, not {d.source!r}")
        if isinstance(d.count, bool) or not isinstance(d.count, int) or d.count < 1:
            raise InputError("deductions.count", f"{d.item}: count must be a whole number ≥ 1")
        if d.item in vetoes:
            entry = vetoes[d.item]
            if d.points is not None or d.count != 1:
                raise InputError("deductions.points", f"{d.item} is a veto item (否决项): it has no points or count")
            if d.status == "rejected" and not d.comment.strip():
                raise InputError("deductions.comment", f"{d.item}: say why the proposed veto is rejected")
            if d.status == "confirmed":
                veto.append(d.item)
            resolved.append(
                {
                    **d.to_dict(),
                    "veto": True,
                    "section": None,
                    "deducted": 0.0,
                    "zh": entry.zh,
                    "en": entry.en,
                    "basis": entry.basis,
                }
            )
            continue
        if d.item not in items:
            raise InputError("deductions.item", f"unknown checklist item {d.item!r}; see rules/review.yaml")
        item = items[d.item]
        if d.count > 1 and not item.repeatable:
            raise InputError("deductions.count", f"{d.item} is counted once per file (not repeatable)")
        points = item.points if d.points is None else d.points
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 < points <= item.points:
            raise InputError("deductions.points", f"{d.item}: points must be more than 0 and at most {item.points:g}")
        changed = d.points is not None and d.points != item.points
        if d.source == "precheck" and (d.status == "rejected" or changed) and not d.comment.strip():
            raise InputError(
                "deductions.comment",
                f"{d.item}: say why the proposed deduction is {'rejected' if d.status == 'rejected' else 'changed'}",
            )
        if d.source == "precheck" and proposals and (d.item, d.finding) not in proposals:
            raise InputError(
                "deductions.source", f"{d.item}: no pre-check proposed it; record it as a reviewer deduction"
            )
        deducted = float(points) * d.count if d.status == "confirmed" else 0.0
        per_section[item.section] += deducted
        resolved.append(
            {
                **d.to_dict(),
                "points": float(points),
                "veto": False,
                "section": item.section,
                "deducted": deducted,
                "zh": item.zh,
                "en": item.en,
                "basis": item.basis,
            }
        )
    sections = []
    total = 0.0
    for s in checklist.sections:
        taken = min(per_section[s.code], s.points)
        sections.append(
            {"code": s.code, "zh": s.zh, "en": s.en, "points": s.points, "deducted": taken, "score": s.points - taken}
        )
        total += s.points - taken
    if veto:
        total = 0.0
        grade = next(g for g in checklist.grades if g.code == "fail")
    else:
        grade = checklist.grade_for(total)
    defective = bool(veto) or any(r["deducted"] > 0 for r in resolved)
    return ScoreResult(
        round(total, 2), grade.code, grade.zh, grade.en, veto, sections, resolved, checklist.version, defective
    )
