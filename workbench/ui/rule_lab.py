"""Rule lab (规则实验室): the legal office tunes a discretion benchmark and sees lint, tests and impact before publishing.

Built on the lab service (workbench/lab/) and the shared UI pieces; every
callback is wrapped (errors show in the status line, never a traceback).
``build()`` returns the RuleLab so pytest can drive it without a browser:
set a grid cell's ``.value`` and the feedback, tests and impact update; call
``.click()`` on a button. Test hooks: classes ``wb-lab-*``.

The rules directory is ``rules_dir`` or ``$WORKBENCH_RULES_DIR`` or the
project's ``rules/`` (publishing writes there); the store is ``url`` or
``$WORKBENCH_DB_URL``.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.lab import consistency as lab_consistency
from workbench.lab import history as lab_history
from workbench.lab import impact as lab_impact
from workbench.lab.drafts import Draft, DraftWorkspace, draft_from_published, flow_text, parse_flow
from workbench.lab.publish import PublishRefused, atomic_write, publish
from workbench.rulebook.model import CIRCUMSTANCES, LEVEL_NAMES, LEVELS
from workbench.ui.common import Column, DataTable, I18n, ProgressBar, StatusBar, app_shell, label, safe_callback

MESSAGES = {
    "lab_title": {"zh": "规则实验室 · 裁量基准", "en": "Rule lab 规则实验室 · discretion benchmarks"},
    "violation": {"zh": "违法行为", "en": "Violation 违法行为"},
    "author": {"zh": "经办人", "en": "Your name 经办人"},
    "author_hint": {"zh": "发布人姓名", "en": "name of the person publishing"},
    "tab_edit": {"zh": "编辑与影响", "en": "Edit & impact 编辑与影响"},
    "tab_scenario": {"zh": "情景测试", "en": "Scenario tester 情景测试"},
    "tab_consistency": {"zh": "同案同罚", "en": "Consistency 同案同罚"},
    "tab_history": {"zh": "版本历史", "en": "History 版本历史"},
    "grid_title": {"zh": "最新发布版本 {version}（编辑后即为草稿，发布前不影响已发布的规则）",
                   "en": "Latest published version {version} (edits make a draft; the published rules are untouched until you publish)"},
    "col_row": {"zh": "档次编号", "en": "Row id"},
    "col_level": {"zh": "裁量阶次", "en": "Level 阶次"},
    "col_when": {"zh": "适用条件", "en": "Condition 条件"},
    "col_person": {"zh": "公民罚款 最低–最高", "en": "Person 公民 min–max"},
    "col_org": {"zh": "单位罚款 最低–最高", "en": "Organisation 单位 min–max"},
    "col_rate": {"zh": "罚款比例 最低–最高", "en": "Fine rate 比例 min–max"},
    "col_others": {"zh": "其他处罚/措施", "en": "Other penalties 其他"},
    "col_basis": {"zh": "法律依据", "en": "Legal basis 依据"},
    "reset": {"zh": "恢复为最新发布版本", "en": "Reset to the latest published version"},
    "add_row": {"zh": "新增档次", "en": "Add a row"},
    "lint_title": {"zh": "规则检查", "en": "Lint 规则检查"},
    "lint_ok": {"zh": "✓ 没有问题", "en": "✓ No problems"},
    "lint_count": {"zh": "✗ {n} 个问题（修正后才能发布）", "en": "✗ {n} problem(s) (fix them to publish)"},
    "row_label": {"zh": "第{n}档 {id}", "en": "Row {n} {id}"},
    "tests_title": {"zh": "规则测试", "en": "Rule tests 规则测试"},
    "tests_summary": {"zh": "{passed} 通过，{failed} 失败（本违法行为共 {total} 个）", "en": "{passed} passed, {failed} failed ({total} for this violation)"},
    "tests_none": {"zh": "草稿有问题，未运行测试", "en": "The draft has problems; tests not run"},
    "expected": {"zh": "期望", "en": "expected"},
    "actual": {"zh": "实际", "en": "actual"},
    "impact_title": {"zh": "对历史案卷的影响", "en": "Impact on past case files 影响"},
    "impact_none": {"zh": "草稿有问题，无法计算影响", "en": "The draft has problems; no impact computed"},
    "impact_running": {"zh": "正在计算影响…", "en": "Computing the impact…"},
    "impact_cases": {"zh": "案卷 {n} 件（最新发布版本 {before} 与草稿对比，每件均假定适用该版本）",
                     "en": "{n} case files, each decided under the latest published version ({before}) and under the draft"},
    "ch_level": {"zh": "裁量阶次改变", "en": "Level changes 阶次"},
    "ch_fine_range": {"zh": "罚款幅度改变", "en": "Fine range changes 幅度"},
    "ch_procedure": {"zh": "程序改变", "en": "Procedure changes 程序"},
    "ch_hearing_right": {"zh": "听证权利改变", "en": "Hearing right changes 听证"},
    "ch_any": {"zh": "合计受影响", "en": "Cases changed in all"},
    "mean_range": {"zh": "平均建议幅度", "en": "Mean recommended range"},
    "outside": {"zh": "实际罚款超出建议幅度", "en": "Decided fines outside the range"},
    "before": {"zh": "已发布", "en": "Published"},
    "after": {"zh": "草稿", "en": "Draft"},
    "took": {"zh": "用时 {ms} 毫秒，实际引擎计算 {calls} 次", "en": "{ms} ms, {calls} engine decisions"},
    "chart_title": {"zh": "建议最高罚款分布（件数）", "en": "Recommended maximum fine (cases)"},
    "changed_cases": {"zh": "受影响的案卷（选择查看两版推理过程）", "en": "Changed case files (select one to compare both traces)"},
    "col_case": {"zh": "案号", "en": "Case 案号"},
    "col_dept": {"zh": "单位", "en": "Department 单位"},
    "col_party": {"zh": "当事人", "en": "Party"},
    "col_fine": {"zh": "实际罚款", "en": "Fine decided"},
    "col_before": {"zh": "已发布", "en": "Published"},
    "col_after": {"zh": "草稿", "en": "Draft"},
    "col_changes": {"zh": "变化", "en": "Changes"},
    "trace_of": {"zh": "{side}：推理过程", "en": "{side}: trace"},
    "publish_title": {"zh": "发布", "en": "Publish 发布"},
    "effective_from": {"zh": "生效日期", "en": "Effective from 生效日期"},
    "reason": {"zh": "修订理由", "en": "Reason 理由"},
    "reason_hint": {"zh": "为什么修改（必填，随版本记录）", "en": "why the benchmark changes (required, kept with the version)"},
    "publish": {"zh": "发布新版本", "en": "Publish new version 发布"},
    "published_ok": {"zh": "已发布 {violation} 自 {date} 起施行的新版本（规则版本 {version}）",
                     "en": "Published {violation}: new version effective from {date} (rules version {version})"},
    "publish_refused": {"zh": "未发布：{message}", "en": "Not published: {message}"},
    "no_author": {"zh": "请填写经办人姓名", "en": "Enter your name (the author)"},
    "scenario_intro": {"zh": "手工填写一个案件，对比已发布规则与草稿（自生效日期起适用）的裁量结果", "en": "Fill in a case by hand and compare the published rules with the draft (in force from its effective date)"},
    "act_date": {"zh": "违法行为日期", "en": "Act date 行为日"},
    "discovered_date": {"zh": "发现日期", "en": "Discovered 发现日"},
    "decision_date": {"zh": "决定日期", "en": "Decision date 决定日"},
    "party_kind": {"zh": "当事人类型", "en": "Party 当事人"},
    "person": {"zh": "公民", "en": "Person 公民"},
    "organisation": {"zh": "单位", "en": "Organisation 单位"},
    "age": {"zh": "年龄（0=不详）", "en": "Age (0 = unknown)"},
    "capacity": {"zh": "行为能力", "en": "Capacity 行为能力"},
    "cap_full": {"zh": "完全", "en": "Full 完全"},
    "cap_limited": {"zh": "限制", "en": "Limited 限制"},
    "cap_none": {"zh": "无", "en": "None 无"},
    "circumstances": {"zh": "情节（可多选）", "en": "Circumstances 情节"},
    "decide": {"zh": "裁量", "en": "Decide 裁量"},
    "test_name": {"zh": "测试名称", "en": "Test name"},
    "expect_from": {"zh": "期望结果取自", "en": "Expect the answer of"},
    "save_test": {"zh": "保存为规则测试", "en": "Save as a rule test"},
    "test_saved": {"zh": "已保存规则测试“{name}”到 {path}", "en": "Rule test “{name}” saved to {path}"},
    "test_saved_differs": {"zh": "已保存规则测试“{name}”到 {path}；它期望草稿的结果，在草稿发布前对已发布的规则不通过",
                           "en": "Rule test “{name}” saved to {path}; it expects the draft's answer and fails against the published rules until the draft is published"},
    "decide_first": {"zh": "请先点击“裁量”", "en": "Click Decide first"},
    "no_test_name": {"zh": "请填写测试名称", "en": "Enter a test name"},
    "draft_broken": {"zh": "草稿有问题：无法用草稿裁量", "en": "The draft has problems: it cannot decide"},
    "penalize_no": {"zh": "不予处罚", "en": "No penalty 不予处罚"},
    "procedure_summary": {"zh": "简易程序", "en": "Summary procedure 简易程序"},
    "procedure_general": {"zh": "普通程序", "en": "General procedure 普通程序"},
    "hearing_yes": {"zh": "应告知听证权利", "en": "Hearing right 听证"},
    "legal_review_yes": {"zh": "需法制审核", "en": "Legal review 法制审核"},
    "basis": {"zh": "依据", "en": "Basis 依据"},
    "rules_version": {"zh": "规则版本 {version} · 基准版本 {benchmark}", "en": "Rules version {version} · benchmark version {benchmark}"},
    "consistency_intro": {"zh": "实际罚款与裁量基准的偏离（按各案行为日与决定日适用的版本）",
                          "en": "Decided fines against the benchmark (the version that applied to each case's dates)"},
    "consistency_refresh": {"zh": "统计", "en": "Compute 统计"},
    "consistency_summary": {"zh": "已决案卷 {cases} 件，超出基准幅度 {outside} 件", "en": "{cases} decided files, {outside} with a fine outside the benchmark"},
    "col_cases": {"zh": "案件数", "en": "Cases"},
    "col_below": {"zh": "低于", "en": "Below"},
    "col_above": {"zh": "高于", "en": "Above"},
    "col_share": {"zh": "偏离率", "en": "Outside share"},
    "col_position": {"zh": "幅度内位置(0.5居中)", "en": "Position in band (0.5 = middle)"},
    "col_excess": {"zh": "偏离金额(元)", "en": "Yuan outside"},
    "col_officer": {"zh": "执法人员", "en": "Officer 执法人员"},
    "col_band": {"zh": "基准幅度", "en": "Benchmark band"},
    "col_status": {"zh": "偏离", "en": "Deviation"},
    "departments": {"zh": "按单位", "en": "By department 按单位"},
    "officers": {"zh": "按执法人员（至少 5 件）", "en": "By officer (5 files or more)"},
    "deviations": {"zh": "偏离最大的案卷", "en": "Files furthest outside"},
    "chart_consistency": {"zh": "超出基准幅度的比例", "en": "Share of fines outside the benchmark"},
    "history_intro": {"zh": "各版本的发布人、时间与理由；选择两个版本查看差异", "en": "Who published each version, when and why; choose two versions to compare"},
    "col_effective": {"zh": "生效日期", "en": "Effective from"},
    "col_author": {"zh": "发布人", "en": "Published by"},
    "col_published_at": {"zh": "发布时间", "en": "Published at"},
    "col_reason": {"zh": "理由", "en": "Reason"},
    "col_source": {"zh": "记录来源", "en": "Recorded in"},
    "src_store": {"zh": "数据库", "en": "store"},
    "src_file": {"zh": "规则文件", "en": "rule file"},
    "older": {"zh": "旧版本", "en": "Older"},
    "newer": {"zh": "新版本", "en": "Newer"},
    "show_diff": {"zh": "比较", "en": "Compare 比较"},
    "draft_label": {"zh": "草稿", "en": "draft"},
}

CIRCUMSTANCE_NAMES = {
    "minor": ("未成年", "minor"), "corrected_promptly": ("及时改正", "corrected promptly"), "no_harm": ("无危害后果", "no harm"),
    "minor_harm": ("危害后果轻微", "minor harm"), "first_offence": ("初次违法", "first offence"), "no_fault": ("无主观过错", "no fault"),
    "eliminated_harm": ("主动消除或减轻危害", "eliminated the harm"), "coerced": ("受他人胁迫或诱骗", "coerced"),
    "confessed_unknown": ("主动供述未掌握的违法行为", "confessed what was unknown"), "meritorious": ("立功表现", "meritorious conduct"),
    "life_health_safety": ("危害生命健康安全", "endangers life or health"), "financial_safety": ("危害金融安全", "endangers financial safety"),
    "harmful_consequences": ("有危害后果", "harmful consequences"), "police_case": ("公安案件", "police case"),
    "emergency_period": ("突发事件期间", "during an emergency"),
}


def app(url: str | None = None, rules_dir: str | Path | None = None, i18n: I18n | None = None) -> widgets.VBox:
    """The Rule lab widget (what notebooks/rule_lab.ipynb shows)."""
    return build(url, rules_dir, i18n).widget


def build(url: str | None = None, rules_dir: str | Path | None = None, i18n: I18n | None = None) -> "RuleLab":
    return RuleLab(url, rules_dir, i18n)


class LevelRowEditor:
    """One level row of the grid: a widget per field, read back into a rules-file row."""

    def __init__(self, i18n: I18n, row: dict, rate: bool):
        self.rate = rate
        self.extra = {k: v for k, v in row.items() if k not in ("id", "level", "when", "fine", "fine_rate", "other_penalties", "basis")}
        w = widgets.Layout
        self.id = widgets.Text(value=str(row.get("id", "")), continuous_update=False, layout=w(width="130px"))
        self.level = widgets.Dropdown(options=[(f"{LEVEL_NAMES[lv][0]} {lv}", lv) for lv in LEVELS], layout=w(width="150px"))
        self.level.value = row.get("level") if row.get("level") in LEVELS else "standard"
        self.when = widgets.Text(value=flow_text(row.get("when") or {}), continuous_update=False, layout=w(width="330px"))
        if rate:
            low, high = (row.get("fine_rate") or [0.0, 0.0])[:2]
            self.rate_min = widgets.FloatText(value=float(low), step=0.01, layout=w(width="80px"))
            self.rate_max = widgets.FloatText(value=float(high), step=0.01, layout=w(width="80px"))
            money = [self.rate_min, self.rate_max]
            self.rate_min.add_class("wb-lab-rate-min")
            self.rate_max.add_class("wb-lab-rate-max")
        else:
            fine = row.get("fine") or {}
            person, org = fine.get("person") or [0, 0], fine.get("organisation") or [0, 0]
            self.person_min = widgets.IntText(value=int(person[0]), layout=w(width="90px"))
            self.person_max = widgets.IntText(value=int(person[1]), layout=w(width="90px"))
            self.org_min = widgets.IntText(value=int(org[0]), layout=w(width="90px"))
            self.org_max = widgets.IntText(value=int(org[1]), layout=w(width="90px"))
            for name in ("person_min", "person_max", "org_min", "org_max"):
                getattr(self, name).add_class(f"wb-lab-{name.replace('_', '-')}")
            money = [self.person_min, self.person_max, self.org_min, self.org_max]
        self.others = widgets.Text(value=", ".join(row.get("other_penalties") or []), continuous_update=False, layout=w(width="150px"))
        self.basis = widgets.Text(value=str(row.get("basis") or ""), continuous_update=False, layout=w(width="320px"))
        self.problems = widgets.HTML()
        self.problems.add_class("wb-lab-row-problems")
        for name, widget in (("id", self.id), ("level", self.level), ("when", self.when), ("others", self.others), ("basis", self.basis)):
            widget.add_class(f"wb-lab-{name}")
        self.inputs = [self.id, self.level, self.when, *money, self.others, self.basis]
        # text, not icons: Voila's Font Awesome comes from a CDN the county's machines cannot reach
        self.up = widgets.Button(description="↑", layout=w(width="34px"))
        self.down = widgets.Button(description="↓", layout=w(width="34px"))
        self.delete = widgets.Button(description="✕", layout=w(width="34px"))
        for name in ("up", "down", "delete"):
            getattr(self, name).add_class(f"wb-lab-row-{name}")
        line = widgets.HBox(self.inputs + [self.up, self.down, self.delete], layout=w(flex_flow="row nowrap", align_items="center"))
        self.box = widgets.VBox([line, self.problems])
        self.box.add_class("wb-lab-row")
        self.box.add_class(f"wb-lab-row-{row.get('id', '')}")

    def to_row(self, index: int) -> dict:
        row: dict[str, Any] = {"id": self.id.value.strip(), "level": self.level.value,
                               "when": parse_flow(self.when.value, f"row {index + 1} ({self.id.value}) condition")}
        if not isinstance(row["when"], dict):
            raise InputError(f"row {index + 1} ({self.id.value}) condition", "must be a mapping like {area_m2: {\"<\": 3}} or {} for every case")
        if self.rate:
            row["fine_rate"] = [round(self.rate_min.value, 6), round(self.rate_max.value, 6)]
        else:
            row["fine"] = {"person": [self.person_min.value, self.person_max.value], "organisation": [self.org_min.value, self.org_max.value]}
        others = [p.strip() for p in self.others.value.replace("，", ",").split(",") if p.strip()]
        if others:
            row["other_penalties"] = others
        if self.basis.value.strip():
            row["basis"] = self.basis.value.strip()
        row.update(self.extra)
        return row


class RuleLab:
    def __init__(self, url: str | None = None, rules_dir: str | Path | None = None, i18n: I18n | None = None):
        self.url = url
        self.i18n = i18n or I18n()
        self.i18n.add(MESSAGES)
        t = self.i18n
        self.workspace = DraftWorkspace(rules_dir)
        self.status = StatusBar(t)
        self.progress = ProgressBar(t)
        self.code: str | None = None
        self.draft: Draft | None = None
        self.feedback = None
        self.report: lab_impact.ImpactReport | None = None
        self.scenario_answers: tuple[dict | None, dict | None] | None = None
        self.scenario_case: dict | None = None
        self.consistency_report = None
        self.rows: list[LevelRowEditor] = []
        self._building = False

        book = self.workspace.published_engine().rulebook
        self.violation = widgets.Dropdown(layout=widgets.Layout(width="480px"))
        self.violation.add_class("wb-lab-violation")
        t.bind(self.violation, "description", "violation")
        self._violation_options(book)
        self.author = t.bind(t.bind(widgets.Text(layout=widgets.Layout(width="320px")), "description", "author"), "placeholder", "author_hint")
        self.author.add_class("wb-lab-author")

        self.tabs = widgets.Tab(children=[self._edit_tab(), self._scenario_tab(), self._consistency_tab(), self._history_tab()])
        self.tabs.add_class("wb-lab-tabs")
        self._tab_titles()
        self.tabs.observe(self._cb(self._tab_changed), names="selected_index")
        t.on_change(lambda _lang: self._relabel())
        top = widgets.HBox([self.violation, self.author], layout=widgets.Layout(flex_flow="row wrap"))
        body = widgets.VBox([widgets.HTML(f"<style>{CSS_EXTRA}</style>"), top, self.progress.widget, self.tabs])
        self.widget = app_shell(t, "lab_title", body, self.status, cls="wb-lab")
        self.violation.observe(self._cb(lambda _c: self.select_violation(self.violation.value)), names="value")
        safe_callback(lambda: self.select_violation(self.violation.value), self.status, t)()

    # ------------------------------------------------------------------ plumbing
    def _cb(self, fn):
        return safe_callback(fn, self.status, self.i18n)

    def _tab_titles(self) -> None:
        for i, key in enumerate(("tab_edit", "tab_scenario", "tab_consistency", "tab_history")):
            self.tabs.set_title(i, self.i18n.t(key))

    def _violation_options(self, book) -> None:
        zh = self.i18n.lang == "zh"
        options = [(f"{v.name_zh} · {code}" if zh else f"{v.name_en} {v.name_zh} · {code}", code) for code, v in sorted(book.violations.items())]
        current = self.violation.value
        was, self._building = self._building, True
        try:
            self.violation.options = options
            codes = [c for _, c in options]
            self.violation.value = current if current in codes else ("street_vending" if "street_vending" in codes else codes[0])
        finally:
            self._building = was

    def _relabel(self) -> None:
        self._tab_titles()
        self._violation_options(self.workspace.published_engine().rulebook)
        if self.code:
            self._scenario_facts()
        self._render_feedback()
        self._render_scenario()
        self._render_consistency()
        self.refresh_history()

    def _tab_changed(self, _change) -> None:
        if self.tabs.selected_index == 2 and self.consistency_report is None:
            self.refresh_consistency()

    # ------------------------------------------------------------------ violation and grid
    def select_violation(self, code: str) -> None:
        if self._building or not code:
            return
        self.code = code
        self.draft = draft_from_published(self.workspace.rules_dir, code)
        self.consistency_report = None
        self._building = True
        try:
            self._build_grid()
            day = self.workspace.default_effective_date(code)
            self.effective.value = day
            self.sc_act.value = self.sc_discovered.value = self.sc_decision.value = day  # the draft applies to the scenario
            self._scenario_facts()
        finally:
            self._building = False
        self.scenario_answers = None
        self._render_scenario()
        self.refresh()
        self.refresh_history()
        if self.tabs.selected_index == 2:
            self.refresh_consistency()

    def _rate_mode(self) -> bool:
        return self.workspace.published_engine().rulebook.violations[self.code].fine_rate is not None

    def _build_grid(self) -> None:
        was, self._building = self._building, True
        try:
            rate = self._rate_mode()
            self.rows = [self._editor(row, rate) for row in self.draft.levels]
            t = self.i18n
            heads = [("col_row", "130px"), ("col_level", "150px"), ("col_when", "330px")]
            heads += [("col_rate", "168px")] if rate else [("col_person", "188px"), ("col_org", "188px")]
            heads += [("col_others", "150px"), ("col_basis", "320px")]
            header = widgets.HBox([widgets.HTML(f"<b>{html.escape(t.t(k))}</b>", layout=widgets.Layout(width=w)) for k, w in heads])
            version = self.workspace.published_engine().rulebook.benchmarks[self.code].versions[-1].effective_from
            self.grid_title.value = f"<b>{html.escape(t.t('grid_title', version=version))}</b>"
            self.grid_header = header
            self._show_rows()
        finally:
            self._building = was

    def _editor(self, row: dict, rate: bool) -> LevelRowEditor:
        editor = LevelRowEditor(self.i18n, row, rate)
        for widget in editor.inputs:
            widget.observe(self._cb(self._edited), names="value")
        editor.up.on_click(self._cb(lambda _b: self.move_row(editor, -1)))
        editor.down.on_click(self._cb(lambda _b: self.move_row(editor, 1)))
        editor.delete.on_click(self._cb(lambda _b: self.delete_row(editor)))
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
            self.refresh()

    def delete_row(self, editor: LevelRowEditor) -> None:
        if len(self.rows) > 1:
            self.rows.remove(editor)
            self._show_rows()
            self.refresh()

    def add_row(self, _button=None) -> None:
        """A new row just above the last (catch-all) row, to be filled in."""
        taken = {e.id.value for e in self.rows}
        n = 1
        while f"new_row_{n}" in taken:
            n += 1
        rate = self._rate_mode()
        row = {"id": f"new_row_{n}", "level": "standard", "when": {}, "basis": ""}
        row["fine_rate" if rate else "fine"] = [0.0, 0.0] if rate else {"person": [0, 0], "organisation": [0, 0]}
        self.rows.insert(max(len(self.rows) - 1, 0), self._editor(row, rate))
        self._show_rows()
        self.refresh()

    def _edited(self, _change=None) -> None:
        if self._building:
            return
        self.refresh()

    def reset_draft(self, _button=None) -> None:
        self.select_violation(self.code)

    def read_grid(self) -> Draft:
        """The grid as a draft; a condition that does not parse raises InputError naming the row."""
        draft = self.draft.copy()
        draft.levels = [editor.to_row(i) for i, editor in enumerate(self.rows)]
        return draft

    # ------------------------------------------------------------------ feedback: lint, tests, impact
    def refresh(self) -> None:
        """Lint, rule tests and impact of the grid as it is now."""
        for editor in self.rows:
            editor.problems.value = ""
        try:
            draft = self.read_grid()
        except InputError as exc:
            self.feedback, self.report = None, None
            self._render_feedback(parse_error=str(exc))
            return
        self.draft = draft
        self.feedback = self.workspace.check(draft, effective_from=self.effective.value or None)
        self.report = None
        if self.feedback.engine is not None:
            shown = []

            def progress(done: int, total: int) -> None:
                if total < 300:
                    return
                if not shown:
                    self.progress.start(total, "impact_running")
                    shown.append(True)
                self.progress.bar.value = done

            try:
                self.report = lab_impact.impact_of_draft(draft, self.workspace, self.feedback, db_url=self.url, progress=progress)
            finally:
                self.progress.done()
        self._render_feedback()

    def _render_feedback(self, parse_error: str | None = None) -> None:
        t = self.i18n
        if parse_error:
            self.lint_box.value = f'<div class="wb-lab-bad">✗ {html.escape(parse_error)}</div>'
            self.tests_box.value = f"<i>{html.escape(t.t('tests_none'))}</i>"
            self.impact_box.value = f"<i>{html.escape(t.t('impact_none'))}</i>"
            self._chart([])
            self.changed_table.set_rows([])
            return
        fb = self.feedback
        if fb is None:
            return
        for index, editor in enumerate(self.rows):
            messages = fb.row_problems.get(index, [])
            editor.problems.value = "".join(f'<div class="wb-lab-bad">✗ {html.escape(m)}</div>' for m in messages)
        if not fb.problems:
            self.lint_box.value = f'<div class="wb-lab-good">{html.escape(t.t("lint_ok"))}</div>'
        else:
            items = [f"<li>{html.escape(t.t('row_label', n=i + 1, id=self.rows[i].id.value))}: {html.escape(m)}</li>"
                     for i, ms in sorted(fb.row_problems.items()) for m in ms]
            items += [f"<li>{html.escape(m)}</li>" for m in fb.general_problems]
            self.lint_box.value = (f'<div class="wb-lab-bad">{html.escape(t.t("lint_count", n=len(fb.problems)))}</div>'
                                   f"<ul>{''.join(items)}</ul>")
        if fb.engine is None:
            self.tests_box.value = f"<i>{html.escape(t.t('tests_none'))}</i>"
        else:
            failed = fb.failed_tests
            lines = [f"<div class='{'wb-lab-bad' if failed else 'wb-lab-good'}'>"
                     f"{html.escape(t.t('tests_summary', passed=len(fb.tests) - len(failed), failed=len(failed), total=len(fb.tests)))}</div>"]
            for result in failed:
                detail = "; ".join(f"{f}: {t.t('expected')} {e!r}, {t.t('actual')} {a!r}" for f, e, a in result.mismatches) or result.error
                lines.append(f"<div class='wb-lab-test-failed'>✗ {html.escape(result.test.name)} "
                             f"<span class='wb-basis'>({html.escape(str(result.test.where))})</span><br>{html.escape(detail)}</div>")
            self.tests_box.value = "".join(lines)
        self._render_impact()

    def _render_impact(self) -> None:
        t = self.i18n
        report = self.report
        if report is None:
            self.impact_box.value = f"<i>{html.escape(t.t('impact_none'))}</i>"
            self._chart([])
            self.changed_table.set_rows([])
            return
        counts = report.counts
        cells = "".join(f"<tr class='wb-lab-count-{k}'><td>{html.escape(t.t('ch_' + k))}</td><td><b>{counts[k]}</b></td></tr>"
                        for k in ("level", "fine_range", "procedure", "hearing_right", "any"))
        b, a = report.fines["before"], report.fines["after"]
        cells += (f"<tr><td>{html.escape(t.t('mean_range'))}</td><td>{t.t('before')} {b['mean_min']:,.0f}–{b['mean_max']:,.0f} → "
                  f"{t.t('after')} {a['mean_min']:,.0f}–{a['mean_max']:,.0f}</td></tr>")
        cells += (f"<tr><td>{html.escape(t.t('outside'))}</td><td>{report.outside['before']} → {report.outside['after']}</td></tr>")
        self.impact_box.value = (
            f"<div>{html.escape(t.t('impact_cases', n=report.cases, before=report.published_benchmark))}</div>"
            f"<table class='wb-table-grid wb-lab-counts'>{cells}</table>"
            f"<div class='wb-basis'>{html.escape(t.t('took', ms=round(report.seconds * 1000), calls=report.engine_calls))} · "
            f"{html.escape(t.t('rules_version', version=report.published_rules_version, benchmark=report.published_benchmark))} → "
            f"{html.escape(t.t('rules_version', version=report.draft_rules_version, benchmark=report.draft_benchmark))}</div>")
        self._chart(report.histogram)
        rows = [{"number": c.number, "department": c.department, "party": t.t(c.party_kind), "fine": c.fine_yuan,
                 "before": _brief(t, c.before), "after": _brief(t, c.after), "changes": ", ".join(t.t("ch_" + k) for k in c.changes)}
                for c in report.changed]
        self.changed_table.set_rows(rows)

    def _chart(self, histogram: list) -> None:
        import bqplot as bq

        labels = [h[0] for h in histogram] or [""]
        before = [float(h[1]) for h in histogram] or [0.0]  # floats: bqplot's browser side cannot read int64 arrays
        after = [float(h[2]) for h in histogram] or [0.0]
        top = max(before + after + [1.0])
        if self.chart is None:
            x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0, max=top * 1.25)
            self.chart_y = y
            self.bars = bq.Bars(x=labels, y=[before, after], scales={"x": x, "y": y}, type="grouped", colors=["#8aa4c8", "#c0504d"],
                                display_legend=True, labels=[self.i18n.t("before"), self.i18n.t("after")])
            self.chart_y_axis = bq.Axis(scale=y, side="left", tick_format="d", tick_values=_ticks(top * 1.25))
            axes = [bq.Axis(scale=x, tick_rotate=-30, tick_style={"font-size": "9px"}), self.chart_y_axis]
            self.chart = bq.Figure(marks=[self.bars], axes=axes, title=self.i18n.t("chart_title"),
                                   layout=widgets.Layout(width="560px", height="300px"), fig_margin={"top": 40, "bottom": 60, "left": 50, "right": 10})
            self.chart.add_class("wb-lab-impact-chart")
            self.chart_box.children = [self.chart]
        else:
            with self.bars.hold_sync():
                self.chart_y.max = top * 1.25  # an explicit domain: without one bqplot drew no bars here
                self.chart_y_axis.tick_values = _ticks(top * 1.25)
                self.bars.x = labels
                self.bars.y = [before, after]
                self.bars.labels = [self.i18n.t("before"), self.i18n.t("after")]
            self.chart.title = self.i18n.t("chart_title")

    def open_case(self, number) -> None:
        """Both traces of one changed case, side by side (decided again by durable_rules)."""
        if number is None or self.report is None:
            self.traces.value = ""
            return
        before, after = lab_impact.case_traces(self.report, number)
        t = self.i18n
        self.traces.value = (
            "<div style='display:flex; gap:12px'>"
            f"<div class='wb-card wb-lab-trace-before' style='flex:1'><b>{html.escape(t.t('trace_of', side=t.t('before')))} · {html.escape(str(number))}</b>"
            f"{_decision_html(t, before)}</div>"
            f"<div class='wb-card wb-lab-trace-after' style='flex:1'><b>{html.escape(t.t('trace_of', side=t.t('after')))} · {html.escape(str(number))}</b>"
            f"{_decision_html(t, after)}</div></div>")

    def _edit_tab(self) -> widgets.Widget:
        t = self.i18n
        self.grid_title = widgets.HTML()
        self.grid = widgets.VBox()
        self.grid.add_class("wb-lab-grid")
        reset = t.bind(widgets.Button(), "description", "reset")
        reset.add_class("wb-lab-reset")
        reset.on_click(self._cb(self.reset_draft))
        add = t.bind(widgets.Button(), "description", "add_row")
        add.add_class("wb-lab-add-row")
        add.on_click(self._cb(self.add_row))
        self.lint_box = widgets.HTML()
        self.lint_box.add_class("wb-lab-lint")
        self.tests_box = widgets.HTML()
        self.tests_box.add_class("wb-lab-tests")
        self.impact_box = widgets.HTML()
        self.impact_box.add_class("wb-lab-impact")
        self.chart = None
        self.chart_box = widgets.Box()
        self.changed_table = DataTable(
            [Column("number", "col_case"), Column("department", "col_dept"), Column("party", "col_party"), Column("fine", "col_fine"),
             Column("before", "col_before"), Column("after", "col_after"), Column("changes", "col_changes")],
            i18n=t, page_size=10, key="number", selectable=True, cls="wb-lab-changed")
        self.changed_table.on_select(self._cb(self.open_case))
        self.traces = widgets.HTML()
        self.traces.add_class("wb-lab-traces")

        self.effective = t.bind(widgets.DatePicker(), "description", "effective_from")
        self.effective.add_class("wb-lab-effective")
        self.effective.observe(self._cb(self._edited), names="value")
        self.reason = t.bind(t.bind(widgets.Textarea(layout=widgets.Layout(width="600px", height="60px")), "description", "reason"),
                             "placeholder", "reason_hint")
        self.reason.add_class("wb-lab-reason")
        self.publish_button = t.bind(widgets.Button(button_style="primary", layout=widgets.Layout(width="200px")),
                                     "description", "publish")
        self.publish_button.add_class("wb-lab-publish")
        self.publish_button.on_click(self._cb(self.publish))
        self.publish_result = widgets.HTML()
        self.publish_result.add_class("wb-lab-publish-result")

        feedback = widgets.VBox([label(t, "lint_title", "h4"), self.lint_box, label(t, "tests_title", "h4"), self.tests_box])
        feedback.layout.width = "560px"
        impact = widgets.VBox([label(t, "impact_title", "h4"), self.impact_box, self.chart_box])
        publish_box = widgets.VBox([label(t, "publish_title", "h4"), self.effective, self.reason, self.publish_button, self.publish_result])
        publish_box.add_class("wb-card")
        return widgets.VBox([
            self.grid_title, self.grid, widgets.HBox([add, reset]),
            widgets.HBox([feedback, impact], layout=widgets.Layout(flex_flow="row wrap")),
            label(t, "changed_cases", "h4"), self.changed_table.widget, self.traces, publish_box,
        ])

    # ------------------------------------------------------------------ publish
    def publish(self, _button=None) -> None:
        t = self.i18n
        if not self.author.value.strip():
            self.status.say("error", "no_author")
            return
        draft = self.read_grid()
        try:
            result = publish(draft, effective_from=self.effective.value, reason=self.reason.value, author=self.author.value,
                             rules_dir=self.workspace.rules_dir, db_url=self.url, expected_base=draft.based_on)
        except PublishRefused as exc:
            self.publish_result.value = (f"<div class='wb-lab-bad'>{html.escape(exc.headline)}</div>"
                                         + "".join(f"<div class='wb-basis'>{html.escape(r)}</div>" for r in exc.reasons[:20]))
            self.status.say("error", "publish_refused", message=exc.headline)
            return
        self.publish_result.value = f"<div class='wb-lab-good'>✓ {html.escape(result.content_hash[:16])}…</div>"
        self.reason.value = ""
        self.select_violation(self.code)
        self.status.say("ok", "published_ok", violation=result.violation, date=result.effective_from.isoformat(), version=result.rules_version)

    # ------------------------------------------------------------------ scenario tester
    def _scenario_tab(self) -> widgets.Widget:
        t = self.i18n
        today = dt.date.today()
        self.sc_act = t.bind(widgets.DatePicker(value=today), "description", "act_date")
        self.sc_discovered = t.bind(widgets.DatePicker(value=today), "description", "discovered_date")
        self.sc_decision = t.bind(widgets.DatePicker(value=today), "description", "decision_date")
        for w_, cls in ((self.sc_act, "act"), (self.sc_discovered, "discovered"), (self.sc_decision, "decision")):
            w_.add_class(f"wb-lab-sc-{cls}")
        self.sc_kind = widgets.Dropdown()
        t.bind_options(self.sc_kind, [("person", "person"), ("organisation", "organisation")])
        t.bind(self.sc_kind, "description", "party_kind")
        self.sc_kind.add_class("wb-lab-sc-kind")
        self.sc_age = t.bind(widgets.BoundedIntText(value=40, min=0, max=130), "description", "age")
        self.sc_age.add_class("wb-lab-sc-age")
        self.sc_capacity = widgets.Dropdown()
        t.bind_options(self.sc_capacity, [("cap_full", "full"), ("cap_limited", "limited"), ("cap_none", "none")])
        t.bind(self.sc_capacity, "description", "capacity")
        self.sc_facts_box = widgets.VBox()
        self.sc_facts: dict[str, widgets.Widget] = {}
        self.sc_circumstances = widgets.SelectMultiple(rows=8, layout=widgets.Layout(width="420px"))
        self.sc_circumstances.add_class("wb-lab-sc-circumstances")
        self._circumstance_options()
        t.bind(self.sc_circumstances, "description", "circumstances")
        decide = t.bind(widgets.Button(button_style="info"), "description", "decide")
        decide.add_class("wb-lab-sc-decide")
        decide.on_click(self._cb(self.decide_scenario))
        self.sc_result = widgets.HTML()
        self.sc_result.add_class("wb-lab-sc-result")
        self.sc_test_name = t.bind(widgets.Text(layout=widgets.Layout(width="480px")), "description", "test_name")
        self.sc_test_name.add_class("wb-lab-sc-test-name")
        self.sc_expect = widgets.Dropdown()
        t.bind_options(self.sc_expect, [("after", "draft"), ("before", "published")])
        t.bind(self.sc_expect, "description", "expect_from")
        save = t.bind(widgets.Button(), "description", "save_test")
        save.add_class("wb-lab-sc-save")
        save.on_click(self._cb(self.save_scenario_test))
        for w_ in (self.sc_act, self.sc_discovered, self.sc_decision, self.sc_kind, self.sc_age, self.sc_capacity, self.sc_circumstances):
            w_.style.description_width = "130px"
        return widgets.VBox([
            label(t, "scenario_intro", "p"),
            widgets.HBox([widgets.VBox([self.sc_act, self.sc_discovered, self.sc_decision, self.sc_kind, self.sc_age, self.sc_capacity]),
                          widgets.VBox([self.sc_facts_box, self.sc_circumstances])]),
            decide, self.sc_result, widgets.HBox([self.sc_test_name, self.sc_expect, save]),
        ])

    def _circumstance_options(self) -> None:
        selected = tuple(self.sc_circumstances.value)
        zh = self.i18n.lang == "zh"
        self.sc_circumstances.options = [(CIRCUMSTANCE_NAMES[c][0] if zh else f"{CIRCUMSTANCE_NAMES[c][1]} {CIRCUMSTANCE_NAMES[c][0]}", c)
                                         for c in CIRCUMSTANCES]
        self.sc_circumstances.value = selected

    def _scenario_facts(self) -> None:
        violation = self.workspace.published_engine().rulebook.violations[self.code]
        zh = self.i18n.lang == "zh"
        old = {name: w_.value for name, w_ in self.sc_facts.items()}
        self.sc_facts = {}
        for name, spec in violation.facts.items():
            text = spec.zh if zh else f"{spec.en} {spec.zh}"
            style = {"description_width": "180px"}
            if spec.type == "boolean":
                widget = widgets.Checkbox(value=False, description=text, indent=False)
            elif spec.type == "enum":
                widget = widgets.Dropdown(options=list(spec.values), description=text, style=style)
            elif spec.type == "integer":
                widget = widgets.IntText(value=0, description=text, style=style)
            else:
                widget = widgets.FloatText(value=0.0, description=text, style=style)
            widget.add_class(f"wb-lab-fact-{name}")
            if name in old:
                try:
                    widget.value = old[name]
                except Exception:  # noqa: BLE001 - another violation's value of the same name may not fit
                    pass
            self.sc_facts[name] = widget
        self.sc_facts_box.children = list(self.sc_facts.values())
        self._circumstance_options()

    def scenario(self) -> dict:
        """The case as filled in (the engine's contract)."""
        party: dict[str, Any] = {"kind": self.sc_kind.value, "capacity": self.sc_capacity.value}
        if self.sc_kind.value == "person" and self.sc_age.value:
            party["age"] = int(self.sc_age.value)
        for name, value in (("act_date", self.sc_act.value), ("decision_date", self.sc_decision.value)):
            if value is None:
                raise InputError(name, "required")
        case = {"violation": self.code, "act_date": self.sc_act.value.isoformat(),
                "discovered_date": (self.sc_discovered.value or self.sc_act.value).isoformat(),
                "decision_date": self.sc_decision.value.isoformat(), "party": party,
                "facts": {name: w_.value for name, w_ in self.sc_facts.items()}, "circumstances": list(self.sc_circumstances.value)}
        return case

    def decide_scenario(self, _button=None) -> None:
        case = self.scenario()
        published = self.workspace.published_engine().decide(case).to_dict()
        draft = None
        if self.feedback is not None and self.feedback.engine is not None:
            draft = self.feedback.engine.decide(case).to_dict()
        self.scenario_case, self.scenario_answers = case, (published, draft)
        self._render_scenario()

    def _render_scenario(self) -> None:
        t = self.i18n
        if not self.scenario_answers:
            self.sc_result.value = ""
            return
        published, draft = self.scenario_answers
        right = _decision_html(t, draft) if draft else f"<div class='wb-lab-bad'>{html.escape(t.t('draft_broken'))}</div>"
        self.sc_result.value = (
            "<div style='display:flex; gap:12px'>"
            f"<div class='wb-card wb-lab-sc-published' style='flex:1'><b>{html.escape(t.t('before'))}</b>{_decision_html(t, published)}</div>"
            f"<div class='wb-card wb-lab-sc-draft' style='flex:1'><b>{html.escape(t.t('after'))}</b>{right}</div></div>")

    def save_scenario_test(self, _button=None) -> None:
        if not self.scenario_answers:
            self.status.say("error", "decide_first")
            return
        name = self.sc_test_name.value.strip()
        if not name:
            self.status.say("error", "no_test_name")
            return
        published, draft = self.scenario_answers
        answer = draft if self.sc_expect.value == "draft" and draft else published
        expect = {k: answer[k] for k in ("penalize", "level", "fine_yuan", "procedure", "hearing_right") if k in answer}
        path = Path(self.workspace.rules_dir) / "tests" / f"lab_{self.code}.yaml"
        text = path.read_text(encoding="utf-8") if path.exists() else (
            f"# 规则实验室保存的情景测试 · Scenario tests saved from the rule lab for {self.code}\ntests:\n")
        if not text.endswith("\n"):
            text += "\n"
        text += f"  - name: {flow_text(name)}\n    decide: {flow_text(self.scenario_case)}\n    expect: {flow_text(expect)}\n"
        atomic_write(path, text, pause=False)
        differs = answer is draft and published and {k: published.get(k) for k in expect} != expect
        relative = f"rules/tests/{path.name}"
        self.status.say("ok", "test_saved_differs" if differs else "test_saved", name=name, path=relative)
        self.refresh()

    # ------------------------------------------------------------------ consistency
    def _consistency_tab(self) -> widgets.Widget:
        t = self.i18n
        button = t.bind(widgets.Button(), "description", "consistency_refresh")
        button.add_class("wb-lab-consistency-refresh")
        button.on_click(self._cb(lambda _b: self.refresh_consistency()))
        self.consistency_summary = widgets.HTML()
        self.consistency_summary.add_class("wb-lab-consistency-summary")
        pct = lambda v: f"{v * 100:.1f}%"  # noqa: E731
        columns = [Column("name", "col_dept"), Column("cases", "col_cases"), Column("below", "col_below"), Column("above", "col_above"),
                   Column("outside_share", "col_share", fmt=pct), Column("mean_position", "col_position"), Column("excess_yuan", "col_excess")]
        self.dept_table = DataTable(columns, i18n=t, page_size=10, key="key", cls="wb-lab-departments")
        officer_columns = [Column("name", "col_officer")] + columns[1:]
        self.officer_table = DataTable(officer_columns, i18n=t, page_size=10, key="key", cls="wb-lab-officers")
        self.deviation_table = DataTable(
            [Column("number", "col_case"), Column("department", "col_dept"), Column("officer", "col_officer"), Column("fine_yuan", "col_fine"),
             Column("band", "col_band", fmt=lambda b: f"{b[0]}–{b[1]}" if b else ""), Column("status", "col_status")],
            i18n=t, page_size=10, key="number", cls="wb-lab-deviations")
        self.consistency_chart_box = widgets.Box()
        self.consistency_chart_box.add_class("wb-lab-consistency-chart")
        return widgets.VBox([label(t, "consistency_intro", "p"), button, self.consistency_summary, self.consistency_chart_box,
                             label(t, "departments", "h4"), self.dept_table.widget, label(t, "officers", "h4"), self.officer_table.widget,
                             label(t, "deviations", "h4"), self.deviation_table.widget])

    def refresh_consistency(self) -> None:
        book = self.workspace.published_engine().rulebook
        names = {code: (d.name_zh if self.i18n.lang == "zh" else f"{d.name_en} {d.name_zh}") for code, d in book.departments.items()}
        self.consistency_report = lab_consistency.consistency(self.code, engine=self.workspace.published_engine(), db_url=self.url,
                                                              names=names)
        self._render_consistency()

    def _render_consistency(self) -> None:
        import bqplot as bq

        report = self.consistency_report
        if report is None:
            return
        t = self.i18n
        self.consistency_summary.value = f"<b>{html.escape(t.t('consistency_summary', cases=report.cases, outside=report.outside))}</b>"
        self.dept_table.set_rows([g.to_dict() for g in report.departments])
        self.officer_table.set_rows([g.to_dict() for g in report.officers])
        self.deviation_table.set_rows([dict(d.__dict__) for d in report.deviations])
        names = [g.name for g in report.departments] or [""]
        shares = [float(round(g.outside_share * 100, 1)) for g in report.departments] or [0.0]
        x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0, max=max(shares + [1.0]) * 1.25)
        bars = bq.Bars(x=names, y=shares, scales={"x": x, "y": y}, colors=["#c0504d"])
        figure = bq.Figure(marks=[bars], axes=[bq.Axis(scale=x, tick_rotate=-20), bq.Axis(scale=y, side="left", label="%")],
                           title=t.t("chart_consistency"), layout=widgets.Layout(width="560px", height="280px"))
        self.consistency_chart_box.children = [figure]

    # ------------------------------------------------------------------ history
    def _history_tab(self) -> widgets.Widget:
        t = self.i18n
        self.history_table = DataTable(
            [Column("effective_from", "col_effective"), Column("author", "col_author"), Column("published_at", "col_published_at"),
             Column("reason", "col_reason"), Column("source", "col_source", fmt=lambda s: self.i18n.t(f"src_{s}"))],
            i18n=t, page_size=20, key="effective_from", cls="wb-lab-history")
        self.older = t.bind(widgets.Dropdown(), "description", "older")
        self.older.add_class("wb-lab-older")
        self.newer = t.bind(widgets.Dropdown(), "description", "newer")
        self.newer.add_class("wb-lab-newer")
        compare = t.bind(widgets.Button(), "description", "show_diff")
        compare.add_class("wb-lab-compare")
        compare.on_click(self._cb(lambda _b: self.show_diff()))
        self.diff_box = widgets.HTML()
        self.diff_box.add_class("wb-lab-diff")
        return widgets.VBox([label(t, "history_intro", "p"), self.history_table.widget, widgets.HBox([self.older, self.newer, compare]), self.diff_box])

    def refresh_history(self) -> None:
        if not self.code:
            return
        found = lab_history.versions(self.code, self.workspace.rules_dir, self.url)
        self.history_table.set_rows([v.to_dict() for v in found])
        options = [(v.effective_from.isoformat(), v.index) for v in found]
        self.older.options, self.newer.options = options, options
        if len(options) >= 2:
            self.older.value, self.newer.value = options[-2][1], options[-1][1]
        elif options:
            self.older.value = self.newer.value = options[0][1]
        self.show_diff()

    def show_diff(self) -> None:
        if self.older.value is None or self.newer.value is None:
            self.diff_box.value = ""
            return
        lines = lab_history.diff_lines(lab_history.diff(self.code, self.older.value, self.newer.value, self.workspace.rules_dir), self.i18n.lang)
        self.diff_box.value = "<pre class='wb-lab-diff-lines'>" + "\n".join(html.escape(line) for line in lines) + "</pre>"


