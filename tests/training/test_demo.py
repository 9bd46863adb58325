"""The demo training: a graded history, repeatable, added once, and one exercise left open for trainees."""

from sqlmodel import select

from workbench.store import models, session_scope
from workbench.training import exercises, results
from workbench.training.demo import DEMO_TRAINER, EXERCISES, OPEN_EXERCISE, build_demo, example_officer


def _scores(url):
    return [(a.trainee, a.scenario_code, a.score) for a in results.attempts(url=url)]


def _exercises(url):
    return [(e.name, e.status, e.scenario_codes) for e in exercises.list_exercises(url=url)]


def test_demo_history_is_repeatable_and_added_once(bank, engine, db_url, new_db):
    # the unit: the largest department (3 urban-management officers; the one A/B partner outside it is greening's)
    made = build_demo(url=db_url, bank=bank, engine=engine)
    assert made == {"exercises": 3, "attempts": 2 * 10 * 3, "open": 1, "skipped": False}
    before = _exercises(db_url)
    again = build_demo(url=db_url, bank=bank, engine=engine)
    assert again["skipped"] and again["exercises"] == 0 and again["open"] == 0
    assert _exercises(db_url) == before and len(_scores(db_url)) == 60
    rows = results.attempts(url=db_url)
    assert all(a.rules_version == engine.version for a in rows)
    assert 0 < results.cohort_summary(rows)["mean_score"] < 1
    assert results.most_misapplied_articles(rows)
    # the same seed on another database gives the same history and the same open exercise
    other = new_db("other")
    build_demo(url=other, bank=bank, engine=engine)
    assert sorted(_scores(other)) == sorted(_scores(db_url))
    assert _exercises(other) == before


def test_demo_leaves_one_exercise_open_with_a_mix_and_no_attempts(bank, engine, db_url):
    build_demo(url=db_url, bank=bank, engine=engine)
    open_ones = exercises.list_exercises(status="open", url=db_url)
    assert [e.name for e in open_ones] == [OPEN_EXERCISE]
    exercise = open_ones[0]
    assert exercise.feedback == "each" and exercise.created_by == DEMO_TRAINER
    assert {e.status for e in exercises.list_exercises(url=db_url) if e.id != exercise.id} == {"closed"}
    assert results.attempts(exercise_id=exercise.id, url=db_url) == []
    scenarios = [bank.get(code) for code in exercise.scenario_codes]
    assert len(set(exercise.scenario_codes)) == len(scenarios) >= 6
    assert any(s.case for s in scenarios) and any(s.report for s in scenarios)  # decisions and triage
    assert {s.difficulty for s in scenarios} == {"easy", "medium", "hard"}
    past = {code for e in exercises.list_exercises(status="closed", url=db_url) for code in e.scenario_codes}
    assert not past & set(exercise.scenario_codes)  # new scenarios, not a repeat of units 1 and 2
    # a demo officer can take it, with the engine's feedback after each answer
    officer = example_officer(db_url)
    assert officer == "UM001"
    session = exercises.start(exercise.id, officer, bank=bank, url=db_url, engine=engine)
    assert session.codes == exercise.scenario_codes and not session.results


def test_an_older_demo_history_gets_only_the_open_exercise(bank, engine, db_url):
    build_demo(url=db_url, bank=bank, engine=engine)
    with session_scope(db_url) as s:  # as a database made before the open exercise existed
        s.delete(s.exec(select(models.TrainingExercise).where(models.TrainingExercise.name == OPEN_EXERCISE)).one())
    assert [e.name for e in exercises.list_exercises(url=db_url)] == [name for name, *_ in reversed(EXERCISES)]
    made = build_demo(url=db_url, bank=bank, engine=engine)
    assert made == {"exercises": 1, "attempts": 0, "open": 1, "skipped": False}
    assert [e.name for e in exercises.list_exercises(status="open", url=db_url)] == [OPEN_EXERCISE]
    assert len(_scores(db_url)) == 60
    assert build_demo(url=db_url, bank=bank, engine=engine)["skipped"]


def test_no_officers_no_demo(bank, engine, tmp_path):
    from workbench.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'none.db'}"
    upgrade(url)
    assert build_demo(url=url, bank=bank, engine=engine)["skipped"]
    assert exercises.list_exercises(url=url) == [] and example_officer(url) is None
