"""Fixtures for the headless UI and triage-service tests: a fresh database per test, a fixed clock."""

import datetime as dt

import pytest

NOW = dt.datetime(2026, 5, 20, 10, 0)


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    """An empty store at the migration head holding the rulebook's departments."""
    from workbench.engine import get_engine
    from workbench.store import dispose_engines, session_scope
    from workbench.store.migrate import upgrade
    from workbench.store.models import Department

    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("WORKBENCH_DB_URL", url)
    monkeypatch.setenv("WORKBENCH_LOG_DIR", str(tmp_path / "log"))
    upgrade(url)
    with session_scope(url) as s:
        for code, d in get_engine().rulebook.departments.items():
            s.add(Department(code=code, name_zh=d.name_zh, name_en=d.name_en, kind=d.kind))
    yield url
    dispose_engines()


@pytest.fixture
def clock():
    """A settable clock: clock.now is what the console and the service see as 'now'."""

    class Clock:
        now = NOW

        def __call__(self):
            return self.now

    return Clock()
