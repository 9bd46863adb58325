"""How well the pre-checks find the defects the demo generator planted (recall and precision).

The demo county records on each case file what it planted (``planted_defects``,
never shown to reviewers). Each planted kind maps to one pre-check finding;
findings of kinds the generator does not plant (e.g. late service, legal
review) are reported apart and do not count against precision.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from sqlmodel import select

from workbench.engine import get_engine
from workbench.review.checklist import load_checklist
from workbench.review.service import precheck_row
from workbench.rulebook.vocabulary import vocabulary
from workbench.store import models, session_scope

# planted defect kind (the `defect_kinds` of rules/vocabulary.yaml: the finding codes themselves,
# plus the generator's earlier names as aliases) -> pre-check finding code
PLANTED_TO_FINDING = {
    spelling: term.code for term in vocabulary().terms("defect_kinds") for spelling in (term.code, *term.aliases)
}


def score_against_planted(pairs: Iterable[tuple[list[str], list[str]]]) -> dict[str, Any]:
    """``pairs``: (planted kinds, finding codes) per file. Returns per-kind and per-file recall/precision."""
    tp, fn, fp = Counter(), Counter(), Counter()
    other = Counter()
    files = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
    n = 0
    for planted, found in pairs:
        n += 1
        expected = {PLANTED_TO_FINDING[k] for k in planted if k in PLANTED_TO_FINDING}
        got = set(found)
        counted = got & set(PLANTED_TO_FINDING.values())
        for code in got - counted:
            other[code] += 1
        for code in expected & counted:
            tp[code] += 1
        for code in expected - counted:
            fn[code] += 1
        for code in counted - expected:
            fp[code] += 1
        key = ("tp" if counted else "fn") if expected else ("fp" if counted else "tn")
        files[key] += 1
    per_kind = {}
    for code in dict.fromkeys(PLANTED_TO_FINDING.values()):
        per_kind[code] = {
            "planted": tp[code] + fn[code],
            "found": tp[code] + fp[code],
            "true_positive": tp[code],
            "recall": _ratio(tp[code], tp[code] + fn[code]),
            "precision": _ratio(tp[code], tp[code] + fp[code]),
        }
    all_tp, all_fn, all_fp = sum(tp.values()), sum(fn.values()), sum(fp.values())
    return {
        "files": n,
        "per_kind": per_kind,
        "overall": {
            "recall": _ratio(all_tp, all_tp + all_fn),
            "precision": _ratio(all_tp, all_tp + all_fp),
            "true_positive": all_tp,
            "false_negative": all_fn,
            "false_positive": all_fp,
        },
        "file_level": {
            **files,
            "recall": _ratio(files["tp"], files["tp"] + files["fn"]),
            "precision": _ratio(files["tp"], files["tp"] + files["fp"]),
        },
        "not_planted_kinds": dict(other),
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def evaluate_store(url: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Pre-check every decided case file of the store and compare with what was planted."""
    engine = get_engine()
    checklist = load_checklist()
    pairs = []
    misses: list[dict[str, Any]] = []
    with session_scope(url) as session:
        query = (
            select(models.CaseFile).where(models.CaseFile.decision_date.is_not(None)).order_by(models.CaseFile.number)
        )
        if limit:
            query = query.limit(limit)
        for row in session.exec(query):
            found = [f["code"] for f in precheck_row(row, engine, checklist)]
            planted = list(row.planted_defects or [])
            pairs.append((planted, found))
            expected = {PLANTED_TO_FINDING[k] for k in planted if k in PLANTED_TO_FINDING}
            counted = set(found) & set(PLANTED_TO_FINDING.values())
            if expected != counted and len(misses) < 20:
                misses.append({"case": row.number, "planted": planted, "found": found})
    result = score_against_planted(pairs)
    result["examples_of_disagreement"] = misses
    return result
