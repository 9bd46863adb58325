"""What the triage service says to a person: MESSAGES (both languages), Message, Terms and its errors.

Every refusal a person can get carries a :class:`Message` (a key of ``MESSAGES`` plus parameters) as
``exc.message`` (``message_of(exc)``); its ``str`` is "中文 · English", so scripts and logs read it without the UI,
and the console renders ``Message.render(i18n.t)`` in its current language (``I18n.add(MESSAGES)``). Domain terms
in parameters (statuses, actions) are :class:`Terms`, rendered by key in the same language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from workbench.errors import InputError, WorkbenchError
from workbench.store import StaleRecordError

__all__ = ["MESSAGES", "Terms", "Message", "message_of", "TriageError", "TriageInputError", "TriageStaleError"]

# Every text a person can get from this service, in both languages (English keeps the Chinese term beside it).
MESSAGES: dict[str, dict[str, str]] = {
    "st_received": {"zh": "已受理", "en": "Received 已受理"},
    "st_filed": {"zh": "已立案", "en": "Filed 已立案"},
    "st_dispatched": {"zh": "已派遣", "en": "Dispatched 已派遣"},
    "st_handling": {"zh": "处置中", "en": "Handling 处置中"},
    "st_verifying": {"zh": "待核查", "en": "Verifying 待核查"},
    "st_closed": {"zh": "已结案", "en": "Closed 已结案"},
    "st_cancelled": {"zh": "已作废", "en": "Cancelled 已作废"},
    "sev_general": {"zh": "一般", "en": "General 一般"},
    "sev_composite": {"zh": "综合", "en": "Composite 综合"},
    "sev_major": {"zh": "重大", "en": "Major 重大"},
    "do_dispatch": {"zh": "派遣", "en": "dispatch 派遣"},
    "do_support": {"zh": "请求协助", "en": "request support 请求协助"},
    "do_joint": {"zh": "联合执法", "en": "joint action 联合执法"},
    "do_escalate": {"zh": "上报", "en": "escalate 上报"},
    "do_feedback": {"zh": "处置反馈", "en": "feedback 处置反馈"},
    "do_verify": {"zh": "核查", "en": "verify 核查"},
    "do_override": {"zh": "人工改判", "en": "override 人工改判"},
    "do_reclassify": {"zh": "重新定级", "en": "reclassify 重新定级"},
    "triage_or": {"zh": "或", "en": " or "},
    "triage_comma": {"zh": "、", "en": ", "},
    "triage_wrong_status": {
        "zh": "事件 {number} 当前状态为“{status}”，“{action}”只能在“{allowed}”状态下进行",
        "en": "report {number} is {status}; '{action}' needs status {allowed}",
    },
    "triage_wrong_status_unclassified": {
        "zh": "事件 {number} 当前状态为“{status}”，“{action}”只能在“{allowed}”状态下进行（该事件尚未定级：请重新定级或人工改判）",
        "en": "report {number} is {status}; '{action}' needs status {allowed} (it has no classification yet: reclassify it or override)",
    },
    "triage_stale": {
        "zh": "事件 {number} 在您打开后已被其他席位修改（您打开的是第 {expected} 版，现为第 {found} 版），本次操作未保存。请刷新，查看对方的修改后再操作。",
        "en": "report {number} was changed by someone else since you opened it (you opened version {expected}, it is now version {found}); "
              "nothing was saved. Reload it, check their change and make yours again.",
    },
    "triage_no_report": {"zh": "没有编号为 {id} 的事件", "en": "no report with id {id}"},
    "triage_overridden": {
        "zh": "事件 {number} 已人工改判，不能重新定级；如需变更，请再次人工改判并写明理由",
        "en": "report {number} has a staff override; change it with a new override, with a reason",
    },
    "triage_not_classified": {
        "zh": "事件 {number} 尚未定级，请先定级",
        "en": "report {number} has no classification yet; classify it first",
    },
    "triage_classify_failed": {"zh": "规则无法定级：{detail}", "en": "the rules could not classify this report: {detail}"},
    "triage_not_classified_yet": {"zh": "尚未定级", "en": "not classified yet"},
    "triage_text": {"zh": "{text}", "en": "{text}"},  # a note stored before messages had keys
    "triage_reason_required": {
        "zh": "人工改判须写明理由（至少 {min} 个字）",
        "en": "an override needs a written reason 改判理由 (at least {min} characters)",
    },
    "triage_cannot_override": {
        "zh": "不能改判 {fields}；可改判的字段：{allowed}",
        "en": "cannot override {fields}; allowed: {allowed}",
    },
    "triage_override_no_change": {
        "zh": "本次改判没有任何改动，请至少修改一项",
        "en": "the override changes nothing; change at least one field",
    },
    "triage_choose_severity": {"zh": "严重程度请选择：{choices}", "en": "severity 严重程度: choose one of {choices}"},
    "triage_level_range": {"zh": "协调级别必须是 1、2 或 3", "en": "coordination level 协调级别 must be 1, 2 or 3"},
    "triage_hours_range": {
        "zh": "处置时限须为大于 0 的小时数（最多 90 天）",
        "en": "the deadline 处置时限 must be a number of hours above 0 (at most 90 days)",
    },
    "triage_choose_department": {"zh": "请选择部门", "en": "choose a department 部门"},
    "triage_unknown_department": {"zh": "未知部门 {code}", "en": "unknown department 部门 {code}"},
    "triage_support_self": {
        "zh": "部门不能向自己请求协助，请选择其他部门",
        "en": "a department cannot ask itself for support 协助; choose another department",
    },
    "triage_joint_members": {
        "zh": "联合执法除牵头部门外至少还需一个参与部门",
        "en": "a joint action 联合执法 needs at least one department besides the lead",
    },
    "triage_feedback_required": {"zh": "请填写处置情况", "en": "write what was done (处置情况)"},
    "triage_verify_reason": {"zh": "请说明核查不通过的原因", "en": "say why the handling is not accepted (核查不通过)"},
    "triage_choose_source": {"zh": "来源请选择：{choices}", "en": "source 来源: choose one of {choices}"},
    "triage_choose_category": {"zh": "请选择事件类别", "en": "choose the event category 事件类别"},
    "triage_bad_time": {
        "zh": "受理时间应为日期时间，如 2024-05-01T09:30，而不是 {value}",
        "en": "the received time 受理时间 must be a date-time like 2024-05-01T09:30, not {value}",
    },
    "triage_not_time": {"zh": "受理时间应为日期时间", "en": "the received time 受理时间 must be a date-time"},
    "triage_future_time": {"zh": "受理时间 {value} 晚于现在", "en": "the received time 受理时间 {value} is in the future"},
    "triage_bad_people": {"zh": "影响人数应为 ≥ 0 的整数，而不是 {value}", "en": "people affected 影响人数 must be a whole number ≥ 0, not {value}"},
    "triage_number_busy": {
        "zh": "其他席位正在同时登记事件，{attempts} 次分配事件编号均未成功，本次未保存。请稍后再提交。",
        "en": "other desks were filing reports at the same moment and no report number 事件编号 could be given in {attempts} tries; "
              "nothing was saved. Submit it again in a moment.",
    },
    "triage_unknown_flags": {"zh": "未知情形 {flags}；可选：{known}", "en": "unknown circumstance(s) 情形 {flags}; known: {known}"},
}


@dataclass(frozen=True)
class Terms:
    """Domain terms as a message parameter: message keys, joined ("a or b") in the language shown."""

    keys: tuple[str, ...]
    joiner: str = "triage_or"


@dataclass(frozen=True)
class Message:
    """A message by key, with its parameters; rendered in any language."""

    key: str
    params: dict = field(default_factory=dict)

    def render(self, t: Callable[..., str]) -> str:
        """The text through a translator ``t(key, **fmt)`` (e.g. an app's ``I18n.t``)."""
        values = {}
        for name, value in self.params.items():
            if isinstance(value, Terms):
                value = t(value.joiner).join(t(k) for k in value.keys)
            values[name] = value
        return t(self.key, **values)

    def text(self, lang: str) -> str:
        return self.render(lambda key, **fmt: _translate(key, lang, **fmt))

    def __str__(self) -> str:
        return f"{self.text('zh')} · {self.text('en')}"

    def to_dict(self) -> dict:
        return {"key": self.key, "params": {k: ({"terms": list(v.keys)} if isinstance(v, Terms) else v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "Message":
        params = {k: (Terms(tuple(v["terms"])) if isinstance(v, dict) and "terms" in v else v) for k, v in (data.get("params") or {}).items()}
        return cls(data["key"], params)


def _translate(key: str, lang: str, **fmt) -> str:
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    try:
        return texts[lang].format(**fmt)
    except (KeyError, IndexError, ValueError):
        return texts[lang]


def message_of(exc: BaseException) -> Message | None:
    """The message of a refusal from this service (None for any other error)."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, Message) else None


class TriageError(WorkbenchError):
    """An action that does not fit the report's state (e.g. closing a report never dispatched)."""

    def __init__(self, key: str, **params):
        self.message = Message(key, params)
        super().__init__(str(self.message))


class TriageInputError(InputError):
    """A malformed field (``.field``), with its message in both languages (``.message``)."""

    def __init__(self, field: str, key: str, **params):
        self.message = Message(key, params)
        super().__init__(field, str(self.message))


class TriageStaleError(StaleRecordError):
    """The report changed since the desk read it; nothing was saved."""

    def __init__(self, number: str, expected: int, found: int):
        super().__init__("report", number, expected, found)
        self.message = Message("triage_stale", {"number": number, "expected": expected, "found": found})
        self.args = (str(self.message),)

    def __str__(self) -> str:
        return str(self.message)
