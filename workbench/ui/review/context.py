"""What the Review desk's tabs share: the :class:`DeskContext`.

The context holds the store URL, the language, the checklist, the status line and progress bar,
the reviewer field, the department names, the chosen sample (``sample_id``) and the open file
(``file_view``), and the helpers that show codes (departments, sampling methods).

The tabs never call each other. When a sample is chosen (``sample_chosen``) the context closes a
file of another sample (``close_file``: the ``file closed`` hooks) and runs the ``sample`` hooks,
in the order they were registered.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as widgets

from workbench.errors import InputError
from workbench.review.checklist import load_checklist
from workbench.ui.common import I18n, ProgressBar, StatusBar, safe_callback
from workbench.ui.review.messages import MESSAGES


class DeskContext:
    def __init__(self, url: str | None = None, i18n: I18n | None = None):
        self.url = url
        self.i18n = i18n or I18n()
        self.i18n.add(MESSAGES)
        self.checklist = load_checklist()
        # grade names as message keys, so a status line naming a grade follows a language switch
        self.i18n.add({f"review_grade_{g.code}": {"zh": g.zh, "en": f"{g.en} {g.zh}"} for g in self.checklist.grades})
        self.status = StatusBar(self.i18n)
        self.sample_id: int | None = None
        self.file_view: dict[str, Any] | None = None
        self.progress = ProgressBar(self.i18n)
        self.departments: dict[str, tuple[str, str]] = {}
        t = self.i18n
        self.reviewer = t.bind(
            t.bind(widgets.Text(layout=widgets.Layout(width="360px")), "description", "reviewer"),
            "placeholder",
            "reviewer_hint",
        )
        self.reviewer.add_class("wb-review-reviewer")
        self.reviewer.style.description_width = "initial"
        self._on_file_closed: list[Callable[[], None]] = []
        self._on_sample: list[Callable[[int], None]] = []

    # ------------------------------------------------------------------ hooks
    def on_file_closed(self, hook: Callable[[], None]) -> None:
        """``hook()`` when the open file is closed (``file_view`` is None)."""
        self._on_file_closed.append(hook)

    def on_sample_chosen(self, hook: Callable[[int], None]) -> None:
        """``hook(sample_id)`` when a sample is picked or just drawn (``sample_id`` is set)."""
        self._on_sample.append(hook)

    # ------------------------------------------------------------------ shared by the tabs
    def callback(self, fn):
        """``fn`` wrapped for a widget: an error shows in the status line, never a traceback."""
        return safe_callback(fn, self.status, self.i18n)

    def method_name(self, code) -> str:
        key = f"m_{code}"
        return self.i18n.t(key) if key in self.i18n.messages else ("" if code is None else str(code))

    def dept_name(self, code) -> str:
        names = self.departments.get(code)
        if not names:
            return "" if code is None else str(code)
        return names[0] if self.i18n.lang == "zh" else f"{names[1]} {names[0]}"

    def reviewer_name(self) -> str:
        name = self.reviewer.value.strip()
        if not name:
            raise InputError(self.i18n.t("reviewer"), self.i18n.t("no_reviewer"))
        return name

    def close_file(self) -> None:
        """No file open."""
        self.file_view = None
        for hook in self._on_file_closed:
            hook()

    def sample_chosen(self, key) -> None:
        """A sample picked (or just drawn): its allocation on the Draw tab, its files on the Score tab."""
        if key is None or self.i18n.switching:
            return
        if self.file_view is not None and self.file_view.get("sample_id") != int(key):
            self.close_file()  # a file of another sample is not edited under this one
        self.sample_id = int(key)
        for hook in self._on_sample:
            hook(self.sample_id)
