"""What the Training room's tabs share: store, language, engine, status bar, the scenario bank.

Each tab is built with one :class:`RoomContext`. The tabs never call each other: when the
exercises change (one is created, opened, closed, or the trainee presses refresh) the context
runs every tab's ``refresh`` hook in the order the tabs registered them; when the bank is read
again (a scenario was saved) it runs the ``bank`` hooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import ipywidgets as widgets

from workbench.config import settings
from workbench.engine import get_engine
from workbench.training.bank import Bank, read_bank
from workbench.ui.common import I18n, ProgressBar, StatusBar, safe_callback
from workbench.ui.training.messages import MESSAGES


class RoomContext:
    def __init__(self, url: str | None = None, i18n: I18n | None = None, scenarios_dir: str | Path | None = None):
        self.url = url
        self.i18n = i18n or I18n()
        self.i18n.add(MESSAGES)
        self.scenarios_dir = scenarios_dir or settings().scenarios_dir or None
        self.engine = get_engine()
        self.status = StatusBar()
        self.bank: Bank
        self.bank_problems: list = []
        self.read_bank()
        self.progress = ProgressBar(self.i18n)
        self._on_refresh: list[Callable[[], None]] = []
        self._on_bank: list[Callable[[], None]] = []

    def read_bank(self) -> None:
        """(Re)read the scenario bank. A broken file must not close the room: keep the good scenarios."""
        self.bank, self.bank_problems = read_bank(self.scenarios_dir)

    def bank_changed(self) -> None:
        self.read_bank()
        for hook in self._on_bank:
            hook()

    def on_bank_changed(self, hook: Callable[[], None]) -> None:
        self._on_bank.append(hook)

    def on_refresh(self, hook: Callable[[], None]) -> None:
        self._on_refresh.append(hook)

    def refresh_exercises(self) -> None:
        """The exercises in the store changed (or may have): every tab shows them again."""
        for hook in self._on_refresh:
            hook()

    def cb(self, fn: Callable) -> Callable:
        """``fn`` as a widget callback: errors become a message in the status bar."""
        return safe_callback(fn, self.status, self.i18n)

    def button(self, key: str, cls: str, fn: Callable[[], object], style: str = "") -> widgets.Button:
        """A button labelled by message ``key``, with CSS class ``cls``, that runs ``fn`` safely."""
        button = widgets.Button(button_style=style, layout=widgets.Layout(width="auto"))
        self.i18n.bind(button, "description", key)
        button.add_class(cls)
        button.on_click(self.cb(lambda _b: fn()))
        return button


def pct(score: float | None) -> str:
    """A score as a whole percentage, or a dash when there is none."""
    return "—" if score is None else f"{round(score * 100)}%"
