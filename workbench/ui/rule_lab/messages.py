"""The rule lab's texts: its message catalogue (``messages.yaml``) and the circumstance names (the vocabulary)."""

from __future__ import annotations

from workbench.rulebook.vocabulary import vocabulary
from workbench.ui.catalogue import load_messages

MESSAGES: dict[str, dict[str, str]] = load_messages("workbench.ui.rule_lab")

# code -> (Chinese, English), the `circumstances` of rules/vocabulary.yaml: the scenario tester shows
# "中文" or "English 中文"
CIRCUMSTANCE_NAMES: dict[str, tuple[str, str]] = vocabulary().names("circumstances")
