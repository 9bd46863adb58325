"""The vocabulary (rules/vocabulary.yaml): one type renders a code, resolves an alias, and is linted with the rules.

The values are the ones the modules wrote inline before (behaviour does not change):
the literals below pin them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from workbench.cli import main
from workbench.config import settings
from workbench.rulebook import load_rulebook
from workbench.rulebook.vocabulary import LISTS, read_vocabulary, vocabulary


def test_names_and_codes():
    vocab = vocabulary()
    assert vocab.name("levels", "lighter", "zh") == "从轻处罚"
    assert vocab.name("levels", "lighter", "en") == "Lighter"
    assert vocab.name("severities", "nonsense") == "nonsense"
    assert vocab.codes("severities") == ("general", "composite", "major")
    assert vocab.code_of("report_sources", "热线") == vocab.code_of("report_sources", "12345") == "hotline"
    assert vocab.code_of("levels", "一般") == "standard" and vocab.code_of("procedures", "一般") == "general"
    assert vocab.code_of("case_documents", "送达回证") == "service_receipt"
    assert vocab.code_of("levels", "nonsense") is None
    assert vocab.term("findings", "time_barred").extra == {"basis": "行政处罚法 第三十六条", "engine": True}
    with pytest.raises(KeyError, match="no vocabulary list"):
        vocab.codes("colours")
    assert set(vocab.lists) == set(LISTS)


def test_derived_constants_keep_their_values():
    from workbench.importer.columns import CASE_DOCUMENTS
    from workbench.review.evaluation import PLANTED_TO_FINDING
    from workbench.review.precheck import DOCUMENTS, FINDINGS
    from workbench.rulebook.model import LEVEL_NAMES, LEVELS, OTHER_PENALTIES
    from workbench.training.grading import SEVERITIES, SEVERITY_NAMES

    assert LEVELS == ("exempt", "mitigated", "lighter", "standard", "heavier")
    assert LEVEL_NAMES["heavier"] == ("从重处罚", "Heavier")
    assert OTHER_PENALTIES[0] == "warning" and len(OTHER_PENALTIES) == 8
    assert SEVERITIES == ("general", "composite", "major") and SEVERITY_NAMES["major"] == ("重大事件", "Major")
    assert FINDINGS["officers_fewer_than_two"] == ("行政处罚法 第四十二条第一款", False) and len(FINDINGS) == 10
    assert DOCUMENTS["decision"] == "处罚决定书"
    assert CASE_DOCUMENTS["decision"] == ("处罚决定书", "Penalty decision document")
    assert set(DOCUMENTS) == set(CASE_DOCUMENTS)
    assert set(vocabulary().codes("defect_kinds")) <= set(FINDINGS)
    assert PLANTED_TO_FINDING["single_officer"] == "officers_fewer_than_two"
    assert PLANTED_TO_FINDING["missing_hearing_notice"] == "hearing_notice_missing"


def test_the_vocabulary_is_part_of_the_rules_version(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(settings().rules(), root)
    before = load_rulebook(root)
    assert before.vocabulary.codes("levels") == vocabulary().codes("levels")
    path = root / "vocabulary.yaml"
    text = path.read_text(encoding="utf-8").replace("en: Exempt}", "en: Exempt (no penalty)}")
    path.write_text(text, encoding="utf-8")
    after = load_rulebook(root)
    assert after.version != before.version
    assert after.vocabulary.name("levels", "exempt", "en") == "Exempt (no penalty)"


# (id, old text, new text, text on the line the message must name, message pattern)
BROKEN = [
    (
        "unknown key",
        "{code: lighter, zh: 从轻处罚,",
        "{code: lighter, zn: 从轻, zh: 从轻处罚,",
        "code: lighter",
        r"levels: unknown key 'zn'",
    ),
    (
        "duplicated code",
        "{code: heavier, zh: 从重处罚",
        "{code: lighter, zh: 从重处罚",
        "zh: 从重处罚",
        r"levels: code 'lighter' already used at line \d+",
    ),
    (
        "duplicated alias",
        "aliases: [从重]",
        "aliases: [从轻]",
        "code: heavier",
        r"levels: alias '从轻' already used at line \d+",
    ),
    (
        "missing English name",
        "{code: major, zh: 重大事件, en: Major}",
        "{code: major, zh: 重大事件}",
        "code: major",
        r"severities: entry 'major' lacks 'en'",
    ),
    (
        "unknown list",
        "severities:\n",
        "severity_levels:\n",
        "severity_levels:",
        r"unknown vocabulary list 'severity_levels'",
    ),
    (
        "defect kind that is no finding",
        "{code: time_barred, zh: 超过追责时效仍处罚, en: Penalty after the limitation period}",
        "{code: time_bar, zh: 超过追责时效仍处罚, en: Penalty after the limitation period}",
        "code: time_bar,",
        r"defect_kinds: 'time_bar' is not a code of findings",
    ),
]


@pytest.mark.parametrize("case_id, old, new, anchor, pattern", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_bad_entry_is_reported_at_its_line(tmp_path, capsys, case_id, old, new, anchor, pattern):
    root = tmp_path / "rules"
    shutil.copytree(settings().rules(), root)
    path = root / "vocabulary.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"vocabulary changed: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if anchor in t)

    assert main(["check", "--rules", str(root)]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"^rules/vocabulary.yaml:{line}: .*{pattern}", err, re.M), err
    assert read_vocabulary(path)[1], "read_vocabulary reports it too"


def test_a_broken_vocabulary_in_force_is_reported_not_a_crash(tmp_path):
    """The modules read their constants from the vocabulary at import: a mistake must not stop `workbench check`."""
    root = tmp_path / "rules"
    shutil.copytree(settings().rules(), root)
    path = root / "vocabulary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{code: heavier,", "{code: lighter,", 1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env.update(WORKBENCH_RULES_DIR=str(root), PYTHONIOENCODING="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert re.search(r"^rules/vocabulary.yaml:\d+: levels: code 'lighter' already used", result.stderr, re.M)
    assert "the rules in force are unchanged" in result.stderr


def test_the_stores_status_machine_uses_the_vocabularys_codes():
    """The store keeps its own status tuple (it imports nothing above it); it must be the vocabulary's list."""
    from workbench.store.models import OPEN_REPORT_STATUSES, REPORT_STATUSES

    assert REPORT_STATUSES == vocabulary().codes("report_statuses")
    assert set(OPEN_REPORT_STATUSES) < set(REPORT_STATUSES)
