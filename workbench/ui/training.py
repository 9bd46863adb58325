"""The Training room (培训室): trainers build exercises, trainees take them, the engine grades.

Four tabs: the trainee's exercise (练习作答), the trainer's exercises (练习管理),
results (成绩分析) and scenario authoring (编写情景). Everything goes through
``workbench.training``; the expected answers come from the engine at grading
time, with the trace and the articles it cites.

``app()`` is what notebooks/training.ipynb shows; ``build()`` returns the
object, so tests can drive the widgets without a browser.
"""

from __future__ import annotations

from workbench.config import settings
import base64
import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from ruamel.yaml import YAML

from workbench.errors import InputError
from workbench.rulebook.model import LEVEL_NAMES, LEVELS
from workbench.training import exercises, results
from workbench.training import authoring
from workbench.training.demo import example_officer
from workbench.training.bank import DIFFICULTIES, QUESTION_NAMES, QUESTIONS, read_bank
from workbench.training.grading import PROCEDURE_NAMES, SEVERITIES, SEVERITY_NAMES, ScenarioResult, basis_options, describe
from workbench.ui.common import Column, DataTable, I18n, ProgressBar, StatusBar, app_shell, label, safe_callback

MESSAGES: dict[str, dict[str, str]] = {
    "training_title": {"zh": "培训室 · 情景练习", "en": "Training room 培训室"},
    "tab_trainee": {"zh": "练习作答", "en": "Take an exercise 练习作答"},
    "tab_trainer": {"zh": "练习管理", "en": "Exercises 练习管理"},
    "tab_results": {"zh": "成绩分析", "en": "Results 成绩分析"},
    "tab_author": {"zh": "编写情景", "en": "Write a scenario 编写情景"},
    "choose": {"zh": "—请选择—", "en": "— choose —"},
    "bank_problems": {"zh": "情景库有 {n} 处问题，相关情景暂不可用（运行 workbench check 查看）：{first}",
                      "en": "The scenario bank has {n} problem(s); those scenarios are left out (run workbench check): {first}"},
    "any": {"zh": "（全部）", "en": "(any)"},
    # trainee
    "exercise": {"zh": "练习", "en": "Exercise 练习"},
    "officer_number": {"zh": "执法证号", "en": "Officer no. 执法证号"},
    "officer_hint": {"zh": "输入您的执法证号/工号", "en": "your officer number"},
    "officer_hint_example": {"zh": "例如 {example}（执法证号/工号）", "en": "e.g. {example} (officer number 执法证号)"},
    "start": {"zh": "开始练习", "en": "Start"},
    "reload": {"zh": "刷新", "en": "Refresh"},
    "submit": {"zh": "提交答案", "en": "Submit answer"},
    "next": {"zh": "下一题", "en": "Next scenario"},
    "position": {"zh": "第 {n}/{total} 题", "en": "Scenario {n} of {total}"},
    "remaining": {"zh": "剩余时间 {minutes} 分钟", "en": "{minutes} min left"},
    "no_limit": {"zh": "不限时", "en": "no time limit"},
    "started": {"zh": "练习已开始：{name}", "en": "Exercise started: {name}"},
    "submitted": {"zh": "已提交，本题得分 {score}", "en": "Submitted; score {score}"},
    "submitted_later": {"zh": "已提交，练习结束后显示答案", "en": "Submitted; the answers are shown at the end"},
    "finished": {"zh": "练习完成！总分 {score}", "en": "Exercise finished. Score {score}"},
    "no_open": {"zh": "暂无开放的练习", "en": "No exercise is open 暂无开放的练习"},
    "no_open_hint": {"zh": "暂无开放的练习：请培训师在“练习管理”中开放一个练习，再点“刷新”",
                     "en": "No exercise is open: a trainer opens one under Exercises 练习管理, then press Refresh"},
    "yes": {"zh": "是", "en": "yes 是"},
    "no": {"zh": "否", "en": "no 否"},
    "fb_question": {"zh": "题目", "en": "Question"},
    "fb_given": {"zh": "您的答案", "en": "Your answer"},
    "fb_expected": {"zh": "正确答案（引擎）", "en": "Correct answer (engine)"},
    "fb_score": {"zh": "得分", "en": "Score"},
    "fb_basis": {"zh": "法律依据", "en": "Legal basis 法律依据"},
    "fb_trace": {"zh": "推理过程（规则轨迹）", "en": "How the engine decided (trace)"},
    "fb_rules": {"zh": "规则版本 {version}", "en": "Rules version {version}"},
    "fb_missed": {"zh": "漏引", "en": "missed"},
    "fb_wrong": {"zh": "误引", "en": "wrongly cited"},
    "sev_general": {"zh": "一般事件", "en": "General 一般"},
    "sev_composite": {"zh": "综合事件", "en": "Composite 综合"},
    "sev_major": {"zh": "重大事件", "en": "Major 重大"},
    "proc_summary": {"zh": "简易程序", "en": "Summary 简易程序"},
    "proc_general": {"zh": "普通程序", "en": "General 普通程序"},
    "coord_1": {"zh": "1级 部门协助", "en": "1 support 协助"},
    "coord_2": {"zh": "2级 联合执法", "en": "2 joint action 联合"},
    "coord_3": {"zh": "3级 社区统筹", "en": "3 community-led 统筹"},
    "fine_hint": {"zh": "罚款金额（元）", "en": "amount in yuan"},
    "case_facts": {"zh": "案件要素", "en": "Case facts"},
    "report_facts": {"zh": "事件信息", "en": "Report"},
    # trainer
    "trainer": {"zh": "培训师", "en": "Trainer 培训师"},
    "trainer_hint": {"zh": "培训师姓名或工号", "en": "trainer's name or number"},
    "no_trainer": {"zh": "请先填写培训师", "en": "enter the trainer's name first"},
    "ex_name": {"zh": "练习名称", "en": "Name 名称"},
    "cohort": {"zh": "培训班次", "en": "Cohort 班次"},
    "time_limit": {"zh": "限时（分钟，0=不限）", "en": "Time limit (min, 0 = none)"},
    "order": {"zh": "题目顺序", "en": "Order 顺序"},
    "order_fixed": {"zh": "固定", "en": "fixed"},
    "order_shuffled": {"zh": "随机", "en": "shuffled"},
    "feedback": {"zh": "显示答案", "en": "Feedback 反馈"},
    "feedback_each": {"zh": "每题后", "en": "after each"},
    "feedback_end": {"zh": "结束后", "en": "at the end"},
    "by_tag": {"zh": "按标签选题", "en": "Pick by tag"},
    "violation": {"zh": "违法行为", "en": "Violation 违法行为"},
    "topic": {"zh": "知识点", "en": "Topic 知识点"},
    "difficulty": {"zh": "难度", "en": "Difficulty 难度"},
    "department": {"zh": "部门", "en": "Department 部门"},
    "count": {"zh": "题数（0=全部）", "en": "How many (0 = all)"},
    "add_tags": {"zh": "加入所选标签的情景", "en": "Add matching scenarios"},
    "by_hand": {"zh": "逐题选择", "en": "Pick by hand"},
    "scenario": {"zh": "情景", "en": "Scenario 情景"},
    "add_one": {"zh": "加入", "en": "Add"},
    "chosen": {"zh": "已选情景（按顺序）", "en": "Chosen scenarios (in order)"},
    "up": {"zh": "上移", "en": "Up"},
    "down": {"zh": "下移", "en": "Down"},
    "remove": {"zh": "移除", "en": "Remove"},
    "clear": {"zh": "清空", "en": "Clear"},
    "create_open": {"zh": "创建并开放", "en": "Create and open"},
    "create_draft": {"zh": "保存为草稿", "en": "Save as draft"},
    "open": {"zh": "开放", "en": "Open"},
    "close": {"zh": "关闭", "en": "Close"},
    "exercises": {"zh": "全部练习", "en": "All exercises"},
    "st_draft": {"zh": "草稿", "en": "draft 草稿"},
    "st_open": {"zh": "开放中", "en": "open 开放"},
    "st_closed": {"zh": "已关闭", "en": "closed 关闭"},
    "created": {"zh": "已创建练习 {id}：{name}（{status}）", "en": "Exercise {id} created: {name} ({status})"},
    "status_set": {"zh": "练习 {id} 现为 {status}", "en": "Exercise {id} is now {status}"},
    "added": {"zh": "已加入 {n} 个情景", "en": "{n} scenarios added"},
    "preview": {"zh": "引擎答案预览", "en": "Engine answer (preview)"},
    "col_id": {"zh": "编号", "en": "No."},
    "col_name": {"zh": "名称", "en": "Name"},
    "col_cohort": {"zh": "班次", "en": "Cohort"},
    "col_scenarios": {"zh": "情景数", "en": "Scenarios"},
    "col_status": {"zh": "状态", "en": "Status"},
    "col_settings": {"zh": "设置", "en": "Settings"},
    "col_created": {"zh": "创建", "en": "Created"},
    # results
    "res_exercise": {"zh": "练习", "en": "Exercise"},
    "all_exercises": {"zh": "（全部练习）", "en": "(all exercises)"},
    "show": {"zh": "统计", "en": "Show results"},
    "export": {"zh": "导出 XLSX", "en": "Export XLSX"},
    "exported": {"zh": "已导出：{path}", "en": "Exported: {path}"},
    "download": {"zh": "下载", "en": "Download"},
    "summary": {"zh": "共 {trainees} 名学员、{attempts} 次作答，平均分 {mean}", "en": "{trainees} trainees, {attempts} answers, mean score {mean}"},
    "h_trainees": {"zh": "学员成绩", "en": "Scores per trainee"},
    "h_missed": {"zh": "最常答错的题目", "en": "Questions most often missed"},
    "h_types": {"zh": "各题型得分", "en": "Score per question type"},
    "h_articles": {"zh": "最常误用的法条", "en": "Articles most often misapplied"},
    "h_progress": {"zh": "进步情况（按日）", "en": "Progress over time (per day)"},
    "h_matrix": {"zh": "能力矩阵（AB岗互备）", "en": "Competence matrix (A/B posts 互备)"},
    "matrix_legend": {"zh": "● 胜任 ○ 未胜任 ✓ 已培训 百分比为该领域平均得分；“无备岗”为本人胜任而AB岗搭档不能顶岗的领域",
                      "en": "● competent ○ not yet ✓ trained; % is the mean score in that domain; 'no backup' lists domains the A/B partner cannot cover"},
    "col_trainee": {"zh": "学员", "en": "Trainee"},
    "col_score": {"zh": "得分", "en": "Score"},
    "col_weakest": {"zh": "最弱题型", "en": "Weakest question"},
    "col_last": {"zh": "最近作答", "en": "Last answer"},
    "col_scenario": {"zh": "情景", "en": "Scenario"},
    "col_question": {"zh": "题目", "en": "Question"},
    "col_answers": {"zh": "作答数", "en": "Answers"},
    "col_missed": {"zh": "答错", "en": "Missed"},
    "col_rate": {"zh": "错误率", "en": "Miss rate"},
    "col_article": {"zh": "法条", "en": "Article"},
    "col_not_cited": {"zh": "漏引", "en": "Missed"},
    "col_wrong": {"zh": "误引", "en": "Wrongly cited"},
    "col_lost": {"zh": "相关失分", "en": "Credit lost"},
    "col_day": {"zh": "日期", "en": "Day"},
    "col_officer": {"zh": "执法证号", "en": "Officer"},
    "col_partner": {"zh": "AB岗搭档", "en": "A/B partner"},
    "col_no_backup": {"zh": "无备岗领域", "en": "No backup"},
    "col_dept": {"zh": "部门", "en": "Dept."},
    "col_officer_name": {"zh": "姓名", "en": "Name"},
    # authoring
    "source": {"zh": "来源", "en": "Source 来源"},
    "src_new": {"zh": "新建", "en": "new"},
    "src_case": {"zh": "已存案卷", "en": "stored case file"},
    "src_report": {"zh": "已存事件", "en": "stored report"},
    "record": {"zh": "记录", "en": "Record 记录"},
    "load": {"zh": "载入（去除个人信息）", "en": "Load (personal data removed)"},
    "sc_id": {"zh": "情景编号", "en": "Scenario id"},
    "title_zh": {"zh": "标题（中文）", "en": "Title (zh)"},
    "title_en": {"zh": "标题（英文）", "en": "Title (en)"},
    "narrative_zh": {"zh": "情节（中文）", "en": "Narrative (zh)"},
    "narrative_en": {"zh": "情节（英文）", "en": "Narrative (en)"},
    "input_yaml": {"zh": "引擎输入（YAML：case 和/或 report）", "en": "Engine input (YAML: case and/or report)"},
    "questions": {"zh": "提问", "en": "Questions 提问"},
    "articles": {"zh": "法条标签（逗号分隔）", "en": "Article tags (comma-separated)"},
    "topics": {"zh": "知识点（逗号分隔）", "en": "Topics (comma-separated)"},
    "do_preview": {"zh": "预览引擎答案", "en": "Preview engine answer"},
    "save": {"zh": "保存为 YAML", "en": "Save as YAML"},
    "saved": {"zh": "已保存到 {path}", "en": "Saved to {path}"},
    "loaded": {"zh": "已载入草稿，请补充情节", "en": "Draft loaded; write the narrative"},
    "bad_yaml": {"zh": "引擎输入不是有效的 YAML：{error}", "en": "The engine input is not valid YAML: {error}"},
    "no_records": {"zh": "库中没有记录", "en": "no records in the store"},
}
for _q, (_zh, _en) in QUESTION_NAMES.items():
    MESSAGES[f"q_{_q}"] = {"zh": _zh, "en": f"{_en} {_zh}"}
