"""Authoring: a stored case or report becomes a scenario without personal data; preview; save as YAML."""

import datetime as dt

import pytest

from workbench.store import models, session_scope
from workbench.training import ScenarioBankError, load_bank
from workbench.training.authoring import draft_from_case_file, draft_from_report, preview, save

PERSONAL = ["张三丰", "430102199001011234", "UM001", "2025-城管-0042", "R2025-000777", "王大妈", "13800001111"]


@pytest.fixture()
def stored(db_url):
    with session_scope(db_url) as s:
        s.add(
            models.CaseFile(
                number="2025-城管-0042",
                party_kind="person",
                party_name_masked="张三丰",
                party_id_masked="430102199001011234",
                party_age=16,
                violation="street_vending",
                department_code="urban_management",
                act_date=dt.date(2025, 4, 1),
                filing_date=dt.date(2025, 4, 2),
                decision_date=dt.date(2025, 4, 10),
                officers=["UM001", "UM002"],
                facts={"area_m2": 6, "repeat_count": 0},
                circumstances=[],
                fine_yuan=100,
            )
        )
        s.add(
            models.Report(
                number="R2025-000777",
                source="hotline",
                category="social_noise",
                received_at=dt.datetime(2025, 6, 1, 21, 5),
                community="潇水社区",
                key_road=False,
                people_affected=8,
                flags=["repeat_complaint"],
                description="王大妈 13800001111 反映楼下音响扰民",
                reporter_masked="王大妈",
            )
        )
    return db_url


def test_case_file_to_scenario_without_personal_data(stored, tmp_path, engine):
    draft = draft_from_case_file("2025-城管-0042", url=stored)
    text = repr(draft)
    for secret in PERSONAL:
        assert secret not in text
    assert draft["case"]["party"] == {"kind": "person", "capacity": "full", "age": 16}
    scenario, expected = preview(draft)
    # the engine's answer for a 16-year-old: mandatory mitigation (Art. 30)
    assert expected.answers["level"] == "mitigated"
    assert any(t["rule"] == "mitigation/minor_14_to_18" for t in expected.trace)
    folder = tmp_path / "bank"
    folder.mkdir()
    path = save(draft, folder)
    written = path.read_text(encoding="utf-8")
    assert written.startswith("# 培训情景库")
    for secret in PERSONAL:
        assert secret not in written
    assert [s.id for s in load_bank(folder)] == [scenario.id]
    # saving the same id again is refused and the file is left as it was
    with pytest.raises(ScenarioBankError) as err:
        save(draft, folder)
    assert "duplicate id" in str(err.value)
    assert path.read_text(encoding="utf-8") == written


def test_report_to_scenario(stored, tmp_path):
    draft = draft_from_report("R2025-000777", url=stored)
    for secret in PERSONAL:
        assert secret not in repr(draft)
    scenario, expected = preview(draft)
    assert set(expected.answers) == {"severity", "lead", "assist", "coordination_level"}
    folder = tmp_path / "bank"
    folder.mkdir()
    save(draft, folder)
    assert load_bank(folder).get(scenario.id).report["flags"] == ["repeat_complaint"]


def test_written_in_the_app_bad_draft_is_refused_with_its_problem(tmp_path):
    draft = {
        "id": "my-own",
        "title": {"zh": "自编", "en": "My own"},
        "narrative": {"zh": "叙述", "en": "Story"},
        "case": {
            "violation": "graffiti",
            "act_date": "2025-03-01",
            "decision_date": "2025-03-02",
            "party": {"kind": "person", "age": 30, "capacity": "full"},
            "facts": {"wall_colour": "red"},
            "circumstances": [],
        },
        "questions": ["penalize", "level"],
        "tags": {"violation": "graffiti", "department": "urban_management"},
    }
    with pytest.raises(ScenarioBankError) as err:
        preview(draft)
    assert "facts.wall_colour" in str(err.value)
    draft["case"]["facts"] = {"area_m2": 2}
    scenario, expected = preview(draft)
    assert expected.answers["penalize"] is True


def test_a_non_penalized_case_drops_questions_it_cannot_answer(stored):
    draft = draft_from_case_file("2025-城管-0042", url=stored)
    draft["case"]["party"]["age"] = 12
    scenario, expected = preview(draft)
    assert scenario.questions == ("penalize", "basis")
    assert expected.answers["penalize"] is False
