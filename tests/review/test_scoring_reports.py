"""Scoring a file (vetoes first, sections never negative, comments when overruling a pre-check) and the reports."""

import io

import openpyxl
import pytest

from workbench.errors import InputError
from workbench.review.reports import build_report, stratified_normal, to_csv, to_xlsx, wilson_fpc
from workbench.review.scoring import Deduction, score


def test_clean_file_scores_100_excellent(checklist):
    result = score(checklist, [])
    assert result.total == 100 and result.grade == "excellent" and result.grade_zh == "优秀"
    assert not result.defective and result.checklist_version == checklist.version


def test_deductions_subtract_and_grade_follows(checklist):
    result = score(
        checklist,
        [
            {"item": "hearing_notice_missing"},
            {"item": "fine_outside_benchmark"},
            {"item": "facts_item_missing", "count": 2},
        ],
    )
    assert result.total == 100 - 5 - 5 - 2
    assert result.grade == "good"
    procedure = next(s for s in result.sections if s["code"] == "procedure")
    assert procedure["deducted"] == 5 and procedure["score"] == 15


def test_a_section_never_goes_below_zero(checklist):
    result = score(
        checklist,
        [
            {"item": "not_one_case_one_file"},
            {"item": "contents_or_pagination_wrong"},
            {"item": "filing_order_wrong"},
            {"item": "document_template_wrong"},
        ],
    )
    archiving = next(s for s in result.sections if s["code"] == "archiving")
    assert archiving["deducted"] == 5 and archiving["score"] == 0
    assert result.total == 100 - 5 - 2


def test_veto_makes_the_file_zero_and_fail_whatever_else(checklist):
    result = score(
        checklist, [{"item": "officers_fewer_than_two", "source": "precheck", "finding": "officers_fewer_than_two"}]
    )
    assert result.total == 0 and result.grade == "fail" and result.grade_zh == "不合格"
    assert result.veto == ["officers_fewer_than_two"] and result.defective


def test_rejected_proposal_needs_a_comment_and_does_not_count(checklist):
    proposed = [Deduction("service_late", source="precheck", finding="service_late")]
    with pytest.raises(InputError) as err:
        score(
            checklist,
            [{"item": "service_late", "source": "precheck", "finding": "service_late", "status": "rejected"}],
            proposed,
        )
    assert err.value.field == "deductions.comment"
    result = score(
        checklist,
        [
            {
                "item": "service_late",
                "source": "precheck",
                "finding": "service_late",
                "status": "rejected",
                "comment": "送达回证显示当事人拒收, 留置送达日期在期限内",
            }
        ],
        proposed,
    )
    assert result.total == 100 and not result.defective


def test_changed_points_need_a_comment_and_stay_within_the_item(checklist):
    with pytest.raises(InputError):
        score(
            checklist,
            [
                {
                    "item": "hearing_notice_missing",
                    "source": "precheck",
                    "finding": "hearing_notice_missing",
                    "points": 2,
                }
            ],
        )
    result = score(
        checklist,
        [
            {
                "item": "hearing_notice_missing",
                "source": "precheck",
                "finding": "hearing_notice_missing",
                "points": 2,
                "comment": "已口头告知并有笔录",
            }
        ],
    )
    assert result.total == 98
    with pytest.raises(InputError) as err:
        score(checklist, [{"item": "hearing_notice_missing", "points": 6, "comment": "x"}])
    assert err.value.field == "deductions.points"


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"item": "no_such_item"}, "deductions.item"),
        ({"item": "seal_missing", "count": 2}, "deductions.count"),
        ({"item": "time_barred", "points": 3}, "deductions.points"),
        ({"item": "seal_missing", "colour": "red"}, "deductions"),
    ],
)
def test_bad_deductions_name_the_field(checklist, bad, field):
    with pytest.raises(InputError) as err:
        score(checklist, [bad])
    assert err.value.field == field


# -- confidence intervals ---------------------------------------------------------------


def test_wilson_matches_the_textbook_value_without_fpc():
    # Wilson 95% for 10/100 (e.g. Newcombe 1998): 0.0552 to 0.1744
    ci = wilson_fpc(10, 100, None)
    assert (round(ci.low, 4), round(ci.high, 4)) == (0.0552, 0.1744)


def test_fpc_narrows_the_interval_and_a_census_is_exact():
    wide = wilson_fpc(10, 100, None)
    narrow = wilson_fpc(10, 100, 200)
    assert narrow.low > wide.low and narrow.high < wide.high and narrow.method == "wilson+fpc"
    census = wilson_fpc(10, 100, 100)
    assert census.low == census.high == 0.1


