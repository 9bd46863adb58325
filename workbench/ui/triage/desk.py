"""What every part of the triage console shares: the :class:`Desk`, and a few layout helpers.

The desk holds the store URL, the engine, the clock, the language and status
line, the operator field and the report being worked on; each tab or panel
gets the desk and reads or sets these through it.
"""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as widgets

from workbench import triage as service
from workbench.errors import WorkbenchError
from workbench.ui.catalogue import load_messages
from workbench.ui.common import I18n, Localized, StatusBar, log, safe_callback, setup_logging

# refusals, status (st_*) and severity (sev_*) names come from the service: one source for service and console
MESSAGES: dict[str, dict[str, str]] = {**service.MESSAGES, **load_messages("workbench.ui.triage")}


class Desk:
    """The console's shared state and the helpers that show codes (departments, categories, terms)."""

    def __init__(self, url: str | None = None, lang: str | None = None, engine=None, clock=None):
        self.url = url
        self.engine = engine
        self.clock = clock or service.now
        self.i18n = I18n(MESSAGES, lang=lang)
        self.status = StatusBar(self.i18n)
        self.current_id: int | None = None
        self.current_version: int | None = None  # the version shown: an action on a changed report is refused
        self.last_intake: service.IntakeResult | None = None
        self.problem: str | None = None  # why the store cannot be used (set by the console once built)
        self.category_names = service.categories(engine)
        self.departments: dict[str, tuple[str, str]] = {}

        self.operator = widgets.Text(value="", layout=widgets.Layout(width="260px"))
        self.operator.add_class("wb-operator")
        self.i18n.bind(self.operator, "description", "operator")
        self.i18n.bind(self.operator, "placeholder", "operator_hint")

    def cb(self, fn):
        """``fn`` as a widget callback: a service refusal shown in the current language, other errors as usual."""

        def shown(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except WorkbenchError as exc:
                message = service.message_of(exc)
                if message is None:
                    raise  # safe_callback shows it with its own text
                setup_logging()
                log.warning("%s: %s", getattr(fn, "__qualname__", fn), exc)
                self.status.say("error", "error_input", message=self.localized(message))
                return None

        shown.__name__ = getattr(fn, "__name__", "callback")
        return safe_callback(shown, self.status, self.i18n)

    def localized(self, message: service.Message | None) -> Localized:
        """A service message as a StatusBar.say value: rendered in the language current when shown."""
        return Localized(self.i18n, message)

    def who(self) -> str:
        return self.operator.value.strip() or "staff"

    def dept_name(self, code: str | None) -> str:
        if not code:
            return ""
        zh, en = self.departments.get(code) or (code, code)
        if self.i18n.lang == "zh":
            return zh
        short = zh.split("（")[0]
        return f"{en} {short}"

    def category_name(self, code: str | None) -> str:
        if not code:
            return ""
        zh, en = self.category_names.get(code, (code, code))
        return zh if self.i18n.lang == "zh" else f"{en} {zh}"

    def term(self, prefix: str, code) -> str:
        if code is None or code == "":
            return ""
        return self.i18n.t(f"{prefix}_{code}")

    def fmt_time(self, value) -> str:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return "" if value is None else str(value)

    def severity_cell(self, value) -> str:
        if not value:
            return f'<span class="wb-unclassified">{html.escape(self.i18n.t("unclassified"))}</span>'
        return f'<span class="wb-sev-{html.escape(value)}">{html.escape(self.term("sev", value))}</span>'


def num(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def label_width(box, width: str) -> None:
    """One description width for a form, wide enough for the English labels."""
    for child in getattr(box, "children", ()):
        style = getattr(child, "style", None)
        if (
            style is not None
            and hasattr(style, "description_width")
            and not isinstance(child, (widgets.Button, widgets.Checkbox))
        ):
            style.description_width = width
        label_width(child, width)


def disable_all(box) -> None:
    for child in getattr(box, "children", ()):
        if hasattr(child, "disabled"):
            child.disabled = True
        disable_all(child)
