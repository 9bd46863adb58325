"""练习管理: a trainer picks scenarios (by tag or by hand), sets up an exercise, opens and closes exercises."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.training import exercises
from workbench.training.bank import DIFFICULTIES
from workbench.training.grading import expected_answers
from workbench.ui.common import Column, DataTable, label
from workbench.ui.training.context import RoomContext
from workbench.ui.training.feedback import preview_html


class TrainerTab:
    def __init__(self, ctx: RoomContext):
        self.ctx = ctx
        self.chosen: list[str] = []
        t = ctx.i18n
        self.ex_trainer = t.bind(
            t.bind(widgets.Text(layout=widgets.Layout(width="320px")), "description", "trainer"),
            "placeholder",
            "trainer_hint",
        )
        self.ex_trainer.add_class("wb-ex-trainer")
        name = widgets.Text(value=f"{dt.date.today():%Y-%m} 一专多能练习", layout=widgets.Layout(width="420px"))
        self.ex_name = t.bind(name, "description", "ex_name")
        self.ex_name.add_class("wb-ex-name")
        self.ex_cohort = t.bind(widgets.Text(layout=widgets.Layout(width="260px")), "description", "cohort")
        self.ex_cohort.add_class("wb-ex-cohort")
        limit = widgets.BoundedIntText(
            value=30, min=0, max=600, layout=widgets.Layout(width="260px"), style={"description_width": "160px"}
        )
        self.ex_limit = t.bind(limit, "description", "time_limit")
        self.ex_limit.add_class("wb-ex-limit")
        self.ex_order = t.bind(widgets.ToggleButtons(), "description", "order")
        t.bind_options(self.ex_order, [("order_fixed", "fixed"), ("order_shuffled", "shuffled")])
        self.ex_order.add_class("wb-ex-order")
        self.ex_feedback = t.bind(widgets.ToggleButtons(), "description", "feedback")
        t.bind_options(self.ex_feedback, [("feedback_each", "each"), ("feedback_end", "end")])
        self.ex_feedback.add_class("wb-ex-feedback")

        bank = ctx.bank
        violations = sorted({s.violation for s in bank if s.violation})
        topics = sorted({tp for s in bank for tp in s.topics})
        departments = sorted({s.department for s in bank if s.department})
        self.f_violation = self._filter("violation", violations)
        self.f_violation.add_class("wb-ex-f-violation")
        self.f_topic = self._filter("topic", topics)
        self.f_topic.add_class("wb-ex-f-topic")
        self.f_difficulty = self._filter("difficulty", DIFFICULTIES)
        self.f_department = self._filter("department", departments)
        self.f_count = t.bind(
            widgets.BoundedIntText(value=0, min=0, max=500, style={"description_width": "140px"}),
            "description",
            "count",
        )
        add_tags = ctx.button("add_tags", "wb-ex-add-tags", self.add_by_tags)
        self.pick = t.bind(
            widgets.Dropdown(layout=widgets.Layout(width="620px"), options=self.scenario_options()),
            "description",
            "scenario",
        )
        self.pick.add_class("wb-ex-pick")
        self.pick.observe(lambda ch: ctx.cb(self._preview_pick)() if not ctx.i18n.switching else None, names="value")
        add_one = ctx.button("add_one", "wb-ex-add-one", self.add_picked)
        self.chosen_list = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="620px"))
        self.chosen_list.add_class("wb-ex-chosen")
        moves = widgets.VBox(
            [
                ctx.button("up", "wb-ex-up", lambda: self._move(-1)),
                ctx.button("down", "wb-ex-down", lambda: self._move(1)),
                ctx.button("remove", "wb-ex-remove", self._remove),
                ctx.button("clear", "wb-ex-clear", self._clear),
            ]
        )
        create = ctx.button("create_open", "wb-ex-create", lambda: self.create_exercise("open"), "primary")
        draft = ctx.button("create_draft", "wb-ex-draft", lambda: self.create_exercise("draft"))
        self.pick_preview = widgets.HTML()
        self.pick_preview.add_class("wb-ex-preview")
        self.ex_table = DataTable(
            [
                Column("id", "col_id"),
                Column("name", "col_name"),
                Column("cohort", "col_cohort"),
                Column("scenarios", "col_scenarios"),
                Column("status", "col_status", fmt=lambda v: ctx.i18n.t(f"st_{v}")),
                Column("settings", "col_settings"),
                Column("created", "col_created"),
            ],
            i18n=t,
            key="id",
            selectable=True,
            page_size=10,
            select_label=lambda r: f"{r['id']} · {r['name']} ({r['status']})",
            cls="wb-ex-table",
        )
        open_b = ctx.button("open", "wb-ex-open", lambda: self.set_status("open"))
        close_b = ctx.button("close", "wb-ex-close", lambda: self.set_status("closed"))
        self.widget = widgets.VBox(
            [
                self.ex_trainer,
                label(t, "by_tag", tag="h4"),
                widgets.HBox([self.f_violation, self.f_topic]),
                widgets.HBox([self.f_difficulty, self.f_department]),
                widgets.HBox([self.f_count, add_tags]),
                label(t, "by_hand", tag="h4"),
                widgets.HBox([self.pick, add_one]),
                self.pick_preview,
                label(t, "chosen", tag="h4"),
                widgets.HBox([self.chosen_list, moves]),
                widgets.HBox([self.ex_name, self.ex_cohort]),
                self.ex_limit,
                self.ex_order,
                self.ex_feedback,
                widgets.HBox([create, draft]),
                label(t, "exercises", tag="h4"),
                self.ex_table.widget,
                widgets.HBox([open_b, close_b]),
            ]
        )
        ctx.on_refresh(self.refresh)
        ctx.on_bank_changed(self._bank_changed)

    def _filter(self, key: str, values) -> widgets.Dropdown:
        options = [("—", None)] + [(v, v) for v in values]
        return self.ctx.i18n.bind(widgets.Dropdown(options=options), "description", key)

    def refresh(self) -> None:
        self.ex_table.set_rows(self._exercise_rows())

    def _bank_changed(self) -> None:
        self.pick.options = self.scenario_options()

    def scenario_options(self) -> list[tuple[str, str | None]]:
        lang = self.ctx.i18n.lang
        return [("—", None)] + [(f"{s.id} · {s.title[lang]} · {s.difficulty}", s.id) for s in self.ctx.bank]

    def _trainer_name(self) -> str:
        name = self.ex_trainer.value.strip()
        if not name:
            raise InputError(self.ctx.i18n.t("trainer"), self.ctx.i18n.t("no_trainer"))
        return name

    # ------------------------------------------------------------------ choosing scenarios
    def add_by_tags(self) -> list[str]:
        codes = exercises.assemble(
            self.ctx.bank,
            violation=self.f_violation.value,
            topic=self.f_topic.value,
            difficulty=self.f_difficulty.value,
            department=self.f_department.value,
            count=self.f_count.value or None,
            seed=len(self.chosen),
        )
        new = [c for c in codes if c not in self.chosen]
        self.chosen.extend(new)
        self.render_chosen()
        self.ctx.status.ok(self.ctx.i18n.t("added", n=len(new)))
        return new

    def add_picked(self) -> None:
        code = self.pick.value
        if code is None:
            raise InputError(self.ctx.i18n.t("scenario"), self.ctx.i18n.t("choose"))
        if code not in self.chosen:
            self.chosen.append(code)
        self.render_chosen()
        self.ctx.status.ok(self.ctx.i18n.t("added", n=1))

    def _preview_pick(self) -> None:
        code = self.pick.value
        if code is None:
            self.pick_preview.value = ""
            return
        scenario = self.ctx.bank.get(code)
        expected = expected_answers(scenario, self.ctx.engine)
        self.pick_preview.value = preview_html(self.ctx, scenario, expected)

    def render_chosen(self) -> None:
        lang = self.ctx.i18n.lang
        keep = self.chosen_list.value
        bank = self.ctx.bank
        self.chosen_list.options = [(f"{i + 1}. {c} · {bank.get(c).title[lang]}", c) for i, c in enumerate(self.chosen)]
        if keep in self.chosen:
            self.chosen_list.value = keep

    def _move(self, step: int) -> None:
        code = self.chosen_list.value
        if code is None:
            return
        i = self.chosen.index(code)
        j = max(0, min(len(self.chosen) - 1, i + step))
        self.chosen[i], self.chosen[j] = self.chosen[j], self.chosen[i]
        self.render_chosen()
        self.chosen_list.value = code

    def _remove(self) -> None:
        if self.chosen_list.value in self.chosen:
            self.chosen.remove(self.chosen_list.value)
        self.render_chosen()

    def _clear(self) -> None:
        self.chosen = []
        self.render_chosen()

    # ------------------------------------------------------------------ the exercises
    def create_exercise(self, status: str) -> exercises.Exercise:
        ctx = self.ctx
        who = self._trainer_name()
        exercise = exercises.create_exercise(
            self.ex_name.value,
            list(self.chosen),
            who,
            cohort=self.ex_cohort.value.strip() or None,
            time_limit_minutes=self.ex_limit.value or None,
            order=self.ex_order.value,
            feedback=self.ex_feedback.value,
            status=status,
            bank=ctx.bank,
            url=ctx.url,
        )
        ctx.refresh_exercises()
        status_name = ctx.i18n.t(f"st_{exercise.status}")
        ctx.status.ok(ctx.i18n.t("created", id=exercise.id, name=exercise.name, status=status_name))
        self.chosen = []
        self.render_chosen()
        return exercise

    def set_status(self, status: str) -> None:
        ctx = self.ctx
        who = self._trainer_name()
        exercise_id = self.ex_table.selected
        if exercise_id is None:
            raise InputError(ctx.i18n.t("exercise"), ctx.i18n.t("choose"))
        seen = next((r["version"] for r in self.ex_table.rows if r["id"] == exercise_id), None)
        exercises.set_status(exercise_id, status, who, expected_version=seen, url=ctx.url)
        ctx.refresh_exercises()
        ctx.status.ok(ctx.i18n.t("status_set", id=exercise_id, status=ctx.i18n.t(f"st_{status}")))

    def _exercise_rows(self) -> list[dict]:
        t = self.ctx.i18n
        rows = []
        for e in exercises.list_exercises(url=self.ctx.url):
            settings = [
                t.t("no_limit") if not e.time_limit_minutes else f"{e.time_limit_minutes} min",
                t.t(f"order_{e.order}"),
                t.t(f"feedback_{e.feedback}"),
            ]
            rows.append(
                {
                    "id": e.id,
                    "name": e.name,
                    "cohort": e.cohort or "",
                    "scenarios": len(e.scenario_codes),
                    "status": e.status,
                    "settings": " · ".join(settings),
                    "created": f"{e.created_at:%Y-%m-%d %H:%M} {e.created_by}",
                    "version": e.version,
                }
            )
        return rows
