"""Lint feedback on a draft, its impact on stored case files, history and consistency of practice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.lab import impact as lab_impact
from workbench.lab.consistency import consistency
from workbench.lab.drafts import DraftWorkspace, draft_from_published, save_draft_file
from workbench.lab.history import diff, diff_lines, versions
from workbench.lab.publish import publish

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A draft workspace over a copy of rules/ that these tests only read (loaded once per module)."""
    import shutil

    root = tmp_path_factory.mktemp("ro") / "rules"
    shutil.copytree(REPO / "rules", root)
    ws = DraftWorkspace(root)
    yield ws
    ws.close()


def _row(draft, rid):
    return next(r for r in draft.levels if r["id"] == rid)


def _index(draft, rid):
    return next(i for i, r in enumerate(draft.levels) if r["id"] == rid)


# --------------------------------------------------------------------------- lint and rule tests


def test_unchanged_draft_is_clean_and_runs_the_violations_rule_tests(workspace):
    draft = draft_from_published(workspace.rules_dir, "street_vending")
    feedback = workspace.check(draft)
    assert feedback.problems == [] and feedback.engine is not None
    names = {t.test.name for t in feedback.tests}
    assert len(names) >= 10 and all(t.passed for t in feedback.tests)
    assert all(t.test.given["violation"] == "street_vending" for t in feedback.tests)


@pytest.mark.parametrize(
    "edit, row, words",
    [
        (
            lambda d: _row(d, "sv_lighter")["fine"].update(person=[20, 1500]),
            "sv_lighter",
            "outside the statutory range",
        ),
        (lambda d: _row(d, "sv_heavier")["fine"].update(person=[50, 90]), "sv_heavier", "may not be cheaper"),
        (lambda d: _row(d, "sv_lighter")["fine"].update(person=[20, 300]), "sv_standard", "overlap"),
        (lambda d: _row(d, "sv_lighter").pop("basis"), "sv_lighter", "missing legal basis"),
        (lambda d: _row(d, "sv_lighter").update(when={"areaa_m2": {"<": 5}}), "sv_lighter", "unknown field 'areaa_m2'"),
    ],
)
def test_lint_problems_point_at_their_row(workspace, edit, row, words):
    draft = draft_from_published(workspace.rules_dir, "street_vending")
    edit(draft)
    feedback = workspace.check(draft)
    assert feedback.engine is None and not feedback.ok
    messages = feedback.row_problems.get(_index(draft, row), [])
    assert any(words in m for m in messages), feedback.row_problems


def test_an_unreachable_row_and_a_gap_are_reported(workspace):
    draft = draft_from_published(workspace.rules_dir, "street_vending")
    standard = draft.levels.pop(_index(draft, "sv_standard"))
    draft.levels.insert(0, standard)  # the catch-all first: every later row is unreachable
    feedback = workspace.check(draft)
    assert any("unreachable" in m for m in feedback.row_problems[_index(draft, "sv_lighter")])
    gap = draft_from_published(workspace.rules_dir, "street_vending")
    _row(gap, "sv_standard")["when"] = {"area_m2": {">=": 5}}  # no catch-all any more
    feedback = workspace.check(gap)
    assert any("gap" in m for m in feedback.general_problems), feedback.general_problems


def test_a_failing_rule_test_shows_expected_and_actual(rules_copy):
    (rules_copy / "tests" / "lab_extra.yaml").write_text(
        "tests:\n  - name: 2027 面积4㎡ → 从轻 20–100\n"
        "    decide: {violation: street_vending, act_date: 2027-03-01, decision_date: 2027-03-10, "
        "party: {kind: person, age: 40}, facts: {area_m2: 4, repeat_count: 0}}\n"
        "    expect: {level: lighter, fine_yuan: {min: 20, max: 100}}\n",
        encoding="utf-8",
    )
    draft = draft_from_published(rules_copy, "street_vending")
    _row(draft, "sv_lighter")["fine"]["person"] = [30, 100]
    workspace = DraftWorkspace(rules_copy)
    feedback = workspace.check(draft, effective_from=__import__("datetime").date(2027, 1, 1))
    workspace.close()
    assert feedback.problems == []
    [failed] = feedback.failed_tests
    assert failed.test.name == "2027 面积4㎡ → 从轻 20–100"
    assert ("fine_yuan", {"min": 20, "max": 100}, {"min": 30, "max": 100}) in failed.mismatches


