"""Fixtures of the store tests: a fresh database per test, on SQLite and (marked ``postgres``) PostgreSQL.

PostgreSQL tests use ``WORKBENCH_TEST_PG_URL`` (scripts/test starts a
throwaway server and sets it). Without it they are skipped on a developer's
machine, but FAIL when ``CI_REQUIRE_PG`` is set (.ci/run sets it), so CI never
passes without having run them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from workbench.store.db import dispose_engines

ANCHOR = dt.date(2026, 6, 30)  # fixed: the demo never reads the clock in tests


@pytest.fixture
def pg_url(pg_database):
    """A fresh, empty PostgreSQL database on the test server, dropped afterwards."""
    with pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    yield f"sqlite:///{tmp_path / 'workbench.db'}"
    dispose_engines()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The same test on a fresh SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workbench.db'}"
        dispose_engines()
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture
def migrated(db_url):
    from workbench.store.migrate import upgrade

    upgrade(db_url)
    return db_url


SMALL = {"cases": 300, "reports": 120}


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """One small demo county per module (SQLite), built at the fixed anchor."""
    from workbench.demo import build_demo
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    upgrade(url)
    summary = build_demo(url, seed=7, anchor=ANCHOR, **SMALL)
    yield url, summary
    dispose_engines()
