"""The facts a trainee decides on: a scenario's case and/or report as a card in the current language."""

from __future__ import annotations

import html

from workbench.ui.training.context import RoomContext
from workbench.ui.training.messages import (
    CAPACITY_NAMES,
    CIRCUMSTANCE_NAMES,
    FACT_LABELS,
    FLAG_NAMES,
    PARTY_NAMES,
    SOURCE_NAMES,
)


class FactsCard:
    def __init__(self, ctx: RoomContext):
        self.ctx = ctx

    def html(self, scenario) -> str:
        """The facts the trainee decides on, as a card in the current language (codes beside the names)."""
        parts = []
        if scenario.case:
            parts.append(self._table("case_facts", self.case_rows(scenario.case)))
        if scenario.report:
            parts.append(self._table("report_facts", self.report_rows(scenario.report)))
        return "".join(parts)

    def _table(self, title_key: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(
            f'<tr><th style="width:28%">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>' for k, v in rows
        )
        title = html.escape(self.ctx.i18n.t(title_key))
        return f'<b>{title}</b><table class="wb-table-grid wb-tr-facts">{body}</table>'

    def _name(self, names: dict, code: str) -> str:
        pair = names.get(code)
        if not pair:
            return str(code)
        return pair[0] if self.ctx.i18n.lang == "zh" else f"{pair[1]} {pair[0]}"

    def case_rows(self, case: dict) -> list[tuple[str, str]]:
        book = self.ctx.engine.rulebook
        lang = 0 if self.ctx.i18n.lang == "zh" else 1
        violation = book.violations.get(case.get("violation"))
        if violation:
            name = violation.name_zh if lang == 0 else f"{violation.name_en} {violation.name_zh}"
        else:
            name = str(case.get("violation"))
        rows = [(FACT_LABELS["violation"][lang], name)]
        for key in ("act_date", "act_end_date", "discovered_date", "decision_date"):
            if case.get(key):
                rows.append((FACT_LABELS[key][lang], str(case[key])))
        party = case.get("party") or {}
        who = [self._name(PARTY_NAMES, party.get("kind")), self._name(CAPACITY_NAMES, party.get("capacity", "full"))]
        if party.get("age") is not None:
            who.insert(1, f"{party['age']}岁" if lang == 0 else f"aged {party['age']}")
        elif party.get("birth_date"):
            # the trainee is shown the birth date and works the age out (周岁, from the day after the birthday)
            born = party["birth_date"]
            who.insert(1, f"{born} 出生" if lang == 0 else f"born {born}")
        rows.append((FACT_LABELS["party"][lang], " · ".join(who)))
        for fact, value in (case.get("facts") or {}).items():
            spec = violation.facts.get(fact) if violation else None
            label_ = (spec.zh if lang == 0 else spec.en) if spec else fact
            if isinstance(value, bool):
                value = self.ctx.i18n.t("yes") if value else self.ctx.i18n.t("no")
            rows.append((label_, str(value)))
        circumstances = [self._name(CIRCUMSTANCE_NAMES, c) for c in case.get("circumstances") or []]
        rows.append((FACT_LABELS["circumstances"][lang], "；".join(circumstances) or "—"))
        proposed = case.get("proposed_penalty")
        if proposed:
            text = f"{proposed.get('fine_yuan', 0)} 元" if lang == 0 else f"{proposed.get('fine_yuan', 0)} yuan"
            if proposed.get("other"):
                text += " + " + ", ".join(proposed["other"])
            rows.append((FACT_LABELS["proposed_penalty"][lang], text))
        return rows

    def report_rows(self, report: dict) -> list[tuple[str, str]]:
        lang = 0 if self.ctx.i18n.lang == "zh" else 1
        row = self.ctx.engine.rulebook.category(report.get("category"))
        if row:
            category = row.name_zh if lang == 0 else f"{row.name_en} {row.name_zh}"
        else:
            category = str(report.get("category"))
        location = report.get("location") or {}
        where = location.get("community") or "—"
        if location.get("key_road"):
            where += " · " + ("主次干道" if lang == 0 else "key road")
        flags = [self._name(FLAG_NAMES, f) for f in report.get("flags") or []]
        return [
            (FACT_LABELS["category"][lang], category),
            (FACT_LABELS["source"][lang], self._name(SOURCE_NAMES, report.get("source"))),
            (FACT_LABELS["received_at"][lang], str(report.get("received_at"))),
            (FACT_LABELS["location"][lang], where),
            (FACT_LABELS["people_affected"][lang], str(report.get("people_affected", 0))),
            (FACT_LABELS["flags"][lang], "；".join(flags) or "—"),
        ]
