"""``workbench init [--db URL] [--demo]``: create or upgrade the database; optionally build the demo county.

Safe to run twice: a database at the head revision is left as it is, and the
demo county is built only into an empty database (``--rebuild`` replaces it).
"""

from __future__ import annotations

import datetime as dt
import sys

from workbench.errors import InputError

HELP = "create or upgrade the database (Alembic migrations); --demo builds the demo county"


def register(sub) -> None:
    parser = sub.add_parser("init", help=HELP, description=HELP)
    parser.add_argument("--db", metavar="URL", help="database URL (default: WORKBENCH_DB_URL, else var/workbench.db)")
    parser.add_argument("--demo", action="store_true", help="build the demo county (fixed seed) into an empty database")
    parser.add_argument("--rebuild", action="store_true", help="with --demo: delete every row first and build it again")
    parser.add_argument("--seed", type=int, default=None, help="demo seed (default: the fixed demo seed)")
    parser.add_argument("--anchor", metavar="YYYY-MM-DD", help="demo: the last day of the data (default: today)")
    parser.add_argument("--cases", type=int, help="demo: number of case files (default 5000)")
    parser.add_argument("--reports", type=int, help="demo: number of event reports (default 2000)")
    parser.add_argument(
        "--rules", metavar="DIR", help="rules directory advising the demo data (default: the project's rules/)"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from workbench.store.db import get_engine, resolve_url
    from workbench.store.migrate import upgrade

    url = resolve_url(args.db)
    shown = get_engine(url).url.render_as_string(hide_password=True)
    anchor = None
    if args.anchor:
        try:
            anchor = dt.date.fromisoformat(args.anchor)
        except ValueError:
            raise InputError("--anchor", f"must be a date YYYY-MM-DD, not {args.anchor!r}") from None
    for name in ("cases", "reports"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise InputError(f"--{name}", "must be 0 or more")
    if args.rebuild and not args.demo:
        raise InputError("--rebuild", "only goes with --demo")
    before, after = upgrade(url)
    if before is None:
        print(f"{shown}: created, at revision {after}")
    elif before != after:
        print(f"{shown}: upgraded from revision {before} to {after}")
    else:
        print(f"{shown}: already at revision {after}; nothing to do")
    from workbench.demo import DEFAULT_SEED, build_demo, demo_present, load_departments
    from workbench.errors import WorkbenchError

    try:
        added = load_departments(url, args.rules)
    except WorkbenchError as exc:  # a broken rulebook must not stop the database from being created
        if args.demo:
            raise
        print(
            f"departments not loaded (the rulebook has problems; run `workbench check`): {str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        added = 0
    if added:
        print(f"{added} departments loaded from rules/departments.yaml")
    if not args.demo:
        return 0

    if not args.rebuild:
        present = demo_present(url)
        if present:
            print(f"demo county already built ({present}); kept. Use --demo --rebuild to build it again.")
            return 0
    summary = build_demo(
        url,
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        anchor=anchor,
        cases=args.cases,
        reports=args.reports,
        rules_dir=args.rules,
        replace=args.rebuild,
    )
    print("\n".join(summary.lines()))
    return 0
