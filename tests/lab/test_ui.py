"""The Rule lab app driven from Python (no browser): edit, see lint/tests/impact, publish, history, scenario,
consistency."""

from __future__ import annotations

import pytest

from workbench.lab.drafts import read_versions
from workbench.ui import rule_lab
from workbench.ui.common import I18n


@pytest.fixture()
def lab(rules_copy, lab_db):
    """The app on a private rules copy it may publish into."""
    return rule_lab.build(url=lab_db, rules_dir=rules_copy, i18n=I18n(lang="en"))


@pytest.fixture(scope="module")
def shared_rules(tmp_path_factory):
    import shutil
    from pathlib import Path

    root = tmp_path_factory.mktemp("ui") / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", root)
    return root


@pytest.fixture()
def ro_lab(shared_rules, lab_db):
    """The app on a rules copy shared by the tests that never write to it (loaded once)."""
    return rule_lab.build(url=lab_db, rules_dir=shared_rules, i18n=I18n(lang="en"))


def _row(lab, rid):
    return next(r for r in lab.rows if r.id.value == rid)


def _count(lab, name):
    return lab.report.counts[name]


def test_edit_a_fine_range_updates_lint_tests_and_impact_then_publish(lab, rules_copy, lab_db):
    assert lab.code == "street_vending" and "No problems" in lab.lint_box.value
    assert "0 failed" in lab.tests_box.value and lab.report.counts["any"] == 0
    assert "12 case files" in lab.impact_box.value

    lighter = _row(lab, "sv_lighter")
    lighter.when.value = '{any: [{area_m2: {"<": 6}}, {discretionary_mitigation: true}]}'
    lighter.person_max.value = 80
    assert "No problems" in lab.lint_box.value
    assert _count(lab, "level") == 2 and _count(lab, "any") == len(lab.changed_table.rows) > 2
    assert "wb-lab-count-level'><td>Level changes 阶次</td><td><b>2</b>" in lab.impact_box.value
    assert [list(v) for v in lab.bars.y] == [[h[1] for h in lab.report.histogram], [h[2] for h in lab.report.histogram]]
    assert list(lab.bars.y[0]) != list(lab.bars.y[1])  # the before/after chart moved
    lab.changed_table.select("L003")  # 5.5 m²: standard → lighter
    assert (
        "wb-lab-trace-before" in lab.traces.value
        and "sv_standard" in lab.traces.value
        and "sv_lighter" in lab.traces.value
    )

    lighter.person_max.value = 1500  # above the statutory 1,000
    assert "statutory range" in lighter.problems.value and "problem(s)" in lab.lint_box.value
    assert lab.report is None and "no impact" in lab.impact_box.value
    lab.author.value = "张法制"
    lab.reason.value = "小面积从宽"
    before = (rules_copy / "discretion" / "street_vending.yaml").read_bytes()
    lab.publish_button.click()
    assert "wb-error" in lab.status._dom_classes and "Not published" in lab.status.text
    assert "statutory range" in lab.publish_result.value
    assert (rules_copy / "discretion" / "street_vending.yaml").read_bytes() == before

    lighter.person_max.value = 80
    lab.effective.value = __import__("datetime").date(2027, 1, 1)
    lab.publish_button.click()
    assert "wb-ok" in lab.status._dom_classes, lab.status.text
    assert "Published street_vending" in lab.status.text and "2027-01-01" in lab.status.text
    text = (rules_copy / "discretion" / "street_vending.yaml").read_text(encoding="utf-8")
    assert text.encode().startswith(before)
    _, versions = read_versions(text)
    assert versions[-1]["effective_from"] == "2027-01-01" and versions[-1]["published_by"] == "张法制"
    # the grid now shows the new version in force; history names who and why; the diff is in words
    assert "2027-01-01" in lab.grid_title.value and lab.report.counts["any"] == 0
    history = {r["effective_from"]: r for r in lab.history_table.rows}
    assert history["2027-01-01"]["author"] == "张法制" and history["2027-01-01"]["reason"] == "小面积从宽"
    assert history["2027-01-01"]["source"] == "store"
    assert "fine (person 公民) 20–100 → 20–80" in lab.diff_box.value


def test_a_condition_that_does_not_parse_is_named(ro_lab):
    _row(ro_lab, "sv_heavier").when.value = "{repeat_count: {'>=': 2}"
    assert "row 3 (sv_heavier) condition" in ro_lab.lint_box.value and "not valid YAML" in ro_lab.lint_box.value
    assert ro_lab.report is None


def test_language_switch_relabels_the_feedback(ro_lab):
    _row(ro_lab, "sv_lighter").person_max.value = 80
    ro_lab.i18n.set_language("zh")
    assert "罚款幅度改变" in ro_lab.impact_box.value and "通过" in ro_lab.tests_box.value
    assert ro_lab.tabs.get_title(0) == "编辑与影响"


def test_scenario_tester_decides_both_and_saves_a_rule_test(lab, rules_copy):
    from workbench.rulebook import load_rulebook

    _row(lab, "sv_lighter").person_max.value = 80
    lab.sc_facts["area_m2"].value = 4.0
    lab.sc_facts["repeat_count"].value = 0
    lab.decide_scenario()
    published, draft = lab.scenario_answers
    assert published["fine_yuan"] == {"min": 20, "max": 100} and draft["fine_yuan"] == {"min": 20, "max": 80}
    assert "wb-lab-sc-published" in lab.sc_result.value and "20–80" in lab.sc_result.value
    lab.sc_test_name.value = "情景 面积4㎡ 从轻 20–80"
    lab.sc_expect.value = "draft"
    lab.save_scenario_test()
    assert "fails against the published rules until the draft is published" in lab.status.text
    book = load_rulebook(rules_copy)
    [saved] = [t for t in book.tests if t.name == "情景 面积4㎡ 从轻 20–80"]
    assert saved.expect["fine_yuan"] == {"min": 20, "max": 80} and saved.where.path.endswith(
        "tests/lab_street_vending.yaml"
    )
    assert (
        any(t.test.name == saved.name and not t.passed for t in lab.feedback.tests) is False
    )  # the draft passes its own test


def test_consistency_tab_ranks_departments(ro_lab):
    ro_lab.tabs.selected_index = 2
    assert "12 decided files, 3 with a fine outside" in ro_lab.consistency_summary.value
    assert ro_lab.dept_table.rows[0]["key"] == "market_regulation"
    assert ro_lab.deviation_table.rows[0]["number"] == "L011"
    assert ro_lab.consistency_chart_box.children


def test_rows_can_be_added_moved_and_deleted(ro_lab):
    lab = ro_lab
    lab.add_row()
    new = lab.rows[-2]
    assert new.id.value == "new_row_1" and lab.rows[-1].id.value == "sv_standard"
    assert any("missing legal basis" in m for m in lab.feedback.row_problems[len(lab.rows) - 2])
    lab.delete_row(new)
    assert [r.id.value for r in lab.rows] == [
        "sv_exempt_first",
        "sv_mitigated",
        "sv_heavier",
        "sv_lighter",
        "sv_standard",
    ]
    assert "No problems" in lab.lint_box.value
    _row(lab, "sv_standard").up.click()  # the catch-all above the lighter row: sv_lighter unreachable
    assert [r.id.value for r in lab.rows][3:] == ["sv_standard", "sv_lighter"]
    assert any("unreachable" in m for m in lab.feedback.row_problems[4])
    _row(lab, "sv_standard").down.click()
    assert "No problems" in lab.lint_box.value and lab.report.counts["any"] == 0
