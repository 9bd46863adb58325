"""Comparing two decisions of one case: which answer fields differ, fine totals, the fine histogram.

The rule lab's impact (``workbench.lab.impact``) and consistency reports read answers through these.
"""

from __future__ import annotations

import math

from workbench.rulebook.model import LEVELS


def differences(b: dict, a: dict) -> list[str]:
    out = []
    if level_of(b) != level_of(a):
        out.append("level")
    if b.get("fine_yuan") != a.get("fine_yuan"):
        out.append("fine_range")
    if b.get("procedure") != a.get("procedure"):
        out.append("procedure")
    if bool(b.get("hearing_right")) != bool(a.get("hearing_right")):
        out.append("hearing_right")
    return out


def level_of(answer: dict) -> str:
    if answer.get("level"):
        return answer["level"]
    return "no_penalty" if not answer.get("penalize") else "none"


def within_band(fine: int, answer: dict) -> bool:
    band = answer.get("fine_yuan")
    if not answer.get("penalize") and answer.get("level") != "exempt":
        return fine == 0
    if band is None:
        return fine == 0
    return band["min"] <= fine <= band["max"]


class FineTotals:
    def __init__(self):
        self.n = 0
        self.low = 0
        self.high = 0

    def add(self, answer: dict) -> None:
        band = answer.get("fine_yuan")
        if band and answer.get("penalize"):
            self.n += 1
            self.low += band["min"]
            self.high += band["max"]

    def summary(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {
            "cases_with_fine": self.n,
            "mean_min": round(self.low / n, 2),
            "mean_max": round(self.high / n, 2),
            "total_min": self.low,
            "total_max": self.high,
        }


def histogram(before: list[int], after: list[int], bins: int = 8) -> list[tuple[str, int, int]]:
    values = before + after
    if not values:
        return []
    top = max(values)
    if top <= 0:
        return [("0", len(before), len(after))]
    step = _nice_step(top / bins)
    edges = [i * step for i in range(int(top // step) + 2)]
    out = []
    for low, high in zip(edges, edges[1:]):
        last = high > top

        def count(xs):
            return sum(1 for x in xs if low <= x < high or (last and x == high))

        out.append((f"{low:,.0f}–{high:,.0f}", count(before), count(after)))
    return out


def _nice_step(raw: float) -> float:
    exponent = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * exponent:
            return m * exponent
    return 10 * exponent


def brief(answer: dict) -> dict:
    keys = (
        "penalize",
        "reason",
        "level",
        "fine_yuan",
        "procedure",
        "hearing_right",
        "legal_review",
        "basis",
        "rules_version",
        "benchmark_version",
    )
    return {k: answer.get(k) for k in keys}


def comparable(answer: dict) -> dict:
    """A decision without the free text of its trace (which names the case's own dates): for equality checks."""
    out = dict(answer)
    out["trace"] = [(t.get("rule"), t.get("where"), t.get("basis")) for t in answer.get("trace") or []]
    return out


LEVEL_ORDER = ("no_penalty",) + LEVELS
