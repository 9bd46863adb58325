"""The engine's answers: ``Decision`` for a case, ``Triage`` for a report, and how two decisions compare.

``Decision.to_dict()`` is the JSON contract of ``workbench decide`` (issue 2 §5, docs/design.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.rulebook.model import LEVEL_NAMES, LEVEL_RANK


@dataclass
class Decision:
    violation: str
    penalize: bool
    reason: str | None
    level: str | None
    fine_yuan: dict | None
    department: str
    procedure: str | None
    hearing_right: bool
    legal_review: bool
    within_benchmark: bool | None
    basis: list[str]
    rules_version: str
    benchmark_version: str | None
    other_penalties: list[str]
    mitigation: list[str]  # ids of the mitigation rows that hold (Arts. 30-32)
    mandatory_mitigation: bool  # one of them is 应当 (shall), not 可以 (may)
    trace: list[dict]
    # a proposed fine inside the statute's own range (None: nothing proposed); false cites Art. 76
    within_statute: bool | None = None

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        names = LEVEL_NAMES.get(self.level or "")
        out["level_name"] = {"zh": names[0], "en": names[1]} if names else None
        return out


@dataclass
class Triage:
    category: str
    severity: str
    lead: str
    assist: list[str]
    coordination_level: int
    escalate_to: list[str]
    handle_within_hours: float
    due_at: str
    basis: list[str]
    rules_version: str
    trace: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def lightness(decision: Decision) -> tuple:
    """Lighter first: no penalty, then the lower maximum fine, the lower minimum, the lower level."""
    fine = decision.fine_yuan or {"min": 0, "max": 0}
    if not decision.penalize:
        return (0, 0, 0, -1)
    return (1, fine["max"], fine["min"], LEVEL_RANK.get(decision.level or "", -1))


def summary(decision: Decision) -> str:
    if not decision.penalize:
        return f"no penalty ({decision.reason})"
    fine = decision.fine_yuan
    return f"{decision.level} {fine['min']}–{fine['max']} yuan" if fine else f"{decision.level}"
