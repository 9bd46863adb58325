"""The scenario bank: the real one is clean and covers the brief; broken files give path:line."""

import textwrap
from pathlib import Path

import pytest

from workbench.training import ScenarioBankError, load_bank, validate_scenarios
from workbench.training.bank import CASE_QUESTIONS, REPORT_QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS, RULES = ROOT / "data" / "scenarios", ROOT / "rules"


def test_real_bank_is_clean_and_large_enough(bank):
    assert validate_scenarios(SCENARIOS, rules_dir=RULES) == []
    assert len(bank) >= 40
    assert len({s.id for s in bank}) == len(bank)
    for s in bank:
        assert s.title["zh"] and s.title["en"] and s.narrative["zh"] and s.narrative["en"]


def test_bank_covers_every_violation_and_category(bank, engine):
    violations = {s.violation for s in bank if s.case}
    assert set(engine.rulebook.violations) <= violations
    categories = {s.category for s in bank if s.report}
    required = {
        "street_vending",
        "household_waste_dumping",
        "illegal_construction",
        "outdoor_advertising",
        "construction_noise",
        "social_noise",
        "uncovered_muck_truck",
        "damaging_greenery",
        "traffic_obstruction",
        "public_order",
        "unlicensed_business",
        "food_hygiene",
    }
    assert required <= categories


def test_bank_exercises_every_general_provision(bank, engine):
    """Each provision is not just tagged: the engine's trace for some scenario goes through it."""
    fired = set()
    for s in bank:
        if s.case:
            d = engine.decide(s.case)
            fired |= {t["rule"].split("@")[0] if t["rule"].startswith("discretion/") else t["rule"] for t in d.trace}
            fired.add(f"reason/{d.reason}")
    for rule in [
        "bars/under_14",
        "bars/no_capacity",
        "bars/time_barred",
        "bars/time_barred_police",
        "bars/time_barred_safety",
        "bars/minor_corrected_no_harm",
        "bars/no_fault",
        "mitigation/minor_14_to_18",
        "mitigation/limited_capacity",
        "mitigation/eliminated_harm",
        "mitigation/coerced",
        "mitigation/confessed_unknown",
        "mitigation/meritorious",
        "art37",
        "reason/first_offence_exempt",
        "procedure/summary_person",
        "procedure/hearing_large_fine_person",
    ]:
        assert rule in fired, rule
    # the five-year period: a safety case older than two years that is still penalized
    five = bank.get("lt-five-years-safety")
    assert engine.decide(five.case).penalize is True
    # a continuing act more than two years old, ended recently, is still penalized
    assert engine.decide(bank.get("lt-continuing-act").case).penalize is True
    assert {q for s in bank for q in s.questions} == set(CASE_QUESTIONS) | set(REPORT_QUESTIONS)


def _write(tmp_path, text, name="bank.yaml"):
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


GOOD = """\
scenarios:
  - id: ok-one
    title: {zh: 标题, en: Title}
    narrative: {zh: 叙述, en: Narrative}
    case:
      violation: street_vending
      act_date: 2025-05-06
      decision_date: 2025-05-06
      party: {kind: person, age: AGE, capacity: full}
      facts: {area_m2: 2, repeat_count: 0}
      circumstances: []
    questions: [QUESTIONS]
    tags: {violation: street_vending, department: urban_management, difficulty: easy, articles: [行政处罚法 第三十条]}
"""


def good(age=40, questions="penalize, level, fine"):
    return GOOD.replace("AGE", str(age)).replace("QUESTIONS", questions)


def test_a_good_small_file_passes(tmp_path):
    folder = _write(tmp_path, good())
    assert validate_scenarios(folder, rules_dir=RULES) == []
    assert [s.id for s in load_bank(folder, rules_dir=RULES)] == ["ok-one"]


