"""Recall and precision of the pre-checks against planted defects: the counting itself, and on a seeded store."""

from workbench.review.evaluation import evaluate_store, score_against_planted


def test_counting_per_kind_and_per_file():
    result = score_against_planted(
        [
            (["single_officer"], ["officers_fewer_than_two"]),  # found
            (["decision_over_90_days"], []),  # missed
            ([], ["fine_outside_benchmark"]),  # false alarm
            ([], ["service_late"]),  # a kind the generator does not plant
            ([], []),
        ]
    )
    assert result["per_kind"]["officers_fewer_than_two"] == {
        "planted": 1,
        "found": 1,
        "true_positive": 1,
        "recall": 1.0,
        "precision": 1.0,
    }
    assert result["per_kind"]["decision_over_90_days"]["recall"] == 0.0
    assert result["per_kind"]["fine_outside_benchmark"]["precision"] == 0.0
    assert result["overall"] == {
        "recall": 0.5,
        "precision": 0.5,
        "true_positive": 1,
        "false_negative": 1,
        "false_positive": 1,
    }
    assert result["file_level"]["tn"] == 2 and result["not_planted_kinds"] == {"service_late": 1}


def test_on_the_seeded_store_every_planted_defect_is_found(review_db):
    result = evaluate_store(review_db)
    assert result["files"] >= 60
    assert result["per_kind"]["officers_fewer_than_two"]["recall"] == 1.0
    assert result["per_kind"]["fine_outside_benchmark"]["recall"] == 1.0
    assert result["overall"]["precision"] == 1.0, result["examples_of_disagreement"]
