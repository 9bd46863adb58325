"""The grid of the draft's level rows (Edit & impact tab): edit, add, move, delete, reset to the published version."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as widgets

from workbench.lab.drafts import Draft
from workbench.ui.rule_lab.rows import LevelRowEditor

if TYPE_CHECKING:
    from workbench.ui.rule_lab.lab import RuleLab


class GridEditor:
    """The level rows of the draft, one LevelRowEditor each; every edit refreshes the lab's feedback."""

    def __init__(self, lab: RuleLab):
        self.lab = lab
        t = lab.i18n
        self.rows: list[LevelRowEditor] = []
        self.grid_title = widgets.HTML()
        self.grid = widgets.VBox()
        self.grid.add_class("wb-lab-grid")
        reset = t.bind(widgets.Button(), "description", "reset")
        reset.add_class("wb-lab-reset")
        reset.on_click(lab.callback(self.reset_draft))
        add = t.bind(widgets.Button(), "description", "add_row")
        add.add_class("wb-lab-add-row")
        add.on_click(lab.callback(self.add_row))
        self.buttons = widgets.HBox([add, reset])

    def rate_mode(self) -> bool:
        lab = self.lab
        return lab.workspace.published_engine().rulebook.violations[lab.code].fine_rate is not None

    def build(self) -> None:
        """The grid for the lab's draft (a fresh editor per row) under a header and the version it starts from."""
        lab = self.lab
        was, lab.building = lab.building, True
        try:
            rate = self.rate_mode()
            self.rows = [self._editor(row, rate) for row in lab.draft.levels]
            t = lab.i18n
            heads = [("col_row", "130px"), ("col_level", "150px"), ("col_when", "330px")]
            heads += [("col_rate", "168px")] if rate else [("col_person", "188px"), ("col_org", "188px")]
            heads += [("col_others", "150px"), ("col_basis", "320px")]
            header = widgets.HBox([widgets.HTML(f"<b>{html.escape(t.t(k))}</b>", layout=widgets.Layout(width=w))
                                   for k, w in heads])
            version = lab.workspace.published_engine().rulebook.benchmarks[lab.code].versions[-1].effective_from
            self.grid_title.value = f"<b>{html.escape(t.t('grid_title', version=version))}</b>"
            self.grid_header = header
            self._show_rows()
        finally:
            lab.building = was

    def _editor(self, row: dict, rate: bool) -> LevelRowEditor:
        lab = self.lab
        editor = LevelRowEditor(lab.i18n, row, rate)
        for widget in editor.inputs:
            widget.observe(lab.callback(lab.edited), names="value")
        editor.up.on_click(lab.callback(lambda _b: self.move_row(editor, -1)))
        editor.down.on_click(lab.callback(lambda _b: self.move_row(editor, 1)))
        editor.delete.on_click(lab.callback(lambda _b: self.delete_row(editor)))
        return editor

    def _show_rows(self) -> None:
        self.grid.children = [self.grid_header] + [e.box for e in self.rows]

    def move_row(self, editor: LevelRowEditor, step: int) -> None:
        """Rows are matched top to bottom (first match): moving one changes which cases it takes."""
        i = self.rows.index(editor)
        j = i + step
        if 0 <= j < len(self.rows):
            self.rows[i], self.rows[j] = self.rows[j], self.rows[i]
            self._show_rows()
            self.lab.refresh()

    def delete_row(self, editor: LevelRowEditor) -> None:
        if len(self.rows) > 1:
            self.rows.remove(editor)
            self._show_rows()
            self.lab.refresh()

    def add_row(self, _button=None) -> None:
        """A new row just above the last (catch-all) row, to be filled in."""
        taken = {e.id.value for e in self.rows}
        n = 1
        while f"new_row_{n}" in taken:
            n += 1
        rate = self.rate_mode()
        row = {"id": f"new_row_{n}", "level": "standard", "when": {}, "basis": ""}
        row["fine_rate" if rate else "fine"] = [0.0, 0.0] if rate else {"person": [0, 0], "organisation": [0, 0]}
        self.rows.insert(max(len(self.rows) - 1, 0), self._editor(row, rate))
        self._show_rows()
        self.lab.refresh()

    def reset_draft(self, _button=None) -> None:
        self.lab.select_violation(self.lab.code)

    def read_grid(self) -> Draft:
        """The grid as a draft; a condition that does not parse raises InputError naming the row."""
        draft = self.lab.draft.copy()
        draft.levels = [editor.to_row(i) for i, editor in enumerate(self.rows)]
        return draft
