"""Rule lab (规则实验室) composed: the violation and author on top, four tabs of components below.

Each tab or panel is its own component (``editor``, ``checks``, ``impact``,
``publish``, ``scenario``, ``consistency``, ``history``) holding its widgets;
RuleLab owns the shared state (violation, draft, feedback, impact report),
runs the refresh that ties the panels together, and forwards the components'
widgets under the names the tests and notebooks use (``lab.lint_box``, ...).
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.lab import impact as lab_impact
from workbench.lab.drafts import Draft, DraftWorkspace, draft_from_published
from workbench.ui.common import I18n, ProgressBar, StatusBar, app_shell, safe_callback
from workbench.ui.rule_lab.checks import ChecksPanel
from workbench.ui.rule_lab.consistency import ConsistencyTab
from workbench.ui.rule_lab.editor import GridEditor
from workbench.ui.rule_lab.history import HistoryTab
from workbench.ui.rule_lab.impact import ImpactPanel
from workbench.ui.rule_lab.messages import MESSAGES
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
    return property(lambda self: getattr(getattr(self, component), name),
                    lambda self, value: setattr(getattr(self, component), name, value),
                    doc=f"``{component}.{name}``")


class RuleLab:
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
        self.feedback = None
        self.report: lab_impact.ImpactReport | None = None
        self.building = False   # True while widgets are filled in by code: their observers do not refresh

        book = self.workspace.published_engine().rulebook
        self.violation = widgets.Dropdown(layout=widgets.Layout(width="480px"))
        self.violation.add_class("wb-lab-violation")
        t.bind(self.violation, "description", "violation")
        self._violation_options(book)
        self.author = t.bind(t.bind(widgets.Text(layout=widgets.Layout(width="320px")), "description", "author"),
                             "placeholder", "author_hint")
        self.author.add_class("wb-lab-author")

        self.grid_editor = GridEditor(self)
        self.checks = ChecksPanel(self)
        self.impact_panel = ImpactPanel(self)
        self.publish_panel = PublishPanel(self)
        edit_tab = widgets.VBox([
            self.grid_editor.grid_title, self.grid_editor.grid, self.grid_editor.buttons,
            widgets.HBox([self.checks.widget, self.impact_panel.widget], layout=widgets.Layout(flex_flow="row wrap")),
            *self.impact_panel.cases, self.publish_panel.widget,
        ])
        self.scenario_tab = ScenarioTab(self)
        self.consistency_tab = ConsistencyTab(self)
        self.history_tab = HistoryTab(self)
        self.tabs = widgets.Tab(children=[edit_tab, self.scenario_tab.widget, self.consistency_tab.widget,
                                          self.history_tab.widget])
        self.tabs.add_class("wb-lab-tabs")
        self._tab_titles()
        self.tabs.observe(self.callback(self._tab_changed), names="selected_index")
        t.on_change(lambda _lang: self._relabel())
        top = widgets.HBox([self.violation, self.author], layout=widgets.Layout(flex_flow="row wrap"))
        body = widgets.VBox([widgets.HTML(f"<style>{CSS_EXTRA}</style>"), top, self.progress.widget, self.tabs])
        self.widget = app_shell(t, "lab_title", body, self.status, cls="wb-lab")
        self.violation.observe(self.callback(lambda _c: self.select_violation(self.violation.value)), names="value")
        safe_callback(lambda: self.select_violation(self.violation.value), self.status, t)()

    # ------------------------------------------------------------------ plumbing
    def callback(self, fn):
        """``fn`` wrapped for a widget: an error shows in the status line, never a traceback."""
        return safe_callback(fn, self.status, self.i18n)

    def _tab_titles(self) -> None:
        for i, key in enumerate(TABS):
            self.tabs.set_title(i, self.i18n.t(key))

    def _violation_options(self, book) -> None:
        zh = self.i18n.lang == "zh"
        options = [(f"{v.name_zh} · {code}" if zh else f"{v.name_en} {v.name_zh} · {code}", code)
                   for code, v in sorted(book.violations.items())]
        current = self.violation.value
        was, self.building = self.building, True
        try:
            self.violation.options = options
            codes = [c for _, c in options]
            self.violation.value = current if current in codes else ("street_vending" if "street_vending" in codes
                                                                      else codes[0])
        finally:
            self.building = was

    def _relabel(self) -> None:
        self._tab_titles()
        self._violation_options(self.workspace.published_engine().rulebook)
        if self.code:
            self.scenario_tab.show_facts()
        self._render_feedback()
        self.scenario_tab.render()
        self.consistency_tab.render()
        self.history_tab.refresh()

    def _tab_changed(self, _change) -> None:
        if self.tabs.selected_index == CONSISTENCY_TAB and self.consistency_report is None:
            self.consistency_tab.refresh()

    # ------------------------------------------------------------------ violation, draft and feedback
    def select_violation(self, code: str) -> None:
        if self.building or not code:
            return
        self.code = code
        self.draft = draft_from_published(self.workspace.rules_dir, code)
        self.consistency_report = None
        self.building = True
        try:
            self.grid_editor.build()
            day = self.workspace.default_effective_date(code)
            self.effective.value = day
            self.scenario_tab.set_day(day)  # the draft applies to the scenario
            self.scenario_tab.show_facts()
        finally:
            self.building = False
        self.scenario_answers = None
        self.scenario_tab.render()
        self.refresh()
        self.history_tab.refresh()
        if self.tabs.selected_index == CONSISTENCY_TAB:
            self.consistency_tab.refresh()

    def edited(self, _change=None) -> None:
        """A cell or the effective date changed: refresh, unless the change was made by code."""
        if self.building:
            return
        self.refresh()

    def refresh(self) -> None:
        """Lint, rule tests and impact of the grid as it is now."""
        for editor in self.rows:
            editor.problems.value = ""
        try:
            draft = self.read_grid()
        except InputError as exc:
            self.feedback, self.report = None, None
            self._render_feedback(parse_error=str(exc))
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
                self.report = lab_impact.impact_of_draft(draft, self.workspace, self.feedback, db_url=self.url,
                                                         progress=progress)
            finally:
                self.progress.done()
        self._render_feedback()

    def _render_feedback(self, parse_error: str | None = None) -> None:
        if parse_error:
            self.checks.show_parse_error(parse_error)
            self.impact_panel.render()   # the report is None: "no impact", empty chart and table
            return
        if self.feedback is None:
            return
        self.checks.render()
        self.impact_panel.render()

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
