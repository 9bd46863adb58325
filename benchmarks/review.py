"""Review desk speed: a stratified sample of 1,000 from 1,000,000 case files, pre-checked,
against pre-checking every file one by one — and, with --demo-db, pre-check recall and
precision against the demo generator's planted defects.

    .venv/bin/python benchmarks/review.py                  # speed (about a minute)
    .venv/bin/python benchmarks/review.py --demo-db sqlite:///var/workbench.db   # + recall/precision

The baseline (pre-check all 1,000,000 one by one through the same engine) would take
many minutes; it is measured on ``--baseline-files`` files (default 5,000) in this same
process and extrapolated linearly (the work per file is independent). Ratios only: no
absolute claims are asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.engine import get_engine  # noqa: E402
from workbench.review.checklist import load_checklist  # noqa: E402
from workbench.review.precheck import precheck  # noqa: E402
from workbench.review.sampling import Population, draw  # noqa: E402

DEPARTMENTS = [f"dept_{i:02d}" for i in range(34)]


def synthetic_county(n: int, seed: int = 2024) -> dict[str, np.ndarray]:
    """Column arrays for ``n`` street-vending case files with random dates, officers and fines (many findings)."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2023-01-01")
    act = base + rng.integers(0, 900, n).astype("timedelta64[D]")
    filing = act + rng.integers(1, 10, n).astype("timedelta64[D]")
    decision = filing + rng.integers(5, 100, n).astype("timedelta64[D]")  # some over 90 days
    service = decision + rng.integers(0, 12, n).astype("timedelta64[D]")  # some late
    weights = rng.dirichlet(np.ones(len(DEPARTMENTS)) * 0.7)
    return {
        "case_id": np.arange(n),
        "department": rng.choice(len(DEPARTMENTS), size=n, p=weights),
        "act": act,
        "filing": filing,
        "decision": decision,
        "service": service,
        "officers": np.where(rng.random(n) < 0.04, 1, 2),
        "area": np.round(rng.uniform(0.5, 14, n), 1),
        "fine": rng.choice([100, 150, 200, 300, 400, 450, 500, 800], size=n),
        "age": np.where(rng.random(n) < 0.03, 16, 40),
    }


def case_file(cols: dict[str, np.ndarray], i: int) -> dict:
    return {
        "case_id": int(cols["case_id"][i]),
        "department": DEPARTMENTS[int(cols["department"][i])],
        "violation": "street_vending",
        "act_date": str(cols["act"][i]),
        "filing_date": str(cols["filing"][i]),
        "decision_date": str(cols["decision"][i]),
        "service_date": str(cols["service"][i]),
        "party": {"kind": "person", "age": int(cols["age"][i]), "capacity": "full"},
        "facts": {"area_m2": float(cols["area"][i]), "repeat_count": 0, "key_road": False},
        "circumstances": [],
        "procedure": "general",
        "officers": int(cols["officers"][i]),
        "penalty": {"fine_yuan": int(cols["fine"][i]), "other": []},
        "documents": ["filing_approval", "interview_record", "penalty_notice", "decision", "service_receipt"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--baseline-files", type=int, default=5_000)
    parser.add_argument("--demo-db", help="database URL of a `workbench init --demo` county: measure recall/precision")
    args = parser.parse_args(argv)

    engine = get_engine()
    checklist = load_checklist()
    t0 = time.perf_counter()
    cols = synthetic_county(args.population)
    build_s = time.perf_counter() - t0
    population = Population(
        cols["case_id"],
        np.array(DEPARTMENTS, dtype=object)[cols["department"]],
        np.zeros(args.population, dtype=np.int64),
    )
    precheck(case_file(cols, 0), engine=engine, checklist=checklist)  # warm the engine

    t0 = time.perf_counter()
    sample = draw(population, "stratified", seed=7, size=args.sample, min_per_stratum=2)
    draw_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    findings = [precheck(case_file(cols, int(cid)), engine=engine, checklist=checklist) for cid in sample.case_ids]
    sample_check_s = time.perf_counter() - t0
    sampled_total = draw_s + sample_check_s

    t0 = time.perf_counter()
    baseline_findings = 0
    for i in range(args.baseline_files):
        baseline_findings += len(precheck(case_file(cols, i), engine=engine, checklist=checklist))
    baseline_s = time.perf_counter() - t0
    per_file = baseline_s / args.baseline_files
    all_s = per_file * args.population

    flagged = sum(1 for f in findings if f)
    print(
        f"synthetic county: {args.population:,} case files in {len(DEPARTMENTS)} departments (built in {build_s:.2f} s)"
    )
    print(f"stratified draw of {len(sample.case_ids):,} (min 2 per department): {draw_s:.3f} s")
    print(
        f"pre-check of the sample ({len(sample.case_ids):,} files, engine {engine.evaluator}): {sample_check_s:.2f} s; "
        f"{flagged} files with findings ({flagged / len(sample.case_ids):.1%})"
    )
    print(f"sample + pre-check total: {sampled_total:.2f} s")
    print(
        f"baseline: pre-check one by one measured on {args.baseline_files:,} files: {baseline_s:.2f} s "
        f"({per_file * 1e6:.0f} µs/file) -> all {args.population:,} files ≈ {all_s:.0f} s "
        f"({all_s / 60:.1f} min, extrapolated)"
    )
    print(f"ratio (pre-check everything one by one) / (stratified sample + pre-check): {all_s / sampled_total:.0f}x")

    if args.demo_db:
        from workbench.review.evaluation import evaluate_store

        t0 = time.perf_counter()
        result = evaluate_store(args.demo_db)
        print(
            f"\npre-check vs planted defects on {args.demo_db} "
            f"({result['files']:,} decided files, {time.perf_counter() - t0:.1f} s):"
        )
        for code, r in result["per_kind"].items():
            print(
                f"  {code:26} planted {r['planted']:4}  found {r['found']:4}  "
                f"recall {r['recall']}  precision {r['precision']}"
            )
        o, f = result["overall"], result["file_level"]
        print(
            f"  overall (defect level): recall {o['recall']}  precision {o['precision']}  "
            f"(tp {o['true_positive']}, fn {o['false_negative']}, fp {o['false_positive']})"
        )
        print(
            f"  file level: recall {f['recall']}  precision {f['precision']}  "
            f"(tp {f['tp']}, fn {f['fn']}, fp {f['fp']}, tn {f['tn']})"
        )
        print(f"  findings of kinds the generator does not plant: {json.dumps(result['not_planted_kinds'])}")
        if result["examples_of_disagreement"]:
            print("  examples of disagreement:", json.dumps(result["examples_of_disagreement"][:8], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
