"""The triage console (分拨处置台) for the joint enforcement platform staff.

``app()`` returns the widget; ``TriageConsole`` holds every part so tests can
drive it without a browser (set ``.value``, call ``.click()``). It calls the
triage service only (workbench/triage.py): no SQL, no rule evaluated here.

Tabs: intake (form + the engine's classification with its basis and rules
version), queue (filters, table, the selected report's detail, history and
actions), overdue (督办), overrides (where staff and the rules disagree),
dashboard (bqplot, renders offline).

Stable classes for tests: wb-triage, wb-intake, wb-source, wb-category,
wb-received-at, wb-community, wb-address, wb-key-road, wb-people,
wb-flag-<flag>, wb-description, wb-submit, wb-classification, wb-queue,
wb-report-detail, wb-history, wb-actions, wb-note, wb-dispatch, wb-support,
wb-support-dept, wb-joint, wb-joint-lead, wb-joint-members, wb-escalate,
wb-feedback, wb-feedback-done, wb-verify-pass, wb-verify-fail,
wb-reclassify, wb-override, wb-override-reason, wb-overdue,
wb-overrides, wb-dashboard, wb-refresh, wb-operator, wb-tabs, wb-filter-source,
wb-filter-severity, wb-filter-department, wb-filter-status, wb-filter-text, wb-filter-overdue.
After a language switch the root gets wb-lang-<lang> last (see workbench.ui.common).

Refusals of the service (a missing override reason, an action in the wrong
status, a report changed by another desk) carry a message key
(``workbench.triage.message_of``); the console shows them in its language, in
the "无法完成：… / Cannot do that: …" frame, and again in the other language
after a switch. The service's messages (and its status and severity names) are
part of this console's messages.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as widgets

from workbench import triage as service
from workbench.errors import InputError, WorkbenchError
from workbench.rulebook.model import REPORT_FLAGS, REPORT_SOURCES
from workbench.store.models import REPORT_STATUSES
from workbench.ui import common as ui_common
from workbench.ui.common import (
    Column, DataTable, I18n, MessageKey, StatusBar, app_shell, label, safe_callback, store_problem, wait_for_voila_request,
)

MESSAGES: dict[str, dict[str, str]] = {
    **service.MESSAGES,  # refusals, status (st_*) and severity (sev_*) names: one source for service and console
    "title": {"zh": "分拨处置台", "en": "Triage console 分拨处置台"},
    "operator": {"zh": "值班员", "en": "Operator 值班员"},
    "operator_hint": {"zh": "姓名或工号", "en": "name or staff number"},
    "tab_intake": {"zh": "受理登记", "en": "Intake 受理"},
    "tab_queue": {"zh": "事件队列", "en": "Queue 事件队列"},
    "tab_overdue": {"zh": "超期督办", "en": "Overdue 督办"},
    "tab_overrides": {"zh": "人工改判", "en": "Overrides 人工改判"},
    "tab_dashboard": {"zh": "统计", "en": "Dashboard 统计"},
    "source": {"zh": "来源", "en": "Source 来源"},
    "category": {"zh": "事件类别", "en": "Category 事件类别"},
    "received_at": {"zh": "受理时间", "en": "Received 受理时间"},
    "received_hint": {"zh": "留空为现在，如 2026-05-01 09:30", "en": "empty = now, e.g. 2026-05-01 09:30"},
    "community": {"zh": "社区", "en": "Community 社区"},
    "address": {"zh": "地点", "en": "Address 地点"},
    "key_road": {"zh": "重点路段", "en": "Key road 重点路段"},
    "people_affected": {"zh": "影响人数", "en": "People affected 影响人数"},
    "flags": {"zh": "情形", "en": "Circumstances 情形"},
    "description": {"zh": "事件描述", "en": "Description 事件描述"},
    "submit": {"zh": "登记并定级", "en": "File and classify 登记定级"},
    "refresh": {"zh": "刷新", "en": "Refresh 刷新"},
    "filed_ok": {"zh": "已登记 {number}，规则引擎已定级。", "en": "Filed {number}; the rule engine classified it."},
    "filed_unclassified": {
        "zh": "已登记并保存 {number}，但{problem}",
        "en": "Filed and kept {number}, but {problem}",
    },
    "no_classification": {"zh": "尚未定级", "en": "Not classified 尚未定级"},
    "kept_unclassified": {
        "zh": "该事件已保存但未定级。原因：{problem}。可修正规则后点击“重新定级”，或人工改判。",
        "en": "This report is kept but not classified. Why: {problem}. Fix the rules and press Reclassify, or override.",
    },
    "severity": {"zh": "严重程度", "en": "Severity 严重程度"},
    "lead": {"zh": "主办部门", "en": "Lead department 主办部门"},
    "assist": {"zh": "协办部门", "en": "Assisting 协办部门"},
    "coordination_level": {"zh": "协调级别", "en": "Coordination level 协调级别"},
    "escalate_to": {"zh": "上报", "en": "Escalate to 上报"},
    "deadline": {"zh": "处置时限", "en": "Deadline 处置时限"},
    "deadline_value": {"zh": "{due}（{hours} 小时内）", "en": "{due} (within {hours} h)"},
    "basis": {"zh": "依据", "en": "Basis 依据"},
    "rules_version": {"zh": "规则版本", "en": "Rules version 规则版本"},
    "trace": {"zh": "规则命中记录", "en": "Rule trace 规则命中记录"},
    "overridden_note": {
        "zh": "已人工改判（{who}）：{reason}。规则引擎原结论：{engine}",
        "en": "Overridden by staff ({who}): {reason}. The engine said: {engine}",
    },
    "level_1": {"zh": "1 级 部门协助", "en": "1 support 部门协助"},
    "level_2": {"zh": "2 级 联合执法", "en": "2 joint action 联合执法"},
    "level_3": {"zh": "3 级 社区协调/县级", "en": "3 community/county 社区协调"},
    "src_camera": {"zh": "视频监控", "en": "Camera 视频监控"},
    "src_hotline": {"zh": "12345 热线", "en": "12345 hotline 热线"},
    "src_call_centre": {"zh": "呼叫中心", "en": "Call centre 呼叫中心"},
    "src_patrol": {"zh": "日常巡查", "en": "Patrol 巡查"},
    "src_joint_patrol": {"zh": "联合巡查", "en": "Joint patrol 联合巡查"},
    "src_media": {"zh": "媒体", "en": "Media 媒体"},
    "src_leader": {"zh": "领导交办", "en": "Leader's assignment 领导交办"},
    "flag_casualties": {"zh": "有人员伤亡", "en": "Casualties 人员伤亡"},
    "flag_mass_gathering": {"zh": "群体性聚集", "en": "Mass gathering 群体性聚集"},
    "flag_public_safety_hazard": {"zh": "危害公共安全", "en": "Public-safety hazard 危害公共安全"},
    "flag_media_attention": {"zh": "媒体关注", "en": "Media attention 媒体关注"},
    "flag_sensitive": {"zh": "敏感事件", "en": "Sensitive 敏感事件"},
    "flag_repeat_complaint": {"zh": "重复投诉", "en": "Repeat complaint 重复投诉"},
    "flag_multi_department": {"zh": "需多部门处置", "en": "Needs several departments 多部门"},
    "any": {"zh": "（全部）", "en": "(any)"},
    "open": {"zh": "未结（全部在办）", "en": "Open (all in progress)"},
    "all_statuses": {"zh": "全部含已结", "en": "All, incl. closed"},
    "status": {"zh": "状态", "en": "Status 状态"},
    "department": {"zh": "部门", "en": "Department 部门"},
    "overdue_only": {"zh": "仅超期", "en": "Overdue only 仅超期"},
    "search": {"zh": "查找", "en": "Find 查找"},
    "search_hint": {"zh": "编号、社区、地点或描述", "en": "number, community, address or text"},
    "col_number": {"zh": "编号", "en": "Number 编号"},
    "col_received": {"zh": "受理时间", "en": "Received 受理"},
    "col_category": {"zh": "类别", "en": "Category 类别"},
    "col_severity": {"zh": "等级", "en": "Severity 等级"},
    "col_lead": {"zh": "主办", "en": "Lead 主办"},
    "col_assigned": {"zh": "承办", "en": "Handling 承办"},
    "col_level": {"zh": "级别", "en": "Level 级别"},
    "col_status": {"zh": "状态", "en": "Status 状态"},
    "col_due": {"zh": "时限", "en": "Due 时限"},
    "col_overdue": {"zh": "超期(小时)", "en": "Overdue (h) 超期"},
    "col_overridden": {"zh": "改判", "en": "Overridden 改判"},
    "col_count": {"zh": "超期件数", "en": "Overdue reports 件数"},
    "col_max_overdue": {"zh": "最长超期(小时)", "en": "Longest (h) 最长"},
    "col_total_overdue": {"zh": "累计超期(小时)", "en": "Total (h) 累计"},
    "col_at": {"zh": "时间", "en": "Time 时间"},
    "col_who": {"zh": "操作人", "en": "By 操作人"},
    "col_action": {"zh": "操作", "en": "Action 操作"},
    "col_from": {"zh": "原状态", "en": "From 原状态"},
    "col_to": {"zh": "新状态", "en": "To 新状态"},
    "col_note": {"zh": "说明", "en": "Note 说明"},
    "col_reason": {"zh": "改判理由", "en": "Reason 理由"},
    "col_changed": {"zh": "改动", "en": "Changed 改动"},
    "select_report": {"zh": "请选择一个事件", "en": "Select a report 请选择事件"},
    "history": {"zh": "处置记录", "en": "History 处置记录"},
    "actions": {"zh": "处置操作", "en": "Actions 处置操作"},
    "note": {"zh": "备注", "en": "Note 备注"},
    "dispatch": {"zh": "派遣至主办部门", "en": "Dispatch to lead 派遣"},
    "dispatch_to": {"zh": "派遣至", "en": "Dispatch to 派遣至"},
    "support": {"zh": "请求协助（1级）", "en": "Request support (1) 请求协助"},
    "joint": {"zh": "发起联合执法（2级）", "en": "Open joint action (2) 联合执法"},
    "joint_lead": {"zh": "牵头部门", "en": "Joint lead 牵头"},
    "joint_members": {"zh": "参与部门", "en": "Members 参与部门"},
    "escalate": {"zh": "上报社区和县领导（3级）", "en": "Escalate to community and county leaders (3) 上报"},
    "feedback": {"zh": "登记处置反馈", "en": "Record feedback 处置反馈"},
    "feedback_text": {"zh": "处置情况", "en": "What was done 处置情况"},
    "feedback_done": {"zh": "已处置完毕，提请核查", "en": "Done: send for verification 提请核查"},
    "verify_pass": {"zh": "核查通过并结案", "en": "Verified: close 核查结案"},
    "verify_fail": {"zh": "核查不通过，退回", "en": "Not accepted: send back 退回"},
    "reclassify": {"zh": "重新定级", "en": "Reclassify 重新定级"},
    "override": {"zh": "人工改判", "en": "Override 人工改判"},
    "override_reason": {"zh": "改判理由（必填）", "en": "Reason (required) 理由"},
    "override_hours": {"zh": "时限(小时)", "en": "Hours 时限"},
    "keep": {"zh": "（不变）", "en": "(keep)"},
    "done_action": {"zh": "{number}：{action} 完成", "en": "{number}: {action} done"},
    "act_receive": {"zh": "受理", "en": "received 受理"},
    "act_classify": {"zh": "规则定级", "en": "classified 定级"},
    "act_classify_failed": {"zh": "定级失败", "en": "classification failed 定级失败"},
    "act_dispatch": {"zh": "派遣", "en": "dispatched 派遣"},
    "act_support": {"zh": "请求协助", "en": "support requested 协助"},
    "act_joint": {"zh": "联合执法", "en": "joint action 联合执法"},
    "act_escalate": {"zh": "上报", "en": "escalated 上报"},
    "act_feedback": {"zh": "处置反馈", "en": "feedback 反馈"},
    "act_verify": {"zh": "核查", "en": "verified 核查"},
    "act_close": {"zh": "结案", "en": "closed 结案"},
    "act_return": {"zh": "退回", "en": "sent back 退回"},
    "act_override": {"zh": "人工改判", "en": "overridden 改判"},
    "overdue_by_dept": {"zh": "各部门超期情况", "en": "Overdue by department 各部门超期"},
    "overdue_list": {"zh": "超期事件（按超期时长）", "en": "Overdue reports, longest first 超期事件"},
    "overrides_summary": {
        "zh": "共 {overrides} 次改判，涉及 {reports} 件事件。按类别：{by_category}；按字段：{by_field}",
        "en": "{overrides} overrides on {reports} reports. By category: {by_category}; by field: {by_field}",
    },
    "dash_by": {"zh": "分组", "en": "Group by 分组"},
    "dash_days": {"zh": "天数", "en": "Days 天数"},
    "dash_source": {"zh": "按来源", "en": "By source 来源"},
    "dash_severity": {"zh": "按严重程度", "en": "By severity 严重程度"},
    "dash_department": {"zh": "按主办部门", "en": "By lead department 主办部门"},
    "dash_title": {"zh": "每日受理事件数", "en": "Reports received per day 每日受理"},
    "dash_total": {"zh": "合计 {count} 件", "en": "{count} reports in total"},
    "unclassified": {"zh": "未定级", "en": "Unclassified 未定级"},
}


def app(url: str | None = None, lang: str | None = None) -> widgets.Widget:
    """The console, ready to display (in a notebook: the cell's last expression)."""
    return TriageConsole(url=url, lang=lang).widget


class TriageConsole:
    """All widgets of the console; tests drive them directly."""

    def __init__(self, url: str | None = None, lang: str | None = None, engine=None, clock=None):
        self.url = url
        self.engine = engine
        self.clock = clock or service.now
        self.i18n = I18n(MESSAGES, lang=lang)
        self.status = StatusBar(self.i18n)
        self.current_id: int | None = None
        self.current_version: int | None = None  # the version shown: an action on a changed report is refused
        self.last_intake: service.IntakeResult | None = None
        self._category_names = service.categories(engine)
        self._departments: dict[str, tuple[str, str]] = {}

        self.operator = widgets.Text(value="", layout=widgets.Layout(width="260px"))
        self.operator.add_class("wb-operator")
        self.i18n.bind(self.operator, "description", "operator")
        self.i18n.bind(self.operator, "placeholder", "operator_hint")

        self._build_intake()
        self._build_queue()
        # the last three tabs are built when first opened: fewer widgets for the browser to draw at start
        self.overdue_box, self.overrides_box, self.dashboard_box = widgets.VBox(), widgets.VBox(), widgets.VBox()
        self.overdue_box.add_class("wb-overdue")
        self.overrides_box.add_class("wb-overrides")
        self.dashboard_box.add_class("wb-dashboard")
        self._built: set[int] = {0, 1}
        self.figure = None

        self.tabs = widgets.Tab(children=[self.intake_box, self.queue_box, self.overdue_box, self.overrides_box, self.dashboard_box])
        self.tabs.add_class("wb-tabs")
        self.tab_keys = ["tab_intake", "tab_queue", "tab_overdue", "tab_overrides", "tab_dashboard"]
        self._title_tabs()
        self.i18n.on_change(lambda _l: self._title_tabs())
        self.i18n.on_change(lambda _l: self._relabel_all())
        self.tabs.observe(self._cb(self._tab_changed), names="selected_index")

        _label_width(self.intake_box, "170px")
        _label_width(self.actions_box, "150px")
        _label_width(self.queue_box.children[0], "110px")
        body = widgets.VBox([self.operator, self.tabs])
        self.widget = app_shell(self.i18n, "title", body, self.status, cls="wb-triage")

        wait_for_voila_request()  # preheated kernel: load data when a user opens the page, not at preheat
        self.problem = store_problem(url, ("report", "report_event", "department"))
        if self.problem:
            self.status.say("error", "no_database", problem=self.problem)
            for box in (self.intake_box, self.queue_box):
                _disable_all(box)
            return
        self._departments = service.departments(url)
        self._fill_department_options()
        self.refresh_all()

    # ------------------------------------------------------------------ helpers
    def _cb(self, fn):
        def shown(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except WorkbenchError as exc:
                message = service.message_of(exc)
                if message is None:
                    raise  # safe_callback shows it with its own text
                ui_common._setup_logging()
                ui_common.log.warning("%s: %s", getattr(fn, "__qualname__", fn), exc)
                self.status.say("error", "error_input", message=self.localized(message))
                return None

        shown.__name__ = getattr(fn, "__name__", "callback")
        return safe_callback(shown, self.status, self.i18n)

    def localized(self, message: service.Message | None) -> "Localized":
        """A service message as a StatusBar.say value: rendered in the language current when shown."""
        return Localized(self.i18n, message)

    def who(self) -> str:
        return self.operator.value.strip() or "staff"

    def dept_name(self, code: str | None) -> str:
        if not code:
            return ""
        zh, en = self._departments.get(code) or (code, code)
        if self.i18n.lang == "zh":
            return zh
        short = zh.split("（")[0]
        return f"{en} {short}"

    def category_name(self, code: str | None) -> str:
        if not code:
            return ""
        zh, en = self._category_names.get(code, (code, code))
        return zh if self.i18n.lang == "zh" else f"{en} {zh}"

    def term(self, prefix: str, code) -> str:
        if code is None or code == "":
            return ""
        return self.i18n.t(f"{prefix}_{code}")

    def _fmt_time(self, value) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else ("" if value is None else str(value))

    # ------------------------------------------------------------------ intake
    def _build_intake(self) -> None:
        i = self.i18n
        wide = widgets.Layout(width="460px")
        self.source = i.bind_options(widgets.Dropdown(layout=wide), [(f"src_{s}", s) for s in REPORT_SOURCES])
        self.source.add_class("wb-source")
        i.bind(self.source, "description", "source")
        self.category = widgets.Dropdown(layout=wide)
        self.category.add_class("wb-category")
        i.bind(self.category, "description", "category")
        self._fill_categories()
        self.received_at = widgets.Text(layout=wide)
        self.received_at.add_class("wb-received-at")
        i.bind(self.received_at, "description", "received_at")
        i.bind(self.received_at, "placeholder", "received_hint")
        self.community = widgets.Text(layout=wide)
        self.community.add_class("wb-community")
        i.bind(self.community, "description", "community")
        self.address = widgets.Text(layout=wide)
        self.address.add_class("wb-address")
        i.bind(self.address, "description", "address")
        self.key_road = widgets.Checkbox(value=False)
        self.key_road.add_class("wb-key-road")
        i.bind(self.key_road, "description", "key_road")
        self.people = widgets.BoundedIntText(value=0, min=0, max=1_000_000, layout=widgets.Layout(width="260px"))
        self.people.add_class("wb-people")
        i.bind(self.people, "description", "people_affected")
        self.flag_boxes: dict[str, widgets.Checkbox] = {}
        for flag in REPORT_FLAGS:
            box = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="230px"))
            box.add_class(f"wb-flag-{flag}")
            i.bind(box, "description", f"flag_{flag}")
            self.flag_boxes[flag] = box
        flags = widgets.HBox([label(i, "flags", tag="b")] + list(self.flag_boxes.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.description = widgets.Textarea(layout=widgets.Layout(width="460px", height="70px"))
        self.description.add_class("wb-description")
        i.bind(self.description, "description", "description")
        self.submit = widgets.Button(button_style="primary", layout=widgets.Layout(width="220px"))
        self.submit.add_class("wb-submit")
        i.bind(self.submit, "description", "submit")
        self.submit.on_click(self._cb(self.on_submit))
        self.classification = widgets.HTML()
        self.classification.add_class("wb-classification")
        form = widgets.VBox([self.source, self.category, self.received_at, self.community, self.address, self.key_road, self.people, flags, self.description, self.submit])
        form.add_class("wb-intake")
        self.intake_box = widgets.HBox([form, self.classification], layout=widgets.Layout(align_items="flex-start"))
        self.classification.layout = widgets.Layout(width="560px", margin="0 0 0 16px")

    def _fill_categories(self) -> None:
        keep = self.category.value
        self.category.options = [(self.category_name(c), c) for c in self._category_names]
        if keep in self._category_names:
            self.category.value = keep

    def form(self) -> dict:
        received = self.received_at.value.strip()
        if received:
            try:
                received_at: Any = dt.datetime.fromisoformat(received.replace("/", "-"))
            except ValueError:
                raise service.TriageInputError("received_at", "triage_bad_time", value=repr(received)) from None
        else:
            received_at = self.clock()
        return {
            "source": self.source.value,
            "category": self.category.value,
            "received_at": received_at,
            "community": self.community.value,
            "location_text": self.address.value,
            "key_road": self.key_road.value,
            "people_affected": self.people.value,
            "flags": [f for f, box in self.flag_boxes.items() if box.value],
            "description": self.description.value,
        }

    def on_submit(self, _button=None) -> None:
        result = service.intake(self.form(), self.who(), at=self.clock(), url=self.url, engine=self.engine)
        self.last_intake = result
        self.current_id = result.report_id
        self.classification.value = self.render_classification(result.report_id)
        self._reset_form()
        self.refresh_all()
        self._select_current()
        if result.classified:
            self.status.say("ok", "filed_ok", number=result.number)
        else:
            self.status.say("info", "filed_unclassified", number=result.number, problem=self.localized(result.message))

    def _reset_form(self) -> None:
        self.received_at.value = ""
        self.community.value = ""
        self.address.value = ""
        self.key_road.value = False
        self.people.value = 0
        self.description.value = ""
        for box in self.flag_boxes.values():
            box.value = False

    # ------------------------------------------------------------------ classification card
    def render_classification(self, report_id: int | None) -> str:
        if report_id is None:
            return ""
        r = service.get_report(report_id, self.url)
        t = self.i18n.t
        head = f'<div class="wb-card wb-report" data-report="{html.escape(r.number)}"><b>{html.escape(r.number)}</b> · {html.escape(self.category_name(r.category))} · {html.escape(self.term("st", r.status))}'
        if r.severity is None:
            problem = str(self.localized(service.problem_message(report_id, self.url)))
            return (f'{head}<div class="wb-unclassified"><b>{html.escape(t("no_classification"))}</b><br>'
                    f'{html.escape(t("kept_unclassified", problem=problem))}</div></div>')
        rows = [
            ("severity", f'<span class="wb-severity wb-sev-{html.escape(r.severity)}">{html.escape(self.term("sev", r.severity))}</span>'),
            ("lead", html.escape(self.dept_name(r.lead))),
            ("assist", html.escape("、".join(self.dept_name(a) for a in r.assist or []) or "—")),
            ("coordination_level", html.escape(self.term("level", r.coordination_level))),
            ("escalate_to", html.escape("、".join(self.dept_name(a) for a in r.escalate_to or []) or "—")),
            ("deadline", html.escape(t("deadline_value", due=self._fmt_time(r.due_at), hours=_num(r.handle_within_hours)))),
        ]
        table = "".join(f'<tr class="wb-field-{k}"><th>{html.escape(t(k))}</th><td>{v}</td></tr>' for k, v in rows)
        basis = "".join(f"<li>{html.escape(b)}</li>" for b in r.basis or [])
        trace = "".join(
            f"<li><code>{html.escape(str(step.get('rule', '')))}</code> {html.escape(str(step.get('why', '')))} "
            f"<span class='wb-where'>{html.escape(str(step.get('where', '')))}</span></li>"
            for step in r.trace or []
        )
        override = ""
        if r.overridden:
            engine = r.classification_by_engine or {}
            said = f"{self.term('sev', engine.get('severity'))} · {self.dept_name(engine.get('lead'))} · {self.term('level', engine.get('coordination_level'))}"
            override = f'<div class="wb-overridden">{html.escape(t("overridden_note", who=r.override_by or "", reason=r.override_reason or "", engine=said))}</div>'
        return (
            f"{head}{override}<table class='wb-table-grid wb-classification-table'>{table}</table>"
            f"<div class='wb-basis'><b>{html.escape(t('basis'))}</b><ul>{basis}</ul></div>"
            f"<div class='wb-rules-version'>{html.escape(t('rules_version'))}: <code>{html.escape(r.rules_version or '')}</code></div>"
            f"<details class='wb-trace'><summary>{html.escape(t('trace'))}</summary><ul>{trace}</ul></details></div>"
        )

    # ------------------------------------------------------------------ queue
    def _build_queue(self) -> None:
        i = self.i18n
        self.f_source = i.bind_options(widgets.Dropdown(), [("any", None)] + [(f"src_{s}", s) for s in REPORT_SOURCES])
        i.bind(self.f_source, "description", "source")
        self.f_severity = i.bind_options(widgets.Dropdown(), [("any", None)] + [(f"sev_{s}", s) for s in service.SEVERITIES])
        i.bind(self.f_severity, "description", "severity")
        self.f_department = widgets.Dropdown(options=[("—", None)], layout=widgets.Layout(width="360px"))
        i.bind(self.f_department, "description", "department")
        self.f_status = i.bind_options(widgets.Dropdown(), [("open", "open"), ("all_statuses", None)] + [(f"st_{s}", s) for s in REPORT_STATUSES])
        i.bind(self.f_status, "description", "status")
        self.f_text = widgets.Text(continuous_update=False, layout=widgets.Layout(width="300px"))
        i.bind(self.f_text, "description", "search")
        i.bind(self.f_text, "placeholder", "search_hint")
        self.f_overdue = widgets.Checkbox(value=False)
        i.bind(self.f_overdue, "description", "overdue_only")
        for w, cls in ((self.f_source, "wb-filter-source"), (self.f_severity, "wb-filter-severity"), (self.f_department, "wb-filter-department"), (self.f_status, "wb-filter-status"), (self.f_overdue, "wb-filter-overdue"), (self.f_text, "wb-filter-text")):
            w.add_class(cls)
            w.observe(self._cb(self._filters_changed), names="value")
        self.refresh_button = widgets.Button(layout=widgets.Layout(width="120px"))
        self.refresh_button.add_class("wb-refresh")
        i.bind(self.refresh_button, "description", "refresh")
        self.refresh_button.on_click(self._cb(lambda _b: self.refresh_all()))

        self.queue_table = DataTable(
            [
                Column("number", "col_number"),
                Column("received_at", "col_received", fmt=self._fmt_time),
                Column("category", "col_category", fmt=self.category_name),
                Column("severity", "col_severity", fmt=self._severity_cell, html=True),
                Column("lead", "col_lead", fmt=self.dept_name),
                Column("assigned_to", "col_assigned", fmt=self.dept_name),
                Column("coordination_level", "col_level"),
                Column("status", "col_status", fmt=lambda v: self.term("st", v)),
                Column("due_at", "col_due", fmt=self._fmt_time),
                Column("overdue_hours", "col_overdue", fmt=lambda v: "" if not v else _num(v)),
                Column("overridden", "col_overridden", fmt=lambda v: self.i18n.t("yes") if v else ""),
            ],
            i18n=i, page_size=12, key="id", selectable=True,
            select_label=lambda r: f"{r['number']} · {self.category_name(r['category'])} · {self.term('st', r['status'])}",
            cls="wb-queue",
        )
        self.queue_table.on_select(self._cb(self._report_selected))

        self.detail = widgets.HTML()
        self.detail.add_class("wb-report-detail")
        self.history_table = DataTable(
            [
                Column("at", "col_at", fmt=self._fmt_time, sortable=False),
                Column("who", "col_who", sortable=False),
                Column("action", "col_action", fmt=lambda v: self.i18n.t(f"act_{v}"), sortable=False),
                Column("from_status", "col_from", fmt=lambda v: self.term("st", v), sortable=False),
                Column("to_status", "col_to", fmt=lambda v: self.term("st", v), sortable=False),
                Column("note", "col_note", sortable=False),
            ],
            i18n=i, page_size=50, key="at", cls="wb-history",
        )
        self.history_label = label(i, "history", tag="b")
        self._build_actions()
        filters = widgets.HBox([self.f_source, self.f_severity, self.f_department, self.f_status, self.f_text, self.f_overdue, self.refresh_button], layout=widgets.Layout(flex_flow="row wrap"))
        filters.add_class("wb-filters")
        detail_box = widgets.VBox([self.detail, self.history_label, self.history_table.widget], layout=widgets.Layout(width="55%"))
        self.queue_box = widgets.VBox([filters, self.queue_table.widget, widgets.HBox([detail_box, self.actions_box], layout=widgets.Layout(align_items="flex-start"))])

    def _severity_cell(self, value) -> str:
        if not value:
            return f'<span class="wb-unclassified">{html.escape(self.i18n.t("unclassified"))}</span>'
        return f'<span class="wb-sev-{html.escape(value)}">{html.escape(self.term("sev", value))}</span>'

    def _build_actions(self) -> None:
        i = self.i18n
        w = widgets.Layout(width="330px")

        def button(key, cls, style=""):
            b = widgets.Button(button_style=style, layout=widgets.Layout(width="330px"))
            b.add_class(cls)
            i.bind(b, "description", key)
            return b

        self.note = widgets.Text(layout=w)
        self.note.add_class("wb-note")
        i.bind(self.note, "description", "note")
        self.dispatch_dept = widgets.Dropdown(layout=w)
        self.dispatch_dept.add_class("wb-dispatch-dept")
        i.bind(self.dispatch_dept, "description", "dispatch_to")
        self.dispatch_button = button("dispatch", "wb-dispatch", "primary")
        self.support_dept = widgets.Dropdown(layout=w)
        self.support_dept.add_class("wb-support-dept")
        i.bind(self.support_dept, "description", "department")
        self.support_button = button("support", "wb-support")
        self.joint_lead = widgets.Dropdown(layout=w)
        self.joint_lead.add_class("wb-joint-lead")
        i.bind(self.joint_lead, "description", "joint_lead")
        self.joint_members = widgets.SelectMultiple(layout=widgets.Layout(width="330px", height="90px"))
        self.joint_members.add_class("wb-joint-members")
        i.bind(self.joint_members, "description", "joint_members")
        self.joint_button = button("joint", "wb-joint")
        self.escalate_button = button("escalate", "wb-escalate", "danger")
        self.feedback_text = widgets.Textarea(layout=widgets.Layout(width="330px", height="60px"))
        self.feedback_text.add_class("wb-feedback-text")
        i.bind(self.feedback_text, "description", "feedback_text")
        self.feedback_done = widgets.Checkbox(value=True)
        self.feedback_done.add_class("wb-feedback-done")
        i.bind(self.feedback_done, "description", "feedback_done")
        self.feedback_button = button("feedback", "wb-feedback")
        self.verify_pass_button = button("verify_pass", "wb-verify-pass", "success")
        self.verify_fail_button = button("verify_fail", "wb-verify-fail", "warning")
        self.reclassify_button = button("reclassify", "wb-reclassify")
        # override
        self.o_severity = i.bind_options(widgets.Dropdown(layout=w), [("keep", None)] + [(f"sev_{s}", s) for s in service.SEVERITIES])
        self.o_severity.add_class("wb-override-severity")
        i.bind(self.o_severity, "description", "severity")
        self.o_lead = widgets.Dropdown(layout=w)
        self.o_lead.add_class("wb-override-lead")
        i.bind(self.o_lead, "description", "lead")
        self.o_level = i.bind_options(widgets.Dropdown(layout=w), [("keep", None), ("level_1", 1), ("level_2", 2), ("level_3", 3)])
        self.o_level.add_class("wb-override-level")
        i.bind(self.o_level, "description", "coordination_level")
        self.o_hours = widgets.FloatText(value=0, layout=widgets.Layout(width="200px"))
        self.o_hours.add_class("wb-override-hours")
        i.bind(self.o_hours, "description", "override_hours")
        self.o_reason = widgets.Textarea(layout=widgets.Layout(width="330px", height="60px"))
        self.o_reason.add_class("wb-override-reason")
        i.bind(self.o_reason, "description", "override_reason")
        self.override_button = button("override", "wb-override")

        for b, fn in (
            (self.dispatch_button, self.on_dispatch), (self.support_button, self.on_support), (self.joint_button, self.on_joint),
            (self.escalate_button, self.on_escalate), (self.feedback_button, self.on_feedback),
            (self.verify_pass_button, lambda _b: self.on_verify(True)), (self.verify_fail_button, lambda _b: self.on_verify(False)),
            (self.reclassify_button, self.on_reclassify), (self.override_button, self.on_override),
        ):
            b.on_click(self._cb(fn))
        section = lambda *children: widgets.VBox(list(children), layout=widgets.Layout(border="1px solid #d0d7de", padding="4px", margin="2px 0"))  # noqa: E731
        self.actions_box = widgets.VBox([
            label(i, "actions", tag="b"), self.note,
            section(self.dispatch_dept, self.dispatch_button),
            section(self.support_dept, self.support_button),
            section(self.joint_lead, self.joint_members, self.joint_button),
            section(self.escalate_button),
            section(self.feedback_text, self.feedback_done, self.feedback_button),
            section(self.verify_pass_button, self.verify_fail_button),
            section(self.o_severity, self.o_lead, self.o_level, self.o_hours, self.o_reason, self.override_button),
            section(self.reclassify_button),
        ], layout=widgets.Layout(width="45%", margin="0 0 0 12px"))
        self.actions_box.add_class("wb-actions")
        self._update_action_buttons(None)

    def _fill_department_options(self) -> None:
        options = [(self.dept_name(c), c) for c in self._departments]
        for dropdown in (self.dispatch_dept, self.support_dept, self.joint_lead):
            keep = dropdown.value
            dropdown.options = options
            if keep in self._departments:
                dropdown.value = keep
            elif options:
                dropdown.index = 0
        keep = self.joint_members.value
        self.joint_members.options = options
        self.joint_members.value = tuple(v for v in keep if v in self._departments)
        keep = self.o_lead.value
        self.o_lead.options = [(self.i18n.t("keep"), None)] + options
        self.o_lead.value = keep if keep in self._departments else None
        keep = self.f_department.value
        self.f_department.options = [(self.i18n.t("any"), None)] + options
        self.f_department.value = keep if keep in self._departments else None

    def _filters_changed(self, _change=None) -> None:
        if self.i18n.switching or self.problem:
            return
        self.refresh_queue()

    def _report_selected(self, key) -> None:
        if key is None:  # the selection left the page (paging, filters): keep the report shown
            return
        self.current_id = key
        self.show_current()

    def _select_current(self) -> None:
        if self.current_id is None:
            return
        try:
            self.queue_table.select(self.current_id)
        except KeyError:  # filtered out: show it anyway
            self.show_current()

    def show_current(self) -> None:
        report = None
        if self.current_id is not None:
            report = service.get_report(self.current_id, self.url)
            self.current_version = report.version
            self.detail.value = self.render_classification(self.current_id)
            events = service.history(self.current_id, self.url)
            for event in events:
                message = service.event_message(event)
                if message is not None:  # a failed classification: its note in the language shown
                    event["note"] = message.render(self.i18n.t)
            self.history_table.set_rows(events)
            target = report.assigned_to or report.lead
            if target in self._departments:
                self.dispatch_dept.value = report.lead if report.lead in self._departments else target
                self.joint_lead.value = target
        else:
            self.detail.value = f'<div class="wb-card">{html.escape(self.i18n.t("select_report"))}</div>'
            self.history_table.set_rows([])
        self._update_action_buttons(report)

    def _update_action_buttons(self, report) -> None:
        status = report.status if report is not None else None
        allowed = lambda action: status in service.ALLOWED_FROM[action]  # noqa: E731
        classified = report is not None and report.severity is not None
        self.dispatch_button.disabled = not (allowed("dispatch") and classified)
        self.support_button.disabled = not allowed("support")
        self.joint_button.disabled = not allowed("joint")
        self.escalate_button.disabled = not allowed("escalate")
        self.feedback_button.disabled = not allowed("feedback")
        self.verify_pass_button.disabled = self.verify_fail_button.disabled = not allowed("verify")
        self.override_button.disabled = not (allowed("override") and classified)
        self.reclassify_button.disabled = not (allowed("reclassify") and report is not None and not report.overridden)

    def _version(self, report_id: int) -> int | None:
        return self.current_version if report_id == self.current_id else None

    def _need_current(self) -> int:
        if self.current_id is None:
            error = InputError("report", f'{self.i18n.t("select_report", lang="zh")} · {self.i18n.t("select_report", lang="en")}')
            error.message = service.Message("select_report")
            raise error
        return self.current_id

    def _after_action(self, action_key: str) -> None:
        report = service.get_report(self._need_current(), self.url)
        self.note.value = ""
        self.refresh_all()
        self._select_current()
        self.show_current()
        # last: the message tells the user (and the browser tests) that the screen is up to date
        self.status.say("ok", "done_action", number=report.number, action=MessageKey(action_key))

    def on_dispatch(self, _b=None) -> None:
        rid = self._need_current()
        service.dispatch(rid, self.who(), department=self.dispatch_dept.value, note=self.note.value or None, at=self.clock(), url=self.url, version=self._version(rid))
        self._after_action("act_dispatch")

    def on_support(self, _b=None) -> None:
        rid = self._need_current()
        service.request_support(rid, self.who(), self.support_dept.value, note=self.note.value or None, at=self.clock(), url=self.url, version=self._version(rid))
        self._after_action("act_support")

    def on_joint(self, _b=None) -> None:
        rid = self._need_current()
        service.open_joint_action(rid, self.who(), self.joint_lead.value, list(self.joint_members.value), note=self.note.value or None, at=self.clock(), url=self.url, version=self._version(rid))
        self._after_action("act_joint")

    def on_escalate(self, _b=None) -> None:
        rid = self._need_current()
        service.escalate(rid, self.who(), note=self.note.value or None, at=self.clock(), url=self.url, version=self._version(rid))
        self._after_action("act_escalate")

    def on_feedback(self, _b=None) -> None:
        rid = self._need_current()
        service.record_feedback(rid, self.who(), self.feedback_text.value, done=self.feedback_done.value, at=self.clock(), url=self.url, version=self._version(rid))
        self.feedback_text.value = ""
        self._after_action("act_feedback")

    def on_verify(self, passed: bool) -> None:
        rid = self._need_current()
        service.verify(rid, self.who(), passed, note=self.note.value or None, at=self.clock(), url=self.url, version=self._version(rid))
        self._after_action("act_close" if passed else "act_return")

    def on_reclassify(self, _b=None) -> None:
        rid = self._need_current()
        result = service.reclassify(rid, self.who(), at=self.clock(), url=self.url, engine=self.engine)
        if result.classified:
            self._after_action("act_classify")
        else:
            self.refresh_all()
            self.show_current()
            self.status.say("info", "filed_unclassified", number=result.number, problem=self.localized(result.message))

    def on_override(self, _b=None) -> None:
        rid = self._need_current()
        changes: dict[str, Any] = {}
        if self.o_severity.value:
            changes["severity"] = self.o_severity.value
        if self.o_lead.value:
            changes["lead"] = self.o_lead.value
        if self.o_level.value:
            changes["coordination_level"] = self.o_level.value
        if self.o_hours.value:
            changes["handle_within_hours"] = self.o_hours.value
        service.override(rid, self.who(), self.o_reason.value, changes, at=self.clock(), url=self.url, version=self._version(rid))
        self.o_reason.value = ""
        self.o_severity.value = None
        self.o_lead.value = None
        self.o_level.value = None
        self.o_hours.value = 0
        self._after_action("act_override")

    # ------------------------------------------------------------------ overdue, overrides
    def _build_overdue(self) -> None:
        i = self.i18n
        self.overdue_dept_table = DataTable(
            [
                Column("department", "col_assigned", fmt=self.dept_name),
                Column("count", "col_count"),
                Column("max_overdue_hours", "col_max_overdue", fmt=_num),
                Column("total_overdue_hours", "col_total_overdue", fmt=_num),
            ],
            i18n=i, page_size=20, key="department", cls="wb-overdue-by-department",
        )
        self.overdue_table = DataTable(
            [
                Column("number", "col_number"),
                Column("department", "col_assigned", fmt=self.dept_name),
                Column("category", "col_category", fmt=self.category_name),
                Column("severity", "col_severity", fmt=self._severity_cell, html=True),
                Column("status", "col_status", fmt=lambda v: self.term("st", v)),
                Column("due_at", "col_due", fmt=self._fmt_time),
                Column("overdue_hours", "col_overdue", fmt=_num),
            ],
            i18n=i, page_size=20, key="id", cls="wb-overdue-list",
        )
        self.overdue_box.children = [
            label(i, "overdue_by_dept", tag="b"), self.overdue_dept_table.widget,
            label(i, "overdue_list", tag="b"), self.overdue_table.widget,
        ]

    def _build_overrides(self) -> None:
        i = self.i18n
        self.overrides_summary = widgets.HTML()
        self.overrides_summary.add_class("wb-overrides-summary")
        self.overrides_table = DataTable(
            [
                Column("number", "col_number"),
                Column("category", "col_category", fmt=self.category_name),
                Column("at", "col_at", fmt=self._fmt_time),
                Column("who", "col_who"),
                Column("reason", "col_reason"),
                Column("changed", "col_changed", fmt=self._changed_text, sortable=False),
                Column("rules_version", "rules_version"),
            ],
            i18n=i, page_size=20, key="at", cls="wb-overrides-list",
        )
        self.overrides_box.children = [self.overrides_summary, self.overrides_table.widget]

    def _changed_text(self, changed: dict) -> str:
        parts = []
        for field, pair in (changed or {}).items():
            engine, staff = pair.get("engine"), pair.get("staff")
            if field == "severity":
                engine, staff = self.term("sev", engine), self.term("sev", staff)
            elif field == "lead":
                engine, staff = self.dept_name(engine), self.dept_name(staff)
            parts.append(f"{self.i18n.t(field)}: {engine} → {staff}")
        return "；".join(parts)

    # ------------------------------------------------------------------ dashboard
    def _build_dashboard(self) -> None:
        i = self.i18n
        self.dash_by = i.bind_options(widgets.Dropdown(), [("dash_source", "source"), ("dash_severity", "severity"), ("dash_department", "department")])
        self.dash_by.add_class("wb-dash-by")
        i.bind(self.dash_by, "description", "dash_by")
        self.dash_days = widgets.Dropdown(options=[("7", 7), ("30", 30), ("90", 90)], value=30)
        self.dash_days.add_class("wb-dash-days")
        i.bind(self.dash_days, "description", "dash_days")
        self.dash_by.observe(self._cb(lambda _c: None if self.i18n.switching or self.problem else self.refresh_dashboard()), names="value")
        self.dash_days.observe(self._cb(lambda _c: None if self.problem else self.refresh_dashboard()), names="value")
        self.dash_total = widgets.HTML()
        self.dash_total.add_class("wb-dash-total")
        self.dash_chart = widgets.Box()
        self.dashboard_box.children = [widgets.HBox([self.dash_by, self.dash_days]), self.dash_total, self.dash_chart]
        self.dashboard_data: dict | None = None

    def refresh_dashboard(self) -> None:
        import bqplot as bq

        data = service.dashboard_data(days=self.dash_days.value, at=self.clock(), url=self.url)
        self.dashboard_data = data
        groups = data["series"][self.dash_by.value]
        keys = sorted(groups, key=lambda k: -sum(groups[k]))
        dates = [d.strftime("%m-%d") for d in data["dates"]]
        labels = [self._series_label(self.dash_by.value, k) for k in keys]
        self.dash_total.value = html.escape(self.i18n.t("dash_total", count=data["count"]))
        if self.figure is None:
            x, y = bq.OrdinalScale(), bq.LinearScale(min=0)
            self.y_scale = y
            self.bars = bq.Bars(x=dates, y=[[0] * len(dates)], scales={"x": x, "y": y}, type="stacked", display_legend=True,
                                labels=[""], colors=PALETTE)
            ax_x = bq.Axis(scale=x, tick_rotate=-45, tick_style={"font-size": "9px"})
            self.y_axis = ax_y = bq.Axis(scale=y, side="left", tick_format="d")
            self.figure = bq.Figure(marks=[self.bars], axes=[ax_x, ax_y], layout=widgets.Layout(width="100%", height="380px"),
                                    legend_location="top-right", fig_margin={"top": 40, "bottom": 60, "left": 50, "right": 20})
            self.figure.add_class("wb-dashboard-chart")
            self.dash_chart.children = [self.figure]
        with self.bars.hold_sync():
            self.bars.x = dates
            self.bars.y = [groups[k] for k in keys] if keys else [[0] * len(dates)]
            self.bars.labels = labels or [""]
            tallest = max((sum(day) for day in zip(*self.bars.y)), default=0)
            step = max(1, -(-tallest // 8))  # whole-number ticks, at most about eight
            self.y_axis.tick_values = list(range(0, tallest + step + 1, step))
            self.y_scale.max = float(tallest * 1.6 + 1)  # headroom: the legend sits above the bars
        self.figure.title = self.i18n.t("dash_title")

    def _series_label(self, dim: str, key: str) -> str:
        if key == "unclassified":
            return self.i18n.t("unclassified")
        if dim == "source":
            return self.term("src", key)
        if dim == "severity":
            return self.term("sev", key)
        return self.dept_name(key)

    # ------------------------------------------------------------------ refresh
    def refresh_all(self) -> None:
        if self.problem:
            return
        self.refresh_queue()
        if 2 in self._built:
            self.refresh_overdue()
        if 3 in self._built:
            self.refresh_overrides()
        if 4 in self._built:
            self.refresh_dashboard()

    def refresh_queue(self) -> None:
        rows = service.queue(
            source=self.f_source.value, severity=self.f_severity.value, department=self.f_department.value,
            status=self.f_status.value, overdue_only=self.f_overdue.value, at=self.clock(), url=self.url, text=self.f_text.value,
        )
        for row in rows:
            row["_class"] = "wb-overdue" if row["overdue_hours"] else ("wb-row-error" if not row["classified"] else "")
        self.queue_table.set_rows(rows)
        if self.current_id is not None:
            self.show_current()

    def refresh_overdue(self) -> None:
        at = self.clock()
        self.overdue_dept_table.set_rows(service.overdue_by_department(at=at, url=self.url))
        self.overdue_table.set_rows(service.overdue(at=at, url=self.url))

    def refresh_overrides(self) -> None:
        stats = service.override_stats(url=self.url)
        by_cat = "、".join(f"{self.category_name(k)} {v}" for k, v in stats["by_category"].items()) or "—"
        by_field = "、".join(f"{self.i18n.t(k)} {v}" for k, v in stats["by_field"].items()) or "—"
        self.overrides_summary.value = html.escape(self.i18n.t("overrides_summary", overrides=stats["overrides"], reports=stats["reports"], by_category=by_cat, by_field=by_field))
        self.overrides_table.set_rows(list(reversed(stats["items"])))
        self.override_stats = stats

    def open_tab(self, index: int, select: bool = True) -> None:
        """Show a tab, building its widgets the first time (tests may call it, or set tabs.selected_index)."""
        if index not in self._built:
            self._built.add(index)
            {2: self._build_overdue, 3: self._build_overrides, 4: self._build_dashboard}[index]()
            _label_width(self.dashboard_box, "110px")
        if select and self.tabs.selected_index != index:
            self.tabs.selected_index = index

    def _tab_changed(self, change) -> None:
        if self.problem:
            return
        index = change["new"]
        self.open_tab(index, select=False)
        if index == 1:
            self.refresh_queue()
        elif index == 2:
            self.refresh_overdue()
        elif index == 3:
            self.refresh_overrides()
        elif index == 4:
            self.refresh_dashboard()

    def _title_tabs(self) -> None:
        self.tabs.titles = tuple(self.i18n.t(k) for k in self.tab_keys)

    def _relabel_all(self) -> None:
        """Texts computed from codes (names of categories and departments) follow the language too."""
        self._fill_categories()
        if self.problem:
            return
        self._fill_department_options()
        if self.last_intake is not None:
            self.classification.value = self.render_classification(self.last_intake.report_id)
        if 3 in self._built:
            self.refresh_overrides()
        if self.current_id is not None:
            self.show_current()
        if 4 in self._built:
            self.refresh_dashboard()


class Localized:
    """A service message in the console's current language whenever it is formatted.

    Passed as a value to ``StatusBar.say``, which formats its values again
    after a language switch: the message follows the switch like the frame.
    """

    def __init__(self, i18n: I18n, message: service.Message | None):
        self.i18n, self.message = i18n, message

    def __str__(self) -> str:
        return "" if self.message is None else self.message.render(self.i18n.t)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


# category10: one colour per series of the stacked bars
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def _num(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _label_width(box, width: str) -> None:
    """One description width for a form, wide enough for the English labels."""
    for child in getattr(box, "children", ()):
        style = getattr(child, "style", None)
        if style is not None and hasattr(style, "description_width") and not isinstance(child, (widgets.Button, widgets.Checkbox)):
            style.description_width = width
        _label_width(child, width)


def _disable_all(box) -> None:
    for child in getattr(box, "children", ()):
        if hasattr(child, "disabled"):
            child.disabled = True
        _disable_all(child)
