"""What the Rule lab's tabs and panels share: the :class:`LabContext`.

The context holds the store URL, the language, the status line and progress bar, the draft
workspace, and the draft being worked on: its violation (``code``), the draft, its level rows
(``rows``, one LevelRowEditor each, shown by the grid editor), the day it applies from
(``effective``), the author, and what checking it gave (``feedback``, ``report``).

The components never call each other. When a violation is chosen (``select_violation``) the
context runs, while ``building`` is set, the ``draft`` hooks (the components show the new draft),
sets the effective date, runs the ``day`` hooks, checks the draft (``refresh``) and then runs the
``shown`` hooks. When the draft is checked, or shown again in another language, the ``feedback``
hooks show the result. Hooks run in the order they were registered.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.lab import impact as lab_impact
from workbench.lab.drafts import Draft, DraftWorkspace, draft_from_published
from workbench.ui.common import I18n, ProgressBar, StatusBar, safe_callback
from workbench.ui.rule_lab.messages import MESSAGES
from workbench.ui.rule_lab.rows import LevelRowEditor


class LabContext:
    def __init__(self, url: str | None = None, rules_dir: str | Path | None = None, i18n: I18n | None = None):
        self.url = url
        self.i18n = i18n or I18n()
        self.i18n.add(MESSAGES)
        t = self.i18n
        self.workspace = DraftWorkspace(rules_dir)
        self.status = StatusBar(t)
        self.progress = ProgressBar(t)
        self.code: str | None = None
        self.draft: Draft | None = None
        self.rows: list[LevelRowEditor] = []
        self.feedback = None
        self.report: lab_impact.ImpactReport | None = None
        self.building = False  # True while widgets are filled in by code: their observers do not refresh
        self.author = t.bind(
            t.bind(widgets.Text(layout=widgets.Layout(width="320px")), "description", "author"),
            "placeholder",
            "author_hint",
        )
        self.author.add_class("wb-lab-author")
        self.effective = t.bind(widgets.DatePicker(), "description", "effective_from")
        self.effective.add_class("wb-lab-effective")
        self._on_draft: list[Callable[[], None]] = []
        self._on_day: list[Callable[[dt.date], None]] = []
        self._on_shown: list[Callable[[], None]] = []
        self._on_feedback: list[Callable[[str | None], None]] = []

    # ------------------------------------------------------------------ hooks
    def on_draft(self, hook: Callable[[], None]) -> None:
        """``hook()`` when a violation was chosen and its draft read (while ``building``): show the draft."""
        self._on_draft.append(hook)

    def on_day(self, hook: Callable[[dt.date], None]) -> None:
        """``hook(day)`` once the new draft's effective date is set (still while ``building``)."""
        self._on_day.append(hook)

    def on_shown(self, hook: Callable[[], None]) -> None:
        """``hook()`` when the new violation's draft is shown and checked."""
        self._on_shown.append(hook)

    def on_feedback(self, hook: Callable[[str | None], None]) -> None:
        """``hook(parse_error)`` to show the feedback and impact (``parse_error``: why the grid does not read)."""
        self._on_feedback.append(hook)

    # ------------------------------------------------------------------ plumbing
    def callback(self, fn):
        """``fn`` wrapped for a widget: an error shows in the status line, never a traceback."""
        return safe_callback(fn, self.status, self.i18n)

    def rulebook(self):
        """The published rules (the draft is compared with them)."""
        return self.workspace.published_engine().rulebook

    # ------------------------------------------------------------------ violation, draft and feedback
    def select_violation(self, code: str) -> None:
        if self.building or not code:
            return
        self.code = code
        self.draft = draft_from_published(self.workspace.rules_dir, code)
        self.building = True
        try:
            for hook in self._on_draft:
                hook()
            day = self.workspace.default_effective_date(code)
            self.effective.value = day
            for day_hook in self._on_day:
                day_hook(day)  # the draft applies to the scenario
        finally:
            self.building = False
        self.refresh()
        for hook in self._on_shown:
            hook()

    def edited(self, _change=None) -> None:
        """A cell or the effective date changed: refresh, unless the change was made by code."""
        if self.building:
            return
        self.refresh()

    def read_draft(self) -> Draft:
        """The grid as a draft; a condition that does not parse raises InputError naming the row."""
        draft = self.draft.copy()
        draft.levels = [editor.to_row(i) for i, editor in enumerate(self.rows)]
        return draft

    def refresh(self) -> None:
        """Lint, rule tests and impact of the grid as it is now."""
        for editor in self.rows:
            editor.problems.value = ""
        try:
            draft = self.read_draft()
        except InputError as exc:
            self.feedback, self.report = None, None
            self.show_feedback(parse_error=str(exc))
            return
        self.draft = draft
        self.feedback = self.workspace.check(draft, effective_from=self.effective.value or None)
        self.report = None
        if self.feedback.engine is not None:
            shown = []

            def progress(done: int, total: int) -> None:
                if total < 300:
                    return
                if not shown:
                    self.progress.start(total, "impact_running")
                    shown.append(True)
                self.progress.bar.value = done

            try:
                self.report = lab_impact.impact_of_draft(
                    draft, self.workspace, self.feedback, db_url=self.url, progress=progress
                )
            finally:
                self.progress.done()
        self.show_feedback()

    def show_feedback(self, parse_error: str | None = None) -> None:
        """The feedback hooks, when there is something to show (a parse error, or feedback)."""
        if not parse_error and self.feedback is None:
            return
        for hook in self._on_feedback:
            hook(parse_error)
