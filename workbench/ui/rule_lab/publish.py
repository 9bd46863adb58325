"""Publishing the draft (Edit & impact tab): effective date, reason, and the new dated version in the rules file."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as widgets

from workbench.lab.publish import PublishRefused, publish
from workbench.ui.common import label

if TYPE_CHECKING:
    from workbench.ui.rule_lab.lab import RuleLab


class PublishPanel:
    """The publish card: the draft applies from ``effective``; publishing needs the author and a reason."""

    def __init__(self, lab: RuleLab):
        self.lab = lab
        t = lab.i18n
        self.effective = t.bind(widgets.DatePicker(), "description", "effective_from")
        self.effective.add_class("wb-lab-effective")
        self.effective.observe(lab.callback(lab.edited), names="value")
        self.reason = t.bind(t.bind(widgets.Textarea(layout=widgets.Layout(width="600px", height="60px")),
                                    "description", "reason"), "placeholder", "reason_hint")
        self.reason.add_class("wb-lab-reason")
        self.publish_button = t.bind(widgets.Button(button_style="primary", layout=widgets.Layout(width="200px")),
                                     "description", "publish")
        self.publish_button.add_class("wb-lab-publish")
        self.publish_button.on_click(lab.callback(self.publish))
        self.publish_result = widgets.HTML()
        self.publish_result.add_class("wb-lab-publish-result")
        self.widget = widgets.VBox([label(t, "publish_title", "h4"), self.effective, self.reason, self.publish_button,
                                    self.publish_result])
        self.widget.add_class("wb-card")

    def publish(self, _button=None) -> None:
        lab = self.lab
        if not lab.author.value.strip():
            lab.status.say("error", "no_author")
            return
        draft = lab.read_grid()
        try:
            result = publish(draft, effective_from=self.effective.value, reason=self.reason.value,
                             author=lab.author.value, rules_dir=lab.workspace.rules_dir, db_url=lab.url,
                             expected_base=draft.based_on)
        except PublishRefused as exc:
            self.publish_result.value = (f"<div class='wb-lab-bad'>{html.escape(exc.headline)}</div>"
                                         + "".join(f"<div class='wb-basis'>{html.escape(r)}</div>"
                                                   for r in exc.reasons[:20]))
            lab.status.say("error", "publish_refused", message=exc.headline)
            return
        self.publish_result.value = f"<div class='wb-lab-good'>✓ {html.escape(result.content_hash[:16])}…</div>"
        self.reason.value = ""
        lab.select_violation(lab.code)
        lab.status.say("ok", "published_ok", violation=result.violation, date=result.effective_from.isoformat(),
                       version=result.rules_version)
