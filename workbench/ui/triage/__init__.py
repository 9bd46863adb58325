"""The triage console (分拨处置台) for the joint enforcement platform staff.

``app()`` returns the widget; ``TriageConsole`` holds every part so tests can
drive it without a browser (set ``.value``, call ``.click()``). It calls the
triage service only (``workbench.triage``): no SQL, no rule evaluated here.

Tabs: intake (form + the engine's classification with its basis and rules
version), queue (filters, table, the selected report's detail, history and
actions), overdue (督办), overrides (where staff and the rules disagree),
dashboard (bqplot, renders offline).

Stable classes for tests: wb-triage, wb-intake, wb-source, wb-category,
wb-received-at, wb-community, wb-address, wb-key-road, wb-people,
wb-flag-<flag>, wb-description, wb-submit, wb-classification, wb-queue,
wb-report-detail, wb-history, wb-actions, wb-note, wb-dispatch, wb-support,
wb-support-dept, wb-joint, wb-joint-lead, wb-joint-members, wb-escalate,
wb-feedback, wb-feedback-done, wb-verify-pass, wb-verify-fail,
wb-reclassify, wb-override, wb-override-reason, wb-overdue,
wb-overrides, wb-dashboard, wb-refresh, wb-operator, wb-tabs, wb-filter-source,
wb-filter-severity, wb-filter-department, wb-filter-status, wb-filter-text, wb-filter-overdue.
After a language switch the root gets wb-lang-<lang> last (see workbench.ui.common).

Refusals of the service (a missing override reason, an action in the wrong
status, a report changed by another desk) carry a message key
(``workbench.triage.message_of``); the console shows them in its language, in
the "无法完成：… / Cannot do that: …" frame, and again in the other language
after a switch. The service's messages (and its status and severity names) are
part of this console's messages.

Files: ``console.py`` (TriageConsole, app), ``desk.py`` (the state the parts share,
MESSAGES = the service's messages + ``messages.yaml``), ``intake.py``,
``queue.py`` with ``actions.py``, ``card.py`` (the classification card),
``overdue.py``, ``overrides.py``, ``dashboard.py``.
"""

from workbench.ui.common import Localized
from workbench.ui.triage.console import TriageConsole, app
from workbench.ui.triage.dashboard import PALETTE
from workbench.ui.triage.desk import MESSAGES, Desk

__all__ = ["MESSAGES", "PALETTE", "Desk", "Localized", "TriageConsole", "app"]
