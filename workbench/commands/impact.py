"""``workbench impact --draft FILE``: the rule lab's impact summary of a draft benchmark, as JSON."""

from __future__ import annotations

import json

from workbench.errors import InputError
from workbench.lab.drafts import DraftWorkspace, load_draft_file
from workbench.lab.impact import impact_of_draft


def register(sub) -> None:
    parser = sub.add_parser(
        "impact",
        help="decide the stored case files under the published benchmark and a draft; print what changes (JSON)",
    )
    parser.add_argument(
        "--draft", metavar="FILE", required=True, help="draft YAML: violation + levels (or a whole benchmark file)"
    )
    parser.add_argument("--violation", metavar="CODE", help="violation code (default: the draft file's violation:)")
    parser.add_argument("--rules", metavar="DIR", help="rules directory (default: rules/ or $WORKBENCH_RULES_DIR)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: WORKBENCH_DB_URL, else var/workbench.db)")
    parser.add_argument(
        "--limit", type=int, default=50, metavar="N", help="changed cases to list (default 50; -1 = all)"
    )
    parser.add_argument("--traces", action="store_true", help="include both traces of each listed case")
    parser.set_defaults(func=run)


def run(args) -> int:
    draft = load_draft_file(args.draft)
    if args.violation and args.violation != draft.violation:
        raise InputError("violation", f"{args.violation} differs from the draft file's violation {draft.violation}")
    workspace = DraftWorkspace(args.rules)
    try:
        feedback = workspace.check(draft)
        check = {
            "problems": [str(p) for p in feedback.problems],
            "tests": {
                "passed": sum(t.passed for t in feedback.tests),
                "failed": [str(t) for t in feedback.failed_tests],
            },
        }
        if feedback.engine is None:
            print(
                json.dumps({"violation": draft.violation, "check": check, "impact": None}, ensure_ascii=False, indent=2)
            )
            return 1
        report = impact_of_draft(draft, workspace, feedback, db_url=args.db)
        out = {"check": check, **report.to_dict(limit=None if args.limit < 0 else args.limit, traces=args.traces)}
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return 0
    finally:
        workspace.close()
