"""Decisions per second through the public decide() API, against raw
durable_rules posts of the same events and a plain-Python evaluation, all in
one process; then memory over many decisions (it must not grow).

    .venv/bin/python benchmarks/decide.py [--n 20000] [--memory 200000] [--rules DIR]

Ratios are the figures to quote (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import random
import time

from workbench.engine import Engine, durable
from workbench.engine.generate import random_case
from workbench.engine.inputs import parse_case
from workbench.errors import InputError
from workbench.rulebook import load_rulebook


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--memory", type=int, default=200000)
    parser.add_argument("--rules")
    args = parser.parse_args()
    book = load_rulebook(args.rules)
    engine, python = Engine(book, "durable"), Engine(book, "python")
    rng = random.Random(1)
    cases = []
    while len(cases) < args.n:
        c = random_case(book, rng)
        try:
            engine.decide(c)
        except InputError:
            continue
        cases.append(c)
    # raw durable_rules: one post per case to the benchmark table of its violation, nothing else
    raw = []
    for c in cases:
        parsed = parse_case(c, book)
        version = book.benchmarks[parsed.violation].in_force(parsed.act_date)
        table = engine._tables[f"discretion/{parsed.violation}@{version.effective_from}"]
        raw.append((table, {k: v for k, v in parsed.event.items() if not isinstance(v, (list, dict))}))

    def timed(fn):
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    t_raw = timed(lambda: [durable.first_match(t, e) for t, e in raw])
    t_api = timed(lambda: [engine.decide(c) for c in cases])
    t_py = timed(lambda: [python.decide(c) for c in cases])
    n = len(cases)
    print(f"cases: {n} (rules version {book.version})")
    print(f"raw durable_rules post (benchmark table only): {n / t_raw:10.0f} /s")
    print(
        f"decide() on durable_rules (all stages, trace):  {n / t_api:10.0f} /s   ratio to raw post: {t_raw / t_api:.2f}"
    )
    print(
        f"decide() on the plain-Python twin:             {n / t_py:10.0f} /s   "
        f"ratio to durable decide(): {t_api / t_py:.2f}x faster"
    )
    print(
        f"each decide() makes {len(book.stages) + 1} engine evaluations (stages + benchmark): "
        f"time per evaluation / time per raw post = {(t_api / (len(book.stages) + 1)) / t_raw:.2f}"
    )
    before = rss_mb()
    checkpoints = []
    for i in range(args.memory):
        engine.decide(cases[i % n])
        if (i + 1) % (args.memory // 4) == 0:
            checkpoints.append(rss_mb())
    print(
        f"memory over {args.memory} decisions: RSS {before:.1f} MB -> "
        + " -> ".join(f"{m:.1f}" for m in checkpoints)
        + " MB"
    )


if __name__ == "__main__":
    main()
