"""``workbench publish``: append a draft as a new dated version of a discretion benchmark (the lab's Publish button)."""

from __future__ import annotations

import json
import sys

from workbench.errors import InputError
from workbench.lab.drafts import load_draft_file
from workbench.lab.publish import PublishRefused, publish


def register(sub) -> None:
    parser = sub.add_parser(
        "publish",
        help="publish a draft benchmark as a new dated version "
        "(refused while lint errors or failing rule tests remain)",
    )
    parser.add_argument("--violation", metavar="CODE", help="violation code (default: the draft file's violation:)")
    parser.add_argument(
        "--draft", metavar="FILE", required=True, help="draft YAML: violation + levels (or a whole benchmark file)"
    )
    parser.add_argument(
        "--effective-from",
        metavar="YYYY-MM-DD",
        help="date the version takes effect (default: the draft's effective_from)",
    )
    parser.add_argument(
        "--reason", metavar="TEXT", required=True, help="why the benchmark changes (recorded with the version)"
    )
    parser.add_argument("--author", metavar="NAME", required=True, help="who publishes")
    parser.add_argument("--rules", metavar="DIR", help="rules directory (default: rules/ or $WORKBENCH_RULES_DIR)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: WORKBENCH_DB_URL, else var/workbench.db)")
    parser.add_argument(
        "--base-hash",
        metavar="SHA256",
        help="refuse unless the published file still has this sha256 (default: the draft's based_on)",
    )
    parser.add_argument(
        "--wait", type=float, default=30.0, metavar="S", help="seconds to wait for another publisher (default 30)"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    draft = load_draft_file(args.draft)
    if args.violation and args.violation != draft.violation:
        raise InputError("violation", f"{args.violation} differs from the draft file's violation {draft.violation}")
    effective = args.effective_from or draft.effective_from
    if not effective:
        raise InputError("effective-from", "required (YYYY-MM-DD), here or as effective_from: in the draft file")
    try:
        result = publish(
            draft,
            effective_from=effective,
            reason=args.reason,
            author=args.author,
            rules_dir=args.rules,
            db_url=args.db,
            expected_base=args.base_hash,
            lock_timeout=args.wait,
        )
    except PublishRefused as exc:
        print(f"workbench publish: refused: {exc.headline}", file=sys.stderr)
        for reason in exc.reasons:
            print(f"  {reason}", file=sys.stderr)
        return 1
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    return 0
