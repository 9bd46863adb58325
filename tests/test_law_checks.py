"""The engine's checks of who a provision reaches, of the case's dates and of a proposed penalty (issue 12)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from workbench.engine import get_engine
from workbench.engine.inputs import age_at
from workbench.errors import InputError

BASE = {
    "violation": "street_vending",
    "act_date": "2024-05-01",
    "decision_date": "2024-05-20",
    "party": {"kind": "person", "age": 40},
    "facts": {"area_m2": 6, "repeat_count": 0},
}


def case(**over):
    out = json.loads(json.dumps(BASE))
    out.update(over)
    return out


@pytest.mark.parametrize(
    "birth, day, years",
    [
        ("2010-05-01", "2024-05-01", 13),  # the 14th birthday itself: still 不满十四周岁
        ("2010-05-01", "2024-05-02", 14),
        ("2010-05-01", "2024-04-30", 13),
        ("2008-02-29", "2026-02-28", 17),  # born on 29 February: the birthday of a common year is 1 March
        ("2008-02-29", "2026-03-01", 17),
        ("2008-02-29", "2026-03-02", 18),
        ("2010-05-01", "2010-05-01", 0),
    ],
)
def test_age_in_zhousui_counts_from_the_day_after_the_birthday(birth, day, years):
    assert age_at(dt.date.fromisoformat(birth), dt.date.fromisoformat(day)) == years


def test_an_organisations_age_never_changes_the_answer_and_the_trace_says_why():
    engine = get_engine()
    plain = engine.decide(case(party={"kind": "organisation"})).to_dict()
    given = engine.decide(case(party={"kind": "organisation", "age": 12, "capacity": "limited"})).to_dict()
    for key in ("penalize", "level", "fine_yuan", "mitigation", "procedure", "basis"):
        assert given[key] == plain[key], key
    note = [t for t in given["trace"] if t["rule"] == "party/organisation"]
    assert note and "party.age" in note[0]["why"] and "party.capacity" in note[0]["why"]


def test_proposed_fine_above_the_statute_cites_art_76():
    d = get_engine().decide(case(proposed_penalty={"fine_yuan": 1500, "other": []})).to_dict()
    assert d["within_statute"] is False and "行政处罚法 第七十六条" in d["basis"]
    assert any(t["rule"] == "within_statute" and "[0, 1000]" in t["why"] for t in d["trace"])
    ok = get_engine().decide(case(proposed_penalty={"fine_yuan": 300, "other": []})).to_dict()
    assert ok["within_statute"] is True and "行政处罚法 第七十六条" not in ok["basis"]


def test_dates_out_of_order_are_refused_naming_both():
    with pytest.raises(InputError) as err:
        get_engine().decide(case(discovered_date="2024-05-25"))
    assert err.value.field == "decision_date" and "2024-05-25" in str(err.value) and "2024-05-20" in str(err.value)
    with pytest.raises(InputError) as err:
        get_engine().decide(case(act_date="2026-12-02", decision_date="2026-12-03"), today=dt.date(2026, 12, 1))
    assert err.value.field == "act_date" and "2026-12-01" in str(err.value)


def test_the_cli_refuses_with_exit_2_and_a_message_naming_the_field():
    bad = case(circumstances=["first_offence"], facts={"area_m2": 2, "repeat_count": 3})
    run = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "decide"], input=json.dumps(bad), capture_output=True, text=True
    )
    assert run.returncode == 2, run.stderr
    assert "circumstances" in run.stderr and "repeat_count" in run.stderr and "Traceback" not in run.stderr
