"""``workbench selftest``: compile a small table on durable_rules and evaluate it."""

from __future__ import annotations

from workbench.engine.durable import Row, all_matches, compile_table, first_match


def register(sub) -> None:
    parser = sub.add_parser("selftest", help="check that durable_rules compiles and evaluates here")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Evaluate Art. 51's summary-procedure thresholds on the engine and print the answers."""
    table = compile_table(
        "selftest/art51",
        [
            Row("summary_person", {"party_kind": "person", "fine_yuan": {"<=": 200}}),
            Row("summary_organisation", {"party_kind": "organisation", "fine_yuan": {"<=": 3000}}),
            Row("general", {}),
        ],
    )
    for kind, fine in [("person", 150), ("person", 201), ("organisation", 3000), ("organisation", 3001)]:
        row = first_match(table, {"party_kind": kind, "fine_yuan": fine})
        print(f"{kind:12} fine {fine:>5} yuan -> {row}  (行政处罚法 第五十一条)")
    print("all rows holding for a person fined 100:", all_matches(table, {"party_kind": "person", "fine_yuan": 100}))
    print("durable_rules adapter: ok")
    return 0
