"""The ``workbench`` command.

This first slice exposes what exists: a self-check of the durable_rules
adapter. The decision, classification, store and app commands are tracked in
issues 2-7 and are not built yet; the CLI says so instead of pretending.
"""

from __future__ import annotations

import argparse
import sys

from workbench.engine.durable import Row, all_matches, compile_table, first_match


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workbench", description="Enforcement Workbench")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("selftest", help="compile a small table on durable_rules and evaluate it")
    args = parser.parse_args(argv)
    if args.command == "selftest":
        return _selftest()
    return 2


def _selftest() -> int:
    """Evaluate Art. 51's summary-procedure thresholds on the engine and print the answers."""
    table = compile_table(
        "selftest/art51",
        [
            Row("summary_person", {"party_kind": "person", "fine_yuan": {"<=": 200}}),
            Row("summary_organisation", {"party_kind": "organisation", "fine_yuan": {"<=": 3000}}),
            Row("general", {}),
        ],
    )
    cases = [("person", 150), ("person", 201), ("organisation", 3000), ("organisation", 3001)]
    for kind, fine in cases:
        row = first_match(table, {"party_kind": kind, "fine_yuan": fine})
        print(f"{kind:12} fine {fine:>5} yuan -> {row}  (行政处罚法 第五十一条)")
    print("all rows holding for a person fined 100:", all_matches(table, {"party_kind": "person", "fine_yuan": 100}))
    print("durable_rules adapter: ok; apps and rule files are not built yet (issues 2-7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
