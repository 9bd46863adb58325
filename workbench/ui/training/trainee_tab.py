"""练习作答: a trainee picks an open exercise, answers its scenarios one by one and sees the engine's grading."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.training import exercises
from workbench.training.demo import example_officer
from workbench.training.grading import ScenarioResult
from workbench.ui.training.context import RoomContext, pct
from workbench.ui.training.facts_card import FactsCard
from workbench.ui.training.feedback import feedback_html
from workbench.ui.training.questions import Checks, question_widget, read_answers


class TraineeTab:
    def __init__(self, ctx: RoomContext):
        self.ctx = ctx
        self.facts = FactsCard(ctx)
        self.session: exercises.TraineeSession | None = None
        self.open_exercises: list[tuple[str, int]] = []  # (label, id) of the exercises a trainee can take
        self.answer_widgets: dict[str, Any] = {}
        self.last_result: ScenarioResult | None = None
        self.officer_example: str | None = None  # a valid officer number of this database, shown as the placeholder
        self._shown: str | None = None
        t = ctx.i18n
        self.tr_exercise = t.bind(widgets.Dropdown(layout=widgets.Layout(width="480px")), "description", "exercise")
        self.tr_exercise.add_class("wb-tr-exercise")
        self.tr_officer = t.bind(
            widgets.Text(placeholder=t.t("officer_hint"), layout=widgets.Layout(width="300px")),
            "description",
            "officer_number",
        )
        self.tr_officer.add_class("wb-tr-officer")
        self.tr_start = ctx.button("start", "wb-tr-start", self.start, "primary")
        self.tr_none = widgets.HTML()  # why the start button is disabled, beside it
        self.tr_none.add_class("wb-tr-none")
        self.tr_reload = ctx.button("reload", "wb-tr-reload", ctx.refresh_exercises)
        self.tr_position = widgets.HTML()
        self.tr_position.add_class("wb-tr-position")
        self.tr_scenario = widgets.HTML()
        self.tr_scenario.add_class("wb-tr-scenario")
        self.tr_questions = widgets.VBox()
        self.tr_questions.add_class("wb-tr-questions")
        self.tr_submit = ctx.button("submit", "wb-tr-submit", self.submit, "success")
        self.tr_next = ctx.button("next", "wb-tr-next", self.next_scenario)
        self.tr_submit.layout.display = "none"
        self.tr_next.layout.display = "none"
        self.tr_feedback = widgets.HTML()
        self.tr_feedback.add_class("wb-tr-feedback")
        self._options()  # nothing open until the store says otherwise
        self.labels()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.tr_exercise, self.tr_reload]),
                widgets.HBox([self.tr_officer, self.tr_start, self.tr_none]),
                self.tr_position,
                self.tr_scenario,
                self.tr_questions,
                widgets.HBox([self.tr_submit, self.tr_next]),
                self.tr_feedback,
            ]
        )
        ctx.on_refresh(self.refresh)

    # ------------------------------------------------------------------ the exercise chooser
    def refresh(self) -> None:
        open_ones = exercises.list_exercises(status="open", url=self.ctx.url)
        self.open_exercises = [(f"{e.id} · {e.name}" + (f" · {e.cohort}" if e.cohort else ""), e.id) for e in open_ones]
        self._options()
        self.officer_example = example_officer(self.ctx.url)
        self.labels()

    def _options(self) -> None:
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
        self.tr_exercise.options = [(self.ctx.i18n.t("no_open"), None)]
        self.tr_exercise.index = 0  # shown as chosen: value None would leave the select blank in the browser
        self.tr_exercise.disabled = True

    def labels(self) -> None:
        """Texts of the form that depend on the database: the placeholder, the officer hint, why start is off."""
        t = self.ctx.i18n
        none = not self.open_exercises
        if none:
            self._placeholder()  # in the current language
        self.tr_start.disabled = none
        self.tr_start.tooltip = t.t("no_open_hint") if none else ""
        self.tr_none.value = f'<span style="color:#666">{html.escape(t.t("no_open_hint"))}</span>' if none else ""
        example = self.officer_example
        self.tr_officer.placeholder = t.t("officer_hint_example", example=example) if example else t.t("officer_hint")

    def relabel(self) -> None:
        """After a language switch: show the current scenario, feedback or end card again in the new language."""
        if self.session is not None and not self.session.finished and self.last_result is None:
            self._render_scenario()
        if self.last_result is not None:
            self._render_feedback([self.last_result])
        elif self.session is not None and self.session.finished:
            self._render_end()

    # ------------------------------------------------------------------ taking the exercise
    def start(self) -> None:
        ctx = self.ctx
        if self.tr_exercise.value is None:
            raise InputError(ctx.i18n.t("exercise"), ctx.i18n.t("no_open"))
        self.session = exercises.start(
            self.tr_exercise.value, self.tr_officer.value, bank=ctx.bank, url=ctx.url, engine=ctx.engine
        )
        self.last_result = None
        self.tr_feedback.value = ""
        ctx.status.ok(ctx.i18n.t("started", name=self.session.exercise.name))
        if self.session.finished:
            self._render_end()
        else:
            self._render_scenario()

    def _render_position(self) -> None:
        s = self.session
        t = self.ctx.i18n
        done, total = s.position()
        remaining = s.remaining_seconds()
        clock = t.t("no_limit") if remaining is None else t.t("remaining", minutes=int(remaining // 60))
        where = t.t("position", n=min(done + 1, total), total=total)
        self.tr_position.value = f"<b>{html.escape(s.exercise.name)}</b> · {html.escape(where)} · {html.escape(clock)}"

    def _render_scenario(self) -> None:
        scenario = self.session.current()
        self._render_position()
        if scenario is None:
            self._render_end()
            return
        lang = self.ctx.i18n.lang
        self.tr_scenario.value = (
            f'<div class="wb-card" data-scenario="{html.escape(scenario.id)}">'
            f"<h3>{html.escape(scenario.title[lang])}</h3>"
            f"<p>{html.escape(scenario.narrative[lang])}</p>{self.facts.html(scenario)}</div>"
        )
        same = self.answer_widgets and self._shown == scenario.id
        keep = {q: w.value for q, w in self.answer_widgets.items()} if same else {}
        self._shown = scenario.id
        self.answer_widgets = {}
        rows = []
        for question in scenario.questions:
            widget = question_widget(self.ctx, question, scenario)
            if question in keep:
                try:
                    widget.value = keep[question]
                except Exception:  # noqa: BLE001 - options changed with the language; start blank
                    pass
            self.answer_widgets[question] = widget
            rows.append(widget if not isinstance(widget, Checks) else widget.box)
        self.tr_questions.children = rows
        self.tr_submit.layout.display = ""
        self.tr_next.layout.display = "none"

    def answers(self) -> dict[str, Any]:
        return read_answers(self.ctx, self.answer_widgets)

    def submit(self) -> ScenarioResult:
        t = self.ctx.i18n
        if self.session is None:
            raise InputError(t.t("exercise"), t.t("no_open"))
        scenario = self.session.current()
        result = self.session.submit(scenario.id, self.answers())
        self.tr_submit.layout.display = "none"
        if self.session.exercise.feedback == "each":
            self.last_result = result
            self._render_feedback([result])
            self.ctx.status.ok(t.t("submitted", score=pct(result.score)))
            self.tr_next.layout.display = "" if not self.session.finished else "none"
            if self.session.finished:
                self._render_end(keep_feedback=True)
        else:
            self.ctx.status.ok(t.t("submitted_later"))
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
        t = self.ctx.i18n
        self.tr_questions.children = []
        self.tr_submit.layout.display = "none"
        self.tr_next.layout.display = "none"
        self._render_position()
        finished = html.escape(t.t("finished", score=pct(s.score())))
        self.tr_scenario.value = f'<div class="wb-card wb-tr-done"><h3>{finished}</h3></div>'
        if s.exercise.feedback == "end" or not keep_feedback:
            ordered = [s.results[c] for c in s.codes if c in s.results]
            self._render_feedback(ordered)
        self.ctx.status.ok(t.t("finished", score=pct(s.score())))

    def _render_feedback(self, results_: list[ScenarioResult]) -> None:
        self.tr_feedback.value = feedback_html(self.ctx, results_)
