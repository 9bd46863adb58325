"""The triage console in Chromium: file, see the classification, dispatch, switch language, old data kept."""

import datetime as dt
import re

from .test_index import KNOWN_EXTERNAL

OLD_NUMBER = "R2020-000001"


def wb_seed(url):
    """A report from old data whose category the rules no longer know."""
    from workbench.store import session_scope
    from workbench.store.models import Report

    with session_scope(url) as s:
        s.add(
            Report(
                number=OLD_NUMBER,
                source="hotline",
                category="retired_category",
                status="received",
                received_at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=1),
                description="旧系统导入",
            )
        )


def tab(page, zh_title):
    page.locator(".wb-tabs .lm-TabBar-tab", has_text=zh_title).first.click()


def test_file_classify_dispatch_and_switch_language(page, wb_server, wb):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(wb_server.base_url) else None)
    wb.open_app(page, wb_server, "triage.ipynb")
    wb.shot(page, "opened")
    wb.assert_no_error_text(page)

    page.locator(".wb-category select").select_option(label="违法建设")
    page.locator(".wb-source select").select_option(label="12345 热线")
    page.locator(".wb-community input").fill("城关社区")
    page.locator(".wb-people input").fill("30")
    page.locator(".wb-people input").press("Enter")
    page.locator(".wb-flag-multi_department input").check()
    page.locator(".wb-description textarea").fill("河边新建砖房一处")
    page.locator(".wb-description textarea").press("Tab")
    wb.shot(page, "form-filled")
    page.locator("button.wb-submit").click()
    page.wait_for_function("document.querySelector('.wb-status').innerText.includes('已登记')", timeout=30_000)

    card = page.locator(".wb-classification .wb-report")
    number = card.get_attribute("data-report")
    assert re.fullmatch(r"R\d{4}-\d{6}", number)
    text = card.inner_text()
    assert "城管" in text  # lead department
    assert "城乡规划法" in text  # legal basis shown
    assert re.search(r"规则版本: [0-9a-f]{12}", text)  # rules version shown
    assert "综合" in text  # several departments: composite
    wb.shot(page, "classified")

    tab(page, "事件队列")
    detail = page.locator(".wb-report-detail")
    detail.get_by_text(number).wait_for()
    assert "已立案" in detail.inner_text()
    page.locator("button.wb-dispatch").click()
    page.wait_for_function("document.querySelector('.wb-status').innerText.includes('派遣 完成')")
    assert "已派遣" in detail.inner_text()
    history = page.locator(".wb-history").inner_text()
    assert "受理" in history and "规则定级" in history and "派遣" in history
    wb.shot(page, "dispatched")

    page.locator(".wb-lang button", has_text="English").click()
    page.locator(".wb-app.wb-lang-en").wait_for()
    assert "Dispatch to lead" in page.inner_text("button.wb-dispatch")
    assert "Dispatched" in detail.inner_text()
    assert "Queue" in page.locator(".wb-tabs .lm-TabBar").inner_text()
    assert "dispatched" in page.inner_text(".wb-status")  # the last message follows the language
    assert "Severity" in detail.inner_text() and "严重程度" in detail.inner_text()  # domain terms keep the Chinese
    wb.shot(page, "english")
    wb.assert_no_error_text(page)
    assert set(external) <= KNOWN_EXTERNAL, f"the console fetched from the network: {set(external) - KNOWN_EXTERNAL}"


def test_old_report_with_unknown_category_is_kept_and_explained(page, wb_server, wb):
    wb.open_app(page, wb_server, "triage.ipynb")
    tab(page, "事件队列")
    row = page.locator(f'.wb-queue tr[data-key]:has-text("{OLD_NUMBER}")')
    row.wait_for()
    assert "未定级" in row.inner_text()
    option = page.locator(".wb-table-select select option", has_text=OLD_NUMBER)
    page.locator(".wb-table-select select").select_option(label=option.inner_text())
    detail = page.locator(".wb-report-detail")
    detail.get_by_text("尚未定级").wait_for()
    page.locator("button.wb-reclassify").click()
    page.wait_for_function("document.querySelector('.wb-status').innerText.includes('规则无法定级')")
    assert "retired_category" in page.inner_text(".wb-status")
    assert page.locator("button.wb-dispatch").is_disabled()
    wb.shot(page, "old-report")
    text = page.inner_text("body")
    assert "Traceback" not in text


def test_escalate_feedback_close_and_the_other_tabs(page, wb_server, wb):
    wb.open_app(page, wb_server, "triage.ipynb")
    page.locator(".wb-category select").select_option(label="施工噪声")
    page.locator(".wb-flag-mass_gathering input").check()
    page.locator("button.wb-submit").click()
    page.wait_for_function("document.querySelector('.wb-status').innerText.includes('已登记')", timeout=30_000)
    assert "重大" in page.inner_text(".wb-classification")  # mass gathering: a major event
    number = page.locator(".wb-classification .wb-report").get_attribute("data-report")

    def act(button, done_text):
        page.locator(f"button.{button}").click()
        page.wait_for_function(f"document.querySelector('.wb-status').innerText.includes('{done_text}')")
        assert number in page.inner_text(".wb-status")

    tab(page, "事件队列")
    page.locator(".wb-report-detail").get_by_text(number).wait_for()
    act("wb-dispatch", "派遣 完成")
    act("wb-escalate", "上报 完成")
    assert "县领导" in page.inner_text(".wb-report-detail")
    page.locator(".wb-feedback-text textarea").fill("已劝停施工，恢复秩序")
    page.locator(".wb-feedback-text textarea").press("Tab")
    act("wb-feedback", "处置反馈 完成")
    act("wb-verify-pass", "结案 完成")
    assert "已结案" in page.inner_text(".wb-report-detail")
    wb.shot(page, "closed")

    tab(page, "超期督办")
    page.locator(".wb-overdue .wb-table-grid-box").first.wait_for()
    tab(page, "人工改判")
    page.locator(".wb-overrides-summary").wait_for()
    tab(page, "统计")
    page.locator(".wb-dashboard-chart svg").first.wait_for(timeout=30_000)  # bqplot drew, offline
    assert "合计" in page.inner_text(".wb-dash-total")
    wb.shot(page, "dashboard")
    wb.assert_no_error_text(page)
