"""Publishing the draft (Edit & impact tab): effective date, reason, and the new dated version in the rules file."""

from __future__ import annotations

import html

import ipywidgets as widgets

from workbench.lab.publish import PublishRefused, publish
from workbench.ui.common import label
from workbench.ui.rule_lab.context import LabContext


class PublishPanel:
    """The publish card: the draft applies from ``effective``; publishing needs the author and a reason."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx
        t = ctx.i18n
        self.effective = ctx.effective  # shared: the check and the scenario use it too
        self.effective.observe(ctx.callback(ctx.edited), names="value")
        self.reason = t.bind(
            t.bind(widgets.Textarea(layout=widgets.Layout(width="600px", height="60px")), "description", "reason"),
            "placeholder",
            "reason_hint",
        )
        self.reason.add_class("wb-lab-reason")
        self.publish_button = t.bind(
            widgets.Button(button_style="primary", layout=widgets.Layout(width="200px")), "description", "publish"
        )
        self.publish_button.add_class("wb-lab-publish")
        self.publish_button.on_click(ctx.callback(self.publish))
        self.publish_result = widgets.HTML()
        self.publish_result.add_class("wb-lab-publish-result")
        self.widget = widgets.VBox(
            [label(t, "publish_title", "h4"), self.effective, self.reason, self.publish_button, self.publish_result]
        )
        self.widget.add_class("wb-card")

    def publish(self, _button=None) -> None:
        ctx = self.ctx
        if not ctx.author.value.strip():
            ctx.status.say("error", "no_author")
            return
        draft = ctx.read_draft()
        try:
            result = publish(
                draft,
                effective_from=self.effective.value,
                reason=self.reason.value,
                author=ctx.author.value,
                rules_dir=ctx.workspace.rules_dir,
                db_url=ctx.url,
                expected_base=draft.based_on,
            )
        except PublishRefused as exc:
            self.publish_result.value = f"<div class='wb-lab-bad'>{html.escape(exc.headline)}</div>" + "".join(
                f"<div class='wb-basis'>{html.escape(r)}</div>" for r in exc.reasons[:20]
            )
            ctx.status.say("error", "publish_refused", message=exc.headline)
            return
        self.publish_result.value = f"<div class='wb-lab-good'>✓ {html.escape(result.content_hash[:16])}…</div>"
        self.reason.value = ""
        ctx.select_violation(ctx.code)
        ctx.status.say(
            "ok",
            "published_ok",
            violation=result.violation,
            date=result.effective_from.isoformat(),
            version=result.rules_version,
        )
