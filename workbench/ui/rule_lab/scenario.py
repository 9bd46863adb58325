"""Scenario tester tab (情景测试): a case filled in by hand, decided by the published rules and by the draft."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbench.engine.inputs import parse_date
from workbench.errors import InputError
from workbench.lab.drafts import flow_text
from workbench.lab.publish import atomic_write
from workbench.rulebook.model import CIRCUMSTANCES
from workbench.ui.common import label
from workbench.ui.rule_lab.context import LabContext
from workbench.ui.rule_lab.decision import decision_html
from workbench.ui.rule_lab.messages import CIRCUMSTANCE_NAMES


class ScenarioTab:
    """Dates, party, the violation's facts and circumstances; Decide shows both answers; one can be saved as a test."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx
        self.scenario_answers: tuple[dict | None, dict | None] | None = None
        self.scenario_case: dict | None = None
        t = ctx.i18n
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
        self.circumstance_options()
        t.bind(self.sc_circumstances, "description", "circumstances")
        decide = t.bind(widgets.Button(button_style="info"), "description", "decide")
        decide.add_class("wb-lab-sc-decide")
        decide.on_click(ctx.callback(self.decide))
        self.sc_result = widgets.HTML()
        self.sc_result.add_class("wb-lab-sc-result")
        self.sc_test_name = t.bind(widgets.Text(layout=widgets.Layout(width="480px")), "description", "test_name")
        self.sc_test_name.add_class("wb-lab-sc-test-name")
        self.sc_expect = widgets.Dropdown()
        t.bind_options(self.sc_expect, [("after", "draft"), ("before", "published")])
        t.bind(self.sc_expect, "description", "expect_from")
        save = t.bind(widgets.Button(), "description", "save_test")
        save.add_class("wb-lab-sc-save")
        save.on_click(ctx.callback(self.save_test))
        for w_ in (
            self.sc_act,
            self.sc_discovered,
            self.sc_decision,
            self.sc_kind,
            self.sc_age,
            self.sc_capacity,
            self.sc_circumstances,
        ):
            w_.style.description_width = "130px"
        party = widgets.VBox(
            [self.sc_act, self.sc_discovered, self.sc_decision, self.sc_kind, self.sc_age, self.sc_capacity]
        )
        self.widget = widgets.VBox(
            [
                label(t, "scenario_intro", "p"),
                widgets.HBox([party, widgets.VBox([self.sc_facts_box, self.sc_circumstances])]),
                decide,
                self.sc_result,
                widgets.HBox([self.sc_test_name, self.sc_expect, save]),
            ]
        )
        ctx.on_day(self._new_draft)

    def _new_draft(self, day: dt.date) -> None:
        """Another violation's draft, applying from ``day``: the dates, its facts, no answers yet."""
        self.set_day(day)  # the draft applies to the scenario
        self.show_facts()
        self.scenario_answers = None
        self.render()

    def set_day(self, day: dt.date) -> None:
        """All three dates on ``day`` (the draft's effective date: the draft applies to the scenario)."""
        self.sc_act.value = self.sc_discovered.value = self.sc_decision.value = day

    def circumstance_options(self) -> None:
        selected = tuple(self.sc_circumstances.value)
        zh = self.ctx.i18n.lang == "zh"
        names = CIRCUMSTANCE_NAMES
        self.sc_circumstances.options = [
            (names[c][0] if zh else f"{names[c][1]} {names[c][0]}", c) for c in CIRCUMSTANCES
        ]
        self.sc_circumstances.value = selected

    def show_facts(self) -> None:
        """A widget per fact of the lab's violation (values kept where a fact of the same name was filled in)."""
        ctx = self.ctx
        violation = ctx.rulebook().violations[ctx.code]
        zh = ctx.i18n.lang == "zh"
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
        self.circumstance_options()

    def case(self) -> dict:
        """The case as filled in (the engine's contract)."""
        party: dict[str, Any] = {"kind": self.sc_kind.value, "capacity": self.sc_capacity.value}
        if self.sc_kind.value == "person" and self.sc_age.value:
            party["age"] = int(self.sc_age.value)
        for name, value in (("act_date", self.sc_act.value), ("decision_date", self.sc_decision.value)):
            if value is None:
                raise InputError(name, "required")
        case = {
            "violation": self.ctx.code,
            "act_date": self.sc_act.value.isoformat(),
            "discovered_date": (self.sc_discovered.value or self.sc_act.value).isoformat(),
            "decision_date": self.sc_decision.value.isoformat(),
            "party": party,
            "facts": {name: w_.value for name, w_ in self.sc_facts.items()},
            "circumstances": list(self.sc_circumstances.value),
        }
        return case

    def decide(self, _button=None) -> None:
        ctx = self.ctx
        case = self.case()
        # a scenario is hypothetical: judged as of its decision date, so a version in force next year can be tried
        as_of = max(dt.date.today(), parse_date(case.get("decision_date"), "decision_date") or dt.date.today())
        published = ctx.workspace.published_engine().decide(case, today=as_of).to_dict()
        draft = None
        if ctx.feedback is not None and ctx.feedback.engine is not None:
            draft = ctx.feedback.engine.decide(case, today=as_of).to_dict()
        self.scenario_case, self.scenario_answers = case, (published, draft)
        self.render()

    def render(self) -> None:
        t = self.ctx.i18n
        if not self.scenario_answers:
            self.sc_result.value = ""
            return
        published, draft = self.scenario_answers
        broken = f"<div class='wb-lab-bad'>{html.escape(t.t('draft_broken'))}</div>"
        right = decision_html(t, draft) if draft else broken
        self.sc_result.value = (
            "<div style='display:flex; gap:12px'>"
            f"<div class='wb-card wb-lab-sc-published' style='flex:1'><b>{html.escape(t.t('before'))}</b>"
            f"{decision_html(t, published)}</div>"
            f"<div class='wb-card wb-lab-sc-draft' style='flex:1'><b>{html.escape(t.t('after'))}</b>"
            f"{right}</div></div>"
        )

    def save_test(self, _button=None) -> None:
        """The answer chosen (draft or published) appended as a rule test to ``rules/tests/lab_<violation>.yaml``."""
        ctx = self.ctx
        if not self.scenario_answers:
            ctx.status.say("error", "decide_first")
            return
        name = self.sc_test_name.value.strip()
        if not name:
            ctx.status.say("error", "no_test_name")
            return
        published, draft = self.scenario_answers
        answer = draft if self.sc_expect.value == "draft" and draft else published
        expect = {k: answer[k] for k in ("penalize", "level", "fine_yuan", "procedure", "hearing_right") if k in answer}
        path = Path(ctx.workspace.rules_dir) / "tests" / f"lab_{ctx.code}.yaml"
        text = (
            path.read_text(encoding="utf-8")
            if path.exists()
            else (f"# 规则实验室保存的情景测试 · Scenario tests saved from the rule lab for {ctx.code}\ntests:\n")
        )
        if not text.endswith("\n"):
            text += "\n"
        text += (
            f"  - name: {flow_text(name)}\n    decide: {flow_text(self.scenario_case)}\n"
            f"    expect: {flow_text(expect)}\n"
        )
        atomic_write(path, text, pause=False)
        differs = answer is draft and published and {k: published.get(k) for k in expect} != expect
        relative = f"rules/tests/{path.name}"
        ctx.status.say("ok", "test_saved_differs" if differs else "test_saved", name=name, path=relative)
        ctx.refresh()
