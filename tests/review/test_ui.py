"""The Review desk app driven from Python (no browser): draw, score with proposals, conflicts shown, report and export."""

import base64
import io
import re

import openpyxl
import pytest

from workbench.ui.common import I18n
from workbench.ui import review


@pytest.fixture()
def desk(review_db):
    d = review.build(url=review_db, i18n=I18n(lang="zh"))
    d.reviewer.value = "王评查"
    return d


def test_draw_needs_a_reviewer_and_shows_the_message(review_db):
    d = review.build(url=review_db, i18n=I18n(lang="en"))
    d.draw_button.click()
    assert "wb-error" in d.status._dom_classes and "Reviewer" in d.status.text


def test_draw_score_and_report(desk):
    desk.method.value = "stratified"
    desk.seed.value = 77
    desk.size.value = 20
    desk.min_per.value = 2
    desk.draw_button.click()
    assert "wb-ok" in desk.status._dom_classes, desk.status.text
    assert desk.sample_id is not None and len(desk.files_table.rows) == 20
    assert {r["stratum"] for r in desk.allocation_table.rows} == {"urban_management", "market_regulation", "greening"}
    # score the first file with pre-check findings (seeded: 19 of the 60 files have one)
    with_findings = [r for r in desk.files_table.rows if r["findings"]]
    assert with_findings
    case = with_findings[0]["case_id"]
    desk.files_table.select(case)
    assert desk.file_view["case_id"] == case
    assert "张**" in desk.file_html.value and "430" in desk.file_html.value and "1234" not in desk.file_html.value
    assert "占道经营" in desk.file_html.value and "占用面积" in desk.file_html.value and "处罚决定书" in desk.file_html.value
    proposed = [l["deduction"].item for l in desk.lines]
    assert proposed == [p["item"] for p in desk.file_view["proposed"]]
    # reviewer adds a deduction; the preview follows
    desk.add_item.value = "seal_missing"
    desk.add_button.click()
    total = float(re.search(r"data-total='([\d.]+)'", desk.preview.value).group(1))
    expected = 0 if "officers_fewer_than_two" in proposed else 100 - 2 - sum(desk.checklist.items[i].points for i in proposed)
    assert total == expected
    desk.final_button.click()
    assert "wb-ok" in desk.status._dom_classes, desk.status.text
    assert "王评查" in desk.status.text
    row = next(r for r in desk.files_table.rows if r["case_id"] == case)
    assert row["total"] == expected and "王评查" in row["reviewers"]
    # rejecting a proposal without a comment is refused at save, with the message on the page
    assert desk.lines[0]["deduction"].source == "precheck"   # the drawn file with findings has a proposal
    desk.lines[0]["confirm"].value = False
    assert "wb-review-preview-error" in desk.preview.value
    desk.save_button.click()
    assert "wb-error" in desk.status._dom_classes and "comment" in desk.status.text
    desk.lines[0]["comment"].value = "复核卷宗后确认无此问题"
    desk.save_button.click()
    assert "wb-ok" in desk.status._dom_classes
    desk.report_button.click()
    assert desk.report is not None and desk.report.summary["reviewed"] == 1
    assert "CI" in desk.summary_html.value or "置信区间" in desk.summary_html.value
    href = re.search(r"class='wb-review-xlsx' download='[^']+' href='data:[^;]+;base64,([^']+)'", desk.download_html.value).group(1)
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(href)))
    assert "按单位 Departments" in book.sheetnames
    assert len(desk.charts.children) == 2


def test_stale_save_from_a_second_tab_is_refused(desk, review_db):
    desk.method.value = "simple"
    desk.size.value = 3
    desk.draw_button.click()
    case = desk.files_table.rows[0]["case_id"]
    desk.files_table.select(case)
    other = review.build(url=review_db, i18n=I18n(lang="en"))
    other.reviewer.value = "王评查"
    other.samples_table.select(desk.sample_id)
    other.files_table.select(case)
    desk.save_button.click()
    assert "wb-ok" in desk.status._dom_classes
    other.save_button.click()
    assert "wb-error" in other.status._dom_classes and "changed by someone else" in other.status.text


def test_language_switch_relabels(desk):
    desk.size.value = 5
    desk.draw_button.click()
    assert "<td data-col=\"stratum\">市场监管</td>" in desk.allocation_table.grid.value
    desk.i18n.set_language("en")
    assert desk.draw_button.description == "Draw 抽取"
    assert "market_regulation 市场监管" in desk.allocation_table.grid.value
    assert desk.tabs.get_title(2) == "Reports 报告"
    desk.i18n.set_language("zh")
    assert desk.draw_button.description == "抽取"


def test_an_uninitialised_database_shows_what_to_run(tmp_path):
    d = review.build(url=f"sqlite:///{tmp_path / 'none.db'}", i18n=I18n(lang="en"))
    assert "wb-error" in d.status._dom_classes and "workbench init" in d.status.text
