"""What the triage service says to a person: MESSAGES (both languages, messages.yaml), Message, Terms, errors.

Every refusal a person can get carries a :class:`Message` (a key of ``MESSAGES`` plus parameters) as
``exc.message`` (``message_of(exc)``); its ``str`` is "中文 · English", so scripts and logs read it without the UI,
and the console renders ``Message.render(i18n.t)`` in its current language (``I18n.add(MESSAGES)``). Domain terms
in parameters (statuses, actions) are :class:`Terms`, rendered by key in the same language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from workbench.errors import InputError, WorkbenchError
from workbench.store import StaleRecordError
from workbench.ui.catalogue import load_messages  # the catalogue reader only (no widgets)

__all__ = ["MESSAGES", "Terms", "Message", "message_of", "TriageError", "TriageInputError", "TriageStaleError"]

# Every text a person can get from this service, in both languages (English keeps the Chinese term beside it):
# workbench/triage/messages.yaml, package data in the UI catalogues' one format.
MESSAGES: dict[str, dict[str, str]] = load_messages("workbench.triage")


@dataclass(frozen=True)
class Terms:
    """Domain terms as a message parameter: message keys, joined ("a or b") in the language shown."""

    keys: tuple[str, ...]
    joiner: str = "triage_or"


@dataclass(frozen=True)
class Message:
    """A message by key, with its parameters; rendered in any language."""

    key: str
    params: dict = field(default_factory=dict)

    def render(self, t: Callable[..., str]) -> str:
        """The text through a translator ``t(key, **fmt)`` (e.g. an app's ``I18n.t``)."""
        values = {}
        for name, value in self.params.items():
            if isinstance(value, Terms):
                value = t(value.joiner).join(t(k) for k in value.keys)
            values[name] = value
        return t(self.key, **values)

    def text(self, lang: str) -> str:
        return self.render(lambda key, **fmt: _translate(key, lang, **fmt))

    def __str__(self) -> str:
        return f"{self.text('zh')} · {self.text('en')}"

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "params": {k: ({"terms": list(v.keys)} if isinstance(v, Terms) else v) for k, v in self.params.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Message":
        params = {
            k: (Terms(tuple(v["terms"])) if isinstance(v, dict) and "terms" in v else v)
            for k, v in (data.get("params") or {}).items()
        }
        return cls(data["key"], params)


def _translate(key: str, lang: str, **fmt) -> str:
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    try:
        return texts[lang].format(**fmt)
    except (KeyError, IndexError, ValueError):
        return texts[lang]


def message_of(exc: BaseException) -> Message | None:
    """The message of a refusal from this service (None for any other error)."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, Message) else None


class TriageError(WorkbenchError):
    """An action that does not fit the report's state (e.g. closing a report never dispatched)."""

    def __init__(self, key: str, **params):
        self.message = Message(key, params)
        super().__init__(str(self.message))


class TriageInputError(InputError):
    """A malformed field (``.field``), with its message in both languages (``.message``)."""

    def __init__(self, field: str, key: str, **params):
        self.message = Message(key, params)
        super().__init__(field, str(self.message))


class TriageStaleError(StaleRecordError):
    """The report changed since the desk read it; nothing was saved."""

    def __init__(self, number: str, expected: int, found: int):
        super().__init__("report", number, expected, found)
        self.message = Message("triage_stale", {"number": number, "expected": expected, "found": found})
        self.args = (str(self.message),)

    def __str__(self) -> str:
        return str(self.message)
