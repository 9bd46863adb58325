"""``workbench training``: the scenario bank and training results from the command line.

workbench training list [--topic T] [--violation V] [--scenarios DIR]   scenarios, one per line
workbench training answers [ID ...] [--rules DIR]      the engine's answers as JSON Lines (never stored)
workbench training export FILE.xlsx [--exercise N] [--cohort C] [--db URL]   results workbook
workbench training demo [--db URL] [--officers N]     a demo training history (idempotent)
"""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    parser = sub.add_parser("training", help="training room: list scenarios, show the engine's answers, export results")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list the scenario bank")
    listing.add_argument("--scenarios", metavar="DIR", help="scenario folder (default: data/scenarios)")
    listing.add_argument("--rules", metavar="DIR", help="rules directory")
    listing.add_argument("--topic")
    listing.add_argument("--violation")
    listing.set_defaults(func=run_list)
    answers = actions.add_parser("answers", help="the engine's answers to scenarios, as JSON Lines")
    answers.add_argument("ids", nargs="*", metavar="ID")
    answers.add_argument("--scenarios", metavar="DIR")
    answers.add_argument("--rules", metavar="DIR")
    answers.set_defaults(func=run_answers)
    export = actions.add_parser("export", help="write the results workbook (XLSX)")
    export.add_argument("file")
    export.add_argument("--exercise", type=int)
    export.add_argument("--cohort")
    export.add_argument("--department")
    export.add_argument("--db", metavar="URL", help="database URL (default: $WORKBENCH_DB_URL or var/workbench.db)")
    export.set_defaults(func=run_export)
    demo = actions.add_parser(
        "demo", help="add a demo training history (two exercises taken by one unit) to the database"
    )
    demo.add_argument("--officers", type=int, default=24)
    demo.add_argument("--seed", type=int, default=20251127)
    demo.add_argument("--db", metavar="URL")
    demo.set_defaults(func=run_demo)


def run_list(args) -> int:
    from workbench.training import load_bank

    bank = load_bank(args.scenarios, rules_dir=args.rules)
    for s in bank.select(topic=args.topic, violation=args.violation):
        print(
            f"{s.id}\t{s.violation or s.category}\t{s.difficulty}\t{','.join(s.questions)}\t"
            f"{s.title['zh']} / {s.title['en']}"
        )
    return 0


def run_answers(args) -> int:
    from workbench.engine import get_engine
    from workbench.training import load_bank
    from workbench.training.grading import expected_answers

    engine = get_engine(args.rules, strict=True)
    bank = load_bank(args.scenarios, rules_dir=args.rules)
    chosen = [bank.get(i) for i in args.ids] if args.ids else list(bank)
    for scenario in chosen:
        expected = expected_answers(scenario, engine)
        print(
            json.dumps(
                {
                    "id": scenario.id,
                    "answers": expected.answers,
                    "basis": expected.basis,
                    "rules_version": expected.rules_version,
                },
                ensure_ascii=False,
            )
        )
    return 0


def run_export(args) -> int:
    from workbench.training.results import export_xlsx

    path = export_xlsx(
        args.file, exercise_id=args.exercise, cohort=args.cohort, department=args.department, url=args.db
    )
    print(path, file=sys.stderr)
    return 0


def run_demo(args) -> int:
    from workbench.training.demo import build_demo

    made = build_demo(url=args.db, officers=args.officers, seed=args.seed)
    if made["skipped"]:
        print("training demo: already there (or no officers in the database); nothing added", file=sys.stderr)
    else:
        print(f"training demo: {made['exercises']} exercises, {made['attempts']} graded answers", file=sys.stderr)
    return 0
