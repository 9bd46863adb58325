"""人工改判 (overrides tab, wb-overrides): where staff and the rules disagreed, counted and listed."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench import triage as service
from workbench.ui.common import Column, DataTable
from workbench.ui.triage.desk import Desk


class OverridesTab:
    """The box exists from the start; its widgets are built when the tab is first opened (:meth:`build`)."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.box = widgets.VBox()
        self.box.add_class("wb-overrides")

    def build(self) -> None:
        desk = self.desk
        self.overrides_summary = widgets.HTML()
        self.overrides_summary.add_class("wb-overrides-summary")
        self.overrides_table = DataTable(
            [
                Column("number", "col_number"),
                Column("category", "col_category", fmt=desk.category_name),
                Column("at", "col_at", fmt=desk.fmt_time),
                Column("who", "col_who"),
                Column("reason", "col_reason"),
                Column("changed", "col_changed", fmt=self._changed_text, sortable=False),
                Column("rules_version", "rules_version"),
            ],
            i18n=desk.i18n,
            page_size=20,
            key="at",
            cls="wb-overrides-list",
        )
        self.box.children = [self.overrides_summary, self.overrides_table.widget]

    def refresh(self) -> None:
        desk = self.desk
        stats = service.override_stats(url=desk.url)
        by_cat = "、".join(f"{desk.category_name(k)} {v}" for k, v in stats["by_category"].items()) or "—"
        by_field = "、".join(f"{desk.i18n.t(k)} {v}" for k, v in stats["by_field"].items()) or "—"
        summary = desk.i18n.t(
            "overrides_summary",
            overrides=stats["overrides"],
            reports=stats["reports"],
            by_category=by_cat,
            by_field=by_field,
        )
        self.overrides_summary.value = html.escape(summary)
        self.overrides_table.set_rows(list(reversed(stats["items"])))
        self.override_stats = stats

    def _changed_text(self, changed: dict) -> str:
        desk = self.desk
        parts = []
        for field, pair in (changed or {}).items():
            engine, staff = pair.get("engine"), pair.get("staff")
            if field == "severity":
                engine, staff = desk.term("sev", engine), desk.term("sev", staff)
            elif field == "lead":
                engine, staff = desk.dept_name(engine), desk.dept_name(staff)
            parts.append(f"{desk.i18n.t(field)}: {engine} → {staff}")
        return "；".join(parts)
