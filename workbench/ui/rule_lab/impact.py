"""Impact of the draft on past case files (Edit & impact tab): counts, the before/after chart, the changed files."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench.lab import impact as lab_impact
from workbench.ui.common import Column, DataTable, label
from workbench.ui.rule_lab.context import LabContext
from workbench.ui.rule_lab.decision import brief, decision_html, ticks

COUNTS = ("level", "fine_range", "procedure", "hearing_right", "any")


class ImpactPanel:
    """``widget``: the counts and the chart; ``cases``: the changed files and, for one picked, both traces."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx
        t = ctx.i18n
        self.impact_box = widgets.HTML()
        self.impact_box.add_class("wb-lab-impact")
        self.chart = None
        self.chart_box = widgets.Box()
        self.changed_table = DataTable(
            [
                Column("number", "col_case"),
                Column("department", "col_dept"),
                Column("party", "col_party"),
                Column("fine", "col_fine"),
                Column("before", "col_before"),
                Column("after", "col_after"),
                Column("changes", "col_changes"),
            ],
            i18n=t,
            page_size=10,
            key="number",
            selectable=True,
            cls="wb-lab-changed",
        )
        self.changed_table.on_select(ctx.callback(self.open_case))
        self.traces = widgets.HTML()
        self.traces.add_class("wb-lab-traces")
        self.widget = widgets.VBox([label(t, "impact_title", "h4"), self.impact_box, self.chart_box])
        self.cases = [label(t, "changed_cases", "h4"), self.changed_table.widget, self.traces]
        ctx.on_feedback(lambda _parse_error: self.render())  # with a parse error: "no impact"

    def render(self) -> None:
        """The lab's impact report, or "no impact" when the draft has problems."""
        t = self.ctx.i18n
        report = self.ctx.report
        if report is None:
            self.impact_box.value = f"<i>{html.escape(t.t('impact_none'))}</i>"
            self._chart([])
            self.changed_table.set_rows([])
            return
        counts = report.counts
        cells = "".join(
            f"<tr class='wb-lab-count-{k}'><td>{html.escape(t.t('ch_' + k))}</td><td><b>{counts[k]}</b></td></tr>"
            for k in COUNTS
        )
        b, a = report.fines["before"], report.fines["after"]
        cells += (
            f"<tr><td>{html.escape(t.t('mean_range'))}</td>"
            f"<td>{t.t('before')} {b['mean_min']:,.0f}–{b['mean_max']:,.0f} → "
            f"{t.t('after')} {a['mean_min']:,.0f}–{a['mean_max']:,.0f}</td></tr>"
        )
        cells += (
            f"<tr><td>{html.escape(t.t('outside'))}</td>"
            f"<td>{report.outside['before']} → {report.outside['after']}</td></tr>"
        )
        took = t.t("took", ms=round(report.seconds * 1000), calls=report.engine_calls)
        before = t.t("rules_version", version=report.published_rules_version, benchmark=report.published_benchmark)
        after = t.t("rules_version", version=report.draft_rules_version, benchmark=report.draft_benchmark)
        self.impact_box.value = (
            f"<div>{html.escape(t.t('impact_cases', n=report.cases, before=report.published_benchmark))}</div>"
            f"<table class='wb-table-grid wb-lab-counts'>{cells}</table>"
            f"<div class='wb-basis'>{html.escape(took)} · {html.escape(before)} → {html.escape(after)}</div>"
        )
        self._chart(report.histogram)
        rows = [
            {
                "number": c.number,
                "department": c.department,
                "party": t.t(c.party_kind),
                "fine": c.fine_yuan,
                "before": brief(t, c.before),
                "after": brief(t, c.after),
                "changes": ", ".join(t.t("ch_" + k) for k in c.changes),
            }
            for c in report.changed
        ]
        self.changed_table.set_rows(rows)

    def _chart(self, histogram: list) -> None:
        import bqplot as bq  # heavy: imported when a chart is first drawn, as before

        t = self.ctx.i18n
        labels = [h[0] for h in histogram] or [""]
        before = [float(h[1]) for h in histogram] or [0.0]  # floats: bqplot's browser side cannot read int64 arrays
        after = [float(h[2]) for h in histogram] or [0.0]
        top = max(before + after + [1.0])
        if self.chart is None:
            x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0, max=top * 1.25)
            self.chart_y = y
            self.bars = bq.Bars(
                x=labels,
                y=[before, after],
                scales={"x": x, "y": y},
                type="grouped",
                colors=["#8aa4c8", "#c0504d"],
                display_legend=True,
                labels=[t.t("before"), t.t("after")],
            )
            self.chart_y_axis = bq.Axis(scale=y, side="left", tick_format="d", tick_values=ticks(top * 1.25))
            axes = [bq.Axis(scale=x, tick_rotate=-30, tick_style={"font-size": "9px"}), self.chart_y_axis]
            self.chart = bq.Figure(
                marks=[self.bars],
                axes=axes,
                title=t.t("chart_title"),
                layout=widgets.Layout(width="560px", height="300px"),
                fig_margin={"top": 40, "bottom": 60, "left": 50, "right": 10},
            )
            self.chart.add_class("wb-lab-impact-chart")
            self.chart_box.children = [self.chart]
        else:
            with self.bars.hold_sync():
                self.chart_y.max = top * 1.25  # an explicit domain: without one bqplot drew no bars here
                self.chart_y_axis.tick_values = ticks(top * 1.25)
                self.bars.x = labels
                self.bars.y = [before, after]
                self.bars.labels = [t.t("before"), t.t("after")]
            self.chart.title = t.t("chart_title")

    def open_case(self, number) -> None:
        """Both traces of one changed case, side by side (decided again by durable_rules)."""
        report = self.ctx.report
        if number is None or report is None:
            self.traces.value = ""
            return
        before, after = lab_impact.case_traces(report, number)
        t = self.ctx.i18n
        case = html.escape(str(number))
        self.traces.value = (
            "<div style='display:flex; gap:12px'>"
            f"<div class='wb-card wb-lab-trace-before' style='flex:1'>"
            f"<b>{html.escape(t.t('trace_of', side=t.t('before')))} · {case}</b>{decision_html(t, before)}</div>"
            f"<div class='wb-card wb-lab-trace-after' style='flex:1'>"
            f"<b>{html.escape(t.t('trace_of', side=t.t('after')))} · {case}</b>{decision_html(t, after)}</div></div>"
        )
