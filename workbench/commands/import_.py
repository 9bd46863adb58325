"""``workbench import FILE [--kind cases|reports] [--all-or-nothing]``: load case files or reports from CSV/XLSX.

Prints one line per problem (row, column, what is wrong, what to do) on
stderr and a summary on stdout. Exit status 0 when every row was good, 2 when
some rows were refused (the valid ones were written unless --all-or-nothing).
"""

from __future__ import annotations

import sys

HELP = "import case files or event reports from CSV or XLSX (validated row by row, idempotent)"


def register(sub) -> None:
    parser = sub.add_parser("import", help=HELP, description=HELP)
    parser.add_argument("file", help="a .csv (UTF-8 or GB18030) or .xlsx file; the first row names the columns")
    parser.add_argument(
        "--kind", choices=("cases", "reports"), help="what the file holds (default: guessed from the header)"
    )
    parser.add_argument("--all-or-nothing", action="store_true", help="write nothing when any row is bad")
    parser.add_argument("--db", metavar="URL", help="database URL (default: WORKBENCH_DB_URL, else var/workbench.db)")
    parser.add_argument("--who", default="import", help="name recorded in the audit log (default: import)")
    parser.add_argument("--rules", metavar="DIR", help="rules directory (default: the project's rules/)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from workbench.importer import import_file
    from workbench.store.migrate import upgrade

    upgrade(args.db)
    result = import_file(
        args.file, args.kind, all_or_nothing=args.all_or_nothing, who=args.who, url=args.db, rules_dir=args.rules
    )
    for problem in result.problems:
        label = "warning" if problem.severity == "warning" else "error"
        print(f"{args.file}: {label}: {problem}", file=sys.stderr)
    print(result.summary())
    if result.errors and args.all_or_nothing:
        print("nothing was written because of the errors above (--all-or-nothing); correct them and import again")
    return 2 if result.errors else 0
