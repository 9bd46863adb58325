"""The Review desk app driven from Python (no browser): draw, score with proposals, conflicts shown, report and
export."""

import base64
import io
import re

import ipywidgets as widgets
import openpyxl
import pytest

from workbench.ui import review
from workbench.ui.common import I18n


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
    assert (
        "占道经营" in desk.file_html.value
        and "占用面积" in desk.file_html.value
        and "处罚决定书" in desk.file_html.value
    )
    proposed = [line["deduction"].item for line in desk.lines]
    assert proposed == [p["item"] for p in desk.file_view["proposed"]]
    # reviewer adds a deduction; the preview follows
    desk.add_item.value = "seal_missing"
    desk.add_button.click()
    total = float(re.search(r"data-total='([\d.]+)'", desk.preview.value).group(1))
    expected = (
        0 if "officers_fewer_than_two" in proposed else 100 - 2 - sum(desk.checklist.items[i].points for i in proposed)
    )
    assert total == expected
    desk.final_button.click()
    assert "wb-ok" in desk.status._dom_classes, desk.status.text
    assert "王评查" in desk.status.text
    row = next(r for r in desk.files_table.rows if r["case_id"] == case)
    assert row["total"] == expected and "王评查" in row["reviewers"]
    # rejecting a proposal without a comment is refused at save, with the message on the page
    assert desk.lines[0]["deduction"].source == "precheck"  # the drawn file with findings has a proposal
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
    href = re.search(
        r"class='wb-review-xlsx' download='[^']+' href='data:[^;]+;base64,([^']+)'", desk.download_html.value
    ).group(1)
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
    assert '<td data-col="stratum">市场监管</td>' in desk.allocation_table.grid.value
    desk.i18n.set_language("en")
    assert desk.draw_button.description == "Draw 抽取"
    assert "market_regulation 市场监管" in desk.allocation_table.grid.value
    assert desk.tabs.get_title(2) == "Reports 报告"
    desk.i18n.set_language("zh")
    assert desk.draw_button.description == "抽取"


def test_an_uninitialised_database_shows_what_to_run(tmp_path):
    d = review.build(url=f"sqlite:///{tmp_path / 'none.db'}", i18n=I18n(lang="en"))
    assert "wb-error" in d.status._dom_classes and "workbench init" in d.status.text


def shown(widget) -> bool:
    return widget.layout.display != "none"


def headings(widget) -> list[str]:
    """The texts of every <h4> heading inside a widget tree, in order."""
    found = []
    if isinstance(widget, widgets.HTML):
        found += re.findall(r"<h4>(.*?)</h4>", widget.value)
    for child in getattr(widget, "children", ()):
        found += headings(child)
    return found


def test_a_fresh_desk_labels_every_table_and_hides_what_needs_a_draw(tmp_path):
    """Before any draw: no empty pageable tables, every table under a heading in both languages, hints instead."""
    from tests.review.conftest import seed_county

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    seed_county(url)
    d = review.build(url=url, i18n=I18n(lang="zh"))
    assert d.status.kind != "wb-error", d.status.text
    draw_tab, score_tab, report_tab = d.tabs.children
    assert headings(draw_tab) == ["各单位分配", "风险加权权重", "已抽样本"]
    assert not shown(d.allocation_box) and not shown(d.weights_box)  # nothing drawn yet
    assert shown(d.no_samples) and "尚无样本" in d.no_samples.value and not shown(d.samples_table.widget)
    assert shown(d.files_hint) and not shown(d.files_box) and not shown(d.editor_box)
    assert "抽中的案卷" in headings(score_tab)
    assert d.add_item.description == "增加扣分项"  # the item picker has a label
    assert shown(d.report_hint) and not shown(d.results_box)
    assert headings(report_tab) == ["按单位", "按执法人员", "常见问题"]
    d.i18n.set_language("en")
    assert headings(draw_tab) == [
        "Allocation by department 各单位分配",
        "Risk weights 风险加权",
        "Samples drawn so far 已抽样本",
    ]
    assert "No samples yet" in d.no_samples.value
    assert "Files drawn 抽中的案卷" in headings(score_tab)
    assert headings(report_tab) == ["By department 按单位", "By officer 按执法人员", "Most frequent defects 常见问题"]


