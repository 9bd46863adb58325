"""The durable_rules adapter: semantics and the traps it must hide."""

import threading

import pytest

from workbench.engine.durable import Row, all_matches, compile_table, first_match, to_durable_condition
from workbench.errors import EngineError

ROWS = [
    Row("small_first", {"area_m2": {"<": 3}, "first_offence": True}),
    Row("large_or_listed", {"any": [{"area_m2": {">=": 10}}, {"road": {"in": ["main", "key"]}}]}),
    Row("not_lane", {"road": {"!=": "lane"}}),
    Row("otherwise", {}),
]


@pytest.fixture(scope="module")
def table():
    return compile_table("test/stalls", ROWS)


@pytest.mark.parametrize(
    "event, first, every",
    [
        ({"area_m2": 1, "first_offence": True, "road": "lane"}, "small_first", ["small_first", "otherwise"]),
        (
            {"area_m2": 1, "first_offence": False, "road": "main"},
            "large_or_listed",
            ["large_or_listed", "not_lane", "otherwise"],
        ),
        ({"area_m2": 12, "first_offence": False, "road": "lane"}, "large_or_listed", ["large_or_listed", "otherwise"]),
        ({"area_m2": 5, "first_offence": False, "road": "side"}, "not_lane", ["not_lane", "otherwise"]),
        ({"area_m2": 5, "first_offence": False, "road": "lane"}, "otherwise", ["otherwise"]),
    ],
)
def test_first_and_all_matches(table, event, first, every):
    assert first_match(table, event) == first
    assert all_matches(table, event) == every


def test_inequality_compiles_to_neq_never_ne():
    assert to_durable_condition({"road": {"!=": "lane"}}) == {"$neq": {"road": "lane"}}


def test_boundaries_are_inclusive_where_the_row_says_so():
    t = compile_table("test/art51", [Row("summary", {"fine_yuan": {"<=": 200}}), Row("general", {})])
    assert first_match(t, {"fine_yuan": 200}) == "summary"
    assert first_match(t, {"fine_yuan": 201}) == "general"


def test_no_row_matching_gives_none():
    t = compile_table("test/none", [Row("only", {"x": 1})])
    assert first_match(t, {"x": 2}) is None
    assert all_matches(t, {"x": 2}) == []


def test_chinese_literal_patterns():
    t = compile_table("test/zh", [Row("east", {"community": {"matches": "东.*"}})])
    assert first_match(t, {"community": "东街社区"}) == "east"
    assert first_match(t, {"community": "西街社区"}) is None


def test_same_rows_reuse_one_ruleset_named_by_content():
    a = compile_table("a", ROWS)
    b = compile_table("b", ROWS)
    c = compile_table("c", ROWS[:2])
    assert a.ruleset == b.ruleset != c.ruleset


def test_more_than_1024_evaluations_do_not_exhaust_session_state(table):
    # durable_rules raises MemoryError after 1,024 live sids: each call must delete its state
    for i in range(3000):
        assert first_match(table, {"area_m2": i % 20, "first_offence": False, "road": "lane"}) in {
            "large_or_listed",
            "otherwise",
        }


def test_threads_share_the_engine_safely(table):
    errors, answers = [], []

    def work(n):
        try:
            for i in range(300):
                answers.append(
                    first_match(table, {"area_m2": 1, "first_offence": bool(n % 2), "road": "lane"})
                    == ("small_first" if n % 2 else "otherwise")
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(answers) == 1200 and all(answers)


@pytest.mark.parametrize("bad", [{"area_m2": float("nan")}, {"area_m2": [1, 2]}, {"area_m2": {"a": 1}}])
def test_values_the_engine_would_misread_are_refused(table, bad):
    with pytest.raises(EngineError):
        first_match(table, dict(bad, first_offence=False, road="lane"))


def test_duplicate_row_ids_are_refused():
    with pytest.raises(EngineError, match="duplicate"):
        compile_table("dup", [Row("a", {}), Row("a", {"x": 1})])


def test_cli_selftest_prints_the_engine_answers(capsys):
    from workbench.cli import main

    assert main(["selftest"]) == 0
    out = capsys.readouterr().out
    assert "person       fine   150 yuan -> summary_person" in out
    assert "person       fine   201 yuan -> general" in out
    assert "organisation fine  3000 yuan -> summary_organisation" in out


def test_many_unmatched_events_leave_no_state_behind():
    t = compile_table("test/unmatched", [Row("only", {"x": 1})])
    for i in range(3000):
        assert first_match(t, {"x": 2 + i}) is None
    assert first_match(t, {"x": 1}) == "only"
