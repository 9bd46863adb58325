"""The store: SQLModel tables, sessions, migrations, queries, the audit log and export of rows (nothing that decides).

    from workbench.store import session_scope, models
    with session_scope() as s:          # one transaction
        s.add(models.Report(...))

See workbench/store/models.py for the conventions every app relies on.
"""

from workbench.store import models
from workbench.store.db import StaleRecordError, dispose_engines, get_engine, resolve_url, session_scope, use_session

__all__ = ["models", "get_engine", "session_scope", "use_session", "resolve_url", "StaleRecordError", "dispose_engines"]

from workbench.store import audit as _audit  # noqa: E402,F401  (makes the audit log append-only in every session)
