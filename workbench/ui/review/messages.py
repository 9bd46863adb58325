"""The review desk's texts: its message catalogue (``messages.yaml``) and the grade names drawn from it."""

from __future__ import annotations

from workbench.ui.catalogue import load_messages

MESSAGES: dict[str, dict[str, str]] = load_messages("workbench.ui.review")

# grade code -> (Chinese, "English 中文"): the texts of the g_<grade> messages
GRADE_NAMES: dict[str, tuple[str, str]] = {
    code: (MESSAGES[f"g_{code}"]["zh"], MESSAGES[f"g_{code}"]["en"]) for code in ("excellent", "good", "pass", "fail")
}
