"""Rule lab (规则实验室) composed: the violation and author on top, four tabs of components below.

Each tab or panel is its own component (``editor``, ``checks``, ``impact``,
``publish``, ``scenario``, ``consistency``, ``history``) holding its widgets and
built with one :class:`~workbench.ui.rule_lab.context.LabContext`, which holds
the shared state (violation, draft, feedback, impact report) and runs the hooks
that tie the panels together. RuleLab builds the context and the components,
and forwards their widgets under the names the tests and notebooks use
(``lab.lint_box``, ...).
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from workbench.ui.common import I18n, app_shell
from workbench.ui.rule_lab.checks import ChecksPanel
from workbench.ui.rule_lab.consistency import ConsistencyTab
from workbench.ui.rule_lab.context import LabContext
from workbench.ui.rule_lab.editor import GridEditor
from workbench.ui.rule_lab.history import HistoryTab
from workbench.ui.rule_lab.impact import ImpactPanel
from workbench.ui.rule_lab.publish import PublishPanel
from workbench.ui.rule_lab.scenario import ScenarioTab

CSS_EXTRA = """
.wb-lab-bad { color: #9b1c1c; }
.wb-lab-good { color: #1e6b34; }
.wb-lab-row-problems { font-size: 12px; margin-left: 8px; }
.wb-lab-trace { font-size: 12px; padding-left: 18px; }
"""

TABS = ("tab_edit", "tab_scenario", "tab_consistency", "tab_history")
CONSISTENCY_TAB = TABS.index("tab_consistency")


def app(url: str | None = None, rules_dir: str | Path | None = None, i18n: I18n | None = None) -> widgets.VBox:
    """The Rule lab widget (what notebooks/rule_lab.ipynb shows)."""
    return build(url, rules_dir, i18n).widget


def build(url: str | None = None, rules_dir: str | Path | None = None, i18n: I18n | None = None) -> RuleLab:
    return RuleLab(url, rules_dir, i18n)


def _forward(component: str, name: str) -> property:
    """``lab.<name>`` is ``lab.<component>.<name>`` (read and write)."""
    return property(
        lambda self: getattr(getattr(self, component), name),
        lambda self, value: setattr(getattr(self, component), name, value),
        doc=f"``{component}.{name}``",
    )


class RuleLab:
    def __init__(self, url: str | None = None, rules_dir: str | Path | None = None, i18n: I18n | None = None):
        self.ctx = ctx = LabContext(url, rules_dir, i18n)
        t = ctx.i18n
        self.violation = widgets.Dropdown(layout=widgets.Layout(width="480px"))
        self.violation.add_class("wb-lab-violation")
        t.bind(self.violation, "description", "violation")
        self._violation_options(ctx.rulebook())

        # built in this order, their hooks run in this order (the grid first, the checks before the impact)
        self.grid_editor = GridEditor(ctx)
        self.checks = ChecksPanel(ctx)
        self.impact_panel = ImpactPanel(ctx)
        self.publish_panel = PublishPanel(ctx)
        edit_tab = widgets.VBox(
            [
                self.grid_editor.grid_title,
                self.grid_editor.grid,
                self.grid_editor.buttons,
                widgets.HBox(
                    [self.checks.widget, self.impact_panel.widget], layout=widgets.Layout(flex_flow="row wrap")
                ),
                *self.impact_panel.cases,
                self.publish_panel.widget,
            ]
        )
        self.scenario_tab = ScenarioTab(ctx)
        self.consistency_tab = ConsistencyTab(ctx)
        self.history_tab = HistoryTab(ctx)
        self.tabs = widgets.Tab(
            children=[edit_tab, self.scenario_tab.widget, self.consistency_tab.widget, self.history_tab.widget]
        )
        self.tabs.add_class("wb-lab-tabs")
        self._tab_titles()
        self.tabs.observe(ctx.callback(self._tab_changed), names="selected_index")
        ctx.on_shown(self._consistency_if_shown)  # after the history tab's refresh
        t.on_change(lambda _lang: self._relabel())
        top = widgets.HBox([self.violation, self.author], layout=widgets.Layout(flex_flow="row wrap"))
        body = widgets.VBox([widgets.HTML(f"<style>{CSS_EXTRA}</style>"), top, self.progress.widget, self.tabs])
        self.widget = app_shell(t, "lab_title", body, self.status, cls="wb-lab")
        self.violation.observe(ctx.callback(lambda _c: ctx.select_violation(self.violation.value)), names="value")
        ctx.callback(lambda: ctx.select_violation(self.violation.value))()

    # ------------------------------------------------------------------ plumbing
    def _tab_titles(self) -> None:
        for i, key in enumerate(TABS):
            self.tabs.set_title(i, self.i18n.t(key))

    def _violation_options(self, book) -> None:
        zh = self.i18n.lang == "zh"
        options = [
            (f"{v.name_zh} · {code}" if zh else f"{v.name_en} {v.name_zh} · {code}", code)
            for code, v in sorted(book.violations.items())
        ]
        current = self.violation.value
        was, self.building = self.building, True
        try:
            self.violation.options = options
            codes = [c for _, c in options]
            self.violation.value = (
                current if current in codes else ("street_vending" if "street_vending" in codes else codes[0])
            )
        finally:
            self.building = was

    def _relabel(self) -> None:
        self._tab_titles()
        self._violation_options(self.ctx.rulebook())
        if self.code:
            self.scenario_tab.show_facts()
        self._render_feedback()
        self.scenario_tab.render()
        self.consistency_tab.render()
        self.history_tab.refresh()

    def _tab_changed(self, _change) -> None:
        if self.tabs.selected_index == CONSISTENCY_TAB and self.consistency_report is None:
            self.consistency_tab.refresh()

    def _consistency_if_shown(self) -> None:
        """Another violation while the consistency tab is open: its report at once."""
        if self.tabs.selected_index == CONSISTENCY_TAB:
            self.consistency_tab.refresh()

    def _render_feedback(self, parse_error: str | None = None) -> None:
        self.ctx.show_feedback(parse_error)

    # ------------------------------------------------------------------ the context's state and actions
    url = _forward("ctx", "url")
    i18n = _forward("ctx", "i18n")
    workspace = _forward("ctx", "workspace")
    status = _forward("ctx", "status")
    progress = _forward("ctx", "progress")
    code = _forward("ctx", "code")
    draft = _forward("ctx", "draft")
    feedback = _forward("ctx", "feedback")
    report = _forward("ctx", "report")
    building = _forward("ctx", "building")
    author = _forward("ctx", "author")
    callback = _forward("ctx", "callback")
    select_violation = _forward("ctx", "select_violation")
    edited = _forward("ctx", "edited")
    refresh = _forward("ctx", "refresh")

    # ------------------------------------------------------------------ the components' widgets, by their old names
    rows = _forward("grid_editor", "rows")
    grid_title = _forward("grid_editor", "grid_title")
    grid = _forward("grid_editor", "grid")
    grid_header = _forward("grid_editor", "grid_header")
    move_row = _forward("grid_editor", "move_row")
    delete_row = _forward("grid_editor", "delete_row")
    add_row = _forward("grid_editor", "add_row")
    reset_draft = _forward("grid_editor", "reset_draft")
    read_grid = _forward("grid_editor", "read_grid")

    lint_box = _forward("checks", "lint_box")
    tests_box = _forward("checks", "tests_box")

    impact_box = _forward("impact_panel", "impact_box")
    chart = _forward("impact_panel", "chart")
    chart_box = _forward("impact_panel", "chart_box")
    chart_y = _forward("impact_panel", "chart_y")
    chart_y_axis = _forward("impact_panel", "chart_y_axis")
    bars = _forward("impact_panel", "bars")
    changed_table = _forward("impact_panel", "changed_table")
    traces = _forward("impact_panel", "traces")
    open_case = _forward("impact_panel", "open_case")

    effective = _forward("publish_panel", "effective")
    reason = _forward("publish_panel", "reason")
    publish_button = _forward("publish_panel", "publish_button")
    publish_result = _forward("publish_panel", "publish_result")
    publish = _forward("publish_panel", "publish")

    sc_act = _forward("scenario_tab", "sc_act")
    sc_discovered = _forward("scenario_tab", "sc_discovered")
    sc_decision = _forward("scenario_tab", "sc_decision")
    sc_kind = _forward("scenario_tab", "sc_kind")
    sc_age = _forward("scenario_tab", "sc_age")
    sc_capacity = _forward("scenario_tab", "sc_capacity")
    sc_facts_box = _forward("scenario_tab", "sc_facts_box")
    sc_facts = _forward("scenario_tab", "sc_facts")
    sc_circumstances = _forward("scenario_tab", "sc_circumstances")
    sc_result = _forward("scenario_tab", "sc_result")
    sc_test_name = _forward("scenario_tab", "sc_test_name")
    sc_expect = _forward("scenario_tab", "sc_expect")
    scenario_case = _forward("scenario_tab", "scenario_case")
    scenario_answers = _forward("scenario_tab", "scenario_answers")
    scenario = _forward("scenario_tab", "case")
    decide_scenario = _forward("scenario_tab", "decide")
    save_scenario_test = _forward("scenario_tab", "save_test")

    consistency_summary = _forward("consistency_tab", "consistency_summary")
    dept_table = _forward("consistency_tab", "dept_table")
    officer_table = _forward("consistency_tab", "officer_table")
    deviation_table = _forward("consistency_tab", "deviation_table")
    consistency_chart_box = _forward("consistency_tab", "consistency_chart_box")
    consistency_report = _forward("consistency_tab", "consistency_report")
    refresh_consistency = _forward("consistency_tab", "refresh")

    history_table = _forward("history_tab", "history_table")
    older = _forward("history_tab", "older")
    newer = _forward("history_tab", "newer")
    diff_box = _forward("history_tab", "diff_box")
    refresh_history = _forward("history_tab", "refresh")
    show_diff = _forward("history_tab", "show_diff")
