"""The demo training history: graded by the engine, repeatable, added once."""

from workbench.training import results
from workbench.training.demo import build_demo


def _scores(url):
    return [(a.trainee, a.scenario_code, a.score) for a in results.attempts(url=url)]


def test_demo_history_is_repeatable_and_added_once(bank, engine, db_url, new_db):
    # the unit: the largest department (3 urban-management officers; the one A/B partner outside it is greening's)
    made = build_demo(url=db_url, bank=bank, engine=engine)
    assert made == {"exercises": 2, "attempts": 2 * 10 * 3, "skipped": False}
    again = build_demo(url=db_url, bank=bank, engine=engine)
    assert again["skipped"] and len(_scores(db_url)) == 60
    rows = results.attempts(url=db_url)
    assert all(a.rules_version == engine.version for a in rows)
    assert 0 < results.cohort_summary(rows)["mean_score"] < 1
    assert results.most_misapplied_articles(rows)
    # the same seed on another database gives the same history
    other = new_db("other")
    build_demo(url=other, bank=bank, engine=engine)
    assert sorted(_scores(other)) == sorted(_scores(db_url))
