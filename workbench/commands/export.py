"""``workbench export TABLE FILE``: write a table (or an app view) to CSV or XLSX.

TABLE is a table of the store (case_file, report, officer, audit_log, ...) or
a view: open_reports, overdue_reports, case_counts. The generator's private
columns (planted_defects, planted_bias) are left out unless --include-hidden.
"""

from __future__ import annotations

import datetime as dt

HELP = "export a table or view to .csv or .xlsx"
VIEWS = ("open_reports", "overdue_reports", "case_counts")


def register(sub) -> None:
    parser = sub.add_parser("export", help=HELP, description=__doc__.split("\n\n", 1)[1])
    parser.add_argument("table", help="table name or view (open_reports, overdue_reports, case_counts)")
    parser.add_argument("file", help="output file, .csv or .xlsx")
    parser.add_argument("--db", metavar="URL", help="database URL (default: WORKBENCH_DB_URL, else var/workbench.db)")
    parser.add_argument("--department", help="views: only this lead department")
    parser.add_argument(
        "--include-hidden",
        action="store_true",
        help="include the demo generator's columns (planted_defects, planted_bias)",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from workbench.errors import WorkbenchError
    from workbench.store import queries
    from workbench.store.db import get_engine, session_scope
    from workbench.store.exporting import export_rows, export_table
    from workbench.store.migrate import current_revision

    engine = get_engine(args.db)
    if current_revision(engine) is None:
        raise WorkbenchError(
            f"{engine.url.render_as_string(hide_password=True)}: not a Workbench database yet; "
            "run `workbench init` first"
        )
    if args.table not in VIEWS:
        count = export_table(engine, args.table, args.file, include_hidden=args.include_hidden)
    else:
        with session_scope(engine=engine) as session:
            if args.table == "case_counts":
                columns = ("violation", "level_applied", "cases", "fines_yuan")
                rows = queries.case_counts_by_violation_and_level(session, department=args.department)
            else:
                rows = (
                    queries.open_reports(session, args.department)
                    if args.table == "open_reports"
                    else queries.overdue_reports(session, dt.datetime.now(), args.department)
                )
                columns = queries.REPORT_COLUMNS
            count = export_rows(columns, rows, args.file, sheet=args.table)
    print(f"{args.file}: {count} rows of {args.table}")
    return 0
