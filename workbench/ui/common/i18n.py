"""Language (中文 / English): one :class:`I18n` per app instance, the switch, and labels that follow it.

A message is ``{"zh": ..., "en": ...}``; a missing key shows the key itself
(never raises). The default language is Chinese; ``WORKBENCH_LANG=en`` changes
it. While options are being relabelled ``i18n.switching`` is True.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import ipywidgets as widgets

from workbench.config import settings
from workbench.ui.catalogue import load_messages

LANGUAGES = ("zh", "en")

# Messages every app uses (common/messages.yaml). Apps add their own with I18n.add (or pass them in).
COMMON: dict[str, dict[str, str]] = load_messages("workbench.ui.common")


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
            # a new selection widget starts on its first option, as with options= in its constructor
            widget.index = 0
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


class Renderable(Protocol):
    """A message that renders itself with a translation function (e.g. ``workbench.triage.Message``)."""

    def render(self, t: Callable[..., str]) -> str: ...


class Localized:
    """A message in the app's current language whenever it is formatted.

    Passed as a value to ``StatusBar.say``, which formats its values again
    after a language switch: the message follows the switch like the frame.
    ``message`` is anything with ``render(t)`` (a service's message), or None.
    """

    def __init__(self, i18n: I18n, message: Renderable | None):
        self.i18n, self.message = i18n, message

    def __str__(self) -> str:
        return "" if self.message is None else self.message.render(self.i18n.t)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
