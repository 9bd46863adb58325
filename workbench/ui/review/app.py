"""Review desk (案卷评查台): draw a sample, score its files with the pre-check findings, report and export.

Built only on the review service (workbench/review/service.py) and the shared
UI pieces; every callback is wrapped (errors show in the status line). Test
hooks: classes ``wb-review-*``; ``build()`` returns the ReviewDesk so pytest
can drive it without a browser.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from typing import Any

import ipywidgets as widgets

from workbench.review import service
from workbench.review.checklist import load_checklist
from workbench.review.reports import to_csv, to_xlsx
from workbench.review.scoring import Deduction, score
from workbench.ui.common import Column, DataTable, I18n, MessageKey, ProgressBar, StatusBar, app_shell, label, safe_callback

MESSAGES = {
    "review_title": {"zh": "案卷评查台", "en": "Review desk 案卷评查台"},
    "tab_draw": {"zh": "抽取样本", "en": "Draw a sample 抽样"},
    "tab_score": {"zh": "案卷评分", "en": "Score files 评分"},
    "tab_report": {"zh": "评查报告", "en": "Reports 报告"},
    "reviewer": {"zh": "评查人", "en": "Reviewer 评查人"},
    "reviewer_hint": {"zh": "请输入姓名或工号", "en": "your name or staff number"},
    "sample_name": {"zh": "样本名称", "en": "Sample name"},
    "method": {"zh": "抽样方法", "en": "Method 抽样方法"},
    "m_simple": {"zh": "简单随机", "en": "Simple random 简单随机"},
    "m_stratified": {"zh": "按单位分层", "en": "Stratified by department 分层"},
    "m_risk": {"zh": "风险加权", "en": "Risk-weighted 风险加权"},
    "seed": {"zh": "随机种子", "en": "Seed 随机种子"},
    "size_mode": {"zh": "样本量", "en": "Sample size 样本量"},
    "size_fixed": {"zh": "指定数量", "en": "Given number"},
    "size_calc": {"zh": "按置信度和误差计算", "en": "From confidence and margin"},
    "size": {"zh": "数量", "en": "Number"},
    "confidence": {"zh": "置信度", "en": "Confidence"},
    "margin": {"zh": "允许误差", "en": "Margin ±"},
    "min_per": {"zh": "每单位至少", "en": "Min. per department"},
    "risk_weight": {"zh": "有预检发现的权重", "en": "Weight of files with findings"},
    "date_from": {"zh": "决定日期自", "en": "Decided from"},
    "date_to": {"zh": "至", "en": "to"},
    "draw": {"zh": "抽取", "en": "Draw 抽取"},
    "verify": {"zh": "复核重抽", "en": "Redraw to verify 复核"},
    "samples": {"zh": "已抽样本", "en": "Samples drawn so far 已抽样本"},
    "no_samples": {"zh": "尚无样本：填写评查人后点击“抽取”。", "en": "No samples yet 尚无样本: enter the reviewer, then Draw."},
    "allocation": {"zh": "各单位分配", "en": "Allocation by department 各单位分配"},
    "weights": {"zh": "风险加权权重", "en": "Risk weights 风险加权"},
    "files_drawn": {"zh": "抽中的案卷", "en": "Files drawn 抽中的案卷"},
    "files_hint": {"zh": "请先在“抽取样本”页抽取或选择样本，抽中的案卷将列在这里。",
                   "en": "Draw or choose a sample on the Draw tab first; its files are listed here."},
    "file_hint": {"zh": "在上方“选择”中选一件案卷，即可查看案卷并评分。", "en": "Choose a file above (Select) to see it and score it."},
    "report_hint": {"zh": "选定样本并评分后，点击“生成报告”查看汇总、按单位和按执法人员的结果及常见问题。",
                    "en": "With a sample chosen and files scored, Build report shows the summary, results by department and officer, and the most frequent defects."},
    "col_id": {"zh": "编号", "en": "ID"},
    "col_name": {"zh": "名称", "en": "Name"},
    "col_method": {"zh": "方法", "en": "Method"},
    "col_seed": {"zh": "种子", "en": "Seed"},
    "col_size": {"zh": "数量", "en": "Size"},
    "col_by": {"zh": "抽取人", "en": "Drawn by"},
    "col_at": {"zh": "时间", "en": "At"},
    "col_stratum": {"zh": "单位", "en": "Department 单位"},
    "col_population": {"zh": "总体", "en": "Population"},
    "col_quota": {"zh": "按比例", "en": "Proportional"},
    "col_drawn": {"zh": "抽中", "en": "Drawn"},
    "col_group": {"zh": "组", "en": "Group"},
    "col_weight": {"zh": "权重", "en": "Weight"},
    "col_share": {"zh": "预期占比", "en": "Expected share"},
    "col_pos": {"zh": "序号", "en": "#"},
    "col_case": {"zh": "案号", "en": "Case 案号"},
    "col_violation": {"zh": "违法行为", "en": "Violation"},
    "col_decided": {"zh": "决定日期", "en": "Decided"},
    "col_findings": {"zh": "预检发现", "en": "Findings 预检"},
    "col_reviewers": {"zh": "评查人", "en": "Reviewers"},
    "col_total": {"zh": "得分", "en": "Score"},
    "col_grade": {"zh": "等次", "en": "Grade"},
    "current_sample": {"zh": "当前样本", "en": "Current sample"},
    "drawn_ok": {"zh": "已抽取样本 {id}：{size} 件（种子 {seed}）", "en": "Sample {id} drawn: {size} files (seed {seed})"},
    "verify_same": {"zh": "样本 {id} 复核一致：同一种子与参数抽出相同案卷", "en": "Sample {id} verified: the same seed and parameters give the same files"},
    "verify_diff": {"zh": "样本 {id} 复核不一致：总体已变化", "en": "Sample {id} differs on redraw: the population changed"},
    # One bilingual line whenever the minimum per department raised the size asked for (numbers from the draw).
    "size_raised": {"zh": "按每单位至少 {min} 件，共 {strata} 个单位，样本量由 {asked} 增至 {drawn} · "
                          "Raised from {asked} to {drawn}: at least {min} per department across {strata} departments",
                    "en": "按每单位至少 {min} 件，共 {strata} 个单位，样本量由 {asked} 增至 {drawn} · "
                          "Raised from {asked} to {drawn}: at least {min} per department across {strata} departments"},
    "no_sample": {"zh": "请先抽取或选择样本", "en": "Draw or choose a sample first"},
    "no_file": {"zh": "请选择案卷", "en": "Choose a file"},
    "no_reviewer": {"zh": "请填写评查人", "en": "Enter the reviewer's name"},
    "file_title": {"zh": "案卷 {case}", "en": "File {case}"},
    "party": {"zh": "当事人", "en": "Party 当事人"},
    "dates": {"zh": "日期", "en": "Dates"},
    "officers": {"zh": "执法人员", "en": "Officers 执法人员"},
    "facts": {"zh": "事实", "en": "Facts 事实"},
    "circumstances": {"zh": "情节", "en": "Circumstances 情节"},
    "penalty": {"zh": "处罚", "en": "Penalty 处罚"},
    "procedure": {"zh": "程序", "en": "Procedure 程序"},
    "documents": {"zh": "卷内文书", "en": "Documents 卷内文书"},
    "findings": {"zh": "自动预检发现（已作为拟扣分项列入）", "en": "Pre-check findings (proposed as deductions)"},
    "no_findings": {"zh": "无预检发现", "en": "No pre-check findings"},
    "deductions": {"zh": "扣分项", "en": "Deductions 扣分项"},
    "confirm": {"zh": "确认", "en": "Confirm"},
    "points": {"zh": "扣分", "en": "Points"},
    "count": {"zh": "处数", "en": "Count"},
    "comment": {"zh": "说明", "en": "Comment"},
    "remove": {"zh": "删除", "en": "Remove"},
    "add_item": {"zh": "增加扣分项", "en": "Add deduction"},
    "add": {"zh": "增加", "en": "Add"},
    "overall_comment": {"zh": "评查意见", "en": "Review comment"},
    "save": {"zh": "保存草稿", "en": "Save draft"},
    "finalise": {"zh": "确认定稿", "en": "Finalise"},
    "saved": {"zh": "已保存 {case}：{total} 分，{grade}（{reviewer}）", "en": "Saved {case}: {total} points, {grade} ({reviewer})"},
    "preview": {"zh": "得分 {total}，等次 {grade}", "en": "Score {total}, grade {grade}"},
    "veto": {"zh": "否决项", "en": "Veto 否决项"},
    "src_precheck": {"zh": "预检", "en": "pre-check"},
    "src_reviewer": {"zh": "评查人", "en": "reviewer"},
    "refresh": {"zh": "生成报告", "en": "Build report 生成报告"},
    "summary": {"zh": "样本汇总", "en": "Sample summary"},
    "by_department": {"zh": "按单位", "en": "By department 按单位"},
    "by_officer": {"zh": "按执法人员", "en": "By officer 按执法人员"},
    "top_defects": {"zh": "常见问题", "en": "Most frequent defects 常见问题"},
    "download": {"zh": "下载 XLSX", "en": "Download XLSX"},
    "download_csv": {"zh": "下载 CSV（按单位）", "en": "Download CSV (departments)"},
    "defect_rate": {"zh": "问题案卷率估计 {est:.1%}（{conf:.0%} 置信区间 {low:.1%}–{high:.1%}，{method}）",
                    "en": "Estimated defect rate {est:.1%} ({conf:.0%} CI {low:.1%}–{high:.1%}, {method})"},
    "chart_rate": {"zh": "各单位问题案卷率", "en": "Defect rate by department"},
    "chart_grades": {"zh": "等次分布", "en": "Grades"},
    "col_reviewed": {"zh": "评查数", "en": "Reviewed"},
    "col_avg": {"zh": "平均分", "en": "Average"},
    "col_defective": {"zh": "问题卷", "en": "Defective"},
    "col_rate": {"zh": "问题率", "en": "Rate"},
    "col_ci": {"zh": "置信区间", "en": "CI"},
    "col_top": {"zh": "常见问题", "en": "Top defects"},
    "col_officer": {"zh": "执法人员", "en": "Officer"},
    "col_item": {"zh": "扣分项", "en": "Item"},
    "col_files": {"zh": "案卷数", "en": "Files"},
    "col_section": {"zh": "部分", "en": "Section"},
    "reviewed_n": {"zh": "已评 {n} / 抽取 {drawn}，平均分 {avg}", "en": "Reviewed {n} of {drawn}, average {avg}"},
    "drawing": {"zh": "正在抽样和预检…", "en": "Drawing and pre-checking…"},
    "proc_all": {"zh": "全部", "en": "All"},
    "proc_general": {"zh": "一般程序", "en": "General procedure 一般程序"},
    "proc_summary": {"zh": "简易程序", "en": "Summary procedure 简易程序"},
    "g_excellent": {"zh": "优秀", "en": "Excellent 优秀"},
    "g_good": {"zh": "良好", "en": "Good 良好"},
    "g_pass": {"zh": "合格", "en": "Pass 合格"},
    "g_fail": {"zh": "不合格", "en": "Fail 不合格"},
}

GRADE_NAMES = {"excellent": ("优秀", "Excellent 优秀"), "good": ("良好", "Good 良好"), "pass": ("合格", "Pass 合格"), "fail": ("不合格", "Fail 不合格")}


def app(url: str | None = None, i18n: I18n | None = None) -> widgets.VBox:
    """The Review desk widget (what notebooks/review.ipynb shows)."""
    return build(url, i18n).widget


def build(url: str | None = None, i18n: I18n | None = None) -> "ReviewDesk":
    return ReviewDesk(url, i18n)


class ReviewDesk:
    def __init__(self, url: str | None = None, i18n: I18n | None = None):
        self.url = url
        self.i18n = i18n or I18n()
        self.i18n.add(MESSAGES)
        self.checklist = load_checklist()
        # grade names as message keys, so a status line naming a grade follows a language switch
        self.i18n.add({f"review_grade_{g.code}": {"zh": g.zh, "en": f"{g.en} {g.zh}"} for g in self.checklist.grades})
        self.status = StatusBar(self.i18n)
        self.sample_id: int | None = None
        self.file_view: dict[str, Any] | None = None
        self.lines: list[dict[str, Any]] = []   # deduction lines being edited
        self.report = None
        self.progress = ProgressBar(self.i18n)
        self.departments: dict[str, tuple[str, str]] = {}
        self._drawn: dict[str, Any] | None = None   # the sample whose draw is shown: the last drawn here or the one picked
        t = self.i18n
        self.reviewer = t.bind(t.bind(widgets.Text(layout=widgets.Layout(width="360px")), "description", "reviewer"), "placeholder", "reviewer_hint")
        self.reviewer.add_class("wb-review-reviewer")
        self.reviewer.style.description_width = "initial"
        self.tabs = widgets.Tab(children=[self._draw_tab(), self._score_tab(), self._report_tab()])
        self.tabs.add_class("wb-review-tabs")
        self._tab_titles()
        t.on_change(lambda _lang: self._relabel())
        body = widgets.VBox([self.reviewer, self.progress.widget, self.tabs])
        self.widget = app_shell(t, "review_title", body, self.status, cls="wb-review")
        safe_callback(self._load, self.status, t)()

    def _load(self) -> None:
        """Department names and the samples so far (an uninitialised database says what to run)."""
        self.departments = service.department_names(self.url)
        self.refresh_samples()

    def _tab_titles(self) -> None:
        for i, key in enumerate(("tab_draw", "tab_score", "tab_report")):
            self.tabs.set_title(i, self.i18n.t(key))

    def _relabel(self) -> None:
        self._tab_titles()
        self._render_draw_info()
        if self.file_view is not None:
            self._render_file()
            self._render_lines()
        if self.report is not None:
            self._render_report()

    def _cb(self, fn):
        return safe_callback(fn, self.status, self.i18n)

    # ------------------------------------------------------------------ draw
    def _draw_tab(self) -> widgets.Widget:
        t = self.i18n
        p = self.checklist.param
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
        self.confidence = t.bind(widgets.BoundedFloatText(value=p("sample_confidence"), min=0.5, max=0.999, step=0.01), "description", "confidence")
        self.margin = t.bind(widgets.BoundedFloatText(value=p("sample_margin"), min=0.005, max=0.5, step=0.01), "description", "margin")
        self.min_per = t.bind(widgets.BoundedIntText(value=int(p("sample_min_per_department")), min=0, max=1000), "description", "min_per")
        self.risk_weight = t.bind(widgets.BoundedFloatText(value=p("risk_weight_with_findings"), min=1, max=100), "description", "risk_weight")
        self.procedure = widgets.Dropdown(layout=widgets.Layout(width="360px"))
        t.bind_options(self.procedure, [("proc_all", None), ("proc_general", "general"), ("proc_summary", "summary")])
        t.bind(self.procedure, "description", "procedure")
        self.procedure.add_class("wb-review-procedure")
        self.date_from = t.bind(widgets.DatePicker(), "description", "date_from")
        self.date_to = t.bind(widgets.DatePicker(), "description", "date_to")
        self.draw_button = t.bind(widgets.Button(button_style="primary", icon="random"), "description", "draw")
        self.draw_button.add_class("wb-review-draw")
        self.draw_button.on_click(self._cb(lambda _b: self.draw()))
        self.verify_button = t.bind(widgets.Button(icon="check"), "description", "verify")
        self.verify_button.add_class("wb-review-verify")
        self.verify_button.on_click(self._cb(lambda _b: self.verify()))
        self.draw_info = widgets.HTML()
        self.draw_info.add_class("wb-review-draw-info")
        self.allocation_table = DataTable([Column("stratum", "col_stratum", fmt=self.dept_name), Column("population", "col_population"),
                                           Column("quota", "col_quota"), Column("drawn", "col_drawn")], i18n=t, page_size=40, key="stratum",
                                          cls="wb-review-allocation", compact=True)
        self.weights_table = DataTable([Column("group", "col_group"), Column("weight", "col_weight"), Column("population", "col_population"),
                                        Column("expected_share", "col_share"), Column("drawn", "col_drawn")], i18n=t, key="group",
                                       cls="wb-review-weights", compact=True)
        self.samples_table = DataTable([Column("id", "col_id"), Column("name", "col_name"), Column("method", "col_method", fmt=self._method_name),
                                        Column("seed", "col_seed"), Column("size", "col_size"), Column("created_by", "col_by"),
                                        Column("created_at", "col_at")], i18n=t, key="id", selectable=True, page_size=10,
                                       select_label=lambda r: f"{r['id']} · {r['name']} ({r['size']})", cls="wb-review-samples")
        self.samples_table.on_select(self._cb(self._sample_chosen))
        # Each table under its own heading; the allocation and weights only appear once a draw gives them rows,
        # and an empty list of samples is one line, not an empty pageable table.
        self.allocation_box = _section(t, "allocation", self.allocation_table.widget, "wb-review-allocation-box")
        self.weights_box = _section(t, "weights", self.weights_table.widget, "wb-review-weights-box")
        self.no_samples = label(t, "no_samples", tag="p", cls="wb-review-no-samples")
        self.samples_box = _section(t, "samples", widgets.VBox([self.no_samples, self.samples_table.widget]), "wb-review-samples-box")
        _show(self.allocation_box, False)
        _show(self.weights_box, False)
        _show(self.samples_table.widget, False)
        # Descriptions wide enough for the English texts ("Weight of files with findings"), not cut to "Weight of fi…".
        for w in (self.name, self.method, self.seed, self.size_mode, self.size, self.confidence, self.margin,
                  self.min_per, self.risk_weight, self.date_from, self.date_to, self.procedure):
            w.style.description_width = "190px"
            w.layout.width = "400px"
        self.verify_button.layout.width = "220px"
        wrap = widgets.Layout(flex_flow="row wrap")
        form = widgets.VBox([
            widgets.HBox([self.name, self.method], layout=wrap),
            widgets.HBox([self.seed, self.size_mode], layout=wrap),
            widgets.HBox([self.size, self.confidence, self.margin], layout=wrap),
            widgets.HBox([self.min_per, self.risk_weight], layout=wrap),
            widgets.HBox([self.date_from, self.date_to, self.procedure], layout=wrap),
            widgets.HBox([self.draw_button, self.verify_button], layout=wrap),
        ])
        return widgets.VBox([form, self.draw_info, self.allocation_box, self.weights_box, self.samples_box])

    def _method_name(self, code) -> str:
        key = f"m_{code}"
        return self.i18n.t(key) if key in self.i18n.messages else ("" if code is None else str(code))

    def dept_name(self, code) -> str:
        names = self.departments.get(code)
        if not names:
            return "" if code is None else str(code)
        return names[0] if self.i18n.lang == "zh" else f"{names[1]} {names[0]}"

    def _reviewer_name(self) -> str:
        name = self.reviewer.value.strip()
        if not name:
            from workbench.errors import InputError

            raise InputError(self.i18n.t("reviewer"), self.i18n.t("no_reviewer"))
        return name

    def draw(self) -> dict[str, Any]:
        who = self._reviewer_name()
        calc = self.size_mode.value == "calc"
        self.progress.start(1, "drawing")
        try:
            sample = service.draw_sample(
                name=self.name.value, method=self.method.value, seed=int(self.seed.value), created_by=who,
                size=None if calc else int(self.size.value), confidence=float(self.confidence.value), margin=float(self.margin.value),
                min_per_stratum=int(self.min_per.value), risk_weight=float(self.risk_weight.value),
                date_from=self.date_from.value, date_to=self.date_to.value, procedure=self.procedure.value,
                url=self.url, checklist=self.checklist)
        finally:
            self.progress.done()
        self._show_draw(sample)
        self.refresh_samples()
        self.samples_table.select(sample["id"])
        self.status.say("ok", "drawn_ok", id=sample["id"], size=sample["size"], seed=sample["seed"])   # follows the language
        return sample

    def _show_draw(self, sample: dict[str, Any]) -> None:
        self._drawn = sample
        self._render_draw_info()
        params = sample["params"]
        self.allocation_table.set_rows(params.get("allocation") or [])
        self.weights_table.set_rows(params.get("weights") or [])
        _show(self.allocation_box, bool(self.allocation_table.rows))
        _show(self.weights_box, bool(self.weights_table.rows))

    def _render_draw_info(self) -> None:
        """One line on the last draw (method, seed, n of N) and the size formula if one was used; follows the language."""
        sample = self._drawn
        if sample is None:
            self.draw_info.value = ""
            return
        t = self.i18n.t
        params = sample["params"]
        method = self._method_name(sample["method"])
        text = [f"<b>{html.escape(t('current_sample'))} {sample['id']}</b> {html.escape(str(sample.get('name') or ''))} · "
                f"<b>{html.escape(t('method'))}</b>: {html.escape(method)} · {html.escape(t('seed'))} {sample['seed']}"
                f" · n = {sample['size']} / N = {params.get('population', '?')}"]
        formula = params.get("formula")
        if formula:
            text.append(f"<pre class='wb-review-formula'>{html.escape(formula)}</pre>")
        asked, drawn, minimum = params.get("size"), sample["size"], params.get("min_per_stratum")
        if asked is not None and minimum is not None and drawn > asked:
            raised = t("size_raised", min=minimum, strata=len(params.get("allocation") or []), asked=asked, drawn=drawn)
            text.append(f"<span class='wb-review-size-raised'>{html.escape(raised)}</span>")
        self.draw_info.value = "<br>".join(text)

    def verify(self) -> dict[str, Any]:
        if self.sample_id is None:
            from workbench.errors import InputError

            raise InputError(self.i18n.t("current_sample"), self.i18n.t("no_sample"))
        result = service.redraw(self.sample_id, url=self.url)
        if result["same"]:
            self.status.say("ok", "verify_same", id=self.sample_id)      # follows the language
        else:
            self.status.say("error", "verify_diff", id=self.sample_id)
        return result

    def refresh_samples(self) -> None:
        self.samples_table.set_rows(service.list_samples(url=self.url))
        _show(self.no_samples, not self.samples_table.rows)
        _show(self.samples_table.widget, bool(self.samples_table.rows))

    def _sample_chosen(self, key) -> None:
        if key is None or self.i18n.switching:
            return
        if self.file_view is not None and self.file_view.get("sample_id") != int(key):
            self.file_view, self.lines = None, []   # a file of another sample is not edited under this one
            self.lines_box.children = []
        self.sample_id = int(key)
        if self._drawn is None or self._drawn.get("id") != self.sample_id:
            self._show_draw(service.sample_allocation(self.sample_id, url=self.url))   # the picked sample's allocation
        self.refresh_files()

    # ------------------------------------------------------------------ score
    def _score_tab(self) -> widgets.Widget:
        t = self.i18n
        self.files_table = DataTable([
            Column("position", "col_pos"), Column("case_id", "col_case"), Column("department", "col_stratum", fmt=self.dept_name),
            Column("violation", "col_violation"), Column("decision_date", "col_decided"), Column("findings", "col_findings"),
            Column("reviewers", "col_reviewers"), Column("total", "col_total"),
            Column("grade", "col_grade", fmt=lambda g: GRADE_NAMES.get(g, ("", ""))[0 if self.i18n.lang == "zh" else 1] if g else ""),
        ], i18n=t, key="case_id", selectable=True, page_size=15,
            select_label=lambda r: f"{r['position']}. {r['case_id']} ({r['findings']})", cls="wb-review-files")
        self.files_table.on_select(self._cb(self._file_chosen))
        self.file_html = widgets.HTML()
        self.file_html.add_class("wb-review-file")
        self.lines_box = widgets.VBox()
        self.lines_box.add_class("wb-review-lines")
        self.add_item = widgets.Dropdown(layout=widgets.Layout(width="620px"))
        self.add_item.add_class("wb-review-add-item")
        t.bind(self.add_item, "description", "add_item")
        self._item_options()
        t.on_change(lambda _lang: self._item_options())
        self.add_count = t.bind(widgets.BoundedIntText(value=1, min=1, max=50, layout=widgets.Layout(width="160px")), "description", "count")
        self.add_comment = t.bind(widgets.Text(layout=widgets.Layout(width="360px")), "description", "comment")
        self.add_button = t.bind(widgets.Button(icon="plus"), "description", "add")
        self.add_button.add_class("wb-review-add")
        self.add_button.on_click(self._cb(lambda _b: self.add_deduction(self.add_item.value, self.add_count.value, self.add_comment.value)))
        self.preview = widgets.HTML()
        self.preview.add_class("wb-review-preview")
        self.overall_comment = t.bind(widgets.Textarea(layout=widgets.Layout(width="700px", height="60px")), "description", "overall_comment")
        self.save_button = t.bind(widgets.Button(icon="save"), "description", "save")
        self.save_button.add_class("wb-review-save")
        self.save_button.on_click(self._cb(lambda _b: self.save(final=False)))
        self.final_button = t.bind(widgets.Button(button_style="success", icon="check"), "description", "finalise")
        self.final_button.add_class("wb-review-finalise")
        self.final_button.on_click(self._cb(lambda _b: self.save(final=True)))
        # Before a sample is chosen: a hint instead of an empty table; before a file is opened: a hint
        # instead of an empty deduction editor.
        self.files_hint = label(t, "files_hint", tag="p", cls="wb-review-files-hint")
        self.files_box = _section(t, "files_drawn", self.files_table.widget, "wb-review-files-box")
        self.file_hint = label(t, "file_hint", tag="p", cls="wb-review-file-hint")
        self.editor_box = widgets.VBox([
            self.file_html, label(t, "deductions", tag="h4"), self.lines_box,
            widgets.HBox([self.add_item, self.add_count]), widgets.HBox([self.add_comment, self.add_button]),
            self.preview, self.overall_comment, widgets.HBox([self.save_button, self.final_button]),
        ])
        self.editor_box.add_class("wb-review-editor")
        _show(self.files_box, False)
        _show(self.file_hint, False)
        _show(self.editor_box, False)
        return widgets.VBox([self.files_hint, self.files_box, self.file_hint, self.editor_box])

    def _item_options(self) -> None:
        zh = self.i18n.lang == "zh"
        options = []
        for veto in self.checklist.vetoes:
            options.append((f"[{self.i18n.t('veto')}] {veto.zh if zh else veto.en + ' ' + veto.zh}", veto.code))
        for section in self.checklist.sections:
            for item in section.items:
                name = item.zh if zh else f"{item.en} {item.zh}"
                options.append((f"{section.zh} −{item.points:g} · {name}", item.code))
        keep = self.add_item.value
        self.add_item.options = options
        if keep in [v for _, v in options]:
            self.add_item.value = keep

    def refresh_files(self) -> None:
        if self.sample_id is None:
            self.files_table.set_rows([])
        else:
            self.files_table.set_rows(service.sample_files(self.sample_id, url=self.url))
        self._show_score_parts()

    def _show_score_parts(self) -> None:
        has_sample = self.sample_id is not None
        _show(self.files_hint, not has_sample)
        _show(self.files_box, has_sample)
        _show(self.file_hint, has_sample and self.file_view is None)
        _show(self.editor_box, self.file_view is not None)

    def _file_chosen(self, key) -> None:
        if key is None or self.i18n.switching:
            return
        self.open(key)

    def open(self, case_number: str) -> dict[str, Any]:
        who = self._reviewer_name()
        if self.sample_id is None:
            from workbench.errors import InputError

            raise InputError(self.i18n.t("current_sample"), self.i18n.t("no_sample"))
        view = service.open_file(self.sample_id, case_number, who, url=self.url)
        self.file_view = view
        existing = (view.get("score") or {}).get("deductions")
        source = existing if existing is not None else view["proposed"]
        self.lines = [self._line(Deduction(**{k: d.get(k) for k in ("item", "points", "count", "comment", "source", "status", "finding")
                                              if d.get(k) is not None})) for d in source]
        self.overall_comment.value = (view.get("score") or {}).get("comment") or ""
        self._render_file()
        self._render_lines()
        self._show_score_parts()
        return view

    def _render_file(self) -> None:
        v = self.file_view
        t = self.i18n.t
        esc = html.escape
        zh = self.i18n.lang == "zh"
        names = v.get("names") or {}
        pick = (lambda pair: pair[0] if zh else f"{pair[1]} {pair[0]}")  # noqa: E731
        fact_names = names.get("facts", {})
        doc_names = names.get("documents", {})
        facts_text = ", ".join(f"{pick(fact_names[k]) if k in fact_names else k} = {val}" for k, val in v["facts"].items())
        docs_text = ", ".join(pick(doc_names[d]) if d in doc_names else d for d in v["documents"])
        rows = [
            (t("party"), f"{esc(v['party']['name'])} · {esc(v['party']['id'])} · {esc(v['party']['kind'])}"
                         + (f" · {v['party']['age']}" if v['party'].get('age') is not None else "")),
            (t("dates"), " · ".join(f"{k.replace('_date', '')}: {d}" for k, d in v["dates"].items() if d)),
            (t("officers"), ", ".join(f"{esc(o['number'])} {esc(o['name'])}" for o in v["officers"]) or "—"),
            (t("facts"), esc(facts_text) or "—"),
            (t("circumstances"), esc(", ".join(v["circumstances"])) or "—"),
            (t("penalty"), esc(f"{v['penalty'].get('fine_yuan')} 元 {' '.join(v['penalty'].get('other') or [])}")),
            (t("procedure"), esc(str(v.get("procedure")))),
            (t("documents"), esc(docs_text) or "—"),
        ]
        table = "".join(f"<tr><th>{esc(k)}</th><td>{val}</td></tr>" for k, val in rows)
        findings = "".join(
            f"<li class='wb-review-finding' data-code='{esc(f['code'])}'><b>{esc(f['deduction']['zh'] if zh else f['deduction']['en'])}</b>"
            f" — {esc(f['message']['zh'] if zh else f['message']['en'])}"
            f"<div class='wb-basis'>{esc(f['basis'])} · {esc(f.get('rule') or '')}"
            f"{' · rules ' + esc(f['rules_version']) if f.get('rules_version') else ''}</div></li>"
            for f in v["findings"]) or f"<li>{esc(t('no_findings'))}</li>"
        self.file_html.value = (f"<div class='wb-card'><h4>{esc(t('file_title', case=v['case_id']))} · {esc(pick(names['violation']) if names.get('violation') else v['violation'])}</h4>"
                                f"<table class='wb-table-grid'>{table}</table>"
                                f"<h5>{esc(t('findings'))}</h5><ul>{findings}</ul></div>")

    def _line(self, d: Deduction) -> dict[str, Any]:
        t = self.i18n
        entry = self.checklist.items.get(d.item) or self.checklist.veto_codes.get(d.item)
        if entry is None:
            from workbench.errors import InputError

            raise InputError("item", f"unknown checklist item {d.item!r}")
        is_veto = not hasattr(entry, "points")
        confirm = widgets.Checkbox(value=d.status != "rejected", indent=False, layout=widgets.Layout(width="90px"))
        t.bind(confirm, "description", "confirm")
        confirm.add_class("wb-review-confirm")
        maximum = 0.0 if is_veto else entry.points
        points = widgets.BoundedFloatText(value=maximum if d.points is None else min(d.points, maximum), min=0, max=maximum,
                                          step=0.5, layout=widgets.Layout(width="150px"), disabled=is_veto)
        t.bind(points, "description", "points")
        count = widgets.BoundedIntText(value=d.count, min=1, max=50, layout=widgets.Layout(width="140px"),
                                       disabled=is_veto or not getattr(entry, "repeatable", False))
        t.bind(count, "description", "count")
        comment = widgets.Text(value=d.comment or "", layout=widgets.Layout(width="320px"))
        t.bind(comment, "description", "comment")
        remove = widgets.Button(icon="trash", layout=widgets.Layout(width="40px"), disabled=d.source == "precheck")
        line = {"deduction": d, "entry": entry, "veto": is_veto, "confirm": confirm, "points": points, "count": count,
                "comment": comment, "remove": remove, "label": widgets.HTML()}
        for w in (confirm, points, count, comment):
            w.observe(lambda _c: self._cb(self.update_preview)(), names="value")
        remove.on_click(self._cb(lambda _b, line=line: self._remove(line)))
        return line

    def _remove(self, line) -> None:
        self.lines = [l for l in self.lines if l is not line]
        self._render_lines()

    def _render_lines(self) -> None:
        zh = self.i18n.lang == "zh"
        children = []
        for line in self.lines:
            entry, d = line["entry"], line["deduction"]
            src = self.i18n.t("src_precheck" if d.source == "precheck" else "src_reviewer")
            tag = f"[{self.i18n.t('veto')}] " if line["veto"] else ""
            name = entry.zh if zh else f"{entry.en} {entry.zh}"
            line["label"].value = (f"<span data-item='{html.escape(entry.code)}'>{html.escape(tag + name)} "
                                   f"<span class='wb-basis'>({html.escape(src)} · {html.escape(entry.basis)})</span></span>")
            row = widgets.HBox([line["confirm"], line["points"], line["count"], line["comment"], line["remove"]])
            box = widgets.VBox([line["label"], row])
            box.add_class("wb-review-line")
            children.append(box)
        self.lines_box.children = children
        self.update_preview()

    def add_deduction(self, item: str, count: int = 1, comment: str = "") -> None:
        if self.file_view is None:
            from workbench.errors import InputError

            raise InputError(self.i18n.t("col_case"), self.i18n.t("no_file"))
        self.lines.append(self._line(Deduction(item=item, count=int(count), comment=comment or "", source="reviewer")))
        self.add_comment.value = ""
        self.add_count.value = 1
        self._render_lines()

    def deductions(self) -> list[Deduction]:
        out = []
        for line in self.lines:
            d = line["deduction"]
            entry = line["entry"]
            points = None
            if not line["veto"] and float(line["points"].value) != entry.points:
                points = float(line["points"].value)
            out.append(Deduction(item=d.item, points=points, count=int(line["count"].value) if not line["veto"] else 1,
                                 comment=line["comment"].value, source=d.source,
                                 status="confirmed" if line["confirm"].value else "rejected", finding=d.finding))
        return out

    def update_preview(self) -> None:
        if self.file_view is None:
            self.preview.value = ""
            return
        from workbench.errors import WorkbenchError

        proposed = [Deduction(item=p["item"], source="precheck", finding=p["finding"]) for p in self.file_view["proposed"]]
        try:
            result = score(self.checklist, self.deductions(), proposed)
        except WorkbenchError as exc:
            self.preview.value = f"<div class='wb-review-preview-error'>{html.escape(str(exc))}</div>"
            return
        grade = result.grade_zh if self.i18n.lang == "zh" else f"{result.grade_en} {result.grade_zh}"
        self.preview.value = (f"<div class='wb-card wb-review-score' data-total='{result.total:g}' data-grade='{result.grade}'>"
                              f"<b>{html.escape(self.i18n.t('preview', total=f'{result.total:g}', grade=grade))}</b>"
                              f"{' · ' + html.escape(self.i18n.t('veto')) if result.veto else ''}</div>")

    def save(self, final: bool = False) -> dict[str, Any]:
        who = self._reviewer_name()
        if self.file_view is None:
            from workbench.errors import InputError

            raise InputError(self.i18n.t("col_case"), self.i18n.t("no_file"))
        v = self.file_view
        result = service.save_score(v["sample_id"], v["case_id"], who, self.deductions(), v.get("version"),
                                    comment=self.overall_comment.value, final=final, url=self.url, checklist=self.checklist)
        v["version"] = result["version"]
        grade = f"review_grade_{result['grade']}"
        grade = MessageKey(grade) if grade in self.i18n.messages else result["grade_zh"]
        self.status.say("ok", "saved", case=v["case_id"], total=f"{result['total']:g}", grade=grade, reviewer=who)  # follows the language
        self._refresh_files_keep(self.files_table.selected)
        return result

    def _refresh_files_keep(self, keep) -> None:
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

    # ------------------------------------------------------------------ report
    def _report_tab(self) -> widgets.Widget:
        t = self.i18n
        self.report_button = t.bind(widgets.Button(button_style="primary", icon="bar-chart"), "description", "refresh")
        self.report_button.add_class("wb-review-report")
        self.report_button.on_click(self._cb(lambda _b: self.build_report()))
        self.summary_html = widgets.HTML()
        self.summary_html.add_class("wb-review-summary")
        self.download_html = widgets.HTML()
        self.download_html.add_class("wb-review-download")
        self.dept_table = DataTable(self._group_columns("department", "col_stratum"), i18n=t, key="department", page_size=40, cls="wb-review-departments")
        self.officer_table = DataTable(self._group_columns("officer", "col_officer"), i18n=t, key="officer", page_size=15, cls="wb-review-officers")
        self.defect_table = DataTable([Column("item", "col_item"), Column("zh", "col_name"), Column("section", "col_section"),
                                       Column("files", "col_files"), Column("points", "points")], i18n=t, key="item", page_size=15)
        self.charts = widgets.HBox()
        self.charts.add_class("wb-review-charts")
        # The results (headings and tables) appear once a report is built; before that, one line says what it will show.
        self.report_hint = label(t, "report_hint", tag="p", cls="wb-review-report-hint")
        self.results_box = widgets.VBox([self.summary_html, self.download_html, self.charts,
                                         _section(t, "by_department", self.dept_table.widget),
                                         _section(t, "by_officer", self.officer_table.widget),
                                         _section(t, "top_defects", self.defect_table.widget)])
        self.results_box.add_class("wb-review-results")
        _show(self.results_box, False)
        return widgets.VBox([self.report_button, self.report_hint, self.results_box])

    def _group_columns(self, key: str, label_key: str) -> list[Column]:
        pct = lambda v: "" if v is None or v != v else f"{v:.1%}"  # noqa: E731
        first = Column(key, label_key, fmt=self.dept_name) if key == "department" else Column(key, label_key)
        return [first, Column("population", "col_population"), Column("reviewed", "col_reviewed"),
                Column("average_score", "col_avg"), Column("优秀", "g_excellent"), Column("良好", "g_good"),
                Column("合格", "g_pass"), Column("不合格", "g_fail"), Column("defective", "col_defective"),
                Column("defect_rate", "col_rate", fmt=pct), Column("ci", "col_ci", sortable=False), Column("top_defects", "col_top", sortable=False)]

    def build_report(self):
        if self.sample_id is None:
            from workbench.errors import InputError

            raise InputError(self.i18n.t("current_sample"), self.i18n.t("no_sample"))
        self.report = service.sample_report(self.sample_id, url=self.url)
        self._render_report()
        return self.report

    def _render_report(self) -> None:
        r = self.report
        s = r.summary
        t = self.i18n.t
        rate = s["defect_rate"]
        lines = [f"<b>{html.escape(t('summary'))}</b> · {html.escape(t('reviewed_n', n=s['reviewed'], drawn=s['drawn'], avg=s['average_score']))}"]
        if s["reviewed"]:
            lines.append(html.escape(t("defect_rate", est=rate["estimate"], conf=rate["confidence"], low=rate["low"], high=rate["high"], method=rate["method"])))
        grades = " · ".join(f"{GRADE_NAMES[c][0 if self.i18n.lang == 'zh' else 1]} {n}" for c, n in s["grades"].items())
        lines.append(html.escape(grades))
        self.summary_html.value = "<div class='wb-card'>" + "<br>".join(lines) + "</div>"
        for table, frame in ((self.dept_table, r.departments), (self.officer_table, r.officers)):
            rows = frame.to_dict("records")
            for row in rows:
                row["ci"] = f"{row['ci_low']:.1%}–{row['ci_high']:.1%}" if row["ci_low"] == row["ci_low"] else ""
            table.set_rows(rows)
        self.defect_table.set_rows(r.defects.to_dict("records"))
        _show(self.report_hint, False)
        _show(self.results_box, True)
        self._charts()
        self._downloads()

    def _charts(self) -> None:
        import bqplot as bq

        r = self.report
        depts = [self.dept_name(d) for d in r.departments["department"]]
        rates = [float(x) * 100 for x in r.departments["defect_rate"]]
        x1, y1 = bq.OrdinalScale(), bq.LinearScale(min=0, max=100)
        bars = bq.Bars(x=depts, y=rates, scales={"x": x1, "y": y1}, colors=["#1f4e79"])
        rate_fig = bq.Figure(marks=[bars], axes=[bq.Axis(scale=x1, tick_rotate=-30), bq.Axis(scale=y1, side="left", label="%")],
                             title=self.i18n.t("chart_rate"), layout=widgets.Layout(width="560px", height="320px"))
        grades = r.summary["grades"]
        x2, y2 = bq.OrdinalScale(), bq.LinearScale(min=0)
        names = [GRADE_NAMES[c][0] for c in grades]
        grade_fig = bq.Figure(marks=[bq.Bars(x=names, y=list(grades.values()), scales={"x": x2, "y": y2}, colors=["#2e7d32"])],
                              axes=[bq.Axis(scale=x2), bq.Axis(scale=y2, side="left")],
                              title=self.i18n.t("chart_grades"), layout=widgets.Layout(width="360px", height="320px"))
        rate_fig.add_class("wb-review-chart-rate")
        self.charts.children = [rate_fig, grade_fig]

    def _downloads(self) -> None:
        xlsx = base64.b64encode(to_xlsx(self.report)).decode()
        csv = base64.b64encode(to_csv(self.report, "departments")).decode()
        name = f"review_sample_{self.sample_id}"
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        self.download_html.value = (
            f"<a class='wb-review-xlsx' download='{name}.xlsx' href='data:{mime};base64,{xlsx}'>⬇ {html.escape(self.i18n.t('download'))}</a>"
            f" &nbsp; <a class='wb-review-csv' download='{name}_departments.csv' href='data:text/csv;charset=utf-8;base64,{csv}'>"
            f"⬇ {html.escape(self.i18n.t('download_csv'))}</a>")


def _section(i18n: I18n, key: str, body: widgets.Widget, cls: str | None = None) -> widgets.VBox:
    """A heading (following the language) over a table, so no table is shown without saying what it is."""
    box = widgets.VBox([label(i18n, key, tag="h4"), body])
    box.add_class("wb-review-section")
    if cls:
        box.add_class(cls)
    return box


def _show(widget: widgets.Widget, visible: bool) -> None:
    widget.layout.display = "flex" if visible else "none"
