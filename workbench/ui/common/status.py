"""The status line and the wrapper every widget callback goes through (errors are shown, never lost)."""

from __future__ import annotations

import html
import itertools
import os
from typing import Callable

import ipywidgets as widgets

from workbench.errors import WorkbenchError
from workbench.ui.common.i18n import I18n
from workbench.ui.common.logs import log, setup_logging


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
            setup_logging()
            log.warning("%s: %s", getattr(fn, "__qualname__", fn), exc)
            status.i18n = status.i18n or i18n
            status.say("error", "error_input", message=str(exc))
        except Exception:  # noqa: BLE001 - the point: never a silent failure, never a traceback on the page
            setup_logging()
            ref = f"{os.getpid()}-{next(_refs)}"
            log.exception("callback %s failed (ref %s)", getattr(fn, "__qualname__", fn), ref)
            status.i18n = status.i18n or i18n
            status.say("error", "error_internal", ref=ref)
        return None

    wrapper.__wrapped__ = fn
    wrapper.__name__ = getattr(fn, "__name__", "callback")
    return wrapper
