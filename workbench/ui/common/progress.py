"""A progress bar for any job that may take over a second (class wb-progress, hidden when idle)."""

from __future__ import annotations

import html
import time
from typing import Iterable, Iterator

import ipywidgets as widgets

from workbench.ui.common.i18n import I18n


class ProgressBar:
    """A bar with a label for jobs that may take over a second; hidden when idle (class wb-progress)."""

    def __init__(self, i18n: I18n | None = None):
        self.i18n = i18n or I18n()
        self.bar = widgets.IntProgress(min=0, max=1, value=0, layout=widgets.Layout(width="300px"))
        self.text = widgets.HTML()
        self.widget = widgets.HBox([self.bar, self.text], layout=widgets.Layout(display="none"))
        self.widget.add_class("wb-progress")
        self.started = 0.0

    def start(self, total: int, label_key: str = "working", **fmt) -> None:
        self.bar.max = max(1, total)
        self.bar.value = 0
        self._label = (label_key, fmt)
        self.text.value = html.escape(self.i18n.t(label_key, **fmt))
        self.started = time.monotonic()
        self.widget.layout.display = "flex"

    def advance(self, n: int = 1) -> None:
        self.bar.value = min(self.bar.max, self.bar.value + n)
        key, fmt = self._label
        self.text.value = html.escape(f"{self.i18n.t(key, **fmt)} {self.bar.value}/{self.bar.max}")

    def done(self) -> None:
        self.widget.layout.display = "none"

    def track(self, items: Iterable, total: int | None = None, label_key: str = "working", **fmt) -> Iterator:
        """Yield the items, advancing the bar; hidden again at the end (also on error)."""
        items = list(items) if total is None else items
        self.start(total if total is not None else len(items), label_key, **fmt)
        try:
            for item in items:
                yield item
                self.advance()
        finally:
            self.done()
