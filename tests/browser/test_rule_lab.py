"""Rule lab in Chromium: edit a fine range, see the impact change, publish a dated version with a reason.

Publishes into a TEMPORARY copy of rules/ (``WORKBENCH_RULES_DIR``, which the
engine, the store's demo builder and the served app all honour), never into
the repository's rules/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .test_index import KNOWN_EXTERNAL

REPO = Path(__file__).resolve().parents[2]
wb_demo = None  # only the departments, then the files below: the test knows every file


@pytest.fixture(scope="module", autouse=True)
def temp_rules(tmp_path_factory):
    """A private rules/ for this module's server (set before the server starts: autouse runs first)."""
    root = tmp_path_factory.mktemp("lab-rules") / "rules"
    shutil.copytree(REPO / "rules", root)
    old = os.environ.get("WORKBENCH_RULES_DIR")
    os.environ["WORKBENCH_RULES_DIR"] = str(root)
    yield root
    if old is None:
        os.environ.pop("WORKBENCH_RULES_DIR", None)
    else:
        os.environ["WORKBENCH_RULES_DIR"] = old


def wb_seed(url):
    """Two officers and eight decided street-vending files of different areas."""
    import datetime as dt

    from workbench.store import models, session_scope

    with session_scope(url) as s:
        for i in (1, 2):
            s.add(
                models.Officer(
                    number=f"RL{i}", name_masked=f"周*{i}", department_code="urban_management", certificate_no=f"RLC{i}"
                )
            )
        s.flush()
        for i, (area, fine) in enumerate(
            [(2, 60), (4, 80), (4.5, 90), (5.5, 300), (6, 350), (8, 380), (12, 700), (3, 50)]
        ):
            s.add(
                models.CaseFile(
                    number=f"RL{i:03d}",
                    party_kind="person",
                    party_name_masked="孙*",
                    party_age=40,
                    violation="street_vending",
                    department_code="urban_management",
                    act_date=dt.date(2025, 4, 1),
                    discovered_date=dt.date(2025, 4, 2),
                    decision_date=dt.date(2025, 4, 15),
                    officers=["RL1", "RL2"],
                    lead_officer="RL1",
                    facts={"area_m2": area, "repeat_count": 0, "key_road": False},
                    circumstances=[],
                    fine_yuan=fine,
                    procedure="general",
                )
            )


def _count(page, name):
    return page.inner_text(f".wb-lab-count-{name} b").strip()


def test_edit_fine_range_see_impact_and_publish(page, wb_server, wb, temp_rules):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(wb_server.base_url) else None)
    wb.open_app(page, wb_server, "rule_lab.ipynb")
    page.locator(".wb-lab-impact", has_text="案卷 8 件").wait_for(timeout=90_000)
    assert _count(page, "fine_range") == "0" and "没有问题" in page.inner_text(".wb-lab-lint")
    wb.shot(page, "opened")

    cell = page.locator(".wb-lab-row-sv_lighter .wb-lab-person-max input")
    cell.fill("80")
    cell.press("Enter")
    page.wait_for_function(
        "document.querySelector('.wb-lab-count-fine_range b') && "
        "document.querySelector('.wb-lab-count-fine_range b').innerText.trim() !== '0'",
        timeout=60_000,
    )
    changed = int(_count(page, "fine_range"))
    assert changed == 4  # the files of 2, 3, 4 and 4.5 m² are lighter: 20–100 becomes 20–80
    assert "，0 失败" in page.inner_text(".wb-lab-tests")
    page.wait_for_selector(".wb-lab-impact-chart svg", timeout=30_000)
    wb.shot(page, "edited")

    page.locator(".wb-lab-author input").fill("法制科 张三")
    page.locator(".wb-lab-reason textarea").fill("小面积占道罚款上限下调")
    date = page.locator(".wb-lab-effective input")
    date.fill("2027-01-01")
    date.press("Enter")
    page.locator("button.wb-lab-publish").click()
    page.locator(".wb-status.wb-ok", has_text="已发布").wait_for(timeout=90_000)
    wb.shot(page, "published")
    text = (temp_rules / "discretion" / "street_vending.yaml").read_text(encoding="utf-8")
    assert "- effective_from: 2027-01-01" in text and "published_by: 法制科 张三" in text
    assert "reason: 小面积占道罚款上限下调" in text
    assert "2027-01-01" not in (REPO / "rules" / "discretion" / "street_vending.yaml").read_text(encoding="utf-8")

    page.locator(".lm-TabBar-tab", has_text="版本历史").click()
    page.locator(".wb-lab-diff", has_text="20–80").wait_for(timeout=30_000)
    assert "法制科 张三" in page.inner_text(".wb-lab-history")
    wb.shot(page, "history")

    page.locator(".lm-TabBar-tab", has_text="同案同罚").click()  # 12 m² fined 700 > 400 under the 2025 band
    page.locator(".wb-lab-consistency-summary", has_text="超出基准幅度 1 件").wait_for(timeout=60_000)
    page.wait_for_selector(".wb-lab-consistency-chart svg", timeout=30_000)
    assert "RL006" in page.inner_text(".wb-lab-deviations")
    wb.shot(page, "consistency")

    page.locator(".lm-TabBar-tab", has_text="情景测试").click()
    page.locator(".wb-lab-fact-area_m2 input").fill("4")
    page.locator(".wb-lab-fact-area_m2 input").press("Enter")
    page.locator("button.wb-lab-sc-decide").click()
    page.locator(".wb-lab-sc-published", has_text="20–80").wait_for(timeout=30_000)  # the version published above
    assert "依据" in page.inner_text(".wb-lab-sc-result") and "规则版本" in page.inner_text(".wb-lab-sc-result")
    wb.shot(page, "scenario")
    wb.assert_no_error_text(page)
    assert set(external) <= KNOWN_EXTERNAL, f"the lab fetched from the network: {set(external) - KNOWN_EXTERNAL}"
