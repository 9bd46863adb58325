"""`workbench check`: every mistake a legal officer can make gives `path:line: message`.

Each case copies the small fixture rulebook (tests/fixtures/rules), breaks one
file the way a person would, and expects the exact file and line named with a
message saying what is wrong. The real rules/ must be clean.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import RuleBookError
from workbench.rulebook import load_rulebook

FIXTURE = Path(__file__).parent / "fixtures" / "rules"
SV = "discretion/street_vending.yaml"


def _line_of(path: Path, needle: str) -> int:
    """Line of the first (or, with "text#n", the n-th) line containing the text."""
    needle, _, nth = needle.partition("#")
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == int(nth or 1):
                return number
    raise AssertionError(f"{needle!r} not in {path}")


# (id, file, old, new, text on the line the message must point at (after the edit), message pattern)
BROKEN = [
    (
        "unknown key in a level row",
        SV,
        "{id: sv_light, level: lighter,",
        "{id: sv_light, levle: lighter, level: lighter,",
        "sv_light",
        r"unknown key 'levle'",
    ),
    (
        "unknown level name",
        SV,
        "{id: sv_heavy, level: heavier,",
        "{id: sv_heavy, level: severe,",
        "sv_heavy",
        r"level must be one of",
    ),
    (
        "bad effective date",
        SV,
        "effective_from: 2025-01-01",
        "effective_from: 2025-13-01",
        "2025-13-01",
        r"effective_from must be a date",
    ),
    (
        "versions out of order",
        SV,
        "effective_from: 2025-01-01",
        "effective_from: 2020-01-01",
        "2020-01-01",
        r"not after the version before it",
    ),
    (
        "fine min above max",
        SV,
        "fine: {person: [50, 200]",
        "fine: {person: [200, 50]",
        "sv_light",
        r"minimum 200 is above maximum 50",
    ),
    (
        "range above the statutory maximum",
        SV,
        "person: [500, 1000]",
        "person: [500, 1500]",
        "sv_heavy",
        r"outside the statutory range \[0, 1000\]",
    ),
    (
        "heavier level cheaper than standard",
        SV,
        "person: [500, 1000], organisation: [3000, 5000]",
        "person: [100, 150], organisation: [3000, 5000]",
        "sv_heavy",
        r"has lower person fines .* than sv_std",
    ),
    (
        "overlapping fine bands",
        SV,
        "person: [500, 1000], organisation: [3000, 5000]",
        "person: [400, 1000], organisation: [3000, 5000]",
        "sv_heavy",
        r"overlap sv_std",
    ),
    ("missing legal basis", SV, ", basis: 行政处罚法 第三十二条}", "}", "sv_mit", r"missing legal basis"),
    (
        "unreachable row",
        SV,
        '{id: sv_heavy, level: heavier, when: {repeat_count: {">=": 2}}',
        '{id: sv_heavy, level: heavier, when: {repeat_count: {">=": 2}, area_m2: {"<": 2}}',
        "sv_heavy",
        r"unreachable: every case it covers is taken by the earlier row sv_light",
    ),
    (
        "gap: no catch-all row",
        SV,
        "      - {id: sv_std, level: standard, when: {}, fine: {person: [150, 400]",
        '      - {id: sv_std, level: standard, when: {area_m2: {">=": 5}}, fine: {person: [150, 400]',
        "effective_from: 2025-01-01",
        r"gap: no row matches a case such as",
    ),
    (
        "unknown fact in a condition",
        SV,
        'when: {area_m2: {"<": 3}}',
        'when: {area: {"<": 3}}',
        "sv_light",
        r"unknown field 'area'",
    ),
    (
        "unknown operator",
        SV,
        'when: {area_m2: {"<": 3}}',
        'when: {area_m2: {"=<": 3}}',
        "sv_light",
        r"unknown operator '=<'",
    ),
    (
        "comparison with text",
        SV,
        'when: {area_m2: {"<": 3}}',
        'when: {area_m2: {"<": "three"}}',
        "sv_light",
        r"needs a number",
    ),
    (
        "unknown violation in a benchmark",
        SV,
        "violation: street_vending",
        "violation: street_vendor",
        "violation: street_vendor",
        r"unknown violation 'street_vendor'",
    ),
    (
        "unknown department in the catalogue",
        "catalogue.yaml",
        "department: urban_management",
        "department: city_hall",
        "department: city_hall",
        r"unknown department 'city_hall'",
    ),
    (
        "unknown department in ownership",
        "ownership.yaml",
        "lead: greening",
        "lead: gardening",
        "lead: gardening",
        r"unknown department 'gardening'",
    ),
    (
        "category listed twice",
        "ownership.yaml",
        "  - category: graffiti",
        "  - category: street_vending",
        "category: street_vending#2",
        r"listed twice",
    ),
    (
        "unknown parameter",
        "provisions.yaml",
        "{param: summary_fine_person}",
        "{param: summary_fine_citizen}",
        "summary_fine_citizen",
        r"unknown parameter 'summary_fine_citizen'",
    ),
    (
        "YAML syntax error",
        "severity.yaml",
        "  - id: general\n",
        "  - id: general\n   oops: [\n",
        "oops",
        r"not valid YAML",
    ),
    (
        "severity value unknown",
        "severity.yaml",
        "set: {severity: general}",
        "set: {severity: minor}",
        "id: general",
        r"set.severity must be one of",
    ),
    (
        "regex with a CJK range",
        SV,
        'when: {area_m2: {"<": 3}}',
        'when: {violation: {matches: "[一-龥]+"}}',
        "sv_light",
        r"crashes durable_rules",
    ),
    (
        "rule test names an unknown code",
        "tests/fixture.yaml",
        "violation: street_vending",
        "violation: street_vendin",
        "- name: small area",
        r"unknown violation 'street_vendin'",
    ),
    (
        "benchmark adds a penalty",
        SV,
        "{id: sv_heavy, level: heavier,",
        "{id: sv_heavy, other_penalties: [suspension], level: heavier,",
        "sv_heavy",
        r"may not add a penalty",
    ),
    (
        "fact type unknown",
        "catalogue.yaml",
        "area_m2: {type: number",
        "area_m2: {type: float",
        "area_m2: {type: float",
        r"type must be one of",
    ),
]


@pytest.mark.parametrize("case_id, rel, old, new, anchor, pattern", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_rule_file_is_reported_at_its_line(tmp_path, capsys, case_id, rel, old, new, anchor, pattern):
    root = tmp_path / "rules"
    shutil.copytree(FIXTURE, root)
    target = root / rel
    text = target.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = _line_of(target, anchor)

    status = main(["check", "--rules", str(root)])
    err = capsys.readouterr().err
    assert status == 1
    expected = re.compile(rf"^rules/{re.escape(rel)}:{line}: .*{pattern}", re.M)
    assert expected.search(err), f"expected rules/{rel}:{line} matching {pattern!r} in:\n{err}"


def test_fixture_is_clean(capsys):
    assert main(["check", "--rules", str(FIXTURE)]) == 0
    assert "ok · rules version" in capsys.readouterr().out


def test_project_rules_are_clean(capsys):
    status = main(["check"])
    out = capsys.readouterr()
    assert status == 0, out.err
    tests = int(re.search(r"(\d+) rule tests", out.out).group(1))
    assert tests >= 3 * 10 + 20  # three per benchmark, one or more per provision


def test_test_rules_command_runs_the_rule_tests(capsys):
    # The project's rule tests are pytest items of their own (workbench.engine.pytest_ruletests);
    # this checks the command a legal officer runs, on the small fixture rulebook.
    status = main(["test-rules", "--rules", str(FIXTURE)])
    out = capsys.readouterr()
    assert status == 0, out.err + out.out
    assert re.search(r"^2 passed, 0 failed \(rules version [0-9a-f]{12}\)$", out.out, re.M), out.out


def test_load_raises_with_every_problem(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(FIXTURE, root)
    bench = root / SV
    bench.write_text(
        bench.read_text(encoding="utf-8")
        .replace("level: lighter", "level: light")
        .replace("level: heavier", "level: heavy"),
        encoding="utf-8",
    )
    with pytest.raises(RuleBookError) as info:
        load_rulebook(root)
    assert len(info.value.problems) >= 2


def test_not_utf8_is_named(tmp_path, capsys):
    root = tmp_path / "rules"
    shutil.copytree(FIXTURE, root)
    (root / "catalogue.yaml").write_bytes("violations: []  # 占道".encode("gb18030"))
    assert main(["check", "--rules", str(root)]) == 1
    assert "rules/catalogue.yaml:1: not UTF-8" in capsys.readouterr().err


def test_missing_directory(tmp_path, capsys):
    assert main(["check", "--rules", str(tmp_path / "nowhere")]) == 1
    assert "rules directory not found" in capsys.readouterr().err


def test_catalogue_and_ownership_must_name_the_same_lead(tmp_path, capsys):
    """The decider of a violation (catalogue) and the lead for its event (ownership) are one department."""
    root = tmp_path / "rules"
    shutil.copytree(Path(__file__).parents[1] / "rules", root)
    catalogue = root / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    marker = "  - code: household_waste_dumping"
    head, tail = text.split(marker, 1)
    tail = tail.replace("department: urban_management", "department: sanitation", 1)
    catalogue.write_text(head + marker + tail, encoding="utf-8")
    assert main(["check", "--rules", str(root)]) == 1
    out = capsys.readouterr()
    line = _line_of(catalogue, "code: household_waste_dumping")
    assert re.search(
        rf"catalogue\.yaml:{line}: household_waste_dumping: department sanitation here, but ownership\.yaml routes "
        r"the event to urban_management",
        out.out + out.err,
    ), out.out + out.err
