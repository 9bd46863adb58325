"""Score tab (案卷评分): the files of the chosen sample; open one, edit its deductions, save a draft or finalise."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.review import service
from workbench.review.scoring import Deduction
from workbench.ui.common import Column, DataTable, MessageKey, label
from workbench.ui.review.case_file import case_file_html
from workbench.ui.review.context import DeskContext
from workbench.ui.review.deductions import DeductionEditor
from workbench.ui.review.layout import section, show
from workbench.ui.review.messages import GRADE_NAMES

_DEDUCTION_FIELDS = ("item", "points", "count", "comment", "source", "status", "finding")


class ScoreTab:
    """The files table, then the open file's card and its deduction editor (``lines_editor``)."""

    def __init__(self, ctx: DeskContext):
        self.ctx = ctx
        t = ctx.i18n
        grade = lambda g: GRADE_NAMES.get(g, ("", ""))[0 if ctx.i18n.lang == "zh" else 1] if g else ""  # noqa: E731
        self.files_table = DataTable(
            [
                Column("position", "col_pos"),
                Column("case_id", "col_case"),
                Column("department", "col_stratum", fmt=ctx.dept_name),
                Column("violation", "col_violation"),
                Column("decision_date", "col_decided"),
                Column("findings", "col_findings"),
                Column("reviewers", "col_reviewers"),
                Column("total", "col_total"),
                Column("grade", "col_grade", fmt=grade),
            ],
            i18n=t,
            key="case_id",
            selectable=True,
            page_size=15,
            select_label=lambda r: f"{r['position']}. {r['case_id']} ({r['findings']})",
            cls="wb-review-files",
        )
        self.files_table.on_select(ctx.callback(self._file_chosen))
        self.file_html = widgets.HTML()
        self.file_html.add_class("wb-review-file")
        self.lines_editor = DeductionEditor(ctx)
        ed = self.lines_editor
        self.overall_comment = t.bind(
            widgets.Textarea(layout=widgets.Layout(width="700px", height="60px")), "description", "overall_comment"
        )
        self.save_button = t.bind(widgets.Button(icon="save"), "description", "save")
        self.save_button.add_class("wb-review-save")
        self.save_button.on_click(ctx.callback(lambda _b: self.save(final=False)))
        self.final_button = t.bind(widgets.Button(button_style="success", icon="check"), "description", "finalise")
        self.final_button.add_class("wb-review-finalise")
        self.final_button.on_click(ctx.callback(lambda _b: self.save(final=True)))
        # Before a sample is chosen: a hint instead of an empty table; before a file is opened: a hint
        # instead of an empty deduction editor.
        self.files_hint = label(t, "files_hint", tag="p", cls="wb-review-files-hint")
        self.files_box = section(t, "files_drawn", self.files_table.widget, "wb-review-files-box")
        self.file_hint = label(t, "file_hint", tag="p", cls="wb-review-file-hint")
        self.editor_box = widgets.VBox(
            [
                self.file_html,
                label(t, "deductions", tag="h4"),
                ed.lines_box,
                widgets.HBox([ed.add_item, ed.add_count]),
                widgets.HBox([ed.add_comment, ed.add_button]),
                ed.preview,
                self.overall_comment,
                widgets.HBox([self.save_button, self.final_button]),
            ]
        )
        self.editor_box.add_class("wb-review-editor")
        show(self.files_box, False)
        show(self.file_hint, False)
        show(self.editor_box, False)
        self.widget = widgets.VBox([self.files_hint, self.files_box, self.file_hint, self.editor_box])
        ctx.on_file_closed(self._clear_lines)
        ctx.on_sample_chosen(lambda _sample_id: self.refresh_files())

    def refresh_files(self) -> None:
        ctx = self.ctx
        if ctx.sample_id is None:
            self.files_table.set_rows([])
        else:
            self.files_table.set_rows(service.sample_files(ctx.sample_id, url=ctx.url))
        self.show_parts()

    def show_parts(self) -> None:
        """The hints, the files and the editor, as far as a sample is chosen and a file is open."""
        has_sample = self.ctx.sample_id is not None
        file_open = self.ctx.file_view is not None
        show(self.files_hint, not has_sample)
        show(self.files_box, has_sample)
        show(self.file_hint, has_sample and not file_open)
        show(self.editor_box, file_open)

    def close_file(self) -> None:
        """No file open (one of another sample is not edited under this one)."""
        self.ctx.close_file()

    def _clear_lines(self) -> None:
        self.lines_editor.lines = []
        self.lines_editor.lines_box.children = []

    def _file_chosen(self, key) -> None:
        if key is None or self.ctx.i18n.switching:
            return
        self.open(key)

    def open(self, case_number: str) -> dict[str, Any]:
        ctx = self.ctx
        who = ctx.reviewer_name()
        if ctx.sample_id is None:
            raise InputError(ctx.i18n.t("current_sample"), ctx.i18n.t("no_sample"))
        view = service.open_file(ctx.sample_id, case_number, who, url=ctx.url)
        ctx.file_view = view
        existing = (view.get("score") or {}).get("deductions")
        source = existing if existing is not None else view["proposed"]
        ed = self.lines_editor
        ed.lines = [
            ed.line(Deduction(**{k: d.get(k) for k in _DEDUCTION_FIELDS if d.get(k) is not None})) for d in source
        ]
        self.overall_comment.value = (view.get("score") or {}).get("comment") or ""
        self.render_file()
        ed.render_lines()
        self.show_parts()
        return view

    def render_file(self) -> None:
        self.file_html.value = case_file_html(self.ctx.i18n, self.ctx.file_view)

    def save(self, final: bool = False) -> dict[str, Any]:
        ctx = self.ctx
        who = ctx.reviewer_name()
        if ctx.file_view is None:
            raise InputError(ctx.i18n.t("col_case"), ctx.i18n.t("no_file"))
        v = ctx.file_view
        result = service.save_score(
            v["sample_id"],
            v["case_id"],
            who,
            self.lines_editor.deductions(),
            v.get("version"),
            comment=self.overall_comment.value,
            final=final,
            url=ctx.url,
            checklist=ctx.checklist,
        )
        v["version"] = result["version"]
        grade = f"review_grade_{result['grade']}"
        grade = MessageKey(grade) if grade in ctx.i18n.messages else result["grade_zh"]
        ctx.status.say(
            "ok", "saved", case=v["case_id"], total=f"{result['total']:g}", grade=grade, reviewer=who
        )  # follows the language
        self._refresh_files_keep(self.files_table.selected)
        return result

    def _refresh_files_keep(self, keep) -> None:
        """The files again (scores changed), the same one selected, without reopening it."""
        callbacks = self.files_table._select_callbacks
        self.files_table._select_callbacks = []
        try:
            self.refresh_files()
            if keep is not None:
                try:
                    self.files_table.select(keep)
                except KeyError:
                    pass
        finally:
            self.files_table._select_callbacks = callbacks
