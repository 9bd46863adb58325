"""History tab (版本历史): who published each version, when and why, and the difference between two versions."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench.lab import history as lab_history
from workbench.ui.common import Column, DataTable, label
from workbench.ui.rule_lab.context import LabContext


class HistoryTab:
    """The versions of the lab's violation; the last two are compared unless others are chosen."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx
        t = ctx.i18n
        self.history_table = DataTable(
            [
                Column("effective_from", "col_effective"),
                Column("author", "col_author"),
                Column("published_at", "col_published_at"),
                Column("reason", "col_reason"),
                Column("source", "col_source", fmt=lambda s: ctx.i18n.t(f"src_{s}")),
            ],
            i18n=t,
            page_size=20,
            key="effective_from",
            cls="wb-lab-history",
        )
        self.older = t.bind(widgets.Dropdown(), "description", "older")
        self.older.add_class("wb-lab-older")
        self.newer = t.bind(widgets.Dropdown(), "description", "newer")
        self.newer.add_class("wb-lab-newer")
        compare = t.bind(widgets.Button(), "description", "show_diff")
        compare.add_class("wb-lab-compare")
        compare.on_click(ctx.callback(lambda _b: self.show_diff()))
        self.diff_box = widgets.HTML()
        self.diff_box.add_class("wb-lab-diff")
        self.widget = widgets.VBox(
            [
                label(t, "history_intro", "p"),
                self.history_table.widget,
                widgets.HBox([self.older, self.newer, compare]),
                self.diff_box,
            ]
        )
        ctx.on_shown(self.refresh)

    def refresh(self) -> None:
        ctx = self.ctx
        if not ctx.code:
            return
        found = lab_history.versions(ctx.code, ctx.workspace.rules_dir, ctx.url)
        self.history_table.set_rows([v.to_dict() for v in found])
        options = [(v.effective_from.isoformat(), v.index) for v in found]
        self.older.options, self.newer.options = options, options
        if len(options) >= 2:
            self.older.value, self.newer.value = options[-2][1], options[-1][1]
        elif options:
            self.older.value = self.newer.value = options[0][1]
        self.show_diff()

    def show_diff(self) -> None:
        ctx = self.ctx
        if self.older.value is None or self.newer.value is None:
            self.diff_box.value = ""
            return
        diff = lab_history.diff(ctx.code, self.older.value, self.newer.value, ctx.workspace.rules_dir)
        lines = lab_history.diff_lines(diff, ctx.i18n.lang)
        text = "\n".join(html.escape(line) for line in lines)
        self.diff_box.value = f"<pre class='wb-lab-diff-lines'>{text}</pre>"
