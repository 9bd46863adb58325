"""The ``workbench`` command.

Each subcommand lives in a module of ``workbench.commands`` that defines
``register(subparsers)``; ``register`` adds a parser and sets ``func`` (a
function of the parsed arguments returning the exit status). Modules are
found by name, so adding a command never edits this file.

Exit statuses: 0 done, 1 refused (e.g. a broken rulebook, lint errors),
2 bad input (message on stderr naming the field, nothing on stdout).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import workbench.commands
from workbench.errors import InputError, WorkbenchError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Enforcement Workbench · 综合执法工作台")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(workbench.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"workbench.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"workbench {args.command}: {exc}", file=sys.stderr)
        return 2
    except WorkbenchError as exc:
        print(f"workbench {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
