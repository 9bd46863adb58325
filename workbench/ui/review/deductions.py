"""The deduction lines of the open file (Score tab): pre-check proposals and the reviewer's own, with the score."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from workbench.errors import InputError, WorkbenchError
from workbench.review.scoring import Deduction, score
from workbench.ui.review.context import DeskContext


class DeductionEditor:
    """One line per deduction (confirm, points, count, comment, remove), a picker to add one, the score preview."""

    def __init__(self, ctx: DeskContext):
        self.ctx = ctx
        self.lines: list[dict[str, Any]] = []  # deduction lines being edited
        t = ctx.i18n
        self.lines_box = widgets.VBox()
        self.lines_box.add_class("wb-review-lines")
        self.add_item = widgets.Dropdown(layout=widgets.Layout(width="620px"))
        self.add_item.add_class("wb-review-add-item")
        t.bind(self.add_item, "description", "add_item")
        self.item_options()
        t.on_change(lambda _lang: self.item_options())
        self.add_count = t.bind(
            widgets.BoundedIntText(value=1, min=1, max=50, layout=widgets.Layout(width="160px")), "description", "count"
        )
        self.add_comment = t.bind(widgets.Text(layout=widgets.Layout(width="360px")), "description", "comment")
        self.add_button = t.bind(widgets.Button(icon="plus"), "description", "add")
        self.add_button.add_class("wb-review-add")
        self.add_button.on_click(
            ctx.callback(
                lambda _b: self.add_deduction(self.add_item.value, self.add_count.value, self.add_comment.value)
            )
        )
        self.preview = widgets.HTML()
        self.preview.add_class("wb-review-preview")

    def item_options(self) -> None:
        ctx = self.ctx
        zh = ctx.i18n.lang == "zh"
        options = []
        for veto in ctx.checklist.vetoes:
            options.append((f"[{ctx.i18n.t('veto')}] {veto.zh if zh else veto.en + ' ' + veto.zh}", veto.code))
        for section in ctx.checklist.sections:
            for item in section.items:
                name = item.zh if zh else f"{item.en} {item.zh}"
                options.append((f"{section.zh} −{item.points:g} · {name}", item.code))
        keep = self.add_item.value
        self.add_item.options = options
        if keep in [v for _, v in options]:
            self.add_item.value = keep

    def line(self, d: Deduction) -> dict[str, Any]:
        """The widgets of one deduction line (a veto has no points or count to edit)."""
        ctx = self.ctx
        t = ctx.i18n
        entry = ctx.checklist.items.get(d.item) or ctx.checklist.veto_codes.get(d.item)
        if entry is None:
            raise InputError("item", f"unknown checklist item {d.item!r}")
        is_veto = not hasattr(entry, "points")
        confirm = widgets.Checkbox(value=d.status != "rejected", indent=False, layout=widgets.Layout(width="90px"))
        t.bind(confirm, "description", "confirm")
        confirm.add_class("wb-review-confirm")
        maximum = 0.0 if is_veto else entry.points
        points = widgets.BoundedFloatText(
            value=maximum if d.points is None else min(d.points, maximum),
            min=0,
            max=maximum,
            step=0.5,
            layout=widgets.Layout(width="150px"),
            disabled=is_veto,
        )
        t.bind(points, "description", "points")
        count = widgets.BoundedIntText(
            value=d.count,
            min=1,
            max=50,
            layout=widgets.Layout(width="140px"),
            disabled=is_veto or not getattr(entry, "repeatable", False),
        )
        t.bind(count, "description", "count")
        comment = widgets.Text(value=d.comment or "", layout=widgets.Layout(width="320px"))
        t.bind(comment, "description", "comment")
        remove = widgets.Button(icon="trash", layout=widgets.Layout(width="40px"), disabled=d.source == "precheck")
        line = {
            "deduction": d,
            "entry": entry,
            "veto": is_veto,
            "confirm": confirm,
            "points": points,
            "count": count,
            "comment": comment,
            "remove": remove,
            "label": widgets.HTML(),
        }
        for w in (confirm, points, count, comment):
            w.observe(lambda _c: ctx.callback(self.update_preview)(), names="value")
        remove.on_click(ctx.callback(lambda _b, line=line: self.remove(line)))
        return line

    def remove(self, line) -> None:
        self.lines = [ln for ln in self.lines if ln is not line]
        self.render_lines()

    def render_lines(self) -> None:
        i18n = self.ctx.i18n
        zh = i18n.lang == "zh"
        children = []
        for line in self.lines:
            entry, d = line["entry"], line["deduction"]
            src = i18n.t("src_precheck" if d.source == "precheck" else "src_reviewer")
            tag = f"[{i18n.t('veto')}] " if line["veto"] else ""
            name = entry.zh if zh else f"{entry.en} {entry.zh}"
            where = f"({html.escape(src)} · {html.escape(entry.basis)})"
            line["label"].value = (
                f"<span data-item='{html.escape(entry.code)}'>{html.escape(tag + name)} "
                f"<span class='wb-basis'>{where}</span></span>"
            )
            row = widgets.HBox([line["confirm"], line["points"], line["count"], line["comment"], line["remove"]])
            box = widgets.VBox([line["label"], row])
            box.add_class("wb-review-line")
            children.append(box)
        self.lines_box.children = children
        self.update_preview()

    def add_deduction(self, item: str, count: int = 1, comment: str = "") -> None:
        ctx = self.ctx
        if ctx.file_view is None:
            raise InputError(ctx.i18n.t("col_case"), ctx.i18n.t("no_file"))
        self.lines.append(self.line(Deduction(item=item, count=int(count), comment=comment or "", source="reviewer")))
        self.add_comment.value = ""
        self.add_count.value = 1
        self.render_lines()

    def deductions(self) -> list[Deduction]:
        out = []
        for line in self.lines:
            d = line["deduction"]
            entry = line["entry"]
            points = None
            if not line["veto"] and float(line["points"].value) != entry.points:
                points = float(line["points"].value)
            out.append(
                Deduction(
                    item=d.item,
                    points=points,
                    count=int(line["count"].value) if not line["veto"] else 1,
                    comment=line["comment"].value,
                    source=d.source,
                    status="confirmed" if line["confirm"].value else "rejected",
                    finding=d.finding,
                )
            )
        return out

    def update_preview(self) -> None:
        ctx = self.ctx
        if ctx.file_view is None:
            self.preview.value = ""
            return
        proposed = [
            Deduction(item=p["item"], source="precheck", finding=p["finding"]) for p in ctx.file_view["proposed"]
        ]
        try:
            result = score(ctx.checklist, self.deductions(), proposed)
        except WorkbenchError as exc:
            self.preview.value = f"<div class='wb-review-preview-error'>{html.escape(str(exc))}</div>"
            return
        grade = result.grade_zh if ctx.i18n.lang == "zh" else f"{result.grade_en} {result.grade_zh}"
        veto = " · " + html.escape(ctx.i18n.t("veto")) if result.veto else ""
        self.preview.value = (
            f"<div class='wb-card wb-review-score' data-total='{result.total:g}' "
            f"data-grade='{result.grade}'>"
            f"<b>{html.escape(ctx.i18n.t('preview', total=f'{result.total:g}', grade=grade))}</b>"
            f"{veto}</div>"
        )