# --------------------------------------------------------------------------- impact


def _one_by_one(workspace, draft, cases):
    """The reference: every case decided by durable_rules, one by one, under both versions."""
    published = workspace.published_engine()
    feedback = workspace.check(draft, run_tests=False)
    before = lab_impact.side_of(
        published, "street_vending", published.rulebook.benchmarks["street_vending"].versions[-1], "p"
    )
    after = lab_impact.side_of(
        feedback.engine, "street_vending", feedback.engine.rulebook.benchmarks["street_vending"].versions[-1], "d"
    )
    return [(c.number, before.engine.decide(c.case).to_dict(), after.engine.decide(c.case).to_dict()) for c in cases]


def test_impact_counts_the_cases_whose_answer_changes(workspace, lab_db):
    lab_impact.clear_cache()
    draft = draft_from_published(workspace.rules_dir, "street_vending")
    _row(draft, "sv_lighter")["when"] = {
        "any": [{"area_m2": {"<": 6}}, {"discretionary_mitigation": True}]
    }  # 5.5 m² becomes lighter
    _row(draft, "sv_lighter")["fine"]["person"] = [20, 80]
    report = lab_impact.impact_of_draft(draft, workspace, db_url=lab_db)
    cases = lab_impact.load_cases("street_vending", lab_db)
    assert report.cases == len(cases) == 12 and report.errors == []

    reference = _one_by_one(workspace, draft, cases)
    changed = {
        n
        for n, b, a in reference
        if (b["level"], b["fine_yuan"], b["procedure"], b["hearing_right"])
        != (a["level"], a["fine_yuan"], a["procedure"], a["hearing_right"])
    }
    assert {c.number for c in report.changed} == changed
    assert report.counts["any"] == len(changed) > 0
    assert (
        report.counts["level"] == sum(1 for n, b, a in reference if b["level"] != a["level"]) == 2
    )  # the two 5.5 m² files
    assert report.counts["fine_range"] == sum(1 for n, b, a in reference if b["fine_yuan"] != a["fine_yuan"])
    moved = {c.number: (c.before["level"], c.after["level"]) for c in report.changed}
    assert moved["L003"] == ("standard", "lighter") and moved["L001"] == ("lighter", "lighter")
    assert report.level_moves["standard"]["lighter"] == 2
    # the trace a person opens is durable_rules' own for that case
    before, after = lab_impact.case_traces(report, "L003")
    assert any(t["rule"].endswith("/sv_standard") for t in before["trace"])
    assert any(t["rule"].endswith("/sv_lighter") for t in after["trace"])
    assert report.fines["after"]["mean_max"] < report.fines["before"]["mean_max"]


def test_a_store_without_tables_says_what_to_run(tmp_path):
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="workbench init"):
        lab_impact.load_cases("street_vending", f"sqlite:///{tmp_path / 'empty.db'}")


def test_unchanged_draft_changes_nothing_and_a_second_run_is_served_from_the_cache(workspace, lab_db):
    lab_impact.clear_cache()
    draft = draft_from_published(workspace.rules_dir, "street_vending")
    first = lab_impact.impact_of_draft(draft, workspace, db_url=lab_db)
    assert first.counts == {"level": 0, "fine_range": 0, "procedure": 0, "hearing_right": 0, "any": 0}
    assert 0 < first.groups_before <= 12 and first.engine_calls == first.groups_before + first.groups_after
    again = lab_impact.impact_of_draft(draft, workspace, db_url=lab_db)
    assert again.engine_calls == 0 and again.counts == first.counts


def test_grouped_answers_equal_one_by_one_durable_rules_on_a_demo_county(tmp_path_factory):
    """The proof behind the speed: on every file of a small demo county, for every violation."""
    import datetime as dt

    from workbench.demo import build_demo
    from workbench.store import dispose_engines
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    upgrade(url)
    build_demo(url, cases=400, reports=0, anchor=dt.date(2026, 6, 30))
    lab_impact.clear_cache()
    ws = DraftWorkspace()
    try:
        published = ws.published_engine()
        compared = 0
        for code, bench in published.rulebook.benchmarks.items():
            cases = lab_impact.load_cases(code, url)
            if not cases:
                continue
            side = lab_impact.side_of(published, code, bench.versions[-1], "published")
            answers, groups, _ = lab_impact.decide_grouped(side, code, lab_impact.prepare(cases, published.rulebook))
            assert groups <= len(cases)
            for item, answer in zip(cases, answers):
                if item.event is None:
                    continue
                expected = side.engine.decide(item.case).to_dict()
                assert lab_impact.comparable(answer) == lab_impact.comparable(expected), item.number
                compared += 1
        assert compared >= 350
    finally:
        ws.close()
        dispose_engines()


