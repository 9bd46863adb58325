"""Pieces every Workbench app shares: language, errors, tables, progress, CSS hooks.

Every app (triage, lab, review, training) builds its screen from these, so the
four apps switch language, report errors and page tables the same way, and the
browser tests can find the same ``wb-...`` classes everywhere.

API
===

Language (中文 / English) — one :class:`I18n` per app instance::

    i18n = I18n({"title": {"zh": "分拨台", "en": "Triage console 分拨台"}})
    i18n.add({...})                          # more messages; COMMON holds shared ones
    i18n.t("title")                          # text in the current language
    i18n.t("overdue_by", hours=3)            # str.format placeholders
    i18n.bind(button, "description", "submit")          # relabelled on every switch
    i18n.bind(text, "placeholder", "description_hint")
    i18n.bind(html, "value", "intro", wrap="<h3>{}</h3>")  # wrap: a format for the text
    i18n.bind_options(dropdown, [("sev_major", "major"), ...])  # labels by key, values kept
    i18n.on_change(lambda lang: table.refresh())        # anything computed (tables, charts)
    i18n.set_language("en")                  # or the LanguageSwitch widget
    LanguageSwitch(i18n)                     # ToggleButtons 中文 / English, class wb-lang

A message is ``{"zh": ..., "en": ...}``; English texts of domain terms keep the
Chinese term beside them ("Severity 严重程度"). A missing key shows the key
itself (never raises), so a typo is visible, not fatal. The default language
is Chinese; ``WORKBENCH_LANG=en`` changes it. While options are being
relabelled ``i18n.switching`` is True: observers of a selection's value can
ignore the change (the value is restored afterwards).

Errors — wrap every callback::

    status = StatusBar(i18n)                 # HTML, class wb-status (+ wb-error / wb-ok / wb-info)
    status.say("ok", "saved", number="R1")   # by key: follows the language; status.ok("text") for fixed text
    button.on_click(safe_callback(on_submit, status, i18n))

A :class:`~workbench.errors.WorkbenchError` (bad input, a rule that cannot be
evaluated) is shown with its own message; any other exception is logged with
its traceback (logger ``workbench.ui``: ``$WORKBENCH_LOG_DIR/ui.log``, else
``var/log/ui.log`` in the repository, and the process's real stderr — never
the page) and the user sees a short message with a reference number.

Tables — explicit columns, paging, sorting, optional row selection::

    table = DataTable(
        [Column("id", "col_id"), Column("severity", "col_severity", fmt=lambda v: ...)],
        rows=[{"id": 1, ...}], i18n=i18n, page_size=15, key="id", selectable=True)
    table.set_rows(rows)                     # keeps sort, resets to page 1 if needed
    table.sort_by("received_at", descending=True)
    table.next_page(); table.prev_page(); table.page   # 0-based
    table.selected                           # key of the selected row, or None
    table.on_select(lambda key: ...)
    table.widget                             # VBox, class wb-table; the <table> has class wb-table-grid,
                                             # each <tr> data-key="<key>"
    DataTable(..., compact=True)             # opt-in: the sort and paging controls are hidden while all
                                             # rows fit on one page (table.controls.layout.display)

Progress — for any job that may take over a second::

    progress = ProgressBar(i18n)             # class wb-progress, hidden when idle
    for item in progress.track(items, label_key="scoring"): ...

Store and Voila::

    problem = store_problem(url, ("report", "department"))   # None, or why the database cannot be used
    if problem: status.say("error", "no_database", problem=problem)  # and show the app without data
    wait_for_voila_request()                 # in a preheated kernel: wait for the user's request before
                                             # loading data (no-op elsewhere); build widgets before it

Layout and CSS::

    app_shell(i18n, "title", body_widget, status)   # header (title + switch), body, status; class wb-app
                                             # build it last: after a switch its class wb-lang-<lang> is
                                             # set after every other relabelling (tests wait for .wb-app.wb-lang-en)
    style()                                  # the <style> block (included by app_shell)
    label(i18n, key, tag="b")                # an HTML widget bound to a key
"""

from __future__ import annotations

from workbench.config import settings, voila_preheated
import html
import itertools
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import ipywidgets as widgets

from workbench.errors import WorkbenchError

LANGUAGES = ("zh", "en")

