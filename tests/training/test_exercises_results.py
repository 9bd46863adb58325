"""Exercises (assemble, open, take, time limit, resume) and results (trainee, cohort, articles, A/B matrix, XLSX)."""

import datetime as dt

import openpyxl
import pytest

from workbench.errors import InputError
from workbench.training import exercises, results
from workbench.training.grading import expected_answers


def _answers(expected, wrong=()):
    """The engine's answers, except the questions in ``wrong`` which are answered badly."""
    out = {}
    for q, v in expected.answers.items():
        if q == "fine":
            v = v["min"] if v else 0
        if q in wrong:
            v = {
                "penalize": not v,
                "level": "heavier" if v != "heavier" else "exempt",
                "fine": 10**7,
                "procedure": "none",
                "hearing_right": not v,
                "legal_review": not v,
                "basis": ["行政处罚法 第九十九条"],
                "severity": "nonsense",
                "lead": "nobody",
                "assist": ["nobody"],
                "coordination_level": 9,
            }[q]
        out[q] = v
    return out


def test_assemble_by_hand_and_by_tag(bank):
    assert exercises.assemble(bank, codes=["gp-no-fault", "gp-minor-17"]) == ["gp-no-fault", "gp-minor-17"]
    with pytest.raises(InputError):
        exercises.assemble(bank, codes=["no-such-scenario"])
    triage = exercises.assemble(bank, topic="triage")
    assert triage and all(bank.get(c).report for c in triage)
    three = exercises.assemble(bank, topic="triage", count=3, seed=7)
    assert len(three) == 3 and set(three) <= set(triage)
    assert three == exercises.assemble(bank, topic="triage", count=3, seed=7)
    with pytest.raises(InputError):
        exercises.assemble(bank, violation="no_such_violation")


def test_create_validates_settings(bank, db_url):
    for kwargs in ({"order": "random"}, {"feedback": "never"}, {"time_limit_minutes": 0}):
        with pytest.raises(InputError):
            exercises.create_exercise("x", ["gp-no-fault"], "T1", bank=bank, url=db_url, **kwargs)
    with pytest.raises(InputError):
        exercises.create_exercise("x", [], "T1", bank=bank, url=db_url)


def test_trainee_takes_an_exercise_and_attempts_are_stored(bank, engine, db_url):
    codes = ["sv-basic-small-stall", "tr-casualties-construction", "gp-minor-under-14"]
    ex = exercises.create_exercise(
        "一专多能 第一期",
        codes,
        "trainer",
        cohort="2025-A",
        time_limit_minutes=30,
        order="shuffled",
        feedback="end",
        bank=bank,
        url=db_url,
    )
    assert ex.status == "draft" and ex.order == "shuffled" and ex.feedback == "end" and ex.time_limit_minutes == 30
    with pytest.raises(exercises.ExerciseClosedError):
        exercises.start(ex.id, "UM001", bank=bank, url=db_url)
    exercises.set_status(ex.id, "open", "trainer", url=db_url)
    with pytest.raises(InputError):
        exercises.start(ex.id, "NOBODY", bank=bank, url=db_url)

    session = exercises.start(ex.id, "UM001", bank=bank, url=db_url, engine=engine)
    assert sorted(session.codes) == sorted(codes)
    assert session.codes == ex.order_for("UM001")  # shuffled, but the same for the same trainee
    first = session.current()
    result = session.submit(first.id, _answers(expected_answers(first, engine)))
    assert result.score == 1.0
    with pytest.raises(InputError):
        session.submit(first.id, {})
    # leave, come back: the answered scenario is kept with its stored grade
    again = exercises.start(ex.id, "UM001", bank=bank, url=db_url, engine=engine)
    assert list(again.results) == [first.id] and again.results[first.id].score == 1.0
    assert again.started_at == session.started_at
    while (scenario := again.current()) is not None:
        expected = expected_answers(scenario, engine)
        again.submit(scenario.id, _answers(expected, wrong=list(expected.answers)[:1]))
    assert again.finished and 0 < again.score() < 1

    rows = results.attempts(exercise_id=ex.id, url=db_url)
    assert len(rows) == 3 and {r.trainee for r in rows} == {"UM001"} and {r.cohort for r in rows} == {"2025-A"}
    assert all(r.rules_version == engine.version for r in rows)


def test_time_limit_and_closing(bank, engine, db_url):
    ex = exercises.create_exercise(
        "限时", ["gp-no-fault", "gp-minor-17"], "trainer", time_limit_minutes=10, status="open", bank=bank, url=db_url
    )
    start = dt.datetime(2025, 1, 1, 9, 0)
    session = exercises.start(ex.id, "UM002", bank=bank, url=db_url, engine=engine, now=start)
    assert session.remaining_seconds(start + dt.timedelta(minutes=4)) == 360
    session.submit("gp-no-fault", {"penalize": False}, now=start + dt.timedelta(minutes=5))
    with pytest.raises(exercises.ExerciseClosedError):
        session.submit("gp-minor-17", {"penalize": True}, now=start + dt.timedelta(minutes=11))
    assert session.finished  # time is up
    other = exercises.start(ex.id, "UM003", bank=bank, url=db_url, engine=engine)
    exercises.set_status(ex.id, "closed", "trainer", url=db_url)
    with pytest.raises(exercises.ExerciseClosedError):
        other.submit("gp-no-fault", {"penalize": False})