def test_cli_impact_prints_the_same_summary(workspace, lab_db, tmp_path):
    rules_copy = workspace.rules_dir
    draft = draft_from_published(rules_copy, "street_vending")
    _row(draft, "sv_lighter")["fine"]["person"] = [20, 80]
    path = save_draft_file(draft, tmp_path / "draft.yaml")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench.cli",
            "impact",
            "--draft",
            str(path),
            "--rules",
            str(rules_copy),
            "--db",
            lab_db,
            "--traces",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    report = lab_impact.impact_of_draft(draft, workspace, db_url=lab_db)
    assert out["changed"] == report.counts and out["cases"] == 12
    assert out["check"]["problems"] == [] and out["check"]["tests"]["failed"] == []
    assert {c["number"] for c in out["changed_cases"]} == {c.number for c in report.changed}
    first = out["changed_cases"][0]
    assert first["before"]["trace"] and first["after"]["trace"] and first["after"]["basis"]

    bad = draft_from_published(rules_copy, "street_vending")
    _row(bad, "sv_lighter")["fine"]["person"] = [20, 1500]
    save_draft_file(bad, tmp_path / "bad.yaml")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench.cli",
            "impact",
            "--draft",
            str(tmp_path / "bad.yaml"),
            "--rules",
            str(rules_copy),
            "--db",
            lab_db,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "statutory range" in json.loads(run.stdout)["check"]["problems"][0]


# --------------------------------------------------------------------------- history and consistency


def test_history_names_who_when_why_and_diffs_two_versions(rules_copy, empty_db):
    draft = draft_from_published(rules_copy, "street_vending")
    _row(draft, "sv_lighter")["fine"]["person"] = [20, 80]
    _row(draft, "sv_lighter")["when"] = {"any": [{"area_m2": {"<": 6}}, {"discretionary_mitigation": True}]}
    publish(
        draft,
        effective_from="2027-01-01",
        reason="小面积占道从宽",
        author="张法制",
        rules_dir=rules_copy,
        db_url=empty_db,
    )
    found = versions("street_vending", rules_copy, empty_db)
    assert [(v.effective_from.isoformat(), v.source) for v in found] == [
        ("2021-07-15", "file"),
        ("2025-01-01", "file"),
        ("2027-01-01", "store"),
    ]
    assert (found[2].author, found[2].reason) == ("张法制", "小面积占道从宽") and found[2].published_at is not None
    assert found[1].reason.startswith("本县裁量基准修订")  # from the file
    changes = diff("street_vending", "2025-01-01", "2027-01-01", rules_copy)
    assert [(c.row_id, c.kind) for c in changes] == [("sv_lighter", "changed")]
    lines = diff_lines(changes, "zh")
    assert "~ sv_lighter: 罚款(公民) 20–100 → 20–80" in lines
    assert any("适用条件" in line and '"<": 5' in line and '"<": 6' in line for line in lines)
    assert diff_lines(diff("street_vending", 0, 0, rules_copy), "en") == ["the two versions have the same rows"]


def test_consistency_ranks_the_department_and_officer_fining_outside_the_band(lab_db):
    report = consistency("street_vending", db_url=lab_db, min_officer_cases=1)
    assert report.cases == 12 and report.skipped == []
    outside = {d.number: d.status for d in report.deviations}
    assert outside == {"L008": "above", "L010": "above", "L011": "above"}  # 700 > 400, 950 > 400, 4000 > 2000
    assert [g.key for g in report.departments] == ["market_regulation", "urban_management"]
    top = report.departments[0]
    assert (top.cases, top.above, top.below) == (5, 3, 0) and top.excess_yuan == 300 + 550 + 2000
    assert report.officers[0].key == "LO3" and report.officers[0].name == "李*3 (LO3)"
    assert report.deviations[0].number == "L011"  # furthest outside first
