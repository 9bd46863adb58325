"""The Review desk over the store: draw and redraw, open a file masked, concurrent scoring, report from the store."""

import pytest
from sqlmodel import select

from workbench.errors import InputError
from workbench.review import service
from workbench.store import StaleRecordError, models, session_scope


def test_stratified_sample_is_stored_with_seed_and_params_and_redraws_the_same(review_db):
    s = service.draw_sample(
        name="2024 第一批",
        method="stratified",
        seed=11,
        size=12,
        created_by="reviewer_a",
        min_per_stratum=3,
        url=review_db,
    )
    assert s["size"] == 12 and len(s["case_ids"]) == 12
    drawn = {a["stratum"]: a["drawn"] for a in s["params"]["allocation"]}
    assert drawn["greening"] == 3  # minimum per department
    assert sum(drawn.values()) == 12
    with session_scope(review_db) as db:
        record = db.get(models.ReviewSample, s["id"])
        assert record.seed == 11 and record.method == "stratified" and record.params["min_per_stratum"] == 3
        assert record.rules_version
        items = db.exec(select(models.ReviewSampleItem).where(models.ReviewSampleItem.sample_id == s["id"])).all()
        assert len(items) == 12
        audit = db.exec(
            select(models.AuditLog).where(
                models.AuditLog.entity == "review_sample", models.AuditLog.entity_id == str(s["id"])
            )
        ).all()
        assert audit and audit[0].who == "reviewer_a"
    again = service.redraw(s["id"], url=review_db)
    assert again["same"] and again["stored"] == s["case_ids"]


def test_pre_check_findings_are_stored_with_the_sample(review_db):
    s = service.draw_sample(name="all", method="simple", seed=1, size=60, created_by="a", url=review_db)
    files = {f["case_id"]: f for f in service.sample_files(s["id"], url=review_db)}
    assert files["C005"]["findings"] == 1  # one officer
    assert files["C007"]["findings"] == 1  # fine 900 outside 200–500
    assert files["C001"]["findings"] == 0


def test_risk_weighted_sample_shows_its_weights(review_db):
    s = service.draw_sample(name="risk", method="risk", seed=3, size=20, created_by="a", risk_weight=5, url=review_db)
    weights = {w["weight"]: w for w in s["weights"]}
    flagged = sum(1 for i in range(60) if i % 5 == 0 or i % 7 == 0)  # one officer, or fine 900 outside the band
    assert weights[5.0]["population"] == flagged and weights[1.0]["population"] == 60 - flagged
    assert weights[5.0]["drawn"] + weights[1.0]["drawn"] == 20
    assert service.redraw(s["id"], url=review_db)["same"]


def test_size_from_confidence_and_margin(review_db):
    s = service.draw_sample(
        name="calc", method="simple", seed=2, created_by="a", confidence=0.95, margin=0.1, url=review_db
    )
    # n0 = 96.04 → n = 96.04 / (1 + 95.04/60) = 37.2 → 38
    assert s["size"] == 38 and "n0 = 96.04" in s["formula"]


def test_open_file_masks_and_proposes(review_db):
    s = service.draw_sample(name="open", method="simple", seed=5, size=60, created_by="a", url=review_db)
    view = service.open_file(s["id"], "C005", "alice", url=review_db)
    assert view["party"]["name"] == "张**" and view["party"]["id"] == "430*************34"
    assert [o["name"] for o in view["officers"]] == ["李**"]
    assert [p["item"] for p in view["proposed"]] == ["officers_fewer_than_two"]
    assert view["score"] is None and view["version"] is None
    with pytest.raises(InputError):
        service.open_file(s["id"], "NOPE", "alice", url=review_db)


def test_two_reviewers_score_at_once_without_overwriting(review_db):
    s = service.draw_sample(name="conc", method="simple", seed=6, size=60, created_by="a", url=review_db)
    alice = service.open_file(s["id"], "C007", "alice", url=review_db)
    bob = service.open_file(s["id"], "C007", "bob", url=review_db)
    a = service.save_score(s["id"], "C007", "alice", alice["proposed"], alice["version"], url=review_db)
    b = service.save_score(
        s["id"],
        "C007",
        "bob",
        [{**bob["proposed"][0], "status": "rejected", "comment": "已说明理由"}],
        bob["version"],
        url=review_db,
    )
    assert (a["total"], a["reviewer"]) == (95, "alice") and (b["total"], b["reviewer"]) == (100, "bob")
    # alice's second tab still holds the version she opened first: refused, nothing overwritten
    with pytest.raises(StaleRecordError):
        service.save_score(s["id"], "C007", "alice", [], None, url=review_db)
    again = service.open_file(s["id"], "C007", "alice", url=review_db)
    assert again["score"]["total"] == 95
    updated = service.save_score(s["id"], "C007", "alice", [], again["version"], final=True, url=review_db)
    assert updated["total"] == 100 and updated["version"] == again["version"] + 1
    with pytest.raises(StaleRecordError):
        service.save_score(s["id"], "C007", "alice", [], again["version"], url=review_db)


