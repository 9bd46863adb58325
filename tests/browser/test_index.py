"""Smoke test of the serving layer: the start page lists the apps, only with the token."""

import urllib.request

# Voila 0.5's page template links Font Awesome from a CDN; offline it fails without harm (no icons are used).
KNOWN_EXTERNAL = {
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/v4-shims.min.css",
}


def test_index_lists_the_apps_and_switches_language(page, wb_server, wb):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(wb_server.base_url) else None)
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
    assert set(external) <= KNOWN_EXTERNAL, f"the page fetched from the network: {set(external) - KNOWN_EXTERNAL}"


def test_the_apps_need_the_token(page, wb_server):
    page.goto(f"{wb_server.base_url}voila/render/index.ipynb")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".wb-app").count() == 0
    assert "/login" in page.url
    with urllib.request.urlopen(wb_server.url("")) as response:  # with the token: the tree answers
        assert response.status == 200