# Messages every app uses. Apps add their own with I18n.add (or pass them in).
COMMON: dict[str, dict[str, str]] = {
    "language": {"zh": "语言", "en": "Language 语言"},
    "ok": {"zh": "完成", "en": "Done"},
    "error_internal": {
        "zh": "操作失败，系统错误已记录（编号 {ref}）。请重试或联系管理员。",
        "en": "Something went wrong; the error was logged (ref {ref}). Try again or tell the administrator.",
    },
    "error_input": {"zh": "无法完成：{message}", "en": "Cannot do that: {message}"},
    "table_empty": {"zh": "没有记录", "en": "No records 没有记录"},
    "table_range": {"zh": "第 {first}–{last} 条，共 {total} 条", "en": "{first}–{last} of {total}"},
    "table_prev": {"zh": "上一页", "en": "Previous"},
    "table_next": {"zh": "下一页", "en": "Next"},
    "table_sort": {"zh": "排序", "en": "Sort by"},
    "table_unsorted": {"zh": "（默认顺序）", "en": "(as listed)"},
    "table_descending": {"zh": "降序", "en": "Descending"},
    "table_select": {"zh": "选择", "en": "Select"},
    "working": {"zh": "处理中…", "en": "Working…"},
    "no_database": {
        "zh": "数据库尚未初始化：{problem}。请先运行 workbench init --demo（或 workbench init），然后刷新本页。",
        "en": "The database is not set up: {problem}. Run `workbench init --demo` (or `workbench init`), then reload this page.",
    },
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
}

log = logging.getLogger("workbench.ui")


# --------------------------------------------------------------------------- language


@dataclass
class _Binding:
    widget: Any
    attr: str
    key: str
    fmt: dict
    wrap: str | None


class I18n:
    """The language of one app, and every widget text that follows it."""

    def __init__(self, messages: dict[str, dict[str, str]] | None = None, lang: str | None = None):
        self.messages: dict[str, dict[str, str]] = dict(COMMON)
        if messages:
            self.add(messages)
        lang = lang or settings().lang
        self.lang = lang if lang in LANGUAGES else "zh"
        self.switching = False
        self._bindings: list[_Binding] = []
        self._option_bindings: list[tuple[Any, list[tuple[str, Any]]]] = []
        self._listeners: list[Callable[[str], None]] = []

    def add(self, messages: dict[str, dict[str, str]]) -> "I18n":
        for key, texts in messages.items():
            missing = [lang for lang in LANGUAGES if lang not in texts]
            if missing:
                raise ValueError(f"message {key!r} has no text for {', '.join(missing)}")
            self.messages[key] = texts
        return self

    def t(self, key: str, lang: str | None = None, **fmt) -> str:
        texts = self.messages.get(key)
        if texts is None:
            return key
        text = texts[lang or self.lang]
        if fmt:
            try:
                return text.format(**fmt)
            except (KeyError, IndexError, ValueError):
                return text
        return text

    def bind(self, widget, attr: str, key: str, wrap: str | None = None, **fmt):
        """Set ``widget.attr`` to the text of ``key`` now and after every switch; returns the widget."""
        binding = _Binding(widget, attr, key, fmt, wrap)
        self._bindings.append(binding)
        self._apply(binding)
        return widget

    def bind_options(self, widget, options: list[tuple[str, Any]]):
        """Label a selection widget's options by message key; values stay as given."""
        self._option_bindings.append((widget, list(options)))
        self._apply_options(widget, options)
        if getattr(widget, "index", 0) is None and options:
            widget.index = 0  # a new selection widget starts on its first option, as with options= in its constructor
        return widget

    def rebind_options(self, widget, options: list[tuple[str, Any]]) -> None:
        """Replace the option list of a widget already bound with :meth:`bind_options`."""
        self._option_bindings = [(w, o) for w, o in self._option_bindings if w is not widget]
        self.bind_options(widget, options)

    def on_change(self, callback: Callable[[str], None]) -> None:
        self._listeners.append(callback)

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self.switching = True
        try:
            for binding in self._bindings:
                self._apply(binding)
            for widget, options in self._option_bindings:
                self._apply_options(widget, options)
        finally:
            self.switching = False
        for callback in self._listeners:
            callback(lang)

    def _apply(self, b: _Binding) -> None:
        text = self.t(b.key, **b.fmt)
        if b.wrap:
            text = b.wrap.format(html.escape(text))
        setattr(b.widget, b.attr, text)

    def _apply_options(self, widget, options) -> None:
        was = self.switching
        self.switching = True
        try:
            old = widget.value
            widget.options = [(self.t(key) if isinstance(key, str) else str(key), value) for key, value in options]
            values = [v for _, v in options]
            if isinstance(old, tuple):  # SelectMultiple
                widget.value = tuple(v for v in old if v in values)
            elif old in values and widget.value != old:
                widget.value = old
        finally:
            self.switching = was


