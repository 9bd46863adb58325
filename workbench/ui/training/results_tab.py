"""成绩分析: scores per trainee, question and article, progress over time, the competence matrix, XLSX export."""

from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path

import ipywidgets as widgets

from workbench.config import settings
from workbench.training import exercises, results
from workbench.ui.common import Column, DataTable, label
from workbench.ui.training.context import RoomContext, pct

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pct_or_blank(value: float | None) -> str:
    return pct(value) if value is not None else ""


class ResultsTab:
    def __init__(self, ctx: RoomContext):
        self.ctx = ctx
        t = ctx.i18n
        self.res_exercise = t.bind(
            widgets.Dropdown(layout=widgets.Layout(width="480px")), "description", "res_exercise"
        )
        self.res_exercise.add_class("wb-res-exercise")
        self.res_cohort = t.bind(widgets.Text(layout=widgets.Layout(width="260px")), "description", "cohort")
        trainee = t.bind(widgets.Text(layout=widgets.Layout(width="300px")), "description", "col_trainee")
        self.res_trainee = t.bind(trainee, "placeholder", "officer_hint")
        self.res_trainee.add_class("wb-res-trainee")
        self.res_chart = widgets.VBox()
        self.res_chart.add_class("wb-res-chart")
        self.chart = None
        departments = [("—", None)] + [(c, c) for c in sorted(ctx.engine.rulebook.departments)]
        self.res_department = t.bind(widgets.Dropdown(options=departments), "description", "department")
        self.res_department.add_class("wb-res-department")
        show = ctx.button("show", "wb-res-refresh", self.show_results, "primary")
        export = ctx.button("export", "wb-res-export", self.export)
        self.res_summary = widgets.HTML()
        self.res_summary.add_class("wb-res-summary")
        self.res_download = widgets.HTML()
        self.res_download.add_class("wb-res-download")
        question = lambda q: ctx.i18n.t(f"q_{q}")  # noqa: E731
        self.res_trainees = DataTable(
            [
                Column("trainee", "col_trainee"),
                Column("scenarios", "col_scenarios"),
                Column("score", "col_score", fmt=_pct_or_blank),
                Column("weakest_question", "col_weakest", fmt=lambda q: question(q) if q else ""),
                Column("last", "col_last", fmt=lambda v: f"{v:%Y-%m-%d %H:%M}" if v else ""),
            ],
            i18n=t,
            key="trainee",
            cls="wb-res-trainees",
        )
        self.res_missed = DataTable(
            [
                Column("scenario", "col_scenario"),
                Column("question", "col_question", fmt=question),
                Column("answers", "col_answers"),
                Column("missed", "col_missed"),
                Column("miss_rate", "col_rate", fmt=_pct_or_blank),
            ],
            i18n=t,
            key="scenario",
            page_size=10,
            cls="wb-res-missed",
        )
        self.res_types = DataTable(
            [Column("question", "col_question", fmt=question), Column("mean_score", "col_score", fmt=_pct_or_blank)],
            i18n=t,
            key="question",
            page_size=12,
            cls="wb-res-types",
        )
        self.res_articles = DataTable(
            [
                Column("article", "col_article"),
                Column("missed", "col_not_cited"),
                Column("wrongly_cited", "col_wrong"),
                Column("lost_credit", "col_lost"),
            ],
            i18n=t,
            key="article",
            page_size=10,
            cls="wb-res-articles",
        )
        self.res_progress = DataTable(
            [
                Column("day", "col_day"),
                Column("trainee", "col_trainee"),
                Column("scenarios", "col_scenarios"),
                Column("score", "col_score", fmt=_pct_or_blank),
            ],
            i18n=t,
            key="day",
            page_size=10,
            cls="wb-res-progress",
        )
        self.res_matrix = DataTable(
            [Column("officer", "col_officer")], i18n=t, key="officer", page_size=20, cls="wb-res-matrix"
        )
        self.res_matrix_box = widgets.VBox([self.res_matrix.widget])
        self.res_exercise.options = [(t.t("all_exercises"), None)]
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.res_exercise, self.res_cohort, self.res_trainee]),
                widgets.HBox([self.res_department, show, export]),
                self.res_download,
                self.res_summary,
                label(t, "h_trainees", tag="h4"),
                self.res_trainees.widget,
                label(t, "h_missed", tag="h4"),
                self.res_missed.widget,
                label(t, "h_types", tag="h4"),
                self.res_types.widget,
                label(t, "h_articles", tag="h4"),
                self.res_articles.widget,
                label(t, "h_progress", tag="h4"),
                self.res_chart,
                self.res_progress.widget,
                label(t, "h_matrix", tag="h4"),
                label(t, "matrix_legend", tag="small"),
                self.res_matrix_box,
            ]
        )
        ctx.on_refresh(self.refresh)

    def refresh(self) -> None:
        """The exercise chooser: all exercises, the choice kept when it still exists."""
        keep = self.res_exercise.value
        options = [(self.ctx.i18n.t("all_exercises"), None)]
        options += [(f"{e.id} · {e.name}", e.id) for e in exercises.list_exercises(url=self.ctx.url)]
        self.res_exercise.options = options
        if keep is not None and keep in [v for _, v in options]:
            self.res_exercise.value = keep
        else:
            self.res_exercise.index = 0  # "all exercises" shown as chosen

    def show_results(self) -> dict:
        ctx = self.ctx
        rows = results.attempts(
            exercise_id=self.res_exercise.value,
            cohort=self.res_cohort.value.strip() or None,
            trainee=self.res_trainee.value.strip() or None,
            url=ctx.url,
        )
        summary = results.cohort_summary(rows)
        mean = pct(summary["mean_score"]) if summary["mean_score"] is not None else "—"
        self.res_summary.value = html.escape(
            ctx.i18n.t("summary", trainees=summary["trainees"], attempts=summary["attempts"], mean=mean)
        )
        self.res_trainees.set_rows(results.by_trainee(rows))
        self.res_missed.set_rows(results.most_missed_questions(rows))
        self.res_types.set_rows(results.question_types(rows))
        self.res_articles.set_rows(results.most_misapplied_articles(rows))
        self.res_progress.set_rows(results.progress(rows))
        self._progress_chart(results.daily_means(rows))
        matrix = results.competence_matrix(department=self.res_department.value, bank=ctx.bank, url=ctx.url)
        columns = [
            Column("officer", "col_officer"),
            Column("name", "col_officer_name"),
            Column("department", "col_dept"),
            Column("ab_partner", "col_partner"),
        ]
        columns += [Column(d, d) for d in matrix["domains"]] + [Column("no_backup", "col_no_backup")]
        self.res_matrix = DataTable(
            columns, rows=results.matrix_table(matrix), i18n=ctx.i18n, key="officer", page_size=20, cls="wb-res-matrix"
        )
        self.res_matrix_box.children = [self.res_matrix.widget]
        return {"summary": summary, "matrix": matrix}

    def _progress_chart(self, days: list[dict]) -> None:
        """Mean score per day (all trainees shown, or the one chosen), as a line: is training working?"""
        import bqplot as bq  # heavy optional import: only when results are first shown

        x_values = [d["day"] for d in days] or [""]
        y_values = [round(d["score"] * 100, 1) for d in days] or [0]
        if self.chart is None:
            x, y = bq.OrdinalScale(), bq.LinearScale(min=0, max=100)
            self.chart_line = bq.Lines(x=x_values, y=y_values, scales={"x": x, "y": y}, marker="circle")
            axes = [
                bq.Axis(scale=x, tick_rotate=-30, tick_style={"font-size": "9px"}),
                bq.Axis(scale=y, side="left", label="%"),
            ]
            layout = widgets.Layout(width="100%", height="260px")
            self.chart = bq.Figure(
                marks=[self.chart_line],
                axes=axes,
                layout=layout,
                fig_margin={"top": 30, "bottom": 50, "left": 50, "right": 20},
            )
            self.chart.add_class("wb-res-progress-chart")
            self.res_chart.children = [self.chart]
        with self.chart_line.hold_sync():
            self.chart_line.x = x_values
            self.chart_line.y = y_values
        self.chart.title = self.ctx.i18n.t("h_progress")

    def export(self) -> Path:
        ctx = self.ctx
        folder = settings().exports()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"training-results-{dt.datetime.now():%Y%m%d-%H%M%S}.xlsx"
        ctx.progress.start(1, "working")
        try:
            results.export_xlsx(
                path,
                exercise_id=self.res_exercise.value,
                cohort=self.res_cohort.value.strip() or None,
                department=self.res_department.value,
                url=ctx.url,
                bank=ctx.bank,
            )
        finally:
            ctx.progress.done()
        data = base64.b64encode(path.read_bytes()).decode()
        self.res_download.value = (
            f'<a class="wb-res-download-link" download="{path.name}" '
            f'href="data:{XLSX};base64,{data}">'
            f"{html.escape(ctx.i18n.t('download'))} {html.escape(path.name)}</a>"
        )
        ctx.status.ok(ctx.i18n.t("exported", path=path.name))
        return path
