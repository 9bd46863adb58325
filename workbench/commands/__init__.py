"""Subcommands of ``workbench``: one module each, with ``register(subparsers)``."""