def _cohort(bank, engine, db_url):
    codes = ["sv-basic-small-stall", "gr-wall-graffiti", "dg-felled-trees", "gp-minor-exactly-14"]
    ex = exercises.create_exercise("cohort", codes, "trainer", cohort="C1", status="open", bank=bank, url=db_url)
    plans = {"UM001": (), "UM002": ("basis",), "UM003": ("level", "basis", "fine"), "GR001": ("level",)}
    for officer, wrong in plans.items():
        session = exercises.start(ex.id, officer, bank=bank, url=db_url, engine=engine)
        for code in codes:
            scenario = bank.get(code)
            session.submit(code, _answers(expected_answers(scenario, engine), wrong=wrong))
    return ex


def test_results_per_trainee_and_cohort(bank, engine, db_url):
    ex = _cohort(bank, engine, db_url)
    rows = results.attempts(exercise_id=ex.id, url=db_url)
    trainees = {t["trainee"]: t for t in results.by_trainee(rows)}
    assert trainees["UM001"]["score"] == 1.0
    assert trainees["UM003"]["score"] < trainees["UM002"]["score"] < 1.0
    assert trainees["UM002"]["weakest_question"] == "basis"
    summary = results.cohort_summary(rows)
    assert summary["trainees"] == 4 and summary["attempts"] == 16 and summary["highest"] == 1.0
    missed = results.most_missed_questions(rows)
    assert missed[0]["question"] in ("basis", "level")
    assert {m["question"] for m in missed} == {"basis", "level", "fine"}
    types = results.question_types(rows)
    assert types[0]["question"] in ("basis", "level") and types[-1]["mean_score"] == 1.0
    articles = results.most_misapplied_articles(rows)
    wrong = next(a for a in articles if a["article"] == "行政处罚法 第九十九条")
    assert wrong["wrongly_cited"] == 8  # UM002 and UM003, four scenarios each
    assert any(a["missed"] > 0 for a in articles if a["article"] != "行政处罚法 第九十九条")
    assert [p["trainee"] for p in results.progress(rows)] == ["GR001", "UM001", "UM002", "UM003"]
    assert results.attempts(trainee="UM001", url=db_url) and not results.attempts(trainee="NOBODY", url=db_url)


def test_competence_matrix_shows_ab_backup(bank, engine, db_url):
    _cohort(bank, engine, db_url)
    matrix = results.competence_matrix(bank=bank, url=db_url)
    rows = {r["officer"]: r for r in matrix["rows"]}
    assert set(matrix["domains"]) >= {"street_vending", "graffiti", "damaging_greenery"}
    # UM001 answered everything right: competent in the domains tested, and in its trained ones
    assert rows["UM001"]["cells"]["damaging_greenery"]["competent"]
    assert rows["UM001"]["cells"]["street_vending"]["score"] == 1.0
    # UM003 got levels, fines and basis wrong: not competent where tested, even in street vending
    assert not rows["UM003"]["cells"]["street_vending"]["competent"]
    # trained, untested domain counts as competent
    assert (
        rows["UM003"]["cells"]["illegal_construction"]["competent"]
        and not rows["UM003"]["cells"]["illegal_construction"]["score"]
    )
    # GR001's A/B partner is UM003, who cannot back up greenery: no backup there
    assert rows["GR001"]["cells"]["damaging_greenery"]["competent"]  # only the level wrong: 4 of 5
    assert not rows["UM003"]["cells"]["damaging_greenery"]["competent"]
    assert "damaging_greenery" in rows["GR001"]["no_backup"]
    # UM003 has no partner at all: every competent domain lacks backup
    assert rows["UM003"]["no_backup"] == rows["UM003"]["competent_domains"]
    # UM001 and UM002 back each other up in street vending
    assert "street_vending" not in rows["UM001"]["no_backup"]
    assert matrix["coverage"]["street_vending"] >= 2
    only_green = results.competence_matrix(bank=bank, url=db_url, department="greening")
    assert [r["officer"] for r in only_green["rows"]] == ["GR001"]
    table = results.matrix_table(matrix)
    assert table[0]["officer"] == "GR001" and "street_vending" in table[0]


def test_xlsx_export(bank, engine, db_url, tmp_path):
    ex = _cohort(bank, engine, db_url)
    path = results.export_xlsx(tmp_path / "results.xlsx", exercise_id=ex.id, url=db_url, bank=bank)
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 7
    trainees = book[book.sheetnames[0]]
    header = [c.value for c in trainees[1]]
    assert header[:3] == ["trainee", "scenarios", "score"]
    assert sorted(row[0].value for row in trainees.iter_rows(min_row=2)) == ["GR001", "UM001", "UM002", "UM003"]
    attempts = book[book.sheetnames[1]]
    assert attempts.max_row == 17
    competence = book[book.sheetnames[-1]]
    assert competence.max_row == 5


def test_changes_are_audited_and_stale_status_changes_refused(bank, engine, db_url):
    from sqlmodel import select

    from workbench.store import StaleRecordError, models, session_scope

    ex = exercises.create_exercise("审计", ["gp-no-fault"], "trainer-a", bank=bank, url=db_url)
    seen = ex.version
    exercises.set_status(ex.id, "open", "trainer-a", expected_version=seen, url=db_url)
    with pytest.raises(StaleRecordError):
        exercises.set_status(ex.id, "closed", "trainer-b", expected_version=seen, url=db_url)  # opened meanwhile
    assert exercises.get_exercise(ex.id, url=db_url).status == "open"
    session = exercises.start(ex.id, "UM001", bank=bank, url=db_url, engine=engine)
    session.submit("gp-no-fault", {"penalize": False})
    with session_scope(db_url) as s:
        actions = [(a.who, a.action, a.entity) for a in s.exec(select(models.AuditLog).order_by(models.AuditLog.id))]
    assert actions == [
        ("trainer-a", "create", "training_exercise"),
        ("trainer-a", "settings", "training_exercise"),
        ("trainer-a", "status:open", "training_exercise"),
        ("UM001", "answer", "training_attempt"),
    ]
