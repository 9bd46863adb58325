"""``workbench precheck [FILE|-]``: the automatic pre-check findings for one case file, as JSON."""

from __future__ import annotations

import json
import sys

from workbench.errors import InputError


def register(sub) -> None:
    parser = sub.add_parser(
        "precheck",
        help="pre-check one case file (JSON) for review: findings with the deduction proposed and the legal basis",
        description="Reads one case file as JSON (the engine's case fields plus filing_date, service_date, procedure, "
        "officers, documents, penalty) and prints {findings: [...], proposed_score, rules_version, checklist_version}.",
    )
    parser.add_argument("file", nargs="?", default="-", help="case file JSON, or - for standard input (default)")
    parser.add_argument("--rules", default=None, help="rules directory (default: the project's rules/)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from workbench.engine import get_engine
    from workbench.review.checklist import load_checklist
    from workbench.review.precheck import precheck
    from workbench.review.scoring import proposed_deductions, score

    text = _read(args.file)
    try:
        case_file = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(args.file, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    engine = get_engine(args.rules, strict=True)
    rules_dir = Path(args.rules) if args.rules else None
    checklist = load_checklist(rules_dir / "review.yaml" if rules_dir else None)
    findings = precheck(case_file, engine=engine, checklist=checklist)
    proposed = proposed_deductions(findings)
    result = score(checklist, proposed, proposed)
    out = {
        "case_id": case_file.get("case_id"),
        "findings": [f.to_dict() for f in findings],
        "proposed_score": {
            "total": result.total,
            "grade": result.grade,
            "grade_zh": result.grade_zh,
            "veto": result.veto,
        },
        "rules_version": engine.rulebook.version,
        "checklist_version": checklist.version,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        with open(name, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(name, "not UTF-8; save the file as UTF-8") from None