class LanguageSwitch(widgets.ToggleButtons):
    """中文 / English; switching relabels every widget bound to the app's I18n."""

    def __init__(self, i18n: I18n, **kwargs):
        super().__init__(options=[("中文", "zh"), ("English", "en")], value=i18n.lang, **kwargs)
        self.i18n = i18n
        self.style.button_width = "80px"
        self.add_class("wb-lang")
        self.observe(self._switch, names="value")

    def _switch(self, change) -> None:
        self.i18n.set_language(change["new"])


def label(i18n: I18n, key: str, tag: str = "span", cls: str | None = None) -> widgets.HTML:
    """An HTML widget showing the text of ``key`` inside ``<tag>``, following the language."""
    widget = widgets.HTML()
    if cls:
        widget.add_class(cls)
    return i18n.bind(widget, "value", key, wrap=f"<{tag}>{{}}</{tag}>")


# --------------------------------------------------------------------------- errors


class MessageKey(str):
    """A message key passed as a format value to StatusBar.say: translated too."""


class StatusBar(widgets.HTML):
    """One line telling the user what just happened; class wb-status, plus wb-ok / wb-error / wb-info.

    ``say(kind, key, **fmt)`` shows a message by key, re-rendered when the
    language changes (a value wrapped in ``MessageKey`` is translated as well);
    ``ok/info/error(text)`` show fixed text.
    """

    def __init__(self, i18n: I18n | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("wb-status")
        self.kind = ""
        self.text = ""
        self.i18n = i18n
        self._said: tuple[str, str, dict] | None = None
        if i18n is not None:
            i18n.on_change(lambda _lang: self._resay())

    def say(self, kind: str, key: str, **fmt) -> None:
        i18n = self.i18n or I18n()
        self._said = (kind, key, fmt)
        values = {k: i18n.t(v) if isinstance(v, MessageKey) else v for k, v in fmt.items()}
        self._show(f"wb-{kind}", i18n.t(key, **values))
        self._said = (kind, key, fmt)

    def _resay(self) -> None:
        if self._said is not None:
            self.say(*self._said[:2], **self._said[2])

    def ok(self, text: str) -> None:
        self._show("wb-ok", text)

    def info(self, text: str) -> None:
        self._show("wb-info", text)

    def error(self, text: str) -> None:
        self._show("wb-error", text)

    def clear(self) -> None:
        self._show("", "")

    def _show(self, kind: str, text: str) -> None:
        self._said = None
        for cls in ("wb-ok", "wb-error", "wb-info"):
            if cls in self._dom_classes and cls != kind:
                self.remove_class(cls)
        if kind:
            self.add_class(kind)
        self.kind, self.text = kind, text
        self.value = f'<div class="wb-status-text">{html.escape(text)}</div>' if text else ""


_refs = itertools.count(1)
_logging_ready = False


def safe_callback(fn: Callable, status: StatusBar, i18n: I18n | None = None) -> Callable:
    """Wrap a widget callback: errors become a short message in ``status``, and a log entry.

    A WorkbenchError (a person's mistake, a rule that cannot be evaluated) shows
    its own message; anything else is logged with its traceback and the user
    sees a reference number to quote. The wrapper returns ``fn``'s result, or
    None after an error.
    """
    i18n = i18n or I18n()

    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WorkbenchError as exc:
            _setup_logging()
            log.warning("%s: %s", getattr(fn, "__qualname__", fn), exc)
            status.i18n = status.i18n or i18n
            status.say("error", "error_input", message=str(exc))
        except Exception:  # noqa: BLE001 - the point: never a silent failure, never a traceback on the page
            _setup_logging()
            ref = f"{os.getpid()}-{next(_refs)}"
            log.exception("callback %s failed (ref %s)", getattr(fn, "__qualname__", fn), ref)
            status.i18n = status.i18n or i18n
            status.say("error", "error_internal", ref=ref)
        return None

    wrapper.__wrapped__ = fn
    wrapper.__name__ = getattr(fn, "__name__", "callback")
    return wrapper


def log_file() -> Path | None:
    """Where UI errors are logged: $WORKBENCH_LOG_DIR/ui.log, else var/log/ui.log of a source checkout."""
    return settings().logs() / "ui.log"


def _setup_logging() -> None:
    global _logging_ready
    if _logging_ready:
        return
    _logging_ready = True
    log.setLevel(logging.INFO)
    log.propagate = False
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    # sys.__stderr__: the process's own stderr (the server console), not the kernel's
    # captured stream, which Voila would show on the page.
    if sys.__stderr__ is not None:
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(fmt)
        log.addHandler(handler)
    path = log_file()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, encoding="utf-8")
            handler.setFormatter(fmt)
            log.addHandler(handler)
        except OSError:
            pass


