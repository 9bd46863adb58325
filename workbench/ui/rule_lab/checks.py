"""Lint and rule tests of the draft (Edit & impact tab): what is wrong with it, row by row, and which tests fail."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench.ui.common import label
from workbench.ui.rule_lab.context import LabContext


class ChecksPanel:
    """The lint box, each row's problems under the row, and the rule tests of this violation."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx
        t = ctx.i18n
        self.lint_box = widgets.HTML()
        self.lint_box.add_class("wb-lab-lint")
        self.tests_box = widgets.HTML()
        self.tests_box.add_class("wb-lab-tests")
        self.widget = widgets.VBox(
            [label(t, "lint_title", "h4"), self.lint_box, label(t, "tests_title", "h4"), self.tests_box]
        )
        self.widget.layout.width = "560px"
        ctx.on_feedback(self.show)

    def show(self, parse_error: str | None = None) -> None:
        """The draft's feedback, or why the grid does not read as a draft."""
        if parse_error:
            self.show_parse_error(parse_error)
        else:
            self.render()

    def show_parse_error(self, message: str) -> None:
        t = self.ctx.i18n
        self.lint_box.value = f'<div class="wb-lab-bad">✗ {html.escape(message)}</div>'
        self.tests_box.value = f"<i>{html.escape(t.t('tests_none'))}</i>"

    def render(self) -> None:
        """The lab's feedback (lint problems, test results) in the current language."""
        ctx = self.ctx
        t, fb, rows = ctx.i18n, ctx.feedback, ctx.rows
        for index, editor in enumerate(rows):
            messages = fb.row_problems.get(index, [])
            editor.problems.value = "".join(f'<div class="wb-lab-bad">✗ {html.escape(m)}</div>' for m in messages)
        if not fb.problems:
            self.lint_box.value = f'<div class="wb-lab-good">{html.escape(t.t("lint_ok"))}</div>'
        else:
            items = [
                f"<li>{html.escape(t.t('row_label', n=i + 1, id=rows[i].id.value))}: {html.escape(m)}</li>"
                for i, ms in sorted(fb.row_problems.items())
                for m in ms
            ]
            items += [f"<li>{html.escape(m)}</li>" for m in fb.general_problems]
            self.lint_box.value = (
                f'<div class="wb-lab-bad">{html.escape(t.t("lint_count", n=len(fb.problems)))}</div>'
                f"<ul>{''.join(items)}</ul>"
            )
        if fb.engine is None:
            self.tests_box.value = f"<i>{html.escape(t.t('tests_none'))}</i>"
            return
        failed = fb.failed_tests
        summary = t.t("tests_summary", passed=len(fb.tests) - len(failed), failed=len(failed), total=len(fb.tests))
        lines = [f"<div class='{'wb-lab-bad' if failed else 'wb-lab-good'}'>{html.escape(summary)}</div>"]
        for result in failed:
            detail = (
                "; ".join(f"{f}: {t.t('expected')} {e!r}, {t.t('actual')} {a!r}" for f, e, a in result.mismatches)
                or result.error
            )
            lines.append(
                f"<div class='wb-lab-test-failed'>✗ {html.escape(result.test.name)} "
                f"<span class='wb-basis'>({html.escape(str(result.test.where))})</span><br>"
                f"{html.escape(detail)}</div>"
            )
        self.tests_box.value = "".join(lines)
