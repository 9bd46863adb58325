"""One case file as the reviewer sees it (Score tab): party, dates, officers, facts, penalty, documents, findings."""

from __future__ import annotations

import html
from typing import Any

from workbench.ui.common import I18n


def case_file_html(i18n: I18n, v: dict[str, Any]) -> str:
    """The card of an opened file (``service.open_file``'s view), names in the current language."""
    t = i18n.t
    esc = html.escape
    zh = i18n.lang == "zh"
    names = v.get("names") or {}
    pick = lambda pair: pair[0] if zh else f"{pair[1]} {pair[0]}"  # noqa: E731
    fact_names = names.get("facts", {})
    doc_names = names.get("documents", {})
    facts_text = ", ".join(f"{pick(fact_names[k]) if k in fact_names else k} = {val}" for k, val in v["facts"].items())
    docs_text = ", ".join(pick(doc_names[d]) if d in doc_names else d for d in v["documents"])
    party = v["party"]
    rows = [
        (
            t("party"),
            f"{esc(party['name'])} · {esc(party['id'])} · {esc(party['kind'])}"
            + (f" · {party['age']}" if party.get("age") is not None else ""),
        ),
        (t("dates"), " · ".join(f"{k.replace('_date', '')}: {d}" for k, d in v["dates"].items() if d)),
        (t("officers"), ", ".join(f"{esc(o['number'])} {esc(o['name'])}" for o in v["officers"]) or "—"),
        (t("facts"), esc(facts_text) or "—"),
        (t("circumstances"), esc(", ".join(v["circumstances"])) or "—"),
        (t("penalty"), esc(f"{v['penalty'].get('fine_yuan')} 元 {' '.join(v['penalty'].get('other') or [])}")),
        (t("procedure"), esc(str(v.get("procedure")))),
        (t("documents"), esc(docs_text) or "—"),
    ]
    table = "".join(f"<tr><th>{esc(k)}</th><td>{val}</td></tr>" for k, val in rows)
    findings = (
        "".join(
            f"<li class='wb-review-finding' data-code='{esc(f['code'])}'>"
            f"<b>{esc(f['deduction']['zh'] if zh else f['deduction']['en'])}</b>"
            f" — {esc(f['message']['zh'] if zh else f['message']['en'])}"
            f"<div class='wb-basis'>{esc(f['basis'])} · {esc(f.get('rule') or '')}"
            f"{' · rules ' + esc(f['rules_version']) if f.get('rules_version') else ''}</div></li>"
            for f in v["findings"]
        )
        or f"<li>{esc(t('no_findings'))}</li>"
    )
    violation = pick(names["violation"]) if names.get("violation") else v["violation"]
    return (
        f"<div class='wb-card'><h4>{esc(t('file_title', case=v['case_id']))} · {esc(violation)}</h4>"
        f"<table class='wb-table-grid'>{table}</table>"
        f"<h5>{esc(t('findings'))}</h5><ul>{findings}</ul></div>"
    )
