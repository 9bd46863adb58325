"""Pre-checks that need the benchmark and general provisions: the real engine decides (Arts. 30/32, 36, 37, 58, 63)."""

import json
import subprocess
import sys

import pytest

from workbench.engine import get_engine
from workbench.review.precheck import engine_findings, parse_case_file, precheck


def case(**over):
    base = {
        "case_id": "C1",
        "department": "urban_management",
        "violation": "street_vending",
        "party": {"kind": "person", "age": 40, "capacity": "full"},
        "facts": {"area_m2": 6, "repeat_count": 0, "key_road": False},
        "circumstances": [],
        "procedure": "general",
        "officers": ["O1", "O2"],
        "act_date": "2024-03-01",
        "filing_date": "2024-03-05",
        "decision_date": "2024-03-25",
        "service_date": "2024-03-26",
        "penalty": {"fine_yuan": 300, "other": []},
        "documents": ["立案审批表", "询问笔录", "行政处罚告知书", "处罚决定书", "送达回证"],
    }
    base.update(over)
    return base


def codes(data, checklist):
    return [f.code for f in precheck(data, checklist=checklist)]


def test_clean_file_within_benchmark(checklist):
    assert codes(case(), checklist) == []


# Arts. 5, 34: the fine must lie in the benchmark band (standard 200–500 for 6 m² in the 2021 version)
@pytest.mark.parametrize(
    "fine,expected", [(200, []), (500, []), (501, ["fine_outside_benchmark"]), (150, ["fine_outside_benchmark"])]
)
def test_fine_outside_benchmark(checklist, fine, expected):
    assert codes(case(penalty={"fine_yuan": fine}), checklist) == expected


def test_fine_finding_carries_basis_band_and_rules_version(checklist):
    [f] = precheck(case(penalty={"fine_yuan": 800}), checklist=checklist)
    d = f.to_dict()
    assert d["deduction"]["item"] == "fine_outside_benchmark" and d["deduction"]["section"] == "discretion"
    assert d["details"]["benchmark"] == {"min": 200, "max": 500}
    assert "第三十四条" in d["basis"] and d["rules_version"] == get_engine().rulebook.version
    assert "800" in d["message"]["zh"] and "800" in d["message"]["en"]


# Art. 37: act under the 2021 benchmark, decided under the lighter 2025 one → the 2025 band applies
def test_benchmark_version_follows_article_37(checklist):
    old_band = case(
        act_date="2024-11-01",
        filing_date="2024-11-05",
        decision_date="2024-12-10",
        service_date="2024-12-11",
        penalty={"fine_yuan": 450},
    )
    new_band = case(
        act_date="2024-11-01",
        filing_date="2024-11-05",
        decision_date="2025-01-20",
        service_date="2025-01-21",
        penalty={"fine_yuan": 450},
    )
    assert codes(old_band, checklist) == []
    [f] = precheck(new_band, checklist=checklist)
    assert f.code == "fine_outside_benchmark" and f.details["benchmark"]["max"] == 400


# Arts. 30, 32: a proven mandatory mitigating circumstance must lower the penalty
def test_mandatory_mitigation_not_applied(checklist):
    minor = case(party={"kind": "person", "age": 16, "capacity": "full"}, penalty={"fine_yuan": 300})
    [f] = precheck(minor, checklist=checklist)
    assert (
        f.code == "mitigation_not_applied" and f.deduction["points"] == checklist.items["mitigation_not_applied"].points
    )
    assert "第三十二条" in f.basis
    applied = case(circumstances=["eliminated_harm"], penalty={"fine_yuan": 50})
    assert codes(applied, checklist) == []
    assert codes(case(circumstances=["eliminated_harm"], penalty={"fine_yuan": 51}), checklist) == [
        "mitigation_not_applied"
    ]


# Art. 36: two years from the act (end) to discovery; penalising after that is a veto
def test_penalty_after_limitation_is_a_veto(checklist):
    barred = case(
        act_date="2021-08-01",
        discovered_date="2023-08-02",
        filing_date="2023-08-03",
        decision_date="2023-08-20",
        service_date="2023-08-21",
    )
    [f] = precheck(barred, checklist=checklist)
    assert f.code == "time_barred" and f.deduction["veto"] is True and "第三十六条" in f.basis
    in_time = dict(barred, discovered_date="2023-08-01")  # exactly two years
    assert codes(in_time, checklist) == []


