"""Review desk in the browser: draw a reproducible stratified sample, score a file with its proposed deductions,
download the XLSX."""

import io

import openpyxl

CASES = 24
wb_demo = None  # only the departments, then the files below: the test knows every file


def wb_seed(url):
    """Officers and 24 decided street-vending files in two departments; every 4th has one officer only."""
    import datetime as dt

    from workbench.store import models, session_scope

    with session_scope(url) as s:
        for i in range(1, 5):
            s.add(
                models.Officer(
                    number=f"BO{i}", name_masked=f"赵*{i}", department_code="urban_management", certificate_no=f"BC{i}"
                )
            )
        s.flush()
        for i in range(CASES):
            s.add(
                models.CaseFile(
                    number=f"B{i:03d}",
                    party_kind="person",
                    party_name_masked="钱*华",
                    party_id_masked="431***********5678",
                    party_age=35,
                    violation="street_vending",
                    department_code="urban_management" if i % 3 else "market_regulation",
                    act_date=dt.date(2024, 4, 1),
                    filing_date=dt.date(2024, 4, 3),
                    decision_date=dt.date(2024, 4, 20),
                    service_date=dt.date(2024, 4, 22),
                    officers=["BO1"] if i % 4 == 0 else ["BO1", "BO2"],
                    facts={"area_m2": 6, "repeat_count": 0, "key_road": False},
                    circumstances=[],
                    fine_yuan=300,
                    other_penalties=[],
                    procedure="general",
                    documents=["filing_approval", "interview_record", "penalty_notice", "decision", "service_receipt"],
                )
            )


def test_draw_score_and_download(page, wb_server, wb, tmp_path):
    wb.open_app(page, wb_server, "review.ipynb")
    page.locator(".wb-review-reviewer input").fill("王评查")
    page.locator(".wb-review-size input").fill("6")
    page.locator(".wb-review-size input").press("Enter")
    page.locator("button.wb-review-draw").click()
    page.wait_for_selector(".wb-status.wb-ok", timeout=60_000)
    assert "种子" in page.inner_text(".wb-status")
    assert "n0" not in page.inner_text(".wb-review-draw-info")  # a given size: no formula
    assert "市场监管" in page.inner_text(".wb-review")  # the allocation by department, by name
    wb.shot(page, "drawn")
    page.locator("button.wb-review-verify").click()  # same seed + params -> same files
    page.wait_for_function("document.querySelector('.wb-status').innerText.includes('复核一致')", timeout=60_000)

    page.locator(".lm-TabBar-tab", has_text="案卷评分").click()
    select = page.locator(".wb-review-files .wb-table-select select")
    select.wait_for()
    select.select_option(index=1)
    page.wait_for_selector(".wb-review-score", timeout=30_000)
    file_text = page.inner_text(".wb-review-file")
    assert "钱**" in file_text and "5678" not in file_text  # names and ID numbers masked
    wb.shot(page, "file-open")
    page.locator("button.wb-review-finalise").click()
    page.wait_for_function("document.querySelector('.wb-status').innerText.includes('已保存')", timeout=30_000)
    assert "王评查" in page.inner_text(".wb-status")

    page.locator(".lm-TabBar-tab", has_text="评查报告").click()
    page.locator("button.wb-review-report").click()
    link = page.locator("a.wb-review-xlsx")
    link.wait_for(timeout=30_000)
    page.wait_for_selector(".wb-review-charts svg", timeout=30_000)
    wb.shot(page, "report")
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "report.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert "按单位 Departments" in book.sheetnames
    files = [row[0].value for row in book["案卷 Files"].iter_rows(min_row=2)]
    assert len(files) == 1 and files[0].startswith("B")
    wb.assert_no_error_text(page)
