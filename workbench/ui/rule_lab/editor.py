"""The grid of the draft's level rows (Edit & impact tab): edit, add, move, delete, reset to the published version."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench.lab.drafts import Draft
from workbench.ui.rule_lab.context import LabContext
from workbench.ui.rule_lab.rows import LevelRowEditor


class GridEditor:
    """The level rows of the draft (``ctx.rows``), one LevelRowEditor each; every edit refreshes the feedback."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx
        t = ctx.i18n
        self.grid_title = widgets.HTML()
        self.grid = widgets.VBox()
        self.grid.add_class("wb-lab-grid")
        reset = t.bind(widgets.Button(), "description", "reset")
        reset.add_class("wb-lab-reset")
        reset.on_click(ctx.callback(self.reset_draft))
        add = t.bind(widgets.Button(), "description", "add_row")
        add.add_class("wb-lab-add-row")
        add.on_click(ctx.callback(self.add_row))
        self.buttons = widgets.HBox([add, reset])
        ctx.on_draft(self.build)

    @property
    def rows(self) -> list[LevelRowEditor]:
        return self.ctx.rows

    @rows.setter
    def rows(self, value: list[LevelRowEditor]) -> None:
        self.ctx.rows = value

    def rate_mode(self) -> bool:
        ctx = self.ctx
        return ctx.rulebook().violations[ctx.code].fine_rate is not None

    def build(self) -> None:
        """The grid for the lab's draft (a fresh editor per row) under a header and the version it starts from."""
        ctx = self.ctx
        was, ctx.building = ctx.building, True
        try:
            rate = self.rate_mode()
            self.rows = [self._editor(row, rate) for row in ctx.draft.levels]
            t = ctx.i18n
            heads = [("col_row", "130px"), ("col_level", "150px"), ("col_when", "330px")]
            heads += [("col_rate", "168px")] if rate else [("col_person", "188px"), ("col_org", "188px")]
            heads += [("col_others", "150px"), ("col_basis", "320px")]
            header = widgets.HBox(
                [widgets.HTML(f"<b>{html.escape(t.t(k))}</b>", layout=widgets.Layout(width=w)) for k, w in heads]
            )
            version = ctx.rulebook().benchmarks[ctx.code].versions[-1].effective_from
            self.grid_title.value = f"<b>{html.escape(t.t('grid_title', version=version))}</b>"
            self.grid_header = header
            self._show_rows()
        finally:
            ctx.building = was

    def _editor(self, row: dict, rate: bool) -> LevelRowEditor:
        ctx = self.ctx
        editor = LevelRowEditor(ctx.i18n, row, rate)
        for widget in editor.inputs:
            widget.observe(ctx.callback(ctx.edited), names="value")
        editor.up.on_click(ctx.callback(lambda _b: self.move_row(editor, -1)))
        editor.down.on_click(ctx.callback(lambda _b: self.move_row(editor, 1)))
        editor.delete.on_click(ctx.callback(lambda _b: self.delete_row(editor)))
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
            self.ctx.refresh()

    def delete_row(self, editor: LevelRowEditor) -> None:
        if len(self.rows) > 1:
            self.rows.remove(editor)
            self._show_rows()
            self.ctx.refresh()

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
        self.ctx.refresh()

    def reset_draft(self, _button=None) -> None:
        self.ctx.select_violation(self.ctx.code)

    def read_grid(self) -> Draft:
        """The grid as a draft; a condition that does not parse raises InputError naming the row."""
        return self.ctx.read_draft()
