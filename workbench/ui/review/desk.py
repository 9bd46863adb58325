"""Review desk (案卷评查台) composed: the reviewer on top, three tabs of components below.

Each tab is its own component (``draw``, ``score`` with its ``deductions``
editor, ``report``) holding its widgets and built with one
:class:`~workbench.ui.review.context.DeskContext`, which holds the shared state
(departments, the chosen sample, the open file) and runs the hooks that tie the
tabs together when a sample is chosen. ReviewDesk builds the context and the
tabs, and forwards their widgets under the names the tests and notebooks use
(``desk.draw_button``, ``desk.files_table``, ...).
"""

from __future__ import annotations

from operator import attrgetter

import ipywidgets as widgets

from workbench.review import service
from workbench.ui.common import I18n, app_shell
from workbench.ui.review.context import DeskContext
from workbench.ui.review.draw import DrawTab
from workbench.ui.review.report import ReportTab
from workbench.ui.review.score import ScoreTab

TABS = ("tab_draw", "tab_score", "tab_report")


def app(url: str | None = None, i18n: I18n | None = None) -> widgets.VBox:
    """The Review desk widget (what notebooks/review.ipynb shows)."""
    return build(url, i18n).widget


def build(url: str | None = None, i18n: I18n | None = None) -> ReviewDesk:
    return ReviewDesk(url, i18n)


def _forward(component: str, name: str) -> property:
    """``desk.<name>`` is ``desk.<component>.<name>`` (read and write; ``component`` may be dotted)."""
    get = attrgetter(component)
    return property(
        lambda self: getattr(get(self), name),
        lambda self, value: setattr(get(self), name, value),
        doc=f"``{component}.{name}``",
    )


class ReviewDesk:
    def __init__(self, url: str | None = None, i18n: I18n | None = None):
        self.ctx = ctx = DeskContext(url, i18n)
        t = ctx.i18n
        # built in this order, they take a chosen sample in this order: its draw shown, then its files
        self.draw_tab = DrawTab(ctx)
        self.score_tab = ScoreTab(ctx)
        self.report_tab = ReportTab(ctx)
        self.tabs = widgets.Tab(children=[self.draw_tab.widget, self.score_tab.widget, self.report_tab.widget])
        self.tabs.add_class("wb-review-tabs")
        self._tab_titles()
        t.on_change(lambda _lang: self._relabel())
        body = widgets.VBox([ctx.reviewer, ctx.progress.widget, self.tabs])
        self.widget = app_shell(t, "review_title", body, ctx.status, cls="wb-review")
        ctx.callback(self._load)()

    def _load(self) -> None:
        """Department names and the samples so far (an uninitialised database says what to run)."""
        self.ctx.departments = service.department_names(self.ctx.url)
        self.refresh_samples()

    def _tab_titles(self) -> None:
        for i, key in enumerate(TABS):
            self.tabs.set_title(i, self.i18n.t(key))

    def _relabel(self) -> None:
        self._tab_titles()
        self.draw_tab.render_info()
        if self.file_view is not None:
            self.score_tab.render_file()
            self.score_tab.lines_editor.render_lines()
        if self.report is not None:
            self.report_tab.render()

    # ------------------------------------------------------------------ the context's state and helpers
    url = _forward("ctx", "url")
    i18n = _forward("ctx", "i18n")
    checklist = _forward("ctx", "checklist")
    status = _forward("ctx", "status")
    progress = _forward("ctx", "progress")
    sample_id = _forward("ctx", "sample_id")
    file_view = _forward("ctx", "file_view")
    departments = _forward("ctx", "departments")
    reviewer = _forward("ctx", "reviewer")
    callback = _forward("ctx", "callback")
    method_name = _forward("ctx", "method_name")
    dept_name = _forward("ctx", "dept_name")
    reviewer_name = _forward("ctx", "reviewer_name")
    sample_chosen = _forward("ctx", "sample_chosen")

    # ------------------------------------------------------------------ the components' widgets, by their old names
    name = _forward("draw_tab", "name")
    method = _forward("draw_tab", "method")
    seed = _forward("draw_tab", "seed")
    size_mode = _forward("draw_tab", "size_mode")
    size = _forward("draw_tab", "size")
    confidence = _forward("draw_tab", "confidence")
    margin = _forward("draw_tab", "margin")
    min_per = _forward("draw_tab", "min_per")
    risk_weight = _forward("draw_tab", "risk_weight")
    procedure = _forward("draw_tab", "procedure")
    date_from = _forward("draw_tab", "date_from")
    date_to = _forward("draw_tab", "date_to")
    draw_button = _forward("draw_tab", "draw_button")
    verify_button = _forward("draw_tab", "verify_button")
    draw_info = _forward("draw_tab", "draw_info")
    allocation_table = _forward("draw_tab", "allocation_table")
    weights_table = _forward("draw_tab", "weights_table")
    samples_table = _forward("draw_tab", "samples_table")
    allocation_box = _forward("draw_tab", "allocation_box")
    weights_box = _forward("draw_tab", "weights_box")
    no_samples = _forward("draw_tab", "no_samples")
    samples_box = _forward("draw_tab", "samples_box")
    draw = _forward("draw_tab", "draw")
    verify = _forward("draw_tab", "verify")
    refresh_samples = _forward("draw_tab", "refresh_samples")

    files_table = _forward("score_tab", "files_table")
    file_html = _forward("score_tab", "file_html")
    overall_comment = _forward("score_tab", "overall_comment")
    save_button = _forward("score_tab", "save_button")
    final_button = _forward("score_tab", "final_button")
    files_hint = _forward("score_tab", "files_hint")
    files_box = _forward("score_tab", "files_box")
    file_hint = _forward("score_tab", "file_hint")
    editor_box = _forward("score_tab", "editor_box")
    refresh_files = _forward("score_tab", "refresh_files")
    open = _forward("score_tab", "open")
    save = _forward("score_tab", "save")

    lines = _forward("score_tab.lines_editor", "lines")
    lines_box = _forward("score_tab.lines_editor", "lines_box")
    add_item = _forward("score_tab.lines_editor", "add_item")
    add_count = _forward("score_tab.lines_editor", "add_count")
    add_comment = _forward("score_tab.lines_editor", "add_comment")
    add_button = _forward("score_tab.lines_editor", "add_button")
    preview = _forward("score_tab.lines_editor", "preview")
    add_deduction = _forward("score_tab.lines_editor", "add_deduction")
    deductions = _forward("score_tab.lines_editor", "deductions")
    update_preview = _forward("score_tab.lines_editor", "update_preview")

    report = _forward("report_tab", "report")
    report_button = _forward("report_tab", "report_button")
    summary_html = _forward("report_tab", "summary_html")
    download_html = _forward("report_tab", "download_html")
    dept_table = _forward("report_tab", "dept_table")
    officer_table = _forward("report_tab", "officer_table")
    defect_table = _forward("report_tab", "defect_table")
    charts = _forward("report_tab", "charts")
    report_hint = _forward("report_tab", "report_hint")
    results_box = _forward("report_tab", "results_box")
    build_report = _forward("report_tab", "build_report")
