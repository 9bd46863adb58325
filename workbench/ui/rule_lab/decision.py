"""How the rule lab shows one decision: a one-line brief, the full answer with its trace, chart ticks."""

from __future__ import annotations

import html

from workbench.rulebook.model import LEVEL_NAMES
from workbench.rulebook.vocabulary import vocabulary
from workbench.ui.common import I18n


def ticks(top: float) -> list[int]:
    """Whole-number ticks, about eight."""
    step = max(1, -(-int(top) // 8))
    return list(range(0, int(top) + 1, step))


def brief(t: I18n, answer: dict) -> str:
    if not answer.get("penalize") and answer.get("level") != "exempt":
        return t.t("penalize_no")
    level = answer.get("level") or ""
    name = LEVEL_NAMES.get(level, (level, level))[0 if t.lang == "zh" else 1]
    if not level:  # a penalty without a benchmark level (e.g. confiscation after an order to correct)
        vocab = vocabulary()
        name = ("、" if t.lang == "zh" else ", ").join(
            vocab.name("other_penalties", code, t.lang)
            if code in vocab.codes("other_penalties")
            else vocab.name("other_measures", code, t.lang)
            for code in answer.get("other_penalties") or []
        )
    band = answer.get("fine_yuan")
    text = f"{name} {band['min']:,}–{band['max']:,}" if band else name
    if answer.get("procedure"):
        text += f" · {t.t('procedure_' + answer['procedure'])}"
    if answer.get("hearing_right"):
        text += f" · {t.t('hearing_yes')}"
    return text


def decision_html(t: I18n, answer: dict) -> str:
    parts = [f"<div class='wb-lab-decision'><b>{html.escape(brief(t, answer))}</b></div>"]
    if answer.get("legal_review"):
        parts.append(f"<div>{html.escape(t.t('legal_review_yes'))}</div>")
    if answer.get("basis"):
        basis = "；".join(answer["basis"])
        parts.append(f"<div class='wb-basis'>{html.escape(t.t('basis'))}: {html.escape(basis)}</div>")
    version = t.t("rules_version", version=answer.get("rules_version"), benchmark=answer.get("benchmark_version"))
    parts.append(f"<div class='wb-basis'>{html.escape(version)}</div>")
    steps = "".join(
        f"<li><code>{html.escape(str(s.get('rule')))}</code> {html.escape(str(s.get('why')))} "
        f"<span class='wb-basis'>{html.escape(str(s.get('where') or ''))}</span></li>"
        for s in answer.get("trace") or []
    )
    parts.append(f"<ol class='wb-lab-trace'>{steps}</ol>")
    return "".join(parts)
