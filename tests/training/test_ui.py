"""The Training room driven headless: trainer builds and opens, trainee answers and sees feedback, results,
authoring."""

import pytest

from workbench.training import exercises
from workbench.training.grading import expected_answers
from workbench.ui import training


@pytest.fixture()
def room(db_url):
    return training.build(db_url)


def test_trainer_builds_exercise_and_trainee_takes_it(room, engine):
    room.ex_trainer.value = "培训师甲"
    room.f_topic.value = "minor_14_to_18"
    added = room.add_by_tags()
    assert set(added) == {"gp-minor-exactly-14", "gp-minor-17"}
    room.pick.value = "tr-vending-hotline"
    assert "urban_management" in room.pick_preview.value  # the engine's lead department, previewed
    room.add_picked()
    assert room.chosen == ["gp-minor-exactly-14", "gp-minor-17", "tr-vending-hotline"]
    room.chosen_list.value = "tr-vending-hotline"
    room._move(-1)
    assert room.chosen == ["gp-minor-exactly-14", "tr-vending-hotline", "gp-minor-17"]
    room.ex_name.value = "未成年人与分拨"
    room.ex_limit.value = 20
    exercise = room.create_exercise("open")
    assert exercise.status == "open" and exercise.scenario_codes == [
        "gp-minor-exactly-14",
        "tr-vending-hotline",
        "gp-minor-17",
    ]
    assert room.status.kind == "wb-ok"

    assert room.tr_exercise.value == exercise.id  # the open exercise is preselected for the trainee
    room.tr_officer.value = "UM001"
    room.start()
    assert "gp-minor-exactly-14" in room.tr_scenario.value
    scenario = room.bank.get("gp-minor-exactly-14")
    expected = expected_answers(scenario, engine)
    room.answer_widgets["penalize"].value = True
    room.answer_widgets["level"].value = "lighter"  # adjacent to mitigated: half credit
    room.answer_widgets["fine"].value = str(expected.answers["fine"]["min"])
    room.answer_widgets["basis"].value = tuple(expected.answers["basis"])
    result = room.submit()
    assert result.score == pytest.approx((1 + 0.5 + 1 + 1) / 4)
    feedback = room.tr_feedback.value
    assert 'data-question="level"' in feedback and "减轻处罚" in feedback  # the correct level, in Chinese
    assert "mitigation/minor_14_to_18" in feedback  # the engine's trace
    assert "行政处罚法 第三十条" in feedback  # the cited article
    assert engine.version in feedback
    room.next_scenario()
    assert "tr-vending-hotline" in room.tr_scenario.value
    exp = expected_answers(room.bank.get("tr-vending-hotline"), engine).answers
    room.answer_widgets["severity"].value = exp["severity"]
    room.answer_widgets["lead"].value = exp["lead"]
    room.answer_widgets["assist"].value = tuple(exp["assist"])
    room.answer_widgets["coordination_level"].value = exp["coordination_level"]
    assert room.submit().score == 1.0
    room.next_scenario()
    room.submit()  # nothing answered: zero, but recorded
    assert room.session.finished
    assert "wb-tr-done" in room.tr_scenario.value

    # language switch relabels, nothing breaks
    room.i18n.set_language("en")
    assert "Correct answer" in room.tr_feedback.value

    shown = room.show_results()
    assert shown["summary"]["trainees"] == 1 and shown["summary"]["attempts"] == 3
    assert "UM001" in room.res_trainees.grid.value
    assert "UM001" in room.res_matrix.grid.value
    path = room.export()
    assert path.exists() and "base64," in room.res_download.value
    path.unlink()

    # the trainer closes the exercise from the table: it leaves the trainee's list
    room.ex_table.select(exercise.id)
    room.set_status("closed")
    assert exercises.get_exercise(exercise.id, url=room.url).status == "closed"
    assert exercise.id not in [v for _, v in room.tr_exercise.options]


def test_feedback_at_the_end_mode(room):
    room.ex_trainer.value = "T"
    room.chosen = ["gp-no-fault", "gp-minor-under-14"]
    room.ex_feedback.value = "end"
    exercise = room.create_exercise("open")
    room.refresh_exercises()
    room.tr_exercise.value = exercise.id
    room.tr_officer.value = "UM002"
    room.start()
    room.answer_widgets["penalize"].value = False
    room.submit()
    assert room.tr_feedback.value == ""  # nothing shown before the end
    room.answer_widgets["penalize"].value = False
    room.submit()
    assert room.session.finished
    assert room.tr_feedback.value.count('class="wb-card wb-fb"') == 2


