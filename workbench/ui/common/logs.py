"""The log of UI errors: logger ``workbench.ui``, to ``$WORKBENCH_LOG_DIR/ui.log`` and the server's stderr.

Never to the page: a traceback is for the administrator, the user gets a short
message with a reference number (see :func:`workbench.ui.common.safe_callback`).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from workbench.config import settings

log = logging.getLogger("workbench.ui")

_logging_ready = False


def log_file() -> Path | None:
    """Where UI errors are logged: $WORKBENCH_LOG_DIR/ui.log, else var/log/ui.log of a source checkout."""
    return settings().logs() / "ui.log"


def setup_logging() -> None:
    """Attach the handlers once (first error of the process); later calls do nothing."""
    global _logging_ready
    if _logging_ready:
        return
    _logging_ready = True
    log.setLevel(logging.INFO)
    log.propagate = False
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    # sys.__stderr__: the process's own stderr (the server console), not the kernel's
    # captured stream, which Voila would show on the page.
    if sys.__stderr__ is not None:
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(fmt)
        log.addHandler(handler)
    path = log_file()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, encoding="utf-8")
            handler.setFormatter(fmt)
            log.addHandler(handler)
        except OSError:
            pass


_setup_logging = setup_logging  # the old private name (workbench.ui.common._setup_logging)
