"""The Training room (培训室): trainers build exercises, trainees take them, the engine grades.

Four tabs, one component each: the trainee's exercise (练习作答, ``trainee_tab``), the trainer's
exercises (练习管理, ``trainer_tab``), results (成绩分析, ``results_tab``) and scenario authoring
(编写情景, ``author_tab``), sharing one :class:`~workbench.ui.training.context.RoomContext`.
Everything goes through ``workbench.training``; the expected answers come from the engine at
grading time, with the trace and the articles it cites.

``app()`` is what notebooks/training.ipynb shows; ``build()`` returns the object, so tests can
drive the widgets without a browser.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from workbench.ui.common import I18n, app_shell
from workbench.ui.training.author_tab import AuthorTab
from workbench.ui.training.context import RoomContext
from workbench.ui.training.results_tab import ResultsTab
from workbench.ui.training.trainee_tab import TraineeTab
from workbench.ui.training.trainer_tab import TrainerTab

TAB_TITLES = ("tab_trainee", "tab_trainer", "tab_results", "tab_author")


def app(url: str | None = None, i18n: I18n | None = None) -> widgets.VBox:
    """The Training room widget (what notebooks/training.ipynb shows)."""
    return build(url, i18n).widget


def build(url: str | None = None, i18n: I18n | None = None, scenarios_dir: str | Path | None = None) -> "TrainingRoom":
    return TrainingRoom(url, i18n, scenarios_dir)


class TrainingRoom:
    """The four tabs in one shell. The tabs' widgets and actions are reachable under their old flat names
    (``room.tr_start``, ``room.create_exercise``, ``room.res_matrix`` …): see ``FORWARDED`` below."""

    def __init__(self, url: str | None = None, i18n: I18n | None = None, scenarios_dir: str | Path | None = None):
        self.ctx = ctx = RoomContext(url, i18n, scenarios_dir)
        # built in this order, they refresh in this order: trainee, trainer, results
        self.trainee = TraineeTab(ctx)
        self.trainer = TrainerTab(ctx)
        self.results = ResultsTab(ctx)
        self.author = AuthorTab(ctx)
        self.tabs = widgets.Tab(
            children=[self.trainee.widget, self.trainer.widget, self.results.widget, self.author.widget]
        )
        self.tabs.add_class("wb-training-tabs")
        self._tab_titles()
        ctx.i18n.on_change(lambda _lang: self._relabel())
        body = widgets.VBox([ctx.progress.widget, self.tabs])
        self.widget = app_shell(ctx.i18n, "training_title", body, ctx.status, cls="wb-training")
        ctx.cb(self.refresh_exercises)()
        if ctx.bank_problems:
            first = ctx.bank_problems[0]
            ctx.status.error(ctx.i18n.t("bank_problems", n=len(ctx.bank_problems), first=str(first)))

    def refresh_exercises(self) -> None:
        self.ctx.refresh_exercises()

    def _tab_titles(self) -> None:
        for i, key in enumerate(TAB_TITLES):
            self.tabs.set_title(i, self.ctx.i18n.t(key))

    def _relabel(self) -> None:
        self._tab_titles()
        self.trainee.labels()
        self.trainer.render_chosen()
        self.trainee.relabel()


# The room's flat names, as before the tabs were components: name -> the part that owns it.
FORWARDED: dict[str, tuple[str, ...]] = {
    "ctx": ("url", "i18n", "engine", "status", "progress", "scenarios_dir", "bank", "bank_problems"),
    "trainee": (
        "session",
        "open_exercises",
        "answer_widgets",
        "last_result",
        "officer_example",
        "tr_exercise",
        "tr_officer",
        "tr_start",
        "tr_none",
        "tr_reload",
        "tr_position",
        "tr_scenario",
        "tr_questions",
        "tr_submit",
        "tr_next",
        "tr_feedback",
        "start",
        "answers",
        "submit",
        "next_scenario",
    ),
    "trainer": (
        "chosen",
        "ex_trainer",
        "ex_name",
        "ex_cohort",
        "ex_limit",
        "ex_order",
        "ex_feedback",
        "f_violation",
        "f_topic",
        "f_difficulty",
        "f_department",
        "f_count",
        "pick",
        "pick_preview",
        "chosen_list",
        "ex_table",
        "add_by_tags",
        "add_picked",
        "create_exercise",
        "set_status",
        "_move",
    ),
    "results": (
        "res_exercise",
        "res_cohort",
        "res_trainee",
        "res_department",
        "res_summary",
        "res_download",
        "res_chart",
        "chart",
        "chart_line",
        "res_trainees",
        "res_missed",
        "res_types",
        "res_articles",
        "res_progress",
        "res_matrix",
        "res_matrix_box",
        "show_results",
        "export",
    ),
    "author": (
        "author_preview",
        "au_source",
        "au_record",
        "au_id",
        "au_title_zh",
        "au_title_en",
        "au_narr_zh",
        "au_narr_en",
        "au_input",
        "au_questions",
        "au_department",
        "au_difficulty",
        "au_articles",
        "au_topics",
        "au_result",
        "author_load",
        "author_draft",
        "author_preview_answer",
        "author_save",
    ),
}


def _forward(part: str, name: str) -> property:
    def get(self):
        return getattr(getattr(self, part), name)

    def set_(self, value) -> None:
        setattr(getattr(self, part), name, value)

    return property(get, set_, doc=f"``self.{part}.{name}``")


for _part, _names in FORWARDED.items():
    for _name in _names:
        setattr(TrainingRoom, _name, _forward(_part, _name))