for _level in LEVELS:
    MESSAGES[f"level_{_level}"] = {"zh": LEVEL_NAMES[_level][0], "en": f"{LEVEL_NAMES[_level][1]} {LEVEL_NAMES[_level][0]}"}

# Names of the contract's vocabularies, for the facts card a trainee reads (zh, en).
CIRCUMSTANCE_NAMES = {
    "minor": ("违法行为轻微", "minor violation"), "corrected_promptly": ("及时改正", "corrected promptly"),
    "no_harm": ("没有危害后果", "no harmful consequences"), "minor_harm": ("危害后果轻微", "minor harm"),
    "first_offence": ("初次违法", "first offence"), "no_fault": ("有证据证明没有主观过错", "evidence of no fault"),
    "eliminated_harm": ("主动消除或者减轻危害后果", "actively eliminated the harm"), "coerced": ("受他人胁迫或者诱骗", "coerced or induced"),
    "confessed_unknown": ("主动供述尚未掌握的违法行为", "confessed acts unknown to the agency"), "meritorious": ("有立功表现", "meritorious cooperation"),
    "life_health_safety": ("涉及公民生命健康安全", "involves life and health safety"), "financial_safety": ("涉及金融安全", "involves financial safety"),
    "harmful_consequences": ("有危害后果", "harmful consequences"), "police_case": ("治安管理案件", "public-security case"),
    "emergency_period": ("突发事件应对期间", "during an emergency"),
}
PARTY_NAMES = {"person": ("公民", "person"), "organisation": ("法人或其他组织", "organisation")}
CAPACITY_NAMES = {"full": ("完全行为能力", "full capacity"), "limited": ("尚未完全丧失辨认或控制能力", "partial capacity"),
                  "none": ("不能辨认或控制自己行为", "no capacity")}