def test_stratified_estimate_weights_departments_by_population():
    ci = stratified_normal([(900, 10, 1), (100, 10, 5)])
    assert ci.estimate == pytest.approx(0.9 * 0.1 + 0.1 * 0.5)
    assert ci.low < ci.estimate < ci.high


# -- reports ---------------------------------------------------------------------------


def scored_rows(checklist):
    plan = [
        ("C1", "urban_management", ["O1", "O2"], [{"item": "hearing_notice_missing"}]),
        ("C2", "urban_management", ["O1", "O3"], []),
        ("C3", "urban_management", ["O2", "O3"], [{"item": "hearing_notice_missing"}, {"item": "seal_missing"}]),
        ("C4", "market_regulation", ["O4"], [{"item": "officers_fewer_than_two"}]),
        ("C5", "market_regulation", ["O4", "O5"], []),
    ]
    rows = []
    for case_id, dept, officers, deductions in plan:
        r = score(checklist, deductions)
        rows.append({"case_id": case_id, "department": dept, "officers": officers, "reviewer": "alice", **r.to_dict()})
    return rows


def test_report_per_sample_department_and_officer(checklist):
    rows = scored_rows(checklist)
    report = build_report(
        {"id": 1, "method": "stratified", "seed": 9, "case_ids": [r["case_id"] for r in rows]},
        rows,
        {"urban_management": 30, "market_regulation": 20},
    )
    s = report.summary
    assert s["reviewed"] == 5 and s["defective_files"] == 3
    assert s["average_score"] == pytest.approx((95 + 100 + 93 + 0 + 100) / 5)
    assert s["grades"] == {"excellent": 4, "good": 0, "pass": 0, "fail": 1}
    assert s["top_defects"][0]["item"] == "hearing_notice_missing" and s["top_defects"][0]["files"] == 2
    assert s["defect_rate"]["method"] == "stratified normal+fpc"
    assert s["defect_rate"]["estimate"] == pytest.approx(0.6 * 2 / 3 + 0.4 * 1 / 2, abs=1e-4)
    dept = report.departments.set_index("department")
    assert dept.loc["urban_management", "reviewed"] == 3 and dept.loc["urban_management", "defective"] == 2
    assert dept.loc["market_regulation", "不合格"] == 1
    assert dept.loc["urban_management", "ci_low"] < 2 / 3 < dept.loc["urban_management", "ci_high"]
    officers = report.officers.set_index("officer")
    assert officers.loc["O4", "reviewed"] == 2 and officers.loc["O4", "average_score"] == 50
    assert officers.loc["O1", "reviewed"] == 2


def test_xlsx_and_csv_exports(checklist):
    rows = scored_rows(checklist)
    report = build_report(
        {"method": "simple", "case_ids": [r["case_id"] for r in rows]},
        rows,
        {"urban_management": 30, "market_regulation": 20},
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == ["汇总 Summary", "按单位 Departments", "按人员 Officers", "扣分项 Defects", "案卷 Files"]
    sheet = book["按单位 Departments"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["department", "population", "reviewed"]
    assert sheet.max_row == 3
    files = book["案卷 Files"]
    assert [c.value for c in files[5]][0] == "C4" and "否决" in [c.value for c in files[5]][-1]
    csv = to_csv(report, "departments").decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("department,population,reviewed")
    assert "market_regulation" in csv
    with pytest.raises(InputError):
        to_csv(report, "nope")


def test_risk_weighted_report_weights_files_back(checklist):
    rows = scored_rows(checklist)
    for r in rows:  # flagged files were drawn with weight 3
        r["weight"] = 3.0 if r["defective"] else 1.0
    report = build_report(
        {"method": "risk", "case_ids": [r["case_id"] for r in rows]},
        rows,
        {"urban_management": 30, "market_regulation": 20},
    )
    rate = report.summary["defect_rate"]
    assert rate["method"].startswith("weighted wilson")
    assert rate["estimate"] == pytest.approx((3 / 3) / (3 / 3 + 2), abs=1e-4)  # 3 defective at 1/3 each, 2 clean at 1
    assert rate["estimate"] < 3 / 5  # below the raw sample share
    dept = report.departments.set_index("department")
    assert dept.loc["urban_management", "ci_method"].startswith("weighted wilson")
