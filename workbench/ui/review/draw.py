"""Draw tab (抽取样本): the sampling form, the last draw's allocation and weights, the samples drawn so far."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.review import service
from workbench.ui.common import Column, DataTable, label
from workbench.ui.review.context import DeskContext
from workbench.ui.review.layout import section, show


class DrawTab:
    """Draw a reproducible sample (method, seed, size or confidence and margin), redraw it to verify it."""

    def __init__(self, ctx: DeskContext):
        self.ctx = ctx
        # the sample whose draw is shown: the last drawn here or the one picked
        self._drawn: dict[str, Any] | None = None
        t = ctx.i18n
        p = ctx.checklist.param
        self.name = t.bind(widgets.Text(value=f"{dt.date.today().year} 评查"), "description", "sample_name")
        self.method = widgets.Dropdown(layout=widgets.Layout(width="420px"))
        t.bind_options(self.method, [("m_simple", "simple"), ("m_stratified", "stratified"), ("m_risk", "risk")])
        self.method.value = "stratified"
        t.bind(self.method, "description", "method")
        self.method.add_class("wb-review-method")
        self.seed = t.bind(widgets.BoundedIntText(value=20241, min=0, max=2**31 - 1), "description", "seed")
        self.seed.add_class("wb-review-seed")
        self.size_mode = widgets.RadioButtons()
        t.bind_options(self.size_mode, [("size_fixed", "fixed"), ("size_calc", "calc")])
        self.size_mode.value = "fixed"
        t.bind(self.size_mode, "description", "size_mode")
        self.size = t.bind(widgets.BoundedIntText(value=20, min=1, max=1_000_000), "description", "size")
        self.size.add_class("wb-review-size")
        self.confidence = t.bind(
            widgets.BoundedFloatText(value=p("sample_confidence"), min=0.5, max=0.999, step=0.01),
            "description",
            "confidence",
        )
        self.margin = t.bind(
            widgets.BoundedFloatText(value=p("sample_margin"), min=0.005, max=0.5, step=0.01), "description", "margin"
        )
        self.min_per = t.bind(
            widgets.BoundedIntText(value=int(p("sample_min_per_department")), min=0, max=1000), "description", "min_per"
        )
        self.risk_weight = t.bind(
            widgets.BoundedFloatText(value=p("risk_weight_with_findings"), min=1, max=100), "description", "risk_weight"
        )
        self.procedure = widgets.Dropdown(layout=widgets.Layout(width="360px"))
        t.bind_options(self.procedure, [("proc_all", None), ("proc_general", "general"), ("proc_summary", "summary")])
        t.bind(self.procedure, "description", "procedure")
        self.procedure.add_class("wb-review-procedure")
        self.date_from = t.bind(widgets.DatePicker(), "description", "date_from")
        self.date_to = t.bind(widgets.DatePicker(), "description", "date_to")
        self.draw_button = t.bind(widgets.Button(button_style="primary", icon="random"), "description", "draw")
        self.draw_button.add_class("wb-review-draw")
        self.draw_button.on_click(ctx.callback(lambda _b: self.draw()))
        self.verify_button = t.bind(widgets.Button(icon="check"), "description", "verify")
        self.verify_button.add_class("wb-review-verify")
        self.verify_button.on_click(ctx.callback(lambda _b: self.verify()))
        self.draw_info = widgets.HTML()
        self.draw_info.add_class("wb-review-draw-info")
        self.allocation_table = DataTable(
            [
                Column("stratum", "col_stratum", fmt=ctx.dept_name),
                Column("population", "col_population"),
                Column("quota", "col_quota"),
                Column("drawn", "col_drawn"),
            ],
            i18n=t,
            page_size=40,
            key="stratum",
            cls="wb-review-allocation",
            compact=True,
        )
        self.weights_table = DataTable(
            [
                Column("group", "col_group"),
                Column("weight", "col_weight"),
                Column("population", "col_population"),
                Column("expected_share", "col_share"),
                Column("drawn", "col_drawn"),
            ],
            i18n=t,
            key="group",
            cls="wb-review-weights",
            compact=True,
        )
        self.samples_table = DataTable(
            [
                Column("id", "col_id"),
                Column("name", "col_name"),
                Column("method", "col_method", fmt=ctx.method_name),
                Column("seed", "col_seed"),
                Column("size", "col_size"),
                Column("created_by", "col_by"),
                Column("created_at", "col_at"),
            ],
            i18n=t,
            key="id",
            selectable=True,
            page_size=10,
            select_label=lambda r: f"{r['id']} · {r['name']} ({r['size']})",
            cls="wb-review-samples",
        )
        self.samples_table.on_select(ctx.callback(ctx.sample_chosen))
        # Each table under its own heading; the allocation and weights only appear once a draw gives them rows,
        # and an empty list of samples is one line, not an empty pageable table.
        self.allocation_box = section(t, "allocation", self.allocation_table.widget, "wb-review-allocation-box")
        self.weights_box = section(t, "weights", self.weights_table.widget, "wb-review-weights-box")
        self.no_samples = label(t, "no_samples", tag="p", cls="wb-review-no-samples")
        self.samples_box = section(
            t, "samples", widgets.VBox([self.no_samples, self.samples_table.widget]), "wb-review-samples-box"
        )
        show(self.allocation_box, False)
        show(self.weights_box, False)
        show(self.samples_table.widget, False)
        # Descriptions wide enough for the English texts ("Weight of files with findings"), not cut to "Weight of fi…".
        for w in (
            self.name,
            self.method,
            self.seed,
            self.size_mode,
            self.size,
            self.confidence,
            self.margin,
            self.min_per,
            self.risk_weight,
            self.date_from,
            self.date_to,
            self.procedure,
        ):
            w.style.description_width = "190px"
            w.layout.width = "400px"
        self.verify_button.layout.width = "220px"
        wrap = widgets.Layout(flex_flow="row wrap")
        form = widgets.VBox(
            [
                widgets.HBox([self.name, self.method], layout=wrap),
                widgets.HBox([self.seed, self.size_mode], layout=wrap),
                widgets.HBox([self.size, self.confidence, self.margin], layout=wrap),
                widgets.HBox([self.min_per, self.risk_weight], layout=wrap),
                widgets.HBox([self.date_from, self.date_to, self.procedure], layout=wrap),
                widgets.HBox([self.draw_button, self.verify_button], layout=wrap),
            ]
        )
        self.widget = widgets.VBox([form, self.draw_info, self.allocation_box, self.weights_box, self.samples_box])
        ctx.on_sample_chosen(self._sample_chosen)

    def _sample_chosen(self, sample_id: int) -> None:
        if not self.shows(sample_id):
            self.show_draw(service.sample_allocation(sample_id, url=self.ctx.url))  # the picked sample's

    def draw(self) -> dict[str, Any]:
        ctx = self.ctx
        who = ctx.reviewer_name()
        calc = self.size_mode.value == "calc"
        ctx.progress.start(1, "drawing")
        try:
            sample = service.draw_sample(
                name=self.name.value,
                method=self.method.value,
                seed=int(self.seed.value),
                created_by=who,
                size=None if calc else int(self.size.value),
                confidence=float(self.confidence.value),
                margin=float(self.margin.value),
                min_per_stratum=int(self.min_per.value),
                risk_weight=float(self.risk_weight.value),
                date_from=self.date_from.value,
                date_to=self.date_to.value,
                procedure=self.procedure.value,
                url=ctx.url,
                checklist=ctx.checklist,
            )
        finally:
            ctx.progress.done()
        self.show_draw(sample)
        self.refresh_samples()
        self.samples_table.select(sample["id"])
        # a message key and its numbers: the status line follows the language
        ctx.status.say("ok", "drawn_ok", id=sample["id"], size=sample["size"], seed=sample["seed"])
        return sample

    def show_draw(self, sample: dict[str, Any]) -> None:
        self._drawn = sample
        self.render_info()
        params = sample["params"]
        self.allocation_table.set_rows(params.get("allocation") or [])
        self.weights_table.set_rows(params.get("weights") or [])
        show(self.allocation_box, bool(self.allocation_table.rows))
        show(self.weights_box, bool(self.weights_table.rows))

    def shows(self, sample_id: int) -> bool:
        """Whether the draw shown is that of sample ``sample_id``."""
        return self._drawn is not None and self._drawn.get("id") == sample_id

    def render_info(self) -> None:
        """One line on the last draw (method, seed, n of N), the size formula if one was used; follows the language."""
        sample = self._drawn
        if sample is None:
            self.draw_info.value = ""
            return
        t = self.ctx.i18n.t
        params = sample["params"]
        method = self.ctx.method_name(sample["method"])
        name = html.escape(str(sample.get("name") or ""))
        text = [
            f"<b>{html.escape(t('current_sample'))} {sample['id']}</b> {name} · "
            f"<b>{html.escape(t('method'))}</b>: {html.escape(method)} · {html.escape(t('seed'))} {sample['seed']}"
            f" · n = {sample['size']} / N = {params.get('population', '?')}"
        ]
        formula = params.get("formula")
        if formula:
            text.append(f"<pre class='wb-review-formula'>{html.escape(formula)}</pre>")
        asked, drawn, minimum = params.get("size"), sample["size"], params.get("min_per_stratum")
        if asked is not None and minimum is not None and drawn > asked:
            raised = t("size_raised", min=minimum, strata=len(params.get("allocation") or []), asked=asked, drawn=drawn)
            text.append(f"<span class='wb-review-size-raised'>{html.escape(raised)}</span>")
        self.draw_info.value = "<br>".join(text)

    def verify(self) -> dict[str, Any]:
        ctx = self.ctx
        if ctx.sample_id is None:
            raise InputError(ctx.i18n.t("current_sample"), ctx.i18n.t("no_sample"))
        result = service.redraw(ctx.sample_id, url=ctx.url)
        if result["same"]:
            ctx.status.say("ok", "verify_same", id=ctx.sample_id)  # follows the language
        else:
            ctx.status.say("error", "verify_diff", id=ctx.sample_id)
        return result

    def refresh_samples(self) -> None:
        self.samples_table.set_rows(service.list_samples(url=self.ctx.url))
        show(self.no_samples, not self.samples_table.rows)
        show(self.samples_table.widget, bool(self.samples_table.rows))