def test_draw_shows_the_allocation_and_the_files_drawn(desk):
    fresh = review.build(url=desk.url, i18n=I18n(lang="zh"))  # this module's database may already hold samples
    fresh.reviewer.value = "王评查"
    assert not shown(fresh.allocation_box) and not shown(fresh.files_box)
    fresh.method.value = "stratified"
    fresh.size.value = 9
    fresh.draw_button.click()
    assert "wb-ok" in fresh.status._dom_classes, fresh.status.text
    assert shown(fresh.allocation_box) and len(fresh.allocation_table.rows) == 3
    assert not shown(fresh.allocation_table.controls)  # 3 rows: no sort/paging controls
    assert not shown(fresh.weights_box)  # weights belong to a risk-weighted draw
    assert shown(fresh.samples_table.widget) and not shown(fresh.no_samples)
    assert fresh.sample_id in [r["id"] for r in fresh.samples_table.rows]
    assert "按单位分层" in fresh.draw_info.value and "n = 9" in fresh.draw_info.value
    fresh.i18n.set_language("en")  # the summary line follows the language
    assert "Stratified by department 分层" in fresh.draw_info.value and "按单位分层" not in fresh.draw_info.value
    assert "Sample" in fresh.status.text and "drawn: 9 files" in fresh.status.text
    assert "Stratified by department 分层" in fresh.samples_table.grid.value  # the method by name, not its code
    fresh.i18n.set_language("zh")
    assert shown(fresh.files_box) and not shown(fresh.files_hint) and len(fresh.files_table.rows) == 9
    assert shown(fresh.file_hint) and not shown(fresh.editor_box)  # no file open yet
    fresh.files_table.select(fresh.files_table.rows[0]["case_id"])
    assert shown(fresh.editor_box) and not shown(fresh.file_hint)
    fresh.method.value = "risk"
    fresh.draw_button.click()
    assert "wb-ok" in fresh.status._dom_classes, fresh.status.text
    assert shown(fresh.weights_box) and fresh.weights_table.rows
    assert not shown(fresh.editor_box)  # the open file belonged to the previous sample
    fresh.report_button.click()
    assert shown(fresh.results_box) and not shown(fresh.report_hint)


def test_compact_tables_show_their_controls_only_when_there_is_more_than_one_page():
    from workbench.ui.common import Column, DataTable

    compact = DataTable([Column("id", "col_id")], [{"id": k} for k in range(3)], page_size=3, compact=True)
    plain = DataTable([Column("id", "col_id")], [{"id": k} for k in range(3)], page_size=3)
    assert not shown(compact.controls) and shown(plain.controls)  # the default is unchanged
    compact.set_rows([{"id": k} for k in range(4)])  # now a second page: the pager is needed
    assert shown(compact.controls)


def test_verify_and_saved_messages_follow_a_language_switch(desk):
    desk.method.value = "simple"
    desk.size.value = 3
    desk.draw_button.click()
    desk.verify_button.click()
    assert "wb-ok" in desk.status._dom_classes, desk.status.text
    assert f"样本 {desk.sample_id} 复核一致" in desk.status.text
    desk.i18n.set_language("en")
    assert desk.status.text == f"Sample {desk.sample_id} verified: the same seed and parameters give the same files"
    desk.i18n.set_language("zh")
    assert "复核一致" in desk.status.text
    case = desk.files_table.rows[0]["case_id"]
    desk.files_table.select(case)
    for line in desk.lines:  # accept every proposal as it stands
        line["confirm"].value = True
    desk.save_button.click()
    assert "wb-ok" in desk.status._dom_classes, desk.status.text
    row = next(r for r in desk.files_table.rows if r["case_id"] == case)
    grade = next(g for g in desk.checklist.grades if g.code == row["grade"])
    assert desk.status.text == f"已保存 {case}：{row['total']:g} 分，{grade.zh}（王评查）"
    desk.i18n.set_language("en")
    assert desk.status.text == f"Saved {case}: {row['total']:g} points, {grade.en} {grade.zh} (王评查)"
    desk.i18n.set_language("zh")
    assert desk.status.text.startswith(f"已保存 {case}")


