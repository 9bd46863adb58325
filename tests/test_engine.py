"""decide() and classify() on the fixture rulebook: the law's edges, Art. 37, the contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from workbench.engine import Engine, get_engine
from workbench.errors import InputError, RuleBookError

FIXTURE = Path(__file__).parent / "fixtures" / "rules"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return get_engine(FIXTURE, strict=True)


def case(**over) -> dict:
    base = {
        "violation": "street_vending",
        "act_date": "2024-05-01",
        "decision_date": "2024-05-10",
        "party": {"kind": "person", "age": 40, "capacity": "full"},
        "facts": {"area_m2": 4, "repeat_count": 0},
        "circumstances": [],
    }
    base.update(over)
    return base


def test_contract_fields_and_provenance(engine):
    d = engine.decide(case()).to_dict()
    for key in (
        "penalize",
        "reason",
        "level",
        "fine_yuan",
        "department",
        "procedure",
        "hearing_right",
        "legal_review",
        "within_benchmark",
        "basis",
        "rules_version",
        "trace",
    ):
        assert key in d
    assert d["rules_version"] == engine.rulebook.version and len(d["rules_version"]) == 12
    assert d["level"] == "standard" and d["fine_yuan"] == {"min": 200, "max": 500}
    assert "城市市容和环境卫生管理条例 第三十六条第（二）项" in d["basis"]
    assert d["trace"][0]["rule"] == "discretion/street_vending@2021-07-15/sv_std"
    assert all({"rule", "why"} <= set(step) for step in d["trace"])
    json.dumps(d, ensure_ascii=False)


@pytest.mark.parametrize("months_days, barred", [("2026-05-01", False), ("2026-05-02", True)])
def test_two_year_limitation_edge(engine, months_days, barred):
    d = engine.decide(case(act_date="2024-05-01", discovered_date=months_days, decision_date=months_days))
    assert (d.reason == "time_barred") is barred
    assert d.penalize is not barred


def test_continuing_act_counts_from_its_end(engine):
    d = engine.decide(
        case(act_date="2021-01-01", act_end_date="2023-06-01", discovered_date="2025-05-31", decision_date="2025-06-10")
    )
    assert d.penalize
    d = engine.decide(
        case(act_date="2021-01-01", act_end_date="2023-06-01", discovered_date="2025-06-02", decision_date="2025-06-10")
    )
    assert d.reason == "time_barred" and "行政处罚法 第三十六条" in d.basis


def test_five_years_for_safety_with_harm_and_six_months_for_police(engine):
    safety = ["life_health_safety", "harmful_consequences"]
    d = engine.decide(
        case(act_date="2020-01-01", discovered_date="2024-12-31", decision_date="2025-01-05", circumstances=safety)
    )
    assert d.penalize
    d = engine.decide(
        case(act_date="2020-01-01", discovered_date="2025-01-02", decision_date="2025-01-05", circumstances=safety)
    )
    assert d.reason == "time_barred"
    d = engine.decide(
        case(
            act_date="2024-01-01",
            discovered_date="2024-07-02",
            decision_date="2024-07-05",
            circumstances=["police_case"],
        )
    )
    assert d.reason == "time_barred" and "治安管理处罚法 第二十二条" in d.basis
    d = engine.decide(
        case(
            act_date="2024-01-01",
            discovered_date="2024-07-01",
            decision_date="2024-07-05",
            circumstances=["police_case"],
        )
    )
    assert d.penalize


@pytest.mark.parametrize(
    "age, penalize, level",
    [(13, False, None), (14, True, "mitigated"), (17, True, "mitigated"), (18, True, "standard")],
)
def test_minors_art30(engine, age, penalize, level):
    d = engine.decide(case(party={"kind": "person", "age": age}))
    assert d.penalize is penalize and d.level == level
    if age == 13:
        assert d.reason == "under_14" and "guardian_discipline" in d.other_penalties
    if penalize and age < 18:
        assert d.mitigation == ["minor_14_to_18"] and "行政处罚法 第三十条" in d.basis


def test_capacity_art31(engine):
    assert engine.decide(case(party={"kind": "person", "capacity": "none"})).reason == "no_capacity"
    d = engine.decide(case(party={"kind": "person", "capacity": "limited"}))
    assert d.penalize and d.level == "standard"  # 可以: may, not shall


def test_art33_no_penalty_and_first_offence_exemption(engine):
    d = engine.decide(case(circumstances=["minor", "corrected_promptly", "no_harm"]))
    assert not d.penalize and d.reason == "minor_corrected_no_harm" and "行政处罚法 第三十三条第一款" in d.basis
    d = engine.decide(case(circumstances=["no_fault"]))
    assert d.reason == "no_fault" and "行政处罚法 第三十三条第二款" in d.basis
    d = engine.decide(case(circumstances=["first_offence", "minor_harm", "corrected_promptly"]))
    assert not d.penalize and d.level == "exempt" and d.procedure is None
    assert "行政处罚法 第五十一条" not in d.basis and not any(s["rule"].startswith("procedure/") for s in d.trace)


@pytest.mark.parametrize("reason", ["eliminated_harm", "coerced", "confessed_unknown", "meritorious"])
def test_art32_mandatory_mitigation(engine, reason):
    d = engine.decide(case(circumstances=[reason]))
    assert d.level == "mitigated" and d.mitigation == [reason]


def test_art37_new_lighter_version_applies(engine):
    # act in 2024 under 2021-07-15 (standard 200-500); decided in 2025 under 2025-01-01 (lighter 50-150 for < 5 m2)
    d = engine.decide(case(act_date="2024-11-01", decision_date="2025-02-01"))
    assert d.benchmark_version == "2025-01-01" and d.fine_yuan == {"min": 50, "max": 150}
    assert any(s["rule"] == "art37" and "lighter" in s["why"] for s in d.trace)
    assert "行政处罚法 第三十七条" in d.basis


def test_art37_old_version_stays_when_new_is_heavier(engine):
    # a minor under 2021 gets mitigated 0-50; 2025 has no mitigated row (lighter 50-150): the old one stays
    d = engine.decide(case(act_date="2024-11-01", decision_date="2025-02-01", party={"kind": "person", "age": 16}))
    assert d.benchmark_version == "2021-07-15" and d.fine_yuan == {"min": 0, "max": 50}
    assert any(s["rule"] == "art37" and "not lighter" in s["why"] for s in d.trace)


def test_act_before_any_version_uses_the_first(engine):
    assert (
        engine.decide(
            case(act_date="2020-01-01", discovered_date="2020-02-01", decision_date="2020-03-01")
        ).benchmark_version
        == "2021-07-15"
    )


@pytest.mark.parametrize(
    "kind, fine, other, procedure",
    [
        ("person", 200, [], "summary"),
        ("person", 201, [], "general"),
        ("organisation", 3000, [], "summary"),
        ("organisation", 3001, [], "general"),
        ("organisation", 0, ["warning"], "summary"),
        ("person", 150, ["suspension"], "general"),
    ],
)
def test_art51_summary_procedure_on_the_proposed_penalty(engine, kind, fine, other, procedure):
    d = engine.decide(case(party={"kind": kind}, proposed_penalty={"fine_yuan": fine, "other": other}))
    assert d.procedure == procedure


@pytest.mark.parametrize(
    "fine, other, hearing",
    [(1999, [], False), (2000, [], True), (100, ["suspension"], True), (100, ["permit_revocation"], True)],
)
def test_art63_hearing_and_art58_legal_review(engine, fine, other, hearing):
    d = engine.decide(
        case(
            party={"kind": "person", "age": 30},
            facts={"repeat_count": 3},
            proposed_penalty={"fine_yuan": fine, "other": other},
        )
    )
    assert d.hearing_right is hearing and d.legal_review is hearing
    if hearing:
        assert "行政处罚法 第五十八条第一款第（二）项" in d.basis


def test_within_benchmark(engine):
    assert engine.decide(case(proposed_penalty={"fine_yuan": 500})).within_benchmark is True
    assert engine.decide(case(proposed_penalty={"fine_yuan": 501})).within_benchmark is False
    assert engine.decide(case()).within_benchmark is None


def test_fine_as_share_of_construction_cost(engine):
    d = engine.decide(
        {
            "violation": "illegal_construction",
            "act_date": "2024-01-01",
            "decision_date": "2024-02-01",
            "party": {"kind": "organisation"},
            "facts": {"construction_cost_yuan": 200000},
        }
    )
    assert d.fine_yuan == {"min": 10000, "max": 20000}
    with pytest.raises(InputError) as info:
        engine.decide(
            {
                "violation": "illegal_construction",
                "act_date": "2024-01-01",
                "decision_date": "2024-03-01",
                "party": {"kind": "person"},
            }
        )
    assert info.value.field == "facts.construction_cost_yuan"


@pytest.mark.parametrize(
    "over, field",
    [
        ({"violation": "jaywalking"}, "violation"),
        ({"act_date": "2024-02-30"}, "act_date"),
        ({"party": {"kind": "robot"}}, "party.kind"),
        ({"facts": {"area": 3}}, "facts.area"),
        ({"facts": {"area_m2": "3"}}, "facts.area_m2"),
        ({"facts": {"repeat_count": 1.5}}, "facts.repeat_count"),
        ({"circumstances": ["drunk"]}, "circumstances"),
        ({"discovered_date": "2024-04-01"}, "discovered_date"),
        ({"proposed_penalty": {"fine_yuan": -5}}, "proposed_penalty.fine_yuan"),
        ({"colour": "red"}, "colour"),
        ({"facts": {"area_m2": float("nan")}}, "facts.area_m2"),
    ],
)
def test_bad_input_names_the_field(engine, over, field):
    with pytest.raises(InputError) as info:
        engine.decide(case(**over))
    assert info.value.field == field


def test_classify(engine):
    base = {
        "category": "street_vending",
        "source": "hotline",
        "received_at": "2024-05-01T09:30",
        "location": {"key_road": False},
        "people_affected": 1,
        "flags": [],
    }
    t = engine.classify(base).to_dict()
    assert t["severity"] == "general" and t["lead"] == "urban_management" and t["coordination_level"] == 1
    assert t["due_at"] == "2024-05-01T13:30" and t["rules_version"] == engine.rulebook.version and t["basis"]
    t = engine.classify(dict(base, flags=["mass_gathering"])).to_dict()
    assert (
        t["severity"] == "major"
        and t["escalate_to"] == ["community", "county_leaders"]
        and t["coordination_level"] == 3
    )
    assert t["due_at"] == "2024-05-01T10:30"
    t = engine.classify(dict(base, category="illegal_construction")).to_dict()
    assert (
        t["severity"] == "composite"
        and t["coordination_level"] == 2
        and set(t["assist"]) == {"planning", "natural_resources", "township_government"}
    )
    t = engine.classify(dict(base, people_affected=50)).to_dict()
    assert t["severity"] == "composite" and t["coordination_level"] == 3 and t["escalate_to"] == ["community"]
    with pytest.raises(InputError) as info:
        engine.classify(dict(base, category="aliens"))
    assert info.value.field == "category"
    with pytest.raises(InputError) as info:
        engine.classify(dict(base, received_at="yesterday"))
    assert info.value.field == "received_at"


def test_threads_share_one_engine(engine):
    errors, answers = [], []

    def work(age):
        try:
            for _ in range(150):
                answers.append(engine.decide(case(party={"kind": "person", "age": age})).level)
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(age,)) for age in (16, 40, 16, 40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(answers) == 600
    assert answers.count("mitigated") == 300 and answers.count("standard") == 300


def test_broken_edit_keeps_the_rules_in_force(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(FIXTURE, root)
    first = get_engine(root)
    bench = root / "discretion" / "street_vending.yaml"
    bench.write_text(bench.read_text(encoding="utf-8").replace("level: lighter", "level: lightish"), encoding="utf-8")
    kept = get_engine(root)
    assert kept is first and kept.pending_problems and "level must be one of" in str(kept.pending_problems[0])
    assert kept.decide(case(facts={"area_m2": 2})).level == "lighter"
    with pytest.raises(RuleBookError):
        get_engine(root, strict=True)


def _cli(*args, stdin: str):
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_cli_decide_json_lines_and_errors():
    good = json.dumps(case())
    result = _cli("decide", "--rules", str(FIXTURE), "-", stdin=good + "\n" + good + "\n")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["level"] == "standard"
    result = _cli("decide", "--rules", str(FIXTURE), "-", stdin=json.dumps(case(violation="nope")))
    assert result.returncode == 2 and result.stdout == "" and "violation: unknown code 'nope'" in result.stderr
    result = _cli("decide", "--rules", str(FIXTURE), "-", stdin="{not json")
    assert result.returncode == 2 and result.stdout == "" and "line 1" in result.stderr


def test_cli_refuses_broken_rules(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(FIXTURE, root)
    (root / "severity.yaml").write_text("stage: severity\nmode: first\nrows: [\n", encoding="utf-8")
    result = _cli("decide", "--rules", str(root), "-", stdin=json.dumps(case()))
    assert result.returncode == 1 and result.stdout == "" and "severity.yaml" in result.stderr


def test_late_payment_surcharge_is_capped_at_the_fine(engine):
    """domain.md §5 #29: 1,000 yuan unpaid 40 days after the period: 3% × 40 = 1,200, capped at 1,000."""
    from workbench.engine.payment import late_payment_surcharge

    out = late_payment_surcharge(engine.rulebook, 1000, 40)
    assert out["surcharge_yuan"] == 1000 and out["capped"] and out["uncapped_yuan"] == 1200
    assert late_payment_surcharge(engine.rulebook, 1000, 10)["surcharge_yuan"] == 300
    assert "行政处罚法 第七十二条" in out["basis"]
