"""Every setting of the Workbench in one table: environment variable, default, what it is for.

Read settings with ``settings()``: it follows the environment at each call, so a
test or a served kernel that sets a variable sees it at once.
Data files (``rules/``, ``data/``, ``notebooks/``) are found here and nowhere
else: a setting when given, else the copy bundled in the installed package
(``workbench/_bundled/``, written by ``setup.py`` at build time), else the source
checkout the package runs from (an editable install).

``tests/test_config.py`` fails when a setting below is not documented in README.md.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _package_dir() -> Path:
    return Path(str(resources.files("workbench")))


@lru_cache(maxsize=1)
def source_checkout() -> Path | None:
    """The repository this package runs from (editable install), or None when installed."""
    root = _package_dir().parent
    if (root / "pyproject.toml").is_file() and (root / "rules").is_dir():
        return root
    return None


@lru_cache(maxsize=8)
def bundled(name: str) -> Path | None:
    """``rules``, ``data`` or ``notebooks`` as shipped inside the installed package, if it is there."""
    path = _package_dir() / "_bundled" / name
    return path if path.is_dir() else None


def _shipped(name: str) -> Path:
    """The checkout's folder when running from one, else the bundled copy, else ./name."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / name
    return bundled(name) or Path.cwd() / name


class Settings(BaseSettings):
    """The settings table. The description of each field is its one-line documentation."""

    model_config = SettingsConfigDict(env_prefix="WORKBENCH_", extra="ignore")

    rules_dir: Path | None = Field(None, description="the rulebook folder (default: rules/ of the checkout or package)")
    data_dir: Path | None = Field(None, description="reference data: demo county, holidays, scenario bank")
    scenarios_dir: Path | None = Field(None, description="the training scenario bank (default: DATA_DIR/scenarios)")
    notebooks_dir: Path | None = Field(None, description="the app notebooks Voila serves (default: notebooks/)")
    var_dir: Path | None = Field(None, description="working files: default SQLite database, logs, exports")
    db_url: str | None = Field(
        None, description="SQLAlchemy URL of the database (default: SQLite VAR_DIR/workbench.db)"
    )
    log_dir: Path | None = Field(None, description="where the apps write ui.log (default: VAR_DIR/log)")
    export_dir: Path | None = Field(None, description="where the apps save exported files (default: VAR_DIR/exports)")
    lang: str = Field("zh", description="the UI language before a user picks one: zh or en")
    test_publish_pause: float | None = Field(
        None, description="tests only: seconds a rule publish pauses between writing and replacing a file"
    )
    test_pg_url: str | None = Field(None, description="tests only: a PostgreSQL server URL for the postgres tests")

    # Resolved paths: the one place that knows where shipped files are.
    def rules(self) -> Path:
        return self.rules_dir or _shipped("rules")

    def data(self) -> Path:
        return self.data_dir or _shipped("data")

    def scenarios(self) -> Path:
        return self.scenarios_dir or self.data() / "scenarios"

    def notebooks(self) -> Path:
        if self.notebooks_dir:
            return self.notebooks_dir
        here = Path.cwd() / "notebooks"
        return here if (here / "index.ipynb").is_file() else _shipped("notebooks")

    def var(self) -> Path:
        if self.var_dir:
            return self.var_dir
        checkout = source_checkout()
        return (checkout or Path.cwd()) / "var"

    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.var() / 'workbench.db'}"

    def logs(self) -> Path:
        return self.log_dir or self.var() / "log"

    def exports(self) -> Path:
        return self.export_dir or self.var() / "exports"


# Variables the Workbench reads that are not its own (set by the tools it runs under).
FOREIGN = {
    "VOILA_PREHEAT": "set by Voila in a preheated kernel; the apps then wait for a request before loading data",
}


def voila_preheated() -> bool:
    """True in a kernel Voila preheats before anyone opened the page."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


_VARIABLES = tuple(f"WORKBENCH_{name.upper()}" for name in Settings.model_fields)


@lru_cache(maxsize=16)
def _settings_for(environment: tuple) -> Settings:
    return Settings()


def settings() -> Settings:
    """The settings in force now. The environment is read at each call (a test or a kernel that sets a
    variable sees it at once); the table is parsed once per distinct set of values, as parsing costs
    about a millisecond and services ask for settings on every session. Treat the result as read-only."""
    return _settings_for(tuple(os.environ.get(name) for name in _VARIABLES))


def table() -> list[tuple[str, str, str]]:
    """(environment variable, default, description) for every setting, for the README and `workbench config`."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = "" if field.default is None else str(field.default)
        rows.append((f"WORKBENCH_{name.upper()}", default, field.description or ""))
    rows.extend((name, "", text) for name, text in FOREIGN.items())
    return rows