BROKEN = [
    # (description, text transform, line, words in the message)
    (
        "unknown scenario key",
        lambda t: t.replace("    questions:", "    answer: 42\n    questions:"),
        12,
        "unknown key 'answer'",
    ),
    (
        "unknown violation code",
        lambda t: t.replace("violation: street_vending\n      act", "violation: street_selling\n      act"),
        6,
        "case.violation",
    ),
    ("unknown fact", lambda t: t.replace("repeat_count: 0}", "repeat_count: 0, height_m: 3}"), 10, "facts.height_m"),
    (
        "unknown case field",
        lambda t: t.replace("      circumstances: []", "      circumstances: []\n      witness: 张三"),
        12,
        "case.witness",
    ),
    ("unknown circumstance", lambda t: t.replace("circumstances: []", "circumstances: [drunk]"), 11, "drunk"),
    ("unknown question", lambda t: t.replace("penalize, level", "penalize, verdict"), 12, "unknown question 'verdict'"),
    (
        "report question without report",
        lambda t: t.replace("penalize, level", "penalize, severity"),
        12,
        "needs an event report",
    ),
    ("question that does not apply", lambda t: t.replace("age: 40", "age: 12"), 12, "does not apply"),
    ("missing english", lambda t: t.replace("{zh: 叙述, en: Narrative}", "{zh: 叙述}"), 4, "lacks its en text"),
    ("missing decision date", lambda t: t.replace("      decision_date: 2025-05-06\n", ""), 5, "decision_date"),
    (
        "tag violation differs",
        lambda t: t.replace("tags: {violation: street_vending", "tags: {violation: graffiti"),
        13,
        "differs",
    ),
    (
        "unknown department",
        lambda t: t.replace("department: urban_management", "department: fire_brigade"),
        13,
        "unknown department",
    ),
    ("bad difficulty", lambda t: t.replace("difficulty: easy", "difficulty: brutal"), 13, "difficulty"),
    ("bad id", lambda t: t.replace("id: ok-one", "id: OK One"), 2, "id 'OK One'"),
    ("invalid YAML", lambda t: t.replace("questions: [", "questions: [[["), 13, "not valid YAML"),
    ("bad date", lambda t: t.replace("act_date: 2025-05-06", "act_date: 2025-13-06"), 7, "date"),
    (
        "neither case nor report",
        lambda t: (
            t[: t.index("    case:")] + t[t.index("    questions:") :].replace("penalize, level, fine", "penalize")
        ),
        2,
        "needs a case, a report",
    ),
]


@pytest.mark.parametrize("what, transform, line, words", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_scenarios_give_path_and_line(tmp_path, what, transform, line, words):
    folder = _write(tmp_path, transform(good()))
    problems = validate_scenarios(folder, rules_dir=RULES)
    assert problems, what
    assert any(p.path.endswith("scenarios/bank.yaml") and p.line == line and words in p.message for p in problems), (
        "\n".join(map(str, problems))
    )
    with pytest.raises(ScenarioBankError) as err:
        load_bank(folder, rules_dir=RULES)
    assert f"bank.yaml:{line}:" in str(err.value)


def test_duplicate_id_across_files_names_the_first(tmp_path):
    _write(tmp_path, good(), "a.yaml")
    folder = _write(tmp_path, good(), "b.yaml")
    problems = validate_scenarios(folder, rules_dir=RULES)
    assert [str(p) for p in problems] == [
        f"{problems[0].path}:2: duplicate id 'ok-one' (first at {problems[0].path.replace('b.yaml', 'a.yaml')}:2)"
    ]


def test_empty_folder_and_wrong_top_level(tmp_path):
    empty = tmp_path / "none"
    empty.mkdir()
    assert "no scenario files" in validate_scenarios(empty, rules_dir=RULES)[0].message
    folder = _write(tmp_path, "- just a list\n")
    assert validate_scenarios(folder, rules_dir=RULES)[0].line == 1


def test_select_by_tags(bank):
    minors = bank.select(topic="minor_14_to_18")
    assert {s.id for s in minors} >= {"gp-minor-exactly-14", "gp-minor-17"}
    assert all(s.violation == "graffiti" for s in bank.select(violation="graffiti"))
    assert {s.id for s in bank.select(article="行政处罚法 第三十七条")} >= {"lt-art37-old-and-new", "lt-art37-noise"}
    assert all(s.report for s in bank.select(question="severity"))


def test_a_bad_report_gives_the_line_of_the_field(tmp_path):
    folder = _write(
        tmp_path,
        """\
scenarios:
  - id: bad-report
    title: {zh: 事件, en: Report}
    narrative: {zh: 叙述, en: Story}
    report:
      category: street_vending
      source: hotline
      received_at: 2025-05-06T09:30
      location: {key_road: false, community: 潇水社区}
      people_affected: 3
      flags: [on_fire]
    questions: [severity, lead]
    tags: {category: street_vending, department: urban_management}
""",
    )
    problems = validate_scenarios(folder, rules_dir=RULES)
    assert [(p.line, "report.flags" in p.message) for p in problems] == [(11, True)]
