"""处置操作 (wb-actions): what staff do with the selected report: dispatch, support, joint action, escalate,
feedback, verification, reclassification and override. Each button calls one triage-service function."""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as widgets

from workbench import triage as service
from workbench.errors import InputError
from workbench.ui.common import MessageKey, label
from workbench.ui.triage.desk import Desk


class ActionsPanel:
    """The action buttons of the queue tab, enabled by the selected report's status.

    After an action the console is refreshed through ``refresh_all``, ``select_current`` and
    ``show_current`` (the queue tab's), then the status line says what was done.
    """

    def __init__(
        self,
        desk: Desk,
        refresh_all: Callable[[], None],
        select_current: Callable[[], None],
        show_current: Callable[[], None],
    ):
        self.desk = desk
        self.refresh_all, self.select_current, self.show_current = refresh_all, select_current, show_current
        i = desk.i18n
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
        severities = [("keep", None)] + [(f"sev_{s}", s) for s in service.SEVERITIES]
        self.o_severity = i.bind_options(widgets.Dropdown(layout=w), severities)
        self.o_severity.add_class("wb-override-severity")
        i.bind(self.o_severity, "description", "severity")
        self.o_lead = widgets.Dropdown(layout=w)
        self.o_lead.add_class("wb-override-lead")
        i.bind(self.o_lead, "description", "lead")
        levels = [("keep", None), ("level_1", 1), ("level_2", 2), ("level_3", 3)]
        self.o_level = i.bind_options(widgets.Dropdown(layout=w), levels)
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
            (self.dispatch_button, self.on_dispatch),
            (self.support_button, self.on_support),
            (self.joint_button, self.on_joint),
            (self.escalate_button, self.on_escalate),
            (self.feedback_button, self.on_feedback),
            (self.verify_pass_button, lambda _b: self.on_verify(True)),
            (self.verify_fail_button, lambda _b: self.on_verify(False)),
            (self.reclassify_button, self.on_reclassify),
            (self.override_button, self.on_override),
        ):
            b.on_click(desk.cb(fn))

        def section(*children):
            return widgets.VBox(
                list(children), layout=widgets.Layout(border="1px solid #d0d7de", padding="4px", margin="2px 0")
            )

        self.box = widgets.VBox(
            [
                label(i, "actions", tag="b"),
                self.note,
                section(self.dispatch_dept, self.dispatch_button),
                section(self.support_dept, self.support_button),
                section(self.joint_lead, self.joint_members, self.joint_button),
                section(self.escalate_button),
                section(self.feedback_text, self.feedback_done, self.feedback_button),
                section(self.verify_pass_button, self.verify_fail_button),
                section(self.o_severity, self.o_lead, self.o_level, self.o_hours, self.o_reason, self.override_button),
                section(self.reclassify_button),
            ],
            layout=widgets.Layout(width="45%", margin="0 0 0 12px"),
        )
        self.box.add_class("wb-actions")
        self.update_buttons(None)

    def fill_departments(self, options: list[tuple[str, str]]) -> None:
        """The department choices (labels in the current language), keeping what is selected."""
        departments = self.desk.departments
        for dropdown in (self.dispatch_dept, self.support_dept, self.joint_lead):
            keep = dropdown.value
            dropdown.options = options
            if keep in departments:
                dropdown.value = keep
            elif options:
                dropdown.index = 0
        keep = self.joint_members.value
        self.joint_members.options = options
        self.joint_members.value = tuple(v for v in keep if v in departments)
        keep = self.o_lead.value
        self.o_lead.options = [(self.desk.i18n.t("keep"), None)] + options
        self.o_lead.value = keep if keep in departments else None

    def show(self, report) -> None:
        """Follow the report shown (or None): default departments, and which buttons apply."""
        if report is not None:
            target = report.assigned_to or report.lead
            if target in self.desk.departments:
                self.dispatch_dept.value = report.lead if report.lead in self.desk.departments else target
                self.joint_lead.value = target
        self.update_buttons(report)

    def update_buttons(self, report) -> None:
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

    # ------------------------------------------------------------------ the actions
    def _version(self, report_id: int) -> int | None:
        return self.desk.current_version if report_id == self.desk.current_id else None

    def _need_current(self) -> int:
        if self.desk.current_id is None:
            t = self.desk.i18n.t
            error = InputError("report", f"{t('select_report', lang='zh')} · {t('select_report', lang='en')}")
            error.message = service.Message("select_report")
            raise error
        return self.desk.current_id

    def _stamp(self, rid: int) -> dict:
        """The keyword arguments the actions share: when, which store, and the version of the report shown."""
        return {"at": self.desk.clock(), "url": self.desk.url, "version": self._version(rid)}

    def _note(self) -> str | None:
        return self.note.value or None

    def _after_action(self, action_key: str) -> None:
        report = service.get_report(self._need_current(), self.desk.url)
        self.note.value = ""
        self.refresh_all()
        self.select_current()
        self.show_current()
        # last: the message tells the user (and the browser tests) that the screen is up to date
        self.desk.status.say("ok", "done_action", number=report.number, action=MessageKey(action_key))

    def on_dispatch(self, _b=None) -> None:
        rid = self._need_current()
        service.dispatch(
            rid, self.desk.who(), department=self.dispatch_dept.value, note=self._note(), **self._stamp(rid)
        )
        self._after_action("act_dispatch")

    def on_support(self, _b=None) -> None:
        rid = self._need_current()
        service.request_support(rid, self.desk.who(), self.support_dept.value, note=self._note(), **self._stamp(rid))
        self._after_action("act_support")

    def on_joint(self, _b=None) -> None:
        rid = self._need_current()
        service.open_joint_action(
            rid,
            self.desk.who(),
            self.joint_lead.value,
            list(self.joint_members.value),
            note=self._note(),
            **self._stamp(rid),
        )
        self._after_action("act_joint")

    def on_escalate(self, _b=None) -> None:
        rid = self._need_current()
        service.escalate(rid, self.desk.who(), note=self._note(), **self._stamp(rid))
        self._after_action("act_escalate")

    def on_feedback(self, _b=None) -> None:
        rid = self._need_current()
        service.record_feedback(
            rid, self.desk.who(), self.feedback_text.value, done=self.feedback_done.value, **self._stamp(rid)
        )
        self.feedback_text.value = ""
        self._after_action("act_feedback")

    def on_verify(self, passed: bool) -> None:
        rid = self._need_current()
        service.verify(rid, self.desk.who(), passed, note=self._note(), **self._stamp(rid))
        self._after_action("act_close" if passed else "act_return")

    def on_reclassify(self, _b=None) -> None:
        desk = self.desk
        rid = self._need_current()
        result = service.reclassify(rid, desk.who(), at=desk.clock(), url=desk.url, engine=desk.engine)
        if result.classified:
            self._after_action("act_classify")
        else:
            self.refresh_all()
            self.show_current()
            desk.status.say("info", "filed_unclassified", number=result.number, problem=desk.localized(result.message))

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
        service.override(rid, self.desk.who(), self.o_reason.value, changes, **self._stamp(rid))
        self.o_reason.value = ""
        self.o_severity.value = None
        self.o_lead.value = None
        self.o_level.value = None
        self.o_hours.value = 0
        self._after_action("act_override")
