"""The rule lab's texts: its message catalogue and the circumstance names, both from ``messages.yaml``."""

from __future__ import annotations

from workbench.ui.catalogue import load_messages

_PREFIX = "circumstance_"
_CATALOGUE = load_messages("workbench.ui.rule_lab")

MESSAGES: dict[str, dict[str, str]] = {k: v for k, v in _CATALOGUE.items() if not k.startswith(_PREFIX)}

# code -> (Chinese, English): the scenario tester shows "中文" or "English 中文"
CIRCUMSTANCE_NAMES: dict[str, tuple[str, str]] = {
    k[len(_PREFIX):]: (v["zh"], v["en"]) for k, v in _CATALOGUE.items() if k.startswith(_PREFIX)
}
