"""Small layout pieces of the review desk: a table under its heading, showing and hiding a part."""

from __future__ import annotations

import ipywidgets as widgets

from workbench.ui.common import I18n, label


def section(i18n: I18n, key: str, body: widgets.Widget, cls: str | None = None) -> widgets.VBox:
    """A heading (following the language) over a table, so no table is shown without saying what it is."""
    box = widgets.VBox([label(i18n, key, tag="h4"), body])
    box.add_class("wb-review-section")
    if cls:
        box.add_class(cls)
    return box


def show(widget: widgets.Widget, visible: bool) -> None:
    widget.layout.display = "flex" if visible else "none"
