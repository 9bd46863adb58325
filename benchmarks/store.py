"""Scale check of the store: the apps' queries on 1,000,000 case files against 10,000.

    .venv/bin/python benchmarks/store.py            # 1,000,000 vs 10,000 (a few minutes)
    .venv/bin/python benchmarks/store.py --big 200000

Builds two SQLite databases in a temporary directory through the real
migrations: loads the rows at revision 0001 (no query indexes), times the
queries, upgrades to head (migration 0002 adds the indexes; its time is
printed) and times them again. Rows are synthetic but shaped like the demo
county (violation mix, departments, levels, three years of decisions, about
0.4 reports per case, ~5 % of reports open). The demo generator itself asks
the engine about every file and is too slow for a million; the queries only
need the shape.

Every figure is measured in this one run: the ratio column is time on the big
database divided by time on the 10,000-case one (1.0 = no slower at 100× the
data); "index gain" is the time at 0001 divided by the time at head.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from workbench.store import queries as q  # noqa: E402
from workbench.store.db import dispose_engines, get_engine, session_scope  # noqa: E402
from workbench.store.migrate import upgrade  # noqa: E402

ANCHOR = dt.date(2026, 6, 30)
NOW = dt.datetime.combine(ANCHOR, dt.time(17, 30))
VIOLATIONS = {  # code: (weight, department)
    "street_vending": (30, "urban_management"),
    "household_waste_dumping": (10, "sanitation"),
    "illegal_construction": (8, "urban_management"),
    "outdoor_advertising": (9, "urban_management"),
    "construction_noise": (7, "urban_management"),
    "uncovered_muck_truck": (8, "urban_management"),
    "damaging_greenery": (6, "greening"),
    "graffiti": (8, "urban_management"),
    "road_occupation_digging": (6, "municipal_engineering"),
    "social_noise": (8, "urban_management"),
}
OTHER_DEPARTMENTS = [
    "market_regulation",
    "police",
    "traffic_police",
    "township_government",
    "ecology_environment",
    "natural_resources",
    "transport",
    "fire",
    "health",
    "culture_tourism",
]
LEVELS = ["exempt"] * 6 + ["mitigated"] * 5 + ["lighter"] * 25 + ["standard"] * 50 + ["heavier"] * 14
CATEGORIES = {
    "street_vending": "urban_management",
    "household_waste_dumping": "urban_management",
    "illegal_construction": "urban_management",
    "construction_noise": "urban_management",
    "social_noise": "urban_management",
    "damaging_greenery": "greening",
    "graffiti": "urban_management",
    "road_occupation_digging": "municipal_engineering",
    "traffic_obstruction": "traffic_police",
    "public_order": "police",
    "unlicensed_business": "market_regulation",
    "food_hygiene": "market_regulation",
}
STATUSES = ["received", "filed", "dispatched", "handling", "verifying"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        results = {}
        for label, size in (("small", args.small), ("big", args.big)):
            url = f"sqlite:///{Path(tmp) / f'{label}.db'}"
            results[label] = measure(url, size, args.repeat)
            dispose_engines()
        report(results, args)
    return 0


def measure(url: str, cases: int, repeat: int) -> dict:
    out: dict = {"cases": cases}
    upgrade(url, "0001")
    started = time.perf_counter()
    reports = load(url, cases, seed=cases)
    out["load_s"] = time.perf_counter() - started
    out["reports"] = reports
    out["before"] = time_queries(url, repeat)
    started = time.perf_counter()
    upgrade(url)  # 0002: the query indexes
    with get_engine(url).begin() as conn:
        conn.execute(text("ANALYZE"))
    out["index_s"] = time.perf_counter() - started
    out["after"] = time_queries(url, repeat)
    out["file_mb"] = Path(url.removeprefix("sqlite:///")).stat().st_size / 1e6
    return out


def time_queries(url: str, repeat: int) -> dict[str, tuple[float, int]]:
    """Median seconds (and result size) of each app query, through workbench.store.queries."""
    jobs = {
        "open reports of urban_management (first 200)": lambda s: q.open_reports(s, "urban_management", limit=200),
        "open reports of greening (all)": lambda s: q.open_reports(s, "greening"),
        "overdue reports of traffic_police": lambda s: q.overdue_reports(s, NOW, "traffic_police"),
        "stratified sample of 1,000 cases": lambda s: q.stratified_case_sample(s, 1000, seed=2026),
        "stratified sample, one dept, one year": lambda s: q.stratified_case_sample(
            s, 1000, seed=2026, department="greening", decided_from=dt.date(2025, 7, 1), decided_to=dt.date(2026, 6, 30)
        ),
        "counts by violation and level": lambda s: q.case_counts_by_violation_and_level(s),
        "counts, one dept, one year": lambda s: q.case_counts_by_violation_and_level(
            s, department="greening", decided_from=dt.date(2025, 7, 1), decided_to=dt.date(2026, 6, 30)
        ),
    }
    timings = {}
    for name, job in jobs.items():
        runs, size = [], 0
        for _ in range(repeat):
            with session_scope(url) as s:
                started = time.perf_counter()
                size = len(job(s))
                runs.append(time.perf_counter() - started)
        timings[name] = (statistics.median(runs), size)
    return timings


def load(url: str, cases: int, seed: int) -> int:
    """Bulk-load synthetic case files and reports (DB-API executemany, one transaction)."""
    rng = random.Random(seed)
    codes = list(VIOLATIONS)
    weights = [VIOLATIONS[c][0] for c in codes]
    start = ANCHOR - dt.timedelta(days=3 * 365)
    engine = get_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        departments = sorted({d for _, d in VIOLATIONS.values()} | set(OTHER_DEPARTMENTS) | set(CATEGORIES.values()))
        cur.executemany(
            "INSERT INTO department (code, name_zh, name_en, kind, active, version) "
            "VALUES (?, ?, ?, 'enforcement', 1, 1)",
            [(d, d, d) for d in departments],
        )
        columns = (
            "number, party_kind, party_name_masked, party_capacity, violation, department_code, community, act_date, "
            "discovered_date, filing_date, decision_date, service_date, served_on_spot, officers, lead_officer, facts, "
            "circumstances, penalize, fine_yuan, other_penalties, measures, level_applied, procedure, documents, "
            "rules_version, status, planted_defects, created_at, version"
        )
        sql = f"INSERT INTO case_file ({columns}) VALUES ({', '.join('?' * 29)})"
        batch = []
        for i in range(cases):
            code = rng.choices(codes, weights)[0]
            department = VIOLATIONS[code][1] if rng.random() < 0.9 else rng.choice(OTHER_DEPARTMENTS)
            act = start + dt.timedelta(days=rng.randrange(3 * 365 - 100))
            filing = act + dt.timedelta(days=rng.randint(0, 5))
            decision = filing + dt.timedelta(days=rng.randint(3, 85))
            open_ = decision > ANCHOR
            officer = f"SP{rng.randint(1, 30):02d}{rng.randint(1, 60):03d}"
            batch.append(
                (
                    f"CF{filing.year}-{i:07d}",
                    "person" if rng.random() < 0.8 else "organisation",
                    "张*",
                    "full",
                    code,
                    department,
                    f"c{rng.randint(1, 13)}",
                    act.isoformat(),
                    act.isoformat(),
                    filing.isoformat(),
                    None if open_ else decision.isoformat(),
                    None if open_ else decision.isoformat(),
                    0,
                    json.dumps([officer, f"SP{rng.randint(1, 30):02d}{rng.randint(1, 60):03d}"]),
                    officer,
                    '{"area_m2": 3.5}',
                    '["first_offence"]',
                    1,
                    None if open_ else rng.randrange(50, 20000, 50),
                    "[]",
                    '["order_to_correct"]',
                    None if open_ else rng.choice(LEVELS),
                    "general",
                    '["filing_approval", "decision"]',
                    "bench",
                    "open" if open_ else "closed",
                    "[]",
                    f"{filing.isoformat()} 09:00:00",
                    1,
                )
            )
            if len(batch) == 20000:
                cur.executemany(sql, batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
        reports = int(cases * 0.4)
        sql = (
            "INSERT INTO report (number, source, category, received_at, community, key_road, people_affected, "
            "flags, assist, escalate_to, basis, trace, severity, lead, coordination_level, due_at, status, "
            "overridden, created_at, version) "
            "VALUES (?, ?, ?, ?, ?, 0, 0, '[]', ?, '[]', '[]', '[]', ?, ?, 1, ?, ?, 0, ?, 1)"
        )
        cats = list(CATEGORIES)
        batch = []
        for i in range(reports):
            at = dt.datetime.combine(ANCHOR, dt.time(12)) - dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            category = rng.choice(cats)
            due = at + dt.timedelta(hours=rng.choice([1, 4, 8, 24, 72]))
            status = rng.choice(STATUSES) if rng.random() < 0.05 else "closed"
            batch.append(
                (
                    f"R{at.year}-{i:08d}",
                    rng.choice(["camera", "hotline", "patrol"]),
                    category,
                    at.isoformat(sep=" "),
                    f"c{rng.randint(1, 13)}",
                    json.dumps(["market_regulation"]),
                    rng.choice(["general", "general", "composite", "major"]),
                    CATEGORIES[category],
                    due.isoformat(sep=" "),
                    status,
                    at.isoformat(sep=" "),
                )
            )
            if len(batch) == 20000:
                cur.executemany(sql, batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
        raw.commit()
    finally:
        raw.close()
    return reports


def report(results: dict, args) -> None:
    small, big = results["small"], results["big"]
    print(
        f"store benchmark · SQLite · {small['cases']:,} vs {big['cases']:,} case files "
        f"({small['reports']:,} / {big['reports']:,} reports); median of {args.repeat} runs"
    )
    print(
        f"  load: {small['load_s']:.1f} s / {big['load_s']:.1f} s; migration 0002 (indexes + ANALYZE): "
        f"{small['index_s']:.2f} s / {big['index_s']:.1f} s; file {small['file_mb']:.0f} MB / {big['file_mb']:.0f} MB"
    )
    width = max(len(name) for name in small["after"])
    print(
        f"  {'query':<{width}}  {'10k ms':>8} {'big ms':>9} {'ratio':>7}  "
        f"{'big, no idx ms':>14} {'index gain':>10}  rows(10k/big)"
    )
    for name in small["after"]:
        s_t, s_n = small["after"][name]
        b_t, b_n = big["after"][name]
        nb_t, _ = big["before"][name]
        print(
            f"  {name:<{width}}  {s_t * 1000:8.1f} {b_t * 1000:9.1f} {b_t / s_t:7.1f}  "
            f"{nb_t * 1000:14.1f} {nb_t / b_t:10.1f}  {s_n}/{b_n}"
        )


if __name__ == "__main__":
    sys.exit(main())
