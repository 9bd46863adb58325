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