SOURCE_NAMES = {"camera": ("视频监控", "camera"), "hotline": ("12345热线", "hotline"), "call_centre": ("呼叫中心", "call centre"),
                "patrol": ("巡查", "patrol"), "joint_patrol": ("联合巡查", "joint patrol"), "media": ("媒体", "media"), "leader": ("领导交办", "leader")}
FLAG_NAMES = {"casualties": ("人员伤亡", "casualties"), "mass_gathering": ("群众聚集", "mass gathering"),
              "public_safety_hazard": ("危及公共安全", "public-safety hazard"), "media_attention": ("媒体关注", "media attention"),
              "sensitive": ("敏感", "sensitive"), "repeat_complaint": ("重复投诉", "repeat complaint"), "multi_department": ("涉及多部门", "several departments")}
FACT_LABELS = {
    "violation": ("违法行为", "Violation"), "act_date": ("行为日期", "Act date"), "act_end_date": ("行为终了日期", "Act ended"),
    "discovered_date": ("发现日期", "Discovered"), "decision_date": ("决定日期", "Decision date"), "party": ("当事人", "Party"),
    "circumstances": ("情节", "Circumstances"), "proposed_penalty": ("拟处罚", "Proposed penalty"), "category": ("事件类别", "Category"),
    "source": ("来源", "Source"), "received_at": ("受理时间", "Received"), "location": ("地点", "Location"),
    "people_affected": ("影响人数", "People affected"), "flags": ("标记", "Flags"),
}

AUTHOR_TEMPLATE = """\
case:
  violation: street_vending
  act_date: 2025-05-06
  decision_date: 2025-05-06
  party: {kind: person, age: 40, capacity: full}
  facts: {area_m2: 2, repeat_count: 0}
  circumstances: []
"""


def app(url: str | None = None, i18n: I18n | None = None) -> widgets.VBox:
    """The Training room widget (what notebooks/training.ipynb shows)."""
    return build(url, i18n).widget


def build(url: str | None = None, i18n: I18n | None = None, scenarios_dir: str | Path | None = None) -> "TrainingRoom":
    return TrainingRoom(url, i18n, scenarios_dir)


