from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "data" / "scenarios"
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def engine():
    from workbench.engine import get_engine

    return get_engine(RULES)


@pytest.fixture(scope="session")
def bank(engine):
    from workbench.training import load_bank

    return load_bank(SCENARIOS, rules_dir=RULES)


@pytest.fixture()
def db_url(tmp_path):
    """A fresh store made by the store's own migrations, with a small unit of officers in A/B pairs."""
    return make_db(tmp_path / "training.db")


@pytest.fixture()
def new_db(tmp_path):
    """Make another database like ``db_url``: ``new_db("name")`` returns its URL."""
    return lambda name: make_db(tmp_path / f"{name}.db")


def make_db(path) -> str:
    from workbench.store import models, session_scope
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{path}"
    upgrade(url)
    with session_scope(url) as s:
        s.add(models.Department(code="urban_management", name_zh="城管", name_en="Urban management"))
        s.add(models.Department(code="greening", name_zh="绿化", name_en="Greening"))
        s.flush()
        officers = [
            ("UM001", "张*明", "urban_management", ["street_vending", "graffiti"], "UM002"),
            ("UM002", "李*华", "urban_management", ["street_vending"], "UM001"),
            ("UM003", "王*", "urban_management", ["illegal_construction"], None),
            ("GR001", "赵*", "greening", ["damaging_greenery"], "UM003"),
        ]
        for number, name, dept, domains, partner in officers:
            s.add(
                models.Officer(
                    number=number,
                    name_masked=name,
                    department_code=dept,
                    certificate_no=f"C-{number}",
                    domains=domains,
                    ab_partner=partner,
                )
            )
    return url
