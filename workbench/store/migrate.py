"""Alembic migrations, configured from Python so ``workbench init`` works from any directory.

The chain is linear (0001, 0002, ...). To change a table: edit models.py,
then add a revision here, e.g.
``python -m workbench.store.migrate revision "what changed"`` (autogenerate
against a scratch SQLite database at head), review it, and commit both.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from workbench.errors import WorkbenchError
from workbench.store.db import get_engine, resolve_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

__all__ = ["alembic_config", "upgrade", "downgrade", "current_revision", "head_revision", "MIGRATIONS_DIR"]


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", resolve_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str | None = None, revision: str = "head") -> tuple[str | None, str]:
    """Bring the database to ``revision``; returns (revision before, revision after).

    A database whose tables were made without migrations is refused rather
    than guessed at.
    """
    engine = get_engine(url)
    before = current_revision(engine)
    if before is None:
        existing = set(inspect(engine).get_table_names()) - {"alembic_version"}
        if existing:
            raise WorkbenchError(
                f"{engine.url.render_as_string(hide_password=True)}: has tables ({', '.join(sorted(existing)[:5])}...) "
                "but no migration record (alembic_version); it was not made by `workbench init`. "
                "Point --db at a new file or an empty database."
            )
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return before, current_revision(engine)


def downgrade(url: str | None, revision: str) -> None:
    engine = get_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "revision":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/scratch.db"
            upgrade(url)
            config = alembic_config(url)
            rev_id = f"{len(list(ScriptDirectory.from_config(config).walk_revisions())) + 1:04d}"
            command.revision(config, message=argv[1], autogenerate=True, rev_id=rev_id)
        return 0
    print("usage: python -m workbench.store.migrate revision MESSAGE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
