"""The triage console composed: operator field, five tabs, the shell; ``app()`` for the notebook.

(Named console.py, not app.py: a submodule ``app`` would be shadowed by the package's ``app`` function.)

Each tab or panel is its own class (intake, queue + actions, overdue, overrides,
dashboard) sharing one :class:`~workbench.ui.triage.desk.Desk`. The console
keeps the names scripts and tests reach (``console.submit``,
``console.queue_table``, ``console.current_id`` ...) as properties forwarding to
the part that owns them (see ``_FORWARDED`` at the end).
"""

from __future__ import annotations

import ipywidgets as widgets

from workbench import triage as service
from workbench.ui.common import app_shell, store_problem, wait_for_voila_request
from workbench.ui.triage.card import render_classification
from workbench.ui.triage.dashboard import DashboardTab
from workbench.ui.triage.desk import Desk, disable_all, label_width
from workbench.ui.triage.intake import IntakeTab
from workbench.ui.triage.overdue import OverdueTab
from workbench.ui.triage.overrides import OverridesTab
from workbench.ui.triage.queue import QueueTab

TAB_KEYS = ["tab_intake", "tab_queue", "tab_overdue", "tab_overrides", "tab_dashboard"]


def app(url: str | None = None, lang: str | None = None) -> widgets.Widget:
    """The console, ready to display (in a notebook: the cell's last expression)."""
    return TriageConsole(url=url, lang=lang).widget


class TriageConsole:
    """All parts of the console; tests drive their widgets directly."""

    def __init__(self, url: str | None = None, lang: str | None = None, engine=None, clock=None):
        self.desk = desk = Desk(url=url, lang=lang, engine=engine, clock=clock)
        self.intake_tab = IntakeTab(desk, after_filing=self._after_filing)
        self.queue_tab = QueueTab(desk, refresh_all=self.refresh_all)
        self.actions_panel = self.queue_tab.actions
        # the last three tabs are built when first opened: fewer widgets for the browser to draw at start
        self.overdue_tab = OverdueTab(desk)
        self.overrides_tab = OverridesTab(desk)
        self.dashboard_tab = DashboardTab(desk)
        self._built: set[int] = {0, 1}
        self._lazy = {2: self.overdue_tab, 3: self.overrides_tab, 4: self.dashboard_tab}

        parts = [self.intake_tab, self.queue_tab, self.overdue_tab, self.overrides_tab, self.dashboard_tab]
        self.tabs = widgets.Tab(children=[part.box for part in parts])
        self.tabs.add_class("wb-tabs")
        self.tab_keys = list(TAB_KEYS)
        self._title_tabs()
        self.i18n.on_change(lambda _l: self._title_tabs())
        self.i18n.on_change(lambda _l: self._relabel_all())
        self.tabs.observe(desk.cb(self._tab_changed), names="selected_index")

        label_width(self.intake_box, "170px")
        label_width(self.actions_box, "150px")
        label_width(self.queue_box.children[0], "110px")
        body = widgets.VBox([desk.operator, self.tabs])
        self.widget = app_shell(self.i18n, "title", body, self.status, cls="wb-triage")

        wait_for_voila_request()  # preheated kernel: load data when a user opens the page, not at preheat
        desk.problem = store_problem(url, ("report", "report_event", "department"))
        if desk.problem:
            self.status.say("error", "no_database", problem=desk.problem)
            for box in (self.intake_box, self.queue_box):
                disable_all(box)
            return
        desk.departments = service.departments(url)
        self.queue_tab.fill_departments()
        self.refresh_all()

    def render_classification(self, report_id: int | None) -> str:
        return render_classification(self.desk, report_id)

    def _after_filing(self) -> None:
        self.refresh_all()
        self.queue_tab.select_current()

    def refresh_all(self) -> None:
        if self.problem:
            return
        self.queue_tab.refresh()
        for index, part in self._lazy.items():
            if index in self._built:
                part.refresh()

    def open_tab(self, index: int, select: bool = True) -> None:
        """Show a tab, building its widgets the first time (tests may call it, or set tabs.selected_index)."""
        if index not in self._built:
            self._built.add(index)
            self._lazy[index].build()
            label_width(self.dashboard_box, "110px")
        if select and self.tabs.selected_index != index:
            self.tabs.selected_index = index

    def _tab_changed(self, change) -> None:
        if self.problem:
            return
        index = change["new"]
        self.open_tab(index, select=False)
        if index == 1:
            self.queue_tab.refresh()
        elif index in self._lazy:
            self._lazy[index].refresh()

    def _title_tabs(self) -> None:
        self.tabs.titles = tuple(self.i18n.t(k) for k in self.tab_keys)

    def _relabel_all(self) -> None:
        """Texts computed from codes (names of categories and departments) follow the language too."""
        self.intake_tab.fill_categories()
        if self.problem:
            return
        self.queue_tab.fill_departments()
        self.intake_tab.show_last()
        if 3 in self._built:
            self.overrides_tab.refresh()
        if self.current_id is not None:
            self.queue_tab.show_current()
        if 4 in self._built:
            self.dashboard_tab.refresh()


class _Forward:
    """``console.<name>`` reads (and sets) ``console.<part>.<attr>``."""

    def __init__(self, part: str, attr: str):
        self.part, self.attr = part, attr

    def __get__(self, console, owner=None):
        if console is None:
            return self
        return getattr(getattr(console, self.part), self.attr)

    def __set__(self, console, value) -> None:
        setattr(getattr(console, self.part), self.attr, value)


# The console's names for what its parts hold: "name" or "name=attr" (the part's own name differs).
_FORWARDED = {
    "desk": "url engine clock i18n status operator current_id current_version last_intake problem"
    " localized who dept_name category_name term",
    "intake_tab": "intake_box=box source category received_at community address key_road people flag_boxes"
    " description submit classification form on_submit",
    "queue_tab": "queue_box=box f_source f_severity f_department f_status f_text f_overdue refresh_button"
    " queue_table detail history_table history_label show_current refresh_queue=refresh",
    "actions_panel": "actions_box=box note dispatch_dept dispatch_button support_dept support_button joint_lead"
    " joint_members joint_button escalate_button feedback_text feedback_done feedback_button"
    " verify_pass_button verify_fail_button reclassify_button o_severity o_lead o_level o_hours"
    " o_reason override_button on_dispatch on_support on_joint on_escalate on_feedback on_verify"
    " on_reclassify on_override",
    "overdue_tab": "overdue_box=box overdue_dept_table overdue_table refresh_overdue=refresh",
    "overrides_tab": "overrides_box=box overrides_summary overrides_table override_stats refresh_overrides=refresh",
    "dashboard_tab": "dashboard_box=box dash_by dash_days dash_total dash_chart dashboard_data figure bars y_axis"
    " y_scale refresh_dashboard=refresh",
}
for _part, _names in _FORWARDED.items():
    for _name in _names.split():
        _name, _, _attr = _name.partition("=")
        setattr(TriageConsole, _name, _Forward(_part, _attr or _name))
del _part, _names, _name, _attr
