"""Pre-checks that need no benchmark: Arts. 42, 51, 60, 61/85 — including the edge days."""

import datetime as dt

import pytest

from workbench.errors import InputError
from workbench.review import workdays
from workbench.review.precheck import parse_case_file, pure_findings


def case(**over):
    base = {
        "case_id": "C1",
        "violation": "street_vending",
        "party": {"kind": "person", "age": 40, "capacity": "full"},
        "procedure": "general",
        "officers": ["O1", "O2"],
        "act_date": "2024-02-20",
        "filing_date": "2024-03-01",
        "decision_date": "2024-03-20",
        "service_date": "2024-03-21",
        "penalty": {"fine_yuan": 500, "other": []},
        "documents": ["立案审批表", "处罚决定书", "送达回证"],
    }
    base.update(over)
    return base


def codes(checklist, data):
    return [f.code for f in pure_findings(parse_case_file(data), checklist)]


def test_clean_file_has_no_findings(checklist):
    assert codes(checklist, case()) == []


# Art. 42: at least two officers
def test_one_officer_is_a_veto_finding(checklist):
    [finding] = pure_findings(parse_case_file(case(officers=["O1"])), checklist)
    assert finding.code == "officers_fewer_than_two"
    assert finding.deduction["veto"] is True and finding.deduction["item"] == "officers_fewer_than_two"
    assert finding.basis == "行政处罚法 第四十二条第一款"
    assert "1" in finding.message_zh and "at least 2" in finding.message_en


def test_same_officer_listed_twice_counts_once(checklist):
    assert codes(checklist, case(officers=["O1", "O1"])) == ["officers_fewer_than_two"]
    assert codes(checklist, case(officers=2)) == []


# Art. 60: decide within 90 days of filing; exactly 90 is in time
@pytest.mark.parametrize("decision,expected", [("2024-05-30", []), ("2024-05-31", ["decision_over_90_days"])])
def test_ninety_days_edge(checklist, decision, expected):
    assert codes(checklist, case(decision_date=decision, service_date=decision)) == expected


def test_domain_example_25_decision_after_101_days(checklist):
    [f] = pure_findings(parse_case_file(case(decision_date="2024-06-10", service_date="2024-06-10")), checklist)
    assert f.details == {"days": 101, "limit_days": 90}
    assert "2024-05-30" in f.message_zh  # the deadline
    assert (
        f.deduction["section"] == "procedure"
        and f.deduction["points"] == checklist.items["decision_over_90_days"].points
    )


# Art. 51: summary procedure only for ≤ 200 yuan (person), ≤ 3,000 (organisation), or a warning
@pytest.mark.parametrize(
    "kind,fine,other,expected",
    [
        ("person", 200, [], []),
        ("person", 201, [], ["summary_above_threshold"]),
        ("organisation", 3000, [], []),
        ("organisation", 3001, [], ["summary_above_threshold"]),
        ("person", 0, ["warning"], []),
        ("organisation", 100, ["suspension"], ["summary_above_threshold"]),
    ],
)
def test_summary_procedure_thresholds(checklist, kind, fine, other, expected):
    data = case(
        procedure="summary", party={"kind": kind}, penalty={"fine_yuan": fine, "other": other}, filing_date=None
    )
    assert codes(checklist, data) == expected


def test_general_procedure_above_threshold_is_fine(checklist):
    assert codes(checklist, case(penalty={"fine_yuan": 5000})) == []


# Arts. 61, 85: serve within 7 working days after the decision
def test_service_seven_working_days_plain_week(checklist):
    # decided Wed 2024-03-06; working days Thu 7 .. Fri 15 are the 7
    assert codes(checklist, case(decision_date="2024-03-06", service_date="2024-03-15")) == []
    assert codes(checklist, case(decision_date="2024-03-06", service_date="2024-03-18")) == ["service_late"]


def test_service_skips_statutory_holiday(checklist):
    # decided Mon 2024-06-03; Mon 2024-06-10 is 端午节, so the 7th working day is Thu 13, not Wed 12
    assert workdays.add_working_days(dt.date(2024, 6, 3), 7) == dt.date(2024, 6, 13)
    assert codes(checklist, case(filing_date="2024-05-20", decision_date="2024-06-03", service_date="2024-06-13")) == []
    [f] = pure_findings(
        parse_case_file(case(filing_date="2024-05-20", decision_date="2024-06-03", service_date="2024-06-14")),
        checklist,
    )
    assert f.code == "service_late" and f.details["due"] == "2024-06-13" and f.details["working_days"] == 8


def test_make_up_working_day_counts(checklist):
    # decided Fri 2024-05-10; Sat 2024-05-11 is a 调休 working day, so the 7th is Mon 20
    assert workdays.add_working_days(dt.date(2024, 5, 10), 7) == dt.date(2024, 5, 20)
    assert codes(checklist, case(decision_date="2024-05-10", service_date="2024-05-20")) == []
    assert codes(checklist, case(decision_date="2024-05-10", service_date="2024-05-21")) == ["service_late"]


def test_served_on_the_spot_is_never_late(checklist):
    assert codes(checklist, case(decision_date="2024-03-06", service_date="2024-04-30", served_on_spot=True)) == []


def test_several_findings_together(checklist):
    data = case(officers=["O1"], decision_date="2024-06-10", service_date="2024-06-28")
    assert codes(checklist, data) == ["officers_fewer_than_two", "decision_over_90_days", "service_late"]


@pytest.mark.parametrize(
    "over,field",
    [
        ({"decision_date": "2024-02-30"}, "decision_date"),
        ({"decision_date": "2024-02-01"}, "decision_date"),
        ({"service_date": "2024-03-01"}, "service_date"),
        ({"procedure": "fast"}, "procedure"),
        ({"officers": "two"}, "officers"),
        ({"penalty": {"fine_yuan": -5}}, "penalty.fine_yuan"),
        ({"party": {"kind": "robot"}}, "party.kind"),
    ],
)
def test_bad_case_files_name_the_field(over, field):
    with pytest.raises(InputError) as err:
        parse_case_file(case(**over))
    assert err.value.field == field
