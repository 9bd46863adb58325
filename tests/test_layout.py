"""The house: no module too large to read, each app a folder of components (issue 11)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 600  # any module under workbench/
MAX_UI_LINES = 400  # a UI component


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_600_lines_and_no_ui_file_over_400():
    too_long = []
    for path in sorted((REPO / "workbench").rglob("*.py")):
        limit = MAX_UI_LINES if "ui" in path.relative_to(REPO / "workbench").parts[:1] else MAX_LINES
        if _lines(path) > limit:
            too_long.append(f"{path.relative_to(REPO)}: {_lines(path)} lines (at most {limit}): split it by job")
    assert not too_long, "\n".join(too_long)


def test_every_app_is_a_folder_with_its_messages_as_data():
    for app in ("triage", "rule_lab", "review", "training"):
        folder = REPO / "workbench" / "ui" / app
        assert (folder / "__init__.py").is_file(), f"workbench/ui/{app}/ must be a package"
        assert (folder / "messages.yaml").is_file(), f"workbench/ui/{app}/messages.yaml holds its texts"
        assert not (REPO / "workbench" / "ui" / f"{app}.py").exists()
        assert not (folder / "app.py").exists(), "a submodule named app is shadowed by the package's app()"
