"""统计 (dashboard tab, wb-dashboard): reports received per day, stacked by source, severity or department.

The chart is bqplot and renders offline; it is built once and its data replaced on every refresh.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench import triage as service
from workbench.ui.triage.desk import Desk

# category10: one colour per series of the stacked bars
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


class DashboardTab:
    """The box exists from the start; its widgets are built when the tab is first opened (:meth:`build`)."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.box = widgets.VBox()
        self.box.add_class("wb-dashboard")
        self.figure = None

    def build(self) -> None:
        desk, i = self.desk, self.desk.i18n
        groups = [("dash_source", "source"), ("dash_severity", "severity"), ("dash_department", "department")]
        self.dash_by = i.bind_options(widgets.Dropdown(), groups)
        self.dash_by.add_class("wb-dash-by")
        i.bind(self.dash_by, "description", "dash_by")
        self.dash_days = widgets.Dropdown(options=[("7", 7), ("30", 30), ("90", 90)], value=30)
        self.dash_days.add_class("wb-dash-days")
        i.bind(self.dash_days, "description", "dash_days")
        self.dash_by.observe(desk.cb(lambda _c: None if i.switching or desk.problem else self.refresh()), names="value")
        self.dash_days.observe(desk.cb(lambda _c: None if desk.problem else self.refresh()), names="value")
        self.dash_total = widgets.HTML()
        self.dash_total.add_class("wb-dash-total")
        self.dash_chart = widgets.Box()
        self.box.children = [widgets.HBox([self.dash_by, self.dash_days]), self.dash_total, self.dash_chart]
        self.dashboard_data: dict | None = None

    def refresh(self) -> None:
        import bqplot as bq  # imported here: heavy, and needed only once the dashboard is opened

        desk = self.desk
        data = service.dashboard_data(days=self.dash_days.value, at=desk.clock(), url=desk.url)
        self.dashboard_data = data
        groups = data["series"][self.dash_by.value]
        keys = sorted(groups, key=lambda k: -sum(groups[k]))
        dates = [d.strftime("%m-%d") for d in data["dates"]]
        labels = [self._series_label(self.dash_by.value, k) for k in keys]
        self.dash_total.value = html.escape(desk.i18n.t("dash_total", count=data["count"]))
        if self.figure is None:
            x, y = bq.OrdinalScale(), bq.LinearScale(min=0)
            self.y_scale = y
            self.bars = bq.Bars(
                x=dates,
                y=[[0] * len(dates)],
                scales={"x": x, "y": y},
                type="stacked",
                display_legend=True,
                labels=[""],
                colors=PALETTE,
            )
            ax_x = bq.Axis(scale=x, tick_rotate=-45, tick_style={"font-size": "9px"})
            self.y_axis = ax_y = bq.Axis(scale=y, side="left", tick_format="d")
            self.figure = bq.Figure(
                marks=[self.bars],
                axes=[ax_x, ax_y],
                layout=widgets.Layout(width="100%", height="380px"),
                legend_location="top-right",
                fig_margin={"top": 40, "bottom": 60, "left": 50, "right": 20},
            )
            self.figure.add_class("wb-dashboard-chart")
            self.dash_chart.children = [self.figure]
        with self.bars.hold_sync():
            self.bars.x = dates
            self.bars.y = [groups[k] for k in keys] if keys else [[0] * len(dates)]
            self.bars.labels = labels or [""]
            tallest = max((sum(day) for day in zip(*self.bars.y)), default=0)
            step = max(1, -(-tallest // 8))  # whole-number ticks, at most about eight
            self.y_axis.tick_values = list(range(0, tallest + step + 1, step))
            self.y_scale.max = float(tallest * 1.6 + 1)  # headroom: the legend sits above the bars
        self.figure.title = desk.i18n.t("dash_title")

    def _series_label(self, dim: str, key: str) -> str:
        desk = self.desk
        if key == "unclassified":
            return desk.i18n.t("unclassified")
        if dim == "source":
            return desk.term("src", key)
        if dim == "severity":
            return desk.term("sev", key)
        return desk.dept_name(key)
