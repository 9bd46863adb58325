"""Tables: explicit columns, paging, sorting, optional row selection (class wb-table)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import ipywidgets as widgets

from workbench.ui.common.i18n import I18n


@dataclass
class Column:
    """One column: the row key it shows, its header's message key, an optional formatter."""

    key: str
    label: str
    fmt: Callable[[Any], str] | None = None
    sortable: bool = True
    html: bool = False  # fmt returns trusted HTML (already escaped); otherwise the text is escaped


class DataTable:
    """An HTML table with explicit columns, paging, sorting and an optional row selector."""

    def __init__(
        self,
        columns: list[Column],
        rows: Iterable[dict] = (),
        i18n: I18n | None = None,
        page_size: int = 20,
        key: str | None = None,
        selectable: bool = False,
        select_label: Callable[[dict], str] | None = None,
        cls: str | None = None,
        compact: bool = False,
    ):
        self.columns = list(columns)
        self.compact = compact  # hide sort/paging controls while every row fits on one page
        self.i18n = i18n or I18n()
        self.page_size = max(1, page_size)
        self.key = key or self.columns[0].key
        self.rows: list[dict] = []
        self.page = 0
        self.sort_key: str | None = None
        self.descending = False
        self._select_label = select_label or (lambda row: str(row.get(self.key)))
        self._select_callbacks: list[Callable[[Any], None]] = []

        self.grid = widgets.HTML()
        self.grid.add_class("wb-table-grid-box")
        self.range_label = widgets.HTML()
        self.range_label.add_class("wb-table-range")
        self.prev_button = widgets.Button(layout=widgets.Layout(width="90px"))
        self.prev_button.add_class("wb-table-prev")
        self.next_button = widgets.Button(layout=widgets.Layout(width="90px"))
        self.next_button.add_class("wb-table-next")
        self.i18n.bind(self.prev_button, "description", "table_prev")
        self.i18n.bind(self.next_button, "description", "table_next")
        self.prev_button.on_click(lambda _: self.prev_page())
        self.next_button.on_click(lambda _: self.next_page())

        sortable = [(c.label, c.key) for c in self.columns if c.sortable]
        self.sort_dropdown = widgets.Dropdown(layout=widgets.Layout(width="260px"))
        self.sort_dropdown.add_class("wb-table-sort")
        self.i18n.bind(self.sort_dropdown, "description", "table_sort")
        self.i18n.bind_options(self.sort_dropdown, [("table_unsorted", None)] + sortable)
        self.desc_box = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="120px"))
        self.desc_box.add_class("wb-table-desc")
        self.i18n.bind(self.desc_box, "description", "table_descending")
        self.sort_dropdown.observe(self._sort_changed, names="value")
        self.desc_box.observe(self._sort_changed, names="value")

        self.selector = None
        if selectable:
            self.selector = widgets.Dropdown(options=[], layout=widgets.Layout(width="420px"))
            self.selector.add_class("wb-table-select")
            self.i18n.bind(self.selector, "description", "table_select")
            self.selector.observe(self._selected, names="value")

        controls = [self.sort_dropdown, self.desc_box, self.prev_button, self.next_button, self.range_label]
        self.controls = widgets.HBox(controls, layout=widgets.Layout(align_items="center", flex_flow="row wrap"))
        self.controls.add_class("wb-table-controls")
        children = [self.controls, self.grid]
        if self.selector is not None:
            children.append(self.selector)
        self.widget = widgets.VBox(children)
        self.widget.add_class("wb-table")
        if cls:
            self.widget.add_class(cls)
        self.i18n.on_change(lambda _lang: self.refresh())
        self.set_rows(rows)

    # ---- data
    def set_rows(self, rows: Iterable[dict]) -> None:
        self.rows = list(rows)
        last = max(0, (len(self.rows) - 1) // self.page_size)
        self.page = min(self.page, last)
        self.refresh()

    def sort_by(self, key: str | None, descending: bool = False) -> None:
        self.sort_dropdown.value = key
        self.desc_box.value = descending
        self._sort_changed(None)

    def next_page(self) -> None:
        if (self.page + 1) * self.page_size < len(self.rows):
            self.page += 1
            self.refresh()

    def prev_page(self) -> None:
        if self.page > 0:
            self.page -= 1
            self.refresh()

    @property
    def selected(self):
        return self.selector.value if self.selector is not None else None

    def select(self, key) -> None:
        """Select the row with this key (moving to its page)."""
        ordered = self.sorted_rows()
        for index, row in enumerate(ordered):
            if row.get(self.key) == key:
                self.page = index // self.page_size
                self.refresh()
                self.selector.value = key
                return
        raise KeyError(key)

    def on_select(self, callback: Callable[[Any], None]) -> None:
        self._select_callbacks.append(callback)

    def sorted_rows(self) -> list[dict]:
        if not self.sort_key:
            return list(self.rows)
        present = [r for r in self.rows if r.get(self.sort_key) is not None]
        absent = [r for r in self.rows if r.get(self.sort_key) is None]
        present.sort(key=lambda r: _sort_value(r.get(self.sort_key)), reverse=self.descending)
        return present + absent

    def page_rows(self) -> list[dict]:
        start = self.page * self.page_size
        return self.sorted_rows()[start : start + self.page_size]

    # ---- rendering
    def refresh(self) -> None:
        rows = self.page_rows()
        self.grid.value = self.render_html(rows)
        total = len(self.rows)
        if total:
            first = self.page * self.page_size + 1
            text = self.i18n.t("table_range", first=first, last=first + len(rows) - 1, total=total)
            self.range_label.value = html.escape(text)
        else:
            self.range_label.value = ""
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = (self.page + 1) * self.page_size >= total
        if self.compact:
            self.controls.layout.display = "none" if total <= self.page_size else "flex"
        if self.selector is not None:
            keep = self.selector.value
            options = [(self._select_label(r), r.get(self.key)) for r in rows]
            self.selector.unobserve(self._selected, names="value")
            try:
                self.selector.options = [("—", None)] + options
                self.selector.value = keep if keep in [v for _, v in options] else None
            finally:
                self.selector.observe(self._selected, names="value")
            if self.selector.value != keep:
                self._notify_select(self.selector.value)

    def render_html(self, rows: list[dict]) -> str:
        if not rows:
            return f'<div class="wb-table-empty">{html.escape(self.i18n.t("table_empty"))}</div>'
        head = "".join(
            f'<th data-col="{html.escape(c.key)}">{html.escape(self.i18n.t(c.label))}{self._arrow(c.key)}</th>'
            for c in self.columns
        )
        body = []
        for row in rows:
            cells = []
            for c in self.columns:
                value = row.get(c.key)
                text = c.fmt(value) if c.fmt else ("" if value is None else str(value))
                cells.append(f'<td data-col="{html.escape(c.key)}">{text if c.html else html.escape(str(text))}</td>')
            cls = html.escape(str(row.get("_class", "")))
            body.append(f'<tr data-key="{html.escape(str(row.get(self.key)))}" class="{cls}">{"".join(cells)}</tr>')
        return f'<table class="wb-table-grid"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'

    def _arrow(self, key: str) -> str:
        if key != self.sort_key:
            return ""
        return " ▼" if self.descending else " ▲"

    def _sort_changed(self, _change) -> None:
        if self.i18n.switching:
            return
        self.sort_key = self.sort_dropdown.value
        self.descending = self.desc_box.value
        self.page = 0
        self.refresh()

    def _selected(self, change) -> None:
        self._notify_select(change["new"])

    def _notify_select(self, key) -> None:
        for callback in self._select_callbacks:
            callback(key)


def _sort_value(value):
    # Mixed types sort by type name first so that a stray string never raises.
    if isinstance(value, bool):
        return ("0", int(value))
    if isinstance(value, (int, float)):
        return ("0", value)
    return ("1", str(value))
