"""Rule lab (规则实验室): the legal office tunes a discretion benchmark, sees lint, tests and impact, then publishes.

Built on the lab service (workbench/lab/) and the shared UI pieces; every
callback is wrapped (errors show in the status line, never a traceback).
``build()`` returns the RuleLab so pytest can drive it without a browser:
set a grid cell's ``.value`` and the feedback, tests and impact update; call
``.click()`` on a button. Test hooks: classes ``wb-lab-*``.

The rules directory is ``rules_dir`` or ``$WORKBENCH_RULES_DIR`` or the
project's ``rules/`` (publishing writes there); the store is ``url`` or
``$WORKBENCH_DB_URL``.

One file per tab or panel, composed by ``lab.py`` (RuleLab); what they share is ``context.py`` (LabContext:
the draft being worked on, the status line, the hooks that tie the panels together). The parts:

- ``editor.py`` (GridEditor) and ``rows.py`` (LevelRowEditor): the grid of level rows;
- ``checks.py`` (ChecksPanel): lint and rule tests; ``impact.py`` (ImpactPanel): impact on past files;
- ``publish.py`` (PublishPanel): effective date, reason, publish;
- ``scenario.py`` (ScenarioTab), ``consistency.py`` (ConsistencyTab), ``history.py`` (HistoryTab): the other tabs;
- ``decision.py``: how one decision is shown; ``messages.yaml`` (read by ``messages.py``): the texts.
"""

from workbench.ui.rule_lab.lab import CSS_EXTRA, RuleLab, app, build
from workbench.ui.rule_lab.messages import CIRCUMSTANCE_NAMES, MESSAGES
from workbench.ui.rule_lab.rows import LevelRowEditor

__all__ = ["CIRCUMSTANCE_NAMES", "CSS_EXTRA", "MESSAGES", "LevelRowEditor", "RuleLab", "app", "build"]
