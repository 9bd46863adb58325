"""Schema and migrations: upgrade from empty and from the previous revision, init twice, SQLite settings."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.store import models as m
from workbench.store.db import get_engine, session_scope
from workbench.store.migrate import current_revision, downgrade, head_revision, upgrade


def _schema_diff(url):
    with get_engine(url).connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), m.metadata)


def test_upgrade_from_empty_builds_exactly_the_models(db_url):
    before, after = upgrade(db_url)
    assert before is None and after == head_revision()
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert {t.name for t in m.metadata.sorted_tables} <= tables
    assert _schema_diff(db_url) == []  # migrations and models say the same thing


def test_upgrade_from_the_previous_revision_keeps_rows(db_url):
    upgrade(db_url, "0001")
    assert current_revision(get_engine(db_url)) == "0001"
    with session_scope(db_url) as s:
        s.add(m.Department(code="urban_management", name_zh="城管", name_en="Urban management"))
    before, after = upgrade(db_url)
    assert (before, after) == ("0001", head_revision())
    assert _schema_diff(db_url) == []
    indexes = {i["name"] for i in inspect(get_engine(db_url)).get_indexes("case_file")}
    assert "ix_case_violation_level" in indexes
    with session_scope(db_url) as s:
        assert s.exec(select(m.Department)).one().name_zh == "城管"


def test_downgrade_to_base_and_up_again(db_url):
    upgrade(db_url)
    downgrade(db_url, "base")
    assert "case_file" not in inspect(get_engine(db_url)).get_table_names()
    upgrade(db_url)
    assert _schema_diff(db_url) == []


def test_version_columns_on_every_mutable_table():
    append_only = {"report_event", "rule_version", "audit_log", "review_sample_item", "store_meta"}
    for table in m.metadata.sorted_tables:
        if table.name in append_only:
            continue
        assert "version" in table.c, f"{table.name} has no version column"
    for model in (m.Department, m.Officer, m.Report, m.CaseFile, m.ReviewScore, m.TrainingAttempt):
        assert model.__mapper__.version_id_col is model.__table__.c.version


def test_init_twice_is_safe(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    assert main(["init", "--db", url]) == 0
    first = capsys.readouterr().out
    assert "created" in first and "34 departments loaded" in first
    assert main(["init", "--db", url]) == 0
    second = capsys.readouterr().out
    assert "already at revision" in second and "departments loaded" not in second
    with session_scope(url) as s:
        assert len(s.exec(select(m.Department)).all()) == 34


def test_init_from_another_directory_uses_the_packaged_migrations(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert main(["init", "--db", url]) == 0
    assert current_revision(get_engine(url)) == head_revision()


def test_database_made_without_migrations_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'foreign.db'}"
    with get_engine(url).begin() as conn:
        conn.execute(text("CREATE TABLE something (id INTEGER PRIMARY KEY)"))
    with pytest.raises(WorkbenchError, match="no migration record"):
        upgrade(url)


def test_default_url_is_a_file_under_var(monkeypatch):
    from workbench.store.db import default_url, resolve_url

    monkeypatch.delenv("WORKBENCH_DB_URL", raising=False)
    assert default_url().endswith("/var/workbench.db") and default_url().startswith("sqlite:///")
    assert resolve_url() == default_url()
    monkeypatch.setenv("WORKBENCH_DB_URL", "sqlite:///elsewhere.db")
    assert resolve_url() == "sqlite:///elsewhere.db"
    assert resolve_url("sqlite:///given.db") == "sqlite:///given.db"


def test_sqlite_has_wal_and_enforces_foreign_keys(sqlite_url):
    upgrade(sqlite_url)
    with get_engine(sqlite_url).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with pytest.raises(IntegrityError):
        with session_scope(sqlite_url) as s:
            s.add(m.Officer(number="X1", name_masked="张*", department_code="no_such_department", certificate_no="C1"))


def test_foreign_keys_and_json_round_trip(migrated):
    with session_scope(migrated) as s:
        s.add(m.Department(code="urban_management", name_zh="城管", name_en="Urban management"))
    with session_scope(migrated) as s:
        s.add(
            m.CaseFile(
                number="CF2026-00001",
                party_kind="person",
                party_name_masked="张*",
                violation="street_vending",
                department_code="urban_management",
                act_date=dt.date(2026, 1, 5),
                facts={"area_m2": 2.5},
                circumstances=["first_offence"],
                officers=["SP01001", "SP01002"],
                documents=["decision"],
            )
        )
    with session_scope(migrated) as s:
        row = s.exec(select(m.CaseFile)).one()
        assert row.facts == {"area_m2": 2.5} and row.officers == ["SP01001", "SP01002"] and row.version == 1
    with pytest.raises(IntegrityError):
        with session_scope(migrated) as s:
            s.add(
                m.CaseFile(
                    number="CF2026-00002",
                    party_kind="person",
                    party_name_masked="李*",
                    violation="graffiti",
                    department_code="nowhere",
                    act_date=dt.date(2026, 1, 5),
                )
            )
    with pytest.raises(IntegrityError):  # the case number is the natural key
        with session_scope(migrated) as s:
            s.add(
                m.CaseFile(
                    number="CF2026-00001",
                    party_kind="person",
                    party_name_masked="王*",
                    violation="graffiti",
                    department_code="urban_management",
                    act_date=dt.date(2026, 1, 6),
                )
            )
    with session_scope(migrated) as s:
        assert len(s.exec(select(m.CaseFile)).all()) == 1


def _exercise_columns(url):
    return {c["name"]: c for c in inspect(get_engine(url)).get_columns("training_exercise")}


def _insert_exercise_at_0002(url, name):
    """An exercise row written the way the 0002 schema allows (no settings columns yet)."""
    with get_engine(url).begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO training_exercise (name, scenario_codes, created_by, created_at, status, version) "
                "VALUES (:name, '[\"gp-no-fault\"]', 'trainer', :at, 'open', 1) RETURNING id"
            ),
            {"name": name, "at": dt.datetime(2026, 6, 1, 9, 0)},
        ).scalar_one()


def test_upgrade_from_0002_adds_the_exercise_settings_with_defaults_on_existing_rows(db_url):
    upgrade(db_url, "0002")
    assert not {"time_limit_minutes", "scenario_order", "feedback"} & set(_exercise_columns(db_url))
    exercise_id = _insert_exercise_at_0002(db_url, "旧练习")
    before, after = upgrade(db_url)
    assert (before, after) == ("0002", head_revision())
    columns = _exercise_columns(db_url)
    assert columns["time_limit_minutes"]["nullable"] is True
    assert columns["scenario_order"]["nullable"] is False and columns["feedback"]["nullable"] is False
    assert _schema_diff(db_url) == []
    with session_scope(db_url) as s:
        row = s.get(m.TrainingExercise, exercise_id)
        assert (row.name, row.time_limit_minutes, row.scenario_order, row.feedback) == ("旧练习", None, "fixed", "each")
    new_id = _insert_exercise_at_0002(db_url, "无设置")  # the server defaults also serve plain SQL inserts
    with get_engine(db_url).connect() as conn:
        assert conn.execute(
            text("SELECT scenario_order, feedback FROM training_exercise WHERE id = :i"), {"i": new_id}
        ).one() == ("fixed", "each")
    downgrade(db_url, "0002")
    assert not {"time_limit_minutes", "scenario_order", "feedback"} & set(_exercise_columns(db_url))
    with get_engine(db_url).connect() as conn:  # the row survives the way down (SQLite rebuilds the table)
        assert (
            conn.execute(text("SELECT name FROM training_exercise WHERE id = :i"), {"i": exercise_id}).scalar_one()
            == "旧练习"
        )


def test_upgrade_from_0002_moves_settings_out_of_the_old_side_table(db_url):
    """Databases used before 0003 had ``training_exercise_settings`` made by the training code; its values move over."""
    upgrade(db_url, "0002")
    with_settings = _insert_exercise_at_0002(db_url, "有设置")
    without = _insert_exercise_at_0002(db_url, "无设置")
    with get_engine(db_url).begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE training_exercise_settings (exercise_id INTEGER PRIMARY KEY, "
                "time_limit_minutes INTEGER, scenario_order VARCHAR(16) NOT NULL, "
                "feedback VARCHAR(16) NOT NULL)"
            )
        )
        conn.execute(
            text("INSERT INTO training_exercise_settings VALUES (:i, 45, 'shuffled', 'end')"), {"i": with_settings}
        )
    upgrade(db_url)
    assert not inspect(get_engine(db_url)).has_table("training_exercise_settings")
    with session_scope(db_url) as s:
        got = {
            r.name: (r.time_limit_minutes, r.scenario_order, r.feedback)
            for r in s.exec(select(m.TrainingExercise).where(m.TrainingExercise.id.in_([with_settings, without])))
        }
    assert got == {"有设置": (45, "shuffled", "end"), "无设置": (None, "fixed", "each")}


def test_fresh_init_has_no_side_table_for_exercise_settings(tmp_path, capsys):
    from workbench.training import exercises
    from workbench.training.bank import load_bank

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["init", "--db", url]) == 0
    assert "training_exercise_settings" not in inspect(get_engine(url)).get_table_names()
    bank = load_bank()
    codes = [s.id for s in bank][:2]
    ex = exercises.create_exercise(
        "限时", codes, "trainer", time_limit_minutes=20, order="shuffled", feedback="end", bank=bank, url=url
    )
    assert exercises.get_exercise(ex.id, url=url).time_limit_minutes == 20  # the training code makes no table either
    assert "training_exercise_settings" not in inspect(get_engine(url)).get_table_names()
    with session_scope(url) as s:
        row = s.get(m.TrainingExercise, ex.id)
        assert (row.time_limit_minutes, row.scenario_order, row.feedback) == (20, "shuffled", "end")


def test_training_on_a_database_at_0002_asks_for_an_upgrade(sqlite_url):
    from workbench.training import exercises

    upgrade(sqlite_url, "0002")
    with pytest.raises(WorkbenchError, match="run `workbench init` to upgrade"):
        exercises.list_exercises(url=sqlite_url)
    assert not inspect(get_engine(sqlite_url)).has_table("training_exercise_settings")  # nothing made on the side
    upgrade(sqlite_url)
    assert exercises.list_exercises(url=sqlite_url) == []
