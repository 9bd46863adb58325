"""rules/review.yaml: the real file is clean; each mistake a person can make is reported at its line."""

from pathlib import Path

import pytest

from workbench.errors import RuleBookError
from workbench.review.checklist import TOTAL_POINTS, load_checklist, validate_review_rules

REVIEW_YAML = Path(__file__).resolve().parents[2] / "rules" / "review.yaml"


def test_real_checklist_is_clean_and_sums_to_100(checklist):
    assert validate_review_rules(REVIEW_YAML) == []
    assert sum(s.points for s in checklist.sections) == TOTAL_POINTS
    assert [s.zh for s in checklist.sections] == ["主体", "事实", "证据", "法律适用", "程序", "裁量", "文书", "归档"]
    assert {v.code for v in checklist.vetoes} >= {"time_barred", "no_penalty_power", "officers_fewer_than_two"}
    for item in checklist.items.values():
        assert item.basis and item.zh and item.en


def test_grade_bands_come_from_named_parameters(checklist):
    assert [g.zh for g in checklist.grades] == ["优秀", "良好", "合格", "不合格"]
    assert checklist.grade_for(checklist.param("excellent_min")).code == "excellent"
    assert checklist.grade_for(checklist.param("excellent_min") - 0.5).code == "good"
    assert checklist.grade_for(checklist.param("pass_min") - 0.5).code == "fail"
    assert "可配置" in checklist.parameter_sources["excellent_min"]


def test_every_precheck_finding_proposes_one_item(checklist):
    from workbench.review.precheck import FINDINGS

    for code in FINDINGS:
        assert checklist.by_precheck(code) is not None, code


def _broken(tmp_path, old, new):
    text = REVIEW_YAML.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    rules = tmp_path / "rules"
    rules.mkdir()
    path = rules / "review.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _line_of(text, marker):
    """Line of the last occurrence of ``marker`` (a duplicate comes after the original)."""
    return text[: text.rindex(marker)].count("\n") + 1


@pytest.mark.parametrize(
    "old,new,message,at_line",
    [
        ("    points: 10\n    items:", "    points: 12\n    items:", "section points sum to 102, not 100", False),
        (
            "        points: 2\n        repeatable: true\n        basis: 行政处罚法 第四十二条",
            "        points: 2\n        repeatable: true\n        colour: red\n        basis: 行政处罚法 第四十二条",
            "unknown key 'colour'",
            "colour: red",
        ),
        (
            "        precheck: service_late",
            "        precheck: served_too_late",
            "unknown pre-check 'served_too_late'",
            "precheck: served_too_late",
        ),
        (
            "      - code: seal_missing",
            "      - code: service_late",
            "code 'service_late' already used",
            "- code: service_late",
        ),
        (
            "      - code: filing_order_wrong\n"
            "        zh: 未按立案、调查、审查、决定、送达顺序归档\n"
            "        en: Documents not filed in procedural order\n"
            "        points: 1",
            "      - code: filing_order_wrong\n"
            "        zh: 未按立案、调查、审查、决定、送达顺序归档\n"
            "        en: Documents not filed in procedural order\n"
            "        points: 6",
            "deducts 6 but section archiving has only 5 points",
            False,
        ),
        (
            "  good_min: {value: 80,",
            "  good_min: {value: 95,",
            "grade good must have a lower min_score than excellent",
            False,
        ),
        ("        basis: 行政处罚法 第五十九条第二款\n", "", "item seal_missing lacks 'basis'", False),
        ("  - code: facts\n", "  - code: fakts\n", "code must be one of", "- code: fakts"),
        (
            "  pass_min: {value: 60,",
            "  pass_min: {value: sixty,",
            "parameter pass_min: value must be a number",
            "pass_min: {value: sixty",
        ),
    ],
)
def test_mistakes_are_reported_with_path_and_line(tmp_path, old, new, message, at_line):
    path, text = _broken(tmp_path, old, new)
    problems = validate_review_rules(path)
    matching = [p for p in problems if message in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].path.endswith("rules/review.yaml")
    assert matching[0].line >= 1
    if at_line:
        assert matching[0].line == _line_of(text, at_line), [str(p) for p in problems]
    with pytest.raises(RuleBookError):
        load_checklist(path)


def test_removing_a_precheck_item_is_reported(tmp_path):
    path, _ = _broken(tmp_path, "        precheck: hearing_notice_missing\n", "")
    assert any("pre-check 'hearing_notice_missing' proposes no item" in p.message for p in validate_review_rules(path))


def test_missing_file_and_bad_yaml(tmp_path):
    assert "file missing" in validate_review_rules(tmp_path / "review.yaml")[0].message
    bad = tmp_path / "review.yaml"
    bad.write_text("sections: [\n  - a: b\n", encoding="utf-8")
    problems = validate_review_rules(bad)
    assert problems and "not valid YAML" in problems[0].message
