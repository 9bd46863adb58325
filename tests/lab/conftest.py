"""Fixtures of the rule lab tests: a private copy of rules/, a small store of street-vending case files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"

# (area_m2, repeat_count, key_road, party kind, age, fine decided, department, lead officer)
CASES = [
    (2.0, 0, False, "person", 40, 60, "urban_management", "LO1"),
    (4.0, 0, False, "person", 35, 80, "urban_management", "LO1"),
    (4.5, 0, True, "person", 52, 90, "urban_management", "LO1"),
    (5.5, 0, False, "person", 28, 300, "urban_management", "LO1"),
    (5.5, 0, False, "organisation", None, 1500, "urban_management", "LO2"),
    (6.0, 0, False, "person", 44, 380, "urban_management", "LO2"),
    (8.0, 1, False, "person", 61, 400, "urban_management", "LO2"),
    (12.0, 0, True, "person", 33, 900, "market_regulation", "LO3"),
    (12.0, 0, False, "person", 47, 700, "market_regulation", "LO3"),  # standard 100–400: above
    (3.0, 2, False, "person", 39, 800, "market_regulation", "LO3"),
    (7.0, 0, False, "person", 30, 950, "market_regulation", "LO3"),  # standard: above
    (9.0, 0, False, "organisation", None, 4000, "market_regulation", "LO3"),  # standard 500–2000: above
]


def make_case_files(session) -> None:
    from workbench.store import models

    for code, zh in [("urban_management", "城管"), ("market_regulation", "市场监管")]:
        session.add(models.Department(code=code, name_zh=zh, name_en=code))
    session.flush()
    for i, dept in enumerate(["urban_management", "urban_management", "market_regulation"], 1):
        session.add(
            models.Officer(number=f"LO{i}", name_masked=f"李*{i}", department_code=dept, certificate_no=f"LC{i}")
        )
    session.flush()
    for i, (area, repeat, key_road, kind, age, fine, dept, officer) in enumerate(CASES):
        session.add(
            models.CaseFile(
                number=f"L{i:03d}",
                party_kind=kind,
                party_name_masked="王*",
                party_age=age,
                violation="street_vending",
                department_code=dept,
                act_date=dt.date(2025, 3, 1),
                discovered_date=dt.date(2025, 3, 2),
                decision_date=dt.date(2025, 3, 20),
                officers=[officer, "LO9"],
                lead_officer=officer,
                facts={"area_m2": area, "repeat_count": repeat, "key_road": key_road},
                circumstances=[],
                fine_yuan=fine,
                procedure="general",
            )
        )


@pytest.fixture()
def rules_copy(tmp_path) -> Path:
    """A private copy of the project's rules/ (publishing never touches the repository's)."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    return root


@pytest.fixture(scope="module")
def lab_db(tmp_path_factory) -> str:
    """A fresh store (migrations at head) with 2 departments, 3 officers and the street-vending files of CASES."""
    from workbench.store import dispose_engines, session_scope
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('lab') / 'lab.db'}"
    upgrade(url)
    with session_scope(url) as s:
        make_case_files(s)
    dispose_engines()
    return url


@pytest.fixture()
def empty_db(tmp_path) -> str:
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'publish.db'}"
    upgrade(url)
    return url
