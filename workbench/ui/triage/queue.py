"""事件队列 (queue tab): filters, the queue table (wb-queue), the selected report's detail and history,
and beside them the actions panel (:mod:`workbench.ui.triage.actions`)."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as widgets

from workbench import triage as service
from workbench.rulebook.model import REPORT_SOURCES
from workbench.store.models import REPORT_STATUSES
from workbench.ui.common import Column, DataTable, label
from workbench.ui.triage.actions import ActionsPanel
from workbench.ui.triage.card import render_classification
from workbench.ui.triage.desk import Desk, num


class QueueTab:
    """The queue and the report being worked on (``desk.current_id``)."""

    def __init__(self, desk: Desk, refresh_all: Callable[[], None]):
        self.desk = desk
        i = desk.i18n
        term, dept, fmt_time = desk.term, desk.dept_name, desk.fmt_time
        sources = [("any", None)] + [(f"src_{s}", s) for s in REPORT_SOURCES]
        self.f_source = i.bind_options(widgets.Dropdown(), sources)
        i.bind(self.f_source, "description", "source")
        severities = [("any", None)] + [(f"sev_{s}", s) for s in service.SEVERITIES]
        self.f_severity = i.bind_options(widgets.Dropdown(), severities)
        i.bind(self.f_severity, "description", "severity")
        self.f_department = widgets.Dropdown(options=[("—", None)], layout=widgets.Layout(width="360px"))
        i.bind(self.f_department, "description", "department")
        statuses = [("open", "open"), ("all_statuses", None)] + [(f"st_{s}", s) for s in REPORT_STATUSES]
        self.f_status = i.bind_options(widgets.Dropdown(), statuses)
        i.bind(self.f_status, "description", "status")
        self.f_text = widgets.Text(continuous_update=False, layout=widgets.Layout(width="300px"))
        i.bind(self.f_text, "description", "search")
        i.bind(self.f_text, "placeholder", "search_hint")
        self.f_overdue = widgets.Checkbox(value=False)
        i.bind(self.f_overdue, "description", "overdue_only")
        for w, cls in (
            (self.f_source, "wb-filter-source"),
            (self.f_severity, "wb-filter-severity"),
            (self.f_department, "wb-filter-department"),
            (self.f_status, "wb-filter-status"),
            (self.f_overdue, "wb-filter-overdue"),
            (self.f_text, "wb-filter-text"),
        ):
            w.add_class(cls)
            w.observe(desk.cb(self._filters_changed), names="value")
        self.refresh_button = widgets.Button(layout=widgets.Layout(width="120px"))
        self.refresh_button.add_class("wb-refresh")
        i.bind(self.refresh_button, "description", "refresh")
        self.refresh_button.on_click(desk.cb(lambda _b: refresh_all()))

        self.queue_table = DataTable(
            [
                Column("number", "col_number"),
                Column("received_at", "col_received", fmt=fmt_time),
                Column("category", "col_category", fmt=desk.category_name),
                Column("severity", "col_severity", fmt=desk.severity_cell, html=True),
                Column("lead", "col_lead", fmt=dept),
                Column("assigned_to", "col_assigned", fmt=dept),
                Column("coordination_level", "col_level"),
                Column("status", "col_status", fmt=lambda v: term("st", v)),
                Column("due_at", "col_due", fmt=fmt_time),
                Column("overdue_hours", "col_overdue", fmt=lambda v: "" if not v else num(v)),
                Column("overridden", "col_overridden", fmt=lambda v: i.t("yes") if v else ""),
            ],
            i18n=i,
            page_size=12,
            key="id",
            selectable=True,
            select_label=lambda r: f"{r['number']} · {desk.category_name(r['category'])} · {term('st', r['status'])}",
            cls="wb-queue",
        )
        self.queue_table.on_select(desk.cb(self._report_selected))

        self.detail = widgets.HTML()
        self.detail.add_class("wb-report-detail")
        self.history_table = DataTable(
            [
                Column("at", "col_at", fmt=fmt_time, sortable=False),
                Column("who", "col_who", sortable=False),
                Column("action", "col_action", fmt=lambda v: i.t(f"act_{v}"), sortable=False),
                Column("from_status", "col_from", fmt=lambda v: term("st", v), sortable=False),
                Column("to_status", "col_to", fmt=lambda v: term("st", v), sortable=False),
                Column("note", "col_note", sortable=False),
            ],
            i18n=i,
            page_size=50,
            key="at",
            cls="wb-history",
        )
        self.history_label = label(i, "history", tag="b")
        self.actions = ActionsPanel(desk, refresh_all, self.select_current, self.show_current)
        filters = widgets.HBox(
            [
                self.f_source,
                self.f_severity,
                self.f_department,
                self.f_status,
                self.f_text,
                self.f_overdue,
                self.refresh_button,
            ],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        filters.add_class("wb-filters")
        detail_box = widgets.VBox(
            [self.detail, self.history_label, self.history_table.widget], layout=widgets.Layout(width="55%")
        )
        below = widgets.HBox([detail_box, self.actions.box], layout=widgets.Layout(align_items="flex-start"))
        self.box = widgets.VBox([filters, self.queue_table.widget, below])

    def fill_departments(self) -> None:
        """Department choices of the actions and of the filter, in the current language."""
        departments = self.desk.departments
        options = [(self.desk.dept_name(c), c) for c in departments]
        self.actions.fill_departments(options)
        keep = self.f_department.value
        self.f_department.options = [(self.desk.i18n.t("any"), None)] + options
        self.f_department.value = keep if keep in departments else None

    def refresh(self) -> None:
        desk = self.desk
        rows = service.queue(
            source=self.f_source.value,
            severity=self.f_severity.value,
            department=self.f_department.value,
            status=self.f_status.value,
            overdue_only=self.f_overdue.value,
            at=desk.clock(),
            url=desk.url,
            text=self.f_text.value,
        )
        for row in rows:
            row["_class"] = "wb-overdue" if row["overdue_hours"] else ("wb-row-error" if not row["classified"] else "")
        self.queue_table.set_rows(rows)
        if desk.current_id is not None:
            self.show_current()

    def _filters_changed(self, _change=None) -> None:
        if self.desk.i18n.switching or self.desk.problem:
            return
        self.refresh()

    def _report_selected(self, key) -> None:
        if key is None:  # the selection left the page (paging, filters): keep the report shown
            return
        self.desk.current_id = key
        self.show_current()

    def select_current(self) -> None:
        if self.desk.current_id is None:
            return
        try:
            self.queue_table.select(self.desk.current_id)
        except KeyError:  # filtered out: show it anyway
            self.show_current()

    def show_current(self) -> None:
        desk = self.desk
        report = None
        if desk.current_id is not None:
            report = service.get_report(desk.current_id, desk.url)
            desk.current_version = report.version
            self.detail.value = render_classification(desk, desk.current_id)
            events = service.history(desk.current_id, desk.url)
            for event in events:
                message = service.event_message(event)
                if message is not None:  # a failed classification: its note in the language shown
                    event["note"] = message.render(desk.i18n.t)
            self.history_table.set_rows(events)
        else:
            self.detail.value = f'<div class="wb-card">{html.escape(desk.i18n.t("select_report"))}</div>'
            self.history_table.set_rows([])
        self.actions.show(report)