def test_continuing_act_runs_from_its_end(checklist):
    continuing = case(act_date="2021-01-01", act_end_date="2023-06-01", discovered_date="2024-03-01")
    assert codes(continuing, checklist) == []


# Art. 63: a relatively large fine (person ≥ 2,000 by default) or an order to stop business gives a hearing right;
# Art. 58(2): such a decision also needs legal review
def test_hearing_notice_and_legal_review_missing(checklist):
    suspension = case(party={"kind": "organisation"}, penalty={"fine_yuan": 2000, "other": ["suspension"]})
    assert codes(suspension, checklist) == ["hearing_notice_missing", "legal_review_missing"]
    complete = dict(suspension, documents=suspension["documents"] + ["听证告知书", "法制审核意见"])
    assert codes(complete, checklist) == []
    only_hearing = dict(suspension, documents=suspension["documents"] + ["hearing_notice"])
    assert codes(only_hearing, checklist) == ["legal_review_missing"]


def test_legal_review_for_major_public_interest(checklist):
    data = case(circumstances=["life_health_safety", "harmful_consequences"], penalty={"fine_yuan": 700})
    found = codes(data, checklist)
    assert "legal_review_missing" in found and "hearing_notice_missing" not in found


def test_pure_and_engine_findings_together(checklist):
    data = case(officers=["O1"], penalty={"fine_yuan": 900})
    assert codes(data, checklist) == ["officers_fewer_than_two", "fine_outside_benchmark"]


def test_no_penalty_decided_where_none_is_due_has_no_findings(checklist):
    no_penalty = {"penalize": False, "reason": "minor_corrected_no_harm", "within_benchmark": None}
    assert engine_findings(parse_case_file(case(penalty=None)), no_penalty, checklist, get_engine()) == []
    fined = engine_findings(parse_case_file(case()), no_penalty, checklist, get_engine())
    assert [f.code for f in fined] == ["penalty_barred"]


def run_cli(stdin, *args):
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", "precheck", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_prints_findings_json():
    result = run_cli(
        json.dumps(case(officers=["O1"], decision_date="2024-06-10", service_date="2024-06-11"), ensure_ascii=False),
        "-",
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert [f["code"] for f in out["findings"]] == ["officers_fewer_than_two", "decision_over_90_days"]
    first = out["findings"][0]
    assert set(first) >= {"code", "deduction", "basis", "message", "rule"}
    assert first["deduction"]["veto"] is True
    assert all(f["rules_version"] == get_engine().rulebook.version for f in out["findings"])
    assert out["rules_version"] == get_engine().rulebook.version and out["checklist_version"]
    assert out["proposed_score"]["total"] == 0 and out["proposed_score"]["grade"] == "fail"


def test_cli_bad_input_exit_2_naming_the_field():
    result = run_cli(json.dumps(case(decision_date="2024-13-01")), "-")
    assert result.returncode == 2 and result.stdout == ""
    assert "decision_date" in result.stderr
    result = run_cli("{not json", "-")
    assert result.returncode == 2 and result.stdout == ""


# Arts. 30, 31, 33: where the law says no penalty, penalising is a veto; a discretionary exemption is not
@pytest.mark.parametrize(
    "over,reason",
    [
        ({"party": {"kind": "person", "age": 13, "capacity": "full"}}, "under_14"),
        ({"party": {"kind": "person", "age": 30, "capacity": "none"}}, "no_capacity"),
        ({"circumstances": ["minor", "corrected_promptly", "no_harm"]}, "minor_corrected_no_harm"),
    ],
)
def test_penalty_where_the_law_bars_it(checklist, over, reason):
    [f] = precheck(case(**over), checklist=checklist)
    assert f.code == "penalty_barred" and f.details["reason"] == reason and f.deduction["veto"] is True


def test_first_offence_exemption_is_discretionary(checklist):
    # 首违可以不罚 (Art. 33 ¶1, second sentence): "may", so a fine within the benchmark is no finding
    data = case(circumstances=["first_offence", "minor_harm", "corrected_promptly"], penalty={"fine_yuan": 300})
    assert "penalty_barred" not in codes(data, checklist)
