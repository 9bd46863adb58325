"""Drawing review samples (抽取评查案卷): simple random, stratified, risk-weighted.

Reproducible: the population is sorted by case id before drawing and the only
randomness is numpy's PCG64 generator seeded with the sample's seed, so the
same population, seed and parameters give the same sample. ``Sample.params``
holds everything needed to redraw it; the store keeps it with the sample.

Sample size, when not given, estimates a proportion (the defect rate) to a
margin ``e`` at a confidence level, with the finite-population correction:

    n0 = z² · p(1 − p) / e²        n = n0 / (1 + (n0 − 1) / N)      (rounded up)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Iterable

import numpy as np

from workbench.errors import InputError

METHODS = ("simple", "stratified", "risk")
FORMULA = "n0 = z²·p(1−p)/e²;  n = n0 / (1 + (n0 − 1)/N);  n rounded up"


@dataclass(frozen=True)
class SizeCalculation:
    population: int | None
    confidence: float
    margin: float
    expected_rate: float
    z: float
    n0: float
    n: int

    def explain(self) -> str:
        pop = "∞" if self.population is None else str(self.population)
        return (
            f"{FORMULA}\n z = {self.z:.4f} ({self.confidence:.0%}), p = {self.expected_rate:g}, "
            f"e = {self.margin:g}, N = {pop}"
            f" → n0 = {self.n0:.2f}, n = {self.n}"
        )


def sample_size(
    population: int | None, confidence: float = 0.95, margin: float = 0.05, expected_rate: float = 0.5
) -> SizeCalculation:
    """Size to estimate a defect rate within ±margin at the confidence level (FPC applied when N is given)."""
    if not 0 < confidence < 1:
        raise InputError("confidence", f"must lie between 0 and 1, not {confidence}")
    if not 0 < margin < 1:
        raise InputError("margin", f"must lie between 0 and 1, not {margin}")
    if not 0 < expected_rate < 1:
        raise InputError("expected_rate", f"must lie between 0 and 1, not {expected_rate}")
    if population is not None and population < 1:
        raise InputError("population", "no case files in the period")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    n0 = z * z * expected_rate * (1 - expected_rate) / (margin * margin)
    n = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    size = math.ceil(n - 1e-9)
    if population is not None:
        size = min(size, population)
    return SizeCalculation(population, confidence, margin, expected_rate, z, n0, size)


@dataclass
class Population:
    """The case files a sample is drawn from: ids, strata (department) and pre-check finding counts."""

    case_ids: np.ndarray  # str or int, unique
    strata: np.ndarray  # department code per file
    findings: np.ndarray  # number of pre-check findings per file (0 = none)

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> "Population":
        rows = list(rows)
        return cls(
            np.array([r["case_id"] for r in rows]),
            np.array([str(r.get("department") or "") for r in rows], dtype=object),
            np.array([int(r.get("findings", 0) or 0) for r in rows], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.case_ids)

    def sorted(self) -> "Population":
        order = np.argsort(self.case_ids, kind="stable")
        return Population(self.case_ids[order], self.strata[order], self.findings[order])


@dataclass
class Sample:
    method: str
    seed: int
    case_ids: list  # in draw order within each stratum; strata sorted
    params: dict[str, Any]  # everything needed to redraw (stored with the sample)
    allocation: list[dict[str, Any]] = field(default_factory=list)  # stratum, population, quota, drawn
    weights: list[dict[str, Any]] = field(default_factory=list)  # risk-weighted: the weight table shown
    size_calculation: SizeCalculation | None = None
    inclusion: dict[Any, float] = field(default_factory=dict)  # case id -> selection weight (risk)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "seed": self.seed,
            "size": len(self.case_ids),
            "case_ids": [_plain(c) for c in self.case_ids],
            "params": self.params,
            "allocation": self.allocation,
            "weights": self.weights,
            "formula": self.size_calculation.explain() if self.size_calculation else None,
        }


def draw(
    population: Population,
    method: str,
    seed: int,
    size: int | None = None,
    *,
    confidence: float = 0.95,
    margin: float = 0.05,
    expected_rate: float = 0.5,
    min_per_stratum: int = 2,
    risk_weight: float = 3.0,
    filters: dict[str, Any] | None = None,
) -> Sample:
    """Draw a reproducible sample; ``size`` None computes it from confidence and margin (with FPC)."""
    if method not in METHODS:
        raise InputError("method", f"must be one of {', '.join(METHODS)}, not {method!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError("seed", f"must be a non-negative whole number, not {seed!r}")
    if len(population) == 0:
        raise InputError("population", "no case files match the period and filters; widen them")
    if len(set(population.case_ids.tolist())) != len(population):
        raise InputError("population", "case ids must be unique")
    pop = population.sorted()
    calc = None
    if size is None:
        calc = sample_size(len(pop), confidence, margin, expected_rate)
        size = calc.n
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise InputError("size", f"must be a positive whole number, not {size!r}")
    size = min(int(size), len(pop))
    rng = np.random.default_rng(int(seed))
    params: dict[str, Any] = {
        "method": method,
        "seed": int(seed),
        "size": size,
        "population": len(pop),
        "filters": filters or {},
        "generator": "numpy PCG64, population sorted by case id",
    }
    if calc is not None:
        params.update(
            {
                "size_from": "confidence",
                "confidence": confidence,
                "margin": margin,
                "expected_rate": expected_rate,
                "formula": calc.explain(),
            }
        )
    sample = Sample(method, int(seed), [], params, size_calculation=calc)
    if method == "simple":
        picked = rng.choice(len(pop), size=size, replace=False)
        sample.case_ids = [_plain(c) for c in pop.case_ids[picked]]
        sample.allocation = _allocation_table(pop, picked)
    elif method == "stratified":
        if (
            isinstance(min_per_stratum, bool)
            or not isinstance(min_per_stratum, (int, np.integer))
            or min_per_stratum < 0
        ):
            raise InputError("min_per_stratum", f"must be a whole number ≥ 0, not {min_per_stratum!r}")
        params["min_per_stratum"] = int(min_per_stratum)
        labels, inverse = np.unique(pop.strata.astype(str), return_inverse=True)
        counts = np.bincount(inverse, minlength=len(labels))
        alloc = allocate(counts.tolist(), size, int(min_per_stratum))
        order = np.argsort(inverse, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)])
        chosen = []
        for h, label in enumerate(labels):
            members = order[starts[h] : starts[h + 1]]
            picked = members[rng.choice(len(members), size=alloc[h], replace=False)] if alloc[h] else members[:0]
            chosen.append(picked)
            sample.allocation.append(
                {
                    "stratum": str(label),
                    "population": int(counts[h]),
                    "quota": round(float(size * counts[h] / len(pop)), 3),
                    "drawn": int(alloc[h]),
                }
            )
        picked = np.concatenate(chosen)
        sample.case_ids = [_plain(c) for c in pop.case_ids[picked]]
    else:  # risk-weighted: Efraimidis–Spirakis weighted sampling without replacement
        if not isinstance(risk_weight, (int, float)) or isinstance(risk_weight, bool) or risk_weight < 1:
            raise InputError("risk_weight", f"must be a number ≥ 1, not {risk_weight!r}")
        params["risk_weight"] = float(risk_weight)
        weights = np.where(pop.findings > 0, float(risk_weight), 1.0)
        keys = np.log(rng.random(len(pop))) / weights
        picked = np.argpartition(-keys, size - 1)[:size] if size < len(pop) else np.arange(len(pop))
        picked = picked[np.argsort(-keys[picked], kind="stable")]
        sample.case_ids = [_plain(c) for c in pop.case_ids[picked]]
        sample.inclusion = {_plain(c): float(w) for c, w in zip(pop.case_ids[picked], weights[picked])}
        total_weight = float(weights.sum())
        groups = (
            ("with pre-check findings 有预检发现", pop.findings > 0, float(risk_weight)),
            ("without findings 无预检发现", pop.findings == 0, 1.0),
        )
        for label, mask, w in groups:
            in_pop = int(mask.sum())
            sample.weights.append(
                {
                    "group": label,
                    "weight": w,
                    "population": in_pop,
                    "expected_share": round(w * in_pop / total_weight, 4) if total_weight else 0.0,
                    "drawn": int(mask[picked].sum()),
                }
            )
        sample.allocation = _allocation_table(pop, picked)
    params["drawn"] = len(sample.case_ids)
    return sample


def allocate(counts: list[int], size: int, minimum: int) -> list[int]:
    """Proportional allocation (largest remainder) with at least ``minimum`` per stratum (or all of it).

    The total is ``size`` unless the minimums alone exceed it; then each stratum gets its minimum.
    """
    total = sum(counts)
    size = min(size, total)
    floors = [min(minimum, c) for c in counts]
    quotas = [size * c / total for c in counts]
    alloc = [min(c, max(f, math.floor(q))) for c, f, q in zip(counts, floors, quotas)]
    if sum(floors) >= size:
        return floors
    order = sorted(range(len(counts)), key=lambda h: (-(quotas[h] - alloc[h]), h))
    while sum(alloc) < size:
        for h in order:
            if sum(alloc) >= size:
                break
            if alloc[h] < counts[h]:
                alloc[h] += 1
        order = sorted(range(len(counts)), key=lambda h: (-(quotas[h] - alloc[h]), h))
    while sum(alloc) > size:
        for h in sorted(range(len(counts)), key=lambda h: (quotas[h] - alloc[h], h)):
            if sum(alloc) <= size:
                break
            if alloc[h] > floors[h]:
                alloc[h] -= 1
    return alloc


def _allocation_table(pop: Population, picked: np.ndarray) -> list[dict[str, Any]]:
    labels, inverse = np.unique(pop.strata.astype(str), return_inverse=True)
    counts = np.bincount(inverse, minlength=len(labels))
    drawn = np.bincount(inverse[picked], minlength=len(labels))
    return [
        {"stratum": str(label), "population": int(c), "quota": None, "drawn": int(d)}
        for label, c, d in zip(labels, counts, drawn)
    ]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
