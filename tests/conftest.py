"""Fixtures shared by every test folder."""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest


@pytest.fixture(scope="session")
def pg_database():
    """Make a fresh PostgreSQL database on the test server: ``with pg_database("wb_x") as url: ...``.

    The server is ``WORKBENCH_TEST_PG_URL`` (scripts/test starts a throwaway one
    and sets it). Without it the test is skipped on a developer's machine, but
    FAILS when ``CI_REQUIRE_PG`` is set (.ci/run sets it), so CI never passes
    without having run the PostgreSQL tests. The database is dropped on exit.
    """
    from sqlalchemy import create_engine, text

    from workbench.store.db import dispose_engines, engine_url

    @contextlib.contextmanager
    def make(prefix: str = "wb_test"):
        server = os.environ.get("WORKBENCH_TEST_PG_URL")
        if not server:
            if os.environ.get("CI_REQUIRE_PG"):
                pytest.fail(
                    "CI_REQUIRE_PG is set but WORKBENCH_TEST_PG_URL is not: no PostgreSQL server was started "
                    "(scripts/test starts one when Debian's postgresql package is installed)"
                )
            pytest.skip("WORKBENCH_TEST_PG_URL not set (no PostgreSQL server); CI sets CI_REQUIRE_PG and fails instead")
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        admin = create_engine(engine_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.rsplit("/", 1)[0] + f"/{name}"
        finally:
            dispose_engines()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    return make
