"""The trainee's first sight of the Training room: the open exercise chosen, or a clear 'nothing open' and no start."""

import pytest

from workbench.training import exercises
from workbench.training.demo import OPEN_EXERCISE, build_demo
from workbench.ui import training


def _visible_text(room):
    return " ".join(
        [room.tr_exercise.label or "", room.tr_none.value, room.tr_start.tooltip, room.tr_officer.placeholder]
    )


def test_on_the_demo_the_open_exercise_is_preselected_and_can_be_started(bank, engine, db_url):
    build_demo(url=db_url, bank=bank, engine=engine)
    room = training.build(db_url)
    (open_one,) = exercises.list_exercises(status="open", url=db_url)
    assert room.tr_exercise.value == open_one.id and OPEN_EXERCISE in room.tr_exercise.label
    assert [v for _, v in room.tr_exercise.options] == [open_one.id]  # the closed demo exercises are not offered
    assert not room.tr_start.disabled and not room.tr_exercise.disabled and room.tr_none.value == ""
    # the officer field names a number this database knows (the conftest's unit starts at UM001)
    assert room.tr_officer.placeholder == "例如 UM001（执法证号/工号）"
    room.i18n.set_language("en")
    assert room.tr_officer.placeholder == "e.g. UM001 (officer number 执法证号)"
    assert room.tr_exercise.value == open_one.id
    room.tr_officer.value = "UM001"
    room.tr_start.click()
    assert room.status.kind == "wb-ok" and room.session is not None
    assert f'data-scenario="{open_one.scenario_codes[0]}"' in room.tr_scenario.value


@pytest.mark.parametrize(
    "lang, dropdown, message",
    [
        ("zh", "暂无开放的练习", "请培训师在“练习管理”中开放一个练习"),
        ("en", "No exercise is open", "a trainer opens one under Exercises 练习管理"),
    ],
)
def test_with_no_open_exercise_start_is_disabled_and_says_why(db_url, lang, dropdown, message):
    room = training.build(db_url)
    if lang != room.i18n.lang:
        room.i18n.set_language(lang)
    assert room.tr_start.disabled and room.tr_exercise.value is None
    assert room.tr_exercise.index == 0 and room.tr_exercise.label.startswith(dropdown)  # shown, not a blank select
    assert message in room.tr_none.value and message in room.tr_start.tooltip
    other = "en" if lang == "zh" else "zh"
    assert room.i18n.t("no_open_hint", lang=other) not in _visible_text(room)

    # a trainer opens one: it is chosen, start comes on, the message goes; closed again: back to the placeholder
    room.ex_trainer.value = "培训师甲"
    room.chosen = ["gp-no-fault"]
    room.ex_name.value = "第一课"
    exercise = room.create_exercise("open")
    assert room.tr_exercise.value == exercise.id and not room.tr_start.disabled and room.tr_none.value == ""
    exercises.set_status(exercise.id, "closed", "培训师甲", url=db_url)
    room.tr_reload.click()
    assert room.tr_start.disabled and room.tr_exercise.value is None and message in room.tr_none.value


def test_switching_language_relabels_the_placeholder(db_url):
    room = training.build(db_url)
    room.i18n.set_language("en")
    assert (
        room.tr_exercise.label == "No exercise is open 暂无开放的练习" and "a trainer opens one" in room.tr_none.value
    )
    room.i18n.set_language("zh")
    assert room.tr_exercise.label == "暂无开放的练习" and "请培训师" in room.tr_none.value and room.tr_start.disabled


def test_without_officers_the_hint_names_no_number(tmp_path):
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'no-officers.db'}"
    upgrade(url)
    room = training.build(url)
    assert room.tr_officer.placeholder == "输入您的执法证号/工号"
