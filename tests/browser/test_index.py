"""Smoke test of the serving layer: the start page lists the apps, only with the token."""

import urllib.request


def test_index_lists_the_apps_and_switches_language(page, wb_server, wb):
    wb.open_app(page, wb_server, "index.ipynb")
    apps = page.locator(".wb-app-list .wb-app-link")
    apps.first.wait_for()
    names = [apps.nth(i).get_attribute("data-app") for i in range(apps.count())]
    assert "triage" in names
    assert "分拨处置台" in page.inner_text(".wb-app-list")
    wb.shot(page, "index-zh")
    page.locator(".wb-lang button", has_text="English").click()
    page.locator(".wb-app.wb-lang-en").wait_for()
    assert "Triage console" in page.inner_text(".wb-app-list")
    assert "Enforcement Workbench" in page.inner_text(".wb-title")
    wb.shot(page, "index-en")
    wb.assert_no_error_text(page)


def test_the_apps_need_the_token(page, wb_server):
    page.goto(f"{wb_server.base_url}voila/render/index.ipynb")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".wb-app").count() == 0
    assert "/login" in page.url
    with urllib.request.urlopen(wb_server.url("")) as response:  # with the token: the tree answers
        assert response.status == 200