def test_a_size_raised_by_the_minimum_per_department_says_why(desk):
    fresh = review.build(url=desk.url, i18n=I18n(lang="zh"))
    fresh.reviewer.value = "王评查"
    fresh.method.value = "stratified"
    fresh.size.value = 3
    fresh.min_per.value = 3  # 3 departments x at least 3 files (greening has exactly 3)
    fresh.draw_button.click()
    assert "wb-ok" in fresh.status._dom_classes, fresh.status.text
    assert len(fresh.files_table.rows) == 9 and len(fresh.allocation_table.rows) == 3
    line = (
        "按每单位至少 3 件，共 3 个单位，样本量由 3 增至 9 · "
        "Raised from 3 to 9: at least 3 per department across 3 departments"
    )
    assert line in fresh.draw_info.value and "n = 9" in fresh.draw_info.value
    fresh.i18n.set_language("en")
    assert line in fresh.draw_info.value  # the same bilingual line in English
    fresh.i18n.set_language("zh")
    fresh.min_per.value = 2
    fresh.draw_button.click()  # 3 asked, 2 x 3 = 6 drawn
    assert (
        "样本量由 3 增至 6" in fresh.draw_info.value
        and "at least 2 per department across 3 departments" in fresh.draw_info.value
    )
    fresh.size.value = 9
    fresh.draw_button.click()  # 9 asked, 9 drawn: nothing to explain
    assert len(fresh.files_table.rows) == 9
    assert "wb-review-size-raised" not in fresh.draw_info.value and "增至" not in fresh.draw_info.value


def test_picking_an_older_sample_shows_its_allocation(desk):
    fresh = review.build(url=desk.url, i18n=I18n(lang="zh"))
    fresh.reviewer.value = "王评查"
    fresh.method.value = "stratified"
    fresh.size.value = 12
    fresh.draw_button.click()
    older, older_rows = fresh.sample_id, [dict(r) for r in fresh.allocation_table.rows]
    assert sum(r["drawn"] for r in older_rows) == 12
    fresh.method.value = "risk"
    fresh.size.value = 4
    fresh.draw_button.click()
    newer = fresh.sample_id
    assert sum(r["drawn"] for r in fresh.allocation_table.rows) == 4 and shown(fresh.weights_box)
    fresh.samples_table.select(older)
    assert fresh.sample_id == older
    assert fresh.allocation_table.rows == older_rows  # the picked sample's, not the last draw's
    assert not shown(fresh.weights_box)  # a stratified sample has no weights
    assert f"当前样本 {older}</b>" in fresh.draw_info.value and "n = 12" in fresh.draw_info.value
    assert len(fresh.files_table.rows) == 12
    other = review.build(url=desk.url, i18n=I18n(lang="en"))  # a new tab: nothing drawn there
    other.samples_table.select(newer)
    assert sum(r["drawn"] for r in other.allocation_table.rows) == 4 and shown(other.weights_box)
    assert "Current sample" in other.draw_info.value and "Risk-weighted" in other.draw_info.value


def test_a_sample_stored_without_an_allocation_gets_it_counted_from_its_items(desk):
    from sqlalchemy.orm.attributes import flag_modified

    from workbench.errors import InputError
    from workbench.review import service
    from workbench.store import models, session_scope

    drawn = service.draw_sample(name="old", method="simple", seed=5, size=7, created_by="王评查", url=desk.url)
    with session_scope(desk.url) as s:
        record = s.get(models.ReviewSample, drawn["id"])
        record.params = {k: v for k, v in record.params.items() if k != "allocation"}
        flag_modified(record, "params")
    stored = service.sample_allocation(drawn["id"], url=desk.url)
    expected = {r["stratum"]: r["drawn"] for r in drawn["allocation"] if r["drawn"]}
    assert {r["stratum"]: r["drawn"] for r in stored["allocation"]} == expected
    assert all(r["population"] is None for r in stored["allocation"])
    with pytest.raises(InputError, match="no sample"):
        service.sample_allocation(10**6, url=desk.url)
