"""Weighted draws and apportioning, reproducible from the generator's seeded rng."""

from __future__ import annotations

import bisect
import random


class Weighted:
    def __init__(self, items: list, weights: list):
        self.items = list(items)
        self.cumulative = []
        total = 0.0
        for w in weights:
            total += float(w)
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def apportion(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def apportion_fixed(counts: list[int], total: int) -> list[int]:
    """Take back officers given to small departments from the largest ones, keeping the total."""
    counts = list(counts)
    while sum(counts) > total:
        counts[counts.index(max(counts))] -= 1
    return counts
