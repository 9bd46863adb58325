"""The Training room's texts: its message catalogue and the names on the trainee's facts card.

Both are data files beside this module, in the one catalogue format (``key: {zh, en}``):
``messages.yaml`` holds the UI messages, ``facts.yaml`` the bilingual names of the facts
card, one ``<table>.<code>`` key each, split here into the tables as ``code: (zh, en)``.
The question and level names are not repeated in the catalogue: they come from the
training bank and the rulebook.
"""

from __future__ import annotations

from workbench.rulebook.model import LEVEL_NAMES, LEVELS
from workbench.training.bank import QUESTION_NAMES
from workbench.ui.catalogue import load_messages

PACKAGE = "workbench.ui.training"

MESSAGES: dict[str, dict[str, str]] = load_messages(PACKAGE)
for _q, (_zh, _en) in QUESTION_NAMES.items():
    MESSAGES[f"q_{_q}"] = {"zh": _zh, "en": f"{_en} {_zh}"}
for _level in LEVELS:
    _zh, _en = LEVEL_NAMES[_level][0], LEVEL_NAMES[_level][1]
    MESSAGES[f"level_{_level}"] = {"zh": _zh, "en": f"{_en} {_zh}"}


def _tables() -> dict[str, dict[str, tuple[str, str]]]:
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    for key, texts in load_messages(PACKAGE, "facts.yaml").items():
        table, code = key.split(".", 1)
        tables.setdefault(table, {})[code] = (texts["zh"], texts["en"])
    return tables


# Names of the contract's vocabularies, for the facts card a trainee reads (zh, en).
_TABLES = _tables()
FACT_LABELS = _TABLES["fact"]
CIRCUMSTANCE_NAMES = _TABLES["circumstance"]
PARTY_NAMES = _TABLES["party"]
CAPACITY_NAMES = _TABLES["capacity"]
SOURCE_NAMES = _TABLES["source"]
FLAG_NAMES = _TABLES["flag"]
