"""The settings table (workbench/config.py): documented, honoured, and a non-editable install works."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from workbench import config
from workbench.config import settings

REPO = Path(__file__).resolve().parents[1]
CASE = {
    "violation": "street_vending",
    "act_date": "2024-05-01",
    "decision_date": "2024-05-10",
    "party": {"kind": "person", "age": 40},
    "facts": {"area_m2": 2},
    "circumstances": [],
}


def test_every_setting_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1) for m in re.finditer(r"^\|\s*`([A-Z_]+)`\s*\|", readme, re.M)}
    missing = [name for name, _, _ in config.table() if name not in rows]
    assert not missing, f"README.md's settings table lacks {missing}: add a row `| `NAME` | default | what |`"
    assert all(text for _, _, text in config.table()), "every setting needs a one-line description"


def test_no_module_reads_workbench_variables_or_finds_files_by_its_own_path():
    offenders = []
    for path in sorted((REPO / "workbench").rglob("*.py")):
        if path.name == "config.py" and path.parent.name == "workbench":
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"parents\[\d\]", line) and "__file__" in line:
                offenders.append(f"{path.relative_to(REPO)}:{n}: Path(__file__).parents")
            if re.search(r"environ(\.get)?\(?\[?[\"']WORKBENCH_", line) or re.search(r"getenv\([\"']WORKBENCH_", line):
                offenders.append(f"{path.relative_to(REPO)}:{n}: reads a WORKBENCH_ variable")
            if "VOILA_PREHEAT" in line:
                offenders.append(f"{path.relative_to(REPO)}:{n}: reads VOILA_PREHEAT")
    assert not offenders, "read settings through workbench.config.settings():\n" + "\n".join(offenders)


def test_settings_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("WORKBENCH_DB_URL", raising=False)
    monkeypatch.delenv("WORKBENCH_LOG_DIR", raising=False)
    assert settings().database_url() == f"sqlite:///{tmp_path / 'workbench.db'}"
    assert settings().logs() == tmp_path / "log"
    monkeypatch.setenv("WORKBENCH_DB_URL", "sqlite:///elsewhere.db")
    assert settings().database_url() == "sqlite:///elsewhere.db"
    monkeypatch.setenv("WORKBENCH_RULES_DIR", str(tmp_path / "r"))
    assert settings().rules() == tmp_path / "r"
    monkeypatch.delenv("WORKBENCH_RULES_DIR")
    assert (settings().rules() / "catalogue.yaml").is_file()
    assert (settings().data() / "cn_holidays.yaml").is_file()


def test_a_bad_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv("WORKBENCH_TEST_PUBLISH_PAUSE", "soon")
    with pytest.raises(Exception) as err:
        settings()
    assert "test_publish_pause" in str(err.value)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The package built as a wheel and installed (not editable) into a fresh venv that borrows the
    project venv's third-party packages through a .pth line (so nothing is downloaded)."""
    root = tmp_path_factory.mktemp("install")
    wheels = root / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "borrow_project_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("workbench-*.whl"))
    subprocess.run(
        [py, "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True, timeout=300
    )
    return venv


def _clean_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env["WORKBENCH_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_installed_package_runs_from_another_directory(installed, tmp_path):
    env = _clean_env(tmp_path)
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import workbench; print(workbench.__file__)"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(REPO) not in where, f"the installed copy must be used, not the checkout: {where}"
    check = subprocess.run(
        [installed / "bin" / "workbench", "check", "--rules", str(REPO / "rules")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ok" in check.stdout
    # Without --rules the bundled copy of the rulebook is found through the settings.
    bundled = subprocess.run(
        [installed / "bin" / "workbench", "check"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert bundled.returncode == 0 and "_bundled" in bundled.stdout, bundled.stdout + bundled.stderr
    decide = subprocess.run(
        [installed / "bin" / "workbench", "decide"],
        input=json.dumps(CASE),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert decide.returncode == 0, decide.stderr
    answer = json.loads(decide.stdout.splitlines()[0])
    assert answer["level"] == "lighter" and answer["fine_yuan"] == {"min": 50, "max": 200}
    assert answer["rules_version"] and answer["basis"]
