"""Engine and session: where the store lives and how a unit of work is run.

``get_engine(url=None)``: the URL given, else ``WORKBENCH_DB_URL``, else a
SQLite file ``var/workbench.db`` in the repository (when running from a
checkout) or the current directory. SQLite connections get WAL, foreign keys
and a busy timeout, so several app kernels can share one file.

``session_scope()`` is one transaction: everything inside commits together
or not at all. A concurrent change to the same record surfaces as
``StaleRecordError`` with a message a person can act on.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, create_engine

from workbench.config import Settings, settings
from workbench.errors import WorkbenchError

__all__ = [
    "engine_url",
    "get_engine",
    "session_scope",
    "resolve_url",
    "default_url",
    "StaleRecordError",
    "dispose_engines",
    "use_session",
]

ENV_URL = "WORKBENCH_DB_URL"


class StaleRecordError(WorkbenchError):
    """Someone else changed (or deleted) the record since it was read."""

    def __init__(self, entity: str, entity_id: object = None, expected: int | None = None, found: int | None = None):
        self.entity, self.entity_id, self.expected, self.found = entity, entity_id, expected, found
        what = f"{entity} {entity_id}" if entity_id is not None else entity
        if found is None and expected is not None:
            detail = " (it has been deleted)"
        elif expected is not None:
            detail = f" (you opened version {expected}, it is now version {found})"
        else:
            detail = ""
        super().__init__(
            f"{what} was changed by someone else since you opened it{detail}; "
            "nothing was saved. Reload it, check their change and make yours again."
        )


def default_url() -> str:
    """SQLite file workbench.db under the var folder (WORKBENCH_VAR_DIR, else var/ of the checkout or cwd)."""
    return Settings(db_url=None).database_url()


def resolve_url(url: str | None = None) -> str:
    return url or settings().database_url()


_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The (cached) SQLAlchemy engine for ``url`` / WORKBENCH_DB_URL / the default file."""
    url = resolve_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _make_engine(url)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and before deleting a database file)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def engine_url(url: str):
    """The SQLAlchemy URL to connect with: plain ``postgresql://`` uses psycopg2 when psycopg 3 is absent."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        try:
            import psycopg  # noqa: F401  (an optional driver: is psycopg 3 installed?)
        except ImportError:
            parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def _make_engine(url: str) -> Engine:
    parsed = engine_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(url: str | None = None, engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back on any error.

    Objects stay usable after the block (``expire_on_commit=False``).
    """
    session = Session(engine or get_engine(url), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise StaleRecordError(_table_of(str(exc))) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _table_of(message: str) -> str:
    # "UPDATE statement on table 'report' expected to update 1 row(s); 0 were matched."
    # "Version id '1' on merged state <Officer at 0x..> does not match existing version '2'. ..."
    found = re.search(r"on table '([^']+)'", message) or re.search(r"<(\w+) at 0x", message)
    return f"this {found.group(1)} record" if found else "this record"


@contextmanager
def use_session(session: Session | None = None, url: str | None = None) -> Iterator[Session]:
    """The caller's ``session`` as it is (its transaction: nothing committed here), else a new ``session_scope(url)``.

    What a service that writes does with its keyword-only ``session=``, so one transaction can span two services.
    """
    if session is not None:
        yield session
        return
    with session_scope(url) as own:
        yield own
