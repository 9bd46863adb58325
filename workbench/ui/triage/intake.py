"""受理登记 (intake tab): the report form (wb-intake) and the engine's classification of the report filed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import ipywidgets as widgets

from workbench import triage as service
from workbench.rulebook.model import REPORT_FLAGS, REPORT_SOURCES
from workbench.ui.common import label
from workbench.ui.triage.card import render_classification
from workbench.ui.triage.desk import Desk


class IntakeTab:
    """The form; ``after_filing()`` is called once a report is filed (the console refreshes and selects it)."""

    def __init__(self, desk: Desk, after_filing: Callable[[], None]):
        self.desk = desk
        self.after_filing = after_filing
        i = desk.i18n
        wide = widgets.Layout(width="460px")
        self.source = i.bind_options(widgets.Dropdown(layout=wide), [(f"src_{s}", s) for s in REPORT_SOURCES])
        self.source.add_class("wb-source")
        i.bind(self.source, "description", "source")
        self.category = widgets.Dropdown(layout=wide)
        self.category.add_class("wb-category")
        i.bind(self.category, "description", "category")
        self.fill_categories()
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
        flags = widgets.HBox(
            [label(i, "flags", tag="b")] + list(self.flag_boxes.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        self.description = widgets.Textarea(layout=widgets.Layout(width="460px", height="70px"))
        self.description.add_class("wb-description")
        i.bind(self.description, "description", "description")
        self.submit = widgets.Button(button_style="primary", layout=widgets.Layout(width="220px"))
        self.submit.add_class("wb-submit")
        i.bind(self.submit, "description", "submit")
        self.submit.on_click(desk.cb(self.on_submit))
        self.classification = widgets.HTML()
        self.classification.add_class("wb-classification")
        form = widgets.VBox(
            [
                self.source,
                self.category,
                self.received_at,
                self.community,
                self.address,
                self.key_road,
                self.people,
                flags,
                self.description,
                self.submit,
            ]
        )
        form.add_class("wb-intake")
        self.box = widgets.HBox([form, self.classification], layout=widgets.Layout(align_items="flex-start"))
        self.classification.layout = widgets.Layout(width="560px", margin="0 0 0 16px")

    def fill_categories(self) -> None:
        names = self.desk.category_names
        keep = self.category.value
        self.category.options = [(self.desk.category_name(c), c) for c in names]
        if keep in names:
            self.category.value = keep

    def form(self) -> dict:
        received = self.received_at.value.strip()
        if received:
            try:
                received_at: Any = dt.datetime.fromisoformat(received.replace("/", "-"))
            except ValueError:
                raise service.TriageInputError("received_at", "triage_bad_time", value=repr(received)) from None
        else:
            received_at = self.desk.clock()
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
        desk = self.desk
        result = service.intake(self.form(), desk.who(), at=desk.clock(), url=desk.url, engine=desk.engine)
        desk.last_intake = result
        desk.current_id = result.report_id
        self.classification.value = render_classification(desk, result.report_id)
        self.reset_form()
        self.after_filing()
        if result.classified:
            desk.status.say("ok", "filed_ok", number=result.number)
        else:
            desk.status.say("info", "filed_unclassified", number=result.number, problem=desk.localized(result.message))

    def show_last(self) -> None:
        """The card of the report filed last, again (after a language switch)."""
        if self.desk.last_intake is not None:
            self.classification.value = render_classification(self.desk, self.desk.last_intake.report_id)

    def reset_form(self) -> None:
        self.received_at.value = ""
        self.community.value = ""
        self.address.value = ""
        self.key_road.value = False
        self.people.value = 0
        self.description.value = ""
        for box in self.flag_boxes.values():
            box.value = False