# --------------------------------------------------------------------------- rendering helpers


def _ticks(top: float) -> list[int]:
    """Whole-number ticks, about eight."""
    step = max(1, -(-int(top) // 8))
    return list(range(0, int(top) + 1, step))


def _brief(t: I18n, answer: dict) -> str:
    if not answer.get("penalize") and answer.get("level") != "exempt":
        return t.t("penalize_no")
    level = answer.get("level") or ""
    name = LEVEL_NAMES.get(level, (level, level))[0 if t.lang == "zh" else 1]
    band = answer.get("fine_yuan")
    text = f"{name} {band['min']:,}–{band['max']:,}" if band else name
    if answer.get("procedure"):
        text += f" · {t.t('procedure_' + answer['procedure'])}"
    if answer.get("hearing_right"):
        text += f" · {t.t('hearing_yes')}"
    return text


def _decision_html(t: I18n, answer: dict) -> str:
    parts = [f"<div class='wb-lab-decision'><b>{html.escape(_brief(t, answer))}</b></div>"]
    if answer.get("legal_review"):
        parts.append(f"<div>{html.escape(t.t('legal_review_yes'))}</div>")
    if answer.get("basis"):
        parts.append(f"<div class='wb-basis'>{html.escape(t.t('basis'))}: {html.escape('；'.join(answer['basis']))}</div>")
    parts.append(f"<div class='wb-basis'>{html.escape(t.t('rules_version', version=answer.get('rules_version'), benchmark=answer.get('benchmark_version')))}</div>")
    steps = "".join(f"<li><code>{html.escape(str(s.get('rule')))}</code> {html.escape(str(s.get('why')))} "
                    f"<span class='wb-basis'>{html.escape(str(s.get('where') or ''))}</span></li>" for s in answer.get("trace") or [])
    parts.append(f"<ol class='wb-lab-trace'>{steps}</ol>")
    return "".join(parts)


CSS_EXTRA = """
.wb-lab-bad { color: #9b1c1c; }
.wb-lab-good { color: #1e6b34; }
.wb-lab-row-problems { font-size: 12px; margin-left: 8px; }
.wb-lab-trace { font-size: 12px; padding-left: 18px; }
"""
