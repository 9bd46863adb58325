"""Grading against the engine: each question type, partial credit, and answers that follow the rules."""

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from workbench.engine import get_engine
from workbench.training.grading import (
    article_of,
    articles_of,
    basis_options,
    changed_answers,
    describe,
    expected_answers,
    grade,
    grade_question,
)

ROOT = Path(__file__).resolve().parents[2]


def test_expected_answers_come_from_the_engine(bank, engine):
    scenario = bank.get("sv-basic-small-stall")
    expected = expected_answers(scenario, engine)
    decision = engine.decide(scenario.case).to_dict()
    assert expected.answers["level"] == decision["level"]
    assert expected.answers["fine"] == decision["fine_yuan"]
    assert expected.answers["procedure"] == decision["procedure"]
    assert expected.answers["basis"] == articles_of(decision["basis"])
    assert expected.rules_version == engine.version
    assert expected.trace and all("rule" in t for t in expected.trace)


def _right_answers(expected):
    out = {}
    for q, v in expected.answers.items():
        if q == "fine":
            out[q] = v["min"] if v else 0
        else:
            out[q] = v
    return out


def test_engine_answers_score_full_marks_on_every_scenario(bank, engine):
    for scenario in bank:
        expected = expected_answers(scenario, engine)
        result = grade(scenario, _right_answers(expected), expected=expected)
        assert result.score == 1.0, (scenario.id, [r.to_dict() for r in result.results if r.score < 1])


def test_unanswered_questions_score_zero(bank, engine):
    scenario = bank.get("ic-company-extension")
    result = grade(scenario, {}, engine)
    assert result.score == 0.0
    assert {r.note for r in result.results} == {"not answered"}


@pytest.fixture()
def case_expected(bank, engine):
    # a penalized person case: level lighter, fine within a range, summary procedure
    return expected_answers(bank.get("sv-basic-small-stall"), engine)


def test_penalize_hearing_review_are_all_or_nothing(bank, engine):
    expected = expected_answers(bank.get("hw-restaurant-dumping"), engine)
    assert expected.answers["hearing_right"] is True and expected.answers["legal_review"] is True
    for q in ("penalize", "hearing_right", "legal_review"):
        assert grade_question(q, True, expected).score == 1.0
        assert grade_question(q, False, expected).score == 0.0
        assert grade_question(q, "是", expected).score == 1.0  # the Chinese UI's yes
    under14 = expected_answers(bank.get("gp-minor-under-14"), engine)
    assert grade_question("penalize", False, under14).score == 1.0
    assert grade_question("penalize", True, under14).score == 0.0


def test_level_adjacent_gets_half_credit(case_expected):
    want = case_expected.answers["level"]
    assert want == "lighter"
    assert grade_question("level", "lighter", case_expected).score == 1.0
    assert grade_question("level", "standard", case_expected).score == 0.5
    assert grade_question("level", "mitigated", case_expected).score == 0.5
    assert grade_question("level", "heavier", case_expected).score == 0.0
    assert grade_question("level", "exempt", case_expected).score == 0.0


def test_fine_inside_range_full_near_half_far_zero(case_expected):
    low, high = case_expected.answers["fine"]["min"], case_expected.answers["fine"]["max"]
    tolerance = max(0.10 * high, 10)
    assert grade_question("fine", low, case_expected).score == 1.0
    assert grade_question("fine", high, case_expected).score == 1.0
    assert grade_question("fine", (low + high) / 2, case_expected).score == 1.0
    assert grade_question("fine", high + tolerance, case_expected).score == 0.5
    assert grade_question("fine", high + tolerance + 1, case_expected).score == 0.0
    assert grade_question("fine", "abc", case_expected).score == 0.0


def test_procedure_exact(case_expected):
    assert case_expected.answers["procedure"] == "summary"
    assert grade_question("procedure", "summary", case_expected).score == 1.0
    assert grade_question("procedure", "general", case_expected).score == 0.0


def test_basis_overlap_at_article_level(bank, engine):
    expected = expected_answers(bank.get("gp-minor-exactly-14"), engine)
    right = expected.answers["basis"]
    assert "行政处罚法 第三十条" in right and len(right) >= 2
    # 款/项 do not matter, the article does
    full = grade_question("basis", [a + "第一款" for a in right], expected)
    assert full.score == 1.0
    half = grade_question("basis", right[:1] + ["行政处罚法 第九十九条"], expected)
    assert half.score == pytest.approx(1 / (len(right) + 1))
    assert half.missed_articles == right[1:]
    assert half.wrong_articles == ["行政处罚法 第九十九条"]


def test_basis_options_contain_the_answer_and_distractors(bank, engine):
    scenario = bank.get("gp-no-fault")
    options = basis_options(scenario, engine)
    right = expected_answers(scenario, engine).answers["basis"]
    assert set(right) <= set(options)
    assert len(options) >= len(right) + 3
    assert options == basis_options(scenario, engine)  # the same every time


def test_triage_questions(bank, engine):
    expected = expected_answers(bank.get("tr-casualties-construction"), engine)
    assert expected.answers["severity"] == "major" and expected.answers["coordination_level"] == 3
    assert grade_question("severity", "major", expected).score == 1.0
    assert grade_question("severity", "composite", expected).score == 0.5
    assert grade_question("severity", "general", expected).score == 0.0
    assert grade_question("coordination_level", 3, expected).score == 1.0
    assert grade_question("coordination_level", "2", expected).score == 0.5
    assert grade_question("coordination_level", 1, expected).score == 0.0
    lead = expected.answers["lead"]
    assert grade_question("lead", lead, expected).score == 1.0
    assert grade_question("lead", "police", expected).score == 0.0
    assist = expected.answers["assist"]
    assert len(assist) == 3
    assert grade_question("assist", assist, expected).score == 1.0
    assert grade_question("assist", assist[:2], expected).score == pytest.approx(2 / 3)
    assert grade_question("assist", assist[:1] + ["health"], expected).score == pytest.approx(1 / 4)
    assert grade_question("assist", ["health"], expected).score == 0.0
    empty = expected_answers(bank.get("tr-graffiti-camera"), engine)
    assert "assist" not in empty.answers  # not asked in that scenario


