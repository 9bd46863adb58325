"""The answer widgets of one scenario: one per question, and how their values become answers."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.rulebook.model import LEVELS
from workbench.training.grading import SEVERITIES, basis_options
from workbench.ui.training.context import RoomContext


class Checks:
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


YES_NO = ("penalize", "hearing_right", "legal_review")


def question_widget(ctx: RoomContext, question: str, scenario):
    """The widget for ``question`` of ``scenario``, classed ``wb-q-<question>`` and ``wb-for-<scenario id>``."""
    t = ctx.i18n
    layout = widgets.Layout(width="520px")
    style = {"description_width": "160px"}
    if question in YES_NO:
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
        w = widgets.Dropdown(layout=layout, style=style, options=[("—", None)] + department_options(ctx))
    elif question == "assist":
        w = widgets.SelectMultiple(
            layout=widgets.Layout(width="520px", height="120px"), style=style, options=department_options(ctx)
        )
    elif question == "fine":
        w = widgets.Text(layout=layout, style=style)
        t.bind(w, "placeholder", "fine_hint")
    elif question == "basis":
        options = basis_options(scenario, ctx.engine)
        w = Checks(options, t.t(f"q_{question}"))
    else:  # pragma: no cover - the bank check refuses unknown questions
        raise InputError("question", question)
    target = w.box if isinstance(w, Checks) else w
    if not isinstance(w, Checks):
        t.bind(w, "description", f"q_{question}")
    target.add_class(f"wb-q-{question}")
    target.add_class(f"wb-for-{scenario.id}")  # new widgets per scenario: tests wait for these, not the last ones
    return w


def department_options(ctx: RoomContext) -> list[tuple[str, str]]:
    depts = ctx.engine.rulebook.departments
    lang = ctx.i18n.lang
    return [((d.name_zh if lang == "zh" else f"{d.name_en} {d.name_zh}"), code) for code, d in sorted(depts.items())]


def read_answers(ctx: RoomContext, answer_widgets: dict[str, Any]) -> dict[str, Any]:
    """The trainee's answers, by question: a fine as a number, several choices as a list, nothing as None."""
    out = {}
    for question, widget in answer_widgets.items():
        value = widget.value
        if question == "fine":
            value = value.strip().replace(",", "")
            if value:
                try:
                    value = float(value)
                except ValueError:
                    raise InputError(ctx.i18n.t("q_fine"), f"{widget.value!r} is not a number") from None
                value = int(value) if value.is_integer() else value
            else:
                value = None
        elif isinstance(value, tuple):
            value = list(value)
        out[question] = value
    return out
