"""Report tab (评查报告): the sample's summary, results by department and by officer, frequent defects, downloads."""

from __future__ import annotations

import base64
import html

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.review import service
from workbench.review.reports import to_csv, to_xlsx
from workbench.ui.common import Column, DataTable, label
from workbench.ui.review.context import DeskContext
from workbench.ui.review.layout import section, show
from workbench.ui.review.messages import GRADE_NAMES

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportTab:
    """Built on request for the chosen sample; before that, one line says what it will show."""

    def __init__(self, ctx: DeskContext):
        self.ctx = ctx
        self.report = None
        t = ctx.i18n
        self.report_button = t.bind(widgets.Button(button_style="primary", icon="bar-chart"), "description", "refresh")
        self.report_button.add_class("wb-review-report")
        self.report_button.on_click(ctx.callback(lambda _b: self.build_report()))
        self.summary_html = widgets.HTML()
        self.summary_html.add_class("wb-review-summary")
        self.download_html = widgets.HTML()
        self.download_html.add_class("wb-review-download")
        self.dept_table = DataTable(
            self._group_columns("department", "col_stratum"),
            i18n=t,
            key="department",
            page_size=40,
            cls="wb-review-departments",
        )
        self.officer_table = DataTable(
            self._group_columns("officer", "col_officer"), i18n=t, key="officer", page_size=15, cls="wb-review-officers"
        )
        self.defect_table = DataTable(
            [
                Column("item", "col_item"),
                Column("zh", "col_name"),
                Column("section", "col_section"),
                Column("files", "col_files"),
                Column("points", "points"),
            ],
            i18n=t,
            key="item",
            page_size=15,
        )
        self.charts = widgets.HBox()
        self.charts.add_class("wb-review-charts")
        # The results (headings and tables) appear once a report is built; before that, one line says what it will show.
        self.report_hint = label(t, "report_hint", tag="p", cls="wb-review-report-hint")
        self.results_box = widgets.VBox(
            [
                self.summary_html,
                self.download_html,
                self.charts,
                section(t, "by_department", self.dept_table.widget),
                section(t, "by_officer", self.officer_table.widget),
                section(t, "top_defects", self.defect_table.widget),
            ]
        )
        self.results_box.add_class("wb-review-results")
        show(self.results_box, False)
        self.widget = widgets.VBox([self.report_button, self.report_hint, self.results_box])

    def _group_columns(self, key: str, label_key: str) -> list[Column]:
        pct = lambda v: "" if v is None or v != v else f"{v:.1%}"  # noqa: E731
        first = Column(key, label_key, fmt=self.ctx.dept_name) if key == "department" else Column(key, label_key)
        return [
            first,
            Column("population", "col_population"),
            Column("reviewed", "col_reviewed"),
            Column("average_score", "col_avg"),
            Column("优秀", "g_excellent"),
            Column("良好", "g_good"),
            Column("合格", "g_pass"),
            Column("不合格", "g_fail"),
            Column("defective", "col_defective"),
            Column("defect_rate", "col_rate", fmt=pct),
            Column("ci", "col_ci", sortable=False),
            Column("top_defects", "col_top", sortable=False),
        ]

    def build_report(self):
        ctx = self.ctx
        if ctx.sample_id is None:
            raise InputError(ctx.i18n.t("current_sample"), ctx.i18n.t("no_sample"))
        self.report = service.sample_report(ctx.sample_id, url=ctx.url)
        self.render()
        return self.report

    def render(self) -> None:
        r = self.report
        s = r.summary
        i18n = self.ctx.i18n
        t = i18n.t
        rate = s["defect_rate"]
        reviewed = t("reviewed_n", n=s["reviewed"], drawn=s["drawn"], avg=s["average_score"])
        lines = [f"<b>{html.escape(t('summary'))}</b> · {html.escape(reviewed)}"]
        if s["reviewed"]:
            lines.append(
                html.escape(
                    t(
                        "defect_rate",
                        est=rate["estimate"],
                        conf=rate["confidence"],
                        low=rate["low"],
                        high=rate["high"],
                        method=rate["method"],
                    )
                )
            )
        grades = " · ".join(f"{GRADE_NAMES[c][0 if i18n.lang == 'zh' else 1]} {n}" for c, n in s["grades"].items())
        lines.append(html.escape(grades))
        self.summary_html.value = "<div class='wb-card'>" + "<br>".join(lines) + "</div>"
        for table, frame in ((self.dept_table, r.departments), (self.officer_table, r.officers)):
            rows = frame.to_dict("records")
            for row in rows:
                row["ci"] = f"{row['ci_low']:.1%}–{row['ci_high']:.1%}" if row["ci_low"] == row["ci_low"] else ""
            table.set_rows(rows)
        self.defect_table.set_rows(r.defects.to_dict("records"))
        show(self.report_hint, False)
        show(self.results_box, True)
        self._charts()
        self._downloads()

    def _charts(self) -> None:
        import bqplot as bq  # heavy: imported when a chart is first drawn, as before

        r = self.report
        t = self.ctx.i18n.t
        depts = [self.ctx.dept_name(d) for d in r.departments["department"]]
        rates = [float(x) * 100 for x in r.departments["defect_rate"]]
        x1, y1 = bq.OrdinalScale(), bq.LinearScale(min=0, max=100)
        bars = bq.Bars(x=depts, y=rates, scales={"x": x1, "y": y1}, colors=["#1f4e79"])
        axes = [bq.Axis(scale=x1, tick_rotate=-30), bq.Axis(scale=y1, side="left", label="%")]
        rate_fig = bq.Figure(
            marks=[bars], axes=axes, title=t("chart_rate"), layout=widgets.Layout(width="560px", height="320px")
        )
        grades = r.summary["grades"]
        x2, y2 = bq.OrdinalScale(), bq.LinearScale(min=0)
        names = [GRADE_NAMES[c][0] for c in grades]
        grade_bars = bq.Bars(x=names, y=list(grades.values()), scales={"x": x2, "y": y2}, colors=["#2e7d32"])
        grade_fig = bq.Figure(
            marks=[grade_bars],
            axes=[bq.Axis(scale=x2), bq.Axis(scale=y2, side="left")],
            title=t("chart_grades"),
            layout=widgets.Layout(width="360px", height="320px"),
        )
        rate_fig.add_class("wb-review-chart-rate")
        self.charts.children = [rate_fig, grade_fig]

    def _downloads(self) -> None:
        t = self.ctx.i18n.t
        xlsx = base64.b64encode(to_xlsx(self.report)).decode()
        csv = base64.b64encode(to_csv(self.report, "departments")).decode()
        name = f"review_sample_{self.ctx.sample_id}"
        self.download_html.value = (
            f"<a class='wb-review-xlsx' download='{name}.xlsx' href='data:{XLSX_MIME};base64,{xlsx}'>"
            f"⬇ {html.escape(t('download'))}</a>"
            f" &nbsp; <a class='wb-review-csv' download='{name}_departments.csv' "
            f"href='data:text/csv;charset=utf-8;base64,{csv}'>⬇ {html.escape(t('download_csv'))}</a>"
        )
