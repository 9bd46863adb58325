"""Before loading data: is the store usable, and (in a preheated Voila kernel) has a user asked for the page."""

from __future__ import annotations

from typing import Iterable

from workbench.config import voila_preheated
from workbench.ui.common.logs import log, setup_logging


def store_problem(url: str | None = None, tables: Iterable[str] = ("department",)) -> str | None:
    """Why the store cannot be used (unreachable, not initialised: ``tables`` missing), or None.

    Apps call it before loading data and show ``no_database`` instead of a traceback.
    """
    try:  # imported here, not at the top: the database layer is heavy and the start page never needs it
        from sqlalchemy import inspect

        from workbench.store import get_engine

        present = set(inspect(get_engine(url)).get_table_names())
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is reported, not raised
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    missing = sorted(set(tables) - present)
    if missing:
        return f"tables missing: {', '.join(missing)}"
    return None


def wait_for_voila_request() -> None:
    """In a preheated Voila kernel, pause until a user opens the page, so the data shown is fresh.

    A preheated kernel runs the notebook before anyone asks for it; data loaded
    before this call would be as old as the kernel. Outside Voila's preheating
    (tests, nbval, plain Voila) it returns at once.
    """
    if not voila_preheated():
        return
    try:  # imported here: voila.utils pulls in the Jupyter server, needed only in a preheated kernel
        from voila.utils import wait_for_request

        wait_for_request()
    except Exception:  # noqa: BLE001 - never fail the app on it; the data is then only older
        setup_logging()
        log.warning("wait_for_request failed; data may be as old as the preheated kernel", exc_info=True)