def test_feedback_has_answer_trace_and_articles(bank, engine):
    scenario = bank.get("gp-art32-coerced")
    result = grade(scenario, {"penalize": True, "level": "standard", "fine": 1, "basis": []}, engine)
    feedback = result.feedback()
    assert feedback["rules_version"] == engine.version
    assert any(t["rule"] == "mitigation/coerced" for t in feedback["trace"])
    assert "行政处罚法 第三十二条" in articles_of(feedback["basis"])
    by_q = {q["question"]: q for q in feedback["questions"]}
    assert by_q["level"]["expected"] == "mitigated" and by_q["level"]["score"] == 0.0
    assert 0 < feedback["score"] < 1


def test_article_normalisation():
    assert article_of("行政处罚法 第三十二条第（一）项") == "行政处罚法 第三十二条"
    assert article_of("no article here") is None
    assert articles_of(["行政处罚法 第三十三条第一款；行政处罚法 第三十三条第三款", "城乡规划法 第六十四条"]) == [
        "行政处罚法 第三十三条",
        "城乡规划法 第六十四条",
    ]
    assert describe("level", "lighter", "zh").startswith("从轻")
    assert describe("severity", "major", "en").startswith("Major")


def test_art37_scenario_uses_the_lighter_later_version(bank, engine):
    expected = expected_answers(bank.get("lt-art37-old-and-new"), engine)
    assert any(t["rule"] == "art37" for t in expected.trace)
    assert any("@2025-01-01/" in t["rule"] for t in expected.trace)


def _rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def test_changing_a_benchmark_changes_the_expected_answer(bank, engine, tmp_path):
    """The rule lab publishes a new street-vending version: small stalls from 2025-05-01 are no longer 'lighter'."""
    rules = _rules_copy(tmp_path)
    path = rules / "discretion" / "street_vending.yaml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    import copy

    new = copy.deepcopy(data["versions"][-1])
    new["effective_from"] = __import__("datetime").date(2025, 5, 1)
    new["reason"] = "培训测试: 小面积门槛下调"
    for row in new["levels"]:
        if row["id"] == "sv_lighter":
            row["when"]["any"][0]["area_m2"]["<"] = 1
    data["versions"].append(new)
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    changed = get_engine(rules, strict=True)
    assert changed.version != engine.version

    scenario = bank.get("sv-basic-small-stall")  # 2 m², act and decision 2025-05-06
    before = expected_answers(scenario, engine)
    after = expected_answers(scenario, changed)
    assert before.answers["level"] == "lighter"
    assert after.answers["level"] == "standard"
    assert after.answers["fine"] != before.answers["fine"]
    assert after.rules_version == changed.version
    # the same trainee answer: right under the old rules, half credit under the new
    answer = {
        "penalize": True,
        "level": "lighter",
        "fine": before.answers["fine"]["min"],
        "procedure": before.answers["procedure"],
        "basis": before.answers["basis"],
    }
    assert grade(scenario, answer, expected=before).score == 1.0
    assert grade(scenario, answer, expected=after).score < 1.0
    # a scenario of another violation does not move
    other = bank.get("gr-wall-graffiti")
    assert expected_answers(other, engine).answers == expected_answers(other, changed).answers
    # the impact list names exactly the street-vending scenarios that moved
    moved = changed_answers(bank, engine, changed)
    assert {
        "scenario": "sv-basic-small-stall",
        "question": "level",
        "before": "lighter",
        "after": "standard",
        "before_version": engine.version,
        "after_version": changed.version,
    } in moved
    assert {bank.get(m["scenario"]).violation for m in moved} == {"street_vending"}
    assert all(bank.get(m["scenario"]).case["decision_date"] >= "2025-05-01" for m in moved)


def test_each_answer_rests_on_its_own_articles(bank, engine):
    expected = expected_answers(bank.get("hw-restaurant-dumping"), engine)
    assert grade_question("hearing_right", False, expected).articles == ["行政处罚法 第六十三条"]
    assert grade_question("legal_review", False, expected).articles == ["行政处罚法 第五十八条"]
    assert "固体废物污染环境防治法 第一百一十一条" in grade_question("level", "lighter", expected).articles
    under14 = expected_answers(bank.get("gp-minor-under-14"), engine)
    assert grade_question("penalize", True, under14).articles == ["行政处罚法 第三十条"]
    coerced = expected_answers(bank.get("gp-art32-coerced"), engine)
    assert "行政处罚法 第三十二条" in grade_question("level", "standard", coerced).articles


def test_articles_carry_the_law_over_a_list():
    assert articles_of(["城乡规划法 第六十四条、第六十五条；噪声污染防治法 第七十七条"]) == [
        "城乡规划法 第六十四条",
        "城乡规划法 第六十五条",
        "噪声污染防治法 第七十七条",
    ]
    assert articles_of(["固体废物污染环境防治法 第一百一十一条第一款第（一）项、第二款"]) == [
        "固体废物污染环境防治法 第一百一十一条"
    ]
