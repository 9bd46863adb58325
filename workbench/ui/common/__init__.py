"""Pieces every Workbench app shares: language, errors, tables, progress, CSS hooks.

Every app (triage, lab, review, training) builds its screen from these, so the
four apps switch language, report errors and page tables the same way, and the
browser tests can find the same ``wb-...`` classes everywhere.

API
===

Language (中文 / English) — one :class:`I18n` per app instance::

    i18n = I18n({"title": {"zh": "分拨台", "en": "Triage console 分拨台"}})
    i18n.add({...})                          # more messages; COMMON holds shared ones
    i18n.t("title")                          # text in the current language
    i18n.t("overdue_by", hours=3)            # str.format placeholders
    i18n.bind(button, "description", "submit")          # relabelled on every switch
    i18n.bind(text, "placeholder", "description_hint")
    i18n.bind(html, "value", "intro", wrap="<h3>{}</h3>")  # wrap: a format for the text
    i18n.bind_options(dropdown, [("sev_major", "major"), ...])  # labels by key, values kept
    i18n.on_change(lambda lang: table.refresh())        # anything computed (tables, charts)
    i18n.set_language("en")                  # or the LanguageSwitch widget
    LanguageSwitch(i18n)                     # ToggleButtons 中文 / English, class wb-lang

A message is ``{"zh": ..., "en": ...}``; English texts of domain terms keep the
Chinese term beside them ("Severity 严重程度"). A missing key shows the key
itself (never raises), so a typo is visible, not fatal. The default language
is Chinese; ``WORKBENCH_LANG=en`` changes it. While options are being
relabelled ``i18n.switching`` is True: observers of a selection's value can
ignore the change (the value is restored afterwards).

Errors — wrap every callback::

    status = StatusBar(i18n)                 # HTML, class wb-status (+ wb-error / wb-ok / wb-info)
    status.say("ok", "saved", number="R1")   # by key: follows the language; status.ok("text") for fixed text
    button.on_click(safe_callback(on_submit, status, i18n))

A :class:`~workbench.errors.WorkbenchError` (bad input, a rule that cannot be
evaluated) is shown with its own message; any other exception is logged with
its traceback (logger ``workbench.ui``: ``$WORKBENCH_LOG_DIR/ui.log``, else
``var/log/ui.log`` in the repository, and the process's real stderr — never
the page) and the user sees a short message with a reference number.

Tables — explicit columns, paging, sorting, optional row selection::

    table = DataTable(
        [Column("id", "col_id"), Column("severity", "col_severity", fmt=lambda v: ...)],
        rows=[{"id": 1, ...}], i18n=i18n, page_size=15, key="id", selectable=True)
    table.set_rows(rows)                     # keeps sort, resets to page 1 if needed
    table.sort_by("received_at", descending=True)
    table.next_page(); table.prev_page(); table.page   # 0-based
    table.selected                           # key of the selected row, or None
    table.on_select(lambda key: ...)
    table.widget                             # VBox, class wb-table; the <table> has class wb-table-grid,
                                             # each <tr> data-key="<key>"
    DataTable(..., compact=True)             # opt-in: the sort and paging controls are hidden while all
                                             # rows fit on one page (table.controls.layout.display)

Progress — for any job that may take over a second::

    progress = ProgressBar(i18n)             # class wb-progress, hidden when idle
    for item in progress.track(items, label_key="scoring"): ...

Store and Voila::

    problem = store_problem(url, ("report", "department"))   # None, or why the database cannot be used
    if problem: status.say("error", "no_database", problem=problem)  # and show the app without data
    wait_for_voila_request()                 # in a preheated kernel: wait for the user's request before
                                             # loading data (no-op elsewhere); build widgets before it

Layout and CSS::

    app_shell(i18n, "title", body_widget, status)   # header (title + switch), body, status; class wb-app
                                             # build it last: after a switch its class wb-lang-<lang> is
                                             # set after every other relabelling (tests wait for .wb-app.wb-lang-en)
    style()                                  # the <style> block (included by app_shell)
    label(i18n, key, tag="b")                # an HTML widget bound to a key


Where they live (import them from here, ``workbench.ui.common``)
===============================================================

=================  ===========================================================
``i18n.py``        I18n, LanguageSwitch, label, Localized; COMMON (``messages.yaml``)
``status.py``      StatusBar, MessageKey, safe_callback
``logs.py``        log, log_file, setup_logging
``table.py``       DataTable, Column
``progress.py``    ProgressBar
``shell.py``       app_shell, style, CSS
``voila.py``       store_problem, wait_for_voila_request
=================  ===========================================================
"""

from workbench.ui.common.i18n import COMMON, LANGUAGES, I18n, LanguageSwitch, Localized, label
from workbench.ui.common.logs import _setup_logging as _setup_logging  # the old private name, still importable
from workbench.ui.common.logs import log, log_file, setup_logging
from workbench.ui.common.progress import ProgressBar
from workbench.ui.common.shell import CSS, app_shell, style
from workbench.ui.common.status import MessageKey, StatusBar, safe_callback
from workbench.ui.common.table import Column, DataTable
from workbench.ui.common.voila import store_problem, wait_for_voila_request

__all__ = [
    "COMMON",
    "CSS",
    "LANGUAGES",
    "Column",
    "DataTable",
    "I18n",
    "LanguageSwitch",
    "Localized",
    "MessageKey",
    "ProgressBar",
    "StatusBar",
    "app_shell",
    "label",
    "log",
    "log_file",
    "safe_callback",
    "setup_logging",
    "store_problem",
    "style",
    "wait_for_voila_request",
]
