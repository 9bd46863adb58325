"""History tab (版本历史): who published each version, when and why, and the difference between two versions."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as widgets

from workbench.lab import history as lab_history
from workbench.ui.common import Column, DataTable, label

if TYPE_CHECKING:
    from workbench.ui.rule_lab.lab import RuleLab


class HistoryTab:
    """The versions of the lab's violation; the last two are compared unless others are chosen."""

    def __init__(self, lab: RuleLab):
        self.lab = lab
        t = lab.i18n
        self.history_table = DataTable(
            [Column("effective_from", "col_effective"), Column("author", "col_author"),
             Column("published_at", "col_published_at"), Column("reason", "col_reason"),
             Column("source", "col_source", fmt=lambda s: lab.i18n.t(f"src_{s}"))],
            i18n=t, page_size=20, key="effective_from", cls="wb-lab-history")
        self.older = t.bind(widgets.Dropdown(), "description", "older")
        self.older.add_class("wb-lab-older")
        self.newer = t.bind(widgets.Dropdown(), "description", "newer")
        self.newer.add_class("wb-lab-newer")
        compare = t.bind(widgets.Button(), "description", "show_diff")
        compare.add_class("wb-lab-compare")
        compare.on_click(lab.callback(lambda _b: self.show_diff()))
        self.diff_box = widgets.HTML()
        self.diff_box.add_class("wb-lab-diff")
        self.widget = widgets.VBox([label(t, "history_intro", "p"), self.history_table.widget,
                                    widgets.HBox([self.older, self.newer, compare]), self.diff_box])

    def refresh(self) -> None:
        lab = self.lab
        if not lab.code:
            return
        found = lab_history.versions(lab.code, lab.workspace.rules_dir, lab.url)
        self.history_table.set_rows([v.to_dict() for v in found])
        options = [(v.effective_from.isoformat(), v.index) for v in found]
        self.older.options, self.newer.options = options, options
        if len(options) >= 2:
            self.older.value, self.newer.value = options[-2][1], options[-1][1]
        elif options:
            self.older.value = self.newer.value = options[0][1]
        self.show_diff()

    def show_diff(self) -> None:
        lab = self.lab
        if self.older.value is None or self.newer.value is None:
            self.diff_box.value = ""
            return
        diff = lab_history.diff(lab.code, self.older.value, self.newer.value, lab.workspace.rules_dir)
        lines = lab_history.diff_lines(diff, lab.i18n.lang)
        text = "\n".join(html.escape(line) for line in lines)
        self.diff_box.value = f"<pre class='wb-lab-diff-lines'>{text}</pre>"
