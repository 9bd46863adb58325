"""One level row of the rule lab's grid: a widget per field, read back into a rules-file row."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.lab.drafts import flow_text, parse_flow
from workbench.rulebook.model import LEVEL_NAMES, LEVELS
from workbench.ui.common import I18n

_FIELDS = ("id", "level", "when", "fine", "fine_rate", "other_penalties", "basis")


class LevelRowEditor:
    """One level row of the grid: a widget per field, read back into a rules-file row."""

    def __init__(self, i18n: I18n, row: dict, rate: bool):
        self.rate = rate
        self.extra = {k: v for k, v in row.items() if k not in _FIELDS}
        w = widgets.Layout
        self.id = widgets.Text(value=str(row.get("id", "")), continuous_update=False, layout=w(width="130px"))
        self.level = widgets.Dropdown(
            options=[(f"{LEVEL_NAMES[lv][0]} {lv}", lv) for lv in LEVELS], layout=w(width="150px")
        )
        self.level.value = row.get("level") if row.get("level") in LEVELS else "standard"
        self.when = widgets.Text(
            value=flow_text(row.get("when") or {}), continuous_update=False, layout=w(width="330px")
        )
        if rate:
            low, high = (row.get("fine_rate") or [0.0, 0.0])[:2]
            self.rate_min = widgets.FloatText(value=float(low), step=0.01, layout=w(width="80px"))
            self.rate_max = widgets.FloatText(value=float(high), step=0.01, layout=w(width="80px"))
            money = [self.rate_min, self.rate_max]
            self.rate_min.add_class("wb-lab-rate-min")
            self.rate_max.add_class("wb-lab-rate-max")
        else:
            fine = row.get("fine") or {}
            person, org = fine.get("person") or [0, 0], fine.get("organisation") or [0, 0]
            self.person_min = widgets.IntText(value=int(person[0]), layout=w(width="90px"))
            self.person_max = widgets.IntText(value=int(person[1]), layout=w(width="90px"))
            self.org_min = widgets.IntText(value=int(org[0]), layout=w(width="90px"))
            self.org_max = widgets.IntText(value=int(org[1]), layout=w(width="90px"))
            for name in ("person_min", "person_max", "org_min", "org_max"):
                getattr(self, name).add_class(f"wb-lab-{name.replace('_', '-')}")
            money = [self.person_min, self.person_max, self.org_min, self.org_max]
        self.others = widgets.Text(
            value=", ".join(row.get("other_penalties") or []), continuous_update=False, layout=w(width="150px")
        )
        self.basis = widgets.Text(value=str(row.get("basis") or ""), continuous_update=False, layout=w(width="320px"))
        self.problems = widgets.HTML()
        self.problems.add_class("wb-lab-row-problems")
        for name, widget in (
            ("id", self.id),
            ("level", self.level),
            ("when", self.when),
            ("others", self.others),
            ("basis", self.basis),
        ):
            widget.add_class(f"wb-lab-{name}")
        self.inputs = [self.id, self.level, self.when, *money, self.others, self.basis]
        # text, not icons: Voila's Font Awesome comes from a CDN the county's machines cannot reach
        self.up = widgets.Button(description="↑", layout=w(width="34px"))
        self.down = widgets.Button(description="↓", layout=w(width="34px"))
        self.delete = widgets.Button(description="✕", layout=w(width="34px"))
        for name in ("up", "down", "delete"):
            getattr(self, name).add_class(f"wb-lab-row-{name}")
        line = widgets.HBox(
            self.inputs + [self.up, self.down, self.delete], layout=w(flex_flow="row nowrap", align_items="center")
        )
        self.box = widgets.VBox([line, self.problems])
        self.box.add_class("wb-lab-row")
        self.box.add_class(f"wb-lab-row-{row.get('id', '')}")

    def to_row(self, index: int) -> dict:
        where = f"row {index + 1} ({self.id.value}) condition"
        row: dict[str, Any] = {
            "id": self.id.value.strip(),
            "level": self.level.value,
            "when": parse_flow(self.when.value, where),
        }
        if not isinstance(row["when"], dict):
            raise InputError(where, 'must be a mapping like {area_m2: {"<": 3}} or {} for every case')
        if self.rate:
            row["fine_rate"] = [round(self.rate_min.value, 6), round(self.rate_max.value, 6)]
        else:
            row["fine"] = {
                "person": [self.person_min.value, self.person_max.value],
                "organisation": [self.org_min.value, self.org_max.value],
            }
        others = [p.strip() for p in self.others.value.replace("，", ",").split(",") if p.strip()]
        if others:
            row["other_penalties"] = others
        if self.basis.value.strip():
            row["basis"] = self.basis.value.strip()
        row.update(self.extra)
        return row
