"""The classification card of one report (class wb-report): severity, departments, deadline, basis, rule trace.

Shown after intake and as the queue's report detail; an unclassified report
says why (wb-unclassified), an overridden one what the engine had said.
"""

from __future__ import annotations

import html

from workbench import triage as service
from workbench.ui.triage.desk import Desk, num


def render_classification(desk: Desk, report_id: int | None) -> str:
    if report_id is None:
        return ""
    r = service.get_report(report_id, desk.url)
    t = desk.i18n.t
    term, dept = desk.term, desk.dept_name
    head = (
        f'<div class="wb-card wb-report" data-report="{html.escape(r.number)}"><b>{html.escape(r.number)}</b>'
        f" · {html.escape(desk.category_name(r.category))} · {html.escape(term('st', r.status))}"
    )
    if r.severity is None:
        problem = str(desk.localized(service.problem_message(report_id, desk.url)))
        return (
            f'{head}<div class="wb-unclassified"><b>{html.escape(t("no_classification"))}</b><br>'
            f"{html.escape(t('kept_unclassified', problem=problem))}</div></div>"
        )
    severity = html.escape(r.severity)
    deadline = t("deadline_value", due=desk.fmt_time(r.due_at), hours=num(r.handle_within_hours))
    rows = [
        ("severity", f'<span class="wb-severity wb-sev-{severity}">{html.escape(term("sev", r.severity))}</span>'),
        ("lead", html.escape(dept(r.lead))),
        ("assist", html.escape("、".join(dept(a) for a in r.assist or []) or "—")),
        ("coordination_level", html.escape(term("level", r.coordination_level))),
        ("escalate_to", html.escape("、".join(dept(a) for a in r.escalate_to or []) or "—")),
        ("deadline", html.escape(deadline)),
    ]
    table = "".join(f'<tr class="wb-field-{k}"><th>{html.escape(t(k))}</th><td>{v}</td></tr>' for k, v in rows)
    basis = "".join(f"<li>{html.escape(b)}</li>" for b in r.basis or [])
    trace = "".join(
        f"<li><code>{html.escape(str(step.get('rule', '')))}</code> {html.escape(str(step.get('why', '')))} "
        f"<span class='wb-where'>{html.escape(str(step.get('where', '')))}</span></li>"
        for step in r.trace or []
    )
    override = ""
    if r.overridden:
        engine = r.classification_by_engine or {}
        said = (
            f"{term('sev', engine.get('severity'))} · {dept(engine.get('lead'))}"
            f" · {term('level', engine.get('coordination_level'))}"
        )
        note = t("overridden_note", who=r.override_by or "", reason=r.override_reason or "", engine=said)
        override = f'<div class="wb-overridden">{html.escape(note)}</div>'
    return (
        f"{head}{override}<table class='wb-table-grid wb-classification-table'>{table}</table>"
        f"<div class='wb-basis'><b>{html.escape(t('basis'))}</b><ul>{basis}</ul></div>"
        f"<div class='wb-rules-version'>{html.escape(t('rules_version'))}: "
        f"<code>{html.escape(r.rules_version or '')}</code></div>"
        f"<details class='wb-trace'><summary>{html.escape(t('trace'))}</summary><ul>{trace}</ul></details></div>"
    )
