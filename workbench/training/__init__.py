"""The training room (培训室): scenario bank, engine grading, exercises and results.

``bank`` loads and checks ``data/scenarios/*.yaml``; ``grading`` asks the
engine for the answers and scores a trainee's; ``exercises`` assembles,
opens and records exercises; ``results`` reports per trainee and cohort.
"""

from workbench.training.bank import Bank, Scenario, ScenarioBankError, load_bank, validate_scenarios

__all__ = ["Bank", "Scenario", "ScenarioBankError", "load_bank", "validate_scenarios"]
