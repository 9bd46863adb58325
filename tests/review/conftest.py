from pathlib import Path

import pytest

from workbench.review.checklist import load_checklist

ROOT = Path(__file__).resolve().parents[2]
REVIEW_YAML = ROOT / "rules" / "review.yaml"


@pytest.fixture(scope="session")
def checklist():
    return load_checklist(REVIEW_YAML)


@pytest.fixture(scope="session")
def review_yaml():
    return REVIEW_YAML


def make_case(
    number,
    department,
    *,
    officers=("O1", "O2"),
    fine=300,
    decision="2024-03-25",
    filing="2024-03-05",
    service=None,
    age=40,
    documents=None,
    kind="person",
    procedure="general",
    planted=(),
):
    import datetime as dt

    from workbench.store import models

    d = dt.date.fromisoformat
    return models.CaseFile(
        number=number,
        party_kind=kind,
        party_name_masked="张*明",
        party_id_masked="430***********1234",
        party_age=age,
        violation="street_vending",
        department_code=department,
        act_date=d("2024-03-01"),
        filing_date=d(filing) if filing else None,
        decision_date=d(decision),
        service_date=d(service or decision),
        officers=list(officers),
        facts={"area_m2": 6, "repeat_count": 0, "key_road": False},
        circumstances=[],
        fine_yuan=fine,
        other_penalties=[],
        procedure=procedure,
        documents=documents
        if documents is not None
        else ["filing_approval", "interview_record", "penalty_notice", "decision", "service_receipt"],
        planted_defects=list(planted),
    )


@pytest.fixture(scope="module")
def review_db(tmp_path_factory):
    """A small county in a fresh SQLite database made by the store's migrations: 3 departments, 60 files,
    19 with defects."""
    from workbench.store import dispose_engines

    url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'review.db'}"
    seed_county(url)
    yield url
    dispose_engines()


@pytest.fixture
def review_pg(pg_database):
    """The same county in a fresh PostgreSQL database (WORKBENCH_TEST_PG_URL; CI_REQUIRE_PG makes its absence
    a failure)."""
    with pg_database("wb_review") as url:
        seed_county(url)
        yield url


def seed_county(url):
    from workbench.store import models, session_scope
    from workbench.store.migrate import upgrade

    upgrade(url)
    with session_scope(url) as s:
        for code, zh in [("urban_management", "城管"), ("market_regulation", "市场监管"), ("greening", "绿化")]:
            s.add(models.Department(code=code, name_zh=zh, name_en=code))
        s.flush()
        for i in range(1, 7):
            s.add(
                models.Officer(
                    number=f"O{i}", name_masked=f"李*{i}", department_code="urban_management", certificate_no=f"CERT{i}"
                )
            )
        s.flush()
        for i in range(60):
            dept = ["urban_management", "urban_management", "market_regulation"][i % 3] if i < 57 else "greening"
            kwargs = {}
            if i % 5 == 0:
                kwargs = {"officers": ("O3",), "planted": ["single_officer"]}
            elif i % 7 == 0:
                kwargs = {"fine": 900, "planted": ["fine_outside_benchmark"]}
            s.add(make_case(f"C{i:03d}", dept, **kwargs))
