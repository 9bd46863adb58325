"""Sampling: reproducible, stratum minimums, risk weights, and the sample-size formula against published values."""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import InputError
from workbench.review.sampling import Population, allocate, draw, sample_size


def population(
    n=2000,
    departments=("urban_management", "market_regulation", "housing", "greening"),
    small="greening",
    small_n=3,
    risky_every=10,
):
    rows = []
    for i in range(n):
        dept = departments[i % (len(departments) - 1)]
        rows.append({"case_id": f"C{i:05d}", "department": dept, "findings": 1 if i % risky_every == 0 else 0})
    for j in range(small_n):
        rows.append({"case_id": f"S{j:03d}", "department": small, "findings": 0})
    return rows


# Published values of Cochran's sample size for a proportion (p = 0.5) with the finite-population correction:
# 385 (N = ∞, 95%, ±5%), 278 (N = 1,000), 80 (N = 100), 370 (N = 10,000), 664 (99%), 1,068 (±3%)
@pytest.mark.parametrize(
    "N,confidence,margin,expected",
    [
        (None, 0.95, 0.05, 385),
        (1000, 0.95, 0.05, 278),
        (100, 0.95, 0.05, 80),
        (10000, 0.95, 0.05, 370),
        (None, 0.99, 0.05, 664),
        (None, 0.95, 0.03, 1068),
    ],
)
def test_sample_size_matches_published_values(N, confidence, margin, expected):
    calc = sample_size(N, confidence, margin, 0.5)
    assert calc.n == expected
    assert "n0 = z²·p(1−p)/e²" in calc.explain()


def test_sample_size_never_exceeds_population_and_rejects_bad_input():
    assert sample_size(50, 0.95, 0.01).n <= 50
    with pytest.raises(InputError) as err:
        sample_size(1000, 1.5, 0.05)
    assert err.value.field == "confidence"


@pytest.mark.parametrize("method", ["simple", "stratified", "risk"])
def test_same_seed_same_sample_whatever_the_row_order(method):
    rows = population()
    a = draw(Population.from_rows(rows), method, seed=42, size=100)
    shuffled = list(rows)
    np.random.default_rng(1).shuffle(shuffled)
    b = draw(Population.from_rows(shuffled), method, seed=42, size=100)
    c = draw(Population.from_rows(rows), method, seed=43, size=100)
    assert a.case_ids == b.case_ids
    assert a.case_ids != c.case_ids
    assert len(set(a.case_ids)) == len(a.case_ids) == 100
    assert a.params["seed"] == 42 and a.params["method"] == method


def test_stratified_is_proportional_with_a_minimum_per_department():
    rows = population()
    sample = draw(Population.from_rows(rows), "stratified", seed=7, size=60, min_per_stratum=5)
    drawn = Counter(r["department"] for r in rows if r["case_id"] in set(sample.case_ids))
    assert drawn["greening"] == 3  # smaller than the minimum: all of it
    assert sum(drawn.values()) == 60
    for row in sample.allocation:
        if row["stratum"] != "greening":
            assert abs(row["drawn"] - row["quota"]) <= 1.5, row  # proportional (after the minimum is taken)
            assert row["drawn"] >= 5


def test_allocation_minimums_can_exceed_the_size():
    assert allocate([100, 100, 100], 4, 2) == [2, 2, 2]
    assert allocate([1000, 10, 10], 100, 5) == [90, 5, 5]
    assert sum(allocate([333, 333, 334], 100, 0)) == 100


def test_risk_weights_draw_flagged_files_more_often_and_are_shown():
    rows = population(n=20000, risky_every=10)  # 10% flagged
    sample = draw(Population.from_rows(rows), "risk", seed=3, size=1000, risk_weight=4)
    flagged = {r["case_id"] for r in rows if r["findings"]}
    share = sum(1 for c in sample.case_ids if c in flagged) / len(sample.case_ids)
    expected = 4 * 0.1 / (4 * 0.1 + 0.9)  # 0.3077 for a small sample of a big population
    assert abs(share - expected) < 0.05
    table = {w["weight"]: w for w in sample.weights}
    assert table[4.0]["population"] == 2000 and table[1.0]["population"] == 18003
    assert table[4.0]["drawn"] + table[1.0]["drawn"] == 1000
    assert all(sample.inclusion[c] == (4.0 if c in flagged else 1.0) for c in sample.case_ids)


def test_risk_weight_one_is_simple_random_in_distribution():
    rows = population(n=20000, risky_every=10)
    sample = draw(Population.from_rows(rows), "risk", seed=5, size=1000, risk_weight=1)
    flagged = {r["case_id"] for r in rows if r["findings"]}
    assert abs(sum(1 for c in sample.case_ids if c in flagged) / 1000 - 0.1) < 0.03


def test_size_from_confidence_is_stored_with_the_formula():
    sample = draw(Population.from_rows(population(n=997)), "simple", seed=1, confidence=0.95, margin=0.05)
    assert sample.params["population"] == 1000 and len(sample.case_ids) == 278
    assert "n = n0 / (1 + (n0 − 1)/N)" in sample.params["formula"]
    assert sample.to_dict()["size"] == 278


@pytest.mark.parametrize(
    "kwargs,field", [({"method": "lottery"}, "method"), ({"seed": -1}, "seed"), ({"size": 0}, "size")]
)
def test_bad_parameters_name_the_field(kwargs, field):
    args = {"method": "simple", "seed": 1, "size": 10, **kwargs}
    with pytest.raises(InputError) as err:
        draw(Population.from_rows(population(n=50)), **args)
    assert err.value.field == field


def test_empty_population_is_refused():
    with pytest.raises(InputError):
        draw(Population.from_rows([]), "simple", seed=1, size=5)


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(1, 500), min_size=1, max_size=12), size=st.integers(1, 3000), minimum=st.integers(0, 20)
)
def test_allocation_invariants(counts, size, minimum):
    alloc = allocate(counts, size, minimum)
    size = min(size, sum(counts))
    floors = [min(minimum, c) for c in counts]
    assert all(f <= a <= c for f, a, c in zip(floors, alloc, counts))
    assert sum(alloc) == max(size, sum(floors))
    # proportional: a stratum above its minimum never gets more than its quota rounded up
    for a, c, f in zip(alloc, counts, floors):
        if a > f:
            assert a <= math.ceil(size * c / sum(counts))