def test_report_from_the_store(review_db):
    s = service.draw_sample(
        name="rep", method="stratified", seed=8, size=15, created_by="a", min_per_stratum=2, url=review_db
    )
    for number in s["case_ids"]:
        view = service.open_file(s["id"], number, "carol", url=review_db)
        service.save_score(s["id"], number, "carol", view["proposed"], view["version"], final=True, url=review_db)
    report = service.sample_report(s["id"], url=review_db)
    assert report.summary["reviewed"] == 15 and report.summary["method"] == "stratified"
    defective = sum(1 for n in s["case_ids"] if int(n[1:]) % 5 == 0 or int(n[1:]) % 7 == 0)
    assert report.summary["defective_files"] == defective
    assert set(report.departments["department"]) == {"urban_management", "market_regulation", "greening"}
    assert report.departments.set_index("department").loc["greening", "population"] == 3
    assert (
        report.summary["defect_rate"]["low"]
        <= report.summary["defect_rate"]["estimate"]
        <= report.summary["defect_rate"]["high"]
    )


def test_an_empty_database_gives_an_instruction_not_a_traceback(tmp_path):
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError) as err:
        service.list_samples(url=f"sqlite:///{tmp_path / 'empty.db'}")
    assert "workbench init" in str(err.value)


def test_concurrent_reviewers_in_threads(review_db):
    """Four reviewers save different files at once; two tabs of one reviewer race on one file: one wins, one is told."""
    import threading

    s = service.draw_sample(name="threads", method="simple", seed=12, size=8, created_by="a", url=review_db)
    cases = s["case_ids"]
    errors, results = [], []

    def review(name, number):
        try:
            view = service.open_file(s["id"], number, name, url=review_db)
            results.append(service.save_score(s["id"], number, name, view["proposed"], view["version"], url=review_db))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=review, args=(f"r{i}", cases[i])) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(r["reviewer"] for r in results) == ["r0", "r1", "r2", "r3"]
    assert {f["case_id"] for f in service.sample_files(s["id"], url=review_db) if f["reviewers"]} == set(cases[:4])

    first = service.save_score(s["id"], cases[5], "dora", [], None, url=review_db)
    barrier = threading.Barrier(2)
    outcomes = []

    def tab(deductions):
        barrier.wait()
        try:
            outcomes.append(
                service.save_score(s["id"], cases[5], "dora", deductions, first["version"], url=review_db)["total"]
            )
        except StaleRecordError:
            outcomes.append("stale")

    racers = [
        threading.Thread(target=tab, args=([],)),
        threading.Thread(target=tab, args=([{"item": "seal_missing"}],)),
    ]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert sorted(outcomes, key=str).count("stale") == 1, outcomes
    saved = service.open_file(s["id"], cases[5], "dora", url=review_db)["score"]
    assert saved["total"] == next(o for o in outcomes if o != "stale") and saved["version"] == first["version"] + 1


@pytest.mark.postgres
def test_draw_score_race_and_report_on_postgresql(review_pg):
    import threading

    s = service.draw_sample(
        name="pg", method="stratified", seed=4, size=9, created_by="a", min_per_stratum=2, url=review_pg
    )
    assert service.redraw(s["id"], url=review_pg)["same"]
    case = s["case_ids"][0]
    first = service.save_score(s["id"], case, "erin", [], None, url=review_pg)
    barrier = threading.Barrier(2)
    outcomes = []

    def tab(deductions):
        barrier.wait()
        try:
            outcomes.append(
                service.save_score(s["id"], case, "erin", deductions, first["version"], url=review_pg)["total"]
            )
        except StaleRecordError:
            outcomes.append("stale")

    racers = [
        threading.Thread(target=tab, args=([],)),
        threading.Thread(target=tab, args=([{"item": "seal_missing"}],)),
    ]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert outcomes.count("stale") == 1, outcomes
    report = service.sample_report(s["id"], url=review_pg)
    assert report.summary["reviewed"] == 1 and report.summary["method"] == "stratified"
