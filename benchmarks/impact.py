"""Impact of a draft benchmark: grouped evaluation vs deciding each case one by one through the engine.

    .venv/bin/python benchmarks/impact.py [--cases 100000] [--violation street_vending] [--baseline 3000] [--seed 7]

Generates ``--cases`` valid cases of one violation (facts drawn around and
between the thresholds its rows use, random circumstances, parties and
dates), makes a draft that moves a threshold and a fine band, and times:

- grouped: ``workbench.lab.impact.compute_impact`` (each distinct signature
  decided once by the engine, both sides, cold caches), with the engine's
  plain-Python evaluator (what the lab uses) and with durable_rules;
- a further edit of the draft with the published side cached (what the lab
  does on each edit);
- one by one: ``Engine.decide`` for every case on both sides, measured on a
  random sample of ``--baseline`` cases (the full 100,000 one by one takes
  minutes on a shared machine; ``--baseline 0`` runs all of them) and scaled
  to the whole set.

It checks on the sample that both give the same answers, then prints the
ratio. Both run in this process, on the same cases and the same engines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.engine import get_engine  # noqa: E402
from workbench.lab import impact as lab_impact  # noqa: E402
from workbench.lab.drafts import DraftWorkspace, draft_from_published  # noqa: E402
from workbench.rulebook.model import CIRCUMSTANCES  # noqa: E402
from workbench.rulebook.pyeval import atoms  # noqa: E402


def generate(book, violation: str, n: int, seed: int) -> list[lab_impact.StoredCase]:
    rng = random.Random(seed)
    spec = book.violations[violation]
    thresholds: dict[str, list[float]] = {}
    for version in book.benchmarks[violation].versions:
        for row in version.levels:
            for name, _op, target in atoms(row.when):
                if isinstance(target, (int, float)) and not isinstance(target, bool):
                    thresholds.setdefault(name, []).append(target)
    out = []
    for i in range(n):
        facts = {}
        for name, fact in spec.facts.items():
            if fact.type == "boolean":
                facts[name] = rng.random() < 0.3
            elif fact.type == "enum":
                facts[name] = rng.choice(list(fact.values))
            else:
                top = max(thresholds.get(name, [10])) * 2 or 10
                value = rng.uniform(0, top)
                facts[name] = int(value) if fact.type == "integer" else round(value, 1)
                if fact.maximum is not None:
                    facts[name] = min(facts[name], fact.maximum)
        kind = "person" if rng.random() < 0.8 else "organisation"
        party = {"kind": kind, "capacity": "full" if rng.random() < 0.95 else "limited"}
        if kind == "person":
            party["age"] = rng.choice([15, 16, 17]) if rng.random() < 0.03 else rng.randint(18, 75)
        act = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
        discovered = act + dt.timedelta(days=rng.choice([0, 1, 5, 30, 200, 800]))
        discovered = min(discovered, dt.date.today())  # the engine refuses a discovery after today
        decision = discovered + dt.timedelta(days=rng.randrange(1, 60))
        circumstances = [c for c in CIRCUMSTANCES if rng.random() < 0.06]
        if facts.get("repeat_count") and "first_offence" in circumstances:
            circumstances.remove("first_offence")  # the record contradicts it: the engine refuses the case
        case = {
            "violation": violation,
            "act_date": act.isoformat(),
            "discovered_date": discovered.isoformat(),
            "decision_date": decision.isoformat(),
            "party": party,
            "facts": facts,
            "circumstances": circumstances,
        }
        out.append(lab_impact.StoredCase(f"G{i:06d}", case, fine_yuan=None))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--violation", default="street_vending")
    parser.add_argument("--baseline", type=int, default=3000, help="cases decided one by one (0 = all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--db", metavar="URL", help="also time the lab's edit cycle on this store's case files (e.g. the demo county)"
    )
    args = parser.parse_args()
    if args.db:
        demo_edit_cycle(args.db)

    engine = get_engine()
    book = engine.rulebook
    workspace = DraftWorkspace()
    draft = draft_from_published(workspace.rules_dir, args.violation)
    _edit(draft)
    feedback = workspace.check(draft, run_tests=False)
    if feedback.engine is None:
        print("the benchmark's draft does not load:", *feedback.problems, sep="\n  ")
        return 1
    code = args.violation
    t0 = time.perf_counter()
    cases = generate(book, code, args.cases, args.seed)
    t1 = time.perf_counter()
    print(f"{args.cases:,} generated {code} cases ({t1 - t0:.1f} s to generate)")
    timings = {}
    for bulk in ("python", "durable"):
        before = lab_impact.side_of(engine, code, book.benchmarks[code].versions[-1], "published", bulk=bulk)
        after = lab_impact.side_of(
            feedback.engine, code, feedback.engine.rulebook.benchmarks[code].versions[-1], "draft", bulk=bulk
        )
        for item in cases:
            item.event = None
        lab_impact.clear_cache()
        started = time.perf_counter()
        report = lab_impact.compute_impact(code, before, after, cases)
        timings[bulk] = time.perf_counter() - started
        print(
            f"grouped impact ({bulk} evaluator): {timings[bulk]:.2f} s · "
            f"distinct inputs {report.groups_before:,} published / "
            f"{report.groups_after:,} draft · {report.engine_calls:,} engine decisions · "
            f"{report.counts['any']:,} cases change {report.counts}"
        )
        if bulk == "python":
            grouped_before = lab_impact.decide_grouped(before, code, cases)[0]  # from the cache the run filled
            grouped_after = lab_impact.decide_grouped(after, code, cases)[0]
            answers = {c.number: (b, a) for c, b, a in zip(cases, grouped_before, grouped_after)}
            t_edit = time.perf_counter()
            _edit(draft, again=True)
            feedback2 = workspace.check(draft, run_tests=False)
            after2 = lab_impact.side_of(
                feedback2.engine, code, feedback2.engine.rulebook.benchmarks[code].versions[-1], "draft"
            )
            lab_impact.compute_impact(code, before, after2, cases)
            print(f"a further edit (check + impact, published side cached): {time.perf_counter() - t_edit:.2f} s")

    sample = cases if args.baseline <= 0 else random.Random(args.seed + 1).sample(cases, min(args.baseline, len(cases)))
    t2 = time.perf_counter()
    mismatches = 0
    for item in sample:
        b = before.engine.decide(item.case).to_dict()
        a = after.engine.decide(item.case).to_dict()
        gb, ga = answers[item.number]
        mismatches += (lab_impact.comparable(b) != lab_impact.comparable(gb)) + (
            lab_impact.comparable(a) != lab_impact.comparable(ga)
        )
    one_by_one = (time.perf_counter() - t2) * len(cases) / len(sample)
    scaled = "" if len(sample) == len(cases) else f" (measured on {len(sample):,} cases, scaled to {len(cases):,})"
    print(f"one by one through the engine (durable_rules, both sides): {one_by_one:.1f} s{scaled}")
    print(
        f"grouped answers compared with one-by-one durable_rules answers on {len(sample):,} cases x 2 sides: "
        f"{mismatches} differ"
    )
    print(
        f"ratio one-by-one / grouped: {one_by_one / timings['python']:.1f}x (python evaluator), "
        f"{one_by_one / timings['durable']:.1f}x (durable_rules evaluator)"
    )
    workspace.close()
    return 1 if mismatches else 0


def demo_edit_cycle(url: str) -> None:
    """On stored case files: what one edit costs in the lab (check + rule tests, then impact), per violation."""
    workspace = DraftWorkspace()
    print(f"edit cycle on the stored case files of {url}:")
    for code in sorted(get_engine().rulebook.benchmarks):
        cases = lab_impact.load_cases(code, url)
        if not cases:
            continue
        draft = draft_from_published(workspace.rules_dir, code)
        lab_impact.impact_of_draft(draft, workspace, db_url=url)  # the app's first view (published side cached after)
        _edit(draft)
        started = time.perf_counter()
        feedback = workspace.check(draft)  # lint + this violation's rule tests
        checked = time.perf_counter()
        report = lab_impact.impact_of_draft(draft, workspace, feedback, db_url=url)
        done = time.perf_counter()
        print(
            f"  {code:28s} {len(cases):5,} files: check+tests {checked - started:.2f} s, impact {done - checked:.2f} s "
            f"({report.groups_after:,} distinct inputs), {report.counts['any']:,} change"
        )
    workspace.close()


def _edit(draft, again: bool = False) -> None:
    """Narrow the person band of the first lighter/standard row (a typical edit); ``again`` narrows it once more."""
    for row in draft.levels:
        fine = row.get("fine")
        if fine and row.get("level") in ("lighter", "standard") and fine["person"][1] > fine["person"][0] + 1:
            fine["person"] = [fine["person"][0], fine["person"][0] + (fine["person"][1] - fine["person"][0]) // 2]
            break


if __name__ == "__main__":
    sys.exit(main())
