"""The Training room (培训室), a folder of components: one file per tab, composed by ``app``.

``app()`` is what notebooks/training.ipynb shows; ``build()`` returns the :class:`TrainingRoom`
that tests drive without a browser. Its texts are data: ``messages.yaml`` and ``facts.yaml``.
"""

from workbench.training.grading import PROCEDURE_NAMES, SEVERITY_NAMES
from workbench.ui.training.author_tab import AUTHOR_TEMPLATE
from workbench.ui.training.messages import (
    CAPACITY_NAMES,
    CIRCUMSTANCE_NAMES,
    FACT_LABELS,
    FLAG_NAMES,
    MESSAGES,
    PARTY_NAMES,
    SOURCE_NAMES,
)
from workbench.ui.training.room import TrainingRoom, app, build

__all__ = ["app", "build", "TrainingRoom", "SEVERITY_NAMES", "PROCEDURE_NAMES"]
__all__ += [
    "MESSAGES",
    "CIRCUMSTANCE_NAMES",
    "FACT_LABELS",
    "PARTY_NAMES",
    "CAPACITY_NAMES",
    "SOURCE_NAMES",
    "FLAG_NAMES",
    "AUTHOR_TEMPLATE",
]
