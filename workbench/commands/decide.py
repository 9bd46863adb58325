"""``workbench decide`` and ``workbench classify``: the decision contract on the command line.

Reads one JSON object, or JSON Lines, from FILE or standard input and writes
one JSON answer per input (JSON Lines for many). Bad input: exit 2 with the
field named on stderr, nothing on stdout for that input.
"""

from __future__ import annotations

import json
import sys

from workbench.engine import get_engine
from workbench.errors import InputError


def register(sub) -> None:
    for name, help_text in (
        ("decide", "decide case files (JSON or JSON Lines) per the decision contract"),
        ("classify", "classify event reports (JSON or JSON Lines)"),
    ):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
        parser.add_argument("--rules", metavar="DIR", help="rules directory")
        parser.set_defaults(func=run, mode=name)


def run(args) -> int:
    engine = get_engine(args.rules, strict=True)
    text = sys.stdin.read() if args.file == "-" else _read(args.file)
    items = _parse(text)
    status = 0
    for number, item in items:
        try:
            answer = engine.decide(item) if args.mode == "decide" else engine.classify(item)
        except InputError as exc:
            where = f"line {number}: " if len(items) > 1 else ""
            print(f"workbench {args.mode}: {where}{exc}", file=sys.stderr)
            status = 2
            continue
        print(json.dumps(answer.to_dict(), ensure_ascii=False, default=str))
    return status


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError("file", f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError("file", f"{path} is not UTF-8 text") from None


def _parse(text: str) -> list[tuple[int, object]]:
    stripped = text.strip()
    if not stripped:
        raise InputError("input", "empty: give one JSON object or JSON Lines")
    try:
        return [(1, json.loads(stripped))]
    except json.JSONDecodeError:
        pass
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}", f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    return items
