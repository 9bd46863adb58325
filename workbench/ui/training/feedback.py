"""The engine's answers shown as HTML: graded feedback for a trainee, a preview for a trainer or an author."""

from __future__ import annotations

import html

from workbench.errors import InputError
from workbench.training.grading import ScenarioResult, describe
from workbench.ui.training.context import RoomContext, pct

HEADINGS = ("fb_question", "fb_given", "fb_expected", "fb_score")


def feedback_html(ctx: RoomContext, results_: list[ScenarioResult]) -> str:
    """One card per graded scenario: given and correct answers, score, legal basis, the engine's trace."""
    t = ctx.i18n
    lang = t.lang
    blocks = []
    for result in results_:
        try:
            title = ctx.bank.get(result.scenario_id).title[lang]
        except InputError:
            title = result.scenario_id
        rows = []
        for r in result.results:
            cls = "wb-fb-right" if r.correct else ("wb-fb-partial" if r.score > 0 else "wb-fb-wrong")
            expected = describe(r.question, r.expected, lang)
            extra = ""
            if r.question == "basis" and (r.missed_articles or r.wrong_articles):
                missed = html.escape("、".join(r.missed_articles) or "—")
                wrong = html.escape("、".join(r.wrong_articles) or "—")
                extra = (
                    f"<br><small>{html.escape(t.t('fb_missed'))}: {missed}; "
                    f"{html.escape(t.t('fb_wrong'))}: {wrong}</small>"
                )
            rows.append(
                f'<tr class="{cls}" data-question="{r.question}"><td>{html.escape(t.t("q_" + r.question))}</td>'
                f"<td>{html.escape(describe(r.question, r.given, lang))}</td><td>{html.escape(expected)}{extra}</td>"
                f"<td>{pct(r.score)}</td></tr>"
            )
        basis = "".join(f"<li>{html.escape(b)}</li>" for b in result.expected.basis)
        trace = "".join(
            f"<li><code>{html.escape(str(step.get('rule')))}</code> {html.escape(str(step.get('why') or ''))}"
            + (f" <span class='wb-basis'>〔{html.escape(str(step.get('basis')))}〕</span>" if step.get("basis") else "")
            + "</li>"
            for step in result.expected.trace
        )
        head = "".join(f"<th>{html.escape(t.t(key))}</th>" for key in HEADINGS)
        blocks.append(
            f'<div class="wb-card wb-fb" data-scenario="{html.escape(result.scenario_id)}">'
            f"<h4>{html.escape(title)} — {pct(result.score)}</h4>"
            f'<table class="wb-table-grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<b>{html.escape(t.t("fb_basis"))}</b><ul class="wb-fb-basis">{basis}</ul>'
            f"<details open><summary>{html.escape(t.t('fb_trace'))}</summary>"
            f'<ol class="wb-fb-trace">{trace}</ol></details>'
            f'<div class="wb-basis">{html.escape(t.t("fb_rules", version=result.expected.rules_version))}</div></div>'
        )
    return "".join(blocks)


def preview_html(ctx: RoomContext, scenario, expected) -> str:
    """The engine's answers to a scenario, before anyone answers it."""
    t = ctx.i18n
    lang = t.lang
    items = "".join(
        f"<li>{html.escape(t.t('q_' + q))}: <b>{html.escape(describe(q, v, lang))}</b></li>"
        for q, v in expected.answers.items()
    )
    basis = html.escape("；".join(expected.basis))
    return (
        f'<div class="wb-card"><b>{html.escape(t.t("preview"))}</b> — {html.escape(scenario.title[lang])}'
        f"<p>{html.escape(scenario.narrative[lang])}</p><ul>{items}</ul>"
        f'<div class="wb-basis">{basis} · {html.escape(expected.rules_version)}</div></div>'
    )
