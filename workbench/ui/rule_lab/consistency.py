"""Consistency tab (同案同罚): decided fines against the benchmark, by department, by officer, the furthest files."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench.lab import consistency as lab_consistency
from workbench.ui.common import Column, DataTable, label
from workbench.ui.rule_lab.context import LabContext


class ConsistencyTab:
    """Computed when the tab is first opened (or Compute is pressed), for the lab's violation."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx
        self.consistency_report = None
        t = ctx.i18n
        button = t.bind(widgets.Button(), "description", "consistency_refresh")
        button.add_class("wb-lab-consistency-refresh")
        button.on_click(ctx.callback(lambda _b: self.refresh()))
        self.consistency_summary = widgets.HTML()
        self.consistency_summary.add_class("wb-lab-consistency-summary")
        pct = lambda v: f"{v * 100:.1f}%"  # noqa: E731
        columns = [
            Column("name", "col_dept"),
            Column("cases", "col_cases"),
            Column("below", "col_below"),
            Column("above", "col_above"),
            Column("outside_share", "col_share", fmt=pct),
            Column("mean_position", "col_position"),
            Column("excess_yuan", "col_excess"),
        ]
        self.dept_table = DataTable(columns, i18n=t, page_size=10, key="key", cls="wb-lab-departments")
        officer_columns = [Column("name", "col_officer")] + columns[1:]
        self.officer_table = DataTable(officer_columns, i18n=t, page_size=10, key="key", cls="wb-lab-officers")
        self.deviation_table = DataTable(
            [
                Column("number", "col_case"),
                Column("department", "col_dept"),
                Column("officer", "col_officer"),
                Column("fine_yuan", "col_fine"),
                Column("band", "col_band", fmt=lambda b: f"{b[0]}–{b[1]}" if b else ""),
                Column("status", "col_status"),
            ],
            i18n=t,
            page_size=10,
            key="number",
            cls="wb-lab-deviations",
        )
        self.consistency_chart_box = widgets.Box()
        self.consistency_chart_box.add_class("wb-lab-consistency-chart")
        self.widget = widgets.VBox(
            [
                label(t, "consistency_intro", "p"),
                button,
                self.consistency_summary,
                self.consistency_chart_box,
                label(t, "departments", "h4"),
                self.dept_table.widget,
                label(t, "officers", "h4"),
                self.officer_table.widget,
                label(t, "deviations", "h4"),
                self.deviation_table.widget,
            ]
        )
        ctx.on_draft(self._forget)

    def _forget(self) -> None:
        """Another draft: the report is computed again when the tab is next shown."""
        self.consistency_report = None

    def refresh(self) -> None:
        ctx = self.ctx
        book = ctx.rulebook()
        names = {
            code: (d.name_zh if ctx.i18n.lang == "zh" else f"{d.name_en} {d.name_zh}")
            for code, d in book.departments.items()
        }
        self.consistency_report = lab_consistency.consistency(
            ctx.code, engine=ctx.workspace.published_engine(), db_url=ctx.url, names=names
        )
        self.render()

    def render(self) -> None:
        import bqplot as bq  # heavy: imported when a chart is first drawn, as before

        report = self.consistency_report
        if report is None:
            return
        t = self.ctx.i18n
        summary = t.t("consistency_summary", cases=report.cases, outside=report.outside)
        self.consistency_summary.value = f"<b>{html.escape(summary)}</b>"
        self.dept_table.set_rows([g.to_dict() for g in report.departments])
        self.officer_table.set_rows([g.to_dict() for g in report.officers])
        self.deviation_table.set_rows([dict(d.__dict__) for d in report.deviations])
        names = [g.name for g in report.departments] or [""]
        shares = [float(round(g.outside_share * 100, 1)) for g in report.departments] or [0.0]
        x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0, max=max(shares + [1.0]) * 1.25)
        bars = bq.Bars(x=names, y=shares, scales={"x": x, "y": y}, colors=["#c0504d"])
        axes = [bq.Axis(scale=x, tick_rotate=-20), bq.Axis(scale=y, side="left", label="%")]
        figure = bq.Figure(
            marks=[bars],
            axes=axes,
            title=t.t("chart_consistency"),
            layout=widgets.Layout(width="560px", height="280px"),
        )
        self.consistency_chart_box.children = [figure]
