"""超期督办 (overdue tab, wb-overdue): overdue reports by department, and the list, longest overdue first."""

from __future__ import annotations

import ipywidgets as widgets

from workbench import triage as service
from workbench.ui.common import Column, DataTable, label
from workbench.ui.triage.desk import Desk, num


class OverdueTab:
    """The box exists from the start; its widgets are built when the tab is first opened (:meth:`build`)."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.box = widgets.VBox()
        self.box.add_class("wb-overdue")

    def build(self) -> None:
        desk, i = self.desk, self.desk.i18n
        self.overdue_dept_table = DataTable(
            [
                Column("department", "col_assigned", fmt=desk.dept_name),
                Column("count", "col_count"),
                Column("max_overdue_hours", "col_max_overdue", fmt=num),
                Column("total_overdue_hours", "col_total_overdue", fmt=num),
            ],
            i18n=i,
            page_size=20,
            key="department",
            cls="wb-overdue-by-department",
        )
        self.overdue_table = DataTable(
            [
                Column("number", "col_number"),
                Column("department", "col_assigned", fmt=desk.dept_name),
                Column("category", "col_category", fmt=desk.category_name),
                Column("severity", "col_severity", fmt=desk.severity_cell, html=True),
                Column("status", "col_status", fmt=lambda v: desk.term("st", v)),
                Column("due_at", "col_due", fmt=desk.fmt_time),
                Column("overdue_hours", "col_overdue", fmt=num),
            ],
            i18n=i,
            page_size=20,
            key="id",
            cls="wb-overdue-list",
        )
        self.box.children = [
            label(i, "overdue_by_dept", tag="b"),
            self.overdue_dept_table.widget,
            label(i, "overdue_list", tag="b"),
            self.overdue_table.widget,
        ]

    def refresh(self) -> None:
        at = self.desk.clock()
        self.overdue_dept_table.set_rows(service.overdue_by_department(at=at, url=self.desk.url))
        self.overdue_table.set_rows(service.overdue(at=at, url=self.desk.url))