def test_errors_show_as_messages(room):
    room.tr_exercise.options = [("x", None)]
    room.tr_start.click()  # no open exercise
    assert room.status.kind == "wb-error"
    room.ex_trainer.value = ""
    room.widget  # noqa: B018
    room.tabs.children[1]  # noqa: B018
    buttons = [w for w in _walk(room.tabs.children[1]) if "wb-ex-create" in getattr(w, "_dom_classes", ())]
    buttons[0].click()
    assert room.status.kind == "wb-error" and "培训师" in room.status.text


def test_authoring_preview_in_the_app(room):
    room.au_id.value = "ui-written"
    room.au_title_zh.value = "自编"
    room.au_title_en.value = "Own"
    room.au_narr_zh.value = "叙述"
    room.au_narr_en.value = "Story"
    expected = room.author_preview_answer()
    assert expected.answers["level"] == "lighter"
    assert "从轻" in room.au_result.value
    room.au_input.value = "case: [unclosed"
    room.widget  # noqa: B018
    buttons = [w for w in _walk(room.tabs.children[3]) if "wb-au-preview" in getattr(w, "_dom_classes", ())]
    buttons[0].click()
    assert room.status.kind == "wb-error"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_a_broken_scenario_file_leaves_the_room_open(db_url, tmp_path):
    import shutil
    from pathlib import Path

    folder = tmp_path / "bank"
    folder.mkdir()
    shutil.copy(
        Path(__file__).resolve().parents[2] / "data" / "scenarios" / "procedure.yaml", folder / "procedure.yaml"
    )
    (folder / "broken.yaml").write_text("scenarios:\n  - id: x\n    title: nope\n", encoding="utf-8")
    room = training.build(db_url, scenarios_dir=folder)
    assert room.status.kind == "wb-error" and "broken.yaml:" in room.status.text
    assert {s.id for s in room.bank} >= {"pr-summary-200", "pr-general-201"}


def test_results_tab_on_a_demo_history(db_url, bank, engine):
    from workbench.training.demo import build_demo

    build_demo(url=db_url, bank=bank, engine=engine)
    room = training.build(db_url)
    shown = room.show_results()
    assert shown["summary"]["attempts"] == 60
    assert len(room.chart_line.x) == 2 and all(0 < y <= 100 for y in room.chart_line.y)  # two training days
    room.res_trainee.value = "UM002"
    shown = room.show_results()
    assert shown["summary"]["trainees"] == 1 and "UM001" not in room.res_trainees.grid.value


def test_a_database_without_tables_gives_a_message_not_a_traceback(tmp_path):
    room = training.build(f"sqlite:///{tmp_path / 'empty.db'}")
    assert room.status.kind == "wb-error" and "workbench init" in room.status.text
    from sqlalchemy import create_engine, inspect

    # the app only reports: it creates no table of its own in a database nobody initialised
    assert inspect(create_engine(f"sqlite:///{tmp_path / 'empty.db'}")).get_table_names() == []


def test_authoring_from_a_stored_case_in_the_app(db_url, tmp_path):
    import datetime as dt
    import shutil
    from pathlib import Path

    from workbench.store import models, session_scope

    with session_scope(db_url) as s:
        s.add(
            models.CaseFile(
                number="2025-绿化-0007",
                party_kind="person",
                party_name_masked="周*",
                party_id_masked="4301**",
                party_age=35,
                violation="damaging_greenery",
                department_code="greening",
                act_date=dt.date(2025, 4, 1),
                decision_date=dt.date(2025, 4, 20),
                officers=["GR001"],
                facts={"trees_damaged": 3},
                circumstances=[],
            )
        )
    folder = tmp_path / "bank"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data" / "scenarios", folder)
    room = training.build(db_url, scenarios_dir=folder)
    before = len(room.bank)
    room.au_source.value = "case"
    assert room.au_record.value == "2025-绿化-0007"
    room.author_load()
    assert "周*" not in room.au_input.value and "GR001" not in room.au_input.value
    assert "trees_damaged: 3" in room.au_input.value and room.au_department.value == "greening"
    room.au_narr_zh.value = "某商户砍伐三棵行道树。"
    room.author_preview_answer()
    assert "城市绿化条例" in room.au_result.value
    path = room.author_save()
    assert path.name == "authored.yaml" and len(room.bank) == before + 1
    assert any(label.startswith(room.au_id.value) for label, _ in room.pick.options if label != "—")
