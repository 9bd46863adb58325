"""The app notebooks: thin, stripped, and they run (nbval) on a demo database and on an uninitialised one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_app_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"index", "triage"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin_and_stripped(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1, "one short cell that shows an app; logic belongs in workbench.ui"
    source = "".join(code[0]["source"])
    assert "from workbench.ui import" in source and len(source.splitlines()) <= 3
    assert code[0]["outputs"] == [] and code[0]["execution_count"] is None, "run nbstripout notebooks/*.ipynb"


def run_nbval(db_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, WORKBENCH_DB_URL=db_url, WORKBENCH_LOG_DIR=str(tmp_path / "log"), PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", *map(str, NOTEBOOKS)]
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def test_notebooks_run_on_a_demo_database(tmp_path):
    from workbench.demo import build_demo
    from workbench.store import dispose_engines
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    build_demo(url, cases=40, reports=30)
    dispose_engines()
    result = run_nbval(url, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(NOTEBOOKS)} passed" in result.stdout


def test_notebooks_run_on_an_uninitialised_database(tmp_path):
    """No tables yet: each app says what to do (checked in the app tests) instead of failing."""
    result = run_nbval(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(NOTEBOOKS)} passed" in result.stdout