# --------------------------------------------------------------------------- tables


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
            self.range_label.value = html.escape(self.i18n.t("table_range", first=first, last=first + len(rows) - 1, total=total))
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
            f'<th data-col="{html.escape(c.key)}">{html.escape(self.i18n.t(c.label))}'
            f"{self._arrow(c.key)}</th>"
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


# --------------------------------------------------------------------------- progress


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


# --------------------------------------------------------------------------- layout


CSS = """
.wb-app { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; max-width: 1400px; }
.wb-header { border-bottom: 2px solid #1f4e79; margin-bottom: 8px; padding-bottom: 4px; }
.wb-header h2 { margin: 4px 12px 4px 0; color: #1f4e79; }
.wb-status { min-height: 1.6em; }
.wb-status .wb-status-text { padding: 4px 8px; border-radius: 3px; }
.wb-ok .wb-status-text { background: #e6f4ea; color: #1e6b34; }
.wb-info .wb-status-text { background: #e8f0fe; color: #1a4f9c; }
.wb-error .wb-status-text { background: #fdecea; color: #9b1c1c; font-weight: bold; }
table.wb-table-grid { border-collapse: collapse; font-size: 13px; width: 100%; }
table.wb-table-grid th { background: #eef3f8; text-align: left; }
table.wb-table-grid th, table.wb-table-grid td { border: 1px solid #d0d7de; padding: 3px 6px; vertical-align: top; }
table.wb-table-grid tr.wb-overdue td { background: #fff4e5; }
table.wb-table-grid tr.wb-row-error td { background: #fdecea; }
.wb-table-empty { color: #666; padding: 6px; }
.wb-card { border: 1px solid #d0d7de; border-radius: 4px; padding: 6px 10px; margin: 4px 0; }
.wb-basis { color: #444; font-size: 12px; }
table.wb-classification-table th { white-space: nowrap; width: 9em; }
.wb-sev-major { color: #9b1c1c; font-weight: bold; }
.wb-sev-composite { color: #a15c00; font-weight: bold; }
.wb-sev-general { color: #1e6b34; }
"""


def style() -> widgets.HTML:
    """The shared stylesheet, as a widget (inline: nothing is fetched from the network)."""
    widget = widgets.HTML(f"<style>{CSS}</style>")
    widget.add_class("wb-style")
    return widget


def app_shell(i18n: I18n, title_key: str, body, status: StatusBar | None = None, cls: str | None = None) -> widgets.VBox:
    """The frame of an app: style, a header with the title and the language switch, the body, the status line."""
    title = label(i18n, title_key, tag="h2", cls="wb-title")
    header = widgets.HBox([title, LanguageSwitch(i18n)], layout=widgets.Layout(align_items="center", justify_content="space-between"))
    header.add_class("wb-header")
    children = [style(), header]
    if status is not None:
        children.append(status)
    children.append(body)
    shell = widgets.VBox(children)
    shell.add_class("wb-app")
    shell.add_class(f"wb-lang-{i18n.lang}")
    if cls:
        shell.add_class(cls)

    def mark(lang: str) -> None:  # registered last: when it shows, every relabelling before it has been sent
        for other in LANGUAGES:
            if other != lang:
                shell.remove_class(f"wb-lang-{other}")
        shell.add_class(f"wb-lang-{lang}")

    i18n.on_change(mark)
    return shell


# --------------------------------------------------------------------------- store and Voila


def store_problem(url: str | None = None, tables: Iterable[str] = ("department",)) -> str | None:
    """Why the store cannot be used (unreachable, not initialised: ``tables`` missing), or None.

    Apps call it before loading data and show ``no_database`` instead of a traceback.
    """
    try:
        from sqlalchemy import inspect

        from workbench.store import get_engine

        present = set(inspect(get_engine(url)).get_table_names())
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is reported, not raised
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    missing = sorted(set(tables) - present)
    if missing:
        return f"tables missing: {', '.join(missing)}"
    return None


def wait_for_voila_request() -> None:
    """In a preheated Voila kernel, pause until a user opens the page, so the data shown is fresh.

    A preheated kernel runs the notebook before anyone asks for it; data loaded
    before this call would be as old as the kernel. Outside Voila's preheating
    (tests, nbval, plain Voila) it returns at once.
    """
    if not voila_preheated():
        return
    try:
        from voila.utils import wait_for_request

        wait_for_request()
    except Exception:  # noqa: BLE001 - never fail the app on it; the data is then only older
        _setup_logging()
        log.warning("wait_for_request failed; data may be as old as the preheated kernel", exc_info=True)
