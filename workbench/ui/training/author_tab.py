"""编写情景: write a scenario (new, or from a stored case file or report with personal data removed),
preview the engine's answers and save it to the scenario bank as YAML."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from ruamel.yaml import YAML

from workbench.errors import InputError
from workbench.training import authoring
from workbench.training.bank import DIFFICULTIES, QUESTIONS
from workbench.ui.training.context import RoomContext
from workbench.ui.training.feedback import preview_html

AUTHOR_TEMPLATE = """\
case:
  violation: street_vending
  act_date: 2025-05-06
  decision_date: 2025-05-06
  party: {kind: person, age: 40, capacity: full}
  facts: {area_m2: 2, repeat_count: 0}
  circumstances: []
"""
DEFAULT_QUESTIONS = ("penalize", "level", "fine", "basis")
WIDE = "620px"


class AuthorTab:
    def __init__(self, ctx: RoomContext):
        self.ctx = ctx
        self.author_preview: tuple | None = None
        t = ctx.i18n
        self.au_source = t.bind(widgets.ToggleButtons(), "description", "source")
        t.bind_options(self.au_source, [("src_new", "new"), ("src_case", "case"), ("src_report", "report")])
        self.au_source.add_class("wb-au-source")
        self.au_record = t.bind(widgets.Dropdown(layout=widgets.Layout(width="520px")), "description", "record")
        self.au_record.add_class("wb-au-record")
        self.au_record.options, self.au_record.disabled = [("—", None)], True
        self.au_source.observe(lambda ch: ctx.cb(self._records)() if not ctx.i18n.switching else None, names="value")
        load = ctx.button("load", "wb-au-load", self.author_load)
        scenario_id = widgets.Text(value="my-scenario-1", layout=widgets.Layout(width="420px"))
        self.au_id = t.bind(scenario_id, "description", "sc_id")
        self.au_id.add_class("wb-au-id")
        self.au_title_zh = self._text(widgets.Text, "title_zh", "wb-au-title-zh")
        self.au_title_en = self._text(widgets.Text, "title_en", "wb-au-title-en")
        self.au_narr_zh = self._text(widgets.Textarea, "narrative_zh", "wb-au-narr-zh", height="70px")
        self.au_narr_en = self._text(widgets.Textarea, "narrative_en", "wb-au-narr-en", height="70px")
        self.au_input = self._text(widgets.Textarea, "input_yaml", "wb-au-input", height="220px", value=AUTHOR_TEMPLATE)
        questions = widgets.SelectMultiple(options=list(QUESTIONS), value=DEFAULT_QUESTIONS, rows=11)
        self.au_questions = t.bind(questions, "description", "questions")
        self.au_questions.add_class("wb-au-questions")
        departments = sorted(ctx.engine.rulebook.departments)
        self.au_department = t.bind(
            widgets.Dropdown(options=departments, value="urban_management"), "description", "department"
        )
        self.au_difficulty = t.bind(
            widgets.Dropdown(options=list(DIFFICULTIES), value="medium"), "description", "difficulty"
        )
        self.au_articles = t.bind(widgets.Text(layout=widgets.Layout(width=WIDE)), "description", "articles")
        self.au_topics = t.bind(widgets.Text(layout=widgets.Layout(width=WIDE)), "description", "topics")
        preview = ctx.button("do_preview", "wb-au-preview", self.author_preview_answer, "info")
        save = ctx.button("save", "wb-au-save", self.author_save, "success")
        self.au_result = widgets.HTML()
        self.au_result.add_class("wb-au-result")
        self.widget = widgets.VBox(
            [
                self.au_source,
                widgets.HBox([self.au_record, load]),
                self.au_id,
                self.au_title_zh,
                self.au_title_en,
                self.au_narr_zh,
                self.au_narr_en,
                self.au_input,
                widgets.HBox([self.au_questions, widgets.VBox([self.au_department, self.au_difficulty])]),
                self.au_articles,
                self.au_topics,
                widgets.HBox([preview, save]),
                self.au_result,
            ]
        )

    def _text(self, kind, key: str, cls: str, height: str | None = None, **kwargs):
        layout = widgets.Layout(width=WIDE, height=height) if height else widgets.Layout(width=WIDE)
        w = self.ctx.i18n.bind(kind(layout=layout, **kwargs), "description", key)
        w.add_class(cls)
        return w

    def _records(self) -> None:
        source = self.au_source.value
        url = self.ctx.url
        if source == "case":
            options = authoring.stored_case_numbers(url=url)
        elif source == "report":
            options = authoring.stored_report_numbers(url=url)
        else:
            options = []
        self.au_record.options = [(label_, number) for number, label_ in options] or [("—", None)]
        self.au_record.value = options[0][0] if options else None
        self.au_record.disabled = source == "new"

    def author_load(self) -> dict:
        number = self.au_record.value
        if self.au_source.value == "new" or number is None:
            draft = {
                "id": self.au_id.value,
                "case": YAML(typ="safe").load(AUTHOR_TEMPLATE)["case"],
                "questions": list(DEFAULT_QUESTIONS),
                "title": {"zh": "", "en": ""},
                "narrative": {"zh": "", "en": ""},
                "tags": {"department": "urban_management", "difficulty": "medium"},
            }
        elif self.au_source.value == "case":
            draft = authoring.draft_from_case_file(number, url=self.ctx.url)
        else:
            draft = authoring.draft_from_report(number, url=self.ctx.url)
        self._fill(draft)
        self.ctx.status.ok(self.ctx.i18n.t("loaded"))
        return draft

    def _fill(self, draft: dict) -> None:
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
        t = self.ctx.i18n
        try:
            engine_input = YAML(typ="safe").load(self.au_input.value) or {}
        except Exception as exc:  # noqa: BLE001 - any YAML error is the author's to fix
            raise InputError(t.t("input_yaml"), t.t("bad_yaml", error=str(exc).splitlines()[0])) from None
        if not isinstance(engine_input, dict):
            raise InputError(t.t("input_yaml"), "case: {...} and/or report: {...}")
        engine_input = json.loads(json.dumps(engine_input, default=str))
        tags: dict[str, Any] = {
            "department": self.au_department.value,
            "difficulty": self.au_difficulty.value,
            "articles": _split(self.au_articles.value),
            "topics": _split(self.au_topics.value),
        }
        if isinstance(engine_input.get("case"), dict) and engine_input["case"].get("violation"):
            tags["violation"] = engine_input["case"]["violation"]
        if isinstance(engine_input.get("report"), dict) and engine_input["report"].get("category"):
            tags["category"] = engine_input["report"]["category"]
        draft = {
            "id": self.au_id.value.strip(),
            "title": {"zh": self.au_title_zh.value, "en": self.au_title_en.value},
            "narrative": {"zh": self.au_narr_zh.value, "en": self.au_narr_en.value},
            "questions": list(self.au_questions.value),
            "tags": tags,
        }
        draft.update({k: v for k, v in engine_input.items()})
        return draft

    def author_preview_answer(self):
        scenario, expected = authoring.preview(self.author_draft())
        self.author_preview = (scenario, expected)
        self.au_result.value = preview_html(self.ctx, scenario, expected)
        return expected

    def author_save(self) -> Path:
        path = authoring.save(self.author_draft(), self.ctx.scenarios_dir)
        self.ctx.bank_changed()  # the trainer's scenario list shows the new one
        self.ctx.status.ok(self.ctx.i18n.t("saved", path=path.name))
        return path


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _yaml_text(data: Any) -> str:
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
