"""The demo county: a realistic, reproducible database built from a fixed seed (a service above the engine).

Modules: ``build`` (``build_demo`` writes it in one transaction, ``load_departments``, ``demo_present``),
``generator`` (departments, officers, judicial offices, case files with planted defects), ``reports`` (event
reports and their history), ``sampling`` (weighted draws).
"""

from workbench.demo.build import (
    DEFAULT_SEED,
    DemoSummary,
    build_demo,
    demo_data_dir,
    demo_present,
    load_departments,
)

__all__ = ["build_demo", "demo_present", "load_departments", "DemoSummary", "DEFAULT_SEED", "demo_data_dir"]