class TrainingRoom:
    def __init__(self, url: str | None = None, i18n: I18n | None = None, scenarios_dir: str | Path | None = None):
        from workbench.engine import get_engine

        self.url = url
        self.i18n = i18n or I18n()
        self.i18n.add(MESSAGES)
        self.scenarios_dir = scenarios_dir or settings().scenarios_dir or None
        self.engine = get_engine()
        self.status = StatusBar()
        # A broken scenario file must not close the room: keep the good scenarios, say what is wrong.
        self.bank, self.bank_problems = read_bank(self.scenarios_dir)
        self.progress = ProgressBar(self.i18n)
        self.session: exercises.TraineeSession | None = None
        self.open_exercises: list[tuple[str, int]] = []  # (label, id) of the exercises a trainee can take
        self.answer_widgets: dict[str, Any] = {}
        self.last_result: ScenarioResult | None = None
        self.chosen: list[str] = []
        self.author_preview: tuple | None = None
        t = self.i18n
        self.tabs = widgets.Tab(children=[self._trainee_tab(), self._trainer_tab(), self._results_tab(), self._author_tab()])
        self.tabs.add_class("wb-training-tabs")
        self._tab_titles()
        t.on_change(lambda _lang: self._relabel())
        body = widgets.VBox([self.progress.widget, self.tabs])
        self.widget = app_shell(t, "training_title", body, self.status, cls="wb-training")
        self._cb(self.refresh_exercises)()
        if self.bank_problems:
            first = self.bank_problems[0]
            self.status.error(self.i18n.t("bank_problems", n=len(self.bank_problems), first=str(first)))

    def _cb(self, fn):
        return safe_callback(fn, self.status, self.i18n)

    def _tab_titles(self) -> None:
        for i, key in enumerate(("tab_trainee", "tab_trainer", "tab_results", "tab_author")):
            self.tabs.set_title(i, self.i18n.t(key))

    def _relabel(self) -> None:
        self._tab_titles()
        self._trainee_labels()
        self._render_chosen()
        if self.session is not None and not self.session.finished and self.last_result is None:
            self._render_scenario()
        if self.last_result is not None:
            self._render_feedback([self.last_result])
        elif self.session is not None and self.session.finished:
            self._render_end()

    def _button(self, key: str, cls: str, fn, style: str = "") -> widgets.Button:
        button = self.i18n.bind(widgets.Button(button_style=style, layout=widgets.Layout(width="auto")), "description", key)
        button.add_class(cls)
        button.on_click(self._cb(lambda _b: fn()))
        return button

    # ================================================================== trainee
    def _trainee_tab(self) -> widgets.Widget:
        t = self.i18n
        self.tr_exercise = t.bind(widgets.Dropdown(layout=widgets.Layout(width="480px")), "description", "exercise")
        self.tr_exercise.add_class("wb-tr-exercise")
        self.tr_officer = t.bind(widgets.Text(placeholder=t.t("officer_hint"), layout=widgets.Layout(width="300px")), "description", "officer_number")
        self.tr_officer.add_class("wb-tr-officer")
        self.officer_example: str | None = None  # a valid officer number of this database, shown as the field's placeholder
        self.tr_start = self._button("start", "wb-tr-start", self.start, "primary")
        self.tr_none = widgets.HTML()  # why the start button is disabled, beside it
        self.tr_none.add_class("wb-tr-none")
        self.tr_reload = self._button("reload", "wb-tr-reload", self.refresh_exercises)
        self.tr_position = widgets.HTML()
        self.tr_position.add_class("wb-tr-position")
        self.tr_scenario = widgets.HTML()
        self.tr_scenario.add_class("wb-tr-scenario")
        self.tr_questions = widgets.VBox()
        self.tr_questions.add_class("wb-tr-questions")
        self.tr_submit = self._button("submit", "wb-tr-submit", self.submit, "success")
        self.tr_next = self._button("next", "wb-tr-next", self.next_scenario)
        self.tr_submit.layout.display = "none"
        self.tr_next.layout.display = "none"
        self.tr_feedback = widgets.HTML()
        self.tr_feedback.add_class("wb-tr-feedback")
        self._trainee_options()  # nothing open until the store says otherwise
        self._trainee_labels()
        return widgets.VBox([
            widgets.HBox([self.tr_exercise, self.tr_reload]),
            widgets.HBox([self.tr_officer, self.tr_start, self.tr_none]),
            self.tr_position, self.tr_scenario, self.tr_questions,
            widgets.HBox([self.tr_submit, self.tr_next]), self.tr_feedback,
        ])

    def refresh_exercises(self) -> None:
        open_ones = exercises.list_exercises(status="open", url=self.url)
        self.open_exercises = [(f"{e.id} · {e.name}" + (f" · {e.cohort}" if e.cohort else ""), e.id) for e in open_ones]
        self._trainee_options()
        self.officer_example = example_officer(self.url)
        self._trainee_labels()
        if hasattr(self, "ex_table"):
            self.ex_table.set_rows(self._exercise_rows())
        if hasattr(self, "res_exercise"):
            self._results_exercise_options()

    def _trainee_options(self) -> None:
        """The open exercises, the first (newest) preselected; none open: a placeholder, and start is disabled."""
        options = self.open_exercises
        keep = self.tr_exercise.value
        values = [v for _, v in options]
        if not options:
            self._placeholder()
            return
        self.tr_exercise.options = options
        # ipywidgets 8 leaves the value at None when options change: choose one explicitly
        self.tr_exercise.value = keep if keep in values else values[0]
        self.tr_exercise.disabled = False

    def _placeholder(self) -> None:
        self.tr_exercise.options = [(self.i18n.t("no_open"), None)]
        self.tr_exercise.index = 0  # shown as chosen: value None would leave the select blank in the browser
        self.tr_exercise.disabled = True

    def _trainee_labels(self) -> None:
        """Texts of the trainee's form that depend on the database: the placeholder, the officer hint, why start is off."""
        t = self.i18n
        none = not self.open_exercises
        if none:
            self._placeholder()  # in the current language
        self.tr_start.disabled = none
        self.tr_start.tooltip = t.t("no_open_hint") if none else ""
        self.tr_none.value = f'<span style="color:#666">{html.escape(t.t("no_open_hint"))}</span>' if none else ""
        example = self.officer_example
        self.tr_officer.placeholder = t.t("officer_hint_example", example=example) if example else t.t("officer_hint")

    def start(self) -> None:
        if self.tr_exercise.value is None:
            raise InputError(self.i18n.t("exercise"), self.i18n.t("no_open"))
        self.session = exercises.start(self.tr_exercise.value, self.tr_officer.value, bank=self.bank, url=self.url, engine=self.engine)
        self.last_result = None
        self.tr_feedback.value = ""
        self.status.ok(self.i18n.t("started", name=self.session.exercise.name))
        if self.session.finished:
            self._render_end()
        else:
            self._render_scenario()

    def _render_position(self) -> None:
        s = self.session
        done, total = s.position()
        remaining = s.remaining_seconds()
        clock = self.i18n.t("no_limit") if remaining is None else self.i18n.t("remaining", minutes=int(remaining // 60))
        self.tr_position.value = f"<b>{html.escape(s.exercise.name)}</b> · {html.escape(self.i18n.t('position', n=min(done + 1, total), total=total))} · {html.escape(clock)}"

    def _render_scenario(self) -> None:
        scenario = self.session.current()
        self._render_position()
        if scenario is None:
            self._render_end()
            return
        lang = self.i18n.lang
        self.tr_scenario.value = (
            f'<div class="wb-card" data-scenario="{html.escape(scenario.id)}"><h3>{html.escape(scenario.title[lang])}</h3>'
            f"<p>{html.escape(scenario.narrative[lang])}</p>{self._input_html(scenario)}</div>"
        )
        keep = {q: w.value for q, w in self.answer_widgets.items()} if self.answer_widgets and getattr(self, "_shown", None) == scenario.id else {}
        self._shown = scenario.id
        self.answer_widgets = {}
        rows = []
        for question in scenario.questions:
            widget = self._question_widget(question, scenario)
            if question in keep:
                try:
                    widget.value = keep[question]
                except Exception:  # noqa: BLE001 - options changed with the language; start blank
                    pass
            self.answer_widgets[question] = widget
            rows.append(widget if not isinstance(widget, _Checks) else widget.box)
        self.tr_questions.children = rows
        self.tr_submit.layout.display = ""
        self.tr_next.layout.display = "none"

    def _input_html(self, scenario) -> str:
        """The facts the trainee decides on, as a card in the current language (codes beside the names)."""
        parts = []
        if scenario.case:
            parts.append(self._facts_table("case_facts", self._case_rows(scenario.case)))
        if scenario.report:
            parts.append(self._facts_table("report_facts", self._report_rows(scenario.report)))
        return "".join(parts)

    def _facts_table(self, title_key: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(f"<tr><th style=\"width:28%\">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        return f'<b>{html.escape(self.i18n.t(title_key))}</b><table class="wb-table-grid wb-tr-facts">{body}</table>'

    def _name(self, names: dict, code: str) -> str:
        pair = names.get(code)
        if not pair:
            return str(code)
        return pair[0] if self.i18n.lang == "zh" else f"{pair[1]} {pair[0]}"

    def _case_rows(self, case: dict) -> list[tuple[str, str]]:
        book = self.engine.rulebook
        lang = 0 if self.i18n.lang == "zh" else 1
        violation = book.violations.get(case.get("violation"))
        rows = [(FACT_LABELS["violation"][lang], (violation.name_zh if lang == 0 else f"{violation.name_en} {violation.name_zh}") if violation else str(case.get("violation")))]
        for key in ("act_date", "act_end_date", "discovered_date", "decision_date"):
            if case.get(key):
                rows.append((FACT_LABELS[key][lang], str(case[key])))
        party = case.get("party") or {}
        who = [self._name(PARTY_NAMES, party.get("kind")), self._name(CAPACITY_NAMES, party.get("capacity", "full"))]
        if party.get("age") is not None:
            who.insert(1, f"{party['age']}岁" if lang == 0 else f"aged {party['age']}")
        rows.append((FACT_LABELS["party"][lang], " · ".join(who)))
        for name, value in (case.get("facts") or {}).items():
            spec = violation.facts.get(name) if violation else None
            label_ = (spec.zh if lang == 0 else spec.en) if spec else name
            if isinstance(value, bool):
                value = self.i18n.t("yes") if value else self.i18n.t("no")
            rows.append((label_, str(value)))
        circumstances = [self._name(CIRCUMSTANCE_NAMES, c) for c in case.get("circumstances") or []]
        rows.append((FACT_LABELS["circumstances"][lang], "；".join(circumstances) or "—"))
        proposed = case.get("proposed_penalty")
        if proposed:
            text = f"{proposed.get('fine_yuan', 0)} 元" if lang == 0 else f"{proposed.get('fine_yuan', 0)} yuan"
            if proposed.get("other"):
                text += " + " + ", ".join(proposed["other"])
            rows.append((FACT_LABELS["proposed_penalty"][lang], text))
        return rows

    def _report_rows(self, report: dict) -> list[tuple[str, str]]:
        lang = 0 if self.i18n.lang == "zh" else 1
        row = self.engine.rulebook.category(report.get("category"))
        category = (row.name_zh if lang == 0 else f"{row.name_en} {row.name_zh}") if row else str(report.get("category"))
        location = report.get("location") or {}
        where = location.get("community") or "—"
        if location.get("key_road"):
            where += " · " + ("主次干道" if lang == 0 else "key road")
        flags = [self._name(FLAG_NAMES, f) for f in report.get("flags") or []]
        return [(FACT_LABELS["category"][lang], category), (FACT_LABELS["source"][lang], self._name(SOURCE_NAMES, report.get("source"))),
                (FACT_LABELS["received_at"][lang], str(report.get("received_at"))), (FACT_LABELS["location"][lang], where),
                (FACT_LABELS["people_affected"][lang], str(report.get("people_affected", 0))),
                (FACT_LABELS["flags"][lang], "；".join(flags) or "—")]

    def _question_widget(self, question: str, scenario):
        t = self.i18n
        layout = widgets.Layout(width="520px")
        style = {"description_width": "160px"}
        if question in ("penalize", "hearing_right", "legal_review"):
            w = widgets.Dropdown(layout=layout, style=style)
            t.bind_options(w, [("choose", None), ("yes", True), ("no", False)])
        elif question == "level":
            w = widgets.Dropdown(layout=layout, style=style)
            t.bind_options(w, [("choose", None)] + [(f"level_{lv}", lv) for lv in LEVELS])
        elif question == "procedure":
            w = widgets.Dropdown(layout=layout, style=style)
            t.bind_options(w, [("choose", None), ("proc_summary", "summary"), ("proc_general", "general")])
        elif question == "severity":
            w = widgets.Dropdown(layout=layout, style=style)
            t.bind_options(w, [("choose", None)] + [(f"sev_{s}", s) for s in SEVERITIES])
        elif question == "coordination_level":
            w = widgets.Dropdown(layout=layout, style=style)
            t.bind_options(w, [("choose", None), ("coord_1", 1), ("coord_2", 2), ("coord_3", 3)])
        elif question == "lead":
            w = widgets.Dropdown(layout=layout, style=style, options=[("—", None)] + self._department_options())
        elif question == "assist":
            w = widgets.SelectMultiple(layout=widgets.Layout(width="520px", height="120px"), style=style, options=self._department_options())
        elif question == "fine":
            w = widgets.Text(layout=layout, style=style)
            t.bind(w, "placeholder", "fine_hint")
        elif question == "basis":
            options = basis_options(scenario, self.engine)
            w = _Checks(options, t.t(f"q_{question}"))
        else:  # pragma: no cover - the bank check refuses unknown questions
            raise InputError("question", question)
        target = w.box if isinstance(w, _Checks) else w
        if not isinstance(w, _Checks):
            t.bind(w, "description", f"q_{question}")
        target.add_class(f"wb-q-{question}")
        target.add_class(f"wb-for-{scenario.id}")  # new widgets per scenario: tests wait for these, not the last ones
        return w

    def _department_options(self) -> list[tuple[str, str]]:
        depts = self.engine.rulebook.departments
        lang = self.i18n.lang
        return [((d.name_zh if lang == "zh" else f"{d.name_en} {d.name_zh}"), code) for code, d in sorted(depts.items())]

    def answers(self) -> dict[str, Any]:
        out = {}
        for question, widget in self.answer_widgets.items():
            value = widget.value
            if question == "fine":
                value = value.strip().replace(",", "")
                if value:
                    try:
                        value = float(value)
                    except ValueError:
                        raise InputError(self.i18n.t("q_fine"), f"{widget.value!r} is not a number") from None
                    value = int(value) if value.is_integer() else value
                else:
                    value = None
            elif isinstance(value, tuple):
                value = list(value)
            out[question] = value
        return out

    def submit(self) -> ScenarioResult:
        if self.session is None:
            raise InputError(self.i18n.t("exercise"), self.i18n.t("no_open"))
        scenario = self.session.current()
        result = self.session.submit(scenario.id, self.answers())
        self.tr_submit.layout.display = "none"
        if self.session.exercise.feedback == "each":
            self.last_result = result
            self._render_feedback([result])
            self.status.ok(self.i18n.t("submitted", score=_pct(result.score)))
            self.tr_next.layout.display = "" if not self.session.finished else "none"
            if self.session.finished:
                self._render_end(keep_feedback=True)
        else:
            self.status.ok(self.i18n.t("submitted_later"))
            self.next_scenario()
        return result

    def next_scenario(self) -> None:
        self.last_result = None
        self.tr_feedback.value = ""
        if self.session.finished:
            self._render_end()
        else:
            self._render_scenario()

    def _render_end(self, keep_feedback: bool = False) -> None:
        s = self.session
        self.tr_questions.children = []
        self.tr_submit.layout.display = "none"
        self.tr_next.layout.display = "none"
        self._render_position()
        self.tr_scenario.value = f'<div class="wb-card wb-tr-done"><h3>{html.escape(self.i18n.t("finished", score=_pct(s.score())))}</h3></div>'
        if s.exercise.feedback == "end" or not keep_feedback:
            ordered = [s.results[c] for c in s.codes if c in s.results]
            self._render_feedback(ordered)
        self.status.ok(self.i18n.t("finished", score=_pct(s.score())))

    def _render_feedback(self, results_: list[ScenarioResult]) -> None:
        t = self.i18n
        lang = t.lang
        blocks = []
        for result in results_:
            try:
                title = self.bank.get(result.scenario_id).title[lang]
            except InputError:
                title = result.scenario_id
            rows = []
            for r in result.results:
                cls = "wb-fb-right" if r.correct else ("wb-fb-partial" if r.score > 0 else "wb-fb-wrong")
                expected = describe(r.question, r.expected, lang)
                extra = ""
                if r.question == "basis" and (r.missed_articles or r.wrong_articles):
                    extra = (f"<br><small>{html.escape(t.t('fb_missed'))}: {html.escape('、'.join(r.missed_articles) or '—')}; "
                             f"{html.escape(t.t('fb_wrong'))}: {html.escape('、'.join(r.wrong_articles) or '—')}</small>")
                rows.append(
                    f'<tr class="{cls}" data-question="{r.question}"><td>{html.escape(t.t("q_" + r.question))}</td>'
                    f"<td>{html.escape(describe(r.question, r.given, lang))}</td><td>{html.escape(expected)}{extra}</td>"
                    f"<td>{_pct(r.score)}</td></tr>"
                )
            basis = "".join(f"<li>{html.escape(b)}</li>" for b in result.expected.basis)
            trace = "".join(
                f"<li><code>{html.escape(str(step.get('rule')))}</code> {html.escape(str(step.get('why') or ''))}"
                + (f" <span class='wb-basis'>〔{html.escape(str(step.get('basis')))}〕</span>" if step.get("basis") else "") + "</li>"
                for step in result.expected.trace
            )
            blocks.append(
                f'<div class="wb-card wb-fb" data-scenario="{html.escape(result.scenario_id)}">'
                f"<h4>{html.escape(title)} — {_pct(result.score)}</h4>"
                f'<table class="wb-table-grid"><thead><tr><th>{html.escape(t.t("fb_question"))}</th><th>{html.escape(t.t("fb_given"))}</th>'
                f'<th>{html.escape(t.t("fb_expected"))}</th><th>{html.escape(t.t("fb_score"))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
                f'<b>{html.escape(t.t("fb_basis"))}</b><ul class="wb-fb-basis">{basis}</ul>'
                f'<details open><summary>{html.escape(t.t("fb_trace"))}</summary><ol class="wb-fb-trace">{trace}</ol></details>'
                f'<div class="wb-basis">{html.escape(t.t("fb_rules", version=result.expected.rules_version))}</div></div>'
            )
        self.tr_feedback.value = "".join(blocks)

    # ================================================================== trainer
    def _trainer_tab(self) -> widgets.Widget:
        t = self.i18n
        self.ex_trainer = t.bind(t.bind(widgets.Text(layout=widgets.Layout(width="320px")), "description", "trainer"), "placeholder", "trainer_hint")
        self.ex_trainer.add_class("wb-ex-trainer")
        self.ex_name = t.bind(widgets.Text(value=f"{dt.date.today():%Y-%m} 一专多能练习", layout=widgets.Layout(width="420px")), "description", "ex_name")
        self.ex_name.add_class("wb-ex-name")
        self.ex_cohort = t.bind(widgets.Text(layout=widgets.Layout(width="260px")), "description", "cohort")
        self.ex_cohort.add_class("wb-ex-cohort")
        self.ex_limit = t.bind(widgets.BoundedIntText(value=30, min=0, max=600, layout=widgets.Layout(width="260px"), style={"description_width": "160px"}), "description", "time_limit")
        self.ex_limit.add_class("wb-ex-limit")
        self.ex_order = t.bind(widgets.ToggleButtons(), "description", "order")
        t.bind_options(self.ex_order, [("order_fixed", "fixed"), ("order_shuffled", "shuffled")])
        self.ex_order.add_class("wb-ex-order")
        self.ex_feedback = t.bind(widgets.ToggleButtons(), "description", "feedback")
        t.bind_options(self.ex_feedback, [("feedback_each", "each"), ("feedback_end", "end")])
        self.ex_feedback.add_class("wb-ex-feedback")

        violations = sorted({s.violation for s in self.bank if s.violation})
        topics = sorted({tp for s in self.bank for tp in s.topics})
        departments = sorted({s.department for s in self.bank if s.department})
        self.f_violation = t.bind(widgets.Dropdown(options=[("—", None)] + [(v, v) for v in violations]), "description", "violation")
        self.f_violation.add_class("wb-ex-f-violation")
        self.f_topic = t.bind(widgets.Dropdown(options=[("—", None)] + [(v, v) for v in topics]), "description", "topic")
        self.f_topic.add_class("wb-ex-f-topic")
        self.f_difficulty = t.bind(widgets.Dropdown(options=[("—", None)] + [(v, v) for v in DIFFICULTIES]), "description", "difficulty")
        self.f_department = t.bind(widgets.Dropdown(options=[("—", None)] + [(v, v) for v in departments]), "description", "department")
        self.f_count = t.bind(widgets.BoundedIntText(value=0, min=0, max=500, style={"description_width": "140px"}), "description", "count")
        add_tags = self._button("add_tags", "wb-ex-add-tags", self.add_by_tags)
        self.pick = t.bind(widgets.Dropdown(layout=widgets.Layout(width="620px"), options=self._scenario_options()), "description", "scenario")
        self.pick.add_class("wb-ex-pick")
        self.pick.observe(lambda ch: self._cb(self._preview_pick)() if not self.i18n.switching else None, names="value")
        add_one = self._button("add_one", "wb-ex-add-one", self.add_picked)
        self.chosen_list = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="620px"))
        self.chosen_list.add_class("wb-ex-chosen")
        moves = widgets.VBox([self._button("up", "wb-ex-up", lambda: self._move(-1)), self._button("down", "wb-ex-down", lambda: self._move(1)),
                              self._button("remove", "wb-ex-remove", self._remove), self._button("clear", "wb-ex-clear", self._clear)])
        create = self._button("create_open", "wb-ex-create", lambda: self.create_exercise("open"), "primary")
        draft = self._button("create_draft", "wb-ex-draft", lambda: self.create_exercise("draft"))
        self.pick_preview = widgets.HTML()
        self.pick_preview.add_class("wb-ex-preview")
        self.ex_table = DataTable(
            [Column("id", "col_id"), Column("name", "col_name"), Column("cohort", "col_cohort"), Column("scenarios", "col_scenarios"),
             Column("status", "col_status", fmt=lambda v: self.i18n.t(f"st_{v}")), Column("settings", "col_settings"), Column("created", "col_created")],
            i18n=t, key="id", selectable=True, page_size=10, select_label=lambda r: f"{r['id']} · {r['name']} ({r['status']})", cls="wb-ex-table")
        open_b = self._button("open", "wb-ex-open", lambda: self.set_status("open"))
        close_b = self._button("close", "wb-ex-close", lambda: self.set_status("closed"))
        return widgets.VBox([
            self.ex_trainer,
            label(t, "by_tag", tag="h4"),
            widgets.HBox([self.f_violation, self.f_topic]), widgets.HBox([self.f_difficulty, self.f_department]),
            widgets.HBox([self.f_count, add_tags]),
            label(t, "by_hand", tag="h4"), widgets.HBox([self.pick, add_one]), self.pick_preview,
            label(t, "chosen", tag="h4"), widgets.HBox([self.chosen_list, moves]),
            widgets.HBox([self.ex_name, self.ex_cohort]), self.ex_limit, self.ex_order, self.ex_feedback,
            widgets.HBox([create, draft]),
            label(t, "exercises", tag="h4"), self.ex_table.widget, widgets.HBox([open_b, close_b]),
        ])

    def _scenario_options(self) -> list[tuple[str, str | None]]:
        lang = self.i18n.lang
        return [("—", None)] + [(f"{s.id} · {s.title[lang]} · {s.difficulty}", s.id) for s in self.bank]

    def _trainer_name(self) -> str:
        name = self.ex_trainer.value.strip()
        if not name:
            raise InputError(self.i18n.t("trainer"), self.i18n.t("no_trainer"))
        return name

    def add_by_tags(self) -> list[str]:
        codes = exercises.assemble(self.bank, violation=self.f_violation.value, topic=self.f_topic.value, difficulty=self.f_difficulty.value,
                                   department=self.f_department.value, count=self.f_count.value or None, seed=len(self.chosen))
        new = [c for c in codes if c not in self.chosen]
        self.chosen.extend(new)
        self._render_chosen()
        self.status.ok(self.i18n.t("added", n=len(new)))
        return new

    def add_picked(self) -> None:
        code = self.pick.value
        if code is None:
            raise InputError(self.i18n.t("scenario"), self.i18n.t("choose"))
        if code not in self.chosen:
            self.chosen.append(code)
        self._render_chosen()
        self.status.ok(self.i18n.t("added", n=1))

    def _preview_pick(self) -> None:
        code = self.pick.value
        if code is None:
            self.pick_preview.value = ""
            return
        from workbench.training.grading import expected_answers

        scenario = self.bank.get(code)
        expected = expected_answers(scenario, self.engine)
        self.pick_preview.value = self._preview_html(scenario, expected)

    def _preview_html(self, scenario, expected) -> str:
        lang = self.i18n.lang
        items = "".join(f"<li>{html.escape(self.i18n.t('q_' + q))}: <b>{html.escape(describe(q, v, lang))}</b></li>" for q, v in expected.answers.items())
        basis = html.escape("；".join(expected.basis))
        return (f'<div class="wb-card"><b>{html.escape(self.i18n.t("preview"))}</b> — {html.escape(scenario.title[lang])}'
                f'<p>{html.escape(scenario.narrative[lang])}</p><ul>{items}</ul><div class="wb-basis">{basis} · {html.escape(expected.rules_version)}</div></div>')

    def _render_chosen(self) -> None:
        if not hasattr(self, "chosen_list"):
            return
        lang = self.i18n.lang
        keep = self.chosen_list.value
        self.chosen_list.options = [(f"{i + 1}. {c} · {self.bank.get(c).title[lang]}", c) for i, c in enumerate(self.chosen)]
        if keep in self.chosen:
            self.chosen_list.value = keep

    def _move(self, step: int) -> None:
        code = self.chosen_list.value
        if code is None:
            return
        i = self.chosen.index(code)
        j = max(0, min(len(self.chosen) - 1, i + step))
        self.chosen[i], self.chosen[j] = self.chosen[j], self.chosen[i]
        self._render_chosen()
        self.chosen_list.value = code

    def _remove(self) -> None:
        if self.chosen_list.value in self.chosen:
            self.chosen.remove(self.chosen_list.value)
        self._render_chosen()

    def _clear(self) -> None:
        self.chosen = []
        self._render_chosen()

    def create_exercise(self, status: str) -> exercises.Exercise:
        who = self._trainer_name()
        exercise = exercises.create_exercise(
            self.ex_name.value, list(self.chosen), who, cohort=self.ex_cohort.value.strip() or None,
            time_limit_minutes=self.ex_limit.value or None, order=self.ex_order.value, feedback=self.ex_feedback.value,
            status=status, bank=self.bank, url=self.url)
        self.refresh_exercises()
        self.status.ok(self.i18n.t("created", id=exercise.id, name=exercise.name, status=self.i18n.t(f"st_{exercise.status}")))
        self.chosen = []
        self._render_chosen()
        return exercise

    def set_status(self, status: str) -> None:
        who = self._trainer_name()
        exercise_id = self.ex_table.selected
        if exercise_id is None:
            raise InputError(self.i18n.t("exercise"), self.i18n.t("choose"))
        seen = next((r["version"] for r in self.ex_table.rows if r["id"] == exercise_id), None)
        exercises.set_status(exercise_id, status, who, expected_version=seen, url=self.url)
        self.refresh_exercises()
        self.status.ok(self.i18n.t("status_set", id=exercise_id, status=self.i18n.t(f"st_{status}")))

    def _exercise_rows(self) -> list[dict]:
        t = self.i18n
        rows = []
        for e in exercises.list_exercises(url=self.url):
            settings = [t.t("no_limit") if not e.time_limit_minutes else f"{e.time_limit_minutes} min",
                        t.t(f"order_{e.order}"), t.t(f"feedback_{e.feedback}")]
            rows.append({"id": e.id, "name": e.name, "cohort": e.cohort or "", "scenarios": len(e.scenario_codes), "status": e.status,
                         "settings": " · ".join(settings), "created": f"{e.created_at:%Y-%m-%d %H:%M} {e.created_by}",
                         "version": e.version})
        return rows

    # ================================================================== results
    def _results_tab(self) -> widgets.Widget:
        t = self.i18n
        self.res_exercise = t.bind(widgets.Dropdown(layout=widgets.Layout(width="480px")), "description", "res_exercise")
        self.res_exercise.add_class("wb-res-exercise")
        self.res_cohort = t.bind(widgets.Text(layout=widgets.Layout(width="260px")), "description", "cohort")
        self.res_trainee = t.bind(t.bind(widgets.Text(layout=widgets.Layout(width="300px")), "description", "col_trainee"), "placeholder", "officer_hint")
        self.res_trainee.add_class("wb-res-trainee")
        self.res_chart = widgets.VBox()
        self.res_chart.add_class("wb-res-chart")
        self.chart = None
        self.res_department = t.bind(widgets.Dropdown(options=[("—", None)] + [(c, c) for c in sorted(self.engine.rulebook.departments)]), "description", "department")
        self.res_department.add_class("wb-res-department")
        show = self._button("show", "wb-res-refresh", self.show_results, "primary")
        export = self._button("export", "wb-res-export", self.export)
        self.res_summary = widgets.HTML()
        self.res_summary.add_class("wb-res-summary")
        self.res_download = widgets.HTML()
        self.res_download.add_class("wb-res-download")
        pct = lambda v: _pct(v) if v is not None else ""  # noqa: E731
        self.res_trainees = DataTable([Column("trainee", "col_trainee"), Column("scenarios", "col_scenarios"), Column("score", "col_score", fmt=pct),
                                       Column("weakest_question", "col_weakest", fmt=lambda q: self.i18n.t(f"q_{q}") if q else ""),
                                       Column("last", "col_last", fmt=lambda v: f"{v:%Y-%m-%d %H:%M}" if v else "")],
                                      i18n=t, key="trainee", cls="wb-res-trainees")
        self.res_missed = DataTable([Column("scenario", "col_scenario"), Column("question", "col_question", fmt=lambda q: self.i18n.t(f"q_{q}")),
                                     Column("answers", "col_answers"), Column("missed", "col_missed"), Column("miss_rate", "col_rate", fmt=pct)],
                                    i18n=t, key="scenario", page_size=10, cls="wb-res-missed")
        self.res_types = DataTable([Column("question", "col_question", fmt=lambda q: self.i18n.t(f"q_{q}")), Column("mean_score", "col_score", fmt=pct)],
                                   i18n=t, key="question", page_size=12, cls="wb-res-types")
        self.res_articles = DataTable([Column("article", "col_article"), Column("missed", "col_not_cited"), Column("wrongly_cited", "col_wrong"),
                                       Column("lost_credit", "col_lost")], i18n=t, key="article", page_size=10, cls="wb-res-articles")
        self.res_progress = DataTable([Column("day", "col_day"), Column("trainee", "col_trainee"), Column("scenarios", "col_scenarios"),
                                       Column("score", "col_score", fmt=pct)], i18n=t, key="day", page_size=10, cls="wb-res-progress")
        self.res_matrix = DataTable([Column("officer", "col_officer")], i18n=t, key="officer", page_size=20, cls="wb-res-matrix")
        self.res_matrix_box = widgets.VBox([self.res_matrix.widget])
        self.res_exercise.options = [(t.t("all_exercises"), None)]
        return widgets.VBox([
            widgets.HBox([self.res_exercise, self.res_cohort, self.res_trainee]), widgets.HBox([self.res_department, show, export]),
            self.res_download, self.res_summary,
            label(t, "h_trainees", tag="h4"), self.res_trainees.widget,
            label(t, "h_missed", tag="h4"), self.res_missed.widget,
            label(t, "h_types", tag="h4"), self.res_types.widget,
            label(t, "h_articles", tag="h4"), self.res_articles.widget,
            label(t, "h_progress", tag="h4"), self.res_chart, self.res_progress.widget,
            label(t, "h_matrix", tag="h4"), label(t, "matrix_legend", tag="small"), self.res_matrix_box,
        ])

    def _results_exercise_options(self) -> None:
        keep = self.res_exercise.value
        options = [(self.i18n.t("all_exercises"), None)] + [(f"{e.id} · {e.name}", e.id) for e in exercises.list_exercises(url=self.url)]
        self.res_exercise.options = options
        if keep is not None and keep in [v for _, v in options]:
            self.res_exercise.value = keep
        else:
            self.res_exercise.index = 0  # "all exercises" shown as chosen

    def show_results(self) -> dict:
        rows = results.attempts(exercise_id=self.res_exercise.value, cohort=self.res_cohort.value.strip() or None,
                                trainee=self.res_trainee.value.strip() or None, url=self.url)
        summary = results.cohort_summary(rows)
        self.res_summary.value = html.escape(self.i18n.t("summary", trainees=summary["trainees"], attempts=summary["attempts"],
                                                          mean=_pct(summary["mean_score"]) if summary["mean_score"] is not None else "—"))
        self.res_trainees.set_rows(results.by_trainee(rows))
        self.res_missed.set_rows(results.most_missed_questions(rows))
        self.res_types.set_rows(results.question_types(rows))
        self.res_articles.set_rows(results.most_misapplied_articles(rows))
        self.res_progress.set_rows(results.progress(rows))
        self._progress_chart(results.daily_means(rows))
        matrix = results.competence_matrix(department=self.res_department.value, bank=self.bank, url=self.url)
        columns = [Column("officer", "col_officer"), Column("name", "col_officer_name"), Column("department", "col_dept"), Column("ab_partner", "col_partner")]
        columns += [Column(d, d) for d in matrix["domains"]] + [Column("no_backup", "col_no_backup")]
        self.res_matrix = DataTable(columns, rows=results.matrix_table(matrix), i18n=self.i18n, key="officer", page_size=20, cls="wb-res-matrix")
        self.res_matrix_box.children = [self.res_matrix.widget]
        return {"summary": summary, "matrix": matrix}

    def _progress_chart(self, days: list[dict]) -> None:
        """Mean score per day (all trainees shown, or the one chosen), as a line: is training working?"""
        import bqplot as bq

        x_values = [d["day"] for d in days] or [""]
        y_values = [round(d["score"] * 100, 1) for d in days] or [0]
        if self.chart is None:
            x, y = bq.OrdinalScale(), bq.LinearScale(min=0, max=100)
            self.chart_line = bq.Lines(x=x_values, y=y_values, scales={"x": x, "y": y}, marker="circle")
            axes = [bq.Axis(scale=x, tick_rotate=-30, tick_style={"font-size": "9px"}), bq.Axis(scale=y, side="left", label="%")]
            self.chart = bq.Figure(marks=[self.chart_line], axes=axes, layout=widgets.Layout(width="100%", height="260px"),
                                   fig_margin={"top": 30, "bottom": 50, "left": 50, "right": 20})
            self.chart.add_class("wb-res-progress-chart")
            self.res_chart.children = [self.chart]
        with self.chart_line.hold_sync():
            self.chart_line.x = x_values
            self.chart_line.y = y_values
        self.chart.title = self.i18n.t("h_progress")

    def export(self) -> Path:
        folder = settings().exports()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"training-results-{dt.datetime.now():%Y%m%d-%H%M%S}.xlsx"
        self.progress.start(1, "working")
        try:
            results.export_xlsx(path, exercise_id=self.res_exercise.value, cohort=self.res_cohort.value.strip() or None,
                                department=self.res_department.value, url=self.url, bank=self.bank)
        finally:
            self.progress.done()
        data = base64.b64encode(path.read_bytes()).decode()
        self.res_download.value = (f'<a class="wb-res-download-link" download="{path.name}" '
                                   f'href="data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,{data}">'
                                   f"{html.escape(self.i18n.t('download'))} {html.escape(path.name)}</a>")
        self.status.ok(self.i18n.t("exported", path=path.name))
        return path

    # ================================================================== authoring
    def _author_tab(self) -> widgets.Widget:
        t = self.i18n
        self.au_source = t.bind(widgets.ToggleButtons(), "description", "source")
        t.bind_options(self.au_source, [("src_new", "new"), ("src_case", "case"), ("src_report", "report")])
        self.au_source.add_class("wb-au-source")
        self.au_record = t.bind(widgets.Dropdown(layout=widgets.Layout(width="520px")), "description", "record")
        self.au_record.add_class("wb-au-record")
        self.au_record.options, self.au_record.disabled = [("—", None)], True
        self.au_source.observe(lambda ch: self._cb(self._author_records)() if not self.i18n.switching else None, names="value")
        load = self._button("load", "wb-au-load", self.author_load)
        self.au_id = t.bind(widgets.Text(value="my-scenario-1", layout=widgets.Layout(width="420px")), "description", "sc_id")
        self.au_id.add_class("wb-au-id")
        self.au_title_zh = t.bind(widgets.Text(layout=widgets.Layout(width="620px")), "description", "title_zh")
        self.au_title_en = t.bind(widgets.Text(layout=widgets.Layout(width="620px")), "description", "title_en")
        self.au_narr_zh = t.bind(widgets.Textarea(layout=widgets.Layout(width="620px", height="70px")), "description", "narrative_zh")
        self.au_narr_en = t.bind(widgets.Textarea(layout=widgets.Layout(width="620px", height="70px")), "description", "narrative_en")
        for w, cls in ((self.au_title_zh, "wb-au-title-zh"), (self.au_title_en, "wb-au-title-en"), (self.au_narr_zh, "wb-au-narr-zh"), (self.au_narr_en, "wb-au-narr-en")):
            w.add_class(cls)
        self.au_input = t.bind(widgets.Textarea(value=AUTHOR_TEMPLATE, layout=widgets.Layout(width="620px", height="220px")), "description", "input_yaml")
        self.au_input.add_class("wb-au-input")
        self.au_questions = t.bind(widgets.SelectMultiple(options=list(QUESTIONS), value=("penalize", "level", "fine", "basis"), rows=11), "description", "questions")
        self.au_questions.add_class("wb-au-questions")
        self.au_department = t.bind(widgets.Dropdown(options=sorted(self.engine.rulebook.departments), value="urban_management"), "description", "department")
        self.au_difficulty = t.bind(widgets.Dropdown(options=list(DIFFICULTIES), value="medium"), "description", "difficulty")
        self.au_articles = t.bind(widgets.Text(layout=widgets.Layout(width="620px")), "description", "articles")
        self.au_topics = t.bind(widgets.Text(layout=widgets.Layout(width="620px")), "description", "topics")
        preview = self._button("do_preview", "wb-au-preview", self.author_preview_answer, "info")
        save = self._button("save", "wb-au-save", self.author_save, "success")
        self.au_result = widgets.HTML()
        self.au_result.add_class("wb-au-result")
        return widgets.VBox([
            self.au_source, widgets.HBox([self.au_record, load]), self.au_id, self.au_title_zh, self.au_title_en,
            self.au_narr_zh, self.au_narr_en, self.au_input, widgets.HBox([self.au_questions, widgets.VBox([self.au_department, self.au_difficulty])]),
            self.au_articles, self.au_topics, widgets.HBox([preview, save]), self.au_result,
        ])

    def _author_records(self) -> None:
        source = self.au_source.value
        if source == "case":
            options = authoring.stored_case_numbers(url=self.url)
        elif source == "report":
            options = authoring.stored_report_numbers(url=self.url)
        else:
            options = []
        self.au_record.options = [(label_, number) for number, label_ in options] or [("—", None)]
        self.au_record.value = options[0][0] if options else None
        self.au_record.disabled = source == "new"

    def author_load(self) -> dict:
        number = self.au_record.value
        if self.au_source.value == "new" or number is None:
            draft = {"id": self.au_id.value, "case": YAML(typ="safe").load(AUTHOR_TEMPLATE)["case"], "questions": ["penalize", "level", "fine", "basis"],
                     "title": {"zh": "", "en": ""}, "narrative": {"zh": "", "en": ""}, "tags": {"department": "urban_management", "difficulty": "medium"}}
        elif self.au_source.value == "case":
            draft = authoring.draft_from_case_file(number, url=self.url)
        else:
            draft = authoring.draft_from_report(number, url=self.url)
        self._author_fill(draft)
        self.status.ok(self.i18n.t("loaded"))
        return draft

    def _author_fill(self, draft: dict) -> None:
        self.au_id.value = draft["id"]
        self.au_title_zh.value = draft["title"].get("zh", "")
        self.au_title_en.value = draft["title"].get("en", "")
        self.au_narr_zh.value = draft["narrative"].get("zh", "")
        self.au_narr_en.value = draft["narrative"].get("en", "")
        engine_input = {k: draft[k] for k in ("case", "report") if draft.get(k)}
        self.au_input.value = _yaml_text(engine_input)
        self.au_questions.value = tuple(q for q in draft.get("questions", []) if q in QUESTIONS)
        tags = draft.get("tags", {})
        if tags.get("department") in self.au_department.options:
            self.au_department.value = tags["department"]
        self.au_difficulty.value = tags.get("difficulty", "medium")
        self.au_articles.value = ", ".join(tags.get("articles", []))
        self.au_topics.value = ", ".join(tags.get("topics", []))

    def author_draft(self) -> dict:
        try:
            engine_input = YAML(typ="safe").load(self.au_input.value) or {}
        except Exception as exc:  # noqa: BLE001 - any YAML error is the author's to fix
            raise InputError(self.i18n.t("input_yaml"), self.i18n.t("bad_yaml", error=str(exc).splitlines()[0])) from None
        if not isinstance(engine_input, dict):
            raise InputError(self.i18n.t("input_yaml"), "case: {...} and/or report: {...}")
        engine_input = json.loads(json.dumps(engine_input, default=str))
        tags: dict[str, Any] = {"department": self.au_department.value, "difficulty": self.au_difficulty.value,
                                "articles": _split(self.au_articles.value), "topics": _split(self.au_topics.value)}
        if isinstance(engine_input.get("case"), dict) and engine_input["case"].get("violation"):
            tags["violation"] = engine_input["case"]["violation"]
        if isinstance(engine_input.get("report"), dict) and engine_input["report"].get("category"):
            tags["category"] = engine_input["report"]["category"]
        draft = {"id": self.au_id.value.strip(), "title": {"zh": self.au_title_zh.value, "en": self.au_title_en.value},
                 "narrative": {"zh": self.au_narr_zh.value, "en": self.au_narr_en.value},
                 "questions": list(self.au_questions.value), "tags": tags}
        draft.update({k: v for k, v in engine_input.items()})
        return draft

    def author_preview_answer(self):
        scenario, expected = authoring.preview(self.author_draft())
        self.author_preview = (scenario, expected)
        self.au_result.value = self._preview_html(scenario, expected)
        return expected

    def author_save(self) -> Path:
        path = authoring.save(self.author_draft(), self.scenarios_dir)
        self.bank, self.bank_problems = read_bank(self.scenarios_dir)
        self.pick.options = self._scenario_options()
        self.status.ok(self.i18n.t("saved", path=path.name))
        return path


class _Checks:
    """A labelled list of checkboxes (multiple choice) with a ``value`` like SelectMultiple's."""

    def __init__(self, options: list[str], title: str):
        self.boxes = []
        for option in options:
            box = widgets.Checkbox(value=False, description=option, indent=False, layout=widgets.Layout(width="auto"))
            box.add_class("wb-check")
            self.boxes.append(box)
        self.title = widgets.HTML(f"<b>{html.escape(title)}</b>")
        self.box = widgets.VBox([self.title] + self.boxes)

    @property
    def value(self) -> tuple:
        return tuple(b.description for b in self.boxes if b.value)

    @value.setter
    def value(self, chosen) -> None:
        for b in self.boxes:
            b.value = b.description in set(chosen or ())


def _pct(score: float | None) -> str:
    return "—" if score is None else f"{round(score * 100)}%"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _yaml_text(data: Any) -> str:
    import io

    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


__all__ = ["app", "build", "TrainingRoom", "SEVERITY_NAMES", "PROCEDURE_NAMES"]
